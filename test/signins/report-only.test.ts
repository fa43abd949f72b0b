/**
 * Report-only outcomes (remediation's enableCaPolicy) from the DuckDB sign-in store agree with the
 * reference over Graph signIn objects (indexReportOnlyResults), for the Graph JSON reader and the
 * NDJSON fast path; and `plan --signins` takes any format through the store.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSignIns } from '../../devkit/gen/signins.js';
import { signInEvidenceFor } from '../../src/app/signins.js';
import { indexReportOnlyResults, type ReportOnlyIndex } from '../../src/remediation/report-only.js';
import { tenant } from '../emulator/helpers.js';

const plain = (ix: ReportOnlyIndex) => Object.fromEntries([...ix].sort(([a], [b]) => a.localeCompare(b)).map(([p, users]) => [p, Object.fromEntries([...users].sort(([a], [b]) => a.localeCompare(b)))]));

describe('report-only outcomes: DuckDB store vs the reference', () => {
  for (const seed of [3, 8]) {
    it(`seed ${seed}: JSON and NDJSON inputs give the reference's index`, async () => {
      const snap = tenant(300, seed);
      const raw = [...generateSignIns(snap, { count: 4000, seed, asOf: '2026-11-01T00:00:00Z' })];
      // Spellings as other tools write them: results in another case.
      raw.forEach((s, i) => {
        if (i % 7) return;
        for (const p of (s.appliedConditionalAccessPolicies as { result?: string }[] | undefined) ?? []) if (typeof p.result === 'string') p.result = p.result.toUpperCase();
      });
      const expected = plain(indexReportOnlyResults(raw));
      expect(Object.keys(expected).length).toBeGreaterThan(0);
      const dir = mkdtempSync(join(tmpdir(), 'mfaguard-ro-'));
      const json = join(dir, 'signins.json');
      const ndjson = join(dir, 'signins.ndjson');
      writeFileSync(json, JSON.stringify({ value: raw }));
      writeFileSync(ndjson, raw.map((r) => JSON.stringify(r)).join('\n') + '\n');
      for (const file of [json, ndjson]) {
        const opened = await signInEvidenceFor({ files: [file] });
        try {
          expect(plain(await opened.reportOnlyResults()), file).toEqual(expected);
        } finally {
          await opened.close();
        }
      }
    }, 60_000);
  }
});
