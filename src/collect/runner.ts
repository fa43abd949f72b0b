/**
 * Runs collection descriptors (src/collections/): every collection at once, each after the ones it
 * depends on, each paced by its rate-limit family in the client. The logic every collection shares
 * lives here once: skip or resume a collection an earlier run finished, progress and log lines,
 * the done marker, and turning a failure into an `unavailable` entry (a permission or licence answer
 * is final; a transient failure is tried again by `--resume`).
 */
import { ApiError } from '../azure/client.js';
import type { CollectionDescriptor, Item } from '../collections/descriptor.js';
import { InputError } from '../errors.js';
import type { UnavailableEntry } from '../snapshot/types.js';
import { collectArmList, collectArmPerSubscription } from './arm.js';
import { collectPerObject } from './batch.js';
import type { DoneMarker } from './checkpoints.js';
import { dependencyUnavailable, Unavailable, type Outcome, type RunContext } from './context.js';
import { collectGraphList, countOf, graphListUrl } from './graph-lists.js';
import { collectTimeSliced } from './time-sliced.js';
import type { CollectionStatus } from './log.js';

export interface RunSummary {
  results: Map<string, DoneMarker>;
  unavailable: Record<string, UnavailableEntry>;
  /** Collections taken from an earlier, interrupted run. */
  resumed: string[];
  /** ms each collection took in this run. */
  durations: Record<string, number>;
}

export class CollectionRunner {
  private readonly results = new Map<string, DoneMarker>();
  private readonly unavailable: Record<string, UnavailableEntry> = {};
  private readonly durations: Record<string, number> = {};
  private readonly resumed: string[] = [];
  private readonly runs = new Map<string, Promise<DoneMarker | undefined>>();
  /** One pass over a collection's items picks the ids for every per-object collection built on it. */
  private readonly idScans = new Map<string, Promise<Map<string, string[]>>>();
  /** Read once, when a per-subscription list first needs them. */
  private subscriptionIds: Promise<string[] | undefined> | undefined;

  constructor(
    private readonly ctx: RunContext,
    private readonly collections: readonly CollectionDescriptor[],
    private readonly isSkipped: (c: CollectionDescriptor) => boolean,
  ) {
    const known = new Set<string>();
    for (const c of collections) {
      for (const d of c.dependsOn ?? []) if (!known.has(d)) throw new Error(`collection ${c.key} depends on ${d}, which is not listed before it`);
      known.add(c.key);
    }
  }

  /** Runs everything; rejects with the first failure that is not an `unavailable` (a network failure, an abort). */
  async runAll(): Promise<RunSummary> {
    for (const c of this.collections) {
      const deps = (c.dependsOn ?? []).map((k) => this.runs.get(k)!);
      this.runs.set(c.key, Promise.all(deps).then(() => this.run(c)));
    }
    await Promise.all(this.runs.values());
    return { results: this.results, unavailable: this.unavailable, resumed: this.resumed, durations: this.durations };
  }

  /** Runs one collection unless an earlier run finished it; turns failures into `unavailable`. */
  private async run(c: CollectionDescriptor): Promise<DoneMarker | undefined> {
    const { stage, logger } = this.ctx;
    const key = c.key;
    if (this.isSkipped(c)) return undefined;
    const st = logger.status(key, c.family);
    const earlier = stage.finished(key);
    if (earlier) {
      st.state = earlier.unavailable ? 'unavailable' : earlier.skipped ? 'skipped' : 'resumed';
      st.items = earlier.count;
      if (earlier.unavailable) {
        this.unavailable[key] = earlier.unavailable;
        st.note = `${earlier.unavailable.status ?? ''} ${earlier.unavailable.code ?? ''}`.trim();
      }
      this.resumed.push(key);
      this.results.set(key, earlier);
      return earlier;
    }
    st.state = 'running';
    st.startedAt = Date.now();
    logger.log({ level: 'debug', event: 'collection-start', collection: key, message: 'started' });
    try {
      const marker = { key, ...(await this.collect(c, st)) };
      await stage.markDone(marker);
      st.state = marker.skipped ? 'skipped' : 'done';
      st.items = marker.count;
      if (marker.note) st.note = marker.note;
      st.endedAt = Date.now();
      const ms = (this.durations[key] = st.endedAt - st.startedAt);
      this.results.set(key, stage.finished(key)!);
      logger.log({
        level: 'info', event: marker.skipped ? 'collection-skipped' : 'collection-done', collection: key, count: marker.count, ms,
        message: marker.skipped ? `not needed (${marker.note ?? ''})` : `${marker.count.toLocaleString('en-US')} in ${(ms / 1000).toFixed(1)} s`,
      });
      return stage.finished(key);
    } catch (err) {
      st.endedAt = Date.now();
      this.durations[key] = st.endedAt - (st.startedAt ?? st.endedAt);
      let entry: UnavailableEntry;
      let final = true;
      if (err instanceof Unavailable) {
        entry = err.entry;
        final = err.final;
      } else if (err instanceof ApiError) {
        if (err.status === 0 && !err.transient) throw new InputError(`cannot reach ${c.azure ? this.ctx.client.endpoints.arm : this.ctx.client.endpoints.graph}: ${err.message}`);
        entry = { status: err.status, code: err.code, message: err.message };
        final = !err.transient;
      } else {
        throw err; // an abort, or a bug: not a property of the tenant
      }
      this.unavailable[key] = entry;
      st.state = 'unavailable';
      st.note = `${entry.status ?? ''} ${entry.code ?? ''}`.trim();
      if (final) await stage.markDone({ key, count: 0, unavailable: entry });
      else await stage.reset(key);
      logger.log({ level: 'warn', event: 'collection-unavailable', collection: key, status: entry.status, code: entry.code, message: `could not be read: ${entry.status ?? ''} ${entry.code ?? ''} ${entry.message ?? ''}`.replace(/\s+/g, ' ').trim() });
      return undefined;
    }
  }

