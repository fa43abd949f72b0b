/**
 * The emulator's delta queries (devkit/emulator/delta.ts) behave like Graph's: an initial round pages
 * with nextLink and ends with a deltaLink, `$deltatoken=latest` gives only a link, each change kind
 * shows up in the next round (updates, creations, `@removed` with reason changed/deleted,
 * `members@delta` additions and removals), paging within a round is stable while the tenant changes,
 * and expired tokens answer 410 Gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../devkit/emulator/index.js';
import { call, start, type Json } from './helpers.js';

type Emu = EmulatorHandle & { graphToken: string; armToken: string };
let emu: Emu;
beforeAll(async () => { emu = await start({ users: 300, seed: 5 }); });
afterAll(async () => { await emu.close(); });

/** One round from `url`: every page's items and the final deltaLink. */
async function round(url: string, pageSize?: number): Promise<{ items: Json[]; deltaLink: string; pages: number }> {
  const items: Json[] = [];
  let pages = 0;
  let next: string | undefined = url;
  while (next) {
    const r = await call(emu, next, pageSize ? { headers: { Prefer: `odata.maxpagesize=${pageSize}` } } : {});
    if (r.status !== 200) throw new Error(`${next}: ${r.status} ${r.text}`);
    pages++;
    items.push(...(r.body.value as Json[]));
    if (r.body['@odata.deltaLink']) return { items, deltaLink: r.body['@odata.deltaLink'] as string, pages };
    expect(r.body['@odata.nextLink']).toMatch(/\/users\/delta\?\$skiptoken=|\/groups\/delta\?\$skiptoken=/);
    next = r.body['@odata.nextLink'] as string;
  }
  throw new Error('no deltaLink');
}

const userIds = () => emu.currentSnapshot().users!.map((u) => u.id);

