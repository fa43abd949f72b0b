/**
 * Uncertainty in the text summaries (issue 10): the terminal table and the Markdown summary carry the
 * "uncertain" column the HTML matrix has (same numbers), and the table's last line counts unknown findings.
 */
import { describe, expect, it } from 'vitest';
import { evaluateSnapshot } from '../../src/evaluate.js';
import { buildReport, uncertainCounts } from '../../src/report/report.js';
import { renderTable } from '../../src/report/table.js';
import { TARGETS } from '../../src/coverage/types.js';
import { group, memberRef, policy, snapshot, user } from '../helpers/snapshot-builder.js';
import { failed } from '../helpers/coverage.js';
import { render } from './formats-helpers.js';

function uncertainReport() {
  const users = ['a', 'b', 'c'].map((n) => user(`${n}@contoso.com`));
  const staff = group('Staff', users.slice(0, 2).map((u) => memberRef(u)));
  // Group members unreadable: whether the group policy covers anyone cannot be told.
  const snap = snapshot({
    users, groups: [staff.group], ...failed('groupMembers'),
    conditionalAccessPolicies: [policy('MFA staff', { users: { includeUsers: [], includeGroups: [staff.group.id] } })],
  });
  return buildReport(evaluateSnapshot(snap));
}

/** The row of a space-aligned table (or a Markdown table) that starts with `label`, as cells. */
const rowOf = (text: string, label: string) =>
  text.split('\n').map((l) => l.replace(/^\s*\|?\s*/, '').split(/\s*\|\s*|\s{2,}/).filter(Boolean)).find((c) => c[0] === label);

describe('uncertain column', () => {
  it('the terminal table has an uncertain column with the same counts the HTML computes', () => {
    const report = uncertainReport();
    const counts = uncertainCounts(report.principals);
    expect(counts.anyApp).toBe(3);
    const table = renderTable(report, { color: false, limit: 10 });
    const head = rowOf(table, 'target')!;
    expect(head.at(-1)).toBe('uncertain');
    for (const t of TARGETS) expect(rowOf(table, t)!.at(-1)).toBe(String(counts[t]));
    expect(table).toMatch(/No unhealthy findings\. \d+ unknown \(data missing\)\.|unhealthy findings\. \d+ unknown/);
  });

  it('the Markdown summary has the same uncertain column', async () => {
    const report = uncertainReport();
    const { text } = await render('markdown', report);
    expect(rowOf(text, 'target')!.at(-1)).toBe('uncertain');
    const lines = text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| target') && !l.startsWith('| ---'));
    expect(lines.slice(0, TARGETS.length).map((l) => l.split('|').at(-2)!.trim())).toEqual(TARGETS.map((t) => String(uncertainCounts(report.principals)[t])));
  });
});
