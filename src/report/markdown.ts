/**
 * Markdown summary for a CI step summary ($GITHUB_STEP_SUMMARY) or a pull-request comment: tenant and
 * times, data gaps, coverage by target, the rule table with counts, the first `limit` accounts that
 * need attention per rule (unhealthy first, then unknown; by name) in collapsible sections, each with
 * the rule's explainer when given (collapsed), and a final verdict line. GitHub-flavoured Markdown tables.
 *
 * Everything that comes from the directory (names, reasons) is escaped: control and bidi characters
 * become visible escapes (escapeControls, so a tenant line break is `\n`, never a new row), Markdown punctuation that
 * could start emphasis, links, code or HTML, and "|", are backslash-escaped, so a cell can never
 * break its table row. Reasons are cut at 280 characters to keep the summary
 * within a PR comment's size; the full text is in the JSON/CSV reports.
 */
import { chunked } from './chunk.js';
import { explainerMarkdown, type Explainers } from './explainers.js';
import type { Sink } from './json.js';
import { exemptionLines, hygieneLines, uncertainCounts, type Report } from './report.js';
import type { Finding } from '../rules/types.js';
import { escapeControls, FINDING_STATUSES, SEVERITIES_MOST_SEVERE_FIRST, STATES, STATUS_COLUMNS, TARGETS, TARGET_LABELS, severityCounts } from '../vocabulary.js';

const REASON_MAX = 280;

