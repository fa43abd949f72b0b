/**
 * The local state store: every recorded scan of every tenant, in one SQLite database (WAL mode) through
 * better-sqlite3. Why SQLite in WAL mode (README, "Scan history"): a scan writing and a dashboard
 * reading are two processes, and WAL lets any number of readers in other processes read the last
 * committed state while one writer appends; a transaction is committed by one append to the WAL, so
 * `kill -9` mid-write leaves the database as of the last commit (the torn tail is ignored on open).
 *
 * Layout (`user_version` 1, see MIGRATIONS):
 *   tenants       id, display name
 *   scans         one row per recorded scan: tenant, collectedAt, generatedAt, recordedAt, tool version,
 *                 source, counts, the report's header (summary, data gaps, hygiene) and its rules' blob
 *   scan_counts   per scan, rule and finding status, the number of findings (history, trends)
 *   blobs         content-addressed JSON (128 bits of sha-1 of the text, base64url): findings, principals
 *                 (their coverage cells in a blob of their own, shared by users with the same cells), rule info
 *   items         versions of each finding (kind 0, key rule + resource) and principal (kind 1, key user
 *                 id): the blob it had from `first_scan` to `last_scan` (NULL = still current). An item
 *                 unchanged since the previous scan costs nothing: disk grows with what changed.
 *   tenant_state  a small key → JSON table per tenant for other components (delta links, …)
 *
 * Every recorded scan is one IMMEDIATE transaction (the write lock is taken before the previous state
 * is read, so two recorders never interleave), synchronous FULL (a committed scan survives a power cut
 * too; one fsync per scan is negligible), busy timeout 180 s (a first recording holds the lock several
 * seconds at 100k users, longer for larger tenants; readers never wait for it).
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CoverageCell } from '../coverage/types.js';
import { InputError } from '../errors.js';
import type { Report, ReportPrincipal, ReportRuleInfo } from '../report/report.js';
import type { Finding } from '../rules/types.js';
import { FINDING_STATUSES, type FindingStatus } from '../vocabulary.js';

/** The database file inside the state directory (plus SQLite's `-wal` and `-shm` beside it). */
export const STATE_FILE = 'state.db';

/** Schema migrations: MIGRATIONS[i] takes `user_version` i to i + 1. Append only; never edit a published one. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE tenants (id TEXT PRIMARY KEY, display_name TEXT);
   CREATE TABLE scans (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     tenant_id TEXT NOT NULL REFERENCES tenants(id),
     collected_at TEXT NOT NULL,
     generated_at TEXT NOT NULL,
     recorded_at TEXT NOT NULL,
     tool_version TEXT,
     source TEXT NOT NULL,
     principal_count INTEGER NOT NULL,
     finding_count INTEGER NOT NULL,
     header TEXT NOT NULL,
     rules_hash TEXT NOT NULL
   );
   CREATE INDEX scans_by_tenant ON scans(tenant_id, id);
   CREATE TABLE scan_counts (
     scan_id INTEGER NOT NULL REFERENCES scans(id), rule_id TEXT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL,
     PRIMARY KEY (scan_id, rule_id, status)
   ) WITHOUT ROWID;
   -- rowid order = insertion order: new blobs are appended, not split into a hash-ordered B-tree of
   -- large rows (which made every scan's few changed blobs cost a page split each); the hash index is small
   CREATE TABLE blobs (id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
   CREATE TABLE items (
     tenant_id TEXT NOT NULL, kind INTEGER NOT NULL, key TEXT NOT NULL,
     first_scan INTEGER NOT NULL, last_scan INTEGER, hash TEXT NOT NULL,
     PRIMARY KEY (tenant_id, kind, key, first_scan)
   ) WITHOUT ROWID;
   CREATE TABLE tenant_state (
     tenant_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at TEXT NOT NULL,
     PRIMARY KEY (tenant_id, key)
   ) WITHOUT ROWID;`,
];
export const SCHEMA_VERSION = MIGRATIONS.length;

const FINDING = 0;
const PRINCIPAL = 1;

/** One recorded scan, as `history` lists it. */
export interface ScanRecord {
  id: number;
  tenantId: string;
  tenantName: string | null;
  collectedAt: string;
  generatedAt: string;
  recordedAt: string;
  toolVersion: string | null;
  /** What produced it: `snapshot`, `demo`, `live`, `memory`, or a caller's label (a scheduler). */
  source: string;
  principals: number;
  findings: number;
  /** Findings per rule and status. */
  counts: Record<string, Record<FindingStatus, number>>;
}

