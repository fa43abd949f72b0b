/**
 * `--format html`: one self-contained, offline HTML file (inline CSS and script, no external URL, a
 * Content-Security-Policy that forbids any network access) with an overview (overall and per-rule
 * score, coverage matrix), per-rule lists of accounts to fix with the remediation, searchable and
 * filterable findings and users tables, and a per-user drill-down with every target's state,
 * mechanisms, policies and reason.
 *
 * Built for 100k-user tenants: the data is embedded once, as compact JSON (coverage cells and reasons
 * interned: most users share them), streamed in chunks while `principals` and `findings` are iterated
 * once each with for..of; the page renders one page of rows at a time.
 *
 * Data blocks come first in <body>, so the aggregates the static overview needs (user count, accounts
 * with gaps) are known by the time its markup is written. The overview itself is static HTML
 * (html-page.ts: readable and printable without script); the lists and the drill-down need the inline
 * script (html-client.ts). This module encodes and streams the data blocks.
 */
import { chunked } from './chunk.js';
import { FINDING_STATUSES, HEALTHY_STATES, MECHANISM_LABELS, SEVERITIES_MOST_SEVERE_FIRST, STATES, STATE_LABELS, STATUS_LABELS, TARGETS, TARGET_HINTS, TARGET_LABELS, TARGET_NAMES } from '../vocabulary.js';
import type { CoverageCell } from '../coverage/types.js';
import type { Sink } from './json.js';
import type { Report, ReportRuleInfo } from './report.js';
import { HTML_CLIENT_JS } from './html-client.js';
import { scriptJson } from './html-escape.js';
import { pageBody, pageHead, type HtmlSection, type HtmlStats } from './html-page.js';
import type { RenderOptions } from './formats.js';

/** Version of the embedded data layout (see html-client.ts). */
export const HTML_DATA_VERSION = 1;

