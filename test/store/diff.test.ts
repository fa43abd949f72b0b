/**
 * `diff`: change kinds from finding statuses, the coverage cells that changed and why, and the OCSF
 * output that sends only what changed state.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/app/scan.js';
import { CHANGE_KINDS, changeKind, diffReports } from '../../src/report/diff.js';
import { renderDiff } from '../../src/report/diff-formats.js';
import type { Report } from '../../src/report/report.js';
import type { Finding } from '../../src/rules/types.js';
import { FINDING_STATUSES } from '../../src/vocabulary.js';

let demo: Report;
beforeAll(async () => {
  demo = (await scan({ source: { demo: true }, state: false })).report;
});

async function render(d: ReturnType<typeof diffReports>, format: 'table' | 'json' | 'markdown' | 'ocsf'): Promise<string> {
  let out = '';
  await renderDiff(d, format, (c) => { out += typeof c === 'string' ? c : Buffer.from(c).toString(); });
  return out;
}

describe('change kinds', () => {
  it('every transition of a finding status', () => {
    const table: [Finding['status'] | undefined, Finding['status'] | undefined, string | undefined][] = [
      [undefined, 'unhealthy', 'new'], ['notApplicable', 'unhealthy', 'new'], ['unknown', 'unhealthy', 'new'],
      ['healthy', 'unhealthy', 'regressed'], ['exempt', 'unhealthy', 'exemptionExpired'],
      ['unhealthy', 'exempt', 'newlyExempt'], [undefined, 'exempt', 'newlyExempt'], ['healthy', 'exempt', 'newlyExempt'],
      ['unhealthy', 'healthy', 'fixed'], ['unhealthy', undefined, 'fixed'], ['unhealthy', 'notApplicable', 'fixed'], ['exempt', 'healthy', 'fixed'],
      ['healthy', 'unknown', 'becameUnknown'], ['unhealthy', 'unknown', 'becameUnknown'],
      ['unknown', 'healthy', 'unknownResolved'], ['unknown', undefined, 'unknownResolved'],
      [undefined, 'healthy', undefined], ['healthy', undefined, undefined], ['healthy', 'notApplicable', undefined], [undefined, 'unknown', undefined],
    ];
    for (const [a, b, kind] of table) expect(changeKind(a, b), `${a} → ${b}`).toBe(kind);
    for (const s of FINDING_STATUSES) expect(changeKind(s, s)).toBeUndefined();
  });
});

describe('diffReports', () => {
  /** The demo report with some findings' statuses set, and a user's anyApp cell changed. */
  function edited(statuses: Map<string, Finding['status']>, dropUser?: string): Report {
    const findings = demo.findings
      .filter((f) => f.resourceId !== dropUser)
      .map((f) => (statuses.has(`${f.ruleId}|${f.resourceId}`) ? { ...f, status: statuses.get(`${f.ruleId}|${f.resourceId}`)!, reason: 'changed' } : f));
    return { ...demo, generatedAt: '2026-12-01T00:00:00Z', findings, principals: demo.principals.filter((p) => p.id !== dropUser) };
  }
  const userFinding = (status: Finding['status'], n = 0) => demo.findings.filter((f) => f.resourceType === 'user' && f.status === status)[n]!;
  const k = (f: Finding) => `${f.ruleId}|${f.resourceId}`;

  it('classifies each change, names the user cells that changed with their reason before and after', () => {
    const healthy = userFinding('healthy');
    const unhealthy = userFinding('unhealthy');
    const unhealthy2 = userFinding('unhealthy', 1);
    const a = edited(new Map([[k(unhealthy2), 'exempt' as const]]));
    const b = edited(new Map([[k(healthy), 'unhealthy' as const], [k(unhealthy), 'healthy' as const], [k(unhealthy2), 'unhealthy' as const]]));
    // the regressed user's anyApp coverage changed, in B only
    b.principals = b.principals.map((p) => (p.id === healthy.resourceId
      ? { ...p, coverage: { ...p.coverage, anyApp: { state: 'excluded', mechanisms: [], policies: ['p-1'], reason: "excluded through group 'Contractors'" } } }
      : p));
    const d = diffReports(a, b, { scanId: 1 }, { scanId: 2 });
    const byKind = Object.fromEntries(CHANGE_KINDS.map((kind) => [kind, d.changes.filter((c) => c.kind === kind).map((c) => `${c.ruleId}|${c.resourceId}`)]));
    expect(byKind.regressed).toEqual([k(healthy)]);
    expect(byKind.fixed).toEqual([k(unhealthy)]);
    expect(byKind.exemptionExpired).toEqual([k(unhealthy2)]);
    expect(d.counts).toMatchObject({ regressed: 1, fixed: 1, exemptionExpired: 1, new: 0, newlyExempt: 0 });
    const reg = d.changes.find((c) => c.kind === 'regressed')!;
    expect(reg.before).toEqual({ status: 'healthy', reason: healthy.reason });
    expect(reg.after).toEqual({ status: 'unhealthy', reason: 'changed' });
    const before = demo.principals.find((p) => p.id === healthy.resourceId)!.coverage.anyApp;
    expect(reg.coverage).toEqual([{ target: 'anyApp', before: { state: before.state, mechanisms: before.mechanisms, policies: before.policies, reason: before.reason }, after: { state: 'excluded', mechanisms: [], policies: ['p-1'], reason: "excluded through group 'Contractors'" } }]);
    expect(d.principals).toEqual([expect.objectContaining({ id: healthy.resourceId, change: 'changed' })]);
    expect(d.from.scanId).toBe(1);
    expect(d.to.scanId).toBe(2);
  });

  it('new, newly exempt, a user who left (fixed) and became unknown', () => {
    const unhealthy = userFinding('unhealthy');
    const healthy = userFinding('healthy', 3);
    const tenantFinding = demo.findings.find((f) => f.resourceType === 'tenant')!;
    const without = { ...demo, findings: demo.findings.filter((f) => f !== tenantFinding) };
    const b = edited(new Map([[k(healthy), 'exempt' as const], [k(tenantFinding), 'unknown' as const]]), unhealthy.resourceId);
    const d = diffReports({ ...without, findings: [...without.findings, { ...tenantFinding, status: 'healthy' }] }, { ...b, findings: b.findings });
    const kinds = (kind: string) => d.changes.filter((c) => c.kind === kind).map((c) => c.resourceId);
    expect(kinds('newlyExempt')).toEqual([healthy.resourceId]);
    expect(kinds('fixed')).toContain(unhealthy.resourceId);
    expect(kinds('becameUnknown')).toEqual([tenantFinding.resourceId]);
    const removed = d.principals.find((p) => p.id === unhealthy.resourceId)!;
    expect(removed.change).toBe('removed');
    expect(removed.cells.every((c) => c.after === null && c.before !== null)).toBe(true);
    const d2 = diffReports(b, demo);
    expect(d2.changes.filter((c) => c.kind === 'new').map((c) => c.resourceId)).toContain(unhealthy.resourceId);
  });

  it('no change, no entries; a reason or policy list that only reads differently is not a coverage change', () => {
    const b = { ...demo, principals: demo.principals.map((p) => ({ ...p, coverage: { ...p.coverage, anyApp: { ...p.coverage.anyApp, policies: [...p.coverage.anyApp.policies, 'other'], reason: `${p.coverage.anyApp.reason}.` } } })) };
    const d = diffReports(demo, b);
    expect(d.changes).toEqual([]);
    expect(d.principals).toEqual([]);
  });
});

