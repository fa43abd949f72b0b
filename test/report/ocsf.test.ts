/**
 * OCSF Detection Finding (class 2004) JSON lines: each line parsed on its own and checked for the
 * fields OCSF 1.x requires of the class (base event + Finding + Detection Finding) and the
 * required attributes of its objects (metadata, product, finding_info), plus our mapping.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { OCSF_VERSION } from '../../src/report/ocsf.js';
import type { Report } from '../../src/report/report.js';
import type { Finding } from '../../src/rules/types.js';
import { demoReport, emptyReport, lazyReport, render, trickyReport } from './formats-helpers.js';

type Event = Record<string, any>;

const SEVERITY_IDS = new Set([0, 1, 2, 3, 4, 5, 6, 99]);
const STATUS_IDS = new Set([0, 1, 2, 3, 4, 5, 6, 99]);

function parseLines(text: string): Event[] {
  if (text === '') return [];
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => {
    expect(line.trim()).toBe(line);
    return JSON.parse(line) as Event;
  });
}

/** The required fields of a Detection Finding, one event at a time. */
function expectDetectionFinding(e: Event) {
  // Base event (required): activity_id, category_uid, class_uid, type_uid, severity_id, time, metadata
  expect(e.class_uid).toBe(2004);
  expect(e.category_uid).toBe(2);
  expect(e.activity_id).toBe(1);
  expect(e.type_uid).toBe(e.class_uid * 100 + e.activity_id);
  expect(SEVERITY_IDS.has(e.severity_id)).toBe(true);
  expect(Number.isInteger(e.time) && e.time > 0).toBe(true);
  expect(STATUS_IDS.has(e.status_id)).toBe(true);
  // metadata (required: version, product; product requires name)
  expect(e.metadata.version).toMatch(/^1\.\d+\.\d+$/);
  expect(e.metadata.product).toMatchObject({ name: 'mfaguard', vendor_name: expect.any(String), version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  // Finding: finding_info (required; its uid required, title recommended)
  expect(typeof e.finding_info.uid).toBe('string');
  expect(e.finding_info.uid.length).toBeGreaterThan(0);
  expect(typeof e.finding_info.title).toBe('string');
  expect(typeof e.finding_info.desc).toBe('string');
  expect(Array.isArray(e.finding_info.types) && e.finding_info.types.every((t: unknown) => typeof t === 'string')).toBe(true);
  // resources (recommended): the affected user / tenant / policy
  expect(e.resources).toHaveLength(1);
  expect(typeof e.resources[0].uid).toBe('string');
  // cloud profile declared → cloud.provider required
  expect(e.metadata.profiles).toContain('cloud');
  expect(e.cloud.provider).toBe('Azure');
  // Observables: name, type_id required
  for (const o of e.observables) expect(o).toMatchObject({ name: expect.any(String), type_id: expect.any(Number) });
}

function expectMatches(e: Event, f: Finding, report: Report) {
  const rule = report.rules.find((r) => r.id === f.ruleId);
  expect(e.severity_id).toBe({ low: 2, medium: 3, high: 4 }[f.severity]);
  expect(e.severity).toBe({ low: 'Low', medium: 'Medium', high: 'High' }[f.severity]);
  expect(e.status_id).toBe(1);
  expect(e.time).toBe(Date.parse(report.generatedAt));
  expect(e.finding_info).toMatchObject({ uid: `mfaguard:${report.tenant.id}:${f.ruleId}:${f.resourceId}`, title: rule?.title ?? f.ruleId, desc: f.reason, analytic: { uid: f.ruleId, type_id: 1 } });
  expect(e.finding_info.last_seen_time).toBe(Date.parse(report.snapshotCollectedAt));
  expect(e.resources[0]).toMatchObject({ uid: f.resourceId, name: f.resourceName });
  expect(e.cloud.org.uid).toBe(report.tenant.id);
  expect(e.unmapped.mfaguard).toEqual({ ruleId: f.ruleId, status: f.status, resourceType: f.resourceType, tenantId: report.tenant.id, snapshotCollectedAt: report.snapshotCollectedAt, evidence: f.evidence });
  if (rule) expect(e.remediation).toEqual({ desc: rule.remediation, references: rule.references });
  else expect(e.remediation).toBeUndefined();
}

let demo: Report;
beforeAll(async () => {
  demo = await demoReport();
});

describe('ocsf', () => {
  it('one Detection Finding per unhealthy finding, every required field present (demo tenant)', async () => {
    const events = parseLines((await render('ocsf', demo)).text);
    const unhealthy = demo.findings.filter((f) => f.status === 'unhealthy');
    expect(events).toHaveLength(unhealthy.length);
    for (const [i, e] of events.entries()) {
      expectDetectionFinding(e);
      expectMatches(e, unhealthy[i]!, demo);
      expect(e.metadata.version).toBe(OCSF_VERSION);
    }
    expect(new Set(events.map((e) => e.finding_info.uid)).size).toBe(events.length);
    const user = events.find((e) => e.resources[0].name === 'adm-jleverling@northwindtraders.com')!;
    expect(user.resources[0].type).toBe('Entra ID User');
    expect(user.observables).toContainEqual({ name: 'resources[0].name', type_id: 4, type: 'User Name', value: 'adm-jleverling@northwindtraders.com' });
    const policy = events.find((e) => e.unmapped.mfaguard.resourceType === 'policy')!;
    expect(policy.resources[0].type).toBe('Conditional Access Policy');
    expect(policy.observables.map((o: Event) => o.type_id)).toEqual([10]);
  });

  it('hostile strings stay inside their JSON line; unknown/exempt/healthy/n/a are not events', async () => {
    const report = trickyReport();
    const { text } = await render('ocsf', report);
    const events = parseLines(text);
    const unhealthy = report.findings.filter((f) => f.status === 'unhealthy');
    expect(events).toHaveLength(unhealthy.length);
    expect(text.split('\n').length - 1).toBe(unhealthy.length);
    for (const [i, e] of events.entries()) {
      expectDetectionFinding(e);
      expectMatches(e, unhealthy[i]!, report);
    }
    expect(events.find((e) => e.unmapped.mfaguard.ruleId === 'orphan-rule')!.finding_info.title).toBe('orphan-rule');
  });

  it('an empty report writes nothing', async () => {
    expect((await render('ocsf', emptyReport())).text).toBe('');
  });

  it('only iterates findings (works on a lazy iterable)', async () => {
    const report = trickyReport();
    expect((await render('ocsf', lazyReport(report))).text).toBe((await render('ocsf', report)).text);
  });
});
