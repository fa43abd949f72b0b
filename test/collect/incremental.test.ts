/**
 * Incremental collection (src/collect/incremental.ts) against the emulator's delta queries: the first
 * run is a full collection that stores delta links; after changes of every kind (users created,
 * updated, deleted; groups created and deleted; members added and removed; groups nested) the
 * incremental run follows the links and its snapshot equals a full re-collection of the changed
 * tenant, except for the registration report, which is reused while younger than its max age (and
 * said so in the manifest and the summary). A link Graph rejects (410) falls back to a full collection
 * of that collection; a run killed half way resumes with `resume: true`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSnapshot } from '../../devkit/gen/generate.js';
import { startEmulator, type EmulatorHandle } from '../../devkit/emulator/index.js';
import { collectTenant, type CollectOptions } from '../../src/collect/collect.js';
import { FileDeltaStateStore } from '../../src/collect/delta-state.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { scan } from '../../src/app/scan.js';
import { renderReport } from '../../src/app/output.js';
import { formatNamed } from '../../src/app/report.js';
import { childEnv, emulatorArgs, runCli, snapshotDiff, spawnCli } from './helpers.js';
import { readdir, stat, writeFile } from 'node:fs/promises';

let root: string;
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'mfaguard-incremental-')); });
afterAll(async () => { await rm(root, { recursive: true, force: true }); });

let n = 0;
const dir = (name: string) => join(root, `${name}-${++n}`);

function base(emu: EmulatorHandle, logs?: string[]): Omit<CollectOptions, 'out'> {
  return {
    auth: 'client-secret', tenant: emu.tenantId, clientId: emu.clientId,
    env: { ...process.env, AZURE_CLIENT_SECRET: emu.clientSecret },
    authorityHost: emu.authorityHost, graphEndpoint: emu.graphUrl, armEndpoint: emu.armUrl, ca: [emu.ca!],
    logFormat: 'json', logSink: { write: (s: string) => { logs?.push(s); } }, timeoutMs: 10_000,
  };
}

/** Equal apart from the registration report (which incremental runs reuse). */
function diffExceptRegistration(full: Snapshot, incremental: Snapshot): string[] {
  const strip = (s: Snapshot): Snapshot => ({ ...s, userRegistrationDetails: undefined });
  return snapshotDiff(strip(full), strip(incremental));
}

/** A tiny deterministic random source. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Random changes of every kind to a running emulator's tenant. */
function randomChanges(emu: EmulatorHandle, seed: number): void {
  const r = rng(seed);
  const m = emu.mutate;
  const pickFrom = <T>(a: T[]) => a[Math.floor(r() * a.length)]!;
  const snap = emu.currentSnapshot();
  const users = snap.users!.map((u) => u.id);
  const groups = snap.groups!.map((g) => g.id);
  for (let i = 0; i < 8; i++) m.updateUser(pickFrom(users), { displayName: `changed ${seed}-${i}`, accountEnabled: r() < 0.5, department: null });
  const deleted = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const u = pickFrom(users);
    if (deleted.has(u)) continue;
    deleted.add(u);
    m.deleteUser(u, { permanent: r() < 0.5 });
  }
  const alive = users.filter((u) => !deleted.has(u));
  for (let i = 0; i < 3; i++) {
    const id = `0000${seed.toString(16).padStart(4, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`;
    m.createUser({ id, userPrincipalName: `new${seed}-${i}@example.test`, displayName: `New ${i}`, userType: r() < 0.3 ? 'Guest' : 'Member', accountEnabled: true, perUserMfaState: 'disabled' });
    alive.push(id);
  }
  for (let i = 0; i < 6; i++) {
    const g = pickFrom(groups);
    const members = emu.currentSnapshot().groupMembers?.[g.toLowerCase()] ?? [];
    if (r() < 0.5 && members.length) m.removeMember(g, pickFrom(members).id);
    else m.addMember(g, { '@odata.type': '#microsoft.graph.user', id: pickFrom(alive) });
  }
  // nesting: one group into another, a new group with members, one group deleted
  const [a, b, c] = [pickFrom(groups), pickFrom(groups), pickFrom(groups)];
  if (a !== b) m.addMember(a, { '@odata.type': '#microsoft.graph.group', id: b });
  const gid = `0000${seed.toString(16).padStart(4, '0')}-0000-4000-9000-000000000001`;
  m.createGroup({ id: gid, displayName: `New group ${seed}`, securityEnabled: true, mailEnabled: false, groupTypes: [] }, [{ '@odata.type': '#microsoft.graph.user', id: pickFrom(alive) }]);
  m.addMember(a, { '@odata.type': '#microsoft.graph.group', id: gid });
  if (c !== a && c !== b) m.deleteGroup(c, { permanent: r() < 0.5 });
  m.updateGroup(pickFrom(groups.filter((g) => g !== c)), { displayName: `renamed ${seed}` });
}

