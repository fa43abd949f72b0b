/**
 * Live collection of sign-ins (src/collections/sign-ins.ts, src/collect/time-sliced.ts) against the
 * emulator: interactive AND non-interactive rows, the evidence scope's filter (mandatory-MFA apps,
 * clients of ARM, legacy clients) or everything, the window in the manifest, throttling that shrinks
 * the slices, a killed collection resumed without duplicates, and a missing permission recorded as
 * `unavailable.signIns` rather than a failed collection.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../devkit/emulator/index.js';
import { generateSnapshot } from '../../devkit/gen/generate.js';
import { generateSignIns } from '../../devkit/gen/signins.js';
import { collectTenant, type CollectOptions } from '../../src/collect/collect.js';
import { signInOptionsFrom } from '../../src/cli/collect.js';
import { LEGACY_CLIENT_APPS } from '../../src/collections/sign-ins.js';
import { MANDATORY_MFA_APPS } from '../../src/evidence/signins.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import type { Snapshot } from '../../src/snapshot/types.js';

const ASOF = '2026-11-01T08:00:00Z';
const base = generateSnapshot({ users: 150, seed: 4 });
const rows = [...generateSignIns(base, { count: 4000, seed: 8, asOf: ASOF, days: 8 })] as Record<string, any>[];
const source: Snapshot = { ...base, signIns: rows };
type Row = Record<string, any>;
const type = (r: Row) => (r.signInEventTypes as string[])[0]!;
const userRows = rows.filter((r) => type(r) === 'interactiveUser' || type(r) === 'nonInteractiveUser');
const LEGACY = new Set(LEGACY_CLIENT_APPS);
const evidenceRows = userRows.filter((r) => MANDATORY_MFA_APPS[r.appId as string] || r.resourceId === '797f4846-ba00-4fd7-ba43-dac1f8f63013' || LEGACY.has(r.clientAppUsed));
const OTHERS = ['users', 'groups', 'groupMembers', 'servicePrincipals', 'roleDefinitions', 'roleAssignments', 'roleEligibilitySchedules', 'conditionalAccessPolicies',
  'namedLocations', 'authenticationStrengthPolicies', 'securityDefaults', 'authenticationMethods', 'authenticationRequirements', 'userRegistrationDetails', 'azure'];

let root: string;
const emus: EmulatorHandle[] = [];
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'mfaguard-signins-collect-')); });
afterAll(async () => {
  for (const e of emus) await e.close();
  await rm(root, { recursive: true, force: true });
});

async function emulator(opts: Partial<EmulatorOptions> = {}): Promise<EmulatorHandle> {
  const e = await startEmulator({ snapshot: source, limits: 'none', pageSizes: { signIns: 150 }, ...opts });
  emus.push(e);
  return e;
}

function collector(emu: EmulatorHandle, name: string, extra: Partial<CollectOptions> = {}) {
  const lines: string[] = [];
  const credential = {
    getToken: async (scope: string | string[]) => ({ token: emu.issueToken({ resource: String(scope).includes('management') ? 'arm' : 'graph' }), expiresOnTimestamp: Date.now() + 3600_000 }),
  };
  const run = (more: Partial<CollectOptions> = {}) => collectTenant({
    out: join(root, name), credential, graphEndpoint: emu.httpUrl, armEndpoint: emu.httpUrl,
    logFormat: 'json', logSink: { write: (t: string) => { lines.push(t); } }, skip: ['azure'],
    // the emulator's limits are what these tests exercise; our own pacing (5 per 10 s) would only slow them
    limits: { signInReports: { capacity: 1000, perSecond: 1000, backoffBaseMs: 50 } },
    signIns: { days: 30, scope: 'evidence', asOf: ASOF }, ...extra, ...more,
  });
  return { run, lines, events: () => lines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row) };
}

const ids = (rs: Row[]) => rs.map((r) => String(r.id)).sort();

describe('collect signIns', () => {
  it('reads interactive and non-interactive sign-ins of the evidence scope, with the window in the manifest', async () => {
    const emu = await emulator();
    const c = collector(emu, 'evidence');
    const r = await c.run();
    expect(r.unavailable.signIns).toBeUndefined();
    const { snapshot } = await loadSnapshot(r.out);
    const got = snapshot.signIns as Row[];
    expect(ids(got)).toEqual(ids(evidenceRows));
    expect(got.some((x) => type(x) === 'nonInteractiveUser')).toBe(true);
    expect(got.some((x) => LEGACY.has(x.clientAppUsed))).toBe(true);
    expect(snapshot.signInsWindow).toEqual({ from: '2026-10-02T08:00:00.000Z', to: '2026-11-01T08:00:00.000Z' });
    const manifest = JSON.parse(await readFile(join(r.out, 'manifest.json'), 'utf8')) as Row;
    expect(manifest.counts.signIns).toBe(evidenceRows.length);
    // the whole directory snapshot still matches its source elsewhere
    expect(snapshot.users).toHaveLength(150);
  });

  it('--signins-scope all reads every user sign-in (service principals are not user evidence and are not asked for)', async () => {
    const emu = await emulator();
    const r = await collector(emu, 'all', { skip: OTHERS, signIns: { days: 30, scope: 'all', asOf: ASOF } }).run();
    const { snapshot } = await loadSnapshot(r.out);
    expect(ids(snapshot.signIns as Row[])).toEqual(ids(userRows));
  });

  it('a shorter window reads only its sign-ins; --no-signins leaves them out without calling them unavailable', async () => {
    const emu = await emulator();
    const r = await collector(emu, 'short', { skip: OTHERS, signIns: { days: 2, scope: 'all', asOf: ASOF } }).run();
    const { snapshot } = await loadSnapshot(r.out);
    const from = Date.parse(ASOF) - 2 * 86_400_000;
    expect(ids(snapshot.signIns as Row[])).toEqual(ids(userRows.filter((x) => Date.parse(x.createdDateTime) >= from)));
    const off = await collector(emu, 'off', { skip: OTHERS, signIns: 'off' }).run();
    const loaded = (await loadSnapshot(off.out)).snapshot;
    expect(loaded.signIns).toBeUndefined();
    expect(loaded.signInsWindow).toBeUndefined();
    expect(off.unavailable.signIns).toBeUndefined();
  });

  it('throttling shrinks the slices, and the collection still gets every row once', async () => {
    // the emulator's reports bucket holds one request and refills 4 per second; our client does not pace itself
    const emu = await emulator({ limits: { mode: 'graph', buckets: { reports: { capacity: 1, refillPerSecond: 4 } } } });
    const c = collector(emu, 'throttled', { skip: OTHERS, maxAttempts: 3, signIns: { days: 2, scope: 'all', asOf: ASOF } });
    const r = await c.run();
    expect(r.unavailable.signIns).toBeUndefined();
    const shrinks = c.events().filter((e) => e.event === 'slice-shrink');
    expect(shrinks.length).toBeGreaterThan(0);
    const { snapshot } = await loadSnapshot(r.out);
    const got = ids(snapshot.signIns as Row[]);
    expect(new Set(got).size).toBe(got.length);
    expect(got).toEqual(ids(userRows.filter((x) => Date.parse(x.createdDateTime) >= Date.parse(ASOF) - 2 * 86_400_000)));
    expect(r.throttled).toBeGreaterThan(0);
  }, 30_000);

  it('a collection killed half way resumes from its last page without duplicates', async () => {
    const emu = await emulator();
    const c = collector(emu, 'killed', { skip: OTHERS, signIns: { days: 30, scope: 'all', asOf: ASOF } });
    let pages = 0;
    await expect(c.run({ onCheckpoint: (key) => { if (key === 'signIns' && ++pages === 7) throw new Error('killed'); } })).rejects.toThrow('killed');
    const partial = await readFile(join(root, 'killed', '.mfaguard-collect', 'signIns.ndjson'), 'utf8');
    const before = partial.split('\n').filter(Boolean).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(userRows.length);
    emu.resetStats();
    const r = await c.run({ resume: true });
    expect(r.resumed).not.toContain('signIns');
    const { snapshot } = await loadSnapshot(r.out);
    const got = ids(snapshot.signIns as Row[]);
    expect(new Set(got).size).toBe(got.length);
    expect(got).toEqual(ids(userRows));
    // the resumed run did not read everything again
    const requests = emu.stats().routes['GET /beta/auditLogs/signIns'] ?? 0;
    expect(requests).toBeLessThan(Math.ceil(userRows.length / 150) + 8);
    expect(requests).toBeGreaterThan(0);
  });

  it('a collection killed after its last page but before it was marked done does not read the window again', async () => {
    const emu = await emulator();
    const c = collector(emu, 'killed-late', { skip: OTHERS, signIns: { days: 30, scope: 'all', asOf: ASOF } });
    let thrown = false;
    await expect(c.run({ onCheckpoint: (key, count) => { if (key === 'signIns' && count === userRows.length && !thrown) { thrown = true; throw new Error('killed'); } } })).rejects.toThrow('killed');
    emu.resetStats();
    const r = await c.run({ resume: true });
    const { snapshot } = await loadSnapshot(r.out);
    expect(ids(snapshot.signIns as Row[])).toEqual(ids(userRows));
    expect(emu.stats().routes['GET /beta/auditLogs/signIns'] ?? 0).toBe(0);
  });

  it('a Graph that refuses the evidence filter: every sign-in is read instead, and the note says so', async () => {
    const emu = await emulator();
    const target = new URL(emu.httpUrl);
    // a gateway in front of the emulator that answers 400 to the or-chain over clientAppUsed
    const proxy = createServer((req, res) => {
      if (decodeURIComponent(req.url ?? '').includes('clientAppUsed')) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'Request_UnsupportedQuery', message: 'Unsupported or invalid query filter clause specified.' } }));
        return;
      }
      const fwd = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(fwd);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const c = collector(emu, 'refused', { skip: OTHERS, graphEndpoint: url });
      const r = await c.run();
      const { snapshot } = await loadSnapshot(r.out);
      expect(ids(snapshot.signIns as Row[])).toEqual(ids(userRows));
      expect(c.events().some((e) => e.event === 'feature-detect' && e.collection === 'signIns')).toBe(true);
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });

  it('without AuditLog.Read.All (or without P1) sign-ins are unavailable, the rest of the snapshot is complete', async () => {
    const emu = await emulator({ deny: { signIns: 'permission' } });
    const r = await collector(emu, 'denied', { skip: ['azure', 'groupMembers', 'authenticationRequirements'] }).run();
    expect(r.unavailable.signIns).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
    expect(r.missingRequired).toEqual([]);
    const { snapshot } = await loadSnapshot(r.out);
    expect(snapshot.signIns).toBeUndefined();
    expect(snapshot.unavailable?.signIns).toBeDefined();
    emu.setDeny('signIns', 'license');
    const lic = await collector(emu, 'unlicensed', { skip: OTHERS }).run();
    expect(lic.unavailable.signIns).toMatchObject({ status: 403, code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant' });
  });
});

describe('collect flags', () => {
  it('--signins DAYS, --signins-scope, --no-signins', () => {
    expect(signInOptionsFrom({})).toEqual({ days: 30, scope: 'evidence' });
    expect(signInOptionsFrom({ signins: '7d', 'signins-scope': 'all' })).toEqual({ days: 7, scope: 'all' });
    expect(signInOptionsFrom({ signins: '14' })).toEqual({ days: 14, scope: 'evidence' });
    expect(signInOptionsFrom({ 'no-signins': true })).toBe('off');
    expect(() => signInOptionsFrom({ signins: 'a month' })).toThrow(/--signins/);
    expect(() => signInOptionsFrom({ 'signins-scope': 'some' })).toThrow(/--signins-scope/);
    expect(() => signInOptionsFrom({ 'no-signins': true, signins: '7d' })).toThrow(/--no-signins/);
  });
});