export interface TenantRecord { id: string; displayName: string | null; scans: number; lastScan: number | null }

/** What was written for one recorded scan (for measurements and tests). */
export interface RecordStats { changedFindings: number; changedPrincipals: number; closed: number; newBlobs: number }

interface ScanRow {
  id: number; tenant_id: string; display_name: string | null; collected_at: string; generated_at: string; recorded_at: string;
  tool_version: string | null; source: string; principal_count: number; finding_count: number;
}

interface Header { tenant: Report['tenant']; generator?: Report['generator']; summary: Report['summary']; dataGaps: Report['dataGaps']; policyHygiene?: Report['policyHygiene'] }

/** 128 bits of sha-1, base64url: a short string is far cheaper in V8 than a string per row (300k rows per scan). */
const contentHash = (text: string): string => createHash('sha1').update(text).digest('base64url').slice(0, 22);

/** The key of a finding: one per (rule, resource) by the report contract. */
export const findingKey = (f: Pick<Finding, 'ruleId' | 'resourceId'>): string => `${f.ruleId}\u0000${f.resourceId}`;

export class StateStore {
  readonly path: string;
  private readonly db: Database.Database;
  private lastStats: RecordStats | undefined;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
  }

  /**
   * Opens (creating the directory and database when `create` is not false) the store in `dir`, and
   * brings its schema up to date. A store written by a newer mfaguard is refused rather than misread.
   */
  static open(dir: string, opts: { create?: boolean; busyTimeoutMs?: number } = {}): StateStore {
    const path = join(dir, STATE_FILE);
    if (opts.create !== false) {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (err) {
        throw new InputError(`cannot create the state store's directory (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, dir);
      }
    }
    let db: Database.Database;
    try {
      db = new Database(path, { fileMustExist: opts.create === false, timeout: opts.busyTimeoutMs ?? 180_000 });
    } catch (err) {
      throw new InputError(`cannot open the state store: ${(err as Error).message}`, path);
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      // a 100k-user tenant is a few hundred MiB of B-trees: SQLite's 2 MiB default cache would make every
      // recording and read a storm of small reads
      db.pragma('cache_size = -65536');
      db.pragma('mmap_size = 268435456');
      migrate(db, path);
    } catch (err) {
      db.close();
      if (err instanceof InputError) throw err;
      throw new InputError(`not a usable state store: ${(err as Error).message}`, path);
    }
    return new StateStore(path, db);
  }

  close(): void {
    this.db.close();
  }

  /** `PRAGMA integrity_check`: 'ok' or SQLite's list of problems. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('\n');
  }

  /** The schema version (`PRAGMA user_version`). */
  schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /** Statistics of the last `record` of this connection. */
  lastRecordStats(): RecordStats | undefined {
    return this.lastStats;
  }

  /**
   * Records a report as the tenant's newest scan, in one transaction: only findings and principals that
   * differ from the tenant's previous scan are written. Returns the new scan's record.
   */
  record(report: Report, source: string, now = new Date()): ScanRecord {
    // Hash outside the write lock: the transaction then only compares and writes.
    const coverageText = new WeakMap<object, { body: string; hash: string }>();
    const blobsToWrite = new Map<string, { hash: string; body: string }>();
    const addBlob = (body: string): string => {
      const hash = contentHash(body);
      if (!blobsToWrite.has(hash)) blobsToWrite.set(hash, { hash, body });
      return hash;
    };
    const items = new Map<string, { kind: number; key: string; hash: string; body: string; extra?: { hash: string; body: string } }>();
    const pushItem = (kind: number, key: string, body: string, extra?: { hash: string; body: string }) => {
      let k = key;
      for (let n = 2; items.has(`${kind}:${k}`); n++) k = `${key}\u0000${n}`; // a report listing a key twice keeps both
      const hash = contentHash(body);
      items.set(`${kind}:${k}`, { kind, key: k, hash, body, ...(extra ? { extra } : {}) });
    };
    for (const p of report.principals) {
      let cov = coverageText.get(p.coverage);
      if (!cov) {
        const body = JSON.stringify(p.coverage);
        cov = { body, hash: contentHash(body) };
        if (p.coverage && typeof p.coverage === 'object') coverageText.set(p.coverage, cov);
      }
      const body = JSON.stringify({ ...p, coverage: cov.hash });
      pushItem(PRINCIPAL, p.id, body, cov);
    }
    for (const f of report.findings) pushItem(FINDING, findingKey(f), JSON.stringify(f));
    const rulesHash = addBlob(JSON.stringify(report.rules));
    const header: Header = {
      tenant: report.tenant, ...(report.generator ? { generator: report.generator } : {}), summary: report.summary,
      dataGaps: report.dataGaps, ...(report.policyHygiene ? { policyHygiene: report.policyHygiene } : {}),
    };
    const counts = countFindings(report.findings);

    const db = this.db;
    const tenantId = report.tenant.id;
    const run = db.transaction((): ScanRecord => {
      db.prepare('INSERT INTO tenants(id, display_name) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name')
        .run(tenantId, report.tenant.displayName);
      const prev = db.prepare('SELECT max(id) AS id FROM scans WHERE tenant_id = ?').get(tenantId) as { id: number | null };
      const scanId = Number(db.prepare(`INSERT INTO scans(tenant_id, collected_at, generated_at, recorded_at, tool_version, source,
          principal_count, finding_count, header, rules_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(tenantId, report.snapshotCollectedAt, report.generatedAt, now.toISOString(), report.generator?.version ?? null, source,
          report.principals.length, report.findings.length, JSON.stringify(header), rulesHash).lastInsertRowid);
      const insertCount = db.prepare('INSERT INTO scan_counts(scan_id, rule_id, status, n) VALUES (?, ?, ?, ?)');
      for (const [rule, byStatus] of Object.entries(counts)) {
        for (const s of FINDING_STATUSES) if (byStatus[s]) insertCount.run(scanId, rule, s, byStatus[s]);
      }
      const close = db.prepare('UPDATE items SET last_scan = ? WHERE tenant_id = ? AND kind = ? AND key = ? AND first_scan = ?');
      const insertItem = db.prepare('INSERT INTO items(tenant_id, kind, key, first_scan, last_scan, hash) VALUES (?, ?, ?, ?, NULL, ?)');
      const insertBlob = db.prepare('INSERT OR IGNORE INTO blobs(hash, body) VALUES (?, ?)');
      const stats: RecordStats = { changedFindings: 0, changedPrincipals: 0, closed: 0, newBlobs: 0 };
      // The tenant's items in primary-key order (a sequential range, no index lookups), read whole:
      // SQLite cannot write on this connection while a read statement is open.
      // Rows as arrays (raw): no object per row.
      const current = db.prepare('SELECT kind, key, first_scan, hash FROM items WHERE tenant_id = ? AND last_scan IS NULL')
        .raw().all(tenantId) as [kind: number, key: string, firstScan: number, hash: string][];
      const seen = new Set<string>();
      for (const [kind, key, firstScan, hash] of current) {
        const id = `${kind}:${key}`;
        const item = items.get(id);
        if (item && item.hash === hash) {
          seen.add(id);
          continue;
        }
        // changed or gone: its version ends with the previous scan
        close.run(prev.id, tenantId, kind, key, firstScan);
        stats.closed++;
      }
      // Inserted in key order: B-tree appends instead of random page writes (a first scan is 300k rows).
      const fresh = [...items].filter(([id]) => !seen.has(id)).map(([, item]) => item)
        .sort((x, y) => x.kind - y.kind || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
      for (const item of fresh) {
        insertItem.run(tenantId, item.kind, item.key, scanId, item.hash);
        if (item.kind === FINDING) stats.changedFindings++;
        else stats.changedPrincipals++;
        // the item's blob, and a principal's coverage blob (shared by many users, stored once)
        blobsToWrite.set(item.hash, { hash: item.hash, body: item.body });
        if (item.extra) blobsToWrite.set(item.extra.hash, item.extra);
      }
      for (const b of [...blobsToWrite.values()].sort((x, y) => (x.hash < y.hash ? -1 : x.hash > y.hash ? 1 : 0))) {
        if (insertBlob.run(b.hash, b.body).changes) stats.newBlobs++;
      }
      this.lastStats = stats;
      return this.getScan(scanId)!;
    });
    return run.immediate();
  }

  /** Recorded scans, oldest first (record order), of one tenant or all. */
  listScans(tenantId?: string): ScanRecord[] {
    const rows = (tenantId === undefined
      ? this.db.prepare(`${SCAN_SELECT} ORDER BY s.id`).all()
      : this.db.prepare(`${SCAN_SELECT} WHERE s.tenant_id = ? ORDER BY s.id`).all(tenantId)) as ScanRow[];
    return this.withCounts(rows);
  }

  getScan(id: number): ScanRecord | undefined {
    const row = this.db.prepare(`${SCAN_SELECT} WHERE s.id = ?`).get(id) as ScanRow | undefined;
    return row ? this.withCounts([row])[0] : undefined;
  }

  tenants(): TenantRecord[] {
    return (this.db.prepare(`SELECT t.id, t.display_name, count(s.id) AS scans, max(s.id) AS last FROM tenants t
        LEFT JOIN scans s ON s.tenant_id = t.id GROUP BY t.id ORDER BY t.id`).all() as { id: string; display_name: string | null; scans: number; last: number | null }[])
      .map((r) => ({ id: r.id, displayName: r.display_name, scans: r.scans, lastScan: r.last }));
  }

  /**
   * The report as recorded (principals ordered by id, findings by rule then resource id). Read in one
   * read transaction, so a recording in another process is either wholly visible or not at all.
   */
  loadReport(scanId: number): Report | undefined {
    const read = this.db.transaction((): Report | undefined => {
      const scan = this.db.prepare('SELECT tenant_id, collected_at, generated_at, header, rules_hash FROM scans WHERE id = ?').get(scanId) as
        { tenant_id: string; collected_at: string; generated_at: string; header: string; rules_hash: string } | undefined;
      if (!scan) return undefined;
      const header = JSON.parse(scan.header) as Header;
      const blob = this.db.prepare('SELECT body FROM blobs WHERE hash = ?').pluck();
      const rules = JSON.parse(blob.get(scan.rules_hash) as string) as ReportRuleInfo[];
      const rows = this.db.prepare(`SELECT i.kind, i.key, b.body FROM items i JOIN blobs b ON b.hash = i.hash
          WHERE i.tenant_id = ? AND i.first_scan <= ? AND (i.last_scan IS NULL OR i.last_scan >= ?) ORDER BY i.kind, i.key`)
        .iterate(scan.tenant_id, scanId, scanId) as IterableIterator<{ kind: number; key: string; body: string }>;
      const coverage = new Map<string, Record<string, CoverageCell>>();
      const principals: ReportPrincipal[] = [];
      const findings: Finding[] = [];
      for (const r of rows) {
        if (r.kind === FINDING) {
          findings.push(JSON.parse(r.body) as Finding);
          continue;
        }
        const p = JSON.parse(r.body) as Omit<ReportPrincipal, 'coverage'> & { coverage: string };
        let cov = coverage.get(p.coverage);
        if (!cov) {
          cov = JSON.parse(blob.get(p.coverage) as string) as Record<string, CoverageCell>;
          coverage.set(p.coverage, cov);
        }
        principals.push({ ...p, coverage: cov as ReportPrincipal['coverage'] });
      }
      return {
        mfaguardReport: 1, tenant: header.tenant, snapshotCollectedAt: scan.collected_at, generatedAt: scan.generated_at,
        ...(header.generator ? { generator: header.generator } : {}), summary: header.summary, rules, dataGaps: header.dataGaps,
        ...(header.policyHygiene ? { policyHygiene: header.policyHygiene } : {}), principals, findings,
      };
    });
    return read();
  }

  /** A recorded scan's header and rules without its findings and principals (roll-ups of many tenants). */
  loadHeader(scanId: number): (Pick<Report, 'tenant' | 'snapshotCollectedAt' | 'generatedAt' | 'summary' | 'rules' | 'dataGaps'> & { principalCount: number }) | undefined {
    const scan = this.db.prepare('SELECT collected_at, generated_at, header, rules_hash, principal_count FROM scans WHERE id = ?').get(scanId) as
      { collected_at: string; generated_at: string; header: string; rules_hash: string; principal_count: number } | undefined;
    if (!scan) return undefined;
    const header = JSON.parse(scan.header) as Header;
    const rules = JSON.parse(this.db.prepare('SELECT body FROM blobs WHERE hash = ?').pluck().get(scan.rules_hash) as string) as ReportRuleInfo[];
    return { tenant: header.tenant, snapshotCollectedAt: scan.collected_at, generatedAt: scan.generated_at, summary: header.summary, rules, dataGaps: header.dataGaps, principalCount: scan.principal_count };
  }

  /** A value another component keeps per tenant (parsed JSON), or undefined. */
  getTenantState<T = unknown>(tenantId: string, key: string): T | undefined {
    const row = this.db.prepare('SELECT value FROM tenant_state WHERE tenant_id = ? AND key = ?').pluck().get(tenantId, key) as string | undefined;
    return row === undefined ? undefined : (JSON.parse(row) as T);
  }

  /** Stores (replaces) a JSON value for a tenant and key, committed at once; `undefined` deletes it. */
  putTenantState(tenantId: string, key: string, value: unknown): void {
    if (value === undefined) {
      this.db.prepare('DELETE FROM tenant_state WHERE tenant_id = ? AND key = ?').run(tenantId, key);
      return;
    }
    this.db.prepare(`INSERT INTO tenant_state(tenant_id, key, value, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT(tenant_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
      .run(tenantId, key, JSON.stringify(value), new Date().toISOString());
  }

  private withCounts(rows: ScanRow[]): ScanRecord[] {
    const counts = this.db.prepare('SELECT rule_id, status, n FROM scan_counts WHERE scan_id = ?');
    return rows.map((r) => {
      const byRule: ScanRecord['counts'] = {};
      for (const c of counts.all(r.id) as { rule_id: string; status: FindingStatus; n: number }[]) {
        (byRule[c.rule_id] ??= emptyCounts())[c.status] = c.n;
      }
      return {
        id: r.id, tenantId: r.tenant_id, tenantName: r.display_name, collectedAt: r.collected_at, generatedAt: r.generated_at,
        recordedAt: r.recorded_at, toolVersion: r.tool_version, source: r.source, principals: r.principal_count, findings: r.finding_count, counts: byRule,
      };
    });
  }
}

const SCAN_SELECT = `SELECT s.id, s.tenant_id, t.display_name, s.collected_at, s.generated_at, s.recorded_at, s.tool_version, s.source,
  s.principal_count, s.finding_count FROM scans s JOIN tenants t ON t.id = s.tenant_id`;

export const emptyCounts = (): Record<FindingStatus, number> => Object.fromEntries(FINDING_STATUSES.map((s) => [s, 0])) as Record<FindingStatus, number>;

/** Findings per rule and status (every status present, zeros included). */
export function countFindings(findings: Iterable<Pick<Finding, 'ruleId' | 'status'>>): Record<string, Record<FindingStatus, number>> {
  const out: Record<string, Record<FindingStatus, number>> = {};
  for (const f of findings) (out[f.ruleId] ??= emptyCounts())[f.status]++;
  return out;
}

/** Applies pending migrations in one IMMEDIATE transaction (two processes opening a new store at once migrate it once). */
function migrate(db: Database.Database, path: string): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  if (version() > SCHEMA_VERSION) {
    throw new InputError(`the state store has schema version ${version()}, newer than this mfaguard understands (${SCHEMA_VERSION}); use a newer mfaguard`, path);
  }
  if (version() === SCHEMA_VERSION) return;
  db.transaction(() => {
    for (let v = version(); v < SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}
