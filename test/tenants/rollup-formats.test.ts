/**
 * The roll-up in every format, over three generated tenants with hostile names (in the tenants file and
 * in the directory) plus a failed tenant whose message is hostile too: each format parses with its own
 * parser or schema, carries every tenant, and never emits a raw control, bidi or markup character.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSnapshot } from '../../devkit/gen/generate.js';
import { scan } from '../../src/app/scan.js';
import type { Report } from '../../src/report/report.js';
import { buildRollup, headerOf, rollupRow, type Rollup, type RollupTenant } from '../../src/report/rollup.js';
import { ROLLUP_FORMATS, findRollupFormat } from '../../src/report/rollup-formats.js';
import { FORMATS } from '../../src/report/formats.js';
import { SARIF_SCHEMA } from '../report/formats-helpers.js';

const require = createRequire(import.meta.url);
const AjvDraft04 = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

const HOSTILE = "\x1b[2K\r\u202e<script>alert(1)</script>\u2066\n=cmd|' /C calc'!A0\u009b\x7f";
const RAW_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]/;

let rollup: Rollup;
const reports = new Map<string, Report>();
const reportOf = async (t: RollupTenant) => reports.get(t.name);

async function render(name: string): Promise<string> {
  let text = '';
  await findRollupFormat(name)!.render(rollup, (c) => { text += typeof c === 'string' ? c : Buffer.from(c).toString('utf8'); }, { reportOf });
  return text;
}

beforeAll(async () => {
  const rows: RollupTenant[] = [];
  for (let i = 0; i < 3; i++) {
    const snapshot = generateSnapshot({ users: 20 + i * 10, seed: `rollup-${i}`, policies: 8 });
    snapshot.tenant.displayName = `Tenant ${i}${HOSTILE}`;
    const { report } = await scan({ source: { snapshot }, state: false, now: new Date('2026-11-02T09:30:00Z') });
    const name = `customer ${i} ${HOSTILE}`;
    reports.set(name, report);
    rows.push(rollupRow(name, headerOf(report), { scanId: i + 1 }));
  }
  rollup = buildRollup(rows, [{ tenant: `broken ${HOSTILE}`, stage: 'auth', message: `AADSTS7000215: bad secret ${HOSTILE}` }], new Date('2026-11-02T10:00:00Z'));
});

describe('roll-up formats', () => {
  it('has a roll-up renderer for every report format', () => {
    expect(ROLLUP_FORMATS.map((f) => f.name).sort()).toEqual(FORMATS.map((f) => f.name).sort());
  });

  it.each(ROLLUP_FORMATS.map((f) => f.name))('%s never emits a raw control or bidi character', async (name) => {
    const text = await render(name);
    expect(text.length).toBeGreaterThan(50);
    // JSON-based formats keep the original text as \uXXXX escapes; human formats show it escaped
    expect(RAW_CONTROL.test(text.replace(/\r\n/g, '').replace(/\n/g, ''))).toBe(false);
  });

  it('json: the mfaguardRollup document, worst first, with failures and per-rule counts', async () => {
    const doc = JSON.parse(await render('json')) as Rollup;
    expect(doc.mfaguardRollup).toBe(1);
    expect(doc.tenants.map((t) => t.name)).toEqual(rollup.tenants.map((t) => t.name));
    expect(doc.tenants[0]!.name).toContain('\u202e'); // the original text survives, escaped in the file
    expect(doc.failures).toEqual([{ tenant: `broken ${HOSTILE}`, stage: 'auth', message: expect.stringContaining('AADSTS7000215') }]);
    const rule = doc.rules.find((r) => r.ruleId === 'directory-admin-mfa')!;
    expect(rule.counts.unhealthy).toBe(doc.tenants.reduce((n, t) => n + (t.rules.find((r) => r.ruleId === 'directory-admin-mfa')?.counts.unhealthy ?? 0), 0));
  });

  it('csv: a row per tenant and rule plus a row per failure; formula-safe', async () => {
    const rows = parseCsv(await render('csv'), { columns: true }) as Record<string, string>[];
    const ruleRows = rows.filter((r) => r.ruleId);
    expect(ruleRows).toHaveLength(rollup.tenants.reduce((n, t) => n + t.rules.length, 0));
    const failure = rows.find((r) => r.failedStage === 'auth')!;
    expect(failure.failure).toMatch(/^AADSTS7000215/);
    for (const r of rows) for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@]/);
    const first = rollup.tenants[0]!;
    const csvFirst = ruleRows.filter((r) => r.tenantId === first.tenantId);
    expect(csvFirst.reduce((n, r) => n + Number(r.unhealthy), 0)).toBe(first.totals.unhealthy);
  });

  it('junit: a test suite per tenant (and the failed one as an error), escaped attributes', async () => {
    const xml = await render('junit');
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as { testsuites: { testsuite: { name: string; failures: string; errors: string; testcase: unknown }[] } };
    const suites = doc.testsuites.testsuite;
    expect(suites).toHaveLength(4);
    expect(suites[0]!.name).toBe(rollup.tenants[0]!.name.replace(/\x1b/g, '\\x1b').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\u202e/g, '\\u202e').replace(/\u2066/g, '\\u2066').replace(/\u009b/g, '\\x9b').replace(/\x7f/g, '\\x7f'));
    expect(Number(suites[0]!.failures)).toBe(rollup.tenants[0]!.rules.filter((r) => r.counts.unhealthy).length);
    expect(suites[3]!.errors).toBe('1');
    expect(xml).not.toContain('<script>');
  });

  it('sarif: one run per tenant (the per-tenant run, valid against the OASIS schema) and a failed run', async () => {
    const doc = JSON.parse(await render('sarif')) as { runs: { automationDetails: { id: string }; invocations: { executionSuccessful: boolean }[]; results: unknown[] }[] };
    const ajv = new AjvDraft04({ allErrors: true, strict: true, strictRequired: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')));
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(doc.runs).toHaveLength(4);
    expect(new Set(doc.runs.map((r) => r.automationDetails.id)).size).toBe(4);
    expect(doc.runs[3]!.invocations[0]!.executionSuccessful).toBe(false);
    const unhealthy = [...reports.values()].reduce((n, r) => n + r.findings.filter((f) => f.status === 'unhealthy').length, 0);
    expect(doc.runs.reduce((n, r) => n + r.results.filter((x) => (x as { kind: string }).kind === 'fail').length, 0)).toBeGreaterThanOrEqual(unhealthy);
  });

  it('ocsf: every tenant\'s unhealthy findings, each event naming its tenant', async () => {
    const events = (await render('ocsf')).trim().split('\n').map((l) => JSON.parse(l) as { cloud: { org: { uid: string } }; class_uid: number });
    const unhealthy = [...reports.values()].reduce((n, r) => n + r.findings.filter((f) => f.status === 'unhealthy').length, 0);
    expect(events).toHaveLength(unhealthy);
    expect(new Set(events.map((e) => e.cloud.org.uid))).toEqual(new Set(rollup.tenants.map((t) => t.tenantId)));
    expect(events.every((e) => e.class_uid === 2004)).toBe(true);
  });

  it('html: one page, strict CSP, every name escaped', async () => {
    const html = await render('html');
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('\\u202e');
    for (const t of rollup.tenants) expect(html).toContain(t.tenantId);
  });

  it('markdown and table: escaped, worst tenant first, failures listed', async () => {
    const md = await render('markdown');
    expect(md).not.toContain('<script>');
    expect(md).toContain('\\<script\\>');
    expect(md).toMatch(/### Failed/);
    const table = await render('table');
    expect(table).toMatch(/3 tenant\(s\) scanned, 1 failed/);
    expect(table).toMatch(/FAILED:\n {2}broken .*: auth: AADSTS7000215/);
    const order = rollup.tenants.map((t) => table.indexOf(`customer ${t.name.split(' ')[1]} `));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});
