/**
 * Incremental collection (`collect --incremental`): users, groups and group members follow Graph delta
 * links kept in a DeltaStateStore and are merged into the previous snapshot's files; everything else
 * (the small collections: policies, roles, security defaults, Azure RBAC...) is read in full as usual;
 * the registration report is reused while younger than `registrationMaxAgeMs`. The result is a new,
 * complete snapshot in the same layout.
 *
 * The plan hooks into the runner per collection (`RunContext.overrides`): an override either produces
 * the merged collection or calls the normal (full) collection. A full collection of users or groups
 * asks Graph for a "latest" delta link first (`$deltatoken=latest`, documented for Entra objects), so
 * the next run can be incremental: changes made while the list is read are replayed then, and applying
 * a change twice changes nothing. Links go into each collection's done marker (so a resumed run keeps
 * them) and into the store only after the snapshot is finalized: the stored links always continue from
 * the snapshot the store names, and a crash in between only replays changes.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { ApiError } from '../azure/client.js';
import type { GraphList, Item } from '../collections/descriptor.js';
import { groups as groupsDescriptor } from '../collections/groups.js';
import { users as usersDescriptor } from '../collections/users.js';
import type { DoneMarker } from './checkpoints.js';
import type { CollectOverride, Outcome, RunContext } from './context.js';
import { DELTA_HEADERS, GroupMemberMerge, ObjectMerge, deltaLinkOf, isExpiredDelta, readDeltaRound, type DeltaChanges, type MemberChange } from './delta.js';
import { deltaStateKey, isDeltaState, type DeltaState, type DeltaStateStore } from './delta-state.js';

export const DEFAULT_REGISTRATION_MAX_AGE_MS = 24 * 3600_000;

export interface IncrementalOptions {
  /** Where delta links are kept between runs. */
  state: DeltaStateStore;
  /** The snapshot directory to continue from (default: the output directory's current snapshot). */
  previous?: string | undefined;
  /** Registration details younger than this are reused rather than read again (default 24 h). */
  registrationMaxAgeMs?: number | undefined;
}

export interface IncrementalSummary {
  /** `incremental` when the previous snapshot and its delta links were usable; else why not. */
  mode: 'incremental' | 'full';
  reason?: string;
  /** Per collection: how it was obtained this run. */
  collections: Record<string, { how: 'delta' | 'full' | 'reused'; changed?: number; removed?: number; note?: string }>;
  /** Collections taken over from an earlier read, with the time of that read. */
  reused: Record<string, { collectedAt: string; ageMs: number }>;
}

interface Ctx {
  graphEndpoint: string;
  tenantHint: string | undefined;
  out: string;
  perUserMfaAuto: boolean;
  log: (event: string, message: string, level?: 'info' | 'warn') => void;
}

/** Reads a manifest (plain or gzip) or undefined when there is none. */
async function readManifest(dir: string): Promise<Record<string, unknown> | undefined> {
  for (const name of ['manifest.json', 'manifest.json.gz']) {
    const p = join(dir, name);
    if (!existsSync(p)) continue;
    let buf = await readFile(p);
    if (name.endsWith('.gz')) buf = (await import('node:zlib')).gunzipSync(buf);
    const text = buf.toString('utf8').replace(/^\uFEFF/, '');
    const m = JSON.parse(text) as unknown;
    return m && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, unknown>) : undefined;
  }
  return undefined;
}

function previousFile(dir: string, key: string): string | undefined {
  for (const name of [`${key}.ndjson`, `${key}.ndjson.gz`]) if (existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

/** The previous collection's lines (plain or gzip), blank lines and a byte order mark left out. */
async function* previousLines(path: string): AsyncGenerator<string> {
  const stream = path.endsWith('.gz') ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let first = true;
  for await (const line of rl) {
    const l = first ? line.replace(/^\uFEFF/, '') : line;
    first = false;
    if (l.trim()) yield l;
  }
}

/** Writes a whole collection into the stage from serialized lines, in chunks. */
async function writeStaged(ctx: RunContext, key: string, lines: AsyncIterable<string>): Promise<number> {
  await ctx.stage.reset(key);
  const w = await ctx.stage.writer(key, 'paged');
  try {
    let chunk: string[] = [];
    for await (const line of lines) {
      chunk.push(line);
      if (chunk.length >= 2000) {
        w.append(chunk);
        chunk = [];
      }
    }
    w.append(chunk);
    await w.checkpoint(null);
    ctx.onCheckpoint?.(key, w.count);
    return w.count;
  } finally {
    w.close();
  }
}

/** Every `"id": "…"` in a line (ids are GUIDs: no escapes), lower-cased. */
const ID_RE = /"id"\s*:\s*"([^"\\]*)"/g;
const KEY_RE = /^\s*\{\s*"key"\s*:\s*"([^"\\]*)"/;
const idsIn = (line: string) => Array.from(line.matchAll(ID_RE), (m) => m[1]!.toLowerCase());

