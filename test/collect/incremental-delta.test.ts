/**
 * The delta reader and merge (src/collect/delta.ts) on their own: pages accumulate, `@removed`
 * drops an object whatever its reason, a partial object patches the previous one, `members@delta`
 * adds and removes members (idempotently: a replayed round changes nothing), new groups get a
 * groupMembers entry, deleted ones lose theirs; expired links are recognised. Then Microsoft's own
 * delta samples (../shared/graph-samples/, skipped without it) parse with the same reader. Also the
 * file state store and the report's data-age note.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/azure/client.js';
import { addDeltaPage, applyGroupMemberChanges, applyMemberChanges, applyObjectChanges, deltaLinkOf, isExpiredDelta, nextLinkOf, type DeltaChanges } from '../../src/collect/delta.js';
import { deltaStateKey, FileDeltaStateStore } from '../../src/collect/delta-state.js';
import { defaultStateDir, StoreDeltaStateStore } from '../../src/app/state.js';
import { parseDuration } from '../../src/cli/collect.js';
import { merged, touchedBy } from '../../src/collect/incremental.js';
import { GroupMemberMerge, ObjectMerge } from '../../src/collect/delta.js';
import { dataNotesOf } from '../../src/report/report.js';
import { parseSnapshotObject } from '../../src/snapshot/load.js';
import { sharedFolder } from '../helpers/conformance.js';

const U = (id: string, extra: Record<string, unknown> = {}) => ({ id, displayName: id.toUpperCase(), accountEnabled: true, ...extra });
const user = '#microsoft.graph.user';

describe('delta reader and merge', () => {
  it('applies updates as patches, removals of both reasons, and creations in round order', () => {
    const changes: DeltaChanges = new Map();
    addDeltaPage(changes, { value: [{ id: 'B', accountEnabled: false }, { id: 'c', '@removed': { reason: 'changed' } }], '@odata.nextLink': 'x' });
    addDeltaPage(changes, { value: [{ id: 'd', '@removed': { reason: 'deleted' } }, { id: 'e', displayName: 'E', '@odata.type': user }] });
    const prev = [U('a'), U('b'), U('c'), U('d')];
    const out = [...applyObjectChanges(prev, changes)];
    expect(out).toEqual([U('a'), { id: 'b', displayName: 'B', accountEnabled: false }, { id: 'e', displayName: 'E' }]);
    // applying the same round again changes nothing (Graph may replay)
    expect([...applyObjectChanges(out, changes)]).toEqual(out);
  });

  it('a later appearance patches an earlier one; a removal after an update wins, and a re-creation after a removal too', () => {
    const changes: DeltaChanges = new Map();
    addDeltaPage(changes, { value: [{ id: 'a', displayName: 'one' }, { id: 'a', surname: 'two' }, { id: 'b', displayName: 'x' }, { id: 'b', '@removed': { reason: 'deleted' } }, { id: 'c', '@removed': {} }, { id: 'c', displayName: 'back' }] });
    expect(changes.get('a')!.props).toEqual({ id: 'a', displayName: 'one', surname: 'two' });
    expect(changes.get('b')!.removed).toBe('deleted');
    expect(changes.get('c')!.removed).toBeUndefined();
  });

  it('members@delta across appearances: additions appended, removals dropped, replays harmless', () => {
    const changes: DeltaChanges = new Map();
    addDeltaPage(changes, { value: [{ id: 'g1', 'members@delta': [{ '@odata.type': user, id: 'u3' }, { '@odata.type': user, id: 'u1', '@removed': { reason: 'deleted' } }] }] });
    addDeltaPage(changes, { value: [{ id: 'G1', 'members@delta': [{ '@odata.type': '#microsoft.graph.group', id: 'g2' }] }, { id: 'g9', displayName: 'new', 'members@delta': [{ '@odata.type': user, id: 'u2' }] }, { id: 'g2', '@removed': { reason: 'changed' } }] });
    const prev = [
      { key: 'g1', value: [{ '@odata.type': user, id: 'u1' }, { '@odata.type': user, id: 'u2' }] },
      { key: 'g2', value: [{ '@odata.type': user, id: 'u1' }] },
      { key: 'g3', value: [] },
    ];
    const out = [...applyGroupMemberChanges(prev, changes)];
    expect(out).toEqual([
      { key: 'g1', value: [{ '@odata.type': user, id: 'u2' }, { '@odata.type': user, id: 'u3' }, { '@odata.type': '#microsoft.graph.group', id: 'g2' }] },
      { key: 'g3', value: [] },
      { key: 'g9', value: [{ '@odata.type': user, id: 'u2' }] },
    ]);
    expect([...applyGroupMemberChanges(out, changes)]).toEqual(out);
    expect(applyMemberChanges([{ id: 'U2' }], [{ ref: { id: 'u2' }, removed: true }])).toEqual([]);
  });

  it('streaming merge: untouched lines are copied as they are, touched ones merged, whatever the spacing of the previous file', async () => {
    const changes: DeltaChanges = new Map();
    addDeltaPage(changes, { value: [{ id: 'b', displayName: 'new b' }, { id: 'c', '@removed': { reason: 'deleted' } }, { id: 'z', displayName: 'Z' }] });
    const lines = ['{"id":"a","displayName":"A"}', '{ "displayName": "B", "id" : "B" }', '{"identities":[],"id":"c"}', '{"x":1}'];
    async function* src() { yield* lines; }
    const out: string[] = [];
    for await (const l of merged(src(), touchedBy(changes, false), new ObjectMerge(changes))) out.push(l);
    expect(out).toEqual([lines[0], JSON.stringify({ displayName: 'new b', id: 'B' }), lines[3], JSON.stringify({ id: 'z', displayName: 'Z' })]);

    const g: DeltaChanges = new Map();
    addDeltaPage(g, { value: [{ id: 'g2', 'members@delta': [{ id: 'u9', '@odata.type': user }] }] });
    const maps = ['{"key":"g1","value":[{"@odata.type":"#microsoft.graph.user","id":"g2"}]}', '{ "key" : "G2", "value": [] }'];
    async function* msrc() { yield* maps; }
    const mout: string[] = [];
    for await (const l of merged(msrc(), touchedBy(g, true), new GroupMemberMerge(g))) mout.push(l);
    expect(mout).toEqual([maps[0], JSON.stringify({ key: 'G2', value: [{ '@odata.type': user, id: 'u9' }] })]);
  });

  it('recognises a link Graph no longer honours, and nothing else', () => {
    expect(isExpiredDelta(new ApiError('gone', 410, 'SyncStateNotFound', false))).toBe(true);
    expect(isExpiredDelta(new ApiError('bad', 400, 'Request_BadRequest', false))).toBe(false);
    expect(isExpiredDelta(new ApiError('Invalid or expired delta token', 400, 'BadRequest', false))).toBe(true);
    expect(isExpiredDelta(new ApiError('busy', 503, 'ServiceUnavailable', true))).toBe(false);
    expect(isExpiredDelta(new Error('x'))).toBe(false);
  });
});

describe('delta state store and options', () => {
  it('stores per key, atomically, in the state directory; the default directory follows the environment', async () => {
    const d = await mkdtemp(join(tmpdir(), 'mfaguard-state-'));
    try {
      const s = new FileDeltaStateStore(join(d, 'nested'));
      expect(await s.get('k')).toBeUndefined();
      await s.put('k', { a: 1 });
      await s.put('other', 2);
      expect(await new FileDeltaStateStore(join(d, 'nested')).get('k')).toEqual({ a: 1 });
      expect(JSON.parse(await readFile(s.path, 'utf8'))).toEqual({ k: { a: 1 }, other: 2 });
    } finally {
      await rm(d, { recursive: true, force: true });
    }
    expect(defaultStateDir({ MFAGUARD_STATE_DIR: '/x', XDG_DATA_HOME: '/y' })).toBe('/x');
    expect(defaultStateDir({ XDG_DATA_HOME: '/y' })).toBe('/y/mfaguard');
    expect(defaultStateDir({}, 'linux')).toMatch(/\.local\/share\/mfaguard$/);
    expect(deltaStateKey('ABC', 'https://graph.microsoft.com/')).toBe('graph-delta/abc/https://graph.microsoft.com');
  });

  it('the CLI keeps delta links in the state store, per tenant, beside the scan history', async () => {
    const d = await mkdtemp(join(tmpdir(), 'mfaguard-state-'));
    try {
      const s = new StoreDeltaStateStore({ state: d });
      const key = deltaStateKey('Tenant-A', 'https://graph.microsoft.com');
      expect(await s.get(key)).toBeUndefined(); // no store yet: nothing, and nothing created
      await s.put(key, { version: 1, links: { users: 'u1' } });
      await s.put(deltaStateKey('tenant-b', 'https://graph.microsoft.com'), { version: 1, links: { users: 'u2' } });
      expect(await new StoreDeltaStateStore({ state: d }).get(key)).toEqual({ version: 1, links: { users: 'u1' } });
      const { StateStore } = await import('../../src/store/sqlite.js');
      const store = StateStore.open(d, { create: false });
      try {
        expect(store.getTenantState('tenant-a', key)).toEqual({ version: 1, links: { users: 'u1' } });
        expect(store.getTenantState('tenant-b', key)).toBeUndefined();
      } finally {
        store.close();
      }
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });

  it('parses --registration-max-age durations', () => {
    expect(parseDuration('--x', '24h')).toBe(86_400_000);
    expect(parseDuration('--x', '90m')).toBe(5_400_000);
    expect(parseDuration('--x', '2d')).toBe(172_800_000);
    expect(parseDuration('--x', '0')).toBe(0);
    expect(() => parseDuration('--x', 'soon')).toThrow(/duration/);
  });

  it('the report notes how old a reused collection is', () => {
    const notes = dataNotesOf({ collectedAt: '2026-01-02T12:00:00Z', reusedCollections: { userRegistrationDetails: { collectedAt: '2026-01-02T02:00:00Z' } } });
    expect(notes).toEqual([{ key: 'userRegistrationDetails', collectedAt: '2026-01-02T02:00:00Z', ageHours: 10, message: expect.stringMatching(/userRegistrationDetails was read 10\.0 h before this snapshot/) }]);
    expect(dataNotesOf({ collectedAt: '2026-01-02T12:00:00Z' })).toEqual([]);
  });

  it('the snapshot loader reads reusedCollections without a warning and refuses a malformed one', () => {
    const head = { mfaguardSnapshot: 1, tenant: { id: 't' }, collectedAt: '2026-01-02T12:00:00Z', unavailable: {} };
    const ok = parseSnapshotObject({ ...head, reusedCollections: { userRegistrationDetails: { collectedAt: '2026-01-02T02:00:00Z' } } }, 'm.json');
    expect(ok.snapshot.reusedCollections).toEqual({ userRegistrationDetails: { collectedAt: '2026-01-02T02:00:00Z' } });
    expect(ok.warnings).toEqual([]);
    expect(() => parseSnapshotObject({ ...head, reusedCollections: 5 }, 'm.json')).toThrow(/reusedCollections/);
    expect(() => parseSnapshotObject({ ...head, reusedCollections: { x: { collectedAt: 'soon' } } }, 'm.json')).toThrow(/reusedCollections\.x|ISO-8601/);
  });
});

const samples = sharedFolder('graph-samples');
samples.describe("Microsoft's delta samples through the delta reader", () => {
  const page = (name: string) => JSON.parse(readFileSync(join(samples.dir, name), 'utf8')) as Record<string, unknown>;

  it('user rounds: initial pages chain by nextLink, the last gives a deltaLink; a later round removes and updates', () => {
    const changes: DeltaChanges = new Map();
    const pages = ['user.delta-initial-page.v1.json', 'user.delta-next-page.v1.json', 'user.delta-final-page-deltaLink.v1.json'].map(page);
    for (const p of pages) addDeltaPage(changes, p);
    expect(nextLinkOf(pages[0]!)).toMatch(/\/users\/delta\?\$skiptoken=/);
    expect(deltaLinkOf(pages[0]!)).toBeUndefined();
    expect(deltaLinkOf(pages[2]!)).toMatch(/\/users\/delta\?\$deltatoken=/);
    const initial = [...applyObjectChanges([], changes)];
    expect(initial.length).toBe(changes.size);
    expect(initial.every((u) => typeof u.id === 'string' && !('@odata.type' in u))).toBe(true);

    const later: DeltaChanges = new Map();
    const removedPage = page('user.delta-changes-removed.v1.json');
    addDeltaPage(later, removedPage);
    const removed = [...later].filter(([, c]) => c.removed);
    expect(removed.length).toBe((removedPage.value as { '@removed'?: unknown }[]).filter((v) => v['@removed']).length);
    expect(removed.every(([, c]) => c.removed === 'changed' || c.removed === 'deleted')).toBe(true);
    const after = [...applyObjectChanges(initial, later)];
    for (const [id] of removed) expect(after.some((u) => String(u.id).toLowerCase() === id)).toBe(false);

    const none: DeltaChanges = new Map();
    addDeltaPage(none, page('user.delta-no-changes.v1.json'));
    expect(none.size).toBe(0);
  });

  it('group rounds: members@delta in the initial page, then members added and removed', () => {
    const changes: DeltaChanges = new Map();
    addDeltaPage(changes, page('group.delta-initial-page-members.v1.json'));
    const initial = [...applyGroupMemberChanges([], changes)];
    expect(initial.length).toBe(changes.size);
    expect(initial.some((e) => e.value.length > 0)).toBe(true);
    const later: DeltaChanges = new Map();
    const p = page('group.delta-changes-members-removed.v1.json');
    addDeltaPage(later, p);
    const g = (p.value as { id: string; 'members@delta': { id: string; '@removed'?: unknown }[] }[])[0]!;
    const c = later.get(g.id.toLowerCase())!;
    expect(c.members.filter((m) => m.removed).map((m) => m.ref.id)).toEqual(g['members@delta'].filter((m) => m['@removed']).map((m) => m.id));
    expect(c.props).not.toHaveProperty('members@delta');
    const merged = [...applyGroupMemberChanges([{ key: g.id, value: g['members@delta'].map((m) => ({ '@odata.type': user, id: m.id })) }], later)];
    expect(merged[0]!.value.map((m) => m.id)).toEqual(g['members@delta'].filter((m) => !m['@removed']).map((m) => m.id));
  });
});
