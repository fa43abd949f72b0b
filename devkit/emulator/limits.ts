/**
 * Throttling model: token buckets sized to the limits Microsoft publishes
 * (shared/research/perf-scale.md §1, shared/research/graph-and-ca.md §8.6):
 *
 * | bucket          | capacity                     | refill               | source |
 * |-----------------|------------------------------|----------------------|--------|
 * | directory       | 3,500 / 5,000 / 8,000 RU (tenant <50 / 50–500 / >500 users) | capacity per 10 s | Graph "Identity and access service limits", app+tenant |
 * | directoryWrite  | 3,000 requests               | 3,000 per 150 s      | same, write quota app+tenant |
 * | reports         | 5 requests                   | 5 per 10 s           | Graph "Identity and access reports", per app per tenant |
 * | ca              | 1 request                    | 1 per s, NO Retry-After | Graph "Identity protection and conditional access", per tenant |
 * | arm (reads)     | 250 per subscription (tenant-level calls: 250 per tenant) | 25/s | ARM request-limits-and-throttling (2024+ token bucket) |
 * | armWrite        | 200                          | 10/s                 | same |
 * | arg             | 15 queries                   | 15 per 5 s           | Resource Graph guidance-for-throttled-requests |
 *
 * Directory request cost (resource units): base 1; `GET users` 2; `groups/{id}/members` 3;
 * `groups/{id}/transitiveMembers` 5; `$select` −1; `$expand` +1; `$top` < 20 −1; never below 1.
 * Not modelled (never binding for one app on one tenant): the 130,000 req/10 s global limit, the
 * 150,000 RU/20 s per-app limit, ARM's global subscription limit (15× per principal).
 */
import type { BucketName, BucketSpec, Family, LimitsOptions } from './types.js';

export function directoryCapacity(userCount: number): number {
  if (userCount < 50) return 3500;
  if (userCount <= 500) return 5000;
  return 8000;
}

export function defaultBuckets(userCount: number): Record<BucketName, BucketSpec> {
  const dir = directoryCapacity(userCount);
  return {
    directory: { capacity: dir, refillPerSecond: dir / 10 },
    directoryWrite: { capacity: 3000, refillPerSecond: 3000 / 150 },
    reports: { capacity: 5, refillPerSecond: 0.5 },
    ca: { capacity: 1, refillPerSecond: 1 },
    arm: { capacity: 250, refillPerSecond: 25 },
    armWrite: { capacity: 200, refillPerSecond: 10 },
    arg: { capacity: 15, refillPerSecond: 3 },
  };
}

class TokenBucket {
  tokens: number;
  last: number;
  accepted = 0;
  constructor(readonly spec: BucketSpec, now: number) {
    this.tokens = spec.capacity;
    this.last = now;
  }
  refill(now: number): void {
    const dt = (now - this.last) / 1000;
    if (dt > 0) {
      this.tokens = Math.min(this.spec.capacity, this.tokens + dt * this.spec.refillPerSecond);
      this.last = now;
    }
  }
}

export interface ChargeResult {
  ok: boolean;
  /** Seconds until enough tokens are back (for Retry-After). */
  retryAfter: number;
  /** Tokens left after this request. */
  remaining: number;
  /** Fraction of the bucket in use after this request (0..1). */
  used: number;
}

export class Limiter {
  private readonly buckets = new Map<string, TokenBucket>();
  readonly specs: Record<BucketName, BucketSpec>;
  readonly enforce: boolean;
  constructor(opts: LimitsOptions, userCount: number, private readonly now: () => number = () => performance.now()) {
    this.specs = { ...defaultBuckets(userCount), ...(opts.buckets ?? {}) };
    this.enforce = opts.mode === 'graph';
  }

  /**
   * Charges `cost` to bucket `name` (keyed by `key`, e.g. a subscription). With limits off, the cost
   * is still accounted for the theoretical minimum but never refused.
   */
  charge(name: BucketName, key: string, cost: number): ChargeResult {
    const id = key ? `${name}:${key}` : name;
    const now = this.now();
    let b = this.buckets.get(id);
    if (!b) this.buckets.set(id, (b = new TokenBucket(this.specs[name], now)));
    b.refill(now);
    if (this.enforce && b.tokens < cost) {
      const retryAfter = Math.max(1, Math.ceil((cost - b.tokens) / b.spec.refillPerSecond));
      return { ok: false, retryAfter, remaining: Math.floor(b.tokens), used: 1 - b.tokens / b.spec.capacity };
    }
    b.tokens -= cost;
    b.accepted += cost;
    return { ok: true, retryAfter: 0, remaining: Math.max(0, Math.floor(b.tokens)), used: 1 - b.tokens / b.spec.capacity };
  }

  /** Per bucket: the least seconds its accepted cost needs, max(0, (cost − capacity) / refill). */
  minSeconds(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, b] of this.buckets) out[id] = Math.max(0, (b.accepted - b.spec.capacity) / b.spec.refillPerSecond);
    return out;
  }

  reset(): void {
    this.buckets.clear();
  }
}

/** Graph family of a path below /v1.0 or /beta (segments without the version). */
export function graphFamily(segments: string[], method: string): Family {
  const s0 = segments[0]?.toLowerCase();
  if (s0 === 'identity' && segments[1]?.toLowerCase() === 'conditionalaccess') return 'ca';
  if (s0 === 'reports' || s0 === 'auditlogs') return 'reports';
  if (s0 === '$batch') return 'batch';
  return method === 'GET' ? 'directory' : 'directoryWrite';
}

/** Resource-unit cost of a directory read (Graph identity and access cost table). */
export function directoryCost(segments: string[], q: URLSearchParams): number {
  const s = segments.map((x) => x.toLowerCase());
  let cost = 1;
  if (s.length === 1 && s[0] === 'users') cost = 2;
  else if (s.length === 2 && s[1] === 'delta') cost = 5; // our estimate: Graph's table gives no figure for delta; charged like an expensive list
  else if (s[0] === 'groups' && s[2] === 'members') cost = 3;
  else if (s[0] === 'groups' && s[2] === 'transitivemembers') cost = 5;
  let hasSelect = false;
  let hasExpand = false;
  let top: number | undefined;
  for (const [k, v] of q) {
    const lk = k.toLowerCase();
    if (lk === '$select') hasSelect = true;
    else if (lk === '$expand') hasExpand = true;
    else if (lk === '$top') top = Number(v);
  }
  if (hasSelect) cost -= 1;
  if (hasExpand) cost += 1;
  if (top !== undefined && top < 20) cost -= 1;
  return Math.max(1, cost);
}
