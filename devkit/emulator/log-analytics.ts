/**
 * The Log Analytics query API (`POST /v1/workspaces/{id}/query`) over the tenant's sign-ins, so the
 * product's Log Analytics evidence is tested end to end with Microsoft's client: transport, tokens for
 * the Log Analytics audience, the response shape (`tables[{name, columns[{name, type}], rows}]`), the
 * row cap with its partial error, throttling (429 + Retry-After) and other partial errors.
 *
 * HONESTY NOTE: the emulator cannot run KQL. It answers only mfaguard's own queries: each KQL text
 * carries a `// mfaguard:<analysis> <params>` tag; the emulator re-renders the KQL from that tag with
 * the product's renderer and refuses the request (400) unless the text is identical, then answers by
 * running the SQL rendering of the SAME definition (src/signins/sql.ts) on DuckDB over the sign-ins.
 * So these tests prove transport, auth, limits and that both renderings come from one definition; that
 * the KQL is valid Kusto is proven separately by Microsoft's language service (test/signins/kql.test.ts),
 * and what the KQL computes on a real workspace is not proven here.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SignInRow } from '../../src/evidence/row.js';
import { definition, outputColumns, type AnalysisParams, type ColKind } from '../../src/signins/analyses.js';
import { appendSignInRows, createSignInsTableSql } from '../../src/signins/duckdb-evidence.js';
import { parseKqlTag, renderKql } from '../../src/signins/kql.js';
import { renderSql } from '../../src/signins/sql.js';
import { graphSignInToRow } from '../../src/signins/graph.js';
import { LOG_ANALYTICS_AUDIENCE, type Identity } from './identity.js';
import type { EmuRequest, EmuResponse } from './types.js';
import { JSON_PLAIN } from './util.js';

export interface LogAnalyticsEmulatorOptions {
  /** Workspace ids answered (default: any GUID). */
  workspaceIds?: string[];
  /** The sign-ins as normalized rows (default: the tenant's `signIns`, converted). */
  rows?: SignInRow[];
  /** Rows per result before the answer is truncated with a partial error (Log Analytics: 500,000). */
  maxRows?: number;
  /** Every n-th query is answered 429 (Retry-After `retryAfterSeconds`, default 1). */
  throttleEvery?: number;
  retryAfterSeconds?: number;
  /** Analyses answered with a partial error other than truncation (a shard that failed). */
  partialErrorFor?: string[];
}

export interface LogAnalyticsStats {
  queries: number;
  throttled: number;
  truncated: number;
  /** Partitioned queries seen (analysis:index/count). */
  partitions: string[];
}

const KQL_TYPE: Record<ColKind, string> = { time: 'datetime', number: 'long', text: 'string', bool: 'bool', timeList: 'dynamic', textList: 'dynamic' };

function laError(status: number, code: string, message: string, headers: Record<string, string> = {}): EmuResponse {
  return { status, headers: { 'content-type': JSON_PLAIN, ...headers }, body: { error: { code, message, correlationId: randomUUID() } } };
}

export class LogAnalyticsEmulator {
  readonly stats: LogAnalyticsStats = { queries: 0, throttled: 0, truncated: 0, partitions: [] };
  private db?: Promise<DuckDBConnection>;
  private seen = 0;

  constructor(private readonly identity: Identity, private readonly signIns: () => readonly Record<string, unknown>[], private readonly opts: LogAnalyticsEmulatorOptions = {}) {}

  private connection(): Promise<DuckDBConnection> {
    this.db ??= (async () => {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const conn = await (await DuckDBInstance.create(':memory:')).connect();
      await conn.run(createSignInsTableSql());
      await appendSignInRows(conn, this.opts.rows ?? this.signIns().map((raw, i) => graphSignInToRow(raw, { file: 'emulator tenant' }, `signIns[${i}].`)));
      return conn;
    })();
    return this.db;
  }

