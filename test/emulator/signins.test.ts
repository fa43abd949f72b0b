/**
 * The emulator's sign-in log (devkit/emulator/signins.ts) answers like Graph: newest first, 1,000 per
 * page at most, `$filter` on createdDateTime / appId / event types, beta interactive-only by default,
 * v1.0 without beta properties, skiptoken paging, and the reports throttling (429 + Retry-After).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSignIns } from '../../devkit/gen/signins.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { all, call, start, tenant, type Json } from './helpers.js';

const ASOF = '2026-11-01T08:00:00Z';
const base = tenant(200, 21);
const signIns = [...generateSignIns(base, { count: 3000, seed: 2, asOf: ASOF, days: 10 })];
const snapshot: Snapshot = { ...base, signIns };
const CLI = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const PORTAL = 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c';
const type = (r: Json) => (r.signInEventTypes as string[])[0];
const enc = encodeURIComponent;

let emu: Awaited<ReturnType<typeof start>>;
beforeAll(async () => { emu = await start({ snapshot, pageSizes: { signIns: 250 } }); });
afterAll(async () => { await emu.close(); });

describe('GET /auditLogs/signIns', () => {
  it('beta without a filter: interactive user sign-ins only, newest first, every one exactly once across pages', async () => {
    const { items, pages } = await all(emu, '/beta/auditLogs/signIns');
    const want = signIns.filter((r) => type(r) === 'interactiveUser');
    expect(items).toHaveLength(want.length);
    expect(pages).toBe(Math.ceil(want.length / 250));
    expect(new Set(items.map((r) => r.id))).toEqual(new Set(want.map((r) => r.id)));
    const times = items.map((r) => Date.parse(r.createdDateTime));
    expect(times.every((t, i) => i === 0 || times[i - 1]! >= t)).toBe(true);
  });

  it('non-interactive sign-ins only through signInEventTypes/any', async () => {
    const f = enc("signInEventTypes/any(t: t eq 'nonInteractiveUser')");
    const { items } = await all(emu, `/beta/auditLogs/signIns?$filter=${f}`);
    expect(items.length).toBe(signIns.filter((r) => type(r) === 'nonInteractiveUser').length);
    expect(items.every((r) => type(r) === 'nonInteractiveUser')).toBe(true);
  });

  it('filters on a createdDateTime range and an appId or-chain (and `in`), combined with and', async () => {
    const from = '2026-10-25T00:00:00Z';
    const to = '2026-10-28T00:00:00Z';
    const orChain = enc(`createdDateTime ge ${from} and createdDateTime lt ${to} and (appId eq '${CLI}' or appId eq '${PORTAL}') and signInEventTypes/any(t: t eq 'nonInteractiveUser')`);
    const inList = enc(`createdDateTime ge ${from} and createdDateTime lt ${to} and appId in ('${CLI}', '${PORTAL}') and signInEventTypes/any(t: t eq 'nonInteractiveUser')`);
    const want = signIns.filter((r) => {
      const t = Date.parse(String(r.createdDateTime));
      return t >= Date.parse(from) && t < Date.parse(to) && (r.appId === CLI || r.appId === PORTAL) && type(r) === 'nonInteractiveUser';
    });
    expect(want.length).toBeGreaterThan(5);
    for (const f of [orChain, inList]) {
      const { items } = await all(emu, `/beta/auditLogs/signIns?$filter=${f}`);
      expect(items.map((r) => r.id).sort()).toEqual(want.map((r) => r.id).sort());
    }
    const gtLe = await all(emu, `/beta/auditLogs/signIns?$filter=${enc(`createdDateTime gt ${from} and createdDateTime le ${to} and clientAppUsed eq 'IMAP4'`)}`);
    expect(gtLe.items.every((r) => r.clientAppUsed === 'IMAP4' && r.createdDateTime > from && r.createdDateTime <= to)).toBe(true);
  });

  it('$top pages, capped at 1,000; $select projects', async () => {
    const r = await call(emu, '/beta/auditLogs/signIns?$top=7&$select=id,createdDateTime,appId');
    expect(r.status).toBe(200);
    expect(r.body.value).toHaveLength(7);
    expect(Object.keys(r.body.value[0]).sort()).toEqual(['appId', 'createdDateTime', 'id']);
    expect(r.body['@odata.nextLink']).toContain('$skiptoken=');
    expect((await call(emu, '/beta/auditLogs/signIns?$top=1001')).status).toBe(400);
  });

  it('v1.0: interactive only, no beta-only properties, and signInEventTypes is not a v1.0 filter', async () => {
    const r = await call(emu, '/v1.0/auditLogs/signIns?$top=5');
    expect(r.status).toBe(200);
    for (const s of r.body.value as Json[]) {
      expect(s.signInEventTypes).toBeUndefined();
      expect(s.authenticationRequirement).toBeUndefined();
      expect(s.isInteractive).toBe(true);
    }
    expect((await call(emu, `/v1.0/auditLogs/signIns?$filter=${enc("signInEventTypes/any(t: t eq 'nonInteractiveUser')")}`)).status).toBe(400);
  });

  it('refuses unsupported filters and foreign skip tokens', async () => {
    expect((await call(emu, `/beta/auditLogs/signIns?$filter=${enc("userAgent eq 'curl'")}`)).status).toBe(400);
    const first = await call(emu, '/beta/auditLogs/signIns?$top=2');
    const token = new URL(first.body['@odata.nextLink'] as string).searchParams.get('$skiptoken')!;
    expect((await call(emu, `/beta/auditLogs/signIns?$top=3&$skiptoken=${token}`)).status).toBe(400);
  });
});

describe('throttling and permissions', () => {
  it('the reports limit: 5 requests per 10 s, then 429 with Retry-After', async () => {
    const e = await start({ snapshot, limits: 'graph' });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof call>> | undefined;
      for (let i = 0; i < 6; i++) {
        last = await call(e, '/beta/auditLogs/signIns?$top=1');
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      await e.close();
    }
  });

  it('without AuditLog.Read.All: 403; a tenant without P1: the licence error', async () => {
    const noPerm = await call(emu, '/beta/auditLogs/signIns', { token: emu.issueToken({ resource: 'graph', roles: ['Directory.Read.All'] }) });
    expect(noPerm.status).toBe(403);
    expect(noPerm.body.error.code).toBe('Authorization_RequestDenied');
    emu.setDeny('signIns', 'license');
    try {
      const lic = await call(emu, '/beta/auditLogs/signIns');
      expect(lic.status).toBe(403);
      expect(lic.body.error.code).toBe('Authentication_RequestFromNonPremiumTenantOrB2CTenant');
    } finally {
      emu.setDeny('signIns', undefined);
    }
  });
});
