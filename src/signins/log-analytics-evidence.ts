/**
 * The sign-in evidence port pushed down to a Log Analytics workspace: every analysis runs as the KQL
 * rendering of its definition (analyses.ts → kql.ts) over `SigninLogs` ∪ `AADNonInteractiveUserSignInLogs`
 * through Microsoft's query client (@azure/monitor-query-logs), and only aggregate rows come back.
 *
 * Log Analytics' limits (perf-scale.md; rate-limits.ts `logAnalytics`): 200 requests / 30 s per user,
 * 500,000 rows and 64 MB per result, 10 minutes per query. Requests are paced by the `logAnalytics`
 * rate family (a 429 pauses the whole family for its Retry-After, then the query is sent again). A
 * result that hits the row cap comes back as a partial result; the query is then split by a hash of
 * the user id into 4, 16, 64 … partitions (every user-keyed analysis can be: a user's groups never span
 * two partitions) and the partitions' rows are concatenated. That is the "paging" of this API.
 */
import type { TokenCredential } from '@azure/identity';
import type { LogsQueryClient, LogsTable } from '@azure/monitor-query-logs';
import { CLOUDS } from '../azure/clouds.js';
import { backoffMs, RateFamily, retryAfterMs } from '../azure/rate-budget.js';
import { rateLimitFamily, type FamilyLimits } from '../azure/rate-limits.js';
import { type AnalysisName, type AnalysisParams, decodeCell, definition, outputColumns, PARTITION_COL, type ResultRow } from './analyses.js';
import { cleanParams, PartEvidence } from './evidence-base.js';
import { renderKql } from './kql.js';

/** Log Analytics' published cap on rows per query result. */
export const LOG_ANALYTICS_MAX_ROWS = 500_000;

export class LogAnalyticsQueryError extends Error {
  override name = 'LogAnalyticsQueryError';
  constructor(message: string, readonly code: string, readonly status?: number) {
    super(message);
  }
}

export interface LogAnalyticsEvidenceOptions {
  workspaceId: string;
  credential: TokenCredential;
  /** Query API origin (default the public cloud's https://api.loganalytics.io; the emulator's origin in tests). `/v1` is appended. */
  endpoint?: string;
  /** Token scope (default `https://api.loganalytics.io/.default`: the audience names the API, not the host serving it). */
  scope?: string;
  /** The collected window, when known (reported by window(); queries are not limited to it). */
  window?: { from?: string; to?: string };
  /** Rows per result before the service truncates (default 500,000). */
  maxRows?: number;
  /** At most this many partitions per query (default 256). */
  maxPartitions?: number;
  /** Server timeout per query, seconds (default and maximum 600). */
  serverTimeoutSeconds?: number;
  /** Overrides of the `logAnalytics` rate family's limits, or a family shared with other clients. */
  limits?: Partial<FamilyLimits>;
  family?: RateFamily;
  /** Attempts per query when throttled or the service is unavailable (default 6). */
  maxAttempts?: number;
  /** Extra trusted CA certificates (PEM) for the query endpoint: a TLS-inspecting proxy, the emulator. */
  ca?: (string | Buffer)[];
  /** Called for each query sent (analysis, partition) — progress and tests. */
  onQuery?: (e: { name: AnalysisName; partition?: { index: number; count: number }; status: 'ok' | 'truncated' | 'throttled' }) => void;
  /** Upper end of the query timespan when the query gives no `asOf` (default now + 1 h). */
  now?: () => Date;
}

const TRUNCATED = /E_QUERY_RESULT_SET_TOO_LARGE|record count limit|result set size limit|exceeded the (internal )?(record|size)/i;

export class LogAnalyticsSignInEvidence extends PartEvidence {
  protected override readonly parallel = true;
  private client?: LogsQueryClient;
  private readonly family: RateFamily;
  /** Partitions that worked for an analysis before: the next call starts there. */
  private readonly partitionsFor = new Map<AnalysisName, number>();

  constructor(private readonly opts: LogAnalyticsEvidenceOptions) {
    super(opts.window);
    const f = rateLimitFamily('logAnalytics');
    this.family = opts.family ?? new RateFamily(f.name, { ...f.limits, ...opts.limits }, f.headers);
  }

  private async queryClient(): Promise<LogsQueryClient> {
    if (!this.client) {
      const { LogsQueryClient } = await import('@azure/monitor-query-logs');
      const origin = (this.opts.endpoint ?? CLOUDS.AzureCloud.logAnalytics).replace(/\/+$/, '');
      this.client = new LogsQueryClient(this.opts.credential, {
        endpoint: `${origin}/v1`,
        credentials: { scopes: [this.opts.scope ?? `${CLOUDS.AzureCloud.logAnalytics}/.default`] },
        // throttling and retries are the rate family's (below), in one place
        retryOptions: { maxRetries: 0 },
        ...(this.opts.ca?.length ? { tlsOptions: { ca: this.opts.ca.map(String).join('\n') } } : {}),
      });
    }
    return this.client;
  }

