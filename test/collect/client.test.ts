/**
 * Collector mechanics against a tiny loopback stub (test/collect/stub.ts): pacing and backoff,
 * unavailable collections, checkpoints. The emulator-backed round trips are in roundtrip.test.ts.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSnapshot } from '../../devkit/gen/generate.js';
import { collectTenant } from '../../src/collect/collect.js';
import { backoffMs, retryAfterMs, RateBudget } from '../../src/azure/rate-budget.js';
import { makeScrubber } from '../../src/collect/log.js';
import { resolveEndpoints } from '../../src/azure/clouds.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import { fakeCredential, startStub } from './stub.js';

let root: string;
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'mfaguard-collect-')); });
afterAll(async () => { await rm(root, { recursive: true, force: true }); });

const sink = () => {
  const lines: string[] = [];
  return { lines, sink: { write: (s: string) => { lines.push(s); } } };
};

describe('limiter and helpers', () => {
  it('parses Retry-After in seconds, as a date, and the Azure ms forms', () => {
    expect(retryAfterMs({ 'retry-after': '7' })).toBe(7000);
    expect(retryAfterMs({ 'Retry-After': '0' })).toBe(0);
    expect(retryAfterMs({ 'retry-after-ms': '250' })).toBe(250);
    const d = retryAfterMs({ 'retry-after': new Date(Date.now() + 5000).toUTCString() })!;
    expect(d).toBeGreaterThan(3000);
    expect(d).toBeLessThanOrEqual(5000);
    expect(retryAfterMs({})).toBeUndefined();
  });

  it('backs off exponentially with jitter, within bounds', () => {
    for (let a = 1; a <= 8; a++) {
      const v = backoffMs(a, 500, 30_000);
      expect(v).toBeGreaterThanOrEqual(250);
      expect(v).toBeLessThanOrEqual(Math.min(30_000, 500 * 2 ** (a - 1)));
    }
  });

  it('rate budget: burst up to capacity, then the refill rate; the service can only lower it', () => {
    const b = new RateBudget(5, 0.5);
    for (let i = 0; i < 5; i++) { expect(b.wait(1)).toBe(0); b.take(1); }
    expect(b.wait(1)).toBeGreaterThan(1500);
    const c = new RateBudget(100, 10);
    c.clampTo(3);
    expect(c.available).toBeLessThan(4);
    c.clampTo(50);
    expect(c.available).toBeLessThan(4);
  });

  it('scrubs secrets and anything shaped like a token', () => {
    const scrub = makeScrubber(['s3cr3t-value']);
    expect(scrub('x s3cr3t-value y')).toBe('x [redacted] y');
    expect(scrub('Authorization: Bearer abcdefghijklmnopqrstuvwxyz')).not.toContain('abcdefghijklmnop');
    expect(scrub('eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiIxMjMifQ.c2lnbmF0dXJlX2hlcmU')).toBe('[redacted-token]');
  });

  it('sovereign clouds: endpoints and token scopes per cloud; overrides keep the cloud\'s scopes', () => {
    const gov = resolveEndpoints('AzureUSGovernment');
    expect(gov.graph).toBe('https://graph.microsoft.us');
    expect(gov.arm).toBe('https://management.usgovcloudapi.net');
    expect(gov.authorityHost).toBe('https://login.microsoftonline.us');
    const cn = resolveEndpoints('AzureChinaCloud', { graph: 'https://127.0.0.1:9999/' });
    expect(cn.graph).toBe('https://127.0.0.1:9999');
    expect(cn.graphScope).toBe('https://microsoftgraph.chinacloudapi.cn/.default');
    expect(cn.armScope).toBe('https://management.chinacloudapi.cn/.default');
  });
});

describe('collector against a stub', () => {
  const tenant = generateSnapshot({ users: 250, seed: 11 });

  it('Conditional Access 429s without Retry-After: backs off on its own and still gets everything', async () => {
    const stub = await startStub({ snapshot: tenant, pageSize: 50, throttleEvery: 4, noRetryAfter: true });
    const out = join(root, 'throttled');
    const log = sink();
    try {
      const r = await collectTenant({
        out, credential: fakeCredential, graphEndpoint: stub.url, armEndpoint: stub.url, logFormat: 'json', logSink: log.sink,
        limits: { directory: { backoffBaseMs: 50 }, ca: { backoffBaseMs: 50 }, reports: { capacity: 100, perSecond: 100, backoffBaseMs: 50 }, arm: { backoffBaseMs: 50 }, arg: { backoffBaseMs: 50 } },
      });
      expect(r.throttled).toBeGreaterThan(0);
      expect(r.unavailable).toEqual({});
      const { snapshot } = await loadSnapshot(out);
      expect(snapshot.users).toHaveLength(250);
      expect(snapshot.conditionalAccessPolicies).toHaveLength(tenant.conditionalAccessPolicies!.length);
      const events = log.lines.map((l) => JSON.parse(l) as { event: string; family?: string; reason?: string });
      expect(events.some((e) => e.event === 'throttle' && /own backoff/.test(e.reason ?? ''))).toBe(true);
    } finally {
      await stub.close();
    }
  });

  it('a 403 on one collection: it lands in `unavailable`, the rest is collected', async () => {
    const stub = await startStub({ snapshot: tenant, deny: { '/reports/': { status: 403, code: 'Authorization_RequestDenied' }, '/roleManagement/directory/roleEligibilitySchedules': { status: 400, code: 'AadPremiumLicenseRequired' } } });
    const out = join(root, 'denied');
    const log = sink();
    try {
      const r = await collectTenant({ out, credential: fakeCredential, graphEndpoint: stub.url, armEndpoint: stub.url, logFormat: 'text', logSink: log.sink });
      expect(r.unavailable.userRegistrationDetails).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
      expect(r.unavailable.roleEligibilitySchedules).toMatchObject({ status: 400, code: 'AadPremiumLicenseRequired' });
      const { snapshot } = await loadSnapshot(out);
      expect(snapshot.userRegistrationDetails).toBeUndefined();
      expect(snapshot.unavailable.userRegistrationDetails?.code).toBe('Authorization_RequestDenied');
      expect(snapshot.users).toHaveLength(250);
      expect(log.lines.join('')).toMatch(/UNAVAILABLE: .*userRegistrationDetails/);
      // nothing of the stage is left behind
      expect((await readdir(out)).filter((f) => f.startsWith('.'))).toEqual([]);
    } finally {
      await stub.close();
    }
  });

  it('perUserMfaState missing from the list: read per user through $batch, 20 per batch', async () => {
    const noState = { ...tenant, users: tenant.users!.map(({ perUserMfaState: _drop, ...u }) => u) };
    const stub = await startStub({ snapshot: noState });
    const out = join(root, 'perUser');
    try {
      const r = await collectTenant({ out, credential: fakeCredential, graphEndpoint: stub.url, armEndpoint: stub.url, logFormat: 'json', logSink: sink().sink, skip: ['azure'] });
      expect(r.counts.authenticationRequirements).toBe(250);
      const batches = stub.requests.filter((q) => q === 'POST /beta/$batch').length;
      expect(batches).toBe(Math.ceil(250 / 20));
      const { snapshot } = await loadSnapshot(out);
      expect(Object.keys(snapshot.authenticationRequirements!)).toHaveLength(250);
      expect(snapshot.subscriptions).toBeUndefined(); // --skip azure: not collected, not "unavailable"
      expect(snapshot.unavailable).toEqual({});
    } finally {
      await stub.close();
    }
  });

  it('refuses to write into a directory that holds something else', async () => {
    const stub = await startStub({ snapshot: tenant });
    try {
      const dir = join(root, 'busy');
      await import('node:fs/promises').then((fs) => fs.mkdir(dir).then(() => fs.writeFile(join(dir, 'notes.txt'), 'mine')));
      await expect(collectTenant({ out: dir, credential: fakeCredential, graphEndpoint: stub.url, armEndpoint: stub.url, logSink: sink().sink })).rejects.toThrow(/not empty/);
      expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    } finally {
      await stub.close();
    }
  });
});
