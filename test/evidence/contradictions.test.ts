/**
 * Predicted vs observed (spec/signins.md): single-factor sign-ins to a target the engine calls healthy,
 * one entry per (user, target), with the causes the engine can name.
 */
import { describe, expect, it } from 'vitest';
import { contradictionTarget } from '../../src/evidence/contradictions.js';
import { evaluateSnapshotAsync } from '../../src/evaluate.js';
import { MemorySignInEvidence } from '../../src/evidence/memory.js';
import { scan } from '../../src/app/scan.js';
import { validateReport } from '../../src/app/validate-report.js';
import { renderReport } from '../../src/app/output.js';
import { findFormat } from '../../src/report/formats.js';
import { policy, snapshot, user } from '../helpers/snapshot-builder.js';
import { ARM_RESOURCE, CLI, MOBILE, OUTLOOK, PORTAL, POWERSHELL, TERRAFORM, cli, signIn, singleFactor } from '../helpers/signins.js';
import type { Snapshot } from '../../src/snapshot/types.js';

const contradictionsOf = async (snap: Snapshot, signIns: Record<string, unknown>[]) =>
  (await evaluateSnapshotAsync(snap, { evidence: new MemorySignInEvidence(signIns) })).contradictions!;

describe('contradictionTarget', () => {
  it('maps the portal to azurePortal; CLI, PowerShell and any ARM client to azureManagement; other apps to anyApp', () => {
    expect(contradictionTarget({ appId: PORTAL, resourceId: ARM_RESOURCE })).toBe('azurePortal');
    expect(contradictionTarget({ appId: CLI, resourceId: null })).toBe('azureManagement');
    expect(contradictionTarget({ appId: POWERSHELL.toUpperCase(), resourceId: null })).toBe('azureManagement');
    expect(contradictionTarget({ appId: TERRAFORM, resourceId: ARM_RESOURCE })).toBe('azureManagement');
    expect(contradictionTarget({ appId: MOBILE, resourceId: null })).toBe('anyApp');
    expect(contradictionTarget({ appId: OUTLOOK, resourceId: '00000002-0000-0ff1-ce00-000000000000' })).toBe('anyApp');
  });
});

