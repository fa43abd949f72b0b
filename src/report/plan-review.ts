/**
 * The review of a remediation plan or a what-if (spec/remediation.md): each action with its why, its
 * impact and the guard's verdict, and the before/after coverage matrix. Text (terminal table),
 * Markdown, JSON and HTML. Tenant-controlled text (policy and user names) is escaped for each format.
 */
import type { CoverageMatrix } from '../remediation/impact.js';
import type { GuardResult, Impact, PlanAction } from '../remediation/types.js';
import { STATES, STATE_LABELS, TARGETS, TARGET_NAMES, escapeControls, escapeJsonControls } from '../vocabulary.js';
import { escapeHtml } from './html-escape.js';
import type { HtmlSection } from './html-page.js';

export const REVIEW_FORMATS = ['table', 'markdown', 'json', 'html'] as const;
export type ReviewFormat = (typeof REVIEW_FORMATS)[number];

export interface Review {
  title: string;
  tenantId: string;
  actions: (PlanAction & { file?: string })[];
  guard: GuardResult;
  matrix?: { before: CoverageMatrix; after: CoverageMatrix };
  warnings?: string[];
  /** The whole document for JSON (the plan itself, or the what-if result). */
  json?: unknown;
}

const KIND_VERB: Record<string, string> = {
  createCaPolicy: 'create CA policy', updateCaPolicy: 'change CA policy', enableCaPolicy: 'enable CA policy',
  setPerUserMfa: 'enable per-user MFA', enableSecurityDefaults: 'enable security defaults', registrationCampaign: 'registration campaign',
};

/** One-line summaries of an impact, shared by every human format. */
export function impactLines(impact: Impact | undefined): string[] {
  if (!impact) return ['impact not computed'];
  const lines: string[] = [];
  const changed = TARGETS.filter((t) => impact.targets[t]?.changed);
  if (!changed.length) lines.push('no user changes coverage state');
  for (const t of changed) {
    const x = impact.targets[t]!;
    lines.push(`${TARGET_NAMES[t]}: ${x.transitions.map((tr) => `${tr.count} ${STATE_LABELS[tr.from as keyof typeof STATE_LABELS] ?? tr.from} → ${STATE_LABELS[tr.to as keyof typeof STATE_LABELS] ?? tr.to}`).join(', ')}`);
  }
  if (impact.newlyRequiredNotMfaCapable.count) lines.push(`${impact.newlyRequiredNotMfaCapable.count} newly prompted user(s) not MFA capable`);
  if (impact.newlyBlocked.count) lines.push(`${impact.newlyBlocked.count} user(s) newly blocked`);
  if (impact.signIns) {
    const s = impact.signIns;
    lines.push(`window sign-ins: ${s.challenged.total} would have been challenged, ${s.blocked.total} blocked`);
    for (const a of s.blocked.perApp.slice(0, 5)) lines.push(`  blocked: ${a.signIns} × ${a.appDisplayName ?? a.appId}`);
    for (const a of s.challenged.perApp.slice(0, 5)) lines.push(`  challenged: ${a.signIns} × ${a.appDisplayName ?? a.appId}`);
  }
  for (const n of impact.notComputed) lines.push(`not computed: ${n}`);
  if (impact.ifEnabled) lines.push(...impactLines(impact.ifEnabled).filter((l) => !l.startsWith('not computed')).map((l) => `if enabled: ${l}`));
  return lines;
}

function guardFor(review: Review, a: PlanAction): string {
  const failed = review.guard.checks.filter((c) => !c.passed && c.actionId === a.id);
  if (failed.length) return `REFUSED (${failed.map((c) => c.id).join(', ')})`;
  return a.withheld ? 'withheld' : 'ok';
}

const because = (a: PlanAction) => (a.because.length
  ? `${a.because.length} finding(s): ${[...new Set(a.because.map((b) => b.ruleId))].join(', ')}`
  : 'hand-written policy');

export function renderReview(review: Review, format: ReviewFormat): string {
  switch (format) {
    case 'json': return escapeJsonControls(JSON.stringify(review.json ?? review, null, 2)) + '\n';
    case 'markdown': return markdown(review);
    case 'html': return html(review);
    case 'table': return text(review);
  }
}

function text(r: Review): string {
  const e = escapeControls;
  const out: string[] = [`${e(r.title)} — tenant ${e(r.tenantId)}`, ''];
  for (const w of r.warnings ?? []) out.push(`warning: ${e(w)}`);
  if (r.warnings?.length) out.push('');
  if (!r.actions.length) out.push('No actions.');
  for (const a of r.actions) {
    out.push(`${a.id}  ${KIND_VERB[a.kind] ?? a.kind}  ${e(a.target)}${a.file ? `  (${e(a.file)})` : ''}  [${guardFor(r, a)}]`);
    out.push(`    why: ${because(a)}`);
    if (a.withheld) out.push(`    withheld: ${e(a.withheld)}`);
    for (const l of impactLines(a.impact)) out.push(`    ${e(l)}`);
  }
  out.push('', `Guard: ${r.guard.passed ? 'passed' : 'FAILED'}`);
  for (const c of r.guard.checks) out.push(`  ${c.passed ? 'ok  ' : 'FAIL'} ${c.id}: ${e(c.detail)}`);
  if (r.matrix) out.push('', 'Coverage (users per state, before → after):', ...matrixRows(r.matrix).map((row) => row.join('  ')));
  return out.join('\n') + '\n';
}

