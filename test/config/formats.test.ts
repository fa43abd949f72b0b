/**
 * spec/config.md: "Every report format shows [exempt findings] distinctly (JUnit: skipped with the
 * reason; SARIF: suppressions with kind external and the justification; OCSF: not emitted as new
 * detections; CSV/HTML/Markdown: their own status)", exempt never counts toward --fail-on, and the
 * header lists exemptions expiring within 14 days and ones that match nothing.
 */
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/app/scan.js';
import { gateResult } from '../../src/app/gate.js';
import { readReport } from '../../src/app/read-report.js';
import { parseConfigText } from '../../src/config/parse.js';
import type { Report } from '../../src/report/report.js';
import { render } from '../report/formats-helpers.js';

const DEMO_CONFIG = new URL('../../demo/mfaguard.yaml', import.meta.url);
const AS_OF = '2027-12-20T00:00:00Z'; // the demo exemption (expires 2027-12-31) is then expiring soon

let report: Report;
let exempt: Report['findings'];

beforeAll(async () => {
  const text = `${await readFile(DEMO_CONFIG, 'utf8')}
  - rules: directory-admin-mfa
    resource: "nobody<b>@northwindtraders.com"
    reason: left the company
    expires: 2029-01-01
`;
  const config = parseConfigText(text, 'demo/mfaguard.yaml');
  ({ report } = await scan({ source: { demo: true }, config, asOf: AS_OF, now: new Date('2027-12-20T00:00:00Z') }));
  exempt = report.findings.filter((f) => f.status === 'exempt');
});

describe('the demo with its configuration', () => {
  it('has exempt findings: the two break-glass accounts and the scoped svc-deploy exemption', () => {
    const names = exempt.map((f) => `${f.ruleId} ${f.resourceName}`).sort();
    expect(names).toEqual([
      'azure-write-mfa svc-deploy@northwindtraders.com',
      'directory-admin-mfa breakglass1@northwindtraders.com',
      'directory-admin-mfa breakglass2@northwindtraders.com',
    ]);
    expect(report.summary.rules['directory-admin-mfa']!.exempt).toBe(2);
    expect(report.exemptions!.expiringSoon.map((e) => e.resource)).toEqual(['svc-deploy@northwindtraders.com']);
    expect(report.exemptions!.unmatched.map((e) => e.resource)).toEqual(['nobody<b>@northwindtraders.com']);
  });
});

