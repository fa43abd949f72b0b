/**
 * The pivots of Microsoft's MFA gaps workbook (spec/signins.md, Workbook parity) over any sign-in
 * evidence: totals protected / not protected by MFA, single-factor users per app, app × user, per user
 * with the MFA percentage, by operating system, by country, by client app — under the workbook's
 * filters. Asks the port only (`pivot`), so a DuckDB store or a Log Analytics workspace answers the
 * same questions where the rows are.
 */
import type { EvidenceQuery, EvidenceWindow, PivotDimension, PivotRow, SignInEvidence, WorkbookFilters } from './types.js';

export type WorkbookDimension = Exclude<PivotDimension, 'total'>;
export const WORKBOOK_DIMENSIONS: readonly WorkbookDimension[] = ['app', 'user', 'appUser', 'operatingSystem', 'country', 'clientApp'];

export interface WorkbookRow extends PivotRow {
  /** Share of sign-ins that did MFA, 0–100 with one decimal (0 when there are none). */
  mfaPercent: number;
}

export interface SignInWorkbook {
  window: EvidenceWindow | null;
  /** The filters as applied (defaults filled in). */
  filters: Required<WorkbookFilters>;
  /** Which sign-ins are counted: the workbook itself reads interactive sign-ins only; mfaguard reads both unless `interactiveOnly`. */
  signInTypes: 'interactiveAndNonInteractive' | 'interactiveOnly';
  total: WorkbookRow;
  pivots: Record<WorkbookDimension, WorkbookRow[]>;
  /** Rows left out per pivot beyond `limit` (absent when none were). */
  omitted?: Partial<Record<WorkbookDimension, number>>;
}

export interface WorkbookOptions {
  filters?: WorkbookFilters;
  /** Ends the window (`--as-of`). */
  asOf?: string;
  /** Rows kept per pivot, most single-factor first (default all). */
  limit?: number;
}

const percent = (r: PivotRow) => (r.signIns ? Math.round((1000 * r.mfa) / r.signIns) / 10 : 0);

export function withFilterDefaults(f: WorkbookFilters = {}): Required<WorkbookFilters> {
  return {
    homeTenantOnly: f.homeTenantOnly ?? true, excludeGraph: f.excludeGraph ?? false, legacyOnly: f.legacyOnly ?? false,
    trustedLocationsOnly: f.trustedLocationsOnly ?? false, interactiveOnly: f.interactiveOnly ?? false,
  };
}

export async function signInWorkbook(evidence: SignInEvidence, opts: WorkbookOptions = {}): Promise<SignInWorkbook> {
  const filters = withFilterDefaults(opts.filters);
  const query: EvidenceQuery & WorkbookFilters = { ...filters, ...(opts.asOf ? { asOf: opts.asOf } : {}) };
  // each pivot comes back already cut to `limit`, with its full row count
  const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : undefined;
  const [window, [total, ...results]] = await Promise.all([evidence.window(), evidence.pivots(['total', ...WORKBOOK_DIMENSIONS], { ...query, ...(limit ? { limit } : {}) })]);
  const pivots = Object.fromEntries(WORKBOOK_DIMENSIONS.map((d, i) => [d, results[i]!.rows.map((r) => ({ ...r, mfaPercent: percent(r) }))])) as Record<WorkbookDimension, WorkbookRow[]>;
  const omitted: Partial<Record<WorkbookDimension, number>> = {};
  WORKBOOK_DIMENSIONS.forEach((d, i) => {
    if (results[i]!.groups > pivots[d].length) omitted[d] = results[i]!.groups - pivots[d].length;
  });
  const t = total!.rows[0] ?? { keys: [], signIns: 0, mfa: 0, singleFactor: 0, users: 0 };
  const to = window && opts.asOf && Date.parse(opts.asOf) < Date.parse(window.to) ? { from: window.from, to: opts.asOf } : window;
  return {
    window: to ?? null,
    filters,
    signInTypes: filters.interactiveOnly ? 'interactiveOnly' : 'interactiveAndNonInteractive',
    total: { ...t, mfaPercent: percent(t) },
    pivots,
    ...(Object.keys(omitted).length ? { omitted } : {}),
  };
}
