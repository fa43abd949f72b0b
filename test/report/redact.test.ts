/** --redact: a saved report redacted later gets the pseudonyms `scan --redact` gives (issue 10). */
import { describe, expect, it } from 'vitest';
import { redactSavedReport } from '../../src/app/report.js';
import { scan } from '../../src/app/scan.js';
import type { Report } from '../../src/report/report.js';

const now = new Date('2026-11-02T09:30:00.000Z');
/** What `report --from` reads: the JSON report, parsed. */
const saved = (r: Report): Report => JSON.parse(JSON.stringify(r)) as Report;

describe('redaction of a saved report', () => {
  it('gives the classic co-administrator e-mail the same pseudonym as scan --redact', async () => {
    const direct = (await scan({ source: { demo: true }, redact: true, now })).report;
    const later = redactSavedReport(saved((await scan({ source: { demo: true }, now })).report));
    const classic = (r: Report) => r.findings.filter((f) => /as classic/.test(f.reason)).map((f) => [f.ruleId, f.resourceId, f.reason, f.evidence]);
    expect(classic(direct).length).toBeGreaterThan(0);
    expect(JSON.stringify(classic(direct))).not.toMatch(/northwindtraders|email-[0-9a-f]+@redacted/i);
    expect(classic(later)).toEqual(classic(direct));
    expect(saved(later).findings).toEqual(saved(direct).findings);
    expect(saved(later).principals).toEqual(saved(direct).principals);
  });
});
