/** The JSON report contract of spec/rules.md, built from an evaluation. */
import type { Evaluation } from '../evaluate.js';
import { norm, type DataGap } from '../snapshot/model.js';
import type { UserCoverage } from '../coverage/types.js';
import type { PolicyHygieneWarning } from '../coverage/dangling.js';
import { TOOL_NAME, packageVersion as toolVersion } from '../package.js';
import type { Finding } from '../rules/types.js';
import { exemptionHeaderLines, type ExemptionSummary } from '../config/exemptions.js';
import { FINDING_STATUSES, STATES, TARGETS, type CoverageState, type FindingStatus, type Severity, type Target } from '../vocabulary.js';

export interface ReportPrincipal {
  id: string;
  userPrincipalName: string | null;
  displayName: string | null;
  userType: string | null;
  accountEnabled: boolean;
  coverage: UserCoverage;
}

export interface ReportRuleInfo {
  id: string;
  title: string;
  severity: Severity;
  resourceType: string;
  origin: string;
  remediation: string;
  references: string[];
  protectsAgainst?: string;
  notes?: string;
}

export interface Report {
  mfaguardReport: 1;
  tenant: { id: string; displayName: string | null };
  snapshotCollectedAt: string;
  generatedAt: string;
  /** The mfaguard that evaluated the snapshot (a re-rendered report keeps it). */
  generator?: { name: string; version: string };
  summary: {
    rules: Record<string, Record<FindingStatus, number>>;
    coverage: Record<Target, Record<CoverageState, number>>;
  };
  rules: ReportRuleInfo[];
  dataGaps: DataGap[];
  /**
   * Policies that name users, groups, roles, locations or apps missing from complete collections
   * (spec/coverage.md, dangling references). Absent in reports written before it existed.
   */
  policyHygiene?: PolicyHygieneWarning[];
  /**
   * What the tenant configuration's exemptions did (spec/config.md): exemptions expiring within 14
   * days, ones that match nothing in the snapshot, expired ones. Absent when the scan had no
   * configuration, and in reports written before it existed.
   */
  exemptions?: ExemptionSummary;
  principals: ReportPrincipal[];
  findings: Finding[];
}

export function buildReport(ev: Evaluation, now = new Date()): Report {
  const { model } = ev;
  const rulesSummary: Report['summary']['rules'] = {};
  for (const r of ev.rules) rulesSummary[r.meta.id] = Object.fromEntries(FINDING_STATUSES.map((s) => [s, 0])) as Record<FindingStatus, number>;
  for (const f of ev.findings) rulesSummary[f.ruleId]![f.status]++;
  const coverageSummary = Object.fromEntries(TARGETS.map((t) => [t, Object.fromEntries(STATES.map((s) => [s, 0]))])) as Report['summary']['coverage'];
  const principals: ReportPrincipal[] = model.users.map((u) => {
    const coverage = ev.coverage.get(norm(u.id))!;
    for (const t of TARGETS) coverageSummary[t][coverage[t].state]++;
    return {
      id: u.id,
      userPrincipalName: u.userPrincipalName ?? null,
      displayName: u.displayName ?? null,
      userType: u.userType ?? null,
      accountEnabled: model.isEnabled(u),
      coverage,
    };
  });
  return {
    mfaguardReport: 1,
    tenant: { id: model.snapshot.tenant.id, displayName: model.snapshot.tenant.displayName ?? null },
    snapshotCollectedAt: model.snapshot.collectedAt,
    generatedAt: now.toISOString(),
    generator: { name: TOOL_NAME, version: toolVersion() },
    summary: { rules: rulesSummary, coverage: coverageSummary },
    rules: ev.rules.map((r) => ({
      id: r.meta.id, title: r.meta.title, severity: r.meta.severity, resourceType: r.meta.resourceType,
      origin: r.meta.origin, remediation: r.meta.remediation, references: r.meta.references, protectsAgainst: r.meta.protectsAgainst,
      ...(r.meta.notes ? { notes: r.meta.notes } : {}),
    })),
    dataGaps: ev.dataGaps,
    policyHygiene: ev.engine.policyHygiene,
    ...(ev.exemptions ? { exemptions: ev.exemptions } : {}),
    principals,
    findings: ev.findings,
  };
}

/** Per target, how many users' cells are uncertain (missing data could change the state): the HTML matrix's "uncertain" column. */
export function uncertainCounts(principals: Iterable<ReportPrincipal>): Record<Target, number> {
  const counts = Object.fromEntries(TARGETS.map((t) => [t, 0])) as Record<Target, number>;
  for (const p of principals) for (const t of TARGETS) if (p.coverage?.[t]?.uncertain) counts[t]++;
  return counts;
}

/** The header lines for exemptions expiring within 14 days and exemptions that match nothing (spec/config.md). */
export function exemptionLines(report: Report): { expiringSoon: string[]; unmatched: string[] } {
  return exemptionHeaderLines(report.exemptions);
}

/** The header lines for policy-hygiene warnings: at most `limit` messages, then a count of the rest. */
export function hygieneLines(report: Report, limit = 20): string[] {
  const all = report.policyHygiene ?? [];
  const shown = all.slice(0, limit).map((w) => w.message);
  if (all.length > limit) shown.push(`… and ${all.length - limit} more (all of them are in the JSON report, field policyHygiene)`);
  return shown;
}
