/**
 * Reports too large for one string (a million-user report is gigabytes) are read line by line. The
 * line reader must give exactly what a plain JSON.parse gives, share identical coverage objects, and
 * refuse files that are not in the layout `scan --format json` writes.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportByLines } from '../../src/app/read-report.js';
import { evaluateSnapshot } from '../../src/evaluate.js';
import { writeJsonReport } from '../../src/report/json.js';
import { buildReport } from '../../src/report/report.js';
import { parseSnapshotObject } from '../../src/snapshot/load.js';

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mfaguard-large-report-'));
  const demo = parseSnapshotObject(JSON.parse(await readFile(new URL('../../demo/tenant.json', import.meta.url), 'utf8'))).snapshot;
  const report = buildReport(evaluateSnapshot(demo));
  const parts: string[] = [];
  await writeJsonReport(report, (c) => { parts.push(typeof c === 'string' ? c : Buffer.from(c).toString('utf8')); });
  file = join(dir, 'report.json');
  await writeFile(file, parts.join(''));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('reading a report line by line', () => {
  it('gives exactly what JSON.parse gives, plain and gzipped', async () => {
    const expected = JSON.parse(await readFile(file, 'utf8'));
    expect(await loadReportByLines(file)).toEqual(expected);
    const gz = join(dir, 'report.json.gz');
    await writeFile(gz, gzipSync(await readFile(file)));
    expect(await loadReportByLines(gz)).toEqual(expected);
  });

  it('shares one object between principals with identical coverage', async () => {
    const report = await loadReportByLines(file);
    const cells = new Set([...report.principals].map((p) => p.coverage));
    expect(cells.size).toBeLessThan(report.principals.length / 2);
  });

  it('refuses a truncated report and a pretty-printed one, naming the file', async () => {
    const text = await readFile(file, 'utf8');
    const cut = join(dir, 'cut.json');
    await writeFile(cut, text.slice(0, Math.floor(text.length / 2)).replace(/\n[^\n]*$/, '\n'));
    await expect(loadReportByLines(cut)).rejects.toThrow(/cut\.json.*(ends early|truncated)/);
    const pretty = join(dir, 'pretty.json');
    await writeFile(pretty, JSON.stringify(JSON.parse(text), null, 2));
    await expect(loadReportByLines(pretty)).rejects.toThrow(/pretty\.json.*line layout/);
  });
});
