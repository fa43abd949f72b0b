/**
 * One emulator process, several tenants (MSP runs): the token endpoint finds the tenant in its path,
 * Graph by the token's `tid`; each tenant has its own data, signing key, limits, stats and denials.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../devkit/emulator/index.js';
import { tenant } from './helpers.js';

let emu: EmulatorHandle;
const a = tenant(30, 101);
const b = tenant(60, 102);

beforeAll(async () => {
  emu = await startEmulator({ snapshot: a, limits: 'none', tenants: [{ snapshot: b, limits: { mode: 'graph', buckets: { ca: { capacity: 1, refillPerSecond: 0.01 } } }, deny: { userRegistrationDetails: 'permission' } }] });
});
afterAll(async () => { await emu?.close(); });

async function token(tenantId: string): Promise<string> {
  const res = await fetch(`${emu.httpUrl}/${tenantId}/oauth2/v2.0/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: emu.clientId, client_secret: emu.clientSecret, scope: 'https://graph.microsoft.com/.default' }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}
const get = (path: string, tok: string) => fetch(`${emu.httpUrl}${path}`, { headers: { authorization: `Bearer ${tok}` } });
const tidOf = (tok: string) => (JSON.parse(Buffer.from(tok.split('.')[1]!, 'base64url').toString()) as { tid: string }).tid;

it('issues tokens per tenant and answers Graph with that tenant\'s data', async () => {
  const ta = await token(a.tenant.id);
  const tb = await token(b.tenant.id);
  expect(tidOf(ta)).toBe(a.tenant.id);
  expect(tidOf(tb)).toBe(b.tenant.id);
  const org = async (tok: string) => ((await (await get('/v1.0/organization', tok)).json()) as { value: { id: string }[] }).value[0]!.id;
  expect(await org(ta)).toBe(a.tenant.id);
  expect(await org(tb)).toBe(b.tenant.id);
  const count = async (tok: string) => ((await (await get('/v1.0/users?$top=999&$select=id', tok)).json()) as { value: unknown[] }).value.length;
  expect(await count(ta)).toBe(a.users!.length);
  expect(await count(tb)).toBe(b.users!.length);
  expect(Object.keys(emu.tenants).sort()).toEqual([a.tenant.id, b.tenant.id].sort());
});

it('keeps limits, denials and stats per tenant', async () => {
  const ta = await token(a.tenant.id);
  const tb = await token(b.tenant.id);
  // b denies the registration report; a does not
  expect((await get('/beta/reports/authenticationMethods/userRegistrationDetails', tb)).status).toBe(403);
  expect((await get('/beta/reports/authenticationMethods/userRegistrationDetails', ta)).status).toBe(200);
  // b's Conditional Access bucket holds one request; a has no limits
  expect((await get('/v1.0/identity/conditionalAccess/policies', tb)).status).toBe(200);
  expect((await get('/v1.0/identity/conditionalAccess/policies', tb)).status).toBe(429);
  for (let i = 0; i < 3; i++) expect((await get('/v1.0/identity/conditionalAccess/policies', ta)).status).toBe(200);
  expect(emu.tenants[b.tenant.id]!.stats().throttled).toBe(1);
  expect(emu.tenants[a.tenant.id]!.stats().throttled).toBe(0);
});

it("refuses a token whose tid names one tenant but was signed by another's key", async () => {
  const ta = await token(a.tenant.id);
  const [h, p, s] = ta.split('.');
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, tid: b.tenant.id })).toString('base64url')}.${s}`;
  expect((await get('/v1.0/organization', forged)).status).toBe(401);
  const unknown = await fetch(`${emu.httpUrl}/00000000-0000-4000-8000-00000000dead/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
  expect(unknown.status).toBe(400);
});
