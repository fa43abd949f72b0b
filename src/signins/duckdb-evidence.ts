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
import { enumOutputs, factsSource, renderSql, renderSqlRollup, SIGNINS_SOURCE, type SqlOptions } from './sql.js';
import { factsTableOf, hasCurrentFacts } from './facts.js';

/** ENUM type → its values in code order, fetched once per evidence (a facts table's ENUMs do not change under it). */
type Dictionaries = Map<string, Promise<string[]>>;

/** An output column; `enumType` when its values travel as ENUM codes (enumOutputs) and are looked up here. */
interface OutColumn {
  name: string;
  kind: ColKind;
  enumType?: string | undefined;
}

/**
 * Runs one part's SQL on a connection and decodes the rows. DuckDB packs the result into one JSON text
 * (a row = a JSON array, in outputColumns order) that JSON.parse reads: converting values one by one
 * through the client's row API cost 2–4× more than the query itself for the per-user parts (100k+
 * rows). Results are aggregates (per user, app, ...), so the text grows with the tenant, not the log.
 * Over the facts table, ids and names travel as ENUM codes and are looked up in the ENUM's values
 * (fetched once): a third of the text, and one string per distinct user instead of one per row.
 * The finishing functions do not depend on row order (group order is decided by first appearance).
 */
async function runSqlPart(conn: DuckDBConnection, dicts: Dictionaries, name: AnalysisName, params: AnalysisParams, opts: SqlOptions): Promise<ResultRow[]> {
  const part = definition(name, cleanParams(params));
  const enums = enumOutputs(part, opts.source ?? SIGNINS_SOURCE);
  return readPacked(conn, dicts, renderSql(part, opts), outputColumns(part).map((c) => ({ ...c, enumType: enums.get(c.name) })));
}

function dictionary(conn: DuckDBConnection, dicts: Dictionaries, type: string): Promise<string[]> {
  let d = dicts.get(type);
  if (!d) {
    d = conn.runAndReadAll(`SELECT to_json(enum_range(NULL::${type}))::VARCHAR`).then((r) => JSON.parse(String(r.getRowsJS()[0]![0])) as string[]);
    dicts.set(type, d);
  }
  return d;
}

/** Runs `sql` and decodes its rows (columns `cols`, by name) from one DuckDB-built JSON text. */
async function readPacked(conn: DuckDBConnection, dicts: Dictionaries, sql: string, cols: readonly OutColumn[]): Promise<ResultRow[]> {
  const values: (string[] | undefined)[] = [];
  for (const c of cols) values.push(c.enumType ? await dictionary(conn, dicts, c.enumType) : undefined); // one query at a time on a connection
  const packed = `SELECT string_agg(json_array(${cols.map((c) => (c.enumType ? `enum_code(q."${c.name}")` : `q."${c.name}"`)).join(', ')})::VARCHAR, ',') FROM (${sql}) q`;
  const text = (await conn.runAndReadAll(packed)).getRowsJS()[0]?.[0];
  const rows = typeof text === 'string' && text ? (JSON.parse(`[${text}]`) as unknown[][]) : [];
  return rows.map((row) => {
    const r: ResultRow = {};
    cols.forEach((c, i) => {
      const v = row[i];
      const dict = values[i];
      // lists (firstN) arrive as the values themselves, oldest first
      r[c.name] = dict ? (v === null ? null : dict[v as number]!) : c.kind === 'timeList' || c.kind === 'textList' ? (Array.isArray(v) ? (v as (string | number)[]) : []) : decodeCell(c.kind, v, false);
    });
    return r;
  });
}

/** Several pivots under the same filters from one pre-aggregation (renderSqlRollup); rows per pivot, in order. */
async function runSqlPivots(conn: DuckDBConnection, dicts: Dictionaries, by: readonly PivotDimension[], params: AnalysisParams, opts: SqlOptions): Promise<ResultRow[][]> {
  const parts = by.map((d) => definition('pivot', cleanParams({ ...params, by: d })) as AggregatePart);
  const cols = new Map<string, OutColumn>();
  const src = opts.source ?? SIGNINS_SOURCE;
  for (const p of parts) {
    const enums = enumOutputs(p, src);
    for (const c of outputColumns(p)) cols.set(c.name, { ...c, enumType: enums.get(c.name) });
  }
  cols.set('mfaguard_set', { name: 'mfaguard_set', kind: 'number' });
  const rows = await readPacked(conn, dicts, renderSqlRollup(parts, opts), [...cols.values()]);
  const out: ResultRow[][] = parts.map(() => []);
  for (const r of rows) out[Number(r.mfaguard_set)]!.push(r);
  return out;
}

export interface DuckDbEvidenceOptions {
  /** The collected window (`signInsWindow`), when known; else the first and last sign-in. */
  window?: { from?: string; to?: string };
  /** Table name (default `signins`). */
  table?: string;
  /**
   * Read the facts table built from it (facts.ts) instead of the sign-ins table; `open` and
   * `DuckDbSignInEvidence.over` use it whenever it is current.
   */
  facts?: boolean;
}

export class DuckDbSignInEvidence extends PartEvidence {
  constructor(private readonly conn: DuckDBConnection, private readonly opts: DuckDbEvidenceOptions = {}) {
    super(opts.window);
  }

  /** Evidence over a connection's sign-ins table, from its facts table when that is current. */
  static async over(conn: DuckDBConnection, opts: DuckDbEvidenceOptions = {}): Promise<DuckDbSignInEvidence> {
    const table = opts.table ?? SIGNINS_SOURCE.table;
    const facts = opts.facts ?? (await hasCurrentFacts(conn, table, factsTableOf(table)));
    return new DuckDbSignInEvidence(conn, { ...opts, facts });
  }

  /** Opens a database file (read-only) and answers from its `signins` table (or its facts). */
  static async open(path: string, opts: DuckDbEvidenceOptions = {}): Promise<{ evidence: DuckDbSignInEvidence; close: () => void }> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
    const conn = await instance.connect();
    return {
      evidence: await DuckDbSignInEvidence.over(conn, opts),
      close: () => {
        conn.closeSync();
        instance.closeSync();
      },
    };
  }

  private readonly dictionaries: Dictionaries = new Map();

  /** The last query on the connection: the next one starts after it settles. */
  private queue: Promise<unknown> = Promise.resolve();

  protected run(name: AnalysisName, params: AnalysisParams): Promise<ResultRow[]> {
    return this.serial(() => runSqlPart(this.conn, this.dictionaries, name, params, this.sqlOptions()));
  }

  override async pivots(by: readonly PivotDimension[], q: EvidenceQuery & WorkbookFilters & { limit?: number } = {}): Promise<PivotResult[]> {
    const distinct = [...new Set(by)];
    const rows = await this.serial(() => runSqlPivots(this.conn, this.dictionaries, distinct, q, this.sqlOptions()));
    return by.map((d) => finishPivotResult(d, rows[distinct.indexOf(d)]!));
  }

  /** Whether the answers come from the facts table (facts.ts) rather than the sign-ins table itself. */
  get fromFacts(): boolean {
    return this.opts.facts === true;
  }

  private sqlOptions(): SqlOptions {
    const table = this.opts.table ?? SIGNINS_SOURCE.table;
    return this.opts.facts ? { source: factsSource(factsTableOf(table)) } : { source: SIGNINS_SOURCE, table };
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