/**
 * A previous collection streamed through a merge (ObjectMerge, GroupMemberMerge). Only lines that may
 * be touched are parsed: a line naming no changed id (any `"id"`, or a map line's leading `"key"`) is
 * copied as it is, which keeps a 100k-user merge to a fraction of a second per changed object.
 */
export async function* merged<T>(lines: AsyncIterable<string>, touched: (line: string) => boolean, m: { next(x: T): T | undefined; rest(): T[] }): AsyncGenerator<string> {
  for await (const line of lines) {
    if (!touched(line)) {
      yield line;
      continue;
    }
    const out = m.next(JSON.parse(line) as T);
    if (out !== undefined) yield JSON.stringify(out);
  }
  for (const x of m.rest()) yield JSON.stringify(x);
}

/** Whether a line may concern one of the changed objects (see `merged`). */
export function touchedBy(changes: DeltaChanges, map: boolean): (line: string) => boolean {
  return (line) => {
    if (map) {
      const k = KEY_RE.exec(line);
      if (k) return changes.has(k[1]!.toLowerCase());
      return true; // another layout: parse it
    }
    const ids = idsIn(line);
    return ids.length === 0 || ids.some((id) => changes.has(id));
  };
}

function once<T>(fn: (ctx: RunContext) => Promise<T>): { get: (ctx: RunContext) => Promise<T>; started: () => boolean } {
  let p: Promise<T> | undefined;
  return { get: (ctx) => (p ??= fn(ctx)), started: () => p !== undefined };
}

const counted = (changes: DeltaChanges) => {
  let removed = 0;
  for (const c of changes.values()) if (c.removed) removed++;
  return { changed: changes.size - removed, removed };
};

export class IncrementalPlan {
  readonly summary: IncrementalSummary = { mode: 'full', collections: {}, reused: {} };
  readonly overrides = new Map<string, CollectOverride>();
  private previousDir: string | undefined;
  private previous: Record<string, unknown> | undefined;
  private state: DeltaState | undefined;
  private stateKey: string | undefined;

  private constructor(private readonly opts: IncrementalOptions, private readonly c: Ctx) {}

  static async create(opts: IncrementalOptions, c: Ctx): Promise<IncrementalPlan> {
    const plan = new IncrementalPlan(opts, c);
    await plan.load();
    plan.install();
    return plan;
  }

  private async load(): Promise<void> {
    const dir = this.opts.previous ?? this.c.out;
    let manifest: Record<string, unknown> | undefined;
    try {
      manifest = await readManifest(dir);
    } catch (err) {
      this.summary.reason = `the previous snapshot's manifest could not be read (${(err as Error).message})`;
      return;
    }
    if (!manifest) {
      this.summary.reason = `no previous snapshot in ${dir}`;
      return;
    }
    const tenantId = (manifest.tenant as { id?: unknown } | undefined)?.id;
    if (typeof tenantId !== 'string') {
      this.summary.reason = 'the previous snapshot names no tenant';
      return;
    }
    const hint = this.c.tenantHint;
    if (hint && /^[0-9a-f-]{36}$/i.test(hint) && hint.toLowerCase() !== tenantId.toLowerCase()) {
      this.summary.reason = `the previous snapshot is of tenant ${tenantId}, not ${this.c.tenantHint}`;
      return;
    }
    this.stateKey = deltaStateKey(tenantId, this.c.graphEndpoint);
    const state = await this.opts.state.get(this.stateKey);
    if (!isDeltaState(state)) {
      this.summary.reason = 'no delta links stored for this tenant yet (the first incremental run is a full collection)';
      return;
    }
    if (state.snapshotCollectedAt !== manifest.collectedAt) {
      // the links continue from another snapshot: merging them into this one could miss changes
      this.summary.reason = `the stored delta links belong to the snapshot of ${state.snapshotCollectedAt}, not to ${String(manifest.collectedAt)}`;
      return;
    }
    this.previousDir = dir;
    this.previous = manifest;
    this.state = state;
    this.summary.mode = 'incremental';
  }

  private unavailableBefore(key: string): boolean {
    const u = this.previous?.unavailable as Record<string, unknown> | undefined;
    return !!u && u[key] !== undefined;
  }

  private prevPath(key: string): string | undefined {
    if (!this.previousDir || this.unavailableBefore(key)) return undefined;
    return previousFile(this.previousDir, key);
  }