describe('diff formats', () => {
  const hostile = 'Eve\u001b[31m\u202e <script>|*';
  function pair(): [Report, Report] {
    const [f, g] = demo.findings.filter((x) => x.resourceType === 'user' && x.status === 'healthy');
    const fixedOne = demo.findings.find((x) => x.resourceType === 'user' && x.status === 'unhealthy')!;
    const b = {
      ...demo,
      findings: demo.findings.map((x) => (x === f ? { ...x, status: 'unhealthy' as const, resourceName: hostile, reason: `reason ${hostile}` }
        : x === g ? { ...x, status: 'exempt' as const } : x === fixedOne ? { ...x, status: 'healthy' as const } : x)),
    };
    return [demo, b];
  }

  it('OCSF emits only the findings that changed state: Create/New, Close/Resolved, Update/Suppressed', async () => {
    const [a, b] = pair();
    const lines = (await render(diffReports(a, b), 'ocsf')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines).toHaveLength(3);
    const by = (name: string) => lines.filter((e) => e.activity_name === name);
    expect(by('Create')).toHaveLength(1);
    expect(by('Create')[0]).toMatchObject({ class_uid: 2004, activity_id: 1, type_uid: 200401, status_id: 1, status: 'New' });
    expect(by('Create')[0]!.unmapped.mfaguard.change).toBe('regressed');
    expect(by('Close')[0]).toMatchObject({ activity_id: 3, type_uid: 200403, status_id: 4, status: 'Resolved' });
    expect(by('Update')[0]).toMatchObject({ activity_id: 2, type_uid: 200402, status_id: 3, status: 'Suppressed' });
    for (const e of lines) expect(e.finding_info.uid).toBe(`mfaguard:${demo.tenant.id}:${e.unmapped.mfaguard.ruleId}:${e.resources[0].uid}`);
    // the original text, with control and bidi characters as JSON escapes
    expect(by('Create')[0]!.resources[0].name).toBe(hostile);
  });

  it('table, Markdown and JSON name each change; tenant text is escaped', async () => {
    const d = diffReports(...pair(), { scanId: 4 }, { scanId: 5 });
    const table = await render(d, 'table');
    expect(table).toMatch(/scan 4 .* → scan 5/);
    expect(table).toMatch(/1 regressed, 0 exemption expired, 1 newly exempt, 1 fixed/);
    expect(table).toContain('REGRESSED (1)');
    expect(table).not.toMatch(/[\u001b\u202e]/);
    expect(table).toContain('\\x1b');
    const md = await render(d, 'markdown');
    expect(md).toMatch(/### regressed \(1\)/);
    expect(md).not.toMatch(/[\u001b\u202e]|<script>/);
    const json = JSON.parse(await render(d, 'json'));
    expect(json.mfaguardDiff).toBe(1);
    expect(json.counts).toMatchObject({ regressed: 1, newlyExempt: 1, fixed: 1 });
    expect(json).not.toHaveProperty('findingsForEvents');
    expect(json.changes[0].resourceName).toBe(hostile);
  });
});
