/** The review escapes tenant-controlled text (policy names, warnings) in every format. */
import { describe, expect, it } from 'vitest';
import { renderReview, REVIEW_FORMATS, type Review } from '../../src/report/plan-review.js';

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
});