  /** The finished marker of a dependency; a 424 when it could not be read (or was left out). */
  private async dependency(key: string): Promise<DoneMarker> {
    const m = await this.runs.get(key);
    if (!m || m.unavailable) throw dependencyUnavailable(`${key} could not be read`);
    return m;
  }

  /** Skips, checks the dependencies, then dispatches on the descriptor's source kind. */
  private async collect(c: CollectionDescriptor, st: CollectionStatus): Promise<Outcome> {
    const { ctx } = this;
    const skipped = c.skip?.(ctx.options);
    if (skipped) return { count: 0, skipped: true, note: skipped };
    for (const d of c.dependsOn ?? []) await this.dependency(d);
    const override = ctx.overrides?.get(c.key);
    if (override) return override(ctx, st, () => this.fetch(c, st));
    return this.fetch(c, st);
  }

  /** The descriptor's own way: dispatch on its source kind. */
  private async fetch(c: CollectionDescriptor, st: CollectionStatus): Promise<Outcome> {
    const { ctx } = this;
    const s = c.source;
    switch (s.kind) {
      case 'graphList': {
        if (s.countPath && ctx.logger.live) void countOf(ctx, s.countPath).then((n) => { if (n !== undefined) st.total = n; }, () => undefined);
        if (s.progressTotalFrom) this.runs.get(s.progressTotalFrom)?.then((m) => { if (m && !st.total) st.total = m.count; }, () => undefined);
        return collectGraphList(ctx, c.key, c.family, s, st);
      }
      case 'graphObject': {
        const body = await ctx.client.getJson({ url: graphListUrl(ctx, s) });
        try {
          return { count: 1, value: s.toValue ? s.toValue(body, ctx.options) : body };
        } catch (err) {
          throw new ApiError((err as Error).message, 200, 'UnexpectedResponse', false);
        }
      }
      case 'graphPerObject': {
        const ids = await this.idsFor(c);
        if (!ids.length && s.ids.noneNote) return { count: 0, skipped: true, note: s.ids.noneNote };
        const count = await collectPerObject(ctx, c.key, st, { version: s.version, ids, path: s.path, cost: s.cost, shape: s.shape, batch: s.batch(ctx.options) });
        return { count };
      }
      case 'armList':
        return { count: await collectArmList(ctx, c.key, s.path) };
      case 'armPerSubscription':
        return { count: await collectArmPerSubscription(ctx, c.key, s, () => (this.subscriptionIds ??= this.readSubscriptionIds())) };
      case 'graphTimeSliced':
        // the marker's value is the window the rows cover (the manifest's `s.windowKey`)
        return collectTimeSliced(ctx, c.key, c.family, s, st);
    }
  }

  private async readSubscriptionIds(): Promise<string[] | undefined> {
    const m = await this.runs.get('subscriptions');
    if (!m || m.unavailable) return undefined;
    const ids: string[] = [];
    for await (const line of this.ctx.stage.lines('subscriptions')) ids.push((JSON.parse(line) as { subscriptionId: string }).subscriptionId);
    return ids;
  }

  /** The ids a per-object collection reads, from the shared pass over its source collection. */
  private async idsFor(c: CollectionDescriptor): Promise<string[]> {
    if (c.source.kind !== 'graphPerObject') return [];
    const from = c.source.ids.from;
    let scan = this.idScans.get(from);
    if (!scan) {
      const pickers = this.collections.flatMap((d) => {
        const s = d.source;
        if (s.kind !== 'graphPerObject' || s.ids.from !== from || this.isSkipped(d) || d.skip?.(this.ctx.options)) return [];
        return [{ key: d.key, pick: s.ids.pick(this.ctx.options) }];
      });
      scan = (async () => {
        const ids = new Map(pickers.map((p) => [p.key, [] as string[]]));
        for await (const line of this.ctx.stage.lines(from)) {
          const item = JSON.parse(line) as Item;
          for (const p of pickers) {
            const id = p.pick(item);
            if (id !== undefined) ids.get(p.key)!.push(id);
          }
        }
        return ids;
      })();
      this.idScans.set(from, scan);
    }
    return (await scan).get(c.key) ?? [];
  }
}
