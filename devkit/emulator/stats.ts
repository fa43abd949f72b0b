/** Request accounting: per family, per route, throttling, faults and the write audit trail. */
import type { EmulatorStats, Family, FamilyStats, FaultKind, WriteRecord } from './types.js';
import type { Limiter } from './limits.js';

const FAMILIES: Family[] = ['identity', 'directory', 'directoryWrite', 'reports', 'ca', 'arm', 'armWrite', 'arg', 'batch', 'other'];
const KINDS: FaultKind[] = ['429', '503', 'reset', 'slow', 'truncate'];

export class Stats {
  families!: Record<Family, FamilyStats>;
  routes!: Map<string, number>;
  totalRequests = 0;
  throttled = 0;
  faults!: Record<FaultKind, number>;
  writes: WriteRecord[] = [];
  started = performance.now();

  constructor(private readonly limiter: Limiter) {
    this.reset();
  }

  reset(): void {
    this.families = Object.fromEntries(FAMILIES.map((f) => [f, { requests: 0, throttled: 0, faults: 0, cost: 0 }])) as Record<Family, FamilyStats>;
    this.routes = new Map();
    this.totalRequests = 0;
    this.throttled = 0;
    this.faults = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
    this.writes = [];
    this.started = performance.now();
  }

  request(family: Family, route: string): void {
    this.families[family].requests++;
    this.routes.set(route, (this.routes.get(route) ?? 0) + 1);
  }

  cost(family: Family, n: number): void {
    this.families[family].cost += n;
  }

  throttle(family: Family): void {
    this.families[family].throttled++;
    this.throttled++;
  }

  fault(family: Family, kind: FaultKind): void {
    this.families[family].faults++;
    this.faults[kind]++;
  }

  write(rec: WriteRecord): void {
    this.writes.push(rec);
  }

  snapshot(): EmulatorStats {
    const byBucket = this.limiter.minSeconds();
    const total = Object.values(this.faults).reduce((a, b) => a + b, 0);
    return {
      families: structuredClone(this.families),
      routes: Object.fromEntries([...this.routes].sort(([a], [b]) => a.localeCompare(b))),
      totalRequests: this.totalRequests,
      throttled: this.throttled,
      faults: { ...this.faults, total },
      writes: structuredClone(this.writes),
      theoreticalMinSeconds: Math.max(0, ...Object.values(byBucket)),
      minSecondsByBucket: byBucket,
      elapsedSeconds: (performance.now() - this.started) / 1000,
    };
  }
}
