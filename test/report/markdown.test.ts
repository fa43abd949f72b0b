/**
 * Markdown summary: table sanity (every row of a table has the header's cell count, counting only
 * unescaped pipes, and is one line), escaping of hostile names, the limit, the final line.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mdEscape } from '../../src/report/markdown.js';
import type { Report } from '../../src/report/report.js';
import { loadExplainers } from '../../src/report/explainers.js';
import { demoReport, emptyReport, lazyReport, render, trickyReport } from './formats-helpers.js';

/** Cells of a GFM table row: split on pipes not preceded by a backslash. */
function cells(line: string): string[] {
  expect(line.startsWith('| ') && line.endsWith(' |')).toBe(true);
  return line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());
}

/** Every table in the document: header, delimiter row, rows; all with the same number of cells. */
function tables(md: string): string[][][] {
  const out: string[][][] = [];
  let current: string[][] | undefined;
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) {
      if (!current) out.push((current = []));
      current.push(cells(line));
    } else current = undefined;
  }
  for (const t of out) {
    expect(t.length).toBeGreaterThanOrEqual(2);
    const width = t[0]!.length;
    for (const row of t) expect(row).toHaveLength(width);
    for (const d of t[1]!) expect(d).toMatch(/^:?-{2,}:?$/);
  }
  return out;
}

const lastLine = (md: string) => md.trimEnd().split('\n').at(-1)!;

let demo: Report;
beforeAll(async () => {
  demo = await demoReport();
});

