import { describe, expect, it } from 'vitest';
import { snapshot, user } from '../../../test/helpers/snapshot-builder.js';
import { POWERSHELL, cli, failed, ruleFindings, signIn, statusOf } from '../../../test/helpers/signins.js';

const RULE = 'azure-tooling-version';
const ps = (version: string) => ({ appId: POWERSHELL, appDisplayName: 'Microsoft Azure PowerShell', userAgent: `AzurePowershell/v${version} PSVersion/v7.4.1` });
const cliAgent = (version: string) => cli(`python/3.11.8 (Linux-6.5) AZURECLI/${version} (DEB)`);

async function verdict(patches: Record<string, unknown>[]) {
  const u = user('dev@contoso.com');
  const findings = await ruleFindings(snapshot({ users: [u] }), RULE, { signIns: patches.map((p, i) => signIn(u, `2026-10-0${i + 1}T10:00:00Z`, p)) });
  return findings;
}

describe('azure-tooling-version', () => {
  it('Azure CLI: 2.75.9 is too old, 2.76.0 is enough (numeric comparison: 2.100.0 is newer than 2.76.0)', async () => {
    expect((await verdict([cliAgent('2.75.9')])).map((f) => f.status)).toEqual(['unhealthy']);
    expect((await verdict([cliAgent('2.76.0')])).map((f) => f.status)).toEqual(['healthy']);
    expect((await verdict([cliAgent('2.100.0')])).map((f) => f.status)).toEqual(['healthy']);
    expect((await verdict([cliAgent('2.9.1')])).map((f) => f.status)).toEqual(['unhealthy']);
  });

  it('Azure PowerShell (Az): 14.2.9 is too old, 14.3.0 is enough', async () => {
    expect((await verdict([ps('14.2.9')])).map((f) => f.status)).toEqual(['unhealthy']);
    expect((await verdict([ps('14.3.0')])).map((f) => f.status)).toEqual(['healthy']);
  });

  it('the lowest version seen decides: an old installation still in use is named even when a new one is seen too', async () => {
    const [f] = await verdict([cliAgent('2.61.0'), cliAgent('2.77.0'), ps('14.3.0')]);
    expect(f!.status).toBe('unhealthy');
    expect(f!.reason).toBe('Azure CLI 2.61.0 is older than 2.76.0 (2.77.0 seen too: an old installation is still in use)');
    expect(f!.evidence.tools).toEqual([
      { tool: 'azureCli', lowestVersion: '2.61.0', highestVersion: '2.77.0', minimumVersion: '2.76.0', signIns: 2, lastSeen: '2026-10-02T10:00:00.000Z' },
      { tool: 'azurePowerShell', lowestVersion: '14.3.0', highestVersion: '14.3.0', minimumVersion: '14.3.0', signIns: 1, lastSeen: '2026-10-03T10:00:00.000Z' },
    ]);
  });

  it('a sign-in without a version (python-requests, a browser) says nothing: no finding, never a guess', async () => {
    expect(await verdict([cli('python-requests/2.31.0'), {}])).toEqual([]);
  });

  it('failed sign-ins do not count', async () => {
    expect(await verdict([{ ...cliAgent('2.50.0'), ...failed }])).toEqual([]);
  });

  it('disabled accounts are notApplicable; accounts not in the directory get no finding', async () => {
    const off = user('off@contoso.com', { accountEnabled: false });
    const findings = await ruleFindings(snapshot({ users: [off] }), RULE, {
      signIns: [signIn(off, '2026-10-01T10:00:00Z', cliAgent('2.50.0')), signIn('99999999-0000-4000-8000-000000000000', '2026-10-01T10:00:00Z', cliAgent('2.50.0'))],
    });
    expect(findings.map((f) => f.status)).toEqual(['notApplicable']);
    expect(statusOf(findings, off)).toEqual(['notApplicable']);
  });

  it('ends the window at asOf', async () => {
    const u = user('dev@contoso.com');
    const signIns = [signIn(u, '2026-10-01T10:00:00Z', cliAgent('2.80.0')), signIn(u, '2026-10-09T10:00:00Z', cliAgent('2.70.0'))];
    expect((await ruleFindings(snapshot({ users: [u] }), RULE, { signIns, asOf: '2026-10-05T00:00:00Z' })).map((f) => f.status)).toEqual(['healthy']);
  });

  it('without sign-in evidence: one tenant-level unknown finding', async () => {
    const findings = await ruleFindings(snapshot({ users: [user('a@contoso.com')] }), RULE);
    expect(findings.map((f) => [f.status, f.resourceType])).toEqual([['unknown', 'tenant']]);
  });
});
