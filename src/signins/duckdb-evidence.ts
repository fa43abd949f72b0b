/**
 * The sign-in evidence port over a DuckDB database with a `signins` table (SIGN_IN_COLUMNS): every
 * analysis runs as the SQL rendering of its definition (analyses.ts → sql.ts) and only the aggregate
 * rows reach JavaScript, never the sign-ins themselves.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { SIGN_IN_COLUMNS, type SignInRow } from '../evidence/row.js';
import type { PivotDimension, PivotResult, EvidenceQuery, WorkbookFilters } from '../evidence/types.js';
import { type AggregatePart, type AnalysisName, type AnalysisParams, finishPivotResult, type ColKind, decodeCell, definition, outputColumns, type Part, type ResultRow } from './analyses.js';
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
 * How a part's rows travel: DuckDB packs the result into one JSON text (a row = a JSON array, in
 * outputColumns order) that JSON.parse reads: converting values one by one through the client's row
 * API cost 2–4× more than the query itself for the per-user parts (100k+ rows). Results are aggregates
 * (per user, app, ...), so the text grows with the tenant, not the log. Over the facts table, ids and
 * names travel as ENUM codes and are looked up in the ENUM's values (fetched once): a third of the
 * text, and one string per distinct user instead of one per row.
 */
function packedSql(sql: string, cols: readonly OutColumn[]): string {
  return `SELECT string_agg(json_array(${cols.map((c) => (c.enumType ? `enum_code(q."${c.name}")` : `q."${c.name}"`)).join(', ')})::VARCHAR, ',') FROM (${sql}) q`;
}

/** Decodes a packed text (packedSql) into rows; `dicts[i]` holds column i's ENUM values when it travelled as codes. */
function unpack(text: unknown, cols: readonly OutColumn[], dicts: readonly (string[] | undefined)[]): ResultRow[] {
  const rows = typeof text === 'string' && text ? (JSON.parse(`[${text}]`) as unknown[][]) : [];
  const out: ResultRow[] = new Array(rows.length);
  for (let j = 0; j < rows.length; j++) {
    const row = rows[j]!;
    const r: ResultRow = {};
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i]!;
      const v = row[i];
      const dict = dicts[i];
      // lists (firstN, firstDistinct) arrive as the values themselves, oldest first
      r[c.name] = dict ? (v === null ? null : dict[v as number]!) : c.kind === 'timeList' || c.kind === 'textList' ? (Array.isArray(v) ? (v as (string | number)[]) : []) : decodeCell(c.kind, v, false);
    }
    out[j] = r;
  }
  return out;
}

/** A part's output columns, those that are ENUMs of the source marked (they travel as codes). */
function columnsOf(part: Part, src: SqlOptions['source']): OutColumn[] {
  const enums = enumOutputs(part, src ?? SIGNINS_SOURCE);
  return outputColumns(part).map((c) => ({ ...c, enumType: enums.get(c.name) }));
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

  /**
   * Parts may be asked for at once: only the queries queue on the connection (serial), so one part's
   * JSON is parsed and finished while DuckDB computes the next (a scan's rules ask concurrently).
   */
  protected override readonly parallel: boolean = true;

  protected run(name: AnalysisName, params: AnalysisParams): Promise<ResultRow[]> {
    const opts = this.sqlOptions();
    const part = definition(name, cleanParams(params));
    return this.read(renderSql(part, opts), columnsOf(part, opts.source));
  }

  /** Several pivots under the same filters from one statement (renderSqlRollup); rows per pivot, in order. */
  override async pivots(by: readonly PivotDimension[], q: EvidenceQuery & WorkbookFilters & { limit?: number } = {}): Promise<PivotResult[]> {
    const distinct = [...new Set(by)];
    const opts = this.sqlOptions();
    const parts = distinct.map((d) => definition('pivot', cleanParams({ ...q, by: d })) as AggregatePart);
    const cols = new Map<string, OutColumn>();
    for (const p of parts) for (const c of columnsOf(p, opts.source)) cols.set(c.name, c);
    cols.set('mfaguard_set', { name: 'mfaguard_set', kind: 'number' });
    const rows = await this.read(renderSqlRollup(parts, opts), [...cols.values()]);
    const each: ResultRow[][] = parts.map(() => []);
    for (const r of rows) each[Number(r.mfaguard_set)]!.push(r);
    return by.map((d) => finishPivotResult(d, each[distinct.indexOf(d)]!));
  }

  /** Runs `sql` (queued) and decodes its rows. */
  private async read(sql: string, cols: readonly OutColumn[]): Promise<ResultRow[]> {
    const dicts = await Promise.all(cols.map((c) => (c.enumType ? this.dictionary(c.enumType) : undefined)));
    return unpack(await this.firstCell(packedSql(sql, cols)), cols, dicts);
  }

  /** An ENUM's values in code order, fetched once (the facts' ENUMs do not change under an evidence). */
  private dictionary(type: string): Promise<string[]> {
    let d = this.dictionaries.get(type);
    if (!d) {
      d = this.firstCell(`SELECT to_json(enum_range(NULL::${type}))::VARCHAR`).then((v) => JSON.parse(String(v)) as string[]);
      this.dictionaries.set(type, d);
    }
    return d;
  }

  /** The first cell of a query's result, the query run alone on the connection. */
  private firstCell(sql: string): Promise<unknown> {
    return this.serial(async () => (await this.conn.runAndReadAll(sql)).getRowsJS()[0]?.[0]);
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
