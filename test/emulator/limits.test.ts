/**
 * Throttling (Graph's and ARM's published limits as token buckets) and deterministic fault injection.
 * Buckets are shrunk where the real size would need thousands of requests; the CA rule (1 request per
 * second per tenant, 429 without Retry-After) and the reports rule (5 per 10 s) run at their real size.
 */
import { describe, expect, it } from 'vitest';
import { defaultBuckets, directoryCapacity } from '../../devkit/emulator/index.js';
import { directoryCost } from '../../devkit/emulator/limits.js';
import { call, start, tenant, type Json } from './helpers.js';

describe('Graph limits', () => {
  it('bucket sizes follow the published numbers', () => {
    expect([directoryCapacity(10), directoryCapacity(300), directoryCapacity(100_000)]).toEqual([3500, 5000, 8000]);
    const b = defaultBuckets(100_000);
    expect(b.directory).toEqual({ capacity: 8000, refillPerSecond: 800 });
    expect(b.reports).toEqual({ capacity: 5, refillPerSecond: 0.5 });
    expect(b.ca).toEqual({ capacity: 1, refillPerSecond: 1 });
    expect(b.arm).toEqual({ capacity: 250, refillPerSecond: 25 });
    expect(b.directoryWrite).toEqual({ capacity: 3000, refillPerSecond: 20 });
    expect(b.arg).toEqual({ capacity: 15, refillPerSecond: 3 });
    const q = (s: string) => new URLSearchParams(s);
    expect(directoryCost(['users'], q(''))).toBe(2);
    expect(directoryCost(['users'], q('$select=id'))).toBe(1);
    expect(directoryCost(['groups', 'x', 'members'], q('$select=id'))).toBe(2);
    expect(directoryCost(['groups', 'x', 'transitiveMembers'], q('$top=10'))).toBe(4);
    expect(directoryCost(['servicePrincipals'], q('$select=id&$top=5'))).toBe(1);
  });

  it('Conditional Access: 1 request per second per tenant, and the 429 has no Retry-After', async () => {
    const emu = await start({ limits: 'graph' });
    try {
      const a = await call(emu, '/v1.0/identity/conditionalAccess/policies');
      expect(a.status).toBe(200);
      const b = await call(emu, '/v1.0/identity/conditionalAccess/namedLocations');
      expect(b.status).toBe(429);
      expect(b.headers.get('retry-after')).toBeNull();
      expect(b.body.error.code).toBe('TooManyRequests');
      await new Promise((r) => setTimeout(r, 1050));
      expect((await call(emu, '/v1.0/identity/conditionalAccess/namedLocations')).status).toBe(200);
      // in a batch each item is throttled on its own: the second CA item gets an inner 429
      await new Promise((r) => setTimeout(r, 1050));
      const batch = await call(emu, '/v1.0/$batch', { method: 'POST', body: { requests: [
        { id: '1', method: 'GET', url: '/identity/conditionalAccess/policies' },
        { id: '2', method: 'GET', url: '/identity/conditionalAccess/namedLocations' },
        { id: '3', method: 'GET', url: '/organization' },
      ] } });
      expect(batch.status).toBe(200);
      const st = Object.fromEntries((batch.body.responses as Json[]).map((r) => [r.id, r]));
      expect([st[1]!.status, st[2]!.status, st[3]!.status]).toEqual([200, 429, 200]);
      expect(st[2]!.headers['Retry-After']).toBeUndefined();
      expect(emu.stats().families.ca.throttled).toBe(2);
    } finally {
      await emu.close();
    }
  });

  it('reports: 5 requests per 10 s, then 429 with Retry-After', async () => {
    const emu = await start({ limits: 'graph' });
    try {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 6; i++) {
        last = await call(emu, '/beta/reports/authenticationMethods/userRegistrationDetails?$top=1');
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBe(2);
    } finally {
      await emu.close();
    }
  });

  it('directory: resource-unit costs, x-ms-resource-unit, x-ms-throttle-* headers and Retry-After', async () => {
    const emu = await start({ limits: { mode: 'graph', buckets: { directory: { capacity: 10, refillPerSecond: 1 } } } });
    try {
      const first = await call(emu, '/v1.0/users?$select=id&$top=5');
      expect(first.headers.get('x-ms-resource-unit')).toBe('1');
      const full = await call(emu, '/v1.0/users');
      expect(full.headers.get('x-ms-resource-unit')).toBe('2');
      let r = full;
      for (let i = 0; i < 12 && r.status === 200; i++) r = await call(emu, '/v1.0/users');
      expect(r.status).toBe(429);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(r.headers.get('x-ms-throttle-scope')).toBe(`Tenant_Application/ReadWrite/${emu.clientId}/${emu.tenantId}`);
      expect(r.headers.get('x-ms-throttle-information')).toBe('ResourceUnitLimitExceeded');
      expect(r.body.error.innerError.status).toBe('429');
      const s = emu.stats();
      expect(s.families.directory.throttled).toBe(1);
      expect(s.throttled).toBe(1);
    } finally {
      await emu.close();
    }
  });

  it('ARM: x-ms-ratelimit-remaining-* headers and SubscriptionRequestsThrottled with Retry-After', async () => {
    const emu = await start({ limits: { mode: 'graph', buckets: { arm: { capacity: 3, refillPerSecond: 0.5 } } } });
    try {
      const sub = tenant(300).subscriptions![0]!.subscriptionId;
      const path = `/subscriptions/${sub}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`;
      const remaining: (string | null)[] = [];
      let r;
      for (let i = 0; i < 4; i++) {
        r = await call(emu, path, { token: emu.armToken });
        remaining.push(r.headers.get('x-ms-ratelimit-remaining-subscription-reads'));
      }
      expect(remaining.slice(0, 3)).toEqual(['2', '1', '0']);
      expect(r!.status).toBe(429);
      expect(r!.body.error.code).toBe('SubscriptionRequestsThrottled');
      expect(Number(r!.headers.get('retry-after'))).toBe(2);
      const tenantLevel = await call(emu, '/subscriptions?api-version=2022-12-01', { token: emu.armToken });
      expect(tenantLevel.headers.get('x-ms-ratelimit-remaining-tenant-reads')).toBe('2');
    } finally {
      await emu.close();
    }
  });

  it('stats give the theoretical minimum time the limits allow for the work done', async () => {
    const emu = await start({ limits: 'none' }); // accounted, never refused
    try {
      for (let i = 0; i < 25; i++) await call(emu, '/beta/reports/authenticationMethods/userRegistrationDetails?$top=1');
      for (let i = 0; i < 4; i++) await call(emu, '/v1.0/identity/conditionalAccess/policies');
      const s = emu.stats();
      expect(s.minSecondsByBucket.reports).toBe(40); // (25 − 5) / 0.5
      expect(s.minSecondsByBucket.ca).toBe(3); // (4 − 1) / 1
      expect(s.theoreticalMinSeconds).toBe(40);
      expect(s.families.reports).toMatchObject({ requests: 25, cost: 25, throttled: 0 });
      expect(s.routes['GET /beta/reports/authenticationMethods/userRegistrationDetails']).toBe(25);
    } finally {
      await emu.close();
    }
  });
});

