/** Renderers of a ReportDiff (diff.ts): terminal table, JSON, Markdown; OCSF is in ocsf.ts (writeOcsfDiff). */
import { chunked } from './chunk.js';
import { CHANGE_KINDS, CHANGE_LABELS, type CellChange, type CellSide, type DiffSide, type ReportDiff } from './diff.js';
import type { Sink } from './json.js';
import { mdEscape } from './markdown.js';
import { writeOcsfDiff } from './ocsf.js';
import { escapeControls, escapeJsonControls, MECHANISM_LABELS, STATE_LABELS, STATUS_LABELS, TARGET_LABELS } from '../vocabulary.js';

export const DIFF_FORMATS = ['table', 'json', 'markdown', 'ocsf'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export function renderDiff(diff: ReportDiff, format: DiffFormat, write: Sink): Promise<void> {
  switch (format) {
    case 'table': return writeDiffTable(diff, write);
    case 'json': return writeDiffJson(diff, write);
    case 'markdown': return writeDiffMarkdown(diff, write);
    case 'ocsf': return writeOcsfDiff(diff, write);
  }
}

const sideName = (s: DiffSide) => (s.scanId !== undefined ? `scan ${s.scanId}` : s.file !== undefined ? escapeControls(s.file) : 'report') + ` (collected ${s.collectedAt})`;

function cellText(c: CellSide | null): string {
  if (!c) return '—';
  const mech = c.mechanisms.map((m) => MECHANISM_LABELS[m] ?? m).join(', ');
  return `${STATE_LABELS[c.state] ?? c.state}${mech ? ` (${mech})` : ''}`;
}

function cellLines(cells: CellChange[], indent: string, esc: (s: string) => string = escapeControls): string[] {
  return cells.map((c) => {
    const why = c.after?.reason ?? c.before?.reason ?? '';
    return `${indent}${TARGET_LABELS[c.target]}: ${cellText(c.before)} → ${cellText(c.after)}${why ? `: ${esc(why)}` : ''}`;
  });
}

const countsLine = (d: ReportDiff) => CHANGE_KINDS.map((k) => `${d.counts[k]} ${CHANGE_LABELS[k]}`).join(', ');

async function writeDiffTable(d: ReportDiff, write: Sink): Promise<void> {
  const out = chunked(write);
  await out.push(`Tenant ${escapeControls(d.tenant.displayName ?? d.tenant.id)} (${escapeControls(d.tenant.id)}): ${sideName(d.from)} → ${sideName(d.to)}\n`);
  await out.push(`${countsLine(d)}\n`);
  for (const kind of CHANGE_KINDS) {
    const list = d.changes.filter((c) => c.kind === kind);
    if (!list.length) continue;
    await out.push(`\n${CHANGE_LABELS[kind].toUpperCase()} (${list.length})\n`);
    for (const c of list) {
      const status = `${c.before ? STATUS_LABELS[c.before.status] : 'absent'} → ${c.after ? STATUS_LABELS[c.after.status] : 'absent'}`;
      await out.push(`  ${c.severity.padEnd(6)} ${c.ruleId.padEnd(28)} ${escapeControls(c.resourceName)}  [${status}]\n`);
      const reason = c.after?.reason ?? c.before?.reason;
      if (reason) await out.push(`      ${escapeControls(reason)}\n`);
      for (const l of cellLines(c.coverage, '      ')) await out.push(l + '\n');
    }
  }
  const moved = d.principals.filter((p) => p.change !== 'changed');
  const changed = d.principals.filter((p) => p.change === 'changed');
  await out.push(`\nCoverage: ${changed.length} users with changed cells, ${moved.filter((p) => p.change === 'added').length} added, ${moved.filter((p) => p.change === 'removed').length} removed\n`);
  await out.flush();
}

/** The diff as JSON (`mfaguardDiff: 1`), without the renderer-only fields. */
async function writeDiffJson(d: ReportDiff, write: Sink): Promise<void> {
  const { rules: _rules, findingsForEvents: _events, ...rest } = d;
  await write(escapeJsonControls(JSON.stringify(rest, null, 2)) + '\n');
}

async function writeDiffMarkdown(d: ReportDiff, write: Sink): Promise<void> {
  const out = chunked(write);
  const side = (s: DiffSide) => mdEscape(sideName(s));
  await out.push(`## MFA changes: ${mdEscape(d.tenant.displayName ?? d.tenant.id)}\n\n${side(d.from)} → ${side(d.to)}\n\n`);
  await out.push(`| change | findings |\n|---|---:|\n`);
  for (const k of CHANGE_KINDS) await out.push(`| ${CHANGE_LABELS[k]} | ${d.counts[k]} |\n`);
  for (const kind of CHANGE_KINDS) {
    const list = d.changes.filter((c) => c.kind === kind);
    if (!list.length) continue;
    await out.push(`\n### ${CHANGE_LABELS[kind]} (${list.length})\n\n| severity | rule | resource | status | why | coverage changes |\n|---|---|---|---|---|---|\n`);
    for (const c of list) {
      const status = `${c.before ? STATUS_LABELS[c.before.status] : 'absent'} → ${c.after ? STATUS_LABELS[c.after.status] : 'absent'}`;
      const cells = cellLines(c.coverage, '', (x) => x).map(mdEscape).join('<br>');
      await out.push(`| ${c.severity} | \`${c.ruleId}\` | ${mdEscape(c.resourceName)} | ${status} | ${mdEscape(c.after?.reason ?? c.before?.reason ?? '')} | ${cells} |\n`);
    }
  }
  await out.flush();
}