describe('markdown', () => {
  it('header, coverage table, rule table, lists and final line (demo tenant)', async () => {
    const md = (await render('markdown', demo)).text;
    expect(md.split('\n')[0]).toBe('## mfaguard: MFA coverage for Northwind Traders');
    expect(md).toContain(`\`${demo.tenant.id}\``);
    expect(md).toContain(demo.generatedAt);
    expect(md).toContain(`${demo.principals.length} users`);
    const [coverage, rules, ...lists] = tables(md);
    // The last column counts uncertain cells, already counted in their state (issue 10).
    expect(coverage![0]).toEqual(['target', 'blocked', 'enforced', 'trustedLocationBypass', 'conditional', 'reportOnly', 'excluded', 'none', 'uncertain']);
    expect(coverage!.slice(2).map((r) => r.slice(1, -1).reduce((a, b) => a + Number(b), 0))).toEqual(Array(5).fill(demo.principals.length));
    expect(rules!.slice(2).map((r) => r[0])).toEqual(demo.rules.map((r) => `\`${r.id}\``));
    for (const row of rules!.slice(2)) {
      const s = demo.summary.rules[row[0]!.slice(1, -1)]!;
      expect(row.slice(2).map((c) => c.replace(/\*/g, ''))).toEqual([s.healthy, s.unhealthy, s.exempt, s.notApplicable, s.unknown].map(String));
    }
    const unhealthy = demo.findings.filter((f) => f.status === 'unhealthy').length;
    expect(lastLine(md)).toMatch(new RegExp(`^\\*\\*❌ ${unhealthy} unhealthy findings\\*\\* \\(\\d+ high, \\d+ medium, \\d+ low\\)$`));
    expect(lists.length).toBe(demo.rules.filter((r) => demo.summary.rules[r.id]!.unhealthy + demo.summary.rules[r.id]!.unknown > 0).length);
    expect(md).toContain('adm-jleverling@northwindtraders.com');
    expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
  });

  it('respects the limit and says how many more there are', async () => {
    const md = (await render('markdown', demo, { limit: 2 })).text;
    const lists = tables(md).slice(2);
    for (const t of lists) expect(t.length - 2).toBeLessThanOrEqual(2);
    const reg = demo.summary.rules['mfa-registration']!;
    expect(md).toContain(`… and ${reg.unhealthy + reg.unknown - 2} more`);
    // Sorted by name within the list
    const regList = lists.find((t) => t.slice(2).some((r) => r[2]!.startsWith('not MFA capable')))!;
    const names = regList.slice(2).map((r) => r[0]!);
    expect(names).toEqual([...names].sort());
    const none = (await render('markdown', demo, { limit: 0 })).text;
    expect(tables(none)).toHaveLength(2);
    expect(none).toContain('<details>');
  });

  it('escapes pipes, newlines and markup in names and reasons so tables hold', async () => {
    const report = trickyReport();
    const md = (await render('markdown', report)).text;
    const all = tables(md);
    expect(all.length).toBe(5); // coverage, rules, and the lists of rule-a, rule-b and orphan-rule
    expect(md).not.toMatch(/<script>|<b>/);
    expect(md).toContain('a \\| b \\|\\| c \\\\\\| d');
    expect(md).toContain('first line,\\\\nsecond "line"\\\\r\\\\nthird'); // tenant line breaks shown escaped (\n, backslash-escaped)
    expect(md).toContain('\\*star\\* \\_under\\_ \\`tick\\` \\[link\\](http://x) \\#hash \\~strike\\~');
    expect(md).toContain('> [!WARNING]');
    expect(md).toContain('> - authenticationRequirements could not be read (403 \\| "Forbidden" \\<x\\>)');
    // Heading: tenant name escaped, its newline shown as \n (the heading stays one line)
    expect(md.split('\n')[0]).toBe('## mfaguard: MFA coverage for Contoso, "Ltd" \\<\\&\\> \\| pipes\\\\nnewline');
    // Raw HTML <summary>: HTML-escaped, not backslash-escaped
    expect(md).toContain('<summary><code>rule-a</code> (high): ');
    expect(md).toContain('Rule A: &#34;owners&#34; &#60;must&#62; have MFA | always</summary>');
    expect(md).toContain('<summary><code>orphan-rule</code> (unknown severity): 1 to review — orphan-rule</summary>');
    expect(lastLine(md)).toMatch(/^\*\*❌ 5 unhealthy findings\*\* \(2 high, 1 medium, 2 low\) · 3 unknown \(data missing\) · 2 exempt \(accepted; not counted\)$/);
    expect(mdEscape('a|b\nc')).toBe('a\\|b\\\\nc');
  });

  it('shows the rule explainer, collapsed, in each list of accounts when given; nothing else changes', async () => {
    const explainers = await loadExplainers(demo.rules.map((r) => r.id));
    const plain = (await render('markdown', demo)).text;
    const md = (await render('markdown', demo, { explainers })).text;
    expect(plain).not.toContain('About this rule');
    const about = /<details><summary>About this rule \/ how to fix<\/summary>\n\n([\s\S]*?)\n\n<\/details>\n\n/g;
    const sections = [...md.matchAll(about)];
    const listed = demo.rules.filter((r) => demo.summary.rules[r.id]!.unhealthy + demo.summary.rules[r.id]!.unknown > 0);
    expect(sections.map((m) => /^\*\*([a-z-]+) — /.exec(m[1]!)?.[1])).toEqual(listed.map((r) => r.id));
    for (const m of sections) {
      expect(m[1]).not.toMatch(/^#/m); // the report keeps its own headings
      expect(m[1]).toMatch(/\*\*Fix\.\*\*/);
    }
    expect(md.replace(about, '')).toBe(plain);
  });

  it('keeps an explainer from opening raw HTML (outside code)', async () => {
    const explainers = new Map(demo.rules.map((r) => [r.id, `## ${r.id} <b>x</b>\n\n**Fix.** <script>alert(1)</script> \`<code-ok>\`\n`]));
    const md = (await render('markdown', demo, { explainers })).text;
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<b>x');
    expect(md).toContain('**Fix.** &lt;script>alert(1)&lt;/script> `<code-ok>`');
  });

  it('an empty report: tables, no lists, a green final line', async () => {
    const md = (await render('markdown', emptyReport())).text;
    expect(tables(md)).toHaveLength(2);
    expect(md).not.toContain('<details>');
    expect(lastLine(md)).toBe('**✅ No unhealthy findings**');
    expect(md).toContain('0 users');
  });

  it('only iterates principals and findings (works on lazy iterables)', async () => {
    const report = trickyReport();
    expect((await render('markdown', lazyReport(report))).text).toBe((await render('markdown', report)).text);
  });
});