describe('faults', () => {
  const urls = Array.from({ length: 40 }, (_, i) => `/v1.0/users?$select=id&$top=${(i % 7) + 1}`);
  async function run(seed: number): Promise<number[]> {
    const emu = await start({ faults: { rate: 0.3, seed, kinds: ['429', '503'] } });
    try {
      const out: number[] = [];
      for (const u of urls) out.push((await call(emu, u)).status);
      const s = emu.stats();
      expect(s.faults.total).toBe(out.filter((x) => x !== 200).length);
      return out;
    } finally {
      await emu.close();
    }
  }

  it('the same seed gives the same faults; another seed others', async () => {
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.filter((x) => x !== 200).length).toBeGreaterThan(3);
    expect(new Set(a)).toEqual(new Set([200, 429, 503]));
  });

  it('connection resets, truncated bodies and slow responses', async () => {
    const reset = await start({ faults: { rate: 1, seed: 1, kinds: ['reset'] } });
    try {
      await expect(call(reset, '/v1.0/organization')).rejects.toThrow();
      expect(reset.stats().faults.reset).toBe(1);
    } finally {
      await reset.close();
    }
    const trunc = await start({ faults: { rate: 1, seed: 1, kinds: ['truncate'] } });
    try {
      await expect(call(trunc, '/v1.0/users?$select=id')).rejects.toThrow();
    } finally {
      await trunc.close();
    }
    const slow = await start({ faults: { rate: 1, seed: 1, kinds: ['slow'], slowMs: 300 } });
    try {
      const t0 = performance.now();
      const r = await call(slow, '/v1.0/organization');
      expect(r.status).toBe(200);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    } finally {
      await slow.close();
    }
  });

  it('batch items get 429/503 faults inside a 200 envelope', async () => {
    const emu = await start({ faults: { rate: 0.5, seed: 3, kinds: ['429', '503'] } });
    try {
      let inner: number[] = [];
      for (let attempt = 0; attempt < 10 && !inner.some((s) => s === 429 || s === 503); attempt++) {
        const r = await call(emu, '/v1.0/$batch', { method: 'POST', body: { requests: Array.from({ length: 10 }, (_, i) => ({ id: String(i), method: 'GET', url: `/users?$select=id&$top=${i + 1}` })) } });
        if (r.status !== 200) continue; // the envelope itself may be faulted
        inner = (r.body.responses as Json[]).map((x) => x.status as number);
      }
      expect(inner.some((s) => s === 429 || s === 503)).toBe(true);
      expect(inner.every((s) => [200, 429, 503].includes(s))).toBe(true);
    } finally {
      await emu.close();
    }
  });
});
