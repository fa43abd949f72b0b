/**
 * The state store in the library: where it lives, recording a scan, and reading it back as history,
 * diffs and trends. The store itself (SQLite in WAL mode) is src/store/sqlite.ts.
 */
import type { DeltaStateStore } from '../collect/delta-state.js';
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, posix, win32 } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { diffReports, type ReportDiff } from '../report/diff.js';
import type { Report } from '../report/report.js';
import type { Trends } from '../report/trends.js';
import { STATE_FILE, StateStore, type RecordStats, type ScanRecord, type TenantRecord } from '../store/sqlite.js';
import { readReport } from './read-report.js';

/** Where the store is: a directory, or (undefined) the default one. */
export interface StateLocation {
  state?: string | undefined;
  /** Environment to read MFAGUARD_STATE_DIR, XDG_DATA_HOME, LOCALAPPDATA from (default process.env). */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/**
 * The default state directory: `$MFAGUARD_STATE_DIR`, else the user's data directory —
 * `%LOCALAPPDATA%\mfaguard` on Windows, `$XDG_DATA_HOME/mfaguard` or `~/.local/share/mfaguard` elsewhere.
 */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.MFAGUARD_STATE_DIR) return env.MFAGUARD_STATE_DIR;
  if (platform === 'win32') return win32.join(env.LOCALAPPDATA || win32.join(home, 'AppData', 'Local'), 'mfaguard');
  // XDG: a relative XDG_DATA_HOME is invalid and ignored
  const xdg = env.XDG_DATA_HOME && posix.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : posix.join(home, '.local', 'share');
  return posix.join(xdg, 'mfaguard');
}

/** The directory, and whether the user named it (flag or MFAGUARD_STATE_DIR): a failure to record there is an error, not a warning. */
export function resolveStateDir(loc: StateLocation = {}): { dir: string; explicit: boolean } {
  const env = loc.env ?? process.env;
  if (loc.state !== undefined) return { dir: loc.state, explicit: true };
  return { dir: defaultStateDir(env, loc.platform), explicit: !!env.MFAGUARD_STATE_DIR };
}

/** Opens the store for writing (created when missing). Close it when done. */
export function openStateStore(loc: StateLocation = {}): StateStore {
  return StateStore.open(resolveStateDir(loc).dir);
}

/** Opens an existing store for reading; undefined when none has been created yet. */
function openExisting(loc: StateLocation): StateStore | undefined {
  const { dir } = resolveStateDir(loc);
  if (!existsSync(join(dir, STATE_FILE))) return undefined;
  return StateStore.open(dir, { create: false });
}

export interface RecordScanOptions extends StateLocation {
  report: Report;
  /** What produced the report: `snapshot`, `demo`, `live`, `memory`, or a scheduler's label. */
  source: string;
}

export interface RecordedScan {
  /** The scan's id in the store (what `diff` and `history` show). */
  id: number;
  tenantId: string;
  /** The database file. */
  path: string;
  scan: ScanRecord;
  stats: RecordStats;
}

/** Records a report in the store, in one transaction. */
export function recordScan(opts: RecordScanOptions): RecordedScan {
  const store = openStateStore(opts);
  try {
    const scan = store.record(opts.report, opts.source);
    return { id: scan.id, tenantId: scan.tenantId, path: store.path, scan, stats: store.lastRecordStats()! };
  } catch (err) {
    // SQLITE_FULL, SQLITE_BUSY after the timeout, a read-only file: the user's environment, not a bug
    throw err instanceof InputError ? err : new InputError(`cannot record the scan in the state store: ${(err as Error).message}`, store.path);
  } finally {
    store.close();
  }
}

export interface HistoryOptions extends StateLocation {
  /** A tenant id or display name (case-insensitive); default every tenant. */
  tenant?: string | undefined;
}

export interface HistoryResult { path: string; tenants: TenantRecord[]; scans: ScanRecord[] }

/** Recorded scans, oldest first, with their counts per rule and status. An absent store has none. */
export function history(opts: HistoryOptions = {}): HistoryResult {
  const path = join(resolveStateDir(opts).dir, STATE_FILE);
  const store = openExisting(opts);
  if (!store) {
    if (opts.tenant !== undefined) throw new InputError(`no scans recorded for tenant "${opts.tenant}" (no state store yet)`, path);
    return { path, tenants: [], scans: [] };
  }
  try {
    const tenant = opts.tenant === undefined ? undefined : findTenant(store, opts.tenant);
    return { path, tenants: store.tenants(), scans: store.listScans(tenant?.id) };
  } finally {
    store.close();
  }
}

/** The tenant named by id or display name, or the only tenant with scans; a usage error when ambiguous. */
function findTenant(store: StateStore, name: string | undefined): TenantRecord {
  const all = store.tenants().filter((t) => t.scans > 0);
  if (name === undefined) {
    if (all.length === 1) return all[0]!;
    if (!all.length) throw new InputError('no scans recorded yet', store.path);
    throw new UsageError(`the state store has scans of ${all.length} tenants: choose one with --tenant (${all.map((t) => t.id).join(', ')})`);
  }
  const lower = name.toLowerCase();
  const match = all.filter((t) => t.id.toLowerCase() === lower);
  const byName = match.length ? match : all.filter((t) => (t.displayName ?? '').toLowerCase() === lower);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) throw new UsageError(`several tenants are named "${name}": give the tenant id (${byName.map((t) => t.id).join(', ')})`);
  throw new InputError(`no scans recorded for tenant "${name}"`, store.path);
}

export interface DiffOptions extends StateLocation {
  /** The older side: a recorded scan id or a saved JSON report file (default: the tenant's second-to-last scan). */
  from?: string | undefined;
  /** The newer side (default: the tenant's last scan). */
  to?: string | undefined;
  tenant?: string | undefined;
}

