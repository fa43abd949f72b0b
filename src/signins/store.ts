/**
 * The sign-in store: an embedded DuckDB database file holding the `signins` table (exactly
 * SIGN_IN_COLUMNS, src/evidence/row.ts) that the analyses query, plus two small tables of our own:
 * `signins_meta` (key/value: the declared window) and `signins_sources` (every input imported, with its
 * fingerprint and row counts, so importing the same file again is a no-op) — and the facts table the
 * analyses read (facts.ts), rebuilt from `signins` at the end of every import.
 *
 * Imports are all-or-nothing: the database is built in a temporary file beside the target (a copy of
 * the existing one, if any) and renamed over it only when every input was read and merged, so a bad
 * input, a crash or Ctrl-C leaves the previous database as it was.
 *
 * The same sign-in (same `id`) counts once, whichever inputs carry it: of its copies the row with the
 * most fields filled is kept (a Graph beta object says more than the admin center's CSV of the same
 * sign-in: authentication protocol, applied policies, trusted location), and among equally complete
 * copies the first seen (the stored one, then inputs in the order given, then by line) — so the result
 * does not depend on how often or in which order the files are imported, except for exact ties.
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DuckDBInstance, DuckDBTimestampTZValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../errors.js';
import { SIGN_IN_COLUMNS, type SignInRow } from '../evidence/row.js';
import type { EvidenceWindow } from '../evidence/types.js';
import { createSignInsTableSql } from './duckdb-evidence.js';
import { buildSignInFacts } from './facts.js';
import { fastPathEligible, insertFastPath } from './fast-ndjson.js';
import { readSignInFile, type SignInFileFormat } from './read.js';
import { pathExists } from '../fs.js';

export const SIGNINS_TABLE = 'signins';
/** DuckDB's memory during an import or analyses (the process stays under 4 GiB at 10M rows; more spills to disk). */
const IMPORT_MEMORY_LIMIT = '2GB';
const NULLABLE = SIGN_IN_COLUMNS.filter(([k]) => !['id', 'createdDateTime', 'eventType', 'appId', 'errorCode', 'trustedLocation'].includes(k)).map(([, c]) => c);
/** How complete a row is: the number of optional fields it has (the dedup keeps the most complete copy). */
const RICHNESS = NULLABLE.map((c) => `(${c} IS NOT NULL)::INTEGER`).join(' + ') + ' + trusted_location::INTEGER';

/** The default store of a snapshot: `<snapshot>.signins.duckdb` beside it (a directory snapshot: beside the directory). */
export function defaultStorePath(snapshotPath: string): string {
  const abs = resolve(snapshotPath).replace(/[\\/]+$/, '');
  return join(dirname(abs), `${basename(abs).replace(/\.json(\.gz)?$/i, '')}.signins.duckdb`);
}

/** One input of an import: a file, or rows already in memory (a snapshot's own `signIns`). */
export type ImportInput =
  | { path: string; name?: string }
  | { rows: Iterable<SignInRow>; name: string; fingerprint: string };

export interface ImportedSource {
  name: string;
  format: SignInFileFormat | 'empty' | 'snapshot';
  /** Rows read from the input (repeats included). */
  rows: number;
  /** True when the same input was imported before: nothing read. */
  skipped: boolean;
}

export interface ImportResult {
  database: string;
  sources: ImportedSource[];
  /** Rows read by this import, and rows the table gained (new sign-ins; a repeat or a known id adds none). */
  rowsRead: number;
  rowsAdded: number;
  /** Rows in the table after the import. */
  totalRows: number;
  window: EvidenceWindow | undefined;
}

export interface ImportProgress {
  source: string;
  rows: number;
  elapsedMs: number;
  phase?: 'facts';
}

export interface ImportOptions {
  /** The time range the sign-ins cover, when known (a snapshot's `signInsWindow`); kept, widened by later imports. */
  window?: { from?: string | undefined; to?: string | undefined } | undefined;
  /**
   * Called every ~`progressEvery` rows and at the end of each input; then once with `phase: 'facts'`
   * (`rows`: the sign-ins in the table) before the analyses' facts table is rebuilt (~15 s at 10M).
   */
  onProgress?: (p: ImportProgress) => void;
  progressEvery?: number;
  /** Read every file with the JavaScript reader (tests compare it with DuckDB's fast path). */
  readerOnly?: boolean;
  /** Called with the temporary database path while it exists (the CLI removes it on Ctrl-C). */
  onTemporary?: (path: string | undefined) => void;
}

