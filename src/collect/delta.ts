/**
 * Graph delta queries (learn.microsoft.com/graph/delta-query-overview): reading a round of changes
 * and applying it to the previous snapshot's objects.
 *
 * A round follows `@odata.nextLink` until a page carries `@odata.deltaLink` (the link for the next
 * round). Each item is an object's current state (Graph returns at least the changed properties, so
 * the change is a patch on the previous object), `{ id, "@removed": { reason } }` for an object that is
 * gone (`changed` = soft-deleted, `deleted` = permanently: either way it is not in the lists), and for
 * groups `members@delta`: added members, and removed ones with `@removed`. One object may appear more
 * than once in a round (Graph splits a large group's members over several appearances); later
 * appearances patch earlier ones and member changes accumulate in order. Applying a round is
 * idempotent, so a replayed change (Graph may replay; a deltaLink taken before a full list replays what
 * the list already saw) changes nothing.
 */
import { ApiError } from '../azure/client.js';
import type { FamilyName } from '../azure/rate-limits.js';
import type { Item } from '../collections/descriptor.js';
import type { RunContext } from './context.js';

export interface MemberChange {
  ref: { '@odata.type'?: string; id: string };
  removed: boolean;
}

/** What one round says about one object. */
export interface ObjectChange {
  /** Set when the object is gone. */
  removed?: string;
  /** The properties returned (annotations and `members@delta` taken out). */
  props: Item;
  members: MemberChange[];
}

export type DeltaChanges = Map<string, ObjectChange>;

const key = (id: string) => id.toLowerCase();

/** Adds one page's items to `changes` (pure; the conformance test runs it on Microsoft's samples). */
export function addDeltaPage(changes: DeltaChanges, page: Item): void {
  const items = Array.isArray(page.value) ? (page.value as Item[]) : [];
  for (const it of items) {
    if (typeof it.id !== 'string') continue;
    const k = key(it.id);
    const removed = it['@removed'] as { reason?: unknown } | undefined;
    let c = changes.get(k);
    if (removed && typeof removed === 'object') {
      // gone: earlier appearances in this round no longer matter
      changes.set(k, { removed: typeof removed.reason === 'string' ? removed.reason : 'deleted', props: { id: it.id }, members: [] });
      continue;
    }
    if (!c || c.removed) changes.set(k, (c = { props: {}, members: [] }));
    for (const [p, v] of Object.entries(it)) {
      if (p === 'members@delta') {
        for (const m of Array.isArray(v) ? (v as Item[]) : []) {
          if (typeof m?.id !== 'string') continue;
          c.members.push({ ref: { ...(typeof m['@odata.type'] === 'string' ? { '@odata.type': m['@odata.type'] } : {}), id: m.id }, removed: !!m['@removed'] });
        }
      } else if (!p.startsWith('@') && !p.includes('@odata.') && !p.endsWith('@delta')) {
        c.props[p] = v;
      }
    }
  }
}

export const deltaLinkOf = (page: Item) => (typeof page['@odata.deltaLink'] === 'string' ? page['@odata.deltaLink'] : undefined);
export const nextLinkOf = (page: Item) => (typeof page['@odata.nextLink'] === 'string' ? page['@odata.nextLink'] : undefined);

/** Graph's page size for delta is set by this header (delta takes no `$top`). */
export const DELTA_HEADERS = { Prefer: 'odata.maxpagesize=999' };

/** Follows a delta round from `link` to its deltaLink. */
export async function readDeltaRound(ctx: RunContext, family: FamilyName, link: string): Promise<{ changes: DeltaChanges; deltaLink: string; pages: number }> {
  const changes: DeltaChanges = new Map();
  let url: string | undefined = ctx.client.rebase(link, family);
  let pages = 0;
  while (url) {
    const page: Item = await ctx.client.getJson({ url, headers: DELTA_HEADERS });
    pages++;
    addDeltaPage(changes, page);
    const delta = deltaLinkOf(page);
    if (delta) return { changes, deltaLink: delta, pages };
    const next = nextLinkOf(page);
    url = next ? ctx.client.rebase(next, family) : undefined;
  }
  throw new ApiError('a delta round ended without @odata.deltaLink', 200, 'UnexpectedResponse', false);
}

