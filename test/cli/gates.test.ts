/**
 * Issue 10, honest gates: `--fail-on` fails on unknown verdicts at or above the threshold (missing
 * permissions must not pass silently) unless `--allow-unknown`, and every gate failure prints one line
 * on stderr saying why — for scan, report --from and demo. The decision itself is a library value.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateResult } from '../../src/app/gate.js';
import type { Report } from '../../src/report/report.js';
import { DEMO, mfaguard } from './run.js';

let dir: string;
let denied: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mfaguard-gates-'));
  // the demo tenant as collected without Policy.Read.All and RoleManagement.Read.Directory
  const demo = JSON.parse(await readFile(DEMO, 'utf8')) as Record<string, unknown>;
  const forbidden = { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges' };
  for (const k of ['conditionalAccessPolicies', 'roleAssignments']) delete demo[k];
  demo.unavailable = { conditionalAccessPolicies: forbidden, roleAssignments: forbidden };
  denied = join(dir, 'denied.json');
  await writeFile(denied, JSON.stringify(demo));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const finding = (ruleId: string, status: string, severity: string) => ({ ruleId, status, severity, resourceType: 'user', resourceId: 'x', resourceName: 'x', reason: '', evidence: {} });
const report = (findings: ReturnType<typeof finding>[], gaps: string[] = []) => ({ findings, dataGaps: gaps.map((key) => ({ key, reason: '' })) }) as unknown as Report;

describe('gateResult (library)', () => {
  it('counts unhealthy findings at or above the threshold, per rule', () => {
    const r = report([finding('b-rule', 'unhealthy', 'high'), finding('a-rule', 'unhealthy', 'high'), finding('a-rule', 'unhealthy', 'high'), finding('c', 'unhealthy', 'medium'), finding('d', 'healthy', 'high')]);
    expect(gateResult(r, 'high')).toEqual({ failed: true, reasons: ['3 unhealthy findings at or above high (a-rule 2, b-rule 1)'] });
    expect(gateResult(r, undefined)).toEqual({ failed: false, reasons: [] });
  });

  it('fails on unknown verdicts at or above the threshold, naming the missing collections, unless allowed', () => {
    const r = report([finding('a', 'unknown', 'high'), finding('b', 'unknown', 'low'), finding('c', 'healthy', 'high')], ['policies', 'roleAssignments']);
    expect(gateResult(r, 'high')).toEqual({ failed: true, reasons: ['1 unknown verdict at or above high (a 1; missing: policies, roleAssignments); --allow-unknown to pass'] });
    expect(gateResult(r, 'high', { allowUnknown: true })).toEqual({ failed: false, reasons: [] });
    expect(gateResult(report([finding('b', 'unknown', 'low')]), 'high').failed).toBe(false);
  });
});

describe('the CLI gate', () => {
  it('missing permissions + --fail-on high: exit 1, one line with the count and the missing collections', async () => {
    const r = await mfaguard(['scan', '--snapshot', denied, '--format', 'json', '--fail-on', 'high']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { status: string; severity: string }[]; dataGaps: { key: string }[] };
    expect(report.dataGaps.map((g) => g.key).sort()).toEqual(['conditionalAccessPolicies', 'roleAssignments']);
    const unknownHigh = report.findings.filter((f) => f.status === 'unknown' && f.severity === 'high').length;
    expect(unknownHigh).toBeGreaterThan(0);
    const line = r.stderr.split('\n').find((l) => l.startsWith('mfaguard: gate:') && l.includes('unknown'));
    // (directory-decided unhealthy findings may come first on the same line: one line, every cause)
    const unknownPart = line!.slice(line!.indexOf(`${unknownHigh} unknown verdicts`));
    expect(unknownPart).toBe(`${unknownHigh} unknown verdicts at or above high (${unknownPart.match(/\(([^;]*);/)![1]}; missing: ${report.dataGaps.map((g) => g.key).join(', ')}); --allow-unknown to pass`);
  });

  it('unhealthy and unknown together: still one line, both causes', async () => {
    const r = await mfaguard(['scan', '--snapshot', denied, '--fail-on', 'low', '--output', join(dir, 'low.txt')]);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('mfaguard: gate:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mfaguard: gate: \d+ unhealthy findings at or above low \([^)]*\); \d+ unknown verdicts at or above low .*--allow-unknown to pass$/);
  });

  it('--allow-unknown passes the unknowns; only unhealthy findings then count', async () => {
    const r = await mfaguard(['scan', '--snapshot', denied, '--format', 'json', '--fail-on', 'high', '--allow-unknown']);
    const unhealthyHigh = (JSON.parse(r.stdout) as { findings: { status: string; severity: string }[] }).findings.filter((f) => f.status === 'unhealthy' && f.severity === 'high').length;
    expect(r.code).toBe(unhealthyHigh ? 1 : 0);
    expect(r.stderr).not.toMatch(/unknown verdicts at or above/);
    expect(await mfaguard(['scan', '--demo', '--allow-unknown'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--allow-unknown only makes sense with --fail-on/) });
  });

  it('an unhealthy gate failure says why on stderr (scan, report --from)', async () => {
    const scan = await mfaguard(['scan', '--demo', '--fail-on', 'high', '--format', 'json', '--output', join(dir, 'demo.json')]);
    expect(scan.code).toBe(1);
    expect(scan.stderr).toMatch(/^mfaguard: gate: \d+ unhealthy findings at or above high \(azure-owner-mfa \d+, [^)]*directory-admin-mfa \d+[^)]*\)(; \d+ unknown verdicts .*)?$/m);
    const again = await mfaguard(['report', '--from', join(dir, 'demo.json'), '--fail-on', 'high']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(scan.stderr.split('\n').filter((l) => l.startsWith('mfaguard: gate:')).join('\n') + '\n');
  });

  it('report --from keeps the unknown gate: a saved report of a denied snapshot fails too', async () => {
    const saved = join(dir, 'denied-report.json');
    expect((await mfaguard(['scan', '--snapshot', denied, '--format', 'json', '--output', saved])).code).toBe(0);
    const r = await mfaguard(['report', '--from', saved, '--format', 'csv', '--fail-on', 'high', '--output', join(dir, 'x.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown verdicts at or above high .*missing: (roleAssignments, conditionalAccessPolicies|conditionalAccessPolicies, roleAssignments)\)/);
    const allowed = await mfaguard(['report', '--from', saved, '--fail-on', 'high', '--allow-unknown', '--output', join(dir, 'y.txt')]);
    expect(allowed.stderr).not.toMatch(/unknown verdicts/);
  });

  it('demo takes --allow-unknown and prints the gate line', async () => {
    const r = await mfaguard(['demo', '--quiet', '--fail-on', 'high', '--allow-unknown', '--output', join(dir, 'demo.txt')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^mfaguard: gate: \d+ unhealthy findings at or above high/m);
  }, 60_000);
});
