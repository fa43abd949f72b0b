/**
 * `scan --tenant …` collects sign-ins by default and they become the sign-in rules' evidence;
 * `--no-signins`, `--signins-days N` and `--signins-scope evidence|all` steer that collection (scan's own
 * `--signins` names FILES). A snapshot with many sign-ins is analysed in a temporary DuckDB database
 * instead of the heap: both paths give the same report (threshold forced on a small snapshot).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../devkit/emulator/index.js';
import { generateSnapshot } from '../../devkit/gen/generate.js';
import { generateSignIns } from '../../devkit/gen/signins.js';
import { scan } from '../../src/app/scan.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import type { Report } from '../../src/report/report.js';
import { childEnv, emulatorArgs, runCli } from '../collect/helpers.js';
import { DEMO } from './run.js';

// count the trips through DuckDB (the real function runs)
const duckdb = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../../src/app/signins.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/app/signins.js')>();
  return { ...actual, signInEvidenceFor: (...a: Parameters<typeof actual.signInEvidenceFor>) => { duckdb.calls++; return actual.signInEvidenceFor(...a); } };
});

type Row = Record<string, any>;
// live collection reads the days before now: the generated sign-ins end an hour ago
const ASOF = new Date(Date.now() - 3600_000).toISOString();
const base = generateSnapshot({ users: 120, seed: 6 });
const rows = [...generateSignIns(base, { count: 3000, seed: 3, asOf: ASOF, days: 5 })] as Row[];
const source: Snapshot = { ...base, signIns: rows };
const SIGN_IN_RULES = ['user-automation-account', 'azure-tooling-version'];

let root: string;
let emu: EmulatorHandle;
let caFile: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mfaguard-scan-signins-'));
  emu = await startEmulator({ snapshot: source, port: 0, tls: true, limits: 'none' });
  caFile = join(root, 'ca.pem');
  await writeFile(caFile, emu.ca!);
});
afterAll(async () => {
  await emu.close();
  await rm(root, { recursive: true, force: true });
});

const live = (extra: string[]) => runCli(['scan', ...emulatorArgs(emu as never, caFile), '--skip', 'azure', '--no-state', '--no-config', '--format', 'json', '--timeout', '20', ...extra], childEnv(emu as never));
const verdicts = (r: Report, rules = SIGN_IN_RULES) =>
  r.findings.filter((f) => rules.includes(f.ruleId)).map((f) => `${f.ruleId} ${f.resourceId} ${f.status}`).sort();

describe('scan --tenant: collected sign-ins are the evidence', () => {
  it('by default the sign-in rules judge the collected sign-ins, as they would the same sign-ins in a snapshot', async () => {
    const save = join(root, 'saved');
    const r = await live(['--save-snapshot', save]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    const saved = (await loadSnapshot(save)).snapshot;
    expect(saved.signIns!.length).toBeGreaterThan(100);
    const offline = await scan({ source: { path: save }, state: false });
    expect(verdicts(report)).toEqual(verdicts(offline.report));
    // judged on evidence: some automation account is found, and nothing says the evidence is missing
    expect(report.findings.some((f) => f.ruleId === 'user-automation-account' && f.status === 'unhealthy')).toBe(true);
    expect(report.dataGaps.map((g) => g.key)).not.toContain('signIns');
  }, 60_000);

  it('--no-signins collects none: the sign-in rules say the evidence is missing', async () => {
    const save = join(root, 'none');
    const r = await live(['--no-signins', '--save-snapshot', save]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect((await loadSnapshot(save)).snapshot.signIns).toBeUndefined();
    const automation = report.findings.filter((f) => f.ruleId === 'user-automation-account');
    expect(automation.length).toBeGreaterThan(0);
    expect(automation.every((f) => f.status === 'unknown')).toBe(true);
  }, 60_000);

  it('--signins-scope all and --signins-days N choose which sign-ins are read', async () => {
    const all = join(root, 'all');
    expect((await live(['--signins-scope', 'all', '--save-snapshot', all])).code).toBe(0);
    const evidence = join(root, 'saved');
    const nAll = (await loadSnapshot(all)).snapshot.signIns!.length;
    const nEvidence = (await loadSnapshot(evidence)).snapshot.signIns!.length;
    const users = rows.filter((x) => ['interactiveUser', 'nonInteractiveUser'].includes(x.signInEventTypes[0]));
    expect(nAll).toBe(users.length);
    expect(nEvidence).toBeLessThan(nAll);
    const day = join(root, 'day');
    expect((await live(['--signins-days', '1', '--signins-scope', 'all', '--save-snapshot', day])).code).toBe(0);
    const since = Date.now() - 86_400_000;
    const nDay = (await loadSnapshot(day)).snapshot.signIns!.length;
    // within a minute of "now" the window edge may move: count with a little slack
    const expected = users.filter((x) => Date.parse(x.createdDateTime) >= since).length;
    expect(Math.abs(nDay - expected)).toBeLessThanOrEqual(5);
    expect(nDay).toBeLessThan(nAll);
  }, 90_000);

  it('the flags need --tenant, and --no-signins excludes the others', async () => {
    for (const flags of [['--no-signins'], ['--signins-days', '7'], ['--signins-scope', 'all']]) {
      const r = await runCli(['scan', '--snapshot', DEMO, '--no-state', ...flags], process.env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${flags[0]} needs --tenant`);
    }
    const both = await runCli(['scan', '--tenant', 't', '--no-signins', '--signins-days', '7'], process.env);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--no-signins cannot be combined with --signins-days/);
    const bad = await runCli(['scan', '--tenant', 't', '--signins-days', 'lots'], process.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--signins-days must be a number of days/);
    const scope = await runCli(['scan', '--tenant', 't', '--signins-scope', 'some'], process.env);
    expect(scope.stderr).toMatch(/--signins-scope must be evidence or all/);
  });
});

describe('a snapshot with many sign-ins', () => {
  it('is analysed in DuckDB above the threshold, with the same report as in memory', async () => {
    const asOf = '2026-11-01T08:00:00Z';
    const now = new Date('2026-11-02T00:00:00Z');
    const common = { source: { path: DEMO }, state: false as const, asOf, now, config: join(import.meta.dirname, '..', '..', 'demo', 'mfaguard.yaml') };
    const before = duckdb.calls;
    const memory = await scan({ ...common });
    expect(duckdb.calls).toBe(before);
    const duck = await scan({ ...common, memorySignInLimit: 0 });
    expect(duckdb.calls).toBe(before + 1);
    expect(duck.report).toEqual(memory.report);
    expect(memory.report.findings.filter((f) => f.ruleId === 'mandatory-mfa-readiness' && f.status === 'unhealthy').length).toBeGreaterThan(0);
    expect(memory.report.contradictions!.length).toBeGreaterThan(0);
  }, 60_000);
});
