/**
 * Change tracking and Graph delta queries (`/users/delta`, `/groups/delta`) for the emulator, shaped
 * like Graph's (learn.microsoft.com/graph/delta-query-overview, delta-query-users, delta-query-groups):
 *
 * - a round without a state token returns every object (groups with `members@delta` when `members` is
 *   selected), paged with `@odata.nextLink` (`$skiptoken`), the last page carrying `@odata.deltaLink`
 *   (`$deltatoken`); `$deltatoken=latest` returns no data, only a deltaLink for "now";
 * - a round from a deltaLink returns the objects changed since (their current state), deleted ones as
 *   `{ id, "@removed": { reason: "changed" | "deleted" } }`, and membership changes as
 *   `members@delta` entries (removed members with `@removed`);
 * - the query parameters of the first request live in the token (Graph encodes them too), so the links
 *   carry only the token; a token from before `expireDeltaTokens()` answers 410 Gone.
 *
 * Every change bumps one monotonically increasing version and appends to a log; a round covers the log
 * range (since, upTo], fixed at its first page, so paging is stable while the tenant keeps changing.
 * `tenantMutator(state)` is the devkit API tests and benchmarks use to change a running emulator's tenant.
 */
import type { DirectoryObjectRef, GraphUser } from '../../src/snapshot/types.js';
import type { TenantState, Obj } from './tenant-state.js';
import type { EmuRequest, EmuResponse } from './types.js';
import { graphError, JSON_ODATA } from './util.js';
import { qp } from './odata.js';

type Kind = 'users' | 'groups';

interface LogEntry {
  ver: number;
  kind: Kind;
  id: string;
  /** A membership change of group `id`: the member and whether it was removed. */
  member?: { ref: DirectoryObjectRef; removed: boolean };
}

interface Tombstone {
  ver: number;
  reason: 'changed' | 'deleted';
}

export class DeltaLog {
  version = 0;
  /** Tokens minted before this epoch answer 410 Gone (`expireDeltaTokens`). */
  epoch = 1;
  readonly log: LogEntry[] = [];
  readonly tombstones: Record<Kind, Map<string, Tombstone>> = { users: new Map(), groups: new Map() };

  bump(kind: Kind, id: string, member?: LogEntry['member']): number {
    const ver = ++this.version;
    this.log.push({ ver, kind, id: id.toLowerCase(), ...(member ? { member } : {}) });
    return ver;
  }

