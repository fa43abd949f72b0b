/**
 * The library layer (src/app) as an embedding program uses it: typed calls, values back, nothing
 * printed, nothing installed on the process.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  explainUser, explanationJson, explanationText, formatNamed, InputError, readReport, renderReport, runDemo, scan, UsageError, writeReportFile,
  type Report,
} from '../../src/index.js';
import { snapshot, user } from '../helpers/snapshot-builder.js';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mfaguard-lib-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const NANCY = 'nancy.davolio@northwindtraders.com';

async function rendered(report: Report, format: string): Promise<string> {
  const chunks: string[] = [];
  await renderReport(report, formatNamed(format), (c) => { chunks.push(typeof c === 'string' ? c : Buffer.from(c).toString('utf8')); });
  return chunks.join('');
}

describe('scan', () => {
  it('evaluates the demo tenant into a report, with the evaluation and no data gaps', async () => {
    const { report, evaluation, warnings, dataGaps } = await scan({ source: { demo: true }, now: new Date('2026-01-01T00:00:00Z') });
    expect(report.tenant.displayName).toBe('Northwind Traders');
    expect(report.generatedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(report.findings).toBe(evaluation.findings);
    expect(report.principals).toHaveLength(evaluation.model.users.length);
    expect(warnings).toEqual([]);
    expect(dataGaps).toEqual([]);
  });

  it('takes a snapshot in memory and reports its missing collections as data gaps', async () => {
    const unavailable = { conditionalAccessPolicies: { status: 403, code: 'Authorization_RequestDenied', message: 'denied' } };
    const { report, dataGaps } = await scan({ source: { snapshot: snapshot({ users: [user('alice@contoso.com')], unavailable }) } });
    expect(report.principals.map((p) => p.userPrincipalName)).toEqual(['alice@contoso.com']);
    expect(dataGaps.map((g) => g.key)).toContain('conditionalAccessPolicies');
  });

  it('passes snapshot warnings to onWarning as they occur and returns them', async () => {
    const file = join(dir, 'extra-key.json');
    await writeFile(file, JSON.stringify({ ...snapshot({ users: [user('a@contoso.com')] }), somethingNew: [] }));
    const seen: string[] = [];
    const { warnings } = await scan({ source: { path: file }, onWarning: (w) => seen.push(w) });
    expect(warnings.length).toBeGreaterThan(0);
    expect(seen).toEqual(warnings);
  });

  it('redacts names and UPNs on request', async () => {
    const { report } = await scan({ source: { demo: true }, redact: true });
    expect(await rendered(report, 'json')).not.toContain('@northwindtraders.com');
  });
});

describe('reports', () => {
  it('a JSON report written with writeReportFile reads back as the same report', async () => {
    const { report } = await scan({ source: { demo: true } });
    const file = join(dir, 'report.json');
    await writeReportFile(file, report, formatNamed('json'));
    expect(await readReport(file)).toEqual(JSON.parse(await readFile(file, 'utf8')));
    expect(await rendered(await readReport(file), 'csv')).toBe(await rendered(report, 'csv'));
  });

  it('readReport takes a stream with a name for messages', async () => {
    const { report } = await scan({ source: { demo: true } });
    const text = await rendered(report, 'json');
    async function* stream() { yield Buffer.from(text); }
    expect((await readReport({ stream: stream(), name: 'stdin' })).tenant).toEqual(report.tenant);
  });

  it('an invalid report is an InputError naming the file and the key', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ mfaguardReport: 1, tenant: { id: 5 } }));
    const err = await readReport(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ file, key: 'tenant.id' });
  });

  it('a report file is written whole or not at all', async () => {
    const { report } = await scan({ source: { demo: true } });
    await expect(writeReportFile(join(dir, 'missing', 'r.json'), report, formatNamed('json'))).rejects.toBeInstanceOf(InputError);
    const file = join(dir, 'half.json');
    const failing = { ...formatNamed('json'), render: async () => { throw new Error('renderer failed'); } };
    await expect(writeReportFile(file, report, failing)).rejects.toThrow('renderer failed');
    expect((await readdir(dir)).filter((f) => f.startsWith('half.json'))).toEqual([]);
  });

  it('formatNamed rejects an unknown format with the list', () => {
    expect(() => formatNamed('pdf')).toThrow(UsageError);
    expect(() => formatNamed('pdf')).toThrow(/json/);
  });
});

describe('explainUser', () => {
  it('returns the explanation as data; the text and JSON forms render it', async () => {
    const e = await explainUser({ source: { demo: true }, user: NANCY, targets: ['azureManagement'] });
    expect(e.user.userPrincipalName).toBe(NANCY);
    expect(Object.keys(e.coverage)).toEqual(['azureManagement']);
    expect(e.coverage.azureManagement!.trace.length).toBeGreaterThan(0);
    expect(explanationJson(e)).not.toHaveProperty('groupNames');
    const text = explanationText(e);
    expect(text.split('\n')[0]).toBe(`${NANCY} (${e.user.id})`);
    expect(text).toContain(`azureManagement — `);
    expect(text).not.toContain('\x1b[');
  });

  it('an unknown user is an InputError; an unknown target a UsageError', async () => {
    await expect(explainUser({ source: { demo: true }, user: 'nobody@example.com' })).rejects.toBeInstanceOf(InputError);
    await expect(explainUser({ source: { demo: true }, user: NANCY, targets: ['nowhere' as never] })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('runDemo', () => {
  it('without the emulator installed scans the bundled tenant offline and says so', async () => {
    const result = await runDemo({ emulator: async () => undefined });
    expect(result.live).toBe(false);
    expect(result.report.tenant.displayName).toBe('Northwind Traders');
  });
});

it('importing the library installs nothing on the process', async () => {
  const before = [process.stdout.listenerCount('error'), process.stderr.listenerCount('error')];
  await import('../../src/index.js');
  await import('../../src/cli/main.js');
  expect([process.stdout.listenerCount('error'), process.stderr.listenerCount('error')]).toEqual(before);
});
