/**
 * A time-filtered Graph log (the sign-in log) read in `createdDateTime` slices: per event type, the
 * window newest slice first, one query per slice, followed through its `@odata.nextLink` pages.
 *
 * Adaptive slices: Graph's reports API throttles by request rate and also when a query runs long, and
 * Microsoft's advice is to query a few days at a time and shrink on throttling. A slice with a page
 * that was throttled or slow makes the next slices half as
 * long (unless it fit in one page: a smaller query would only mean more requests); a first page that
 * fails after every retry is tried again with a half-length slice; a clean slice lets them grow again
 * (faster when it held less than a page). Never below `minMs`.
 *
 * Checkpoints: after every page the position — window, event type, slice, next link, slice length —
 * is saved with the byte count of the NDJSON written so far (the cursor of checkpoints.ts, whose
 * `next` holds this state as JSON). A killed collection resumes at that page: the file is cut back to
 * the checkpoint, so nothing is written twice, and the window stays the one the first run chose.
 */
import { ApiError } from '../azure/client.js';
import type { FamilyName } from '../azure/rate-limits.js';
import type { GraphTimeSliced, Item } from '../collections/descriptor.js';
import type { RunContext } from './context.js';
import type { CollectionStatus } from './log.js';

interface SliceState {
  v: 1;
  window: { from: string; to: string };
  /** Index into the descriptor's event types (each walks the whole window, newest slice first). */
  type: number;
  /** Current slice [start, end) in epoch ms. */
  start: number;
  end: number;
  /** Next page of the current (slice, type) query, or null to start it. */
  link: string | null;
  sliceMs: number;
  /** The scope's filter was refused by Graph: everything is read (kept across a resume). */
  unfiltered?: boolean;
}

/** A first page slower than this counts as a query running long (Graph throttles those too). */
const SLOW_MS = 20_000;

const quoteDate = (ms: number) => new Date(ms).toISOString();

export function sliceUrl(ctx: RunContext, s: GraphTimeSliced, filter: string | undefined, start: number, end: number, eventType: string): string {
  // Graph documents ge/le (not lt) on createdDateTime: the slice ends 1 ms before the next one starts
  const clauses = [`createdDateTime ge ${quoteDate(start)}`, `createdDateTime le ${quoteDate(end - 1)}`, `signInEventTypes/any(t: t eq '${eventType}')`];
  if (filter) clauses.push(filter);
  return ctx.client.graphUrl(s.version, `${s.path}?$filter=${encodeURIComponent(clauses.join(' and '))}&$top=${s.top}`);
}