  /** Index of the first entry with ver > v (entries are in version order). */
  indexAfter(v: number): number {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.log[mid]!.ver <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const logs = new WeakMap<TenantState, DeltaLog>();
export function deltaLogOf(state: TenantState): DeltaLog {
  let l = logs.get(state);
  if (!l) logs.set(state, (l = new DeltaLog()));
  return l;
}

// ---------------------------------------------------------------- tokens

interface Token {
  /** mfe delta token format */
  t: 'd';
  k: Kind;
  e: number;
  /** Changes after this version... */
  since: number;
  /** ...up to this one (set by the round's first page); with `init`, the objects as of now. */
  upTo?: number;
  /** Items of the round already returned. */
  o?: number;
  init?: boolean;
  /** `$select` of the first request. */
  s?: string[];
}

const enc = (t: Token) => Buffer.from(JSON.stringify(t)).toString('base64url');
function dec(raw: string): Token | undefined {
  try {
    const t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Token;
    return t && t.t === 'd' && (t.k === 'users' || t.k === 'groups') && typeof t.since === 'number' ? t : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- the endpoint

export interface DeltaProjectors {
  /** How a user is shown under `$select` (the users list's projection: perUserMfaState etc.). */
  user: (u: Obj, select: string[] | undefined) => Obj;
  /** Validates a users `$select` (the list's rules). */
  validateUserSelect: (select: string[]) => EmuResponse | undefined;
}

const ok = (body: unknown): EmuResponse => ({ status: 200, headers: { 'content-type': JSON_ODATA, 'odata-version': '4.0', 'cache-control': 'no-cache' }, body });

function pageSizeOf(req: EmuRequest, fallback: number): number {
  const m = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(req.headers['prefer'] ?? '');
  const n = m ? Number(m[1]) : fallback;
  return Math.max(1, Math.min(999, n));
}

function pickProps(obj: Obj, select: string[]): Obj {
  const out: Obj = {};
  for (const name of select) {
    const l = name.toLowerCase();
    const key = name in obj ? name : (Object.keys(obj).find((k) => k.toLowerCase() === l) ?? name);
    out[key] = obj[key] ?? null;
  }
  return out;
}

/** `GET /{v}/users/delta` and `/{v}/groups/delta`. */
export function deltaHandler(kind: Kind, req: EmuRequest, state: TenantState, v: string, p: DeltaProjectors, defaultPage: number): EmuResponse {
  const log = deltaLogOf(state);
  const q = req.query;
  const deltaRaw = qp(q, '$deltatoken');
  const skipRaw = qp(q, '$skiptoken');
  let tok: Token;
  if (deltaRaw !== null && deltaRaw.toLowerCase() === 'latest') {
    const select = selectOf(q);
    const bad = validate(kind, select, p, req);
    if (bad) return bad;
    tok = { t: 'd', k: kind, e: log.epoch, since: log.version, ...(select ? { s: select } : {}) };
    return ok({ '@odata.context': ctxUrl(v, kind, select), '@odata.deltaLink': link(req, v, kind, '$deltatoken', tok), value: [] });
  }
  if (deltaRaw !== null || skipRaw !== null) {
    const t = dec((deltaRaw ?? skipRaw)!);
    if (!t || t.k !== kind) return graphError(req, 400, 'Request_BadRequest', 'Invalid or malformed state token.');
    if (t.e !== log.epoch) {
      // Graph: the token expired or the service lost its state; the client must start over
      return graphError(req, 410, 'SyncStateNotFound', 'The sync state generation is no longer valid. Please restart the sync from the beginning.', { location: `${req.origin}/${v}/${kind}/delta` });
    }
    tok = t;
  } else {
    const select = selectOf(q);
    const bad = validate(kind, select, p, req);
    if (bad) return bad;
    tok = { t: 'd', k: kind, e: log.epoch, since: 0, init: true, ...(select ? { s: select } : {}) };
  }
  const upTo = tok.upTo ?? log.version;
  const offset = tok.o ?? 0;
  const size = pageSizeOf(req, defaultPage);
  const withMembers = kind === 'groups' && (tok.s ?? []).some((s) => s.toLowerCase() === 'members');
  const select = tok.s?.filter((s) => s.toLowerCase() !== 'members');

  // The round's items: ids in a stable order.
  let ids: string[];
  if (tok.init) {
    // the objects that exist now (an object created after the round started shows in the next round)
    ids = (kind === 'users' ? state.users : state.groups).map((o) => String(o.id).toLowerCase());
  } else {
    const seen = new Set<string>();
    ids = [];
    for (let i = log.indexAfter(tok.since); i < log.log.length && log.log[i]!.ver <= upTo; i++) {
      const e = log.log[i]!;
      if (e.kind !== kind || seen.has(e.id)) continue;
      seen.add(e.id);
      ids.push(e.id);
    }
  }
  const page = ids.slice(offset, offset + size);
  const value: Obj[] = [];
  for (const id of page) {
    const obj = kind === 'users' ? state.userById.get(id) : state.groupById.get(id);
    if (!obj) {
      const tomb = log.tombstones[kind].get(id);
      if (tomb) value.push({ ...(kind === 'users' ? { '@odata.type': '#microsoft.graph.user' } : { '@odata.type': '#microsoft.graph.group' }), id: originalId(log, kind, id), '@removed': { reason: tomb.reason } });
      continue;
    }
    const body: Obj = kind === 'users' ? p.user(obj as Obj, select) : select ? pickProps(obj, select) : { ...obj };
    if (withMembers) {
      const members = tok.init ? (state.groupMembers.get(id) ?? []).map((m) => ({ ...m })) : memberChanges(log, id, tok.since, upTo);
      if (tok.init || members.length) body['members@delta'] = members;
    }
    value.push(body);
  }
  const body: Obj = { '@odata.context': ctxUrl(v, kind, tok.s) };
  if (offset + size < ids.length) body['@odata.nextLink'] = link(req, v, kind, '$skiptoken', { ...tok, upTo, o: offset + size });
  else body['@odata.deltaLink'] = link(req, v, kind, '$deltatoken', { t: 'd', k: kind, e: log.epoch, since: upTo, ...(tok.s ? { s: tok.s } : {}) });
  body.value = value;
  return ok(body);
}

/** Net membership changes of a group in (since, upTo]: the last change of each member wins. */
function memberChanges(log: DeltaLog, groupId: string, since: number, upTo: number): Obj[] {
  const last = new Map<string, { ref: DirectoryObjectRef; removed: boolean }>();
  for (let i = log.indexAfter(since); i < log.log.length && log.log[i]!.ver <= upTo; i++) {
    const e = log.log[i]!;
    if (e.kind === 'groups' && e.id === groupId && e.member) last.set(String(e.member.ref.id).toLowerCase(), e.member);
  }
  return [...last.values()].map((m) => ({ '@odata.type': m.ref['@odata.type'] ?? '#microsoft.graph.directoryObject', id: m.ref.id, ...(m.removed ? { '@removed': { reason: 'deleted' } } : {}) }));
}

const originalIds = new WeakMap<DeltaLog, Map<string, string>>();
function originalId(log: DeltaLog, kind: Kind, id: string): string {
  return originalIds.get(log)?.get(`${kind}:${id}`) ?? id;
}

function selectOf(q: URLSearchParams): string[] | undefined {
  const s = qp(q, '$select');
  if (s === null) return undefined;
  const l = s.split(',').map((x) => x.trim()).filter(Boolean);
  return l.length ? l : undefined;
}

function validate(kind: Kind, select: string[] | undefined, p: DeltaProjectors, req: EmuRequest): EmuResponse | undefined {
  if (qp(req.query, '$orderby') !== null) return graphError(req, 400, 'Request_UnsupportedQuery', '$orderby is not supported with delta queries.');
  if (qp(req.query, '$top') !== null) return graphError(req, 400, 'Request_UnsupportedQuery', '$top is not supported with delta queries; use the Prefer: odata.maxpagesize header.');
  if (kind === 'users' && select) return p.validateUserSelect(select);
  return undefined;
}

function ctxUrl(v: string, kind: Kind, select: string[] | undefined): string {
  return `https://graph.microsoft.com/${v}/$metadata#${kind}${select ? `(${select.join(',')})` : ''}`;
}

function link(req: EmuRequest, v: string, kind: Kind, param: '$skiptoken' | '$deltatoken', t: Token): string {
  return `${req.origin}/${v}/${kind}/delta?${param}=${enc(t)}`;
}

// ---------------------------------------------------------------- the devkit mutation API

/** Changes a running emulator's tenant the way the directory would, recording each change for delta queries. */
export interface TenantMutator {
  /** Patch a user's properties (perUserMfaState goes to the MFA table, as on the service). */
  updateUser(id: string, patch: Record<string, unknown>): void;
  createUser(user: GraphUser & Record<string, unknown>): void;
  /** Delete a user (soft by default: `@removed` reason `changed`; `permanent`: `deleted`); its memberships go too. */
  deleteUser(id: string, opts?: { permanent?: boolean }): void;
  updateGroup(id: string, patch: Record<string, unknown>): void;
  createGroup(group: Record<string, unknown> & { id: string }, members?: DirectoryObjectRef[]): void;
  deleteGroup(id: string, opts?: { permanent?: boolean }): void;
  addMember(groupId: string, member: DirectoryObjectRef): void;
  removeMember(groupId: string, memberId: string): void;
  /** Replace a user's registration record (no delta: the report is refreshed in bulk by Microsoft). */
  setRegistration(userId: string, record: Record<string, unknown>): void;
  /** Every delta and skip token issued so far answers 410 Gone from now on. */
  expireDeltaTokens(): void;
  /** The current change version (each change adds one). */
  readonly version: number;
}

export function tenantMutator(state: TenantState): TenantMutator {
  const log = deltaLogOf(state);
  let ids = originalIds.get(log);
  if (!ids) originalIds.set(log, (ids = new Map()));
  const idMap = ids;
  const lower = (s: string) => s.toLowerCase();
  const needUser = (id: string) => {
    const u = state.userById.get(lower(id));
    if (!u) throw new Error(`no user ${id}`);
    return u;
  };
  const needGroup = (id: string) => {
    const g = state.groupById.get(lower(id));
    if (!g) throw new Error(`no group ${id}`);
    return g;
  };
  const removeFromAllGroups = (memberId: string) => {
    for (const [gid, members] of state.groupMembers) {
      const i = members.findIndex((m) => lower(String(m.id)) === lower(memberId));
      if (i < 0) continue;
      const [ref] = members.splice(i, 1);
      log.bump('groups', gid, { ref: ref!, removed: true });
    }
  };
  return {
    get version() {
      return log.version;
    },
    updateUser(id, patch) {
      const u = needUser(id) as Obj;
      for (const [k, v] of Object.entries(patch)) {
        if (k === 'id') continue;
        if (k === 'perUserMfaState' && typeof v === 'string') state.perUserMfa.set(lower(String(u.id)), v);
        else if (v === undefined) delete u[k];
        else u[k] = v;
      }
      if (typeof patch.userPrincipalName === 'string') state.userByUpn.set(patch.userPrincipalName.toLowerCase(), u as GraphUser);
      log.bump('users', String(u.id));
    },
    createUser(user) {
      if (state.userById.has(lower(user.id))) throw new Error(`user ${user.id} exists`);
      const u = { ...user };
      if (typeof u.perUserMfaState === 'string') state.perUserMfa.set(lower(u.id), u.perUserMfaState);
      state.users.push(u);
      state.userById.set(lower(u.id), u);
      if (u.userPrincipalName) state.userByUpn.set(u.userPrincipalName.toLowerCase(), u);
      log.tombstones.users.delete(lower(u.id));
      log.bump('users', u.id);
    },
    deleteUser(id, opts = {}) {
      const u = needUser(id);
      state.users.splice(state.users.indexOf(u), 1);
      state.userById.delete(lower(u.id));
      if (u.userPrincipalName) state.userByUpn.delete(u.userPrincipalName.toLowerCase());
      removeFromAllGroups(u.id);
      const i = state.registration.findIndex((r) => lower(String(r.id)) === lower(u.id));
      if (i >= 0) state.registration.splice(i, 1);
      state.registrationById.delete(lower(u.id));
      const ver = log.bump('users', u.id);
      log.tombstones.users.set(lower(u.id), { ver, reason: opts.permanent ? 'deleted' : 'changed' });
      idMap.set(`users:${lower(u.id)}`, u.id);
    },
    updateGroup(id, patch) {
      const g = needGroup(id);
      for (const [k, v] of Object.entries(patch)) if (k !== 'id') g[k] = v;
      log.bump('groups', String(g.id));
    },
    createGroup(group, members = []) {
      if (state.groupById.has(lower(group.id))) throw new Error(`group ${group.id} exists`);
      const g = { ...group };
      state.groups.push(g);
      state.groupById.set(lower(g.id), g);
      state.groupMembers.set(lower(g.id), []);
      log.tombstones.groups.delete(lower(g.id));
      log.bump('groups', g.id);
      for (const m of members) this.addMember(g.id, m);
    },
    deleteGroup(id, opts = {}) {
      const g = needGroup(id);
      const gid = String(g.id);
      state.groups.splice(state.groups.indexOf(g), 1);
      state.groupById.delete(lower(gid));
      state.groupMembers.delete(lower(gid));
      removeFromAllGroups(gid); // nested in other groups
      const ver = log.bump('groups', gid);
      log.tombstones.groups.set(lower(gid), { ver, reason: opts.permanent ? 'deleted' : 'changed' });
      idMap.set(`groups:${lower(gid)}`, gid);
    },
    addMember(groupId, member) {
      const g = needGroup(groupId);
      const key = lower(String(g.id));
      const list = state.groupMembers.get(key) ?? [];
      state.groupMembers.set(key, list);
      if (list.some((m) => lower(String(m.id)) === lower(member.id))) return;
      const ref = { '@odata.type': member['@odata.type'], id: member.id } as DirectoryObjectRef;
      list.push(ref);
      log.bump('groups', String(g.id), { ref, removed: false });
    },
    removeMember(groupId, memberId) {
      const g = needGroup(groupId);
      const list = state.groupMembers.get(lower(String(g.id))) ?? [];
      const i = list.findIndex((m) => lower(String(m.id)) === lower(memberId));
      if (i < 0) return;
      const [ref] = list.splice(i, 1);
      log.bump('groups', String(g.id), { ref: ref!, removed: true });
    },
    setRegistration(userId, record) {
      const r = { ...record, id: userId };
      const i = state.registration.findIndex((x) => lower(String(x.id)) === lower(userId));
      if (i >= 0) state.registration[i] = r;
      else state.registration.push(r);
      state.registrationById.set(lower(userId), r);
    },
    expireDeltaTokens() {
      log.epoch++;
    },
  };
}
