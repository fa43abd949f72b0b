/**
 * Graph list and object reads: follow `@odata.nextLink` (or ARM's `nextLink`), either checkpointing
 * every page (a resume continues from the saved link) or fetching a small collection whole and writing
 * it at once.
 */
import { ApiError } from '../azure/client.js';
import type { FamilyName } from '../azure/rate-limits.js';
import type { GraphList, GraphVersion, Item } from '../collections/descriptor.js';
import type { RunContext } from './context.js';
import type { CollectionStatus } from './log.js';

/** `<graph>/<version><path>?$select=…&$top=…` */
export function graphListUrl(ctx: RunContext, s: { version: GraphVersion; path: string; select?: readonly string[] | undefined; top?: number | undefined }): string {
  const query = [s.select ? `$select=${s.select.join(',')}` : '', s.top ? `$top=${s.top}` : ''].filter(Boolean).join('&');
  return ctx.client.graphUrl(s.version, query ? `${s.path}?${query}` : s.path);
}

const nextLinkOf = (page: Item) => (page['@odata.nextLink'] ?? page.nextLink) as string | undefined;

/** Follows the links, writing each page and checkpointing after it. */
export async function collectPages(ctx: RunContext, key: string, st: CollectionStatus, family: FamilyName, firstUrl: string): Promise<number> {
  const { client, stage, logger } = ctx;
  const w = await stage.writer(key, 'paged');
  try {
    let url: string | null = w.cursor ? w.cursor.next : firstUrl;
    st.items = w.count;
    let resumedCursor = !!w.cursor;
    while (url) {
      let page: Item;
      try {
        page = await client.getJson({ url });
      } catch (err) {
        // A stored skiptoken may have expired: start the collection over once.
        if (resumedCursor && err instanceof ApiError && !err.transient && (err.status === 400 || err.status === 404 || err.status === 410)) {
          logger.log({ level: 'info', event: 'cursor-expired', collection: key, message: 'saved page link no longer valid; starting this collection over' });
          w.close();
          await stage.reset(key);
          return collectPages(ctx, key, st, family, firstUrl);
        }
        throw err;
      }
      resumedCursor = false;
      const items = Array.isArray(page.value) ? (page.value as Item[]) : [];
      w.append(items.map((it) => JSON.stringify(it)));
      const next = nextLinkOf(page);
      url = next ? client.rebase(next, family) : null;
      await w.checkpoint(url);
      st.items = w.count;
      ctx.onCheckpoint?.(key, w.count);
    }
    return w.count;
  } finally {
    w.close();
  }
}

/** Every item of a list, in memory (small collections). */
export async function listAll(ctx: RunContext, family: FamilyName, firstUrl: string): Promise<Item[]> {
  const out: Item[] = [];
  let url: string | undefined = firstUrl;
  while (url) {
    const page = await ctx.client.getJson({ url });
    if (Array.isArray(page.value)) out.push(...(page.value as Item[]));
    const next = nextLinkOf(page);
    url = next ? ctx.client.rebase(next, family) : undefined;
  }
  return out;
}

/** A small collection fetched whole (possibly from several URLs) and written at once. */
export async function writeWhole(ctx: RunContext, key: string, items: unknown[]): Promise<number> {
  await ctx.stage.reset(key); // an earlier run may have written it without reaching its done marker
  const w = await ctx.stage.writer(key, 'paged');
  try {
    w.append(items.map((i) => JSON.stringify(i)));
    await w.checkpoint(null);
    return w.count;
  } finally {
    w.close();
  }
}

/**
 * A Graph list collection. An optional `$select` field is tried first and dropped after a 400 that
 * names it (a Graph that does not know it), then the collection is read without it.
 */
export async function collectGraphList(ctx: RunContext, key: string, family: FamilyName, s: GraphList, st: CollectionStatus): Promise<{ count: number; note?: string }> {
  if (s.checkpoint === 'whole') return { count: await writeWhole(ctx, key, await listAll(ctx, family, graphListUrl(ctx, s))) };
  const optional = s.optionalSelect && s.optionalSelect.when(ctx.options) ? s.optionalSelect : undefined;
  const urlWith = (extra: string[]) => graphListUrl(ctx, { ...s, ...(s.select ? { select: [...s.select, ...extra] } : {}) });
  try {
    return { count: await collectPages(ctx, key, st, family, urlWith(optional ? [optional.field] : [])) };
  } catch (err) {
    if (optional && err instanceof ApiError && err.status === 400 && err.message.toLowerCase().includes(optional.field.toLowerCase())) {
      ctx.logger.log({ level: 'info', event: 'feature-detect', collection: key, message: `${optional.field} not selectable on the list; reading it per object` });
      await ctx.stage.reset(key);
      return { count: await collectPages(ctx, key, st, family, urlWith([])), note: optional.droppedNote };
    }
    throw err;
  }
}

/** `$count` of a Graph collection for the progress display; undefined when Graph will not say. */
export async function countOf(ctx: RunContext, path: string): Promise<number | undefined> {
  try {
    const res = await ctx.client.call({ url: ctx.client.graphUrl('v1.0', `/${path}/$count`), headers: { ConsistencyLevel: 'eventual', accept: 'text/plain' } });
    const n = Number(typeof res.json === 'number' ? res.json : NaN);
    return res.status === 200 && Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}
