/** The one vocabulary module: orders the reports and the --fail-on gate rely on, and terminal styling. */
import { describe, expect, it } from 'vitest';
import { SEVERITIES, SEVERITIES_MOST_SEVERE_FIRST, SEVERITY_RANK, STATE_RANK, STATES, escapeControls, escapeControlsKeepingLines, escapeJsonControls, isHealthy, painter } from '../src/vocabulary.js';

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

  it('escapeControls shows C0, DEL, C1 and bidi characters as visible escapes and leaves other text alone', () => {
    expect(escapeControls('a\x1b[2K\rb\nc\td\x00\x7f\x85\x9b')).toBe('a\\x1b[2K\\rb\\nc\\td\\x00\\x7f\\x85\\x9b');
    expect(escapeControls('\u202eevil\u202c \u2066x\u2069 \u200e\u200f\u061c')).toBe('\\u202eevil\\u202c \\u2066x\\u2069 \\u200e\\u200f\\u061c');
    expect(escapeControls('Zoë 😀 <b> =1 \\ é')).toBe('Zoë 😀 <b> =1 \\ é');
    expect(escapeControlsKeepingLines('a\nb\tc\rd\x1b')).toBe('a\nb\tc\\rd\\x1b');
  });

  it('escapeJsonControls keeps the data: the JSON text parses back to the same string', () => {
    const value = { name: 'x\x1b\u0085\u202e\x7fy' };
    const json = escapeJsonControls(JSON.stringify(value));
    expect(json).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});