describe('every format shows exempt distinctly', () => {
  it('JSON: the report field and the findings round-trip through readReport', async () => {
    const { text } = await render('json', report);
    const dir = await mkdtemp(join(tmpdir(), 'mfaguard-cfg-json-'));
    try {
      await writeFile(join(dir, 'r.json'), text);
      const back = await readReport(join(dir, 'r.json'));
      expect(back.exemptions).toEqual(report.exemptions);
      expect(back.findings.filter((f) => f.status === 'exempt')).toHaveLength(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('JUnit: skipped, with the reason', async () => {
    const { text } = await render('junit', report);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (n) => ['testsuite', 'testcase'].includes(n) }).parse(text);
    const cases = doc.testsuites.testsuite.flatMap((s: { testcase?: unknown[] }) => s.testcase ?? []) as { '@_name': string; skipped?: { '@_message': string }; failure?: unknown }[];
    const svc = cases.find((c) => c['@_name'].startsWith('svc-deploy@') && c.skipped?.['@_message'].startsWith('exempt'));
    expect(svc?.skipped?.['@_message']).toContain('Pipeline account');
    expect(svc?.failure).toBeUndefined();
  });

  it('SARIF: a suppression of kind external with the exemption as justification', async () => {
    const { text } = await render('sarif', report);
    const results = JSON.parse(text).runs[0].results as { properties: { status: string; resourceId: string }; suppressions?: { kind: string; status: string; justification: string }[] }[];
    const suppressed = results.filter((r) => r.suppressions);
    expect(suppressed).toHaveLength(3);
    for (const r of suppressed) {
      expect(r.properties.status).toBe('exempt');
      expect(r.suppressions![0]).toMatchObject({ kind: 'external', status: 'accepted' });
    }
    const svc = suppressed.find((r) => r.properties.resourceId === 'bbb234c2-51e5-43bd-9156-be3fcaf55c72')!;
    expect(svc.suppressions![0]!.justification).toMatch(/^riskAccepted: Pipeline account.*ticket SEC-1042/);
    // unhealthy results carry no suppression
    expect(results.filter((r) => r.properties.status === 'unhealthy' && r.suppressions)).toEqual([]);
  });

  it('OCSF: exempt findings are not emitted as detections', async () => {
    const { text } = await render('ocsf', report);
    const events = text.trim().split('\n').map((l) => JSON.parse(l) as { unmapped: { mfaguard: { status: string } } });
    expect(events).toHaveLength(report.findings.filter((f) => f.status === 'unhealthy').length);
    expect(events.every((e) => e.unmapped.mfaguard.status === 'unhealthy')).toBe(true);
  });

  it('CSV: its own status', async () => {
    const { text } = await render('csv', report);
    const rows = parseCsv(text, { columns: true }) as { status: string; resourceName: string; reason: string }[];
    expect(rows.filter((r) => r.status === 'exempt').map((r) => r.resourceName).sort()).toEqual(exempt.map((f) => f.resourceName).sort());
  });

  it('Markdown, HTML and table: header warnings and the exempt status', async () => {
    const md = (await render('markdown', report)).text;
    expect(md).toContain('Exemptions expiring within 14 days');
    expect(md).toContain('Exemptions that match nothing');
    expect(md).toMatch(/3 exempt \(accepted; not counted\)/);
    const html = (await render('html', report)).text;
    expect(html).toContain('id="exemptions-expiring"');
    expect(html).toContain('id="exemptions-unmatched"');
    expect(html).toContain('nobody&lt;b&gt;@'); // escaped: configuration text is input too
    expect(html).not.toContain('nobody<b>');
    const table = (await render('table', report)).text;
    expect(table).toContain('Exemptions expiring within 14 days:');
    expect(table).toMatch(/EXEMPT\s+breakglass1@northwindtraders\.com/);
    expect(table).toContain('3 exempt (not counted).');
  });
});

describe('--fail-on never counts exempt', () => {
  it('a report whose only high findings are exempt passes the gate', () => {
    const onlyExempt: Report = { ...report, findings: report.findings.filter((f) => f.status !== 'unhealthy' && f.status !== 'unknown') };
    expect(onlyExempt.findings.some((f) => f.status === 'exempt' && f.severity === 'high')).toBe(true);
    expect(gateResult(onlyExempt, 'low')).toEqual({ failed: false, reasons: [] });
    // and the full report's unhealthy count excludes them
    const failing = gateResult(report, 'high');
    const unhealthyHigh = report.findings.filter((f) => f.status === 'unhealthy' && f.severity === 'high').length;
    expect(report.findings.some((f) => f.status === 'exempt' && f.severity === 'high')).toBe(true);
    expect(failing.reasons[0]).toMatch(new RegExp(`^${unhealthyHigh} unhealthy findings at or above high`));
  });
});

describe('--redact', () => {
  it('leaves no UPN of the configuration in the report (header and evidence)', async () => {
    const config = parseConfigText(await readFile(DEMO_CONFIG, 'utf8'), 'demo/mfaguard.yaml');
    const { report: redacted } = await scan({ source: { demo: true }, config, asOf: AS_OF, redact: true });
    const text = (await render('json', redacted)).text;
    expect(text).not.toMatch(/@northwindtraders\.com/i);
    expect(redacted.findings.filter((f) => f.status === 'exempt')).toHaveLength(3);
  });
});

describe('the report contract', () => {
  it('validateReport accepts the exemptions field, names a broken one, and still accepts reports without it', async () => {
    const { validateReport } = await import('../../src/app/validate-report.js');
    const copy = JSON.parse((await render('json', report)).text);
    expect(() => validateReport(copy, 'r.json')).not.toThrow();
    const { exemptions: _e, ...without } = copy;
    expect(() => validateReport(without, 'r.json')).not.toThrow();
    copy.exemptions.expiringSoon[0].expires = 5;
    expect(() => validateReport(copy, 'r.json')).toThrow(/key "exemptions\.expiringSoon\[0\]\.expires"/);
  });
});