function matrixRows(m: NonNullable<Review['matrix']>): string[][] {
  const head = ['target'.padEnd(17), ...STATES.map((s) => STATE_LABELS[s].padStart(14))];
  const rows = TARGETS.map((t) => [TARGET_NAMES[t].padEnd(17), ...STATES.map((s) => {
    const b = m.before[t][s];
    const a = m.after[t][s];
    return (b === a ? String(b) : `${b}→${a}`).padStart(14);
  })]);
  return [head, ...rows];
}

function markdown(r: Review): string {
  const e = (s: string) => escapeControls(s).replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);
  const out: string[] = [`# ${e(r.title)}`, '', `Tenant \`${e(r.tenantId)}\`. Guard: **${r.guard.passed ? 'passed' : 'failed'}**.`, ''];
  if (r.warnings?.length) out.push('## Warnings', '', ...r.warnings.map((w) => `- ${e(w)}`), '');
  out.push('## Actions', '', '| id | action | target | why | guard |', '|---|---|---|---|---|');
  for (const a of r.actions) out.push(`| ${a.id} | ${KIND_VERB[a.kind] ?? a.kind} | ${e(a.target)} | ${e(because(a))} | ${guardFor(r, a)} |`);
  for (const a of r.actions) {
    out.push('', `### ${a.id}: ${KIND_VERB[a.kind] ?? a.kind} ${e(a.target)}`, '');
    if (a.withheld) out.push(`Withheld: ${e(a.withheld)}`, '');
    out.push(...impactLines(a.impact).map((l) => `- ${e(l)}`));
  }
  out.push('', '## Guard', '', ...r.guard.checks.map((c) => `- ${c.passed ? '✅' : '❌'} \`${c.id}\`: ${e(c.detail)}`));
  if (r.matrix) {
    const rows = matrixRows(r.matrix).map((row) => row.map((c) => c.trim()));
    out.push('', '## Coverage before → after', '', `| ${rows[0]!.join(' | ')} |`, `|${rows[0]!.map(() => '---').join('|')}|`, ...rows.slice(1).map((row) => `| ${row.join(' | ')} |`));
  }
  return out.join('\n') + '\n';
}

/** The review's content as HTML (headings from level `h`): the standalone page and the report section share it. */
function reviewHtml(r: Review, level: number): string[] {
  const h = escapeHtml;
  const hx = (text: string) => `<h${level}>${h(text)}</h${level}>`;
  const parts = [`<p>Tenant <code>${h(r.tenantId)}</code>. Guard: <strong class="${r.guard.passed ? 'ok' : 'fail'}">${r.guard.passed ? 'passed' : 'failed'}</strong></p>`];
  if (r.warnings?.length) parts.push(hx('Warnings'), '<ul>', ...r.warnings.map((w) => `<li>${h(w)}</li>`), '</ul>');
  parts.push(hx('Actions'), '<table><tr><th>id</th><th>action</th><th>target</th><th>why</th><th>impact</th><th>guard</th></tr>');
  for (const a of r.actions) {
    parts.push(`<tr><td>${h(a.id)}</td><td>${h(KIND_VERB[a.kind] ?? a.kind)}</td><td>${h(a.target)}</td><td>${h(because(a))}</td><td>${impactLines(a.impact).map(h).join('<br>')}${a.withheld ? `<br>withheld: ${h(a.withheld)}` : ''}</td><td>${h(guardFor(r, a))}</td></tr>`);
  }
  parts.push('</table>', hx('Guard'), '<ul>', ...r.guard.checks.map((c) => `<li class="${c.passed ? 'ok' : 'fail'}"><code>${h(c.id)}</code>: ${h(c.detail)}</li>`), '</ul>');
  if (r.matrix) {
    const rows = matrixRows(r.matrix).map((row) => row.map((c) => c.trim()));
    parts.push(hx('Coverage before → after'), '<table>', `<tr>${rows[0]!.map((c) => `<th>${h(c)}</th>`).join('')}</tr>`, ...rows.slice(1).map((row) => `<tr>${row.map((c) => `<td>${h(c)}</td>`).join('')}</tr>`), '</table>');
  }
  return parts;
}

function html(r: Review): string {
  const h = escapeHtml;
  return [`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${h(r.title)}</title>`,
    '<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}.fail{color:#b00}.ok{color:#070}</style></head><body>',
    `<h1>${h(r.title)}</h1>`, ...reviewHtml(r, 2), '</body></html>\n'].join('\n');
}

/** The review as a section of the HTML report (`mfaguard plan --format html`): renderHtmlReport's `sections`. */
export function reviewHtmlSection(r: Review): HtmlSection {
  return { id: 'remediation-plan', title: r.title, count: r.actions.length, html: reviewHtml(r, 3).join('\n') };
}
