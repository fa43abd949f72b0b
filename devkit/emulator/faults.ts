/**
 * Deterministic fault injection. The decision for a request depends only on the seed, the request's
 * method + URL (path and query) and how many times that same request was seen before — not on the
 * order in which concurrent requests arrive — so a run with the same seed meets the same faults.
 */
import type { FaultKind, FaultOptions } from './types.js';
import { unitHash } from './util.js';

export const DEFAULT_FAULT_KINDS: FaultKind[] = ['429', '503', 'reset', 'slow'];

export class Faults {
  private readonly seen = new Map<string, number>();
  readonly rate: number;
  readonly kinds: FaultKind[];
  readonly seed: number;
  readonly slowMs: number;
  constructor(opts: FaultOptions | undefined) {
    this.rate = Math.min(1, Math.max(0, opts?.rate ?? 0));
    this.kinds = opts?.kinds?.length ? [...opts.kinds] : DEFAULT_FAULT_KINDS;
    this.seed = opts?.seed ?? 1;
    this.slowMs = opts?.slowMs ?? 1500;
  }

  /** The fault for this occurrence of `key` (e.g. `GET /v1.0/users?$top=999`), or undefined. */
  decide(key: string, allowed: readonly FaultKind[] = this.kinds): FaultKind | undefined {
    if (this.rate <= 0) return undefined;
    const n = this.seen.get(key) ?? 0;
    this.seen.set(key, n + 1);
    const k = `${key}#${n}`;
    if (unitHash(k, this.seed) >= this.rate) return undefined;
    const pool = this.kinds.filter((x) => allowed.includes(x));
    if (!pool.length) return undefined;
    return pool[Math.floor(unitHash(`${k}:kind`, this.seed) * pool.length)];
  }

  reset(): void {
    this.seen.clear();
  }
}
