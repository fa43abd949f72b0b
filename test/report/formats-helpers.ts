/**
 * Reports for the format tests: the demo tenant's real report, a hand-made report full of hostile
 * strings (commas, quotes, newlines, <&>, formula injection, control characters, pipes, lone
 * surrogates; interleaved rules; a finding whose rule is not in `rules`), and an empty one.
 */
import { fileURLToPath } from 'node:url';
import { evaluateSnapshot } from '../../src/evaluate.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import { buildReport, type Report, type ReportPrincipal } from '../../src/report/report.js';
import { findFormat, type RenderOptions } from '../../src/report/formats.js';
import { STATES, TARGETS, type UserCoverage } from '../../src/coverage/types.js';
import type { Finding } from '../../src/rules/types.js';
import { escapeControls } from '../../src/vocabulary.js';

export const DEMO = fileURLToPath(new URL('../../demo/tenant.json', import.meta.url));
export const SARIF_SCHEMA = fileURLToPath(new URL('../fixtures/sarif-schema-2.1.0.json', import.meta.url));

export async function demoReport(now = new Date('2026-11-02T09:30:00.000Z')): Promise<Report> {
  const { snapshot } = await loadSnapshot(DEMO);
  return buildReport(evaluateSnapshot(snapshot), now);
}

/** Render through the registry, collecting the chunks the renderer writes. */
export async function render(format: string, report: Report, opts: Partial<RenderOptions> = {}): Promise<{ text: string; chunks: string[] }> {
  const f = findFormat(format);
  if (!f) throw new Error(`no format ${format}`);
  const chunks: string[] = [];
  await f.render(report, (c) => { chunks.push(typeof c === 'string' ? c : Buffer.from(c).toString('utf8')); }, { color: false, limit: 25, ...opts });
  return { text: chunks.join(''), chunks };
}

/** The same report with principals and findings as bare iterables: no length, no indexing, no array methods. */
export function lazyReport(report: Report): Report {
  const only = <T>(items: T[]): T[] => ({ [Symbol.iterator]: () => items[Symbol.iterator]() }) as unknown as T[];
  return { ...report, principals: only(report.principals), findings: only(report.findings) };
}

const cell = (state: (typeof STATES)[number], reason: string) => ({ state, mechanisms: state === 'none' ? [] : ['conditionalAccess' as const], policies: state === 'none' ? [] : ['pol-1'], reason });

function coverage(state: (typeof STATES)[number], reason: string): UserCoverage {
  return Object.fromEntries(TARGETS.map((t) => [t, cell(state, reason)])) as UserCoverage;
}

export const TENANT_ID = '99999999-0000-4000-8000-000000000001';

/** Hostile strings, each one a resourceName below. */
export const NASTY = {
  pipes: 'a | b || c \\| d',
  markdown: '*star* _under_ `tick` [link](http://x) #hash ~strike~',
  formulaEq: '=HYPERLINK("http://evil.example","click"),x',
  formulaPlus: '+cmd|\' /C calc\'!A0',
  formulaMinus: '-2+3',
  multiLine: 'first line,\nsecond "line"\r\nthird',
  markup: '<script>alert("x")</script> & <b>bold</b> \'q\'',
  formulaAt: '@SUM(1+1)*cmd|\' /C calc\'!A0',
  tabStart: '\tstarts with a tab',
  control: 'bell\u0007 esc\u001b[31m nul\u0000 end',
  emoji: 'emoji 😀 ünïcödé',
  lone: 'lone \ud800 surrogate',
} as const;