describe('emulator delta queries', () => {
  it('the initial round lists every user over several pages, then gives a deltaLink that has nothing new', async () => {
    const r = await round('/v1.0/users/delta?$select=id,displayName,accountEnabled', 100);
    expect(r.pages).toBe(3);
    expect(r.items.map((u) => u.id).sort()).toEqual(userIds().sort());
    expect(Object.keys(r.items[0]!).sort()).toEqual(['accountEnabled', 'displayName', 'id']);
    expect(r.deltaLink).toMatch(/\/v1\.0\/users\/delta\?\$deltatoken=/);
    const again = await round(r.deltaLink);
    expect(again.items).toEqual([]);
  });

  it('$deltatoken=latest returns only a link; later changes of every kind come in the next round', async () => {
    const latest = await call(emu, '/beta/users/delta?$select=id,displayName,perUserMfaState&$deltatoken=latest');
    expect(latest.status).toBe(200);
    expect(latest.body.value).toEqual([]);
    const link = latest.body['@odata.deltaLink'] as string;
    const [a, b, c] = userIds();
    emu.mutate.updateUser(a!, { displayName: 'Renamed A', perUserMfaState: 'enforced' });
    emu.mutate.deleteUser(b!);
    emu.mutate.deleteUser(c!, { permanent: true });
    emu.mutate.createUser({ id: '00000000-0000-4000-8000-0000000000a1', userPrincipalName: 'new@x.test', displayName: 'New', userType: 'Member', accountEnabled: true });
    const r = await round(link);
    const byId = new Map(r.items.map((u) => [u.id as string, u]));
    expect(byId.get(a!)).toMatchObject({ displayName: 'Renamed A', perUserMfaState: 'enforced' }); // the select of the first request is kept
    expect(byId.get(b!)).toEqual({ '@odata.type': '#microsoft.graph.user', id: b, '@removed': { reason: 'changed' } });
    expect(byId.get(c!)!['@removed']).toEqual({ reason: 'deleted' });
    expect(byId.get('00000000-0000-4000-8000-0000000000a1')).toMatchObject({ displayName: 'New' });
    expect(r.items).toHaveLength(4);
  });

  it('groups/delta with members: initial members@delta, then member additions, removals (with @removed) and group create/delete', async () => {
    const init = await round('/v1.0/groups/delta?$select=id,displayName,members', 50);
    const snap = emu.currentSnapshot();
    const withMembers = init.items.find((g) => (snap.groupMembers![String(g.id).toLowerCase()] ?? []).length >= 2)!;
    expect(withMembers['members@delta']).toHaveLength(snap.groupMembers![String(withMembers.id).toLowerCase()]!.length);
    const gid = withMembers.id as string;
    const members = [...snap.groupMembers![gid.toLowerCase()]!]; // a copy: the emulator's own array changes below
    const nested = snap.groups!.find((g) => g.id !== gid && !members.some((m) => m.id === g.id))!;
    const other = snap.groups!.filter((g) => g.id !== gid && g.id !== nested.id).at(-1)!;
    emu.mutate.removeMember(gid, members[0]!.id);
    emu.mutate.addMember(gid, { '@odata.type': '#microsoft.graph.group', id: nested.id }); // nesting
    emu.mutate.createGroup({ id: '00000000-0000-4000-8000-0000000000b1', displayName: 'New group', securityEnabled: true }, [{ '@odata.type': '#microsoft.graph.user', id: members[1]!.id }]);
    emu.mutate.deleteGroup(other.id);
    const r = await round(init.deltaLink);
    const byId = new Map(r.items.map((g) => [String(g.id).toLowerCase(), g]));
    expect(byId.get(gid.toLowerCase())!['members@delta']).toEqual(expect.arrayContaining([
      { '@odata.type': members[0]!['@odata.type'], id: members[0]!.id, '@removed': { reason: 'deleted' } },
      { '@odata.type': '#microsoft.graph.group', id: nested.id },
    ]));
    expect(byId.get('00000000-0000-4000-8000-0000000000b1')).toMatchObject({ displayName: 'New group', 'members@delta': [{ '@odata.type': '#microsoft.graph.user', id: members[1]!.id }] });
    expect(byId.get(other.id.toLowerCase())!['@removed']).toEqual({ reason: 'changed' });
  });

  it('a round is stable while the tenant keeps changing; those changes come in the round after', async () => {
    const { deltaLink } = await round('/v1.0/users/delta?$select=id,displayName&$deltatoken=latest');
    const ids = userIds();
    for (const id of ids.slice(10, 40)) emu.mutate.updateUser(id, { displayName: `first ${id}` });
    const first = await call(emu, deltaLink, { headers: { Prefer: 'odata.maxpagesize=10' } });
    expect(first.body.value).toHaveLength(10);
    // change objects of the first page again while the round is under way
    for (const id of ids.slice(10, 15)) emu.mutate.updateUser(id, { displayName: `second ${id}` });
    const rest = await round(first.body['@odata.nextLink'] as string, 10);
    const all = [...(first.body.value as Json[]), ...rest.items];
    expect(new Set(all.map((u) => u.id)).size).toBe(30); // nothing skipped, nothing twice
    const next = await round(rest.deltaLink);
    expect(next.items.map((u) => u.id).sort()).toEqual(ids.slice(10, 15).sort());
    expect(next.items.every((u) => String(u.displayName).startsWith('second'))).toBe(true);
  });

  it('expired tokens answer 410 Gone; delta takes no $top; a foreign token is a 400', async () => {
    const { deltaLink } = await round('/v1.0/users/delta?$select=id&$deltatoken=latest');
    emu.mutate.expireDeltaTokens();
    const gone = await call(emu, deltaLink);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('SyncStateNotFound');
    expect((await call(emu, '/v1.0/users/delta?$top=5')).status).toBe(400);
    expect((await call(emu, '/v1.0/users/delta?$deltatoken=bm90LWEtdG9rZW4')).status).toBe(400);
    expect((await call(emu, deltaLink.replace('/users/', '/groups/'))).status).toBe(400);
  });
});
