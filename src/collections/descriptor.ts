/**
 * A collection descriptor: everything about one snapshot collection as DATA — its key, the endpoint
 * and rate-limit family it is read from, `$select`, how it is paged, what it needs first, and the
 * schema the snapshot loader validates it with. One file per collection in this folder; `index.ts`
 * lists them. The runner (src/collect/runner.ts) executes descriptors; the loader
 * (src/snapshot/schema.ts) takes each `schema` from here; the emulator tests check each endpoint is
 * served.
 *
 * Why here and not in src/collect: the loader is pure core and must not import the collector (an
 * adapter with network and file I/O). Descriptors are plain data plus small pure functions (picking
 * ids, mapping a response), so both sides can read them. They import only types and pure helpers.
 */
import type { FamilyName } from '../vocabulary.js';
import type { KeyKind } from '../snapshot/schema.js';
import type { TenantInfo } from '../snapshot/types.js';

/** The collector options a descriptor may depend on (see CollectOptions in src/collect/collect.ts). */
export interface CollectionOptions {
  perUserMfa: 'auto' | 'batch' | 'naive';
  authMethodsFor: string[] | 'auto' | 'none';
  cloud: TenantInfo['cloud'];
  /**
   * Sign-in logs: the window in days and which sign-ins (`evidence`: the mandatory-MFA apps and legacy
   * clients the rules read; `all`: everything, for the workbook pivots), or `off`. Absent: 30 days, evidence.
   */
  signIns?: { days: number; scope: 'evidence' | 'all'; /** End of the window (ISO-8601; default: when the collection starts). */ asOf?: string } | 'off';
}

export type GraphVersion = 'v1.0' | 'beta';
export type Item = Record<string, unknown>;

/** One Graph request, its items in `value`, following `@odata.nextLink`. */
export interface GraphList {
  kind: 'graphList';
  version: GraphVersion;
  path: string;
  select?: readonly string[];
  top?: number;
  /**
   * `pages`: each page is written and checkpointed (a resume continues from the saved nextLink) — for
   * collections that grow with the tenant. `whole`: fetched completely, then written (small ones).
   */
  checkpoint: 'pages' | 'whole';
  /** A `$select` field not every Graph accepts: asked for when `when` holds, dropped after a 400 naming it. */
  optionalSelect?: { field: string; when: (o: CollectionOptions) => boolean; droppedNote: string };
  /** Show a total while collecting: `$count` of this path (live progress only). */
  countPath?: string;
  /** Or take the total from another collection's count once that is finished. */
  progressTotalFrom?: string;
}

/** One Graph object (written to the manifest). */
export interface GraphObject {
  kind: 'graphObject';
  version: GraphVersion;
  path: string;
  select?: readonly string[];
  /** Turns the response into the stored value; throws when the response is unusable. */
  toValue?: (body: Item, o: CollectionOptions) => unknown;
}

/** One Graph request per object of another collection, sent through `$batch` (20 per batch). */
export interface GraphPerObject {
  kind: 'graphPerObject';
  version: GraphVersion;
  path: (id: string) => string;
  /** `list`: a paged list per object; `object`: one object per id (its body minus `@odata.*`). */
  shape: 'list' | 'object';
  /** Directory resource units per item. */
  cost: number;
  batch: (o: CollectionOptions) => boolean;
  /**
   * Which objects: one pass over the `from` collection; `pick` returns the id to read, or undefined.
   * With `noneNote`, picking nothing records the collection as skipped (with that note) rather than empty.
   */
  ids: { from: string; pick: (o: CollectionOptions) => (item: Item) => string | undefined; noneNote?: string };
}

/** One ARM list over the whole tenant (subscriptions). */
export interface ArmList {
  kind: 'armList';
  path: string;
}

/**
 * An ARM list per subscription, de-duplicated (inherited items appear under each). With
 * `resourceGraphType` the whole tenant is read in one Resource Graph query over
 * `authorizationresources` first, and per subscription only when that is not usable.
 */
export interface ArmPerSubscription {
  kind: 'armPerSubscription';
  path: (subscriptionId: string) => string;
  dedupe: (item: Item) => string;
  resourceGraphType?: { query: string; armType: string };
}

/**
 * A time-filtered Graph log read in `createdDateTime` slices over a window ending when the collection
 * starts: one query per slice and event type, each paged and checkpointed; the slices shrink when the
 * service throttles or a query runs too long, and grow again after a clean one (src/collect/time-sliced.ts).
 */
export interface GraphTimeSliced {
  kind: 'graphTimeSliced';
  version: GraphVersion;
  path: string;
  top: number;
  /** Window length in days under these options. */
  days: (o: CollectionOptions) => number;
  /** One query per event type per slice (`signInEventTypes/any(t: t eq '…')`); Graph beta returns only interactive ones unless asked. */
  eventTypes: readonly string[];
  /** What else the query filters on (joined with `and`), or undefined for everything. */
  filter: (o: CollectionOptions) => string | undefined;
  /** Slice lengths: the first, the shortest before a throttled query fails the collection, the longest. */
  slices: { initialMs: number; minMs: number; maxMs: number };
  /** The manifest key that records the window (`{ from, to }`). */
  windowKey: string;
}

export type CollectionSource = GraphList | GraphObject | GraphPerObject | ArmList | ArmPerSubscription | GraphTimeSliced;

export interface CollectionDescriptor {
  /** The snapshot key (spec/snapshot.md). */
  key: string;
  family: FamilyName;
  /** An Azure Resource Manager collection (left out by `--skip azure`). */
  azure?: boolean;
  source: CollectionSource;
  /** Collections that must be finished first (their items feed this one); unreadable ones make this one a 424. */
  dependsOn?: readonly string[];
  /** Not wanted at all under these options: the reason (the collection is recorded as skipped). */
  skip?: (o: CollectionOptions) => string | undefined;
  /** How the loader validates it; absent only for `tenant`, which the manifest holds itself. */
  schema?: KeyKind;
  /** Where it is stored: a `<key>.ndjson` file or a manifest property. */
  storage: 'file' | 'manifest';
}
