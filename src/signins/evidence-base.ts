/**
 * The port's methods over "run this part, give me its rows": what the DuckDB and the Log Analytics
 * evidence share. Each method asks for the parts analyses.ts defines and finishes them with the shared
 * functions, so the two paths differ only in how a part is run.
 */
import type {
  AutomationProfile, EvidenceQuery, EvidenceWindow, LegacyClientSignIns, PivotDimension, PivotResult, PivotRow, SignInEvidence, SingleFactorSignIns, ToolVersionSignIns,
  UserAppSignIns, WorkbookFilters,
} from '../evidence/types.js';
import {
  type AnalysisName, type AnalysisParams, finishAutomation, finishLegacy, finishPivot, finishPivotResult, finishSingleFactor, finishToolVersions, finishUserApp, finishWindow,
  METHOD_PARTS, type ResultRow,
} from './analyses.js';

export abstract class PartEvidence implements SignInEvidence {
  constructor(protected readonly declaredWindow?: { from?: string; to?: string }) {}

  /** Runs one analysis part and returns its decoded rows. */
  protected abstract run(name: AnalysisName, params: AnalysisParams): Promise<ResultRow[]>;

  /** Whether parts may run at once (a DuckDB connection streams one result at a time; Log Analytics takes several). */
  protected readonly parallel: boolean = false;

  /** Runs several parts, at once where the engine allows; their rows in the same order. */
  private async runEach(calls: readonly (readonly [AnalysisName, AnalysisParams])[]): Promise<ResultRow[][]> {
    if (this.parallel) return Promise.all(calls.map(([n, p]) => this.run(n, p)));
    const rows: ResultRow[][] = [];
    for (const [n, p] of calls) rows.push(await this.run(n, p));
    return rows;
  }

  private async runAll<N extends AnalysisName>(names: readonly N[], params: AnalysisParams): Promise<Record<N, ResultRow[]>> {
    const rows = await this.runEach(names.map((n) => [n, params] as const));
    return Object.fromEntries(names.map((n, i) => [n, rows[i]!])) as Record<N, ResultRow[]>;
  }

  async window(): Promise<EvidenceWindow | undefined> {
    if (this.declaredWindow?.from && this.declaredWindow.to) return { from: this.declaredWindow.from, to: this.declaredWindow.to };
    return finishWindow(await this.run('window', {}), this.declaredWindow);
  }

  async userAppSignIns(q: EvidenceQuery & { apps?: 'mandatoryMfa' | 'all' } = {}): Promise<UserAppSignIns[]> {
    return finishUserApp(await this.run('userAppSignIns', q));
  }

  async legacyClientSignIns(q: EvidenceQuery = {}): Promise<LegacyClientSignIns[]> {
    return finishLegacy(await this.run('legacyClientSignIns', q));
  }

  async toolVersions(q: EvidenceQuery = {}): Promise<ToolVersionSignIns[]> {
    return finishToolVersions(await this.run('toolVersions', q));
  }

  async automationProfiles(q: EvidenceQuery = {}): Promise<AutomationProfile[]> {
    return finishAutomation(await this.runAll(METHOD_PARTS.automationProfiles, q));
  }

  async singleFactorSignIns(q: EvidenceQuery = {}): Promise<SingleFactorSignIns[]> {
    return finishSingleFactor(await this.runAll(METHOD_PARTS.singleFactorSignIns, q));
  }

  async pivot(by: PivotDimension, q: EvidenceQuery & WorkbookFilters = {}): Promise<PivotRow[]> {
    const { limit: _ignored, ...query } = q as AnalysisParams;
    return finishPivot(by, await this.run('pivot', { ...query, by }));
  }

  async pivots(by: readonly PivotDimension[], q: EvidenceQuery & WorkbookFilters & { limit?: number } = {}): Promise<PivotResult[]> {
    // each pivot cut where the rows are (ORDER BY … LIMIT / top): only `limit` rows per pivot travel back
    const rows = await this.runEach(by.map((d) => ['pivot', { ...q, by: d }] as const));
    return by.map((d, i) => finishPivotResult(d, rows[i]!));
  }
}

/** Only the params an analysis reads (so the KQL tag, and a cache key, carry nothing else). */
export function cleanParams(p: AnalysisParams): AnalysisParams {
  const keys: (keyof AnalysisParams)[] = ['since', 'asOf', 'userIds', 'apps', 'by', 'homeTenantOnly', 'excludeGraph', 'legacyOnly', 'trustedLocationsOnly', 'interactiveOnly', 'limit'];
  const out: Record<string, unknown> = {};
  for (const k of keys) if (p[k] !== undefined) out[k] = p[k];
  return out as AnalysisParams;
}