describe('incremental collection', () => {
  it('first run full with links; changes of every kind merged; equal to a full re-collection apart from reused registration', async () => {
    const emu = await startEmulator({ snapshot: generateSnapshot({ users: 250, seed: 3 }), port: 0, tls: true, limits: 'none' });
    try {
      const stateDir = dir('state');
      const state = new FileDeltaStateStore(stateDir);
      const out = dir('snap');
      const first = await collectTenant({ ...base(emu), out, incremental: { state } });
      expect(first.incremental?.mode).toBe('full');
      expect(first.incremental?.reason).toMatch(/no previous snapshot/);
      const stored = JSON.parse(await readFile(join(stateDir, 'delta-state.json'), 'utf8')) as Record<string, { links: Record<string, string>; snapshotCollectedAt: string }>;
      const entry = Object.values(stored)[0]!;
      expect(Object.keys(entry.links).sort()).toEqual(['groups', 'users']);
      expect(entry.links.groups).toMatch(/\/groups\/delta\?\$deltatoken=/);

      randomChanges(emu, 1);
      const logs: string[] = [];
      const inc = await collectTenant({ ...base(emu, logs), out, incremental: { state } });
      expect(inc.incremental?.mode).toBe('incremental');
      expect(inc.incremental?.collections.users?.how).toBe('delta');
      expect(inc.incremental?.collections.groups?.how).toBe('delta');
      expect(inc.incremental?.collections.groupMembers?.how).toBe('delta');
      expect(inc.incremental?.collections.users?.removed).toBeGreaterThan(0);
      expect(inc.incremental?.collections.userRegistrationDetails?.how).toBe('reused');
      expect(inc.incremental?.reused.userRegistrationDetails?.collectedAt).toBeTruthy();
      expect(inc.requests).toBeLessThan(first.requests);

      const full = dir('full');
      await collectTenant({ ...base(emu), out: full });
      const a = (await loadSnapshot(full)).snapshot;
      const b = (await loadSnapshot(out)).snapshot;
      expect(diffExceptRegistration(a, b)).toEqual([]);
      // the manifest says which collection is older than the snapshot, and from when
      const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(manifest.reusedCollections.userRegistrationDetails.collectedAt).toBe(inc.incremental!.reused.userRegistrationDetails!.collectedAt);
      expect(manifest.counts.users).toBe(a.users!.length);
      // and the report says how old the reused registration details are
      const { report } = await scan({ source: { path: out } });
      expect(report.dataNotes).toEqual([expect.objectContaining({ key: 'userRegistrationDetails', collectedAt: manifest.reusedCollections.userRegistrationDetails.collectedAt })]);
      for (const [format, pattern] of [['table', /Data age: userRegistrationDetails was read \d+\.\d h before this snapshot/], ['markdown', /> Data age: userRegistrationDetails was read/], ['html', /<h2>Data age<\/h2><ul><li><code>userRegistrationDetails<\/code>/]] as const) {
        let text = '';
        await renderReport(report, formatNamed(format), (chunk) => { text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'); });
        expect(text, format).toMatch(pattern);
      }

      // a second incremental round with no changes touches nothing and stays equal
      const again = await collectTenant({ ...base(emu), out, incremental: { state } });
      expect(again.incremental?.collections.users).toMatchObject({ how: 'delta', changed: 0, removed: 0 });
      expect(diffExceptRegistration(a, (await loadSnapshot(out)).snapshot)).toEqual([]);
    } finally {
      await emu.close();
    }
  }, 120_000);

  it('differential: on several seeded tenants with random changes the incremental snapshot equals a full re-collection', async () => {
    for (const seed of [11, 12, 13]) {
      const emu = await startEmulator({ snapshot: generateSnapshot({ users: 150, seed }), port: 0, tls: true, limits: 'none' });
      try {
        const state = new FileDeltaStateStore(dir('state'));
        const out = dir('snap');
        await collectTenant({ ...base(emu), out, incremental: { state } });
        for (let round = 0; round < 2; round++) {
          randomChanges(emu, seed * 10 + round);
          const r = await collectTenant({ ...base(emu), out, incremental: { state, registrationMaxAgeMs: 0 } });
          expect(r.incremental?.mode).toBe('incremental');
          expect(r.incremental?.collections.userRegistrationDetails?.how).toBe('full'); // max age 0: read again
          const full = dir('full');
          await collectTenant({ ...base(emu), out: full });
          // registration read again too, so everything is equal
          expect(snapshotDiff((await loadSnapshot(full)).snapshot, (await loadSnapshot(out)).snapshot)).toEqual([]);
        }
      } finally {
        await emu.close();
      }
    }
  }, 180_000);

  it('a delta link Graph rejects (410 Gone) falls back to a full collection of that collection, with a log line', async () => {
    const emu = await startEmulator({ snapshot: generateSnapshot({ users: 120, seed: 4 }), port: 0, tls: true, limits: 'none' });
    try {
      const state = new FileDeltaStateStore(dir('state'));
      const out = dir('snap');
      await collectTenant({ ...base(emu), out, incremental: { state } });
      randomChanges(emu, 7);
      emu.mutate.expireDeltaTokens();
      const logs: string[] = [];
      const r = await collectTenant({ ...base(emu, logs), out, incremental: { state } });
      expect(r.incremental?.collections.users?.how).toBe('full');
      expect(r.incremental?.collections.groups?.how).toBe('full');
      expect(r.incremental?.collections.groupMembers?.how).toBe('full');
      const events = logs.join('').trim().split('\n').map((l) => JSON.parse(l) as { event: string; message: string });
      expect(events.filter((e) => e.event === 'delta-expired').map((e) => e.message).join('\n')).toMatch(/users: Graph no longer accepts the stored delta link \(410 SyncStateNotFound\)/);
      const full = dir('full');
      await collectTenant({ ...base(emu), out: full });
      expect(diffExceptRegistration((await loadSnapshot(full)).snapshot, (await loadSnapshot(out)).snapshot)).toEqual([]);
      // fresh links were stored: the next run is incremental again
      randomChanges(emu, 8);
      const next = await collectTenant({ ...base(emu), out, incremental: { state } });
      expect(next.incremental?.collections.users?.how).toBe('delta');
    } finally {
      await emu.close();
    }
  }, 120_000);

  it('the CLI: collect --incremental stores links in --state, the next run says what came by delta; flag misuse is a usage error', async () => {
    const emu = await startEmulator({ snapshot: generateSnapshot({ users: 60, seed: 8 }), port: 0, tls: true, limits: 'none' });
    try {
      const caFile = join(root, `ca-${++n}.pem`);
      await writeFile(caFile, emu.ca!);
      const stateDir = dir('state');
      const out = dir('snap');
      const args = ['collect', '--out', out, ...emulatorArgs(emu, caFile), '--incremental', '--state', stateDir];
      const first = await runCli(args, childEnv(emu));
      expect(first.code).toBe(0);
      expect(first.stderr).toMatch(/incremental: full collection \(no previous snapshot/);
      randomChanges(emu, 5);
      const second = await runCli(args, childEnv(emu));
      expect(second.code).toBe(0);
      expect(second.stderr).toMatch(/incremental: .*users delta \(\d+ changed, \d+ removed\).*userRegistrationDetails reused from \S+ \(0\.0 h old\)/);
      const bad = await runCli(['collect', '--out', dir('x'), ...emulatorArgs(emu, caFile), '--previous', out], childEnv(emu));
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--previous needs --incremental/);
      const scanBad = await runCli(['scan', ...emulatorArgs(emu, caFile), '--incremental'], childEnv(emu));
      expect(scanBad.code).toBe(2);
      expect(scanBad.stderr).toMatch(/--incremental needs --save-snapshot/);
    } finally {
      await emu.close();
    }
  }, 120_000);

  it('links that belong to another snapshot are not applied: a full collection instead', async () => {
    const emu = await startEmulator({ snapshot: generateSnapshot({ users: 80, seed: 6 }), port: 0, tls: true, limits: 'none' });
    try {
      const state = new FileDeltaStateStore(dir('state'));
      const out = dir('snap');
      await collectTenant({ ...base(emu), out, incremental: { state } });
      const other = dir('other');
      await collectTenant({ ...base(emu), out: other }); // a different snapshot, no links
      const r = await collectTenant({ ...base(emu), out: dir('next'), incremental: { state, previous: other } });
      expect(r.incremental?.mode).toBe('full');
      expect(r.incremental?.reason).toMatch(/belong to the snapshot of/);
    } finally {
      await emu.close();
    }
  }, 60_000);

  it('resumes an incremental run killed half way: merged collections are kept, the rest is fetched, the result is complete', async () => {
    const emu = await startEmulator({ snapshot: generateSnapshot({ users: 200, seed: 9 }), port: 0, tls: true, limits: 'none' });
    try {
      const state = new FileDeltaStateStore(dir('state'));
      const out = dir('snap');
      await collectTenant({ ...base(emu), out, incremental: { state } });
      const before = await readFile(join(state.path), 'utf8');
      randomChanges(emu, 21);
      // "kill" the run once the group members are merged (groups were before them)
      await expect(collectTenant({
        ...base(emu), out, incremental: { state },
        onCheckpoint: (key) => { if (key === 'groupMembers') throw new Error('killed'); },
      })).rejects.toThrow('killed');
      expect(await readFile(state.path, 'utf8')).toBe(before); // links are stored only with a finished snapshot
      const r = await collectTenant({ ...base(emu), out, resume: true, incremental: { state } });
      expect(r.resumed).toEqual(expect.arrayContaining(['groups']));
      expect(r.resumed).not.toContain('groupMembers');
      const full = dir('full');
      await collectTenant({ ...base(emu), out: full });
      expect(diffExceptRegistration((await loadSnapshot(full)).snapshot, (await loadSnapshot(out)).snapshot)).toEqual([]);
      // the links stored continue from the resumed snapshot
      randomChanges(emu, 22);
      const next = await collectTenant({ ...base(emu), out, incremental: { state } });
      expect(next.incremental?.collections.users?.how).toBe('delta');
      const full2 = dir('full');
      await collectTenant({ ...base(emu), out: full2 });
      expect(diffExceptRegistration((await loadSnapshot(full2)).snapshot, (await loadSnapshot(out)).snapshot)).toEqual([]);
    } finally {
      await emu.close();
    }
  }, 120_000);

  it('kill -9 of the CLI in the middle of an incremental run, then --resume --incremental: complete, and equal to a full re-collection', async () => {
    // Conditional Access pages of 10 at 1 request / s keep the run going for seconds after the merge
    const emu = await startEmulator({ snapshot: generateSnapshot({ users: 300, seed: 31 }), port: 0, tls: true, limits: 'graph', pageSizes: { conditionalAccessPolicies: 10 } });
    try {
      const caFile = join(root, `ca-${++n}.pem`);
      await writeFile(caFile, emu.ca!);
      const stateDir = dir('state');
      const out = dir('snap');
      const args = ['collect', '--out', out, ...emulatorArgs(emu, caFile), '--incremental', '--state', stateDir, '--log-format', 'json'];
      expect((await runCli(args, childEnv(emu))).code).toBe(0);
      const manifestBefore = await readFile(join(out, 'manifest.json'), 'utf8');
      const stateBefore = await storedDeltaState(stateDir);
      randomChanges(emu, 31);
      const first = spawnCli(args, childEnv(emu));
      const stageDir = join(out, '.mfaguard-collect');
      const deadline = Date.now() + 60_000;
      let merged = false;
      while (Date.now() < deadline && !merged) {
        merged = (await readdir(stageDir).catch(() => [] as string[])).includes('groupMembers.done.json');
        if (!merged) await new Promise((r) => setTimeout(r, 5));
      }
      first.child.kill('SIGKILL');
      expect(await first.exited).toBeNull();
      expect(merged, first.stderr()).toBe(true);
      // the old snapshot and the stored links are untouched
      expect(await readFile(join(out, 'manifest.json'), 'utf8')).toBe(manifestBefore);
      expect(await storedDeltaState(stateDir)).toBe(stateBefore);
      await expect(stat(join(stageDir, 'users.done.json'))).resolves.toBeTruthy();

      const second = await runCli([...args, '--resume'], childEnv(emu));
      expect(second.code, second.stderr).toBe(0);
      const events = second.stderr.trim().split('\n').map((l) => JSON.parse(l) as { event: string; collections?: Record<string, { how: string }> });
      expect(events.find((e) => e.event === 'incremental-summary')?.collections?.users?.how).toBe('delta'); // taken from the killed run's checkpoint
      const full = dir('full');
      await collectTenant({ ...base(emu), out: full });
      expect(diffExceptRegistration((await loadSnapshot(full)).snapshot, (await loadSnapshot(out)).snapshot)).toEqual([]);
      expect(await storedDeltaState(stateDir)).not.toBe(stateBefore);
    } finally {
      await emu.close();
    }
  }, 180_000);
});

/** Every delta state the CLI stored in the state store (the SQLite history's per-tenant key-value table), as text. */
async function storedDeltaState(stateDir: string): Promise<string> {
  const { StateStore } = await import('../../src/store/sqlite.js');
  const store = StateStore.open(stateDir, { create: false });
  try {
    const rows = (store as unknown as { db: { prepare(sql: string): { all(): unknown[] } } }).db.prepare("SELECT tenant_id, key, value FROM tenant_state WHERE key LIKE 'graph-delta/%' ORDER BY tenant_id, key").all();
    if (!rows.length) throw new Error('no delta state stored');
    return JSON.stringify(rows);
  } finally {
    store.close();
  }
}

