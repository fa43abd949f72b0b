/**
 * The sign-in evidence port over a DuckDB database with a `signins` table (SIGN_IN_COLUMNS): every
 * analysis runs as the SQL rendering of its definition (analyses.ts → sql.ts) and only the aggregate
 * rows reach JavaScript, never the sign-ins themselves.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { SIGN_IN_COLUMNS, type SignInRow } from '../evidence/row.js';
import type { PivotDimension, PivotResult, EvidenceQuery, WorkbookFilters } from '../evidence/types.js';
import { type AggregatePart, type AnalysisName, type AnalysisParams, finishPivotResult, type ColKind, decodeCell, definition, outputColumns, type ResultRow } from './analyses.js';
import { cleanParams, PartEvidence } from './evidence-base.js';
import { renderSql, renderSqlRollup, type SqlOptions } from './sql.js';

/**
 * Runs one part's SQL on a connection and decodes the rows. DuckDB packs the result into one JSON text
 * (a row = a JSON array, in outputColumns order) that JSON.parse reads: converting values one by one
 * through the client's row API cost 2–4× more than the query itself for the per-user parts (100k+
 * rows). Results are aggregates (per user, app, ...), so the text grows with the tenant, not the log.
 * The finishing functions do not depend on row order (group order is decided by first appearance).
 */
export async function runSqlPart(conn: DuckDBConnection, name: AnalysisName, params: AnalysisParams, opts: SqlOptions = {}): Promise<ResultRow[]> {
  const part = definition(name, cleanParams(params));
  return readPacked(conn, renderSql(part, opts), outputColumns(part));
}

/** Runs `sql` and decodes its rows (columns `cols`, by name) from one DuckDB-built JSON text. */
async function readPacked(conn: DuckDBConnection, sql: string, cols: { name: string; kind: ColKind }[]): Promise<ResultRow[]> {
  const packed = `SELECT string_agg(json_array(${cols.map((c) => `q."${c.name}"`).join(', ')})::VARCHAR, ',') FROM (${sql}) q`;
  const text = (await conn.runAndReadAll(packed)).getRowsJS()[0]?.[0];
  const rows = typeof text === 'string' && text ? (JSON.parse(`[${text}]`) as unknown[][]) : [];
  return rows.map((row) => {
    const r: ResultRow = {};
    cols.forEach((c, i) => (r[c.name] = decodeCell(c.kind, row[i], false)));
    return r;
  });
}

/** Several pivots under the same filters from one pre-aggregation (renderSqlRollup); rows per pivot, in order. */
export async function runSqlPivots(conn: DuckDBConnection, by: readonly PivotDimension[], params: AnalysisParams, opts: SqlOptions = {}): Promise<ResultRow[][]> {
  const parts = by.map((d) => definition('pivot', cleanParams({ ...params, by: d })) as AggregatePart);
  const cols = new Map<string, ColKind>();
  for (const p of parts) for (const c of outputColumns(p)) cols.set(c.name, c.kind);
  cols.set('mfaguard_set', 'number');
  const rows = await readPacked(conn, renderSqlRollup(parts, opts), [...cols].map(([name, kind]) => ({ name, kind })));
  const out: ResultRow[][] = parts.map(() => []);
  for (const r of rows) out[Number(r.mfaguard_set)]!.push(r);
  return out;
}

export interface DuckDbEvidenceOptions {
  /** The collected window (`signInsWindow`), when known; else the first and last sign-in. */
  window?: { from?: string; to?: string };
  /** Table name (default `signins`). */
  table?: string;
}

export class DuckDbSignInEvidence extends PartEvidence {
  constructor(private readonly conn: DuckDBConnection, private readonly opts: DuckDbEvidenceOptions = {}) {
    super(opts.window);
  }

  /** Opens a database file (read-only) and answers from its `signins` table. */
  static async open(path: string, opts: DuckDbEvidenceOptions = {}): Promise<{ evidence: DuckDbSignInEvidence; close: () => void }> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
    const conn = await instance.connect();
    return {
      evidence: new DuckDbSignInEvidence(conn, opts),
      close: () => {
        conn.closeSync();
        instance.closeSync();
      },
    };
  }

  /** The last query on the connection: the next one starts after it settles. */
  private queue: Promise<unknown> = Promise.resolve();

  protected run(name: AnalysisName, params: AnalysisParams): Promise<ResultRow[]> {
    return this.serial(() => runSqlPart(this.conn, name, params, this.sqlOptions()));
  }

  override async pivots(by: readonly PivotDimension[], q: EvidenceQuery & WorkbookFilters & { limit?: number } = {}): Promise<PivotResult[]> {
    const distinct = [...new Set(by)];
    const rows = await this.serial(() => runSqlPivots(this.conn, distinct, q, this.sqlOptions()));
    return by.map((d) => finishPivotResult(d, rows[distinct.indexOf(d)]!));
  }

  private sqlOptions(): SqlOptions {
    return this.opts.table ? { table: this.opts.table } : {};
  }

  /**
   * One connection runs one streaming query at a time: a second stream started while the first is
   * still being read ends the first one early (it yields no more rows, silently). Rules await
   * several analyses at once (Promise.all), so queries queue here.
   */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** `CREATE TABLE signins (…)` from SIGN_IN_COLUMNS: the one definition the store, the tests and the emulator create. */
export function createSignInsTableSql(table = 'signins', opts: { ifNotExists?: boolean } = {}): string {
  const cols = SIGN_IN_COLUMNS.map(([, col, type]) => `${col} ${type}${col === 'id' ? ' NOT NULL' : ''}`).join(', ');
  return `CREATE TABLE ${opts.ifNotExists ? 'IF NOT EXISTS ' : ''}${table} (${cols})`;
}

/** Appends rows to a `signins` table through DuckDB's appender (tests, the emulator). */
export async function appendSignInRows(conn: DuckDBConnection, rows: Iterable<SignInRow>, table = 'signins'): Promise<void> {
  const { DuckDBTimestampTZValue } = await import('@duckdb/node-api');
  const appender = await conn.createAppender(table);
  for (const row of rows) {
    for (const [key, , type] of SIGN_IN_COLUMNS) {
      const v = row[key];
      if (v === null || v === undefined) appender.appendNull();
      else if (type === 'TIMESTAMPTZ') appender.appendTimestampTZ(new DuckDBTimestampTZValue(BigInt(Date.parse(String(v))) * 1000n));
      else if (type === 'INTEGER') appender.appendInteger(Number(v));
      else if (type === 'BOOLEAN') appender.appendBoolean(v === true);
      else appender.appendVarchar(String(v));
    }
    appender.endRow();
  }
  appender.closeSync();
}