describe('contradictions', () => {
  const alice = user('alice@contoso.com');
  const covered = snapshot({ users: [alice], conditionalAccessPolicies: [policy('MFA all')] });

  it('one entry per (user, target) where the engine predicted MFA, with counts, times, samples (≤ 5) and apps', async () => {
    const signIns = [
      ...[1, 2, 3, 4, 5, 6].map((d) => signIn(alice, `2026-10-0${d}T09:00:00Z`, { ...cli(), ...singleFactor })),
      signIn(alice, '2026-10-07T09:00:00Z', { appId: TERRAFORM, appDisplayName: 'Terraform', ...singleFactor }),
      signIn(alice, '2026-10-08T09:00:00Z', singleFactor), // portal
      signIn(alice, '2026-10-08T10:00:00Z'), // MFA: not a contradiction
    ];
    const list = await contradictionsOf(covered, signIns);
    expect(list.map((c) => [c.target, c.engineState, c.signIns])).toEqual([['azureManagement', 'enforced', 7], ['azurePortal', 'enforced', 1]]);
    const mgmt = list[0]!;
    expect(mgmt).toMatchObject({
      userId: alice.id, userPrincipalName: 'alice@contoso.com', firstSeen: '2026-10-01T09:00:00.000Z', lastSeen: '2026-10-07T09:00:00.000Z',
      appIds: [CLI, TERRAFORM].sort(), likelyCauses: [],
    });
    expect(mgmt.sampleSignInIds).toHaveLength(5);
    expect(mgmt.sampleSignInIds[0]).toBe(signIns[0]!.id);
  });

  it('none where the engine already predicts the gap, and none for accounts not in the snapshot', async () => {
    const open = snapshot({ users: [alice] });
    expect(await contradictionsOf(open, [signIn(alice, '2026-10-01T09:00:00Z', { ...cli(), ...singleFactor })])).toEqual([]);
    expect(await contradictionsOf(covered, [signIn('99999999-0000-4000-8000-000000000000', '2026-10-01T09:00:00Z', singleFactor)])).toEqual([]);
  });

  it('names a trusted-location bypass', async () => {
    const snap = snapshot({
      users: [alice],
      namedLocations: [{ id: 'loc-hq', displayName: 'HQ', isTrusted: true, '@odata.type': '#microsoft.graph.ipNamedLocation' }],
      conditionalAccessPolicies: [policy('MFA off-site', { conditions: { locations: { includeLocations: ['All'], excludeLocations: ['loc-hq'] } } })],
    });
    const [c] = await contradictionsOf(snap, [signIn(alice, '2026-10-01T09:00:00Z', { ...cli(), ...singleFactor })]);
    expect(c).toMatchObject({ engineState: 'trustedLocationBypass', likelyCauses: ['trustedLocationBypass'] });
    expect(c!.explanations[0]).toContain("'HQ'");
  });

  it('names a snapshot older than the sign-in and a policy changed after it', async () => {
    const changed = policy('MFA all', { extra: { modifiedDateTime: '2026-10-15T00:00:00Z' } });
    const snap = snapshot({ users: [alice], conditionalAccessPolicies: [changed], collectedAt: '2026-10-20T00:00:00Z' });
    const [c] = await contradictionsOf(snap, [signIn(alice, '2026-10-10T09:00:00Z', { ...cli(), ...singleFactor }), signIn(alice, '2026-10-25T09:00:00Z', { ...cli(), ...singleFactor })]);
    expect(c!.likelyCauses).toEqual(['snapshotOlderThanSignIn', 'policyChangedSince']);
    const [d] = await contradictionsOf(snap, [signIn(alice, '2026-10-16T09:00:00Z', { ...cli(), ...singleFactor })]);
    expect(d!.likelyCauses).toEqual([]);
  });

  it('names per-user MFA service settings, security defaults "when necessary", and an app the policy excludes', async () => {
    const perUser = user('pu@contoso.com', { perUserMfaState: 'enforced' });
    const [a] = await contradictionsOf(snapshot({ users: [perUser] }), [signIn(perUser, '2026-10-01T09:00:00Z', { ...cli(), ...singleFactor })]);
    expect(a!.likelyCauses).toEqual(['perUserMfaServiceSettings']);
    const outlook = { appId: OUTLOOK, appDisplayName: 'Outlook', resourceId: null, ...singleFactor };
    const [b] = await contradictionsOf(snapshot({ users: [alice], securityDefaults: { isEnabled: true } }), [signIn(alice, '2026-10-01T09:00:00Z', outlook)]);
    expect(b).toMatchObject({ target: 'anyApp', likelyCauses: ['securityDefaultsWhenNecessary'] });
    const excludes = snapshot({ users: [alice], conditionalAccessPolicies: [policy('MFA all but Outlook', { applications: { excludeApplications: [OUTLOOK] } })] });
    const [c] = await contradictionsOf(excludes, [signIn(alice, '2026-10-01T09:00:00Z', outlook)]);
    expect(c).toMatchObject({ target: 'anyApp', likelyCauses: ['appExcludedByPolicy'] });
  });

  it('are absent without evidence', async () => {
    expect((await evaluateSnapshotAsync(covered)).contradictions).toBeUndefined();
  });

  it('reach the JSON report as a top-level array that validates, the table and HTML (escaped), and are pseudonymised by --redact', async () => {
    const hostile = user('<img src=x onerror=alert(1)>\u202e@contoso.com');
    const snap = { ...snapshot({ users: [hostile], conditionalAccessPolicies: [policy('MFA all')] }), signIns: [signIn(hostile, '2026-10-01T09:00:00Z', { ...cli(), ...singleFactor })] };
    const { report } = await scan({ source: { snapshot: snap } });
    expect(report.contradictions).toHaveLength(1);
    const chunks: string[] = [];
    const render = async (name: string) => {
      chunks.length = 0;
      await renderReport(report, findFormat(name)!, (c) => { chunks.push(typeof c === 'string' ? c : Buffer.from(c).toString()); }, { color: false, limit: 25 });
      return chunks.join('');
    };
    const json = JSON.parse(await render('json'));
    expect(json.contradictions[0]).toMatchObject({ userId: hostile.id, target: 'azureManagement', engineState: 'enforced', signIns: 1 });
    expect(Object.keys(json.contradictions[0]).slice(0, 10)).toEqual(['userId', 'userPrincipalName', 'target', 'engineState', 'signIns', 'firstSeen', 'lastSeen', 'sampleSignInIds', 'appIds', 'likelyCauses']);
    expect(() => validateReport(json, 'r.json')).not.toThrow();
    expect(() => validateReport({ ...json, contradictions: [{ ...json.contradictions[0], target: 'nowhere' }] }, 'r.json')).toThrow(/contradictions\[0\]\.target/);
    const table = await render('table');
    expect(table).toContain('CONTRADICTION');
    expect(table).toContain('\\u202e');
    const html = await render('html');
    expect(html).toContain('id="contradictions"');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;\\u202e@contoso.com');
    const { report: redacted } = await scan({ source: { snapshot: snap }, redact: true });
    expect(redacted.contradictions![0]!.userPrincipalName).toMatch(/^user-[0-9a-f]{10}@redacted\.invalid$/);
    expect(JSON.stringify(redacted.signIns)).not.toContain('onerror');
  });
});