/** Inline text safe for a table cell or a heading. */
export function mdEscape(s: string): string {
  return escapeControls(s).replace(/[\\`*_[\]<>|~&#!]/g, (c) => `\\${c}`);
}

function cut(s: string, n: number): string {
  if (s.length <= n) return s;
  let end = n - 1;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // do not split a surrogate pair
  return s.slice(0, end) + '…';
}

function htmlEscape(s: string): string {
  return escapeControls(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const row = (cells: string[]) => `| ${cells.join(' | ')} |\n`;

interface Listed { name: string; status: string; reason: string }

/** Keeps the `limit` first entries in (unhealthy before unknown, then name) order, bounded memory. */
class TopList {
  readonly items: Listed[] = [];
  count = 0;
  constructor(private readonly limit: number) {}
  static cmp(a: Listed, b: Listed): number {
    if (a.status !== b.status) return a.status === 'unhealthy' ? -1 : 1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  }
  add(item: Listed): void {
    this.count++;
    if (this.limit === 0) return;
    if (this.items.length >= this.limit && TopList.cmp(item, this.items[this.items.length - 1]!) >= 0) return;
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (TopList.cmp(this.items[mid]!, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, item);
    if (this.items.length > this.limit) this.items.pop();
  }
}

export async function writeMarkdown(report: Report, write: Sink, opts: { limit: number; explainers?: Explainers | undefined }): Promise<void> {
  let users = 0;
  for (const _ of report.principals) users++;
  const lists = new Map<string, TopList>();
  const unhealthyBySeverity = severityCounts();
  let unhealthy = 0;
  let unknown = 0;
  let exempt = 0;
  for (const f of report.findings) {
    if (f.status === 'exempt') exempt++;
    if (f.status !== 'unhealthy' && f.status !== 'unknown') continue;
    if (f.status === 'unhealthy') {
      unhealthy++;
      if (f.severity in unhealthyBySeverity) unhealthyBySeverity[f.severity]++;
    } else unknown++;
    let list = lists.get(f.ruleId);
    if (!list) lists.set(f.ruleId, (list = new TopList(opts.limit)));
    list.add(listed(f));
  }

  const out = chunked(write);
  const t = report.tenant;
  await out.push(`## mfaguard: MFA coverage for ${mdEscape(t.displayName ?? t.id)}\n\n`);
  await out.push(`Tenant \`${escapeControls(t.id).replace(/`/g, '')}\` · snapshot collected ${mdEscape(report.snapshotCollectedAt)} · report generated ${mdEscape(report.generatedAt)} · ${users} users\n\n`);

  if (report.dataGaps.length) {
    await out.push('> [!WARNING]\n> **Data gaps**: verdicts that depend on these collections are *unknown*, never healthy.\n');
    for (const g of report.dataGaps) await out.push(`> - ${mdEscape(g.reason)}\n`);
    await out.push('\n');
  }

  const hygiene = hygieneLines(report);
  if (hygiene.length) {
    await out.push('> [!WARNING]\n> **Policy hygiene**: policies name objects that do not exist; they match nobody (verdicts unchanged).\n');
    for (const m of hygiene) await out.push(`> - ${mdEscape(m)}\n`);
    await out.push('\n');
  }

  const ex = exemptionLines(report);
  if (ex.expiringSoon.length) {
    await out.push('> [!NOTE]\n> **Exemptions expiring within 14 days**\n');
    for (const m of ex.expiringSoon) await out.push(`> - ${mdEscape(m)}\n`);
    await out.push('\n');
  }
  if (ex.unmatched.length) {
    await out.push('> [!WARNING]\n> **Exemptions that match nothing in this tenant** (check the configuration)\n');
    for (const m of ex.unmatched) await out.push(`> - ${mdEscape(m)}\n`);
    await out.push('\n');
  }

  const uncertain = uncertainCounts(report.principals);
  await out.push('### Coverage by target (users)\n\n');
  await out.push(row(['target', ...STATES, 'uncertain']));
  await out.push(row(['---', ...STATES.map(() => '--:'), '--:']));
  for (const target of TARGETS) {
    const counts = report.summary.coverage[target];
    await out.push(row([mdEscape(TARGET_LABELS[target]), ...STATES.map((s) => String(counts?.[s] ?? 0)), String(uncertain[target])]));
  }
  await out.push('\nStates, strongest first; the first three are healthy. *uncertain*: cells (counted in their state) that missing data could change.\n\n');

  await out.push('### Rules\n\n');
  await out.push(row(['rule', 'severity', ...FINDING_STATUSES.map((st) => STATUS_COLUMNS[st])]));
  await out.push(row(['---', '---', ...FINDING_STATUSES.map(() => '--:')]));
  for (const r of report.rules) {
    const s = report.summary.rules[r.id];
    const counts = FINDING_STATUSES.map((st) => {
      const n = String(s?.[st] ?? 0);
      return st === 'unhealthy' && s && s.unhealthy > 0 ? `**${n}**` : n;
    });
    await out.push(row([`\`${escapeControls(r.id).replace(/`/g, '')}\``, r.severity, ...counts]));
  }
  await out.push('\n');

  const ruleOrder = [...report.rules.map((r) => r.id), ...[...lists.keys()].filter((id) => !report.rules.some((r) => r.id === id))];
  const withLists = ruleOrder.filter((id) => lists.get(id)?.count);
  if (withLists.length) {
    await out.push('### Accounts that need attention\n\n');
    for (const id of withLists) {
      const list = lists.get(id)!;
      const rule = report.rules.find((r) => r.id === id);
      const title = rule ? `${rule.title}` : id;
      // Raw HTML block: Markdown escapes do not apply inside it, HTML escaping does.
      await out.push(`<details><summary><code>${htmlEscape(id)}</code> (${htmlEscape(rule?.severity ?? 'unknown severity')}): ${list.count} to review — ${htmlEscape(title)}</summary>\n\n`);
      if (list.items.length) {
        await out.push(row(['resource', 'status', 'reason']));
        await out.push(row(['---', '---', '---']));
        for (const item of list.items) await out.push(row([mdEscape(item.name), item.status, mdEscape(cut(item.reason, REASON_MAX))]));
        await out.push('\n');
      }
      if (list.count > list.items.length) await out.push(`… and ${list.count - list.items.length} more (all of them are in the JSON and CSV reports).\n\n`);
      if (rule) await out.push(`**Fix:** ${mdEscape(rule.remediation)}\n\n`);
      const explainer = opts.explainers?.get(id);
      if (explainer !== undefined) await out.push(`<details><summary>About this rule / how to fix</summary>\n\n${explainerMarkdown(explainer)}\n\n</details>\n\n`);
      await out.push('</details>\n\n');
    }
  }

  await out.push('---\n\n');
  const sev = SEVERITIES_MOST_SEVERE_FIRST.filter((s) => unhealthyBySeverity[s]).map((s) => `${unhealthyBySeverity[s]} ${s}`).join(', ');
  const unknownNote = (unknown ? ` · ${unknown} unknown (data missing)` : '') + (exempt ? ` · ${exempt} exempt (accepted; not counted)` : '');
  await out.push(unhealthy
    ? `**❌ ${unhealthy} unhealthy finding${unhealthy === 1 ? '' : 's'}** (${sev})${unknownNote}\n`
    : `**✅ No unhealthy findings**${unknownNote}\n`);
  await out.flush();
}

function listed(f: Finding): Listed {
  return { name: f.resourceName || f.resourceId, status: f.status, reason: f.reason };
}