  protected async run(name: AnalysisName, rawParams: AnalysisParams): Promise<ResultRow[]> {
    const params = cleanParams(rawParams);
    const part = definition(name, params);
    // partitions by user split every group only when the groups are per user and not cut as a whole
    const partitionable = part.by.includes(PARTITION_COL) && (part.kind !== 'aggregate' || !part.top);
    const maxPartitions = this.opts.maxPartitions ?? 256;
    let count = this.partitionsFor.get(name) ?? 1;
    for (;;) {
      // partitions in parallel: the rate family bounds how many are in flight
      const results = await Promise.all(Array.from({ length: count }, (_, index) => this.query(name, params, count > 1 ? { index, count } : undefined)));
      if (results.every((r) => r !== 'truncated')) {
        if (count > 1) this.partitionsFor.set(name, count);
        return (results as ResultRow[][]).flat();
      }
      if (!partitionable || count * 4 > maxPartitions) {
        throw new LogAnalyticsQueryError(`Log Analytics: the result of ${name} exceeds the service's row limit${partitionable ? ` even in ${count} partitions` : ''}`, 'ResultTooLarge');
      }
      count *= 4;
    }
  }

  /** One query: paced, retried when throttled; its rows, or 'truncated' when the result hit the row cap. */
  private async query(name: AnalysisName, params: AnalysisParams, partition?: { index: number; count: number }): Promise<ResultRow[] | 'truncated'> {
    const client = await this.queryClient();
    const text = renderKql(name, params, partition ? { partition } : {});
    const part = definition(name, params);
    const cols = outputColumns(part);
    const maxRows = this.opts.maxRows ?? LOG_ANALYTICS_MAX_ROWS;
    const maxAttempts = this.opts.maxAttempts ?? 6;
    for (let attempt = 1; ; attempt++) {
      const release = await this.family.acquire(1);
      let result;
      try {
        result = await client.queryWorkspace(this.opts.workspaceId, text, this.timespan(params), { serverTimeoutInSeconds: Math.min(600, this.opts.serverTimeoutSeconds ?? 600) });
      } catch (err) {
        const e = err as { statusCode?: number; code?: string; message?: string; response?: { headers?: { get?(n: string): string | undefined; toJSON?(): Record<string, string> } } };
        const status = e.statusCode;
        if ((status === 429 || status === 503 || status === 504) && attempt < maxAttempts) {
          const headers = e.response?.headers?.toJSON?.() ?? {};
          const wait = retryAfterMs(headers) ?? backoffMs(attempt, this.family.limits.backoffBaseMs);
          this.family.pause(wait, `HTTP ${status}`);
          this.opts.onQuery?.({ name, ...(partition ? { partition } : {}), status: 'throttled' });
          continue;
        }
        throw new LogAnalyticsQueryError(`Log Analytics query ${name} failed: ${status ? `HTTP ${status} ` : ''}${e.code ?? ''} ${e.message ?? String(err)}`.trim(), e.code ?? 'QueryFailed', status);
      } finally {
        release();
      }
      let table: LogsTable | undefined;
      if (result.status === 'PartialFailure') {
        const detail = JSON.stringify(result.partialError);
        if (TRUNCATED.test(detail)) {
          this.opts.onQuery?.({ name, ...(partition ? { partition } : {}), status: 'truncated' });
          return 'truncated';
        }
        // any other partial error (a shard timed out, a workspace unavailable): the aggregate would be wrong, never a silent partial answer
        throw new LogAnalyticsQueryError(`Log Analytics query ${name} returned a partial result: ${result.partialError.code ?? ''} ${result.partialError.message ?? ''}`.trim(), result.partialError.code ?? 'PartialError');
      } else table = result.tables[0];
      const rows = table?.rows ?? [];
      if (rows.length >= maxRows) {
        this.opts.onQuery?.({ name, ...(partition ? { partition } : {}), status: 'truncated' });
        return 'truncated';
      }
      this.opts.onQuery?.({ name, ...(partition ? { partition } : {}), status: 'ok' });
      const index = new Map((table?.columnDescriptors ?? []).map((c, i) => [c.name ?? '', i]));
      return rows.map((row) => {
        const r: ResultRow = {};
        for (const c of cols) r[c.name] = decodeCell(c.kind, row[index.get(c.name) ?? -1]);
        return r;
      });
    }
  }

  /** The API's timespan: the query's own bounds when it has them (the KQL filters on them too). */
  private timespan(p: AnalysisParams): { startTime: Date; endTime: Date } {
    const since = p.since !== undefined ? Date.parse(p.since) : NaN;
    const asOf = p.asOf !== undefined ? Date.parse(p.asOf) : NaN;
    const end = Number.isNaN(asOf) ? (this.opts.now?.() ?? new Date()).getTime() + 3_600_000 : asOf;
    const start = Number.isNaN(since) ? 0 : Math.min(since, end);
    return { startTime: new Date(start), endTime: new Date(end) };
  }
}
