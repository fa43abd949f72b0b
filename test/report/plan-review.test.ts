/** The review escapes tenant-controlled text (policy names, warnings) in every format. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { renderReview, reviewHtmlSection, REVIEW_FORMATS, type Review } from '../../src/report/plan-review.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { buildReport } from '../../src/report/report.js';
import { evaluateSnapshot } from '../../src/evaluate.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { DEMO } from '../cli/run.js';

const HOSTILE = 'Evil \u001b[31m<script>alert(1)</script> | \u202e';
const review: Review = {
  title: 'review', tenantId: 't',
  actions: [{ id: 'a1', kind: 'createCaPolicy', target: HOSTILE, before: null, after: { displayName: HOSTILE }, because: [{ ruleId: 'r', resourceId: 'x' }] }],
  guard: { passed: false, checks: [{ id: 'breakglass-untouched', passed: false, actionId: 'a1', detail: `a1: break-glass account ${HOSTILE}` }] },
  warnings: [`f.json: conditions.users.excludeGroups[0]: ${HOSTILE}`],
};

describe('plan review', () => {
  for (const format of REVIEW_FORMATS) {
    it(`${format}: no raw control or bidi character${format === 'html' ? ', no markup from names' : ''}`, () => {
      const out = renderReview(review, format);
      expect(out).not.toMatch(/[\u001b\u202e]/);
      if (format === 'html') expect(out).not.toContain('<script>');
      expect(out).toMatch(/breakglass-untouched/);
    });
  }
  it('table marks the refused action and the failed check', () => {
    const out = renderReview(review, 'table');
    expect(out).toMatch(/a1 .*\[REFUSED \(breakglass-untouched\)\]/);
    expect(out).toMatch(/FAIL breakglass-untouched/);
  });
  it('as a section of the HTML report: linked from the tabs, hostile names escaped, no markup from them', async () => {
    const report = buildReport(evaluateSnapshot(JSON.parse(readFileSync(DEMO, 'utf8')) as Snapshot));
    let out = '';
    await renderHtmlReport(report, async (s) => { out += s; }, { sections: [reviewHtmlSection(review)] });
    expect(out).toContain('<section class="block" id="remediation-plan"');
    expect(out).toMatch(/<a href="#remediation-plan">review<span class="n">1<\/span><\/a>/);
    const section = out.slice(out.indexOf('id="remediation-plan"'), out.indexOf('</section>', out.indexOf('id="remediation-plan"')));
    expect(section).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(section).not.toMatch(/<script|[\u001b\u202e]/);
    expect(section).toMatch(/<h3>Guard<\/h3>/);
    // The rest of the report is still there (its data and its client script).
    expect(out).toContain('id="mfaguard-meta"');
  });
});