const isScanId = (ref: string) => /^\d+$/.test(ref) && !(existsSync(ref) && statSync(ref).isFile());

/**
 * What changed between two scans (ids in the store) or saved reports: per finding new, fixed,
 * regressed, newly exempt, exemption expired, …, with the coverage cells that changed and why.
 */
export async function diffScans(opts: DiffOptions = {}): Promise<ReportDiff> {
  const refs = [opts.from, opts.to].filter((r): r is string => r !== undefined);
  if (opts.to !== undefined && opts.from === undefined) throw new UsageError('give the older side too (diff A B)');
  const needStore = refs.length < 2 || refs.some(isScanId);
  let store: StateStore | undefined;
  try {
    if (needStore) {
      store = openExisting(opts);
      if (!store) throw new InputError('no scans recorded yet (no state store)', join(resolveStateDir(opts).dir, STATE_FILE));
    }
    const load = async (ref: string): Promise<{ report: Report; side: { scanId?: number; file?: string } }> => {
      if (!isScanId(ref)) return { report: await readReport(ref), side: { file: ref } };
      const id = Number(ref);
      const report = store!.loadReport(id);
      if (!report) throw new InputError(`no recorded scan ${id}`, store!.path);
      return { report, side: { scanId: id } };
    };
    let a: Awaited<ReturnType<typeof load>>;
    let b: Awaited<ReturnType<typeof load>>;
    if (refs.length === 2) {
      [a, b] = [await load(refs[0]!), await load(refs[1]!)];
    } else if (refs.length === 1) {
      a = await load(refs[0]!);
      const scans = store!.listScans(a.report.tenant.id);
      if (!scans.length) throw new InputError(`no scans recorded for tenant ${a.report.tenant.id}`, store!.path);
      b = await load(String(scans.at(-1)!.id));
    } else {
      const tenant = findTenant(store!, opts.tenant);
      const scans = store!.listScans(tenant.id);
      if (scans.length < 2) throw new InputError(`only ${scans.length} scan recorded for tenant ${tenant.id}: a diff needs two`, store!.path);
      [a, b] = [await load(String(scans.at(-2)!.id)), await load(String(scans.at(-1)!.id))];
    }
    if (a.report.tenant.id.toLowerCase() !== b.report.tenant.id.toLowerCase()) {
      throw new UsageError(`the two sides are different tenants (${a.report.tenant.id}, ${b.report.tenant.id})`);
    }
    return diffReports(a.report, b.report, a.side, b.side);
  } finally {
    store?.close();
  }
}

export interface TrendsOptions extends StateLocation {
  tenant?: string | undefined;
  /** Only this rule (default every rule). */
  rule?: string | undefined;
  /** Only the last N scans. */
  last?: number | undefined;
}

/** Finding counts per rule over the tenant's recorded scans, oldest first. */
export function trends(opts: TrendsOptions = {}): Trends {
  const store = openExisting(opts);
  if (!store) throw new InputError('no scans recorded yet (no state store)', join(resolveStateDir(opts).dir, STATE_FILE));
  try {
    const tenant = findTenant(store, opts.tenant);
    return trendsOf(store.listScans(tenant.id), tenant, opts.rule, opts.last);
  } finally {
    store.close();
  }
}

/** Trends of one tenant for the HTML report: undefined when the store is absent or has fewer than two scans of it. */
export function reportTrends(tenantId: string, loc: StateLocation = {}): Trends | undefined {
  const store = openExisting(loc);
  if (!store) return undefined;
  try {
    const tenant = store.tenants().find((t) => t.id === tenantId);
    if (!tenant || tenant.scans < 2) return undefined;
    return trendsOf(store.listScans(tenant.id), tenant, undefined, 30);
  } finally {
    store.close();
  }
}

function trendsOf(all: ScanRecord[], tenant: TenantRecord, rule: string | undefined, last: number | undefined): Trends {
  const scans = last !== undefined ? all.slice(-last) : all;
  const ruleIds = [...new Set(scans.flatMap((s) => Object.keys(s.counts)))].sort();
  if (rule !== undefined && !ruleIds.includes(rule)) throw new UsageError(`no recorded findings of rule "${rule}" (rules seen: ${ruleIds.join(', ') || 'none'})`);
  return {
    tenant: { id: tenant.id, displayName: tenant.displayName },
    scans: scans.map((s) => ({ scanId: s.id, collectedAt: s.collectedAt })),
    rules: ruleIds.filter((r) => rule === undefined || r === rule).map((r) => ({
      ruleId: r,
      points: scans.filter((s) => s.counts[r]).map((s) => ({ scanId: s.id, collectedAt: s.collectedAt, counts: s.counts[r]! })),
    })),
  };
}

/**
 * Incremental collection's delta links in the state store's per-tenant key-value table (one store for
 * history and delta state). Keys are `graph-delta/<tenant>/<endpoint>` (deltaStateKey); each call opens
 * the store briefly, so a long collection never holds it.
 */
export class StoreDeltaStateStore implements DeltaStateStore {
  constructor(private readonly loc: StateLocation = {}) {}

  private static tenantOf(key: string): string {
    return key.split('/')[1] ?? '';
  }

  async get(key: string): Promise<unknown> {
    const store = openExisting(this.loc);
    try {
      return store?.getTenantState(StoreDeltaStateStore.tenantOf(key), key);
    } finally {
      store?.close();
    }
  }

  async put(key: string, value: unknown): Promise<void> {
    const store = openStateStore(this.loc);
    try {
      store.putTenantState(StoreDeltaStateStore.tenantOf(key), key, value);
    } finally {
      store.close();
    }
  }
}