  /** `$deltatoken=latest` for a list descriptor's `$select` (plus `extra`); undefined when Graph will not give one. */
  private async latestLink(ctx: RunContext, key: string, s: GraphList, extra: string[], optional?: string): Promise<string | undefined> {
    const attempt = async (select: string[]) => {
      const url = ctx.client.graphUrl(s.version, `${s.path}/delta?$select=${select.join(',')}&$deltatoken=latest`);
      const page = await ctx.client.getJson({ url, headers: DELTA_HEADERS });
      return deltaLinkOf(page);
    };
    const base = [...(s.select ?? []), ...extra];
    try {
      return await attempt(optional ? [...base, optional] : base);
    } catch (err) {
      if (optional && err instanceof ApiError && err.status === 400) {
        try {
          return await attempt(base);
        } catch {
          /* below */
        }
      }
      if (err instanceof ApiError && err.status === 0 && !err.transient) throw err;
      this.c.log('delta-unavailable', `${key}: Graph gave no delta link (${(err as Error).message}); the next incremental run reads it in full`, 'warn');
      return undefined;
    }
  }

  /** The full collection, with a "latest" delta link taken just before it. */
  private async fullWithLink(ctx: RunContext, key: string, full: () => Promise<Outcome>, s: GraphList, extra: string[], optional?: string): Promise<Outcome> {
    const link = await this.latestLink(ctx, key, s, extra, optional);
    const out = await full();
    this.summary.collections[key] = { how: 'full' };
    return { ...out, ...(link ? { delta: link } : {}) };
  }

  private install(): void {
    const incremental = this.summary.mode === 'incremental';
    const links = this.state?.links ?? {};
    const usersList = usersDescriptor.source as GraphList;
    const groupsList = groupsDescriptor.source as GraphList;
    const optionalMfa = this.c.perUserMfaAuto ? 'perUserMfaState' : undefined;

    const usersRound = once((ctx) => readDeltaRound(ctx, 'directory', links.users!));
    const groupsRound = once((ctx) => readDeltaRound(ctx, 'directory', links.groups!));

    this.overrides.set('users', async (ctx, _st, full) => {
      const prev = this.prevPath('users');
      if (!incremental || !links.users || !prev) {
        if (incremental) this.c.log('delta-full', `users: ${!links.users ? 'no delta link stored' : 'not in the previous snapshot'}; collecting in full`);
        return this.fullWithLink(ctx, 'users', full, usersList, [], optionalMfa);
      }
      let round: Awaited<ReturnType<typeof readDeltaRound>>;
      try {
        round = await usersRound.get(ctx);
      } catch (err) {
        if (!isExpiredDelta(err)) throw err;
        this.c.log('delta-expired', `users: Graph no longer accepts the stored delta link (${(err as ApiError).status} ${(err as ApiError).code}); collecting users in full`, 'warn');
        return this.fullWithLink(ctx, 'users', full, usersList, [], optionalMfa);
      }
      const count = await writeStaged(ctx, 'users', merged(previousLines(prev), touchedBy(round.changes, false), new ObjectMerge(round.changes)));
      const n = counted(round.changes);
      this.summary.collections.users = { how: 'delta', ...n };
      return { count, delta: round.deltaLink, note: `delta: ${n.changed} changed, ${n.removed} removed` };
    });

    this.overrides.set('groups', async (ctx, _st, full) => {
      const prev = this.prevPath('groups');
      if (!incremental || !links.groups || !prev || !this.prevPath('groupMembers')) {
        if (incremental) this.c.log('delta-full', `groups: ${!links.groups ? 'no delta link stored' : 'not in the previous snapshot'}; collecting in full`);
        return this.fullWithLink(ctx, 'groups', full, groupsList, ['members']);
      }
      let round: Awaited<ReturnType<typeof readDeltaRound>>;
      try {
        round = await groupsRound.get(ctx);
      } catch (err) {
        if (!isExpiredDelta(err)) throw err;
        this.c.log('delta-expired', `groups: Graph no longer accepts the stored delta link (${(err as ApiError).status} ${(err as ApiError).code}); collecting groups and their members in full`, 'warn');
        return this.fullWithLink(ctx, 'groups', full, groupsList, ['members']);
      }
      const count = await writeStaged(ctx, 'groups', merged(previousLines(prev), touchedBy(round.changes, false), new ObjectMerge(round.changes)));
      const n = counted(round.changes);
      this.summary.collections.groups = { how: 'delta', ...n };
      return { count, delta: round.deltaLink, note: `delta: ${n.changed} changed, ${n.removed} removed` };
    });

    this.overrides.set('groupMembers', async (ctx, _st, full) => {
      const prev = this.prevPath('groupMembers');
      // members come with the groups round; when groups were read in full, so are their members
      const groupsByDelta = !!ctx.stage.finished('groups')?.note?.startsWith('delta:');
      if (!incremental || !links.groups || !prev || !groupsByDelta) {
        this.summary.collections.groupMembers = { how: 'full' };
        return full();
      }
      let round: Awaited<ReturnType<typeof readDeltaRound>>;
      try {
        round = await groupsRound.get(ctx);
      } catch (err) {
        if (!isExpiredDelta(err)) throw err;
        this.summary.collections.groupMembers = { how: 'full' };
        return full();
      }
      const count = await writeStaged(ctx, 'groupMembers', merged<{ key: string; value: MemberChange['ref'][] }>(previousLines(prev), touchedBy(round.changes, true), new GroupMemberMerge(round.changes)));
      let changes = 0;
      for (const c of round.changes.values()) changes += c.members.length;
      this.summary.collections.groupMembers = { how: 'delta', changed: changes };
      return { count, note: `delta: ${changes} membership changes` };
    });

    this.overrides.set('userRegistrationDetails', async (ctx, _st, full) => {
      const maxAge = this.opts.registrationMaxAgeMs ?? DEFAULT_REGISTRATION_MAX_AGE_MS;
      const readAt = this.state?.registrationReadAt;
      const prev = this.prevPath('userRegistrationDetails');
      const age = readAt ? Date.now() - Date.parse(readAt) : Infinity;
      if (!incremental || !prev || !readAt || !(age >= 0 && age < maxAge)) {
        if (incremental) this.c.log('registration-read', `userRegistrationDetails: ${!readAt || !prev ? 'no earlier read to reuse' : `last read ${hours(age)} ago (max age ${hours(maxAge)})`}; reading the report`);
        this.summary.collections.userRegistrationDetails = { how: 'full' };
        return full();
      }
      // Graph offers no filter on lastUpdatedDateTime for this report, and Microsoft refreshes it in
      // bulk: the earlier read is as good as a new one until it is too old. Records of users deleted
      // since are dropped when the users round says so.
      let removed = new Set<string>();
      if (usersRound.started()) {
        const r = await usersRound.get(ctx).catch(() => undefined);
        if (r) removed = new Set([...r.changes].filter(([, c]) => c.removed).map(([k]) => k));
      }
      const count = await writeStaged(ctx, 'userRegistrationDetails', (async function* () {
        for await (const line of previousLines(prev)) {
          const ids = idsIn(line);
          if (ids.length && !ids.some((id) => removed.has(id))) yield line;
          else if (!removed.has(String((JSON.parse(line) as Item).id).toLowerCase())) yield line;
        }
      })());
      this.summary.collections.userRegistrationDetails = { how: 'reused', note: `read ${hours(age)} ago` };
      this.summary.reused.userRegistrationDetails = { collectedAt: readAt, ageMs: age };
      this.c.log('registration-reused', `userRegistrationDetails: reusing the read of ${readAt} (${hours(age)} old, max age ${hours(maxAge)})`);
      return { count, reusedAt: readAt, note: `reused (read ${hours(age)} ago)` };
    });
  }

