/**
 * Synthetic sign-ins (devkit/gen/signins.ts): consistent with the tenant's users, deterministic,
 * streamed, and rich enough that every definition of spec/signins.md finds something — checked by
 * reading them through the reference evidence implementation (MemorySignInEvidence), not through the
 * generator's own plan. Also `npm run gen -- --signins N` and `--signins-only`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { generateSnapshot } from '../../devkit/gen/generate.js';
import { generateSignIns } from '../../devkit/gen/signins.js';
import { genMain } from '../../devkit/gen/cli.js';
import { MemorySignInEvidence } from '../../src/evidence/memory.js';
import { isLegacyClient, MANDATORY_MFA_APPS, toolVersion } from '../../src/evidence/signins.js';
import { loadSnapshot } from '../../src/snapshot/load.js';

const snapshot = generateSnapshot({ users: 800, seed: 5 });
const ASOF = '2026-11-01T08:00:00Z';
const rows = [...generateSignIns(snapshot, { count: 20_000, seed: 3, asOf: ASOF })];
type Row = Record<string, any>;

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mfaguard-signins-gen-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('generateSignIns', () => {
  it('gives Graph beta signIn objects of the tenant: known users with their UPNs, unique ids, inside the window', () => {
    const users = new Map((snapshot.users ?? []).map((u) => [u.id, u]));
    const ids = new Set<string>();
    const from = Date.parse(ASOF) - 30 * 86_400_000;
    for (const r of rows as Row[]) {
      ids.add(r.id);
      const t = Date.parse(r.createdDateTime);
      expect(t).toBeGreaterThanOrEqual(from);
      expect(t).toBeLessThan(Date.parse(ASOF));
      expect(r.signInEventTypes).toHaveLength(1);
      if (r.signInEventTypes[0] === 'servicePrincipal') {
        expect(r.servicePrincipalId).toMatch(/^[0-9a-f-]{36}$/);
        continue;
      }
      const u = users.get(r.userId);
      expect(u, r.userId).toBeDefined();
      expect(r.userPrincipalName).toBe(u!.userPrincipalName);
      expect(u!.accountEnabled).not.toBe(false);
      expect(typeof r.status.errorCode).toBe('number');
      expect(r.resourceTenantId).toBe(snapshot.tenant!.id);
      // B2B users sign in from their home tenant
      if (u!.userPrincipalName!.includes('#EXT#')) expect(r.homeTenantId).not.toBe(snapshot.tenant!.id);
      else expect(r.homeTenantId).toBe(snapshot.tenant!.id);
    }
    expect(ids.size).toBe(rows.length);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const again = [...generateSignIns(snapshot, { count: 500, seed: 3, asOf: ASOF })];
    expect(JSON.stringify(again)).toBe(JSON.stringify([...generateSignIns(snapshot, { count: 500, seed: 3, asOf: ASOF })]));
    const other = [...generateSignIns(snapshot, { count: 500, seed: 4, asOf: ASOF })];
    expect(other.map((r) => r.id)).not.toEqual(again.map((r) => r.id));
  });

  it('streams: the first rows of a billion-row run come at once', () => {
    const t0 = performance.now();
    const it = generateSignIns(snapshot, { count: 1_000_000_000, seed: 1, asOf: ASOF });
    for (let i = 0; i < 100; i++) it.next();
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('has the mix the rules read: event types, mandatory-MFA apps, legacy clients, failures, trusted locations, report-only results', () => {
    const count = (p: (r: Row) => boolean) => (rows as Row[]).filter(p).length;
    const types = (t: string) => count((r) => r.signInEventTypes[0] === t);
    expect(types('interactiveUser')).toBeGreaterThan(1000);
    expect(types('nonInteractiveUser')).toBeGreaterThan(1000);
    expect(types('servicePrincipal')).toBeGreaterThan(100);
    for (const appId of Object.keys(MANDATORY_MFA_APPS)) expect(count((r) => r.appId === appId), appId).toBeGreaterThan(10);
    expect(count((r) => r.resourceId === '797f4846-ba00-4fd7-ba43-dac1f8f63013' && !MANDATORY_MFA_APPS[r.appId])).toBeGreaterThan(10);
    expect(count((r) => r.appId === '00000003-0000-0000-c000-000000000000')).toBeGreaterThan(10);
    const legacy = new Set((rows as Row[]).filter((r) => isLegacyClient(r.clientAppUsed ?? null)).map((r) => r.clientAppUsed));
    for (const c of ['Exchange ActiveSync', 'IMAP4', 'POP3', 'Authenticated SMTP', 'Other clients']) expect(legacy).toContain(c);
    expect(count((r) => r.status.errorCode !== 0)).toBeGreaterThan(200);
    expect(count((r) => r.authenticationRequirement === 'singleFactorAuthentication')).toBeGreaterThan(500);
    expect(count((r) => r.authenticationRequirement === 'multiFactorAuthentication')).toBeGreaterThan(500);
    expect(count((r) => r.networkLocationDetails.some((d: Row) => d.networkType === 'trustedNamedLocation'))).toBeGreaterThan(100);
    const results = new Set((rows as Row[]).flatMap((r) => r.appliedConditionalAccessPolicies.map((p: Row) => p.result)));
    expect([...results].some((r) => String(r).startsWith('reportOnly'))).toBe(true);
    expect(results).toContain('success');
    expect(new Set((rows as Row[]).map((r) => r.location?.countryOrRegion)).size).toBeGreaterThan(5);
    expect(new Set((rows as Row[]).map((r) => r.deviceDetail?.operatingSystem)).size).toBeGreaterThan(4);
    const agents = (rows as Row[]).map((r) => String(r.userAgent ?? ''));
    expect(agents.some((a) => a.startsWith('python-requests/'))).toBe(true);
    const versions = agents.map((a) => toolVersion(a)).filter((v) => v !== undefined);
    expect(versions.some((v) => v!.tool === 'azureCli' && v!.version === '2.60.0') || versions.some((v) => v!.tool === 'azureCli' && v!.version.startsWith('2.6'))).toBe(true);
    expect(versions.some((v) => v!.tool === 'azureCli' && Number(v!.version.split('.')[1]) >= 76)).toBe(true);
    expect(versions.some((v) => v!.tool === 'azurePowerShell' && Number(v!.version.split('.')[0]) < 14)).toBe(true);
    expect(versions.some((v) => v!.tool === 'azurePowerShell' && Number(v!.version.split('.')[0]) >= 14)).toBe(true);
  });

  it('the reference evidence finds every automation signal, single-factor mandatory-MFA sign-ins and legacy users', async () => {
    const ev = new MemorySignInEvidence(rows);
    const profiles = await ev.automationProfiles({ asOf: ASOF });
    const signals = new Set(profiles.flatMap((p) => p.signals));
    for (const s of ['ropc', 'nonInteractiveOnly', 'scheduled', 'scriptedClient'] as const) expect(signals, s).toContain(s);
    // an account scheduled just before midnight is still "scheduled" (the ± 5 minutes wrap)
    const nearMidnight = profiles.filter((p) => p.signals.includes('scheduled') && p.sampleTimes.some((t) => t.slice(11, 13) === '23' || t.slice(11, 13) === '00'));
    expect(nearMidnight.length).toBeGreaterThan(0);
    const single = await ev.singleFactorSignIns({ asOf: ASOF });
    expect(single.length).toBeGreaterThan(10);
    expect((await ev.legacyClientSignIns({ asOf: ASOF })).length).toBeGreaterThan(5);
    const apps = await ev.userAppSignIns({ asOf: ASOF });
    expect(apps.some((a) => a.mandatoryMfaPhase === 1 && a.singleFactor > 0)).toBe(true);
    expect(apps.some((a) => a.mandatoryMfaPhase === 2 && a.nonInteractive > 0)).toBe(true);
  });

  it('biases single-factor sign-ins towards users who are not MFA capable', () => {
    const capable = new Map((snapshot.userRegistrationDetails ?? []).map((r) => [r.id, r.isMfaCapable]));
    const share = (want: boolean) => {
      const rs = (rows as Row[]).filter((r) => r.signInEventTypes[0] !== 'servicePrincipal' && capable.get(r.userId) === want && r.clientAppUsed === 'Browser');
      return rs.filter((r) => r.authenticationRequirement === 'singleFactorAuthentication').length / Math.max(1, rs.length);
    };
    expect(share(false)).toBeGreaterThan(share(true) + 0.3);
  });
});

describe('npm run gen -- --signins', () => {
  it('writes signIns.ndjson, its manifest count and signInsWindow; the snapshot loads with them', async () => {
    const out = join(dir, 'tenant');
    const code = await genMain(['--users', '300', '--seed', '9', '--out', out, '--signins', '2000', '--quiet']);
    expect(code).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as Row;
    expect(manifest.counts.signIns).toBe(2000);
    expect(manifest.signInsWindow).toEqual({ from: '2026-10-02T08:00:00.000Z', to: '2026-11-01T08:00:00.000Z' });
    const { snapshot: loaded } = await loadSnapshot(out);
    expect(loaded.signIns).toHaveLength(2000);
    const ids = new Set(loaded.users!.map((u) => u.id));
    expect(loaded.signIns!.every((r) => r.userId === '' || ids.has(String(r.userId)))).toBe(true);
  });

  it('--signins-only writes just the sign-ins of an existing snapshot (gzip by name)', async () => {
    const snap = join(dir, 'small');
    expect(await genMain(['--users', '120', '--seed', '2', '--out', snap, '--quiet'])).toBe(0);
    const file = join(dir, 'signins.ndjson.gz');
    expect(await genMain(['--signins-only', '1500', '--snapshot', snap, '--out', file, '--signins-days', '7', '--quiet'])).toBe(0);
    const lines = gunzipSync(await readFile(file)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
    expect(lines).toHaveLength(1500);
    const first = Date.parse(lines[0]!.createdDateTime);
    expect(first).toBeGreaterThanOrEqual(Date.parse('2026-10-25T08:00:00Z'));
  });

  it('refuses bad sign-in options with exit 2', async () => {
    expect(await genMain(['--signins-only', '10', '--out', join(dir, 'x.ndjson')])).toBe(2);
    expect(await genMain(['--users', '10', '--seed', '1', '--out', join(dir, 'y'), '--signins', 'many'])).toBe(2);
    expect(await genMain(['--users', '10', '--seed', '1', '--out', join(dir, 'z'), '--signins', '10', '--as-of', 'yesterday'])).toBe(2);
  });
});