/**
 * A delta link Graph no longer honours: 410 Gone (resync required), or a 400 naming an expired or
 * unknown state token. The collection is then read in full.
 */
export function isExpiredDelta(err: unknown): boolean {
  if (!(err instanceof ApiError) || err.transient) return false;
  if (err.status === 410) return true;
  const text = `${err.code} ${err.message}`.toLowerCase();
  return (err.status === 400 || err.status === 404) && /syncstatenotfound|resyncrequired|token|sync state/.test(text);
}

/**
 * Applies a round to a stream of previous objects: `next(obj)` gives what becomes of each (patched,
 * kept, or undefined when removed), `rest()` the objects the previous snapshot did not have, in the
 * round's order. Streaming, so a large collection is never held in memory.
 */
export class ObjectMerge {
  private readonly seen = new Set<string>();
  constructor(private readonly changes: DeltaChanges) {}

  next(obj: Item): Item | undefined {
    const k = key(String(obj.id));
    this.seen.add(k);
    const c = this.changes.get(k);
    if (!c) return obj;
    return c.removed ? undefined : { ...obj, ...c.props, id: obj.id }; // ids compare case-insensitively; keep the stored form
  }

  rest(): Item[] {
    return [...this.changes].filter(([k, c]) => !this.seen.has(k) && !c.removed).map(([, c]) => ({ ...c.props }));
  }
}

/** The previous objects with a round applied (ObjectMerge over an array). */
export function* applyObjectChanges(previous: Iterable<Item>, changes: DeltaChanges): Generator<Item> {
  const m = new ObjectMerge(changes);
  for (const obj of previous) {
    const out = m.next(obj);
    if (out) yield out;
  }
  yield* m.rest();
}

/** Direct members with a group's member changes applied (adds appended, removals dropped; idempotent). */
export function applyMemberChanges(previous: readonly MemberChange['ref'][], changes: readonly MemberChange[]): MemberChange['ref'][] {
  // a Map keeps insertion order: previous members first, additions after them
  const members = new Map(previous.map((m) => [key(m.id), m]));
  for (const ch of changes) {
    const k = key(ch.ref.id);
    if (ch.removed) members.delete(k);
    else if (!members.has(k)) members.set(k, { '@odata.type': ch.ref['@odata.type'] ?? '#microsoft.graph.directoryObject', id: ch.ref.id });
  }
  return [...members.values()];
}

type MapEntry = { key: string; value: MemberChange['ref'][] };

/**
 * The groupMembers map entries with a groups round applied: removed groups dropped, member changes
 * applied, and an entry for every group the previous snapshot did not have (a new group). Streaming
 * like ObjectMerge.
 */
export class GroupMemberMerge {
  private readonly seen = new Set<string>();
  constructor(private readonly changes: DeltaChanges) {}

  next(e: MapEntry): MapEntry | undefined {
    const k = key(e.key);
    this.seen.add(k);
    const c = this.changes.get(k);
    if (!c) return e;
    if (c.removed) return undefined;
    return { key: e.key, value: c.members.length ? applyMemberChanges(e.value, c.members) : e.value };
  }

  rest(): MapEntry[] {
    return [...this.changes].filter(([k, c]) => !this.seen.has(k) && !c.removed).map(([k, c]) => ({ key: String(c.props.id ?? k), value: applyMemberChanges([], c.members) }));
  }
}

export function* applyGroupMemberChanges(previous: Iterable<MapEntry>, changes: DeltaChanges): Generator<MapEntry> {
  const m = new GroupMemberMerge(changes);
  for (const e of previous) {
    const out = m.next(e);
    if (out) yield out;
  }
  yield* m.rest();
}
