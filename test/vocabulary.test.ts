/** The one vocabulary module: orders the reports and the --fail-on gate rely on, and terminal styling. */
import { describe, expect, it } from 'vitest';
import { SEVERITIES, SEVERITIES_MOST_SEVERE_FIRST, SEVERITY_RANK, STATE_RANK, STATES, isHealthy, painter } from '../src/vocabulary.js';

describe('vocabulary', () => {
  it('ranks severities low < medium < high, and lists them both ways', () => {
    expect(SEVERITY_RANK.low).toBeLessThan(SEVERITY_RANK.medium);
    expect(SEVERITY_RANK.medium).toBeLessThan(SEVERITY_RANK.high);
    expect(SEVERITIES).toEqual(['low', 'medium', 'high']);
    expect(SEVERITIES_MOST_SEVERE_FIRST).toEqual(['high', 'medium', 'low']);
  });

  it('ranks coverage states strongest first, the first three healthy', () => {
    expect(STATES.map((s) => STATE_RANK[s])).toEqual([...STATES].map((_, i) => STATES.length - i));
    expect(STATES.filter(isHealthy)).toEqual(['blocked', 'enforced', 'trustedLocationBypass']);
  });

  it('paints with ANSI SGR codes only when colour is on', () => {
    expect(painter(true)('red', 'x')).toBe('\x1b[31mx\x1b[0m');
    expect(painter(true)('bold', 'x')).toBe('\x1b[1mx\x1b[0m');
    expect(painter(true)('gray', 'x')).toBe('\x1b[90mx\x1b[0m');
    expect(painter(false)('red', 'x')).toBe('x');
  });
});