export async function collectTimeSliced(ctx: RunContext, key: string, family: FamilyName, s: GraphTimeSliced, st: CollectionStatus, unfiltered = false): Promise<{ count: number; value: { from: string; to: string }; note?: string }> {
  const { client, stage, logger } = ctx;
  const w = await stage.writer(key, 'paged');
  let state: SliceState | undefined;
  if (w.cursor?.next) {
    try {
      state = JSON.parse(w.cursor.next) as SliceState;
      if (state.v !== 1) state = undefined;
    } catch {
      state = undefined;
    }
  }
  if (!state) {
    // the window ends when the collection first starts (or at the asOf the options name)
    const o = ctx.options.signIns;
    const to = o && o !== 'off' && o.asOf !== undefined ? Date.parse(o.asOf) : Date.now();
    const from = to - s.days(ctx.options) * 86_400_000;
    const sliceMs = Math.min(s.slices.initialMs, to - from);
    state = { v: 1, window: { from: quoteDate(from), to: quoteDate(to) }, start: Math.max(from, to - sliceMs), end: to, type: 0, link: null, sliceMs, ...(unfiltered ? { unfiltered } : {}) };
  }
  const filter = state.unfiltered ? undefined : s.filter(ctx.options);
  const from = Date.parse(state.window.from);
  const to = Date.parse(state.window.to);
  const fam = client.families[family];
  let shrinks = 0;
  let resumedLink = state.link !== null;
  st.items = w.count;
  try {
    // event types outside, slices inside: a slice that has to shrink never holds rows of another query
    while (state.type < s.eventTypes.length) {
      let troubled = false;
      let pages = 0;
      // one slice of one event type, page by page
      for (;;) {
        const first = state.link === null;
        const url = state.link ?? sliceUrl(ctx, s, filter, state.start, state.end, s.eventTypes[state.type]!);
        const throttledBefore = fam.throttled;
        const t0 = Date.now();
        let page: Item;
        try {
          page = await client.getJson({ url });
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          if (resumedLink && !err.transient && (err.status === 400 || err.status === 404 || err.status === 410)) {
            // the saved page link expired: re-reading its slice would duplicate rows, so start over
            logger.log({ level: 'info', event: 'cursor-expired', collection: key, message: 'saved page link no longer valid; starting this collection over' });
            w.close();
            await stage.reset(key);
            return await collectTimeSliced(ctx, key, family, s, st, unfiltered);
          }
          // a Graph that refuses the scope's filter (400 on the very first query): read everything instead
          if (filter && err.status === 400 && w.count === 0 && state.type === 0 && first && state.end === to) {
            logger.log({ level: 'warn', event: 'feature-detect', collection: key, message: `the sign-in filter was refused (${err.code}: ${err.message}); reading every sign-in instead` });
            w.close();
            await stage.reset(key);
            const r = await collectTimeSliced(ctx, key, family, s, st, true);
            return { ...r, note: 'filter refused; read unfiltered' };
          }
          // a first page that fails after every retry (throttled out, timing out): the same end, half the span
          if (first && err.transient && state.end - state.start > s.slices.minMs) {
            const sliceMs = Math.max(s.slices.minMs, Math.floor((state.end - state.start) / 2));
            logger.log({ level: 'info', event: 'slice-shrink', collection: key, message: `query over ${fmtSpan(state.end - state.start)} failed (${err.status} ${err.code}); retrying ${fmtSpan(sliceMs)}` });
            state = { ...state, start: Math.max(from, state.end - sliceMs), sliceMs };
            shrinks++;
            continue;
          }
          throw err;
        }
        resumedLink = false;
        pages++;
        if (fam.throttled > throttledBefore || Date.now() - t0 > SLOW_MS) troubled = true;
        const items = Array.isArray(page.value) ? (page.value as Item[]) : [];
        w.append(items.map((it) => JSON.stringify(it)));
        const next = page['@odata.nextLink'] as string | undefined;
        if (!next) break;
        state = { ...state, link: client.rebase(next, family) };
        await w.checkpoint(JSON.stringify(state));
        st.items = w.count;
        ctx.onCheckpoint?.(key, w.count);
      }
      // the slice is done: the next one's length follows how this one went
      let sliceMs: number = state.sliceMs;
      // a query that fits in one page is as small as a query gets: shrinking it would only add requests
      if (troubled && pages > 1) {
        sliceMs = Math.max(s.slices.minMs, Math.floor(sliceMs / 2));
        shrinks++;
        logger.log({ level: 'info', event: 'slice-shrink', collection: key, message: `throttled or slow; next slices ${fmtSpan(sliceMs)}` });
      } else if (!troubled) {
        sliceMs = Math.min(s.slices.maxMs, Math.floor(sliceMs * (pages <= 1 ? 4 : 1.5)));
      }
      const end: number = state.start;
      state = end > from
        ? { ...state, start: Math.max(from, end - sliceMs), end, link: null, sliceMs }
        // this event type is done: the next one starts again at the window's end
        : { ...state, type: state.type + 1, start: Math.max(from, to - sliceMs), end: to, link: null, sliceMs };
      // also when every event type is done: a resume after this point must not read the window again
      await w.checkpoint(JSON.stringify(state));
      st.items = w.count;
      ctx.onCheckpoint?.(key, w.count);
    }
    return { count: w.count, value: state.window, ...(shrinks ? { note: `${shrinks} slice shrink${shrinks > 1 ? 's' : ''}` } : {}) };
  } finally {
    w.close();
  }
}

function fmtSpan(ms: number): string {
  if (ms >= 86_400_000) return `${+(ms / 86_400_000).toFixed(1)} d`;
  if (ms >= 3_600_000) return `${+(ms / 3_600_000).toFixed(1)} h`;
  return `${Math.round(ms / 60_000)} min`;
}
