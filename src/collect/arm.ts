/**
 * Azure Resource Manager collections: one list over the tenant (subscriptions), or a list per
 * subscription, de-duplicated. Role definitions and assignments are first read in one Resource Graph
 * query over `authorizationresources` (all subscriptions and management groups at once); only when
 * Resource Graph is not usable (not registered, denied, throttled for good) are they listed per
 * subscription, which needs the `subscriptions` collection.
 */
import { ApiError, errorInfo } from '../azure/client.js';
import type { ArmPerSubscription, Item } from '../collections/descriptor.js';
import { dependencyUnavailable, type RunContext } from './context.js';
import { listAll, writeWhole } from './graph-lists.js';

const ARG_API = '2022-10-01';

/** Resource Graph rows of one `authorizationresources` type, shaped like the ARM objects; undefined when unusable. */
async function viaResourceGraph(ctx: RunContext, type: { query: string; armType: string }): Promise<Item[] | undefined> {
  const { client, logger } = ctx;
  const rows: Item[] = [];
  let skipToken: string | undefined;
  try {
    do {
      const res = await client.call({
        method: 'POST', readOnly: true, url: client.armUrl(`/providers/Microsoft.ResourceGraph/resources?api-version=${ARG_API}`),
        body: {
          query: `authorizationresources | where type =~ '${type.query}' | project id, name, properties`,
          options: { resultFormat: 'objectArray', $top: 1000, authorizationScopeFilter: 'AtScopeAboveAndBelow', ...(skipToken ? { $skipToken: skipToken } : {}) },
        },
      });
      if (res.status !== 200) {
        const { code, message } = errorInfo(res.status, res.json);
        logger.log({ level: 'info', event: 'resource-graph-unavailable', collection: type.query, status: res.status, code, message: `Resource Graph not usable (${res.status} ${code}: ${message}); listing per subscription` });
        return undefined;
      }
      const body = res.json as { data?: unknown; $skipToken?: string };
      if (!Array.isArray(body.data)) return undefined;
      // Resource Graph's `type` column is lower-case; the ARM object says Microsoft.Authorization/roleAssignments.
      for (const r of body.data as Item[]) rows.push({ id: r.id, type: type.armType, name: r.name, properties: r.properties });
      skipToken = body.$skipToken;
    } while (skipToken);
  } catch (err) {
    if (err instanceof ApiError) {
      logger.log({ level: 'info', event: 'resource-graph-unavailable', message: `Resource Graph failed (${err.message}); listing per subscription` });
      return undefined;
    }
    throw err;
  }
  return rows;
}

/** The same list from every subscription, de-duplicated (inherited items appear under each). */
async function perSubscription(ctx: RunContext, ids: string[], path: (sub: string) => string, dedupe: (item: Item) => string): Promise<Item[]> {
  const seen = new Map<string, Item>();
  await Promise.all(ids.map(async (sub) => {
    let items: Item[];
    try {
      items = await listAll(ctx, 'arm', ctx.client.armUrl(path(sub)));
    } catch (err) {
      if (err instanceof ApiError) throw new ApiError(`${err.message} (subscription ${sub})`, err.status, err.code, err.transient, err.requestId);
      throw err;
    }
    for (const it of items) {
      const k = dedupe(it).toLowerCase();
      if (!seen.has(k)) seen.set(k, it);
    }
  }));
  return [...seen.values()];
}

export async function collectArmList(ctx: RunContext, key: string, path: string): Promise<number> {
  return writeWhole(ctx, key, await listAll(ctx, 'arm', ctx.client.armUrl(path)));
}

/** `subscriptionIds` resolves to undefined when the subscriptions could not be read. */
export async function collectArmPerSubscription(ctx: RunContext, key: string, s: ArmPerSubscription, subscriptionIds: () => Promise<string[] | undefined>): Promise<number> {
  let items = s.resourceGraphType ? await viaResourceGraph(ctx, s.resourceGraphType) : undefined;
  if (!items) {
    const ids = await subscriptionIds();
    if (!ids) throw dependencyUnavailable(s.resourceGraphType ? 'Resource Graph unusable and subscriptions could not be read' : 'subscriptions could not be read');
    items = await perSubscription(ctx, ids, s.path, s.dedupe);
  } else {
    const seen = new Set<string>();
    items = items.filter((i) => { const k = s.dedupe(i).toLowerCase(); return seen.has(k) ? false : (seen.add(k), true); });
  }
  return writeWhole(ctx, key, items);
}
