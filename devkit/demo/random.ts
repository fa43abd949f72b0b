/**
 * Deterministic randomness for the demo tenant: ids from a seeded PRNG keyed by a stable name, filler
 * data from one seeded PRNG stream consumed in a fixed order (people.ts), so the build is byte-for-byte
 * reproducible.
 */
import { hashString } from '../gen/random.js';

// Graph's role-assignment id scheme, shared with the generator.
export { roleAssignmentId } from '../gen/random.js';

const SEED = 20261101;

/** mulberry32 PRNG: returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stable GUID (version-4 layout) for a name: the same key always gives the same id. */
const guidCache = new Map<string, string>();
export function guid(key: string): string {
  const cached = guidCache.get(key);
  if (cached) return cached;
  const r = mulberry32(SEED ^ hashString(key));
  const bytes = Array.from({ length: 16 }, () => Math.floor(r() * 256));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  for (const [k, v] of guidCache) if (v === id && k !== key) throw new Error(`guid collision: ${k} / ${key}`);
  guidCache.set(key, id);
  return id;
}

/** One PRNG stream for filler data; consumed in a fixed order. */
export const rand = mulberry32(SEED);
export const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
export const chance = (p: number): boolean => rand() < p;

/** A fixed-format ISO time between two dates (whole seconds, ".0000000Z"-free like most Graph list output). */
export function dateBetween(from: string, to: string): string {
  const a = Date.parse(from);
  const b = Date.parse(to);
  const t = a + Math.floor(rand() * ((b - a) / 1000)) * 1000;
  return new Date(t).toISOString().replace('.000Z', 'Z');
}

