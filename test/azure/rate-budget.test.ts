/** Each family reads the service counters its table entry names, and only those. */
import { describe, expect, it } from 'vitest';
import { RateFamily } from '../../src/azure/rate-budget.js';
import { rateLimitFamily, type FamilyName } from '../../src/azure/rate-limits.js';

const family = (name: FamilyName) => {
  const f = rateLimitFamily(name);
  return new RateFamily(name, f.limits, f.headers);
};

describe('RateFamily.observe', () => {
  it('ARM follows x-ms-ratelimit-remaining-subscription-reads; Resource Graph ignores it', () => {
    const arm = family('arm');
    arm.observe({ 'x-ms-ratelimit-remaining-subscription-reads': '3' });
    expect(arm.budget.available).toBeLessThan(4);
    const arg = family('arg');
    arg.observe({ 'x-ms-ratelimit-remaining-subscription-reads': '0' });
    expect(arg.budget.available).toBeGreaterThan(14);
  });

  it('Resource Graph pauses until its quota resets when none is left', () => {
    const arg = family('arg');
    arg.observe({ 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:02' });
    expect(arg.pausedFor).toBeGreaterThan(1500);
    expect(arg.throttled).toBe(1);
  });

  it('Graph families tighten from x-ms-throttle-limit-percentage (fraction or percent)', () => {
    const dir = family('directory');
    dir.observe({ 'x-ms-throttle-limit-percentage': '90' });
    expect(dir.budget.available).toBeLessThanOrEqual(800 + 1);
    const arm = family('arm');
    arm.observe({ 'x-ms-throttle-limit-percentage': '0.9' });
    expect(arm.budget.available).toBeGreaterThan(240);
  });
});
