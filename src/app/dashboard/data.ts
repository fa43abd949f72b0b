/**
 * What the dashboard reads: the state store (tenants, scans, recorded reports) and, optionally, a
 * snapshot of one tenant for what the store does not keep (group nesting, roles, Azure access, the
 * per-policy trace, policy assignments). The store is opened per request (a scan recording in another
 * process is then seen at once; SQLite's WAL lets readers in while it writes); a recorded report is
 * loaded once per scan id and kept with its indexes, since a 100k-user report takes seconds to read
 * and a scan never changes once recorded.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { prepareEngine, type EngineContext } from '../../coverage/engine.js';
import { InputError } from '../../errors.js';
import type { Report, ReportPrincipal } from '../../report/report.js';
import { DirectoryModel } from '../../snapshot/model.js';
import { STATE_FILE, StateStore, type ScanRecord, type TenantRecord } from '../../store/sqlite.js';
import type { Target } from '../../vocabulary.js';
import { loadSnapshotFrom, type SnapshotSource } from '../source.js';
import { resolveStateDir, type StateLocation } from '../state.js';
import { FindingsIndex } from './findings-index.js';

/** One user's cell that names a policy: the user is covered by it, or excluded from it, or only in report-only… */
export interface PolicyCell { principal: ReportPrincipal; target: Target; state: string; reason: string }

/** A recorded scan, loaded, with the indexes the pages use. */
export class LoadedScan {
  readonly findings: FindingsIndex;
  readonly principalById: Map<string, ReportPrincipal>;
  private policyCells: Map<string, PolicyCell[]> | undefined;

  constructor(readonly record: ScanRecord, readonly report: Report) {
    this.findings = new FindingsIndex(report.findings).prepareOrders();
    this.principalById = new Map(report.principals.map((p) => [p.id.toLowerCase(), p]));
  }

  /** Every (user, target) cell whose verdict names the policy, keyed by lower-case policy id (built on first use). */
  cellsByPolicy(): Map<string, PolicyCell[]> {
    if (this.policyCells) return this.policyCells;
    const out = new Map<string, PolicyCell[]>();
    for (const p of this.report.principals) {
      for (const [target, cell] of Object.entries(p.coverage) as [Target, ReportPrincipal['coverage'][Target]][]) {
        for (const id of cell?.policies ?? []) {
          const key = id.toLowerCase();
          const list = out.get(key) ?? [];
          if (!list.length) out.set(key, list);
          list.push({ principal: p, target, state: cell.state, reason: cell.reason });
        }
      }
    }
    this.policyCells = out;
    return out;
  }

  /** Policy names the report knows (ca-policy-quality findings and hygiene warnings name them). */
  policyNames(): Map<string, string> {
    const names = new Map<string, string>();
    for (const f of this.report.findings) if (f.resourceType === 'policy') names.set(f.resourceId.toLowerCase(), f.resourceName);
    for (const w of this.report.policyHygiene ?? []) if (!names.has(w.policyId.toLowerCase())) names.set(w.policyId.toLowerCase(), w.policyName);
    return names;
  }
}

/** A snapshot held for the explanation chain and policy assignments. */
export interface LoadedModel { tenantId: string; model: DirectoryModel; engine: EngineContext }

export class DashboardData {
  private readonly scans = new Map<number, LoadedScan>();
  private model: Promise<LoadedModel> | undefined;

  constructor(private readonly loc: StateLocation, private readonly snapshot?: SnapshotSource, private readonly cacheSize = 3) {}

  get storePath(): string {
    return join(resolveStateDir(this.loc).dir, STATE_FILE);
  }

  private withStore<T>(fn: (store: StateStore) => T, empty: T): T {
    const { dir } = resolveStateDir(this.loc);
    if (!existsSync(join(dir, STATE_FILE))) return empty;
    const store = StateStore.open(dir, { create: false });
    try {
      return fn(store);
    } finally {
      store.close();
    }
  }

  /** Tenants with at least one recorded scan. */
  tenants(): TenantRecord[] {
    return this.withStore((s) => s.tenants().filter((t) => t.scans > 0), []);
  }

  scansOf(tenantId: string): ScanRecord[] {
    return this.withStore((s) => s.listScans(tenantId), []);
  }

  /** A recorded scan with its report, from the cache or the store. */
  scan(id: number): LoadedScan | undefined {
    const hit = this.scans.get(id);
    if (hit) {
      // most recently used last
      this.scans.delete(id);
      this.scans.set(id, hit);
      return hit;
    }
    const loaded = this.withStore((s) => {
      const record = s.getScan(id);
      const report = record && s.loadReport(id);
      return record && report ? new LoadedScan(record, report) : undefined;
    }, undefined);
    if (!loaded) return undefined;
    this.scans.set(id, loaded);
    while (this.scans.size > this.cacheSize) this.scans.delete(this.scans.keys().next().value!);
    return loaded;
  }

  /** The snapshot given with --snapshot, loaded once; undefined when none was given. */
  async loadedModel(): Promise<LoadedModel | undefined> {
    if (!this.snapshot) return undefined;
    this.model ??= loadSnapshotFrom(this.snapshot).then(({ snapshot }) => {
      const model = new DirectoryModel(snapshot);
      return { tenantId: snapshot.tenant.id, model, engine: prepareEngine(model) };
    });
    return this.model;
  }

  /** The snapshot's model when it is of this tenant (a snapshot of another tenant explains nothing here). */
  async modelFor(tenantId: string): Promise<LoadedModel | undefined> {
    const m = await this.loadedModel();
    return m && m.tenantId.toLowerCase() === tenantId.toLowerCase() ? m : undefined;
  }

  /** Loads the latest scan of every tenant (at start, so the first page is not the one that waits). */
  preload(): void {
    for (const t of this.tenants().slice(0, this.cacheSize)) if (t.lastScan !== null) this.scan(t.lastScan);
  }

  /** Fails early (at start) when the snapshot cannot be read, rather than on the first user page. */
  async check(): Promise<void> {
    try {
      await this.loadedModel();
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`cannot load the snapshot: ${(err as Error).message}`);
    }
  }
}