export function trickyReport(): Report {
  const names = Object.values(NASTY);
  const principals: ReportPrincipal[] = names.map((n, i) => ({
    id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
    userPrincipalName: `user${i + 1}@contoso.example`,
    displayName: n,
    userType: 'Member',
    accountEnabled: i !== 3,
    coverage: coverage(i % 2 ? 'excluded' : 'enforced', `reason for ${n}`),
  }));
  const statuses = ['unhealthy', 'unknown', 'exempt', 'notApplicable', 'healthy'] as const;
  const findings: Finding[] = [];
  principals.forEach((p, i) => {
    const status = statuses[i % statuses.length]!;
    const ruleId = i % 3 === 2 ? 'rule-b' : 'rule-a'; // interleaved: a, a, b, a, a, b, ...
    findings.push({
      ruleId, status, severity: ruleId === 'rule-a' ? 'high' : 'low', resourceType: 'user', resourceId: p.id,
      resourceName: p.displayName!,
      reason: `${status} because of ${p.displayName}; commas, "quotes"\nand a second line`,
      evidence: {
        perUserMfaState: i % 2 ? 'disabled' : 'enforced',
        tier: 'owner',
        roles: [{ role: '=Global Administrator', assignment: 'eligible' }],
        coverage: { anyApp: { state: 'excluded', mechanisms: [], policies: ['p1', 'p2'], uncertain: { optimisticState: 'enforced', missing: ['authenticationRequirements'] } } },
        note: p.displayName,
      },
    });
  });
  findings.push({
    ruleId: 'orphan-rule', status: 'unhealthy', severity: 'medium', resourceType: 'tenant', resourceId: TENANT_ID,
    resourceName: 'Contoso, "Ltd" <&> | pipes', reason: 'tenant-level, rule missing from rules[]', evidence: { missing: ['conditionalAccessPolicies'] },
  });
  findings.push({
    ruleId: 'rule-b', status: 'unhealthy', severity: 'low', resourceType: 'policy', resourceId: 'pol-=1', resourceName: '-CA99 "policy", with <tags>',
    reason: 'policy finding', evidence: {},
  });
  const counts = (id: string) => Object.fromEntries(statuses.map((s) => [s, findings.filter((f) => f.ruleId === id && f.status === s).length])) as Report['summary']['rules'][string];
  return {
    mfaguardReport: 1,
    tenant: { id: TENANT_ID, displayName: 'Contoso, "Ltd" <&> | pipes\nnewline' },
    snapshotCollectedAt: '2026-10-30T12:00:00Z',
    generatedAt: '2026-10-31T08:15:30.123Z',
    summary: {
      rules: { 'rule-a': counts('rule-a'), 'rule-b': counts('rule-b') },
      coverage: Object.fromEntries(TARGETS.map((t) => [t, Object.fromEntries(STATES.map((s) => [s, principals.filter((p) => p.coverage[t].state === s).length]))])) as Report['summary']['coverage'],
    },
    rules: [
      {
        id: 'rule-a', title: 'Rule A: "owners" <must> have MFA | always', severity: 'high', resourceType: 'user',
        origin: 'Test, origin & more', remediation: '=Do the thing;\nthen <the other>', references: ['not a uri', 'https://learn.microsoft.com/entra/identity/'],
      },
      { id: 'rule-b', title: 'Rule B', severity: 'low', resourceType: 'user', origin: 'o', remediation: 'r', references: [] },
    ],
    dataGaps: [{ key: 'authenticationRequirements', reason: 'authenticationRequirements could not be read (403 | "Forbidden" <x>)' }],
    principals,
    findings,
  };
}

export function emptyReport(): Report {
  return {
    mfaguardReport: 1,
    tenant: { id: TENANT_ID, displayName: null },
    snapshotCollectedAt: '2026-10-30T12:00:00Z',
    generatedAt: '2026-10-31T08:15:30.123Z',
    summary: {
      rules: { 'rule-a': { healthy: 0, unhealthy: 0, exempt: 0, notApplicable: 0, unknown: 0 } },
      coverage: Object.fromEntries(TARGETS.map((t) => [t, Object.fromEntries(STATES.map((s) => [s, 0]))])) as Report['summary']['coverage'],
    },
    rules: [{ id: 'rule-a', title: 'Rule A', severity: 'high', resourceType: 'user', origin: 'o', remediation: 'r', references: ['https://example.com/a'] }],
    dataGaps: [],
    principals: [],
    findings: [],
  };
}

/** What a CSV/Markdown reader should see for a value: control characters escaped, formula-neutralised with a leading apostrophe. */
export const neutralised = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${escapeControls(s)}` : escapeControls(s));

/** What a UTF-8 file holds for a string: lone surrogates become U+FFFD when encoded. */
export const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8');