  /** Manifest additions: which collections were reused from an earlier read, and when that was. */
  manifestFields(results: Map<string, DoneMarker>): Record<string, unknown> {
    const reused: Record<string, { collectedAt: string }> = {};
    for (const [k, m] of results) if (m.reusedAt && !m.unavailable) reused[k] = { collectedAt: m.reusedAt };
    return Object.keys(reused).length ? { reusedCollections: reused } : {};
  }

  /** After the snapshot is finalized: store the links that continue from it. */
  async finish(results: Map<string, DoneMarker>, snapshot: { collectedAt: string; tenantId: string }): Promise<void> {
    const links: Record<string, string> = {};
    for (const k of ['users', 'groups']) {
      const m = results.get(k);
      if (m?.delta && !m.unavailable) links[k] = m.delta;
    }
    // groupMembers read in full while groups came by delta (or the reverse) is fine: both reflect the tenant now
    const reg = results.get('userRegistrationDetails');
    const registrationReadAt = reg && !reg.unavailable && !reg.skipped ? (reg.reusedAt ?? reg.finishedAt) : undefined;
    const value: DeltaState = { version: 1, snapshotCollectedAt: snapshot.collectedAt, links, ...(registrationReadAt ? { registrationReadAt } : {}) };
    await this.opts.state.put(deltaStateKey(snapshot.tenantId, this.c.graphEndpoint), value);
    for (const [k, m] of results) {
      if (!this.summary.collections[k] && !m.unavailable && !m.skipped) this.summary.collections[k] = { how: m.reusedAt ? 'reused' : m.note?.startsWith('delta:') ? 'delta' : 'full' };
    }
  }
}

const hours = (ms: number) => `${(ms / 3600_000).toFixed(1)} h`;