class Interner {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

type EncodedCell = [number, string[], string[], number, [number, string[]] | 0];


/** `opts.explainers`: shown per rule in the rule cards and the drill-down (the rest of RenderOptions is for terminals). */
/** `opts.sections`: extra sections after the sign-ins (the remediation plan's review: `mfaguard plan --format html`). */
export async function renderHtmlReport(report: Report, write: Sink, opts: Pick<RenderOptions, 'explainers' | 'trends'> & { sections?: readonly HtmlSection[] } = {}): Promise<void> {
  const out = chunked(write);
  const strings = new Interner();
  const rules: ReportRuleInfo[] = [...report.rules];
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const stateIndex = new Map(STATES.map((s, i) => [s, i]));
  const statusIndex = new Map(FINDING_STATUSES.map((s, i) => [s, i]));
  const sevIndex = new Map(SEVERITIES_MOST_SEVERE_FIRST.map((s, i) => [s, i]));
  const stats: HtmlStats = { principals: 0, enabled: 0, guests: 0, usersWithUnhealthy: 0, findings: 0 };

  await out.push(pageHead(report, opts.explainers));

  // Principals: one row each; coverage cells interned (most users share the same cells).
  const cells: EncodedCell[] = [];
  const cellIndex = new Map<string, number>();
  const cellId = (c: CoverageCell): number => {
    const reason = strings.id(c.reason ?? '');
    const state = stateIndex.get(c.state) ?? STATES.length - 1;
    const unc: EncodedCell[4] = c.uncertain ? [stateIndex.get(c.uncertain.optimisticState) ?? 0, [...c.uncertain.missing]] : 0;
    const key = `${state}|${c.mechanisms.join(',')}|${c.policies.join(',')}|${reason}|${unc ? `${unc[0]}:${unc[1].join(',')}` : ''}`;
    let i = cellIndex.get(key);
    if (i === undefined) {
      i = cells.length;
      cells.push([state, [...c.mechanisms], [...c.policies], reason, unc]);
      cellIndex.set(key, i);
    }
    return i;
  };
  /** lower-case object id -> [row index, the name rules use for the user (UPN ?? displayName ?? id)] */
  const principalIndex = new Map<string, [number, string]>();
  await out.push('<script type="application/json" id="mfaguard-principals">[');
  for (const p of report.principals) {
    const n = stats.principals++;
    if (p.accountEnabled) stats.enabled++;
    if (p.userType === 'Guest') stats.guests++;
    const row = [p.id, p.userPrincipalName, p.displayName, p.userType, p.accountEnabled ? 1 : 0, ...TARGETS.map((t) => cellId(p.coverage[t]))];
    principalIndex.set(p.id.toLowerCase(), [n, p.userPrincipalName ?? p.displayName ?? p.id]);
    await out.push((n ? ',\n' : '\n') + scriptJson(row));
  }
  await out.push('\n]</script>\n');

  // Findings: [rule, status, severity, principal|-1, reason, name?, type?, id?, evidence?]
  const policies = new Map<string, string>();
  const flagged = new Uint8Array(stats.principals);
  await out.push('<script type="application/json" id="mfaguard-findings">[');
  for (const f of report.findings) {
    const n = stats.findings++;
    let ri = ruleIndex.get(f.ruleId);
    if (ri === undefined) {
      ri = rules.length;
      rules.push({ id: f.ruleId, title: f.ruleId, severity: f.severity, resourceType: f.resourceType, origin: '', remediation: '', references: [] });
      ruleIndex.set(f.ruleId, ri);
    }
    const linked = f.resourceType === 'user' ? principalIndex.get(f.resourceId.toLowerCase()) : undefined;
    const row: unknown[] = [ri, statusIndex.get(f.status) ?? 0, sevIndex.get(f.severity) ?? 2, linked ? linked[0] : -1, strings.id(f.reason)];
    if (linked) {
      if (f.resourceName !== linked[1]) row.push(f.resourceName);
      if (f.status === 'unhealthy' && !flagged[linked[0]]) {
        flagged[linked[0]] = 1;
        stats.usersWithUnhealthy++;
      }
    } else {
      row.push(f.resourceName, f.resourceType, f.resourceId);
      // Tenant and policy findings are few; keep their evidence (user evidence repeats the coverage cells).
      if (f.evidence && Object.keys(f.evidence).length) row.push(f.evidence);
      if (f.resourceType === 'policy') policies.set(f.resourceId, f.resourceName);
      collectPolicyNames(f.evidence, policies);
    }
    await out.push((n ? ',\n' : '\n') + scriptJson(row));
  }
  await out.push('\n]</script>\n');

  await out.push('<script type="application/json" id="mfaguard-cells">[');
  for (let i = 0; i < cells.length; i++) await out.push((i ? ',\n' : '\n') + scriptJson(cells[i]));
  await out.push('\n]</script>\n<script type="application/json" id="mfaguard-strings">[');
  for (let i = 0; i < strings.list.length; i++) await out.push((i ? ',\n' : '\n') + scriptJson(strings.list[i]));
  await out.push('\n]</script>\n');

  const meta = {
    mfaguardHtmlData: HTML_DATA_VERSION,
    tenant: report.tenant,
    snapshotCollectedAt: report.snapshotCollectedAt,
    generatedAt: report.generatedAt,
    summary: report.summary,
    dataGaps: report.dataGaps,
    rules,
    targets: TARGETS,
    targetNames: TARGET_NAMES,
    targetLabels: TARGET_LABELS,
    targetHints: TARGET_HINTS,
    states: STATES,
    stateLabels: STATE_LABELS,
    healthyStates: [...HEALTHY_STATES],
    statuses: FINDING_STATUSES,
    statusLabels: STATUS_LABELS,
    severities: SEVERITIES_MOST_SEVERE_FIRST,
    mechanismLabels: MECHANISM_LABELS,
    policies: [...policies],
    stats,
  };
  await out.push(`<script type="application/json" id="mfaguard-meta">${scriptJson(meta)}</script>\n`);

  await out.push(pageBody(report, rules, stats, opts.explainers, opts.trends, opts.sections ?? []));
  await out.push(`<script>${HTML_CLIENT_JS}</script>\n</body>\n</html>\n`);
  await out.flush();
}

/** Policy id -> name pairs found in tenant/policy evidence ({id, displayName} objects, one level deep). */
function collectPolicyNames(evidence: Record<string, unknown> | undefined, into: Map<string, string>): void {
  if (!evidence) return;
  for (const v of Object.values(evidence)) {
    if (!Array.isArray(v)) continue;
    for (const x of v) {
      if (x && typeof x === 'object' && typeof (x as { id?: unknown }).id === 'string' && typeof (x as { displayName?: unknown }).displayName === 'string') {
        const { id, displayName } = x as { id: string; displayName: string };
        if (!into.has(id)) into.set(id, displayName);
      }
    }
  }
}
