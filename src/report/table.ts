/** Terminal report: a summary per rule, coverage per target, then the accounts that need attention. */
import type { Finding } from '../rules/types.js';
import { FINDING_STATUSES, SEVERITY_STYLE, STATES, STATUS_COLUMNS, STATUS_STYLE, TARGETS, painter, stateStyle, type CoverageState } from '../vocabulary.js';
import { hygieneLines, uncertainCounts, type Report } from './report.js';

export interface TableOptions {
  color: boolean;
  /** Unhealthy findings listed per rule before "... and N more". */
  limit: number;
}

export function renderTable(report: Report, opts: TableOptions): string {
  const paint = painter(opts.color);
  const lines: string[] = [];
  const t = report.tenant;
  lines.push(paint('bold', `mfaguard report — ${t.displayName ?? t.id} (${t.id})`));
  lines.push(`snapshot collected ${report.snapshotCollectedAt}; ${report.principals.length} users`);
  if (report.dataGaps.length) {
    lines.push(paint('yellow', 'Data gaps (verdicts that depend on them are "unknown", never "healthy"):'));
    for (const g of report.dataGaps) lines.push(paint('yellow', `  - ${g.reason}`));
  }
  const hygiene = hygieneLines(report);
  if (hygiene.length) {
    lines.push(paint('yellow', 'Policy hygiene (references to objects that do not exist; they match nobody, verdicts unchanged):'));
    for (const m of hygiene) lines.push(paint('yellow', `  - ${m}`));
  }
  lines.push('');

  lines.push(paint('bold', 'Coverage by target (users)'));
  const stateCols: CoverageState[] = [...STATES];
  // "uncertain" counts cells (already in a state column) that missing data could change, as the HTML matrix does.
  const head = ['target', ...stateCols, 'uncertain'];
  const uncertain = uncertainCounts(report.principals);
  const rows = TARGETS.map((target) => [target, ...stateCols.map((s) => String(report.summary.coverage[target][s])), String(uncertain[target])]);
  lines.push(...grid([head, ...rows], (r, c, cell) => {
    if (r === 0) return paint('bold', cell);
    if (c === 0 || cell === '0') return cell;
    return c > stateCols.length ? paint('yellow', cell) : paint(stateStyle(stateCols[c - 1]!), cell);
  }));
  lines.push('');

  lines.push(paint('bold', 'Rules'));
  const ruleHead = ['rule', 'severity', ...FINDING_STATUSES.map((st) => STATUS_COLUMNS[st])];
  const ruleRows = report.rules.map((r) => {
    const s = report.summary.rules[r.id]!;
    return [r.id, r.severity, ...FINDING_STATUSES.map((st) => String(s[st]))];
  });
  lines.push(...grid([ruleHead, ...ruleRows], (r, c, cell) => {
    if (r === 0) return paint('bold', cell);
    const style = c >= 2 && cell !== '0' ? STATUS_STYLE[FINDING_STATUSES[c - 2]!] : undefined;
    return style ? paint(style, cell) : cell;
  }));

  const byRule = new Map<string, Finding[]>();
  for (const f of report.findings) {
    if (f.status !== 'unhealthy' && f.status !== 'unknown') continue;
    const list = byRule.get(f.ruleId) ?? [];
    list.push(f);
    byRule.set(f.ruleId, list);
  }
  for (const r of report.rules) {
    const list = byRule.get(r.id);
    if (!list?.length) continue;
    lines.push('');
    lines.push(`${paint('bold', r.id)} [${paint(SEVERITY_STYLE[r.severity], r.severity)}] ${r.title}`);
    const sorted = [...list].sort((a, b) => (a.status === b.status ? a.resourceName.localeCompare(b.resourceName) : a.status === 'unhealthy' ? -1 : 1));
    for (const f of sorted.slice(0, opts.limit)) {
      const tag = f.status === 'unhealthy' ? paint('red', 'UNHEALTHY') : paint('yellow', 'UNKNOWN  ');
      lines.push(`  ${tag} ${f.resourceName}`);
      lines.push(`            ${paint('gray', truncate(f.reason, 400))}`);
    }
    if (sorted.length > opts.limit) lines.push(paint('gray', `  ... and ${sorted.length - opts.limit} more (use --format json for all)`));
    lines.push(`  ${paint('cyan', 'fix:')} ${r.remediation}`);
  }
  const unhealthy = report.findings.filter((f) => f.status === 'unhealthy').length;
  const unknown = report.findings.filter((f) => f.status === 'unknown').length;
  const unknownNote = unknown ? paint('yellow', ` ${unknown} unknown (data missing).`) : '';
  lines.push('');
  lines.push((unhealthy ? paint('red', `${unhealthy} unhealthy findings.`) : paint('green', 'No unhealthy findings.')) + unknownNote);
  lines.push(paint('gray', 'Explain one account: mfaguard explain --snapshot PATH --user UPN [--target azureManagement]'));
  return lines.join('\n') + '\n';
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

function grid(rows: string[][], style: (r: number, c: number, cell: string) => string): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((row, r) => '  ' + row.map((cell, c) => style(r, c, cell) + ' '.repeat(widths[c]! - cell.length)).join('  ').trimEnd());
}
