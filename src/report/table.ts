/**
 * Terminal report: a summary per rule, coverage per target, then the accounts that need attention.
 * Every string from the tenant or the report passes through `shown` (escapeControls): a name with
 * terminal escapes cannot move the cursor or erase the lines around it.
 */
import type { Finding } from '../rules/types.js';
import { FINDING_STATUSES, SEVERITY_STYLE, escapeControls as shown, STATES, STATUS_COLUMNS, STATUS_STYLE, TARGETS, painter, stateStyle, type CoverageState } from '../vocabulary.js';
import { exemptionLines, hygieneLines, uncertainCounts, type Report } from './report.js';

export interface TableOptions {
  color: boolean;
  /** Unhealthy findings listed per rule before "... and N more". */
  limit: number;
}

export function renderTable(report: Report, opts: TableOptions): string {
  const paint = painter(opts.color);
  const lines: string[] = [];
  const t = report.tenant;
  lines.push(paint('bold', `mfaguard report — ${shown(t.displayName ?? t.id)} (${shown(t.id)})`));
  lines.push(`snapshot collected ${shown(report.snapshotCollectedAt)}; ${report.principals.length} users`);
  if (report.dataGaps.length) {
    lines.push(paint('yellow', 'Data gaps (verdicts that depend on them are "unknown", never "healthy"):'));
    for (const g of report.dataGaps) lines.push(paint('yellow', `  - ${shown(g.reason)}`));
  }
  const hygiene = hygieneLines(report);
  if (hygiene.length) {
    lines.push(paint('yellow', 'Policy hygiene (references to objects that do not exist; they match nobody, verdicts unchanged):'));
    for (const m of hygiene) lines.push(paint('yellow', `  - ${shown(m)}`));
  }
  const ex = exemptionLines(report);
  if (ex.expiringSoon.length) {
    lines.push(paint('yellow', 'Exemptions expiring within 14 days:'));
    for (const m of ex.expiringSoon) lines.push(paint('yellow', `  - ${shown(m)}`));
  }
  if (ex.unmatched.length) {
    lines.push(paint('yellow', 'Exemptions that match nothing in this tenant (check the configuration):'));
    for (const m of ex.unmatched) lines.push(paint('yellow', `  - ${shown(m)}`));
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
    return [shown(r.id), r.severity, ...FINDING_STATUSES.map((st) => String(s[st]))];
  });
  lines.push(...grid([ruleHead, ...ruleRows], (r, c, cell) => {
    if (r === 0) return paint('bold', cell);
    const style = c >= 2 && cell !== '0' ? STATUS_STYLE[FINDING_STATUSES[c - 2]!] : undefined;
    return style ? paint(style, cell) : cell;
  }));

  const byRule = new Map<string, Finding[]>();
  for (const f of report.findings) {
    if (f.status !== 'unhealthy' && f.status !== 'unknown' && f.status !== 'exempt') continue;
    const list = byRule.get(f.ruleId) ?? [];
    list.push(f);
    byRule.set(f.ruleId, list);
  }
  for (const r of report.rules) {
    const list = byRule.get(r.id);
    if (!list?.length) continue;
    lines.push('');
    lines.push(`${paint('bold', shown(r.id))} [${paint(SEVERITY_STYLE[r.severity] ?? 'gray', shown(r.severity))}] ${shown(r.title)}`);
    // unhealthy first, then unknown, then exempt (accepted: shown so an exemption is never invisible)
    const order = (s: string) => (s === 'unhealthy' ? 0 : s === 'unknown' ? 1 : 2);
    const sorted = [...list].sort((a, b) => (a.status === b.status ? a.resourceName.localeCompare(b.resourceName) : order(a.status) - order(b.status)));
    for (const f of sorted.slice(0, opts.limit)) {
      const tag = f.status === 'unhealthy' ? paint('red', 'UNHEALTHY') : f.status === 'unknown' ? paint('yellow', 'UNKNOWN  ') : paint('magenta', 'EXEMPT   ');
      lines.push(`  ${tag} ${shown(f.resourceName)}`);
      for (const part of wrapWords(cutAtWord(shown(f.reason), REASON_MAX), REASON_WIDTH)) lines.push(`${REASON_INDENT}${paint('gray', part)}`);
    }
    if (sorted.length > opts.limit) lines.push(paint('gray', `  ... and ${sorted.length - opts.limit} more (use --format json for all)`));
    lines.push(`  ${paint('cyan', 'fix:')} ${shown(r.remediation)}`);
  }
  const unhealthy = report.findings.filter((f) => f.status === 'unhealthy').length;
  const unknown = report.findings.filter((f) => f.status === 'unknown').length;
  const exempt = report.findings.filter((f) => f.status === 'exempt').length;
  const unknownNote = (unknown ? paint('yellow', ` ${unknown} unknown (data missing).`) : '') + (exempt ? paint('magenta', ` ${exempt} exempt (not counted).`) : '');
  lines.push('');
  lines.push((unhealthy ? paint('red', `${unhealthy} unhealthy findings.`) : paint('green', 'No unhealthy findings.')) + unknownNote);
  lines.push(paint('gray', 'Explain one account: mfaguard explain --snapshot PATH --user UPN [--target azureManagement]'));
  return lines.join('\n') + '\n';
}

const REASON_MAX = 400;
const REASON_INDENT = ' '.repeat(12);
/** Reasons wrap so that indent + text fits a 120-column terminal. */
const REASON_WIDTH = 120 - REASON_INDENT.length;

/** At most `n` characters, cut at the last word boundary before the limit, with an ellipsis. */
export function cutAtWord(s: string, n: number): string {
  if (s.length <= n) return s;
  const head = s.slice(0, n - 1);
  const space = head.lastIndexOf(' ');
  return (space > n / 2 ? head.slice(0, space) : head).trimEnd() + '…';
}

/** Lines of at most `width` characters, broken between words (a word longer than a line is split). */
export function wrapWords(s: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of s.split(' ').filter(Boolean)) {
    while (word.length > width) {
      if (line) lines.push(line);
      lines.push(word.slice(0, width));
      word = word.slice(width);
      line = '';
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ' ' + word;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line || !lines.length) lines.push(line);
  return lines;
}

function grid(rows: string[][], style: (r: number, c: number, cell: string) => string): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((row, r) => '  ' + row.map((cell, c) => style(r, c, cell) + ' '.repeat(widths[c]! - cell.length)).join('  ').trimEnd());
}
