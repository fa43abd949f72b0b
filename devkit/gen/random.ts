/**
 * Deterministic randomness for the synthetic tenant generator.
 *
 * Two kinds: a sequential stream (sfc32) for the tenant-wide plan, consumed in a fixed order; and a
 * stateless hash `h32(seed, index, salt)` for per-object details, so a user's name or registration can
 * be computed from its index alone (the streaming writer never keeps user objects around).
 */

/** xmur3-style string hash to a 32-bit unsigned integer. */
export function hashString(str: string): number {
  let h = 1779033703 ^ str.length;
  for (let i = 0; i < str.length; i++) {
    h = Math.imul(h ^ str.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  return (h ^ (h >>> 16)) >>> 0;
}

/** murmur3 finalizer: a bijective 32-bit mix. */
function fmix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Stateless hash of (seed, index, salt) to a 32-bit unsigned integer. */
export function h32(seed: number, index: number, salt: number): number {
  return fmix(fmix(seed ^ Math.imul(index + 0x632be5ab, 0x9e3779b1)) ^ Math.imul(salt + 0x5bd1e995, 0x27d4eb2d));
}

/** Stateless uniform float in [0, 1). */
export const hf = (seed: number, index: number, salt: number): number => h32(seed, index, salt) / 4294967296;

/** sfc32: a small, fast PRNG with 128 bits of state. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = fmix(seed ^ 0x9e3779b9);
    this.b = fmix(seed ^ 0x243f6a88);
    this.c = fmix(seed ^ 0xb7e15162);
    this.d = 1;
    for (let i = 0; i < 15; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from an empty list');
    return xs[Math.floor(this.next() * xs.length)]!;
  }

  /** Up to k distinct elements, in random order. */
  sample<T>(xs: readonly T[], k: number): T[] {
    const n = xs.length;
    k = Math.min(k, n);
    if (k === 0) return [];
    if (k * 4 < n) {
      const seen = new Set<number>();
      const out: T[] = [];
      while (out.length < k) {
        const i = Math.floor(this.next() * n);
        if (seen.has(i)) continue;
        seen.add(i);
        out.push(xs[i]!);
      }
      return out;
    }
    const copy = xs.slice();
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(this.next() * (n - i));
      const t = copy[i]!;
      copy[i] = copy[j]!;
      copy[j] = t;
    }
    return copy.slice(0, k);
  }

  /** Picks by weight from [value, weight] pairs. */
  weighted<T>(table: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of table) total += w;
    let r = this.next() * total;
    for (const [v, w] of table) {
      r -= w;
      if (r < 0) return v;
    }
    return table[table.length - 1]![0];
  }
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(x: number): string {
  return HEX[(x >>> 24) & 255]! + HEX[(x >>> 16) & 255]! + HEX[(x >>> 8) & 255]! + HEX[x & 255]!;
}

/** A version-4-layout GUID from four 32-bit words. */
export function guidFromWords(w0: number, w1: number, w2: number, w3: number): string {
  const a = hex32(w0);
  const b = hex32(((w1 & 0xffff0fff) | 0x00004000) >>> 0);
  const c = hex32(((w2 & 0x3fffffff) | 0x80000000) >>> 0);
  const d = hex32(w3);
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

/** Stateless GUID for (seed, kind, index): the same triple always gives the same id. */
export function hashGuid(seed: number, kind: number, index: number): string {
  const s = kind * 4;
  return guidFromWords(h32(seed, index, s), h32(seed, index, s + 1), h32(seed, index, s + 2), h32(seed, index, s + 3));
}

/** GUID drawn from a stream. */
export function rngGuid(rng: Rng): string {
  return guidFromWords(rng.u32(), rng.u32(), rng.u32(), rng.u32());
}

/** Graph unifiedRoleAssignment ids: base64url(roleDefinitionId bytes ++ principalId bytes, little-endian GUID layout) + "-1". */
function guidBytesLE(g: string): Buffer {
  const b = Buffer.from(g.replace(/-/g, ''), 'hex');
  const out = Buffer.alloc(16);
  out[0] = b[3]!; out[1] = b[2]!; out[2] = b[1]!; out[3] = b[0]!;
  out[4] = b[5]!; out[5] = b[4]!;
  out[6] = b[7]!; out[7] = b[6]!;
  b.copy(out, 8, 8, 16);
  return out;
}
export const roleAssignmentId = (roleId: string, principalId: string): string =>
  `${Buffer.concat([guidBytesLE(roleId), guidBytesLE(principalId)]).toString('base64url')}-1`;