/** Size plus SHA-256 of the first and last MiB: recognises a file imported before without reading it all (the id dedup makes a false "new" harmless). */
export async function fingerprint(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const hash = createHash('sha256').update(String(size));
    const span = Math.min(size, 1 << 20);
    const head = Buffer.alloc(span);
    await fh.read(head, 0, span, 0);
    hash.update(head);
    if (size > span) {
      const tail = Buffer.alloc(span);
      await fh.read(tail, 0, span, size - span);
      hash.update(tail);
    }
    return `${size}:${hash.digest('hex')}`;
  } finally {
    await fh.close();
  }
}

/** Opens (creating if needed) a DuckDB file with the store's tables; extensions stay offline. */
async function connect(path: string): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  // memory_limit: DuckDB's default is 80% of RAM; an import must stay well inside the 4 GiB budget (it spills to `<db>.tmp/`)
  const instance = await DuckDBInstance.create(path, { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false', memory_limit: IMPORT_MEMORY_LIMIT });
  const conn = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  return { instance, conn };
}

async function createTables(conn: DuckDBConnection): Promise<void> {
  await conn.run(createSignInsTableSql(SIGNINS_TABLE, { ifNotExists: true }));
  await conn.run('CREATE TABLE IF NOT EXISTS signins_meta (key VARCHAR PRIMARY KEY, value VARCHAR)');
  // rows: read from the source; import_added: rows the whole import (all its sources together) added
  await conn.run('CREATE TABLE IF NOT EXISTS signins_sources (name VARCHAR, fingerprint VARCHAR, format VARCHAR, rows BIGINT, import_added BIGINT, imported_at TIMESTAMPTZ)');
}

function appendRow(app: DuckDBAppender, r: SignInRow): void {
  const s = (v: string | null) => (v === null ? app.appendNull() : app.appendVarchar(v));
  app.appendVarchar(r.id);
  app.appendTimestampTZ(new DuckDBTimestampTZValue(BigInt(Date.parse(r.createdDateTime)) * 1000n));
  app.appendVarchar(r.eventType);
  s(r.userId);
  s(r.userPrincipalName);
  s(r.userDisplayName);
  app.appendVarchar(r.appId);
  s(r.appDisplayName);
  s(r.resourceId);
  s(r.resourceDisplayName);
  app.appendInteger(r.errorCode);
  s(r.authenticationRequirement);
  s(r.authenticationProtocol);
  s(r.clientAppUsed);
  s(r.userAgent);
  s(r.ipAddress);
  s(r.countryOrRegion);
  s(r.operatingSystem);
  s(r.homeTenantId);
  s(r.resourceTenantId);
  s(r.conditionalAccessStatus);
  app.appendBoolean(r.trustedLocation);
  s(r.appliedPolicies);
  app.endRow();
}

/** Whether process `pid` is running (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temporaries of imports that were killed (SIGKILL, power loss: nothing could remove them) are removed by the next import. */
async function removeStaleTemporaries(target: string): Promise<void> {
  const name = basename(target);
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.tmp-(\\d+)-[0-9a-f]{8}(\\.wal|\\.tmp)?$`);
  let entries: string[];
  try {
    entries = await readdir(dirname(target));
  } catch {
    return;
  }
  for (const e of entries) {
    const m = pattern.exec(e);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) await rm(join(dirname(target), e), { force: true, recursive: true });
  }
}

/**
 * Imports sign-in inputs into the store at `database` (created if missing). All or nothing: on any
 * error the temporary database is removed and `database` is untouched.
 */
export async function importSignIns(database: string, inputs: readonly ImportInput[], opts: ImportOptions = {}): Promise<ImportResult> {
  const target = resolve(database);
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const removeTmp = async () => {
    await rm(tmp, { force: true });
    await rm(`${tmp}.wal`, { force: true });
    await rm(`${tmp}.tmp`, { force: true, recursive: true }); // DuckDB's spill directory
    opts.onTemporary?.(undefined);
  };
  opts.onTemporary?.(tmp);
  let db: Awaited<ReturnType<typeof connect>> | undefined;
  try {
    await removeStaleTemporaries(target);
    if (await pathExists(target)) {
      await copyFile(target, tmp);
      if (await pathExists(`${target}.wal`)) await copyFile(`${target}.wal`, `${tmp}.wal`);
    }
    try {
      db = await connect(tmp);
    } catch (err) {
      throw new InputError(`not a sign-in database DuckDB can open (${(err as Error).message})`, database);
    }
    const { conn } = db;
    await createTables(conn);
    const known = new Map((await (await conn.runAndReadAll('SELECT fingerprint, format FROM signins_sources')).getRowsJS()).map((r) => [String(r[0]), String(r[1])] as const));
    const count = async () => Number((await (await conn.runAndReadAll(`SELECT count(*) FROM ${SIGNINS_TABLE}`)).getRowsJS())[0]![0]);
    const nextRowid = async () => Number((await (await conn.runAndReadAll(`SELECT coalesce(max(rowid) + 1, 0) FROM ${SIGNINS_TABLE}`)).getRowsJS())[0]![0]);
    const before = await count();
    const sources: (ImportedSource & { fingerprint: string })[] = [];
    const every = opts.progressEvery ?? 100_000;
    const started = Date.now();
    for (const input of inputs) {
      const name = input.name ?? ('path' in input ? input.path : 'rows');
      const fp = 'path' in input ? await fingerprint(input.path).catch((err: NodeJS.ErrnoException) => {
        throw new InputError(`cannot read the sign-in file (${err.code ?? err.message})`, name);
      }) : input.fingerprint;
      const seen = known.get(fp) ?? sources.find((s) => s.fingerprint === fp)?.format;
      if (seen !== undefined) {
        sources.push({ name, format: seen as ImportedSource['format'], rows: 0, skipped: true, fingerprint: fp });
        continue;
      }
      const mark = await nextRowid();
      if ('path' in input && !opts.readerOnly) {
        const eligible = await fastPathEligible(input.path);
        if (eligible) {
          const fast = await insertFastPath(conn, SIGNINS_TABLE, input.path, eligible.gzip, mark);
          if (fast.ok) {
            opts.onProgress?.({ source: name, rows: fast.rows, elapsedMs: Date.now() - started });
            sources.push({ name, format: 'graph-json', rows: fast.rows, skipped: false, fingerprint: fp });
            continue;
          }
          // the reader decides: it loads what DuckDB would not, or names the bad line
          await conn.run(`DELETE FROM ${SIGNINS_TABLE} WHERE rowid >= ${mark}`);
        }
      }
      const app = await conn.createAppender(SIGNINS_TABLE);
      let rows = 0;
      const onRow = (row: SignInRow) => {
        appendRow(app, row);
        if (++rows % every === 0) opts.onProgress?.({ source: name, rows, elapsedMs: Date.now() - started });
      };
      let format: ImportedSource['format'] = 'snapshot';
      try {
        if ('path' in input) format = (await readSignInFile(input.path, onRow, name)).format;
        else for (const row of input.rows) onRow(row);
        app.flushSync();
      } finally {
        app.closeSync();
      }
      opts.onProgress?.({ source: name, rows, elapsedMs: Date.now() - started });
      sources.push({ name, format, rows, skipped: false, fingerprint: fp });
    }
    await dedup(conn);
    const total = await count();
    opts.onProgress?.({ source: database, rows: total, elapsedMs: Date.now() - started, phase: 'facts' });
    await buildSignInFacts(conn, SIGNINS_TABLE);
    const rowsAdded = total - before;
    const now = new Date().toISOString();
    for (const s of sources) {
      if (s.skipped) continue;
      await conn.run('INSERT INTO signins_sources VALUES ($1, $2, $3, $4, $5, $6::TIMESTAMPTZ)', [s.name, s.fingerprint, s.format, s.rows, rowsAdded, now]);
    }
    if (opts.window?.from || opts.window?.to) await widenWindow(conn, opts.window);
    await conn.run('CHECKPOINT');
    const window = await storeWindow(conn);
    conn.closeSync();
    db.instance.closeSync();
    db = undefined;
    await rm(`${target}.wal`, { force: true }); // a stale log of the old file must not replay into the new one
    await rename(tmp, target);
    opts.onTemporary?.(undefined);
    const rowsRead = sources.reduce((n, s) => n + s.rows, 0);
    return { database: target, sources: sources.map(({ fingerprint: _f, ...s }) => s), rowsRead, rowsAdded, totalRows: total, window };
  } catch (err) {
    if (db) {
      try {
        db.conn.closeSync();
        db.instance.closeSync();
      } catch {
        /* closing after a failure: the file is removed anyway */
      }
    }
    await removeTmp();
    throw err;
  }
}

/**
 * One row per id. Rows are appended in the order they are read (stored rows first, then the inputs in
 * the order given, each in file order), so `rowid` is "first seen"; of the copies of a repeated id the
 * most complete is kept, then the first seen. Only repeated ids are ranked: the bulk is untouched.
 */
async function dedup(conn: DuckDBConnection): Promise<void> {
  // grouping on the 64-bit hash is cheaper than on the text; a hash collision only adds a candidate, the ids decide
  await conn.run(`CREATE TEMP TABLE repeated AS SELECT id FROM ${SIGNINS_TABLE}
    WHERE hash(id) IN (SELECT hash(id) FROM ${SIGNINS_TABLE} GROUP BY 1 HAVING count(*) > 1) GROUP BY id HAVING count(*) > 1`);
  await conn.run(`DELETE FROM ${SIGNINS_TABLE} WHERE rowid IN (
    SELECT rowid FROM (
      SELECT rowid, row_number() OVER (PARTITION BY id ORDER BY ${RICHNESS} DESC, rowid) AS rn FROM ${SIGNINS_TABLE} SEMI JOIN repeated USING (id))
    WHERE rn > 1)`);
  await conn.run('DROP TABLE repeated');
}

async function widenWindow(conn: DuckDBConnection, w: { from?: string | undefined; to?: string | undefined }): Promise<void> {
  const rows = (await (await conn.runAndReadAll("SELECT key, value FROM signins_meta WHERE key IN ('window_from', 'window_to')")).getRowsJS()) as [string, string][];
  const current = new Map(rows);
  const set = async (key: string, value: string | undefined, wider: (a: number, b: number) => boolean) => {
    if (!value || Number.isNaN(Date.parse(value))) return;
    const old = current.get(key);
    if (old && !wider(Date.parse(value), Date.parse(old))) return;
    await conn.run('INSERT OR REPLACE INTO signins_meta VALUES ($1, $2)', [key, new Date(Date.parse(value)).toISOString()]);
  };
  await set('window_from', w.from, (a, b) => a < b);
  await set('window_to', w.to, (a, b) => a > b);
}

/** The declared window (`signInsWindow` of imported snapshots), else the first and last sign-in. */
async function storeWindow(conn: DuckDBConnection): Promise<EvidenceWindow | undefined> {
  const meta = new Map((await (await conn.runAndReadAll("SELECT key, value FROM signins_meta WHERE key IN ('window_from', 'window_to')")).getRowsJS()) as [string, string][]);
  const [[min, max]] = (await (await conn.runAndReadAll(`SELECT epoch_ms(min(created_at)), epoch_ms(max(created_at)) FROM ${SIGNINS_TABLE}`)).getRowsJS()) as [[bigint | null, bigint | null]];
  const from = meta.get('window_from') ?? (min === null ? undefined : new Date(Number(min)).toISOString());
  const to = meta.get('window_to') ?? (max === null ? undefined : new Date(Number(max)).toISOString());
  return from && to ? { from, to } : undefined;
}

/** A store opened for reading (evidence, counts); `close` when done. */
export class SignInStore {
  private constructor(private readonly instance: DuckDBInstance, readonly connection: DuckDBConnection, readonly path: string) {}

  static async open(path: string): Promise<SignInStore> {
    if (!(await pathExists(path))) throw new InputError('sign-in database not found (create it with "mfaguard signins import")', path);
    let db;
    try {
      // analyses stay inside the same budget as imports (DuckDB's default is 80% of RAM); a large pivot spills instead
      const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false', memory_limit: IMPORT_MEMORY_LIMIT });
      const conn = await instance.connect();
      await conn.run("SET TimeZone = 'UTC'");
      db = { instance, conn };
    } catch (err) {
      throw new InputError(`not a sign-in database DuckDB can open (${(err as Error).message})`, path);
    }
    const store = new SignInStore(db.instance, db.conn, path);
    const tables = (await (await db.conn.runAndReadAll("SELECT table_name FROM information_schema.tables WHERE table_name = 'signins'")).getRowsJS());
    if (!tables.length) {
      store.close();
      throw new InputError('not a sign-in database: it has no "signins" table', path);
    }
    return store;
  }

  window(): Promise<EvidenceWindow | undefined> {
    return storeWindow(this.connection);
  }

  async count(): Promise<number> {
    return Number((await (await this.connection.runAndReadAll(`SELECT count(*) FROM ${SIGNINS_TABLE}`)).getRowsJS())[0]![0]);
  }

  async sources(): Promise<{ name: string; format: string; rows: number; importAdded: number; importedAt: string }[]> {
    const rows = await (await this.connection.runAndReadAll('SELECT name, format, rows, import_added, epoch_ms(imported_at) FROM signins_sources ORDER BY imported_at, name')).getRowsJS();
    return rows.map((r) => ({ name: String(r[0]), format: String(r[1]), rows: Number(r[2]), importAdded: Number(r[3]), importedAt: new Date(Number(r[4])).toISOString() }));
  }

  /** Every row, streamed in DuckDB's chunks (ordered by time, then id). */
  async *rows(where = ''): AsyncGenerator<SignInRow> {
    const cols = SIGN_IN_COLUMNS.map(([, c]) => (c === 'created_at' ? 'epoch_ms(created_at)' : c)).join(', ');
    const result = await this.connection.stream(`SELECT ${cols} FROM ${SIGNINS_TABLE} ${where} ORDER BY created_at, id`);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const values of chunk.getRows()) {
        const row: Record<string, unknown> = {};
        SIGN_IN_COLUMNS.forEach(([key, , type], i) => {
          const v = values[i];
          row[key] = key === 'createdDateTime' ? new Date(Number(v)).toISOString() : type === 'INTEGER' ? Number(v) : v === null ? null : type === 'BOOLEAN' ? v === true : String(v);
        });
        yield row as unknown as SignInRow;
      }
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
