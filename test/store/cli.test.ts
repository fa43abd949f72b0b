/**
 * The state store from the command line: scan records (and says so in one stderr line), --no-state,
 * history, diff (scan ids, report files, the last two scans), trends, and the HTML report's chart.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO, mfaguard } from '../cli/run.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'mfaguard-state-cli-'));

/** The demo tenant with "CA01 Require MFA for all users" disabled: users lose anyApp coverage. */
function weakenedDemo(dir: string): string {
  const t = JSON.parse(readFileSync(DEMO, 'utf8'));
  t.conditionalAccessPolicies = t.conditionalAccessPolicies.map((p: { displayName: string }) => (p.displayName.startsWith('CA01') ? { ...p, state: 'disabled' } : p));
  const path = join(dir, 'weakened.json');
  writeFileSync(path, JSON.stringify(t));
  return path;
}

describe('scan records in the state store', () => {
  it('--state DIR records and prints the scan id on one stderr line; --no-state records nothing', async () => {
    const dir = tempDir();
    const r = await mfaguard(['scan', '--demo', '--state', dir, '--format', 'json', '--output', join(dir, 'r.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/^mfaguard: recorded as scan \d+ in .*$/gm)).toEqual([`mfaguard: recorded as scan 1 in ${join(dir, 'state.db')}`]);
    const none = tempDir();
    const n = await mfaguard(['scan', '--demo', '--no-state', '--format', 'json', '--output', join(none, 'r.json')], { MFAGUARD_STATE_DIR: none });
    expect(n.code, n.stderr).toBe(0);
    expect(n.stderr).not.toMatch(/recorded/);
    expect(existsSync(join(none, 'state.db'))).toBe(false);
    const both = await mfaguard(['scan', '--demo', '--no-state', '--state', dir]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--state DIR or --no-state, not both/);
  });

  it('demo records too; under --log-format json the record line is a JSON object like every other stderr line', async () => {
    const dir = tempDir();
    const r = await mfaguard(['demo', '--quiet', '--log-format', 'json', '--state', dir, '--format', 'json', '--output', join(dir, 'r.json')]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ level: 'info', event: 'recorded', scanId: 1, path: join(dir, 'state.db') });
  });

  it('records by default in $MFAGUARD_STATE_DIR', async () => {
    const dir = tempDir();
    const r = await mfaguard(['scan', '--demo', '--format', 'json', '--output', join(dir, 'r.json')], { MFAGUARD_STATE_DIR: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`recorded as scan 1 in ${join(dir, 'state.db')}`);
  });

  it('a state directory that cannot be created is an input error (exit 2) naming it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    const r = await mfaguard(['scan', '--demo', '--state', join(dir, 'file', 'sub'), '--format', 'json', '--output', join(dir, 'r.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mfaguard: error: .*file\/sub/m);
  });
});

describe('history, diff, trends', () => {
  let dir: string;
  let weakened: string;
  beforeAll(async () => {
    dir = tempDir();
    weakened = weakenedDemo(dir);
    for (const args of [['--demo'], ['--snapshot', weakened]]) {
      const r = await mfaguard(['scan', ...args, '--state', dir, '--format', 'json', '--output', join(dir, `scan-${args.length}.json`)]);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it('history lists both scans with counts per rule (table, JSON, CSV)', async () => {
    const table = await mfaguard(['history', '--state', dir]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/Tenant Northwind Traders/);
    expect(table.stdout).toMatch(/scan {4}1 .* demo/);
    expect(table.stdout).toMatch(/scan {4}2 .* snapshot/);
    const json = JSON.parse((await mfaguard(['history', '--state', dir, '--format', 'json', '--tenant', 'northwind traders'])).stdout);
    expect(json.scans.map((s: { id: number }) => s.id)).toEqual([1, 2]);
    const report1 = JSON.parse(readFileSync(join(dir, 'scan-1.json'), 'utf8'));
    for (const [rule, counts] of Object.entries(report1.summary.rules as Record<string, Record<string, number>>)) {
      if (Object.values(counts).some((n) => n)) expect(json.scans[0].counts[rule]).toEqual(counts);
    }
    expect(json.scans[1].counts['nonprivileged-user-mfa'].unhealthy).toBeGreaterThan(json.scans[0].counts['nonprivileged-user-mfa'].unhealthy);
    const csv = parse((await mfaguard(['history', '--state', dir, '--format', 'csv'])).stdout, { columns: true }) as Record<string, string>[];
    expect(csv.filter((r) => r.scanId === '2' && r.ruleId === 'nonprivileged-user-mfa')[0]!.unhealthy).toBe(String(json.scans[1].counts['nonprivileged-user-mfa'].unhealthy));
    const unknown = await mfaguard(['history', '--state', dir, '--tenant', 'Contoso']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no scans recorded for tenant "Contoso"/);
  });

  it('diff (default: the last two scans) shows regressions with the coverage cells that changed and why', async () => {
    const r = await mfaguard(['diff', '--state', dir, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.from.scanId).toBe(1);
    expect(d.to.scanId).toBe(2);
    expect(d.counts.regressed).toBeGreaterThan(0);
    const reg = d.changes.find((c: { kind: string; ruleId: string }) => c.kind === 'regressed' && c.ruleId === 'nonprivileged-user-mfa');
    expect(reg.before.status).toBe('healthy');
    expect(reg.after.status).toBe('unhealthy');
    const cell = reg.coverage.find((c: { target: string }) => c.target === 'anyApp');
    expect(cell.before.state).toBe('enforced');
    expect(cell.after.state).not.toBe('enforced');
    expect(cell.after.reason).toBeTruthy();
    // the same with scan ids, and with a saved report file as one side
    const ids = JSON.parse((await mfaguard(['diff', '1', '2', '--state', dir, '--format', 'json'])).stdout);
    expect(ids.counts).toEqual(d.counts);
    const one = JSON.parse((await mfaguard(['diff', '1', '--state', dir, '--format', 'json'])).stdout); // A against the last scan
    expect([one.from.scanId, one.to.scanId]).toEqual([1, 2]);
    const file = JSON.parse((await mfaguard(['diff', join(dir, 'scan-1.json'), '2', '--state', dir, '--format', 'json'])).stdout);
    expect(file.counts).toEqual(d.counts);
    expect(file.from.file).toBe(join(dir, 'scan-1.json'));
    // two files need no store at all
    const files = await mfaguard(['diff', join(dir, 'scan-1.json'), join(dir, 'scan-2.json'), '--state', join(dir, 'nowhere'), '--format', 'json']);
    expect(files.code, files.stderr).toBe(0);
    expect(JSON.parse(files.stdout).counts).toEqual(d.counts);
    const table = await mfaguard(['diff', '--state', dir]);
    expect(table.stdout).toMatch(/REGRESSED \(\d+\)/);
    expect(table.stdout).toMatch(/any app: enforced \(Conditional Access\) → conditional/);
    const ocsf = (await mfaguard(['diff', '--state', dir, '--format', 'ocsf'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(ocsf.length).toBe(d.counts.new + d.counts.regressed + d.counts.exemptionExpired + d.counts.fixed + d.counts.newlyExempt);
    const md = await mfaguard(['diff', '--state', dir, '--format', 'markdown']);
    expect(md.stdout).toMatch(/^## MFA changes: Northwind Traders/m);
    const missing = await mfaguard(['diff', '1', '99', '--state', dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no recorded scan 99/);
  });

  it('trends per rule (JSON, CSV, HTML with an inline SVG chart), and the HTML report charts the history', async () => {
    const json = JSON.parse((await mfaguard(['trends', '--state', dir, '--format', 'json', '--rule', 'nonprivileged-user-mfa'])).stdout);
    expect(json.rules.map((r: { ruleId: string }) => r.ruleId)).toEqual(['nonprivileged-user-mfa']);
    const points = json.rules[0].points;
    expect(points.map((p: { scanId: number }) => p.scanId)).toEqual([1, 2]);
    expect(points[1].counts.unhealthy).toBeGreaterThan(points[0].counts.unhealthy);
    const csv = parse((await mfaguard(['trends', '--state', dir, '--format', 'csv'])).stdout, { columns: true }) as Record<string, string>[];
    expect(csv.find((r) => r.scanId === '2' && r.ruleId === 'nonprivileged-user-mfa')!.unhealthy).toBe(String(points[1].counts.unhealthy));
    const html = (await mfaguard(['trends', '--state', dir, '--format', 'html'])).stdout;
    expect(html).toMatch(/<svg [^>]*class="trend-chart"/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const bad = await mfaguard(['trends', '--state', dir, '--rule', 'no-such-rule']);
    expect(bad.code).toBe(2);

    const report = join(dir, 'report.html');
    const r = await mfaguard(['scan', '--demo', '--state', dir, '--format', 'html', '--output', report]);
    expect(r.code, r.stderr).toBe(0);
    const page = readFileSync(report, 'utf8');
    expect(page).toMatch(/id="trends"/);
    expect(page).toMatch(/<svg [^>]*class="trend-chart"/);
    // one scan only: no chart
    const single = tempDir();
    await mfaguard(['scan', '--demo', '--state', single, '--format', 'html', '--output', join(single, 'r.html')]);
    expect(readFileSync(join(single, 'r.html'), 'utf8')).not.toMatch(/class="trend-chart"/);
  });
});

describe('hostile tenant names', () => {
  it('history and trends show control and bidi characters escaped', async () => {
    const dir = tempDir();
    const t = JSON.parse(readFileSync(DEMO, 'utf8'));
    t.tenant.displayName = 'Evil\u001b[2J\u202eCorp<img src=x>';
    const path = join(dir, 'evil.json');
    writeFileSync(path, JSON.stringify(t));
    for (let i = 0; i < 2; i++) expect((await mfaguard(['scan', '--snapshot', path, '--state', dir, '--format', 'json', '--output', join(dir, 'r.json')])).code).toBe(0);
    const table = (await mfaguard(['history', '--state', dir])).stdout;
    expect(table).toContain('Evil\\x1b[2J\\u202eCorp');
    expect(table).not.toMatch(/[\u001b\u202e]/);
    const html = (await mfaguard(['trends', '--state', dir, '--format', 'html'])).stdout;
    expect(html).not.toMatch(/[\u001b\u202e]|<img/);
    const diff = (await mfaguard(['diff', '--state', dir])).stdout;
    expect(diff).not.toMatch(/[\u001b\u202e]/);
  });
});
