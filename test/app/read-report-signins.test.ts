/** Saved reports with the sign-in fields (contradictions, signIns) read back; older reports without them still read. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/app/scan.js';
import { loadReportByLines, readReport } from '../../src/app/read-report.js';
import { writeJsonReport } from '../../src/report/json.js';
import type { Report } from '../../src/report/report.js';
import { InputError } from '../../src/errors.js';
import { policy, snapshot, user } from '../helpers/snapshot-builder.js';
import { cli, signIn, singleFactor } from '../helpers/signins.js';

let dir: string;
let report: Report;
const alice = user('alice@contoso.com');

async function save(r: unknown, name: string): Promise<string> {
  const path = join(dir, name);
  if ((r as Report).principals && (r as Report).findings) {
    const chunks: string[] = [];
    await writeJsonReport(r as Report, (c) => { chunks.push(typeof c === 'string' ? c : Buffer.from(c).toString()); });
    await writeFile(path, chunks.join(''));
  } else await writeFile(path, JSON.stringify(r));
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mfaguard-read-signins-'));
  const snap = { ...snapshot({ users: [alice], conditionalAccessPolicies: [policy('MFA all')] }), signIns: [signIn(alice, '2026-10-01T09:00:00Z', { ...cli(), ...singleFactor })] };
  report = (await scan({ source: { snapshot: snap } })).report;
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('reading reports with sign-in fields', () => {
  it('round-trips contradictions and the workbook, whole-file and line by line', async () => {
    const path = await save(report, 'r.json');
    for (const read of [await readReport(path), await loadReportByLines(path)]) {
      expect(read.contradictions).toEqual(report.contradictions);
      expect(read.signIns).toEqual(report.signIns);
    }
    expect(report.contradictions).toHaveLength(1);
  });

  it('accepts a report without them (written before they existed)', async () => {
    const { contradictions: _c, signIns: _s, ...older } = report;
    expect((await readReport(await save(older, 'old.json'))).contradictions).toBeUndefined();
  });

  it('names the key of a broken entry', async () => {
    const noFilters = { ...report, signIns: { ...report.signIns!, filters: undefined } };
    await expect(readReport(await save(noFilters, 'bad1.json'))).rejects.toThrow(InputError);
    await expect(readReport(await save(noFilters, 'bad1.json'))).rejects.toThrow(/signIns\.filters/);
    const badCount = { ...report, contradictions: [{ ...report.contradictions![0]!, signIns: -1 }] };
    await expect(readReport(await save(badCount, 'bad2.json'))).rejects.toThrow(/contradictions\[0\]\.signIns/);
  });
});