  /** Answers `POST /v1/workspaces/{id}/query`; undefined for any other path. */
  async handle(req: EmuRequest): Promise<EmuResponse | undefined> {
    const s = req.segments;
    if (s[0] !== 'v1' || s[1]?.toLowerCase() !== 'workspaces' || s.length !== 4 || s[3]?.toLowerCase() !== 'query') return undefined;
    if (req.method !== 'POST') return laError(405, 'MethodNotAllowed', 'Only POST is supported by the mfaguard emulator.');
    const auth = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
    if (!auth) return laError(401, 'AuthorizationRequiredError', 'Valid authentication was not provided');
    const verified = this.identity.verifyAccessToken(auth[1]!);
    if ('error' in verified) return laError(401, 'InvalidTokenError', `The provided authentication is not valid for this resource: ${verified.error}`);
    if (verified.claims.aud.replace(/\/$/, '').toLowerCase() !== LOG_ANALYTICS_AUDIENCE) {
      return laError(401, 'InvalidTokenError', `The provided authentication is not valid for this resource (audience ${verified.claims.aud}).`);
    }
    const workspace = s[2]!;
    const known = this.opts.workspaceIds;
    if (known ? !known.some((w) => w.toLowerCase() === workspace.toLowerCase()) : !/^[0-9a-f-]{36}$/i.test(workspace)) {
      return laError(404, 'WorkspaceNotFoundError', `The workspace could not be found: ${workspace}`);
    }
    const body = req.body as { query?: unknown; timespan?: unknown } | undefined;
    if (typeof body?.query !== 'string') return laError(400, 'BadArgumentError', "The request had some invalid properties: 'query' is required.");
    this.stats.queries++;
    this.seen++;
    if (this.opts.throttleEvery && this.seen % this.opts.throttleEvery === 0) {
      this.stats.throttled++;
      return laError(429, 'ThrottledError', 'Too many requests. Please retry later.', { 'retry-after': String(this.opts.retryAfterSeconds ?? 1) });
    }
    const tag = parseKqlTag(body.query);
    if (!tag || renderKql(tag.name, tag.params, tag.partition ? { partition: tag.partition } : {}) !== body.query) {
      return laError(400, 'BadArgumentError', 'The mfaguard emulator cannot run KQL: it answers only mfaguard\'s own queries, unchanged.');
    }
    if (this.opts.partialErrorFor?.includes(tag.name)) {
      return { status: 200, headers: { 'content-type': JSON_PLAIN }, body: { tables: [], error: { code: 'PartialError', message: 'There were some errors when processing your query.', details: [{ code: 'EngineError', message: 'Partial query failure: a storage shard did not respond (emulated).' }] } } };
    }
    if (tag.partition) this.stats.partitions.push(`${tag.name}:${tag.partition.index}/${tag.partition.count}`);
    const params = withTimespan(tag.params, typeof body.timespan === 'string' ? body.timespan : undefined);
    const part = definition(tag.name, params);
    const cols = outputColumns(part);
    const conn = await this.connection();
    const reader = await conn.runAndReadAll(renderSql(part, tag.partition ? { partition: tag.partition } : {}));
    let rows = reader.getRowsJS().map((row) => cols.map((c, i) => cell(c.kind, row[i])));
    const maxRows = this.opts.maxRows ?? 500_000;
    const truncated = rows.length > maxRows;
    if (truncated) {
      this.stats.truncated++;
      rows = rows.slice(0, maxRows);
    }
    const table = { name: 'PrimaryResult', columns: cols.map((c) => ({ name: c.name, type: KQL_TYPE[c.kind] })), rows };
    return {
      status: 200,
      headers: { 'content-type': JSON_PLAIN },
      body: truncated
        ? { tables: [table], error: { code: 'PartialError', message: 'There were some errors when processing your query.', details: [{ code: 'EngineError', message: `Query result set has exceeded the internal record count limit ${maxRows} records (E_QUERY_RESULT_SET_TOO_LARGE).` }] } }
        : { tables: [table] },
    };
  }
}

/** A result cell as Log Analytics sends it: datetimes as ISO text, no null strings (empty instead). */
function cell(kind: ColKind, v: unknown): unknown {
  // dynamic values travel as JSON text (the SDK parses them); an aggregate over no rows is an empty list. A firstN
  // list in KQL holds sortable `<key>|<value>` texts (kql.ts); the SQL rendering gives the values: the key left empty
  if (kind === 'timeList' || kind === 'textList') return JSON.stringify(Array.isArray(v) ? v.map((e) => `|${String(e)}`) : []);
  if (v === null || v === undefined) return kind === 'text' ? '' : null;
  if (kind === 'time') return new Date(Number(v)).toISOString();
  if (kind === 'number') return Number(v);
  return v;
}

/** The request's `timespan` (ISO 8601 interval `start/end`) narrows the query like the service does. */
function withTimespan(p: AnalysisParams, timespan: string | undefined): AnalysisParams {
  const m = timespan ? /^([^/]+)\/([^/]+)$/.exec(timespan) : null;
  if (!m) return p;
  const start = Date.parse(m[1]!);
  const end = Date.parse(m[2]!);
  const out = { ...p };
  const since = p.since === undefined ? -Infinity : Date.parse(p.since);
  const asOf = p.asOf === undefined ? Infinity : Date.parse(p.asOf);
  // an unparseable bound already matches nothing; keep it
  if (!Number.isNaN(start) && !Number.isNaN(since) && start > since) out.since = new Date(start).toISOString();
  if (!Number.isNaN(end) && !Number.isNaN(asOf) && end < asOf) out.asOf = new Date(end).toISOString();
  return out;
}

