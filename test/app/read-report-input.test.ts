/** `report --from` input: reports written by PowerShell (UTF-16 with a BOM) read like any other, and malformed reports are InputErrors (issue 10). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FORMATS, InputError, readReport, renderReport, scan } from '../../src/index.js';
import { loadReportByLines } from '../../src/app/read-report.js';

let dir: string;
let text: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mfaguard-report-enc-'));
  const { report } = await scan({ source: { demo: true }, now: new Date('2026-11-01T00:00:00Z') });
  const chunks: string[] = [];
  await renderReport(report, FORMATS.find((f) => f.name === 'json')!, async (c) => void chunks.push(String(c)));
  text = chunks.join('');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const encodings: [string, (s: string) => Buffer][] = [
  ['UTF-16LE with BOM', (s) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s.replace(/\n/g, '\r\n'), 'utf16le')])],
  ['UTF-16BE with BOM', (s) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()])],
  ['UTF-8 with BOM', (s) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s)])],
];

describe('saved reports in other encodings', () => {
  it.each(encodings)('%s: read whole, gzip-compressed and line by line to the same report', async (_name, encode) => {
    const expected = JSON.parse(text);
    const file = join(dir, 'r.json');
    await writeFile(file, encode(text));
    expect(await readReport(file)).toEqual(expected);
    expect(await loadReportByLines(file)).toEqual(expected);
    await writeFile(`${file}.gz`, gzipSync(encode(text)));
    expect(await readReport(`${file}.gz`)).toEqual(expected);
  });
});

describe('saved-report validation holes the fuzzer found (renderers crashed: exit 3)', () => {
  it.each<[string, (r: Record<string, any>) => void, string]>([
    ['protectsAgainst as an array', (r) => { r.rules[1].protectsAgainst = []; }, 'rules[1].protectsAgainst'],
    ['notes as a number', (r) => { r.rules[0].notes = 5; }, 'rules[0].notes'],
    ['a rule without summary counts', (r) => { delete r.summary.rules[r.rules[0].id]; }, 'rules[0].id'],
    ['a renamed rule id', (r) => { r.rules[2].id = 'NO-SUCH-RULE'; }, 'rules[2].id'],
    ['a finding for a rule not in rules[]', (r) => { r.findings[0].ruleId = 'ghost'; }, 'findings[0].ruleId'],
    ['generator as a string', (r) => { r.generator = 'x'; }, 'generator'],
  ])('%s is an InputError naming the key', async (_name, mutate, key) => {
    const doc = JSON.parse(text);
    mutate(doc);
    await writeFile(join(dir, 'bad.json'), JSON.stringify(doc));
    const err = await readReport(join(dir, 'bad.json')).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).key).toBe(key);
  });
});
