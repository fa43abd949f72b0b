/**
 * Client-side pacing per rate-limit family (the families and their numbers are data, in
 * rate-limits.ts), sized to the published service limits so a run rarely meets a 429 at all, plus a
 * shared pause when the service says "wait".
 *
 * `observe()` tightens the local budget from the service's own counters (the headers each family
 * names), so two processes sharing an app, or a limit lower than the default, converge on the
 * service's view instead of fighting it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FamilyHeaders, FamilyLimits, FamilyName } from './rate-limits.js';

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, Math.max(0, ms));
    const onAbort = () => { clearTimeout(t); reject(signal!.reason as Error); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** A refilling budget of request units: bursts up to `capacity`, then `perSecond`. */
export class RateBudget {
  private tokens: number;
  private last = Date.now();
  constructor(readonly capacity: number, readonly perSecond: number) {
    this.tokens = capacity;
  }
  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }
  /** ms until `cost` tokens are there (0 = now). */
  wait(cost: number): number {
    this.refill();
    const c = Math.min(cost, this.capacity);
    return this.tokens >= c ? 0 : Math.ceil(((c - this.tokens) / this.perSecond) * 1000);
  }
  take(cost: number): void {
    this.refill();
    this.tokens -= Math.min(cost, this.capacity);
  }
  /** The service says fewer are left than we think. */
  clampTo(remaining: number): void {
    this.refill();
    if (remaining < this.tokens) this.tokens = Math.max(remaining, -this.capacity);
  }
  get available(): number {
    this.refill();
    return this.tokens;
  }
}

export interface ThrottleEvent {
  family: FamilyName;
  waitMs: number;
  reason: string;
}

/**
 * We refill 3% slower than the published rate: the service counts arrivals, we count departures, and a
 * request that arrives a few ms early against an empty bucket costs a whole Retry-After (≥ 1 s).
 */
export const RATE_SAFETY = 0.97;

/** One family's budget, its in-flight cap and its shared pause. */
export class RateFamily {
  readonly budget: RateBudget;
  private inFlight = 0;
  private readonly slotWaiters: (() => void)[] = [];
  private chain: Promise<void> = Promise.resolve();
  private pausedUntil = 0;
  /** Sum of the ms requests spent waiting for the bucket or a pause, for statistics. */
  waitedMs = 0;
  requests = 0;
  throttled = 0;

  constructor(
    readonly name: FamilyName,
    readonly limits: FamilyLimits,
    private readonly headers: FamilyHeaders,
    private readonly onThrottle?: (e: ThrottleEvent) => void,
  ) {
    this.budget = new RateBudget(limits.capacity, limits.perSecond * RATE_SAFETY);
  }

  get pausedFor(): number {
    return Math.max(0, this.pausedUntil - Date.now());
  }

  /** Everyone in this family waits `ms` (a 429 applies to the app+tenant bucket, not to one request). */
  pause(ms: number, reason: string): void {
    const until = Date.now() + ms;
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.throttled++;
      this.onThrottle?.({ family: this.name, waitMs: ms, reason });
    }
  }

  /** A slot and `cost` tokens; call the returned release when the response is in. */
  async acquire(cost: number, signal?: AbortSignal): Promise<() => void> {
    if (this.inFlight >= this.limits.concurrency) await new Promise<void>((r) => this.slotWaiters.push(r));
    this.inFlight++;
    const start = Date.now();
    // FIFO through the budget: each acquirer waits for the previous one.
    const turn = this.chain.then(async () => {
      for (;;) {
        const w = Math.max(this.pausedFor, this.budget.wait(cost));
        if (w <= 0) break;
        await sleep(w, signal);
      }
      this.budget.take(cost);
    });
    this.chain = turn.catch(() => undefined);
    try {
      await turn;
    } catch (err) {
      this.releaseSlot();
      throw err;
    }
    this.waitedMs += Date.now() - start;
    this.requests++;
    let released = false;
    return () => {
      if (!released) { released = true; this.releaseSlot(); }
    };
  }

  private releaseSlot(): void {
    this.inFlight--;
    this.slotWaiters.shift()?.();
  }

  /** Reads the service's counters off a response. */
  observe(headers: IncomingHttpHeaders): void {
    const h = (k: string) => {
      const v = headers[k];
      return Array.isArray(v) ? v[0] : v;
    };
    const pct = this.headers.usedFraction ? h(this.headers.usedFraction) : undefined;
    if (pct !== undefined) {
      let p = Number(pct);
      if (Number.isFinite(p)) {
        if (p > 2) p /= 100; // a percentage rather than a fraction
        this.budget.clampTo(this.limits.capacity * Math.max(0, 1 - p));
      }
    }
    let exhausted = false;
    for (const k of this.headers.remaining) {
      const v = h(k);
      if (v !== undefined && Number.isFinite(Number(v))) {
        this.budget.clampTo(Number(v));
        if (Number(v) === 0) exhausted = true;
      }
    }
    const resets = this.headers.resetsAfter ? h(this.headers.resetsAfter) : undefined;
    if (exhausted && resets) {
      const m = /^(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(resets);
      if (m) this.pause((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000, 'quota used up');
    }
  }
}

/** `Retry-After` (seconds or an HTTP date) or the Azure `retry-after-ms` forms, in ms. */
export function retryAfterMs(headers: Record<string, string | string[] | undefined> | undefined): number | undefined {
  if (!headers) return undefined;
  const get = (k: string) => {
    for (const [name, v] of Object.entries(headers)) if (name.toLowerCase() === k) return Array.isArray(v) ? v[0] : v;
    return undefined;
  };
  for (const k of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = get(k);
    if (v !== undefined && Number.isFinite(Number(v))) return Math.max(0, Number(v));
  }
  const ra = get('retry-after');
  if (ra === undefined || ra === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Number(ra) * 1000;
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Full-jitter exponential backoff: a random delay in [base/2, min(cap, base·2^(attempt-1))]. */
export function backoffMs(attempt: number, baseMs: number, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(baseMs / 2 + Math.random() * Math.max(0, ceiling - baseMs / 2));
}
