/**
 * The roll-up of many tenants (spec/rules.md, "Roll-up"): per tenant and rule, the finding counts by
 * status, worst tenant first; per rule, the counts summed over tenants; and the tenants that could not
 * be scanned, with the stage that failed. Built from each tenant's report (or its recorded counts in
 * the state store): the same numbers a single-tenant scan shows.
 */
import { TOOL_NAME, packageVersion as toolVersion } from '../package.js';
import { FINDING_STATUSES, SEVERITIES_MOST_SEVERE_FIRST, severityCounts, type FindingStatus, type Severity } from '../vocabulary.js';
import type { Report } from './report.js';

export type RollupStage = 'config' | 'auth' | 'collect' | 'signins' | 'evaluate' | 'record' | 'output';

export interface RollupFailure {
  /** The tenant's name in the tenants file. */
  tenant: string;
  tenantId?: string;
  stage: RollupStage;
  message: string;
}

export interface RollupRuleCounts {
  ruleId: string;
  title: string;
  severity: Severity;
  counts: Record<FindingStatus, number>;
}

export interface RollupTenant {
  /** The tenant's name in the tenants file (or its display name from the store). */
  name: string;
  tenantId: string;
  displayName: string | null;
  snapshotCollectedAt: string;
  generatedAt: string;
  /** The scan's id in the state store, when recorded. */
  scanId?: number;
  principals: number;
  /** Healthy ÷ in scope (healthy + unhealthy + unknown) over every rule; null when nothing is in scope. */
  score: number | null;
  /** Unhealthy findings by the rule's severity: what orders the roll-up. */
  unhealthy: Record<Severity, number>;
  totals: Record<FindingStatus, number>;
  /** Collections that were missing (their verdicts are unknown). */
  dataGaps: string[];
  /** A required collection could not be read: the verdicts stand but the tenant also counts as failed. */
  incomplete?: boolean;
  rules: RollupRuleCounts[];
}

export interface RollupRule {
  ruleId: string;
  title: string;
  severity: Severity;
  /** Summed over the tenants. */
  counts: Record<FindingStatus, number>;
  /** Tenants with at least one unhealthy finding of the rule. */
  tenantsUnhealthy: number;
}

export interface Rollup {
  mfaguardRollup: 1;
  generatedAt: string;
  generator: { name: string; version: string };
  /** Worst first: most unhealthy high, then medium, then low findings, then most unknown, then by name. */
  tenants: RollupTenant[];
  failures: RollupFailure[];
  /** Every rule seen, most severe first, then by the number of tenants it fails in. */
  rules: RollupRule[];
}

const emptyCounts = () => Object.fromEntries(FINDING_STATUSES.map((s) => [s, 0])) as Record<FindingStatus, number>;

/** What a roll-up row needs of a report: the header (summary, rules, gaps), never the findings. */
export type ReportHeader = Pick<Report, 'tenant' | 'snapshotCollectedAt' | 'generatedAt' | 'summary' | 'rules' | 'dataGaps'> & { principalCount: number };

export function headerOf(report: Report): ReportHeader {
  return { tenant: report.tenant, snapshotCollectedAt: report.snapshotCollectedAt, generatedAt: report.generatedAt, summary: report.summary, rules: report.rules, dataGaps: report.dataGaps, principalCount: report.principals.length };
}

/** One tenant's roll-up row from its report's summary (counts per rule and status). */
export function rollupRow(name: string, h: ReportHeader, extra: { scanId?: number; incomplete?: boolean } = {}): RollupTenant {
  const info = new Map(h.rules.map((r) => [r.id, r]));
  const ids = [...new Set([...h.rules.map((r) => r.id), ...Object.keys(h.summary.rules)])];
  const rules: RollupRuleCounts[] = ids.map((id) => {
    const counts = { ...emptyCounts(), ...h.summary.rules[id] };
    const r = info.get(id);
    return { ruleId: id, title: r?.title ?? id, severity: r?.severity ?? 'medium', counts };
  });
  const totals = emptyCounts();
  const unhealthy = severityCounts();
  for (const r of rules) {
    for (const s of FINDING_STATUSES) totals[s] += r.counts[s];
    unhealthy[r.severity] += r.counts.unhealthy;
  }
  const inScope = totals.healthy + totals.unhealthy + totals.unknown;
  return {
    name, tenantId: h.tenant.id, displayName: h.tenant.displayName, snapshotCollectedAt: h.snapshotCollectedAt, generatedAt: h.generatedAt,
    ...(extra.scanId !== undefined ? { scanId: extra.scanId } : {}),
    principals: h.principalCount, score: inScope ? Math.round((totals.healthy / inScope) * 1000) / 1000 : null,
    unhealthy, totals, dataGaps: h.dataGaps.map((g) => g.key), ...(extra.incomplete ? { incomplete: true } : {}), rules,
  };
}

/** Worst first (see Rollup.tenants). */
export function compareTenants(a: RollupTenant, b: RollupTenant): number {
  for (const s of SEVERITIES_MOST_SEVERE_FIRST) if (a.unhealthy[s] !== b.unhealthy[s]) return b.unhealthy[s] - a.unhealthy[s];
  if (a.totals.unknown !== b.totals.unknown) return b.totals.unknown - a.totals.unknown;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function buildRollup(rows: readonly RollupTenant[], failures: readonly RollupFailure[], now = new Date()): Rollup {
  const tenants = [...rows].sort(compareTenants);
  const rules = new Map<string, RollupRule>();
  for (const t of tenants) {
    for (const r of t.rules) {
      let agg = rules.get(r.ruleId);
      if (!agg) rules.set(r.ruleId, (agg = { ruleId: r.ruleId, title: r.title, severity: r.severity, counts: emptyCounts(), tenantsUnhealthy: 0 }));
      for (const s of FINDING_STATUSES) agg.counts[s] += r.counts[s];
      if (r.counts.unhealthy) agg.tenantsUnhealthy++;
    }
  }
  const rank = (s: Severity) => SEVERITIES_MOST_SEVERE_FIRST.indexOf(s);
  return {
    mfaguardRollup: 1,
    generatedAt: now.toISOString(),
    generator: { name: TOOL_NAME, version: toolVersion() },
    tenants,
    failures: [...failures].sort((a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0)),
    rules: [...rules.values()].sort((a, b) => rank(a.severity) - rank(b.severity) || b.tenantsUnhealthy - a.tenantsUnhealthy || b.counts.unhealthy - a.counts.unhealthy || (a.ruleId < b.ruleId ? -1 : 1)),
  };
}
