/**
 * Rate-limit families AS DATA: one entry per throttling scope Microsoft publishes, with our client-side
 * budget sized to it, the response headers that carry the service's own counters, and the URLs that
 * belong to it. The client (client.ts) looks a URL up here; nothing else decides which family a request
 * is charged to. Sources (see ../shared/research/perf-scale.md, "Throttling limits"):
 *
 * - directory         Graph identity & access: resource-unit bucket, 8,000 RU / 10 s per app+tenant
 *                     (large tenants); `GET users` costs 2, `groups/{id}/members` 3, others 1.
 * - reports           Graph identity & access reports (reports/authenticationMethods/*): 5 requests / 10 s
 *                     per app+tenant.
 * - signInReports     the (beta) auditLogs/signIns reports API: the same 5 requests / 10 s per app+tenant
 *                     (and 1,000 rows per page), throttled also when a query runs long.
 * - ca                Graph Conditional Access (policies, named locations): 1 request / s per tenant for
 *                     all apps; its 429 carries no Retry-After, so we back off on our own.
 * - arm               ARM reads: bucket 250, refill 25 / s per principal per subscription.
 * - arg               Azure Resource Graph: 15 queries / 5 s per user.
 * - logAnalytics      Log Analytics query API: 200 requests / 30 s per user (500,000 rows, 64 MB, 10 min
 *                     per query).
 *
 * The ids (`ca`, `arg`, ...) are the names users see in `--log-format json` and in `limits` overrides,
 * so they stay short and stable; `title` is the long name.
 */
import type { FamilyName } from '../vocabulary.js';

export type { FamilyName };

/** Which API (and so which token audience and which configured origin) a family belongs to. */
export type ApiName = 'graph' | 'arm' | 'logAnalytics';

export interface FamilyLimits {
  /** Budget size (resource units or requests). */
  capacity: number;
  /** Refill per second. */
  perSecond: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Base delay for our own backoff when a 429 has no Retry-After, ms. */
  backoffBaseMs: number;
}

export interface FamilyHeaders {
  /** How much of the budget is used, as a fraction or a percentage (Graph sends it above 80 %). */
  usedFraction?: string;
  /** How many requests are left. */
  remaining: readonly string[];
  /** `hh:mm:ss` until the quota refills; the family pauses that long when `remaining` says 0. */
  resetsAfter?: string;
}

const GRAPH_HEADERS: FamilyHeaders = { usedFraction: 'x-ms-throttle-limit-percentage', remaining: [] };

export interface RateLimitFamily {
  name: FamilyName;
  title: string;
  api: ApiName;
  /** The published limit, in words (for logs and documentation). */
  published: string;
  limits: FamilyLimits;
  /** Response headers carrying the service's own counters (read by RateFamily.observe). */
  headers: FamilyHeaders;
  /** Paths (after the API origin, version segment included for Graph) charged to this family. */
  paths: readonly RegExp[];
}

/**
 * In match order: the first family whose API and path match a URL is charged; the broad entries
 * (`directory` for Graph, `arm` for ARM) come after the specific ones. The paths also tell the APIs
 * apart when one host serves several (a gateway, the emulator).
 */
export const RATE_LIMIT_FAMILIES: readonly RateLimitFamily[] = [
  {
    name: 'ca', title: 'conditionalAccess', api: 'graph', published: '1 request / s per tenant, all apps; 429 without Retry-After',
    limits: { capacity: 1, perSecond: 1, concurrency: 1, backoffBaseMs: 1000 },
    headers: GRAPH_HEADERS, paths: [/^\/(v1\.0|beta)\/identity\/conditionalAccess\//i],
  },
  {
    name: 'signInReports', title: 'signInReports', api: 'graph', published: '5 requests / 10 s per app+tenant',
    limits: { capacity: 5, perSecond: 0.5, concurrency: 1, backoffBaseMs: 2000 },
    headers: GRAPH_HEADERS, paths: [/^\/(v1\.0|beta)\/auditLogs\/signIns\b/i],
  },
  {
    name: 'reports', title: 'reports', api: 'graph', published: '5 requests / 10 s per app+tenant',
    limits: { capacity: 5, perSecond: 0.5, concurrency: 2, backoffBaseMs: 2000 },
    headers: GRAPH_HEADERS, paths: [/^\/(v1\.0|beta)\/reports\//i],
  },
  {
    name: 'directory', title: 'directory', api: 'graph', published: '8,000 resource units / 10 s per app+tenant (tenants over 500 users)',
    limits: { capacity: 8000, perSecond: 800, concurrency: 16, backoffBaseMs: 1000 },
    headers: GRAPH_HEADERS, paths: [/^\/(v1\.0|beta)\//i],
  },
  {
    name: 'arg', title: 'resourceGraph', api: 'arm', published: '15 queries / 5 s per user',
    limits: { capacity: 15, perSecond: 3, concurrency: 2, backoffBaseMs: 1000 },
    headers: { remaining: ['x-ms-user-quota-remaining'], resetsAfter: 'x-ms-user-quota-resets-after' }, paths: [/^\/providers\/Microsoft\.ResourceGraph\//i],
  },
  {
    name: 'arm', title: 'arm', api: 'arm', published: 'reads: bucket 250, refill 25 / s per principal per subscription',
    limits: { capacity: 250, perSecond: 25, concurrency: 8, backoffBaseMs: 1000 },
    headers: { remaining: ['x-ms-ratelimit-remaining-subscription-reads', 'x-ms-ratelimit-remaining-tenant-reads'] }, paths: [/^\/(subscriptions|providers|tenants)\b/i],
  },
  {
    name: 'logAnalytics', title: 'logAnalytics', api: 'logAnalytics', published: '200 requests / 30 s per user; 500,000 rows, 64 MB, 10 min per query',
    limits: { capacity: 200, perSecond: 200 / 30, concurrency: 4, backoffBaseMs: 2000 },
    headers: { remaining: [] }, paths: [/^\/v1\/workspaces\//i],
  },
];

export function rateLimitFamily(name: FamilyName): RateLimitFamily {
  return RATE_LIMIT_FAMILIES.find((f) => f.name === name)!;
}

/**
 * The family a URL is charged to: the table's first entry whose API base (from `bases`, the
 * configured endpoints) prefixes the URL and one of whose paths matches the rest.
 */
export function familyOfUrl(url: string, bases: Record<ApiName, string>): FamilyName | undefined {
  const lower = url.toLowerCase();
  for (const f of RATE_LIMIT_FAMILIES) {
    const base = bases[f.api].toLowerCase();
    if (!lower.startsWith(base + '/')) continue;
    const path = url.slice(base.length).split(/[?#]/, 1)[0]!;
    if (f.paths.some((p) => p.test(path))) return f.name;
  }
  return undefined;
}
