/**
 * A snapshot change: what turns one snapshot document into a later one, compactly (pure, JSON in and
 * out). The demo's "a week later" state ships as such a change applied to demo/tenant.json at load
 * time, instead of a second multi-megabyte copy of the tenant.
 *
 * Per top-level key of the snapshot document:
 * - an array whose objects all carry a unique string `id` (users, groups, policies, ARM objects): the
 *   objects added or replaced (`upsert`, by id; a replaced object keeps its place, a new one is
 *   appended) and the ids removed (`remove`);
 * - a plain object keyed by id (groupMembers, authenticationMethods, authenticationRequirements): the
 *   entries set (`set`) and the keys removed (`remove`);
 * - anything else (collectedAt, securityDefaults, an array without ids): the new value (`replace`), or
 *   `remove` for a key the later snapshot does not have.
 */

type Json = unknown;
type Doc = Record<string, Json>;

export type KeyChange =
  | { upsert?: Doc[]; remove?: string[] }
  | { set?: Record<string, Json>; remove?: string[] }
  | { replace: Json }
  | { remove: true };

export interface SnapshotChange {
  mfaguardSnapshotChange: 1;
  /** What the change says, for people (one line per change). */
  description?: string[];
  /** The snapshot it applies to: its tenant id and collectedAt (checked when applying). */
  base: { tenantId: string; collectedAt: string };
  changes: Record<string, KeyChange>;
}

const isObject = (v: Json): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: Json, b: Json): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Array elements keyed by a unique string `id`, or undefined when the array is not shaped so. */
function byId(list: Json[]): Map<string, Doc> | undefined {
  const map = new Map<string, Doc>();
  for (const item of list) {
    if (!isObject(item) || typeof item.id !== 'string' || map.has(item.id)) return undefined;
    map.set(item.id, item);
  }
  return map;
}

function tenantIdOf(doc: Doc): string {
  return isObject(doc.tenant) && typeof doc.tenant.id === 'string' ? doc.tenant.id : '';
}

/** The change from `base` to `later` (snapshot documents as parsed JSON). */
export function snapshotChange(base: Doc, later: Doc, description: string[] = []): SnapshotChange {
  const changes: Record<string, KeyChange> = {};
  for (const key of new Set([...Object.keys(base), ...Object.keys(later)])) {
    const a = base[key];
    const b = later[key];
    if (same(a, b)) continue;
    if (!(key in later)) {
      changes[key] = { remove: true };
      continue;
    }
    const aIds = Array.isArray(a) ? byId(a) : undefined;
    const bIds = Array.isArray(b) ? byId(b) : undefined;
    if (aIds && bIds) {
      const upsert = [...bIds.values()].filter((o) => !aIds.has(o.id as string) || !same(aIds.get(o.id as string), o));
      const remove = [...aIds.keys()].filter((id) => !bIds.has(id));
      // the order of the later array must come out of applying the change: kept places, new ones appended
      const kept = [...aIds.keys()].filter((id) => bIds.has(id));
      const added = [...bIds.keys()].filter((id) => !aIds.has(id));
      if (same([...kept, ...added], [...bIds.keys()])) {
        changes[key] = { ...(upsert.length ? { upsert } : {}), ...(remove.length ? { remove } : {}) };
        continue;
      }
    } else if (isObject(a) && isObject(b) && key !== 'tenant') {
      const set: Record<string, Json> = {};
      for (const [k, v] of Object.entries(b)) if (!(k in a) || !same(a[k], v)) set[k] = v;
      const remove = Object.keys(a).filter((k) => !(k in b));
      const kept = Object.keys(a).filter((k) => k in b);
      if (same([...kept, ...Object.keys(b).filter((k) => !(k in a))], Object.keys(b))) {
        changes[key] = { ...(Object.keys(set).length ? { set } : {}), ...(remove.length ? { remove } : {}) };
        continue;
      }
    }
    changes[key] = { replace: b };
  }
  return {
    mfaguardSnapshotChange: 1,
    ...(description.length ? { description } : {}),
    base: { tenantId: tenantIdOf(base), collectedAt: String(base.collectedAt) },
    changes,
  };
}

/** `base` with `change` applied (a new document; `base` is not modified). Throws when the change is for another snapshot. */
export function applySnapshotChange(base: Doc, change: SnapshotChange): Doc {
  if (change?.mfaguardSnapshotChange !== 1 || !isObject(change.changes)) throw new Error('not a snapshot change (mfaguardSnapshotChange: 1)');
  if (tenantIdOf(base) !== change.base.tenantId || base.collectedAt !== change.base.collectedAt) {
    throw new Error(`the snapshot change is for tenant ${change.base.tenantId} collected at ${change.base.collectedAt}, not ${tenantIdOf(base)} at ${String(base.collectedAt)}`);
  }
  const out: Doc = { ...base };
  for (const [key, c] of Object.entries(change.changes)) {
    if ('replace' in c) {
      out[key] = structuredClone(c.replace);
    } else if (c.remove === true) {
      delete out[key];
    } else if ('upsert' in c || (Array.isArray(out[key]) && !('set' in c))) {
      const list = (Array.isArray(out[key]) ? out[key] : []) as Doc[];
      const removed = new Set((c.remove as string[] | undefined) ?? []);
      const upsert = new Map(((c as { upsert?: Doc[] }).upsert ?? []).map((o) => [o.id as string, o]));
      const next = list.filter((o) => !removed.has(o.id as string)).map((o) => (upsert.has(o.id as string) ? structuredClone(upsert.get(o.id as string)!) : o));
      const present = new Set(list.map((o) => o.id as string));
      for (const [id, o] of upsert) if (!present.has(id)) next.push(structuredClone(o));
      out[key] = next;
    } else {
      const obj: Doc = { ...(isObject(out[key]) ? out[key] : {}) };
      for (const k of (c.remove as string[] | undefined) ?? []) delete obj[k];
      for (const [k, v] of Object.entries((c as { set?: Doc }).set ?? {})) obj[k] = structuredClone(v);
      out[key] = obj;
    }
  }
  return out;
}
