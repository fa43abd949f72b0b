/** Terminal table: reasons wrap between words to fit 120 columns. */
import { describe, expect, it } from 'vitest';
import { cutAtWord, wrapWords } from '../../src/report/table.js';
import { render, trickyReport } from './formats-helpers.js';

describe('table', () => {
  it('wraps long reasons on word boundaries within 120 columns, cut with an ellipsis', async () => {
    const report = trickyReport();
    const words = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    report.findings = report.findings.map((f) => ({ ...f, reason: words }));
    const { text } = await render('table', report, { color: false });
    const reasonLines = text.split('\n').filter((l) => /^ {12}\S/.test(l));
    expect(reasonLines.length).toBeGreaterThan(2);
    for (const line of reasonLines) {
      expect(line.length).toBeLessThanOrEqual(120);
      expect(line.trim()).toMatch(/^(word\d+ )*word\d+…?$/); // whole words only
    }
    expect(reasonLines.some((l) => l.endsWith('…'))).toBe(true);
  });

  it('cutAtWord and wrapWords', () => {
    expect(cutAtWord('alpha beta gamma', 12)).toBe('alpha beta…');
    expect(cutAtWord('short', 12)).toBe('short');
    expect(wrapWords('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrapWords('x'.repeat(10), 4)).toEqual(['xxxx', 'xxxx', 'xx']);
    expect(wrapWords('', 10)).toEqual(['']);
  });
});
