/**
 * The demo tenant's sign-in story (devkit/demo/signins.ts, demo/README.md "Sign-ins"), read through
 * the reference evidence implementation: one automation account with every signal, one single-factor
 * Azure CLI user with old tools, a legacy IMAP client that CA12 blocks, the FIDO2-less break-glass
 * account signing in with a password and relaying mail over SMTP, and noise that contradicts nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemorySignInEvidence } from '../src/evidence/memory.js';
import { loadSnapshot } from '../src/snapshot/load.js';
import type { Snapshot } from '../src/snapshot/types.js';

const DEMO = fileURLToPath(new URL('../demo/tenant.json', import.meta.url));
const ASOF = '2026-11-01T08:00:00Z';
let snapshot: Snapshot;
let ev: MemorySignInEvidence;
const upn = (local: string) => `${local}@northwindtraders.com`;

beforeAll(async () => {
  snapshot = (await loadSnapshot(DEMO)).snapshot;
  ev = MemorySignInEvidence.fromSnapshot(snapshot)!;
});

describe('demo sign-ins', () => {
  it('cover the 30 days before the snapshot, user sign-ins only, each user known', async () => {
    expect(await ev.window()).toEqual({ from: '2026-10-02T08:00:00.000Z', to: '2026-11-01T08:00:00.000Z' });
    const ids = new Set(snapshot.users!.map((u) => u.id));
    for (const r of snapshot.signIns!) {
      expect(ids.has(String(r.userId))).toBe(true);
      expect(['interactiveUser', 'nonInteractiveUser']).toContain((r.signInEventTypes as string[])[0]);
    }
    expect(new Set(snapshot.signIns!.map((r) => r.id)).size).toBe(snapshot.signIns!.length);
  });

  it('svc-deploy is the one automation account, with every signal', async () => {
    const flagged = (await ev.automationProfiles({ asOf: ASOF })).filter((p) => p.signals.length);
    expect(flagged.map((p) => p.userPrincipalName)).toEqual([upn('svc-deploy')]);
    expect(flagged[0]!.signals.sort()).toEqual(['nonInteractiveOnly', 'ropc', 'scheduled', 'scriptedClient']);
    expect(flagged[0]!.scriptedAgents).toEqual(['curl/8.5.0']);
  });

  it('ext.kmensah uses the Azure CLI and PowerShell single-factor, with versions older than required', async () => {
    const single = (await ev.singleFactorSignIns({ asOf: ASOF })).filter((s) => s.userPrincipalName === upn('ext.kmensah'));
    expect(single.map((s) => s.appId).sort()).toEqual(['04b07795-8ddb-461a-bbee-02f9e1bf7b46', '1950a258-227b-4e31-a9cf-717495945fc2']);
    const tools = (await ev.toolVersions({ asOf: ASOF })).filter((t) => t.userPrincipalName === upn('ext.kmensah'));
    expect(tools.map((t) => [t.tool, t.highestVersion]).sort()).toEqual([['azureCli', '2.60.0'], ['azurePowerShell', '12.0.0']]);
  });

  it('the only successful legacy sign-ins are breakglass2\'s SMTP relay; Giovanni\'s IMAP client is blocked', async () => {
    const legacy = await ev.legacyClientSignIns({ asOf: ASOF });
    expect(legacy.map((l) => [l.userPrincipalName, l.clientAppUsed])).toEqual([[upn('breakglass2'), 'Authenticated SMTP']]);
    const imap = snapshot.signIns!.filter((r) => r.clientAppUsed === 'IMAP4');
    expect(imap.length).toBeGreaterThan(10);
    expect(imap.every((r) => (r.status as { errorCode: number }).errorCode === 53003 && r.userPrincipalName === upn('giovanni.rovelli'))).toBe(true);
  });

  it('breakglass2 (no FIDO2) signs in to the portal with a password; breakglass1 with its key', async () => {
    const apps = await ev.userAppSignIns({ asOf: ASOF });
    const bg2 = apps.find((a) => a.userPrincipalName === upn('breakglass2') && a.mandatoryMfaPhase === 1)!;
    expect(bg2.singleFactor).toBe(1);
    const bg1 = apps.find((a) => a.userPrincipalName === upn('breakglass1') && a.mandatoryMfaPhase === 1)!;
    expect(bg1).toMatchObject({ singleFactor: 0, multiFactor: 1 });
  });

  it('nobody else signs in single-factor, except Liam at the trusted depots and Giovanni outside the portal', async () => {
    const story = new Set(['svc-deploy', 'ext.kmensah', 'breakglass2', 'liam.oconnor', 'giovanni.rovelli'].map(upn));
    const others = (await ev.singleFactorSignIns({ asOf: ASOF })).filter((s) => !story.has(String(s.userPrincipalName)));
    expect(others).toEqual([]);
    const liam = await ev.pivot('user', { asOf: ASOF, trustedLocationsOnly: true });
    expect(liam.some((p) => p.keys[1] === upn('liam.oconnor') && p.singleFactor > 0)).toBe(true);
  });
});

describe('mfaguard demo shows the sign-in story', () => {
  // one live demo run (emulator + collection + scan), read as JSON and as the table users see
  let table: string;
  let report: { findings: { ruleId: string; status: string; resourceName: string; evidence: Record<string, unknown> }[] };
  beforeAll(async () => {
    const { mfaguard } = await import('./cli/run.js');
    const dir = mkdtempSync(join(tmpdir(), 'mfaguard-demo-signins-'));
    try {
      const json = join(dir, 'report.json');
      const r = await mfaguard(['demo', '--no-state', '--quiet', '--format', 'table', '--format', 'json', '--output', '-', '--output', json]);
      expect(r.code, r.stderr).toBe(0);
      table = r.stdout;
      report = JSON.parse(readFileSync(json, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  const unhealthy = (rule: string) => report.findings.filter((f) => f.ruleId === rule && f.status === 'unhealthy').map((f) => f.resourceName).sort();

  it('lists every sign-in rule in the table', () => {
    for (const rule of ['mandatory-mfa-readiness', 'user-automation-account', 'azure-tooling-version', 'legacy-auth-blocked', 'breakglass-phishing-resistant']) {
      expect(table).toMatch(new RegExp(`^\\s*${rule}\\s+(high|medium)\\s+\\d+\\s+\\d+`, 'm'));
    }
  });

  it('svc-deploy is the automation account; ext.kmensah signs in single-factor with old tools; breakglass2 has no FIDO2', () => {
    expect(unhealthy('user-automation-account')).toEqual([upn('svc-deploy')]);
    expect(unhealthy('mandatory-mfa-readiness')).toEqual(expect.arrayContaining([upn('ext.kmensah'), upn('svc-deploy'), upn('breakglass2')]));
    expect(unhealthy('azure-tooling-version')).toContain(upn('ext.kmensah'));
    expect(unhealthy('breakglass-phishing-resistant')).toEqual([upn('breakglass2')]);
    const legacy = report.findings.find((f) => f.ruleId === 'legacy-auth-blocked')!;
    expect(JSON.stringify(legacy.evidence)).toContain('Authenticated SMTP');
    // and the table shows them under their rules
    const section = (rule: string) => table.slice(table.indexOf(`\n${rule} [`), table.indexOf('\n\n', table.indexOf(`\n${rule} [`) + 1));
    expect(section('user-automation-account')).toContain(`UNHEALTHY ${upn('svc-deploy')}`);
    expect(section('azure-tooling-version')).toContain(`UNHEALTHY ${upn('ext.kmensah')}`);
    expect(section('breakglass-phishing-resistant')).toContain(`UNHEALTHY ${upn('breakglass2')}`);
  });
});
