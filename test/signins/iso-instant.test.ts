/** isoInstant (the finishing code's fast instant formatting) = Date's toISOString, everywhere. */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { isoInstant } from '../../src/signins/analyses.js';

it('formats every instant exactly as Date.toISOString does (days, midnight, leap years, the edges of years 0–9999 and beyond)', () => {
  const edges = [0, -1, 1, 86_399_999, 86_400_000, -86_400_000, -86_400_001, Date.parse('2024-02-29T23:59:59.999Z'), Date.parse('2026-12-31T23:59:59.999Z'), 253_402_300_799_999, 253_402_300_800_000, -62_167_219_200_000, -62_167_219_200_001, 8.64e15, -8.64e15, 1.5];
  for (const ms of edges) expect(isoInstant(ms), String(ms)).toBe(new Date(ms).toISOString());
  fc.assert(fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => isoInstant(ms) === new Date(ms).toISOString()), { numRuns: 20_000, seed: 9 });
  // the same day again comes from the cache
  fc.assert(fc.property(fc.integer({ min: 1_790_000_000_000, max: 1_790_000_000_000 + 3 * 86_400_000 }), (ms) => isoInstant(ms) === new Date(ms).toISOString()), { numRuns: 20_000, seed: 10 });
  expect(() => isoInstant(Number.NaN)).toThrow(RangeError);
});
