/**
 * Every call of the sign-in evidence port worth comparing between implementations: each method under
 * a set of queries (whole window, a sub-window, some users, no users), `apps: 'all'`, and every pivot
 * dimension under every combination of the workbook filters.
 */
import type { SignInRow } from '../../src/evidence/row.js';
import type { EvidenceQuery, PivotDimension, SignInEvidence, WorkbookFilters } from '../../src/evidence/types.js';

export const PIVOT_DIMENSIONS: PivotDimension[] = ['total', 'app', 'user', 'appUser', 'operatingSystem', 'country', 'clientApp'];

/** All 2^5 combinations of the workbook filters (homeTenantOnly false/default). */
export function filterCombinations(): WorkbookFilters[] {
  const out: WorkbookFilters[] = [];
  for (let m = 0; m < 32; m++) {
    const f: WorkbookFilters = {};
    if (m & 1) f.homeTenantOnly = false;
    if (m & 2) f.excludeGraph = true;
    if (m & 4) f.legacyOnly = true;
    if (m & 8) f.trustedLocationsOnly = true;
    if (m & 16) f.interactiveOnly = true;
    out.push(f);
  }
  return out;
}

/** Queries over a row set: everything, a middle sub-window, a few users (upper-cased ids), none. */
export function queriesFor(rows: readonly SignInRow[]): EvidenceQuery[] {
  const times = rows.map((r) => Date.parse(r.createdDateTime)).sort((a, b) => a - b);
  const users = [...new Set(rows.map((r) => r.userId).filter((u): u is string => !!u))];
  const q: EvidenceQuery[] = [{}];
  if (times.length) {
    q.push({ since: new Date(times[Math.floor(times.length / 4)]!).toISOString(), asOf: new Date(times[Math.floor((times.length * 3) / 4)]!).toISOString() });
  }
  // hostile ids must stay values (quoted), never become query text
  q.push({ userIds: [...users.filter((_, i) => i % 3 === 0).map((u) => u.toUpperCase()), "x' OR ''='", 'y" or "1"=="1', 'z\\'] }, { userIds: [] });
  return q;
}

export interface EvidenceCall {
  label: string;
  call: (ev: SignInEvidence) => Promise<unknown>;
}

export function evidenceCalls(rows: readonly SignInRow[], opts: { allPivotFilters?: boolean } = {}): EvidenceCall[] {
  const calls: EvidenceCall[] = [{ label: 'window', call: (ev) => ev.window() }];
  for (const q of queriesFor(rows)) {
    const tag = JSON.stringify(q);
    calls.push(
      { label: `userAppSignIns ${tag}`, call: (ev) => ev.userAppSignIns(q) },
      { label: `userAppSignIns all ${tag}`, call: (ev) => ev.userAppSignIns({ ...q, apps: 'all' }) },
      { label: `legacyClientSignIns ${tag}`, call: (ev) => ev.legacyClientSignIns(q) },
      { label: `toolVersions ${tag}`, call: (ev) => ev.toolVersions(q) },
      { label: `automationProfiles ${tag}`, call: (ev) => ev.automationProfiles(q) },
      { label: `singleFactorSignIns ${tag}`, call: (ev) => ev.singleFactorSignIns(q) },
    );
    const filters = opts.allPivotFilters || Object.keys(q).length === 0 ? filterCombinations() : [{}, { homeTenantOnly: false, excludeGraph: true }];
    for (const by of PIVOT_DIMENSIONS) for (const f of filters) calls.push({ label: `pivot ${by} ${JSON.stringify(f)} ${tag}`, call: (ev) => ev.pivot(by, { ...q, ...f }) });
    // the workbook's call: every pivot at once (one pass on DuckDB), cut to a limit, with each pivot's full row count
    for (const f of filters.slice(0, 4)) {
      for (const limit of [undefined, 0, 1, 3]) { // 0: no limit
        calls.push({ label: `pivots ${JSON.stringify(f)} limit ${limit} ${tag}`, call: (ev) => ev.pivots(PIVOT_DIMENSIONS, { ...q, ...f, ...(limit === undefined ? {} : { limit }) }) });
      }
    }
  }
  return calls;
}
