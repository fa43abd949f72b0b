/**
 * The report formats from the command line, as a user runs them: the built bin in a child process
 * (`npm test` builds first), several formats at once, `--redact` in every format, and
 * `mfaguard report --from` re-rendering a saved JSON report.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/report/formats.js';
import { SARIF_SCHEMA } from './formats-helpers.js';
import { BIN, mfaguard as runCli } from '../cli/run.js';

const require = createRequire(import.meta.url);
const AjvDraft04 = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

/** The built CLI without colour (report tests compare plain text). */
const mfaguard = (args: string[]) => runCli(args, { NO_COLOR: '1' });

const expectInputError = (r: { code: number; stdout: string; stderr: string }, ...parts: string[]) => {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^mfaguard: (usage )?error: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  for (const p of parts) expect(r.stderr).toContain(p);
};

let dir: string;
let saved: string;
let upns: string[];
const MINE = ['table', 'json', 'csv', 'junit', 'sarif', 'ocsf', 'markdown'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mfaguard-formats-'));
  saved = join(dir, 'report.json');
  const args = ['scan', '--demo'];
  for (const f of MINE) args.push('--format', f, '--output', join(dir, `scan.${f}`));
  const r = await mfaguard(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  await writeFile(saved, await readFile(join(dir, 'scan.json')));
  upns = (JSON.parse(await readFile(saved, 'utf8')).principals as { userPrincipalName: string | null }[]).flatMap((p) => (p.userPrincipalName ? [p.userPrincipalName] : []));
  expect(upns.length).toBeGreaterThan(100);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('scan with several report formats', () => {
  it('scan --demo --format sarif --output X --format csv --output Y writes both, each valid', async () => {
    const x = join(dir, 'x.sarif');
    const y = join(dir, 'y.csv');
    const r = await mfaguard(['scan', '--demo', '--format', 'sarif', '--output', x, '--format', 'csv', '--output', y]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const ajv = new AjvDraft04({ allErrors: true, strict: true, strictRequired: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(await readFile(SARIF_SCHEMA, 'utf8')));
    const sarif = JSON.parse(await readFile(x, 'utf8'));
    expect(validate(sarif) ? [] : validate.errors).toEqual([]);
    const report = JSON.parse(await readFile(saved, 'utf8'));
    const rows = parse(await readFile(y, 'utf8'), { columns: true, record_delimiter: '\r\n' }) as unknown[];
    expect(rows).toHaveLength(report.findings.length);
    // unhealthy results, and exempt ones as suppressed results (the demo's configuration exempts a few)
    expect(sarif.runs[0].results.length).toBe(report.findings.filter((f: { status: string }) => f.status === 'unhealthy' || f.status === 'exempt').length);
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('--redact leaves no UPN in any format', async () => {
    for (const format of FORMATS.map((f) => f.name)) {
      const r = await mfaguard(['scan', '--demo', '--redact', '--format', format]);
      expect(r.code, format).toBe(0);
      expect(r.stdout.length, format).toBeGreaterThan(100);
      const lower = r.stdout.toLowerCase();
      const leaked = upns.filter((u) => lower.includes(u.toLowerCase()));
      expect(leaked, `${format} leaks UPNs`).toEqual([]);
      expect(lower, format).not.toContain('northwindtraders.com');
      expect(r.stdout, format).toMatch(/user-[0-9a-f]{10}@redacted\.invalid/);
    }
  });
});

describe('mfaguard report --from', () => {
  it('re-renders a saved report byte for byte like the scan that produced it, in every format', async () => {
    const args = ['report', '--from', saved];
    for (const f of MINE) args.push('--format', f, '--output', join(dir, `again.${f}`));
    const r = await mfaguard(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const f of MINE) expect(await readFile(join(dir, `again.${f}`), 'utf8'), f).toBe(await readFile(join(dir, `scan.${f}`), 'utf8'));
    expect(XMLValidator.validate(await readFile(join(dir, 'again.junit'), 'utf8'))).toBe(true);
  });

  it('writes to stdout by default (table), reads gzip and standard input', async () => {
    const r = await mfaguard(['report', '--from', saved]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('mfaguard report — Northwind Traders');
    await writeFile(join(dir, 'report.json.gz'), gzipSync(await readFile(saved)));
    const gz = await mfaguard(['report', '--from', join(dir, 'report.json.gz'), '--format', 'csv']);
    expect(gz.stdout).toBe(await readFile(join(dir, 'scan.csv'), 'utf8'));
    const stdin = spawnSync(process.execPath, [BIN, 'report', '--from', '-', '--format', 'ocsf'], { input: await readFile(saved), encoding: 'utf8' });
    expect(stdin.status).toBe(0);
    expect(stdin.stdout).toBe(await readFile(join(dir, 'scan.ocsf'), 'utf8'));
  });

  it('--redact builds pseudonyms from the principals\' UPNs: no UPN in any format', async () => {
    for (const format of MINE) {
      const r = await mfaguard(['report', '--from', saved, '--redact', '--format', format]);
      expect(r.code, format).toBe(0);
      const lower = r.stdout.toLowerCase();
      expect(upns.filter((u) => lower.includes(u.toLowerCase())), format).toEqual([]);
    }
    // Same pseudonyms as scan --redact for the same users (object ids are the key).
    const fromScan = JSON.parse((await mfaguard(['scan', '--demo', '--redact', '--format', 'json'])).stdout);
    const fromReport = JSON.parse((await mfaguard(['report', '--from', saved, '--redact', '--format', 'json'])).stdout);
    expect(fromReport.principals.map((p: { userPrincipalName: string }) => p.userPrincipalName)).toEqual(fromScan.principals.map((p: { userPrincipalName: string }) => p.userPrincipalName));
    expect(fromReport.findings.map((f: { resourceName: string }) => f.resourceName)).toEqual(fromScan.findings.map((f: { resourceName: string }) => f.resourceName));
  });

  it('--fail-on gates on the saved findings', async () => {
    expect((await mfaguard(['report', '--from', saved, '--fail-on', 'high', '--format', 'ocsf'])).code).toBe(1);
    const report = JSON.parse(await readFile(saved, 'utf8'));
    report.findings = report.findings.filter((f: { status: string; severity: string }) => f.status !== 'unhealthy' || f.severity === 'low');
    await writeFile(join(dir, 'low.json'), JSON.stringify(report));
    expect((await mfaguard(['report', '--from', join(dir, 'low.json'), '--fail-on', 'medium', '--format', 'ocsf'])).code).toBe(0);
  });

  it('bad input: exit 2, the file and key named, no stack, no partial output', async () => {
    const report = JSON.parse(await readFile(saved, 'utf8'));
    const out = join(dir, 'never.sarif');
    const check = async (name: string, content: string, ...parts: string[]) => {
      await writeFile(join(dir, name), content);
      expectInputError(await mfaguard(['report', '--from', join(dir, name), '--format', 'sarif', '--output', out]), join(dir, name), ...parts);
      await expect(readFile(out)).rejects.toThrow();
    };
    await check('notjson.json', '{\n  "mfaguardReport": 1,\n  oops\n}', 'not valid JSON (line 3)');
    await check('snapshot.json', JSON.stringify({ mfaguardSnapshot: 1, tenant: { id: 'x' } }), 'key "mfaguardReport"', 'this is a snapshot');
    await check('v2.json', JSON.stringify({ ...report, mfaguardReport: 2 }), 'key "mfaguardReport"', 'unsupported report version 2');
    await check('array.json', '[]', 'expected a JSON object');
    const badStatus = structuredClone(report);
    badStatus.findings[3].status = 'fine';
    await check('status.json', JSON.stringify(badStatus), 'key "findings[3].status"', 'expected one of healthy, unhealthy, exempt, notApplicable, unknown, got "fine"');
    const badCell = structuredClone(report);
    badCell.principals[7].coverage.anyApp.state = 'sort of';
    await check('cell.json', JSON.stringify(badCell), 'key "principals[7].coverage.anyApp.state"');
    const noRules = structuredClone(report);
    delete noRules.rules;
    await check('norules.json', JSON.stringify(noRules), 'key "rules": expected an array, got undefined');
    const badDate = structuredClone(report);
    badDate.generatedAt = 'yesterday';
    await check('date.json', JSON.stringify(badDate), 'key "generatedAt"');
    const badCount = structuredClone(report);
    badCount.summary.rules['azure-owner-mfa'].unhealthy = -1;
    await check('count.json', JSON.stringify(badCount), 'key "summary.rules.azure-owner-mfa.unhealthy"');
    expectInputError(await mfaguard(['report', '--from', join(dir, 'missing.json')]), 'missing.json: no such file');
    expectInputError(await mfaguard(['report', '--from', dir]), 'is a directory');
  });

  it('usage errors: exit 2', async () => {
    expectInputError(await mfaguard(['report']), 'missing --from');
    expectInputError(await mfaguard(['report', '--from', saved, '--format', 'pdf']), 'unknown --format "pdf"');
    expectInputError(await mfaguard(['report', '--from', saved, '--format', 'csv', '--format', 'ocsf']), 'only one format can go to stdout');
    expectInputError(await mfaguard(['report', '--from', saved, '--snapshot', 'x']));
    const help = await mfaguard(['help', 'report']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('mfaguard report --from REPORT.json');
  });
});
