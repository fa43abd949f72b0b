/**
 * The Azure client's write side (what remediation will use): POST/PATCH/DELETE against the emulator's
 * real write routes with If-Match and request ids, the journal records they produce, the service's
 * error code and message on a refused write, and which failed writes are sent again. Reads are
 * covered through the collector (test/collect).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenSource } from '../../src/azure/auth.js';
import { ApiError, AzureClient } from '../../src/azure/client.js';
import { resolveEndpoints } from '../../src/azure/clouds.js';
import { HttpTransport } from '../../src/azure/http.js';
import type { WriteJournalRecord } from '../../src/azure/journal.js';
import { familyOfUrl } from '../../src/azure/rate-limits.js';
import { start, type Json } from '../emulator/helpers.js';

type Emu = Awaited<ReturnType<typeof start>>;

function clientFor(base: string, token: string, journal?: WriteJournalRecord[]) {
  const transport = new HttpTransport({ timeoutMs: 5000 });
  const credential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) };
  const client = new AzureClient({
    endpoints: resolveEndpoints('AzureCloud', { graph: base, arm: base }),
    tokens: new TokenSource(credential),
    transport,
    maxAttempts: 4,
    limits: { directory: { backoffBaseMs: 20 }, ca: { backoffBaseMs: 20, capacity: 100, perSecond: 100, concurrency: 4 } }, // fast tests, same logic
    ...(journal ? { journal: (r: WriteJournalRecord) => journal.push(r) } : {}),
  });
  return { client, transport };
}

describe('writes against the emulator', () => {
  let emu: Emu;
  let journal: WriteJournalRecord[];
  let c: ReturnType<typeof clientFor>;
  beforeEach(async () => {
    emu = await start({ users: 300, seed: 11 });
    journal = [];
    c = clientFor(emu.httpUrl, emu.graphToken, journal);
  });
  afterEach(async () => {
    c.transport.close();
    await emu.close();
  });

  it('PATCH, POST and DELETE reach the emulator with request ids and If-Match, and are journaled without the token', async () => {
    const user = emu.currentSnapshot().users!.find((u) => u.perUserMfaState === 'disabled')!;
    const patched = await c.client.patch(c.client.graphUrl('beta', `/users/${user.id}/authentication/requirements`), { perUserMfaState: 'enforced' });
    expect(patched.status).toBe(204);
    expect(patched.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const policy = {
      displayName: 'client test', state: 'enabledForReportingButNotEnforced',
      conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'] }, clientAppTypes: ['all'] },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    };
    const policies = c.client.graphUrl('v1.0', '/identity/conditionalAccess/policies');
    const created = await c.client.post(policies, policy);
    expect(created.status).toBe(201);
    const id = (created.json as Json).id as string;
    await c.client.patch(`${policies}/${id}`, { state: 'disabled' }, { ifMatch: 'W/"1"' });
    await c.client.delete(`${policies}/${id}`, { ifMatch: '*' });
    await c.client.patch(c.client.graphUrl('v1.0', '/policies/identitySecurityDefaultsEnforcementPolicy'), { isEnabled: false });
    await c.client.get(policies); // a read is not journaled

    const writes = emu.stats().writes;
    expect(writes.map((w) => `${w.method} ${w.status}`)).toEqual(['PATCH 204', 'POST 201', 'PATCH 204', 'DELETE 204', 'PATCH 204']);
    expect(writes.map((w) => w.ifMatch)).toEqual([undefined, undefined, 'W/"1"', '*', undefined]);
    expect(writes[0]!.clientRequestId).toBe(patched.clientRequestId);
    expect(writes[0]!.requestId).toBe(patched.requestId);
    expect(new Set(writes.map((w) => w.clientRequestId)).size).toBe(5);

    expect(journal.map((r) => `${r.phase} ${r.method} ${r.status ?? ''}`.trim())).toEqual([
      'sending PATCH', 'outcome PATCH 204', 'sending POST', 'outcome POST 201', 'sending PATCH', 'outcome PATCH 204',
      'sending DELETE', 'outcome DELETE 204', 'sending PATCH', 'outcome PATCH 204',
    ]);
    const outcomes = journal.filter((r) => r.phase === 'outcome');
    expect(outcomes.map((r) => r.requestId)).toEqual(writes.map((w) => w.requestId));
    expect(outcomes.map((r) => r.clientRequestId)).toEqual(writes.map((w) => w.clientRequestId));
    expect(journal[6]).toMatchObject({ method: 'DELETE', url: `/v1.0/identity/conditionalAccess/policies/${id}`, ifMatch: '*', attempt: 1 });
    expect(JSON.stringify(journal)).not.toContain(emu.graphToken);
  });

  it('a refused write surfaces Graph\'s error code, message and request id, and is journaled', async () => {
    const user = emu.currentSnapshot().users![0]!;
    const err = await c.client.patch(c.client.graphUrl('beta', `/users/${user.id}/authentication/requirements`), { perUserMfaState: 'on' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect([e.status, e.code]).toEqual([400, 'BadRequest']);
    expect(e.message).toMatch(/perUserMfaState|on/);
    expect(e.requestId).toBe(emu.stats().writes[0]!.requestId);
    expect(journal[1]).toMatchObject({ phase: 'outcome', status: 400, code: 'BadRequest', message: e.message });
  });
});

/** A scripted server: each request takes the next answer; `reset` drops the connection. */
async function scripted(answers: ({ status: number; headers?: Record<string, string>; body?: unknown } | 'reset')[]) {
  const seen: { method: string; headers: IncomingMessage['headers'] }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push({ method: req.method ?? '', headers: req.headers });
    const a = answers.shift() ?? { status: 500 };
    req.resume();
    req.on('end', () => {
      if (a === 'reset') return req.socket.destroy();
      res.writeHead(a.status, { 'content-type': 'application/json', 'request-id': `srv-${seen.length}`, ...a.headers });
      res.end(a.body === undefined ? '' : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('which writes are sent again', () => {
  const graphError = (code: string, message: string) => ({ error: { code, message } });

  it('412 and 409 come back as ApiError with the service\'s code and message, not retried', async () => {
    for (const [status, code] of [[412, 'PreconditionFailed'], [409, 'Conflict']] as const) {
      const s = await scripted([{ status, body: graphError(code, `the ${code} message`) }]);
      const { client, transport } = clientFor(s.base, 'tok-not-a-secret');
      const e = (await client.patch(`${s.base}/v1.0/identity/conditionalAccess/policies/p1`, { state: 'enabled' }, { ifMatch: 'W/"3"' }).catch((x: unknown) => x)) as ApiError;
      expect([e.status, e.code, e.message, e.requestId]).toEqual([status, code, `the ${code} message`, 'srv-1']);
      expect(s.seen).toHaveLength(1);
      expect(s.seen[0]!.headers['if-match']).toBe('W/"3"');
      expect(s.seen[0]!.headers['client-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      transport.close();
      await s.close();
    }
  });

  it('a POST is retried after 429 (never processed) but not after a plain 503 or a reset (outcome unknown)', async () => {
    const journal: WriteJournalRecord[] = [];
    const s = await scripted([
      { status: 429, headers: { 'retry-after': '0' } }, { status: 201, body: { id: 'new' } },
      { status: 503, body: graphError('ServiceUnavailable', 'busy') },
      'reset',
      { status: 503, headers: { 'retry-after': '0' } }, { status: 201, body: { id: 'new2' } },
    ]);
    const { client, transport } = clientFor(s.base, 'tok-not-a-secret', journal);
    const url = `${s.base}/v1.0/identity/conditionalAccess/policies`;
    expect((await client.post(url, {})).json).toEqual({ id: 'new' });
    expect(new Set(s.seen.map((r) => r.headers['client-request-id'])).size).toBe(1); // one logical request, one id
    expect(journal.filter((r) => r.phase === 'outcome').map((r) => [r.attempt, r.status])).toEqual([[1, 429], [2, 201]]);
    await expect(client.post(url, {})).rejects.toMatchObject({ status: 503, code: 'ServiceUnavailable' });
    await expect(client.post(url, {})).rejects.toThrow(/may or may not have been applied/);
    expect((await client.post(url, {})).json).toEqual({ id: 'new2' }); // 503 with Retry-After: not processed
    expect(s.seen).toHaveLength(6);
    transport.close();
    await s.close();
  });

  it('a PATCH or DELETE with If-Match is retried after a 5xx or a reset; without If-Match it is not', async () => {
    const s = await scripted([
      { status: 500 }, 'reset', { status: 204 },
      { status: 500, body: graphError('InternalServerError', 'oops') },
    ]);
    const { client, transport } = clientFor(s.base, 'tok-not-a-secret');
    const url = `${s.base}/v1.0/policies/identitySecurityDefaultsEnforcementPolicy`;
    expect((await client.patch(url, { isEnabled: true }, { ifMatch: 'W/"7"' })).status).toBe(204);
    expect(s.seen).toHaveLength(3);
    await expect(client.patch(url, { isEnabled: true })).rejects.toMatchObject({ status: 500, code: 'InternalServerError' });
    expect(s.seen).toHaveLength(4);
    transport.close();
    await s.close();
  });

  it('ARM requests carry x-ms-client-request-id and keep x-ms-request-id', async () => {
    const s = await scripted([{ status: 200, headers: { 'x-ms-request-id': 'arm-1' }, body: { value: [] } }]);
    const { client, transport } = clientFor(s.base, 'tok-not-a-secret');
    const res = await client.get(client.armUrl('/subscriptions?api-version=2022-12-01'));
    expect(res.requestId).toBe('srv-1'); // Graph's request-id wins when both are present
    expect(s.seen[0]!.headers['x-ms-client-request-id']).toBe(res.clientRequestId);
    expect(s.seen[0]!.headers['client-request-id']).toBeUndefined();
    transport.close();
    await s.close();
  });
});

describe('rate-limit families are looked up from the table', () => {
  const bases = { graph: 'https://graph.microsoft.com', arm: 'https://management.azure.com', logAnalytics: 'https://api.loganalytics.io' };
  it.each([
    ['https://graph.microsoft.com/v1.0/users?$top=999', 'directory'],
    ['https://graph.microsoft.com/v1.0/$batch', 'directory'],
    ['https://graph.microsoft.com/beta/reports/authenticationMethods/userRegistrationDetails', 'reports'],
    ['https://graph.microsoft.com/beta/auditLogs/signIns?$filter=x', 'signInReports'],
    ['https://graph.microsoft.com/v1.0/identity/conditionalAccess/policies/1', 'ca'],
    ['https://management.azure.com/subscriptions?api-version=1', 'arm'],
    ['https://management.azure.com/providers/Microsoft.ResourceGraph/resources?api-version=1', 'arg'],
    ['https://api.loganalytics.io/v1/workspaces/abc/query', 'logAnalytics'],
    ['https://example.com/v1.0/users', undefined],
  ])('%s → %s', (url, family) => {
    expect(familyOfUrl(url, bases)).toBe(family);
  });
  it('tells the APIs apart by path when one host serves them all (a gateway, the emulator)', () => {
    const one = 'http://127.0.0.1:8080';
    const same = { graph: one, arm: one, logAnalytics: one };
    expect(familyOfUrl(`${one}/beta/users`, same)).toBe('directory');
    expect(familyOfUrl(`${one}/subscriptions/x/providers/Microsoft.Authorization/roleAssignments`, same)).toBe('arm');
    expect(familyOfUrl(`${one}/v1/workspaces/w/query`, same)).toBe('logAnalytics');
  });
});
