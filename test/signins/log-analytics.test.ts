/**
 * LogAnalyticsSignInEvidence end to end through Microsoft's clients (@azure/identity for the token,
 * @azure/monitor-query-logs for the query) against the emulator's Log Analytics query API over HTTPS:
 * results equal the reference (MemorySignInEvidence.fromRows) on generated logs; the row cap makes the
 * evidence partition its queries by user; throttling (429 + Retry-After) is waited out; a partial error
 * or a wrong token audience fails loudly. The emulator answers KQL by running the SQL of the same
 * definition (see devkit/emulator/log-analytics.ts): what this proves is transport, auth, limits and
 * that both renderings come from one definition, not what the KQL computes on a real workspace.
 */
import { Agent } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientSecretCredential } from '@azure/identity';
import { startEmulator, type EmulatorHandle } from '../../devkit/emulator/index.js';
import type { LogAnalyticsEmulatorOptions } from '../../devkit/emulator/log-analytics.js';
import { MemorySignInEvidence } from '../../src/evidence/memory.js';
import type { SignInRow } from '../../src/evidence/row.js';
import { renderKql } from '../../src/signins/kql.js';
import { LogAnalyticsQueryError, LogAnalyticsSignInEvidence, type LogAnalyticsEvidenceOptions } from '../../src/signins/log-analytics-evidence.js';
import { RateFamily } from '../../src/azure/rate-budget.js';
import { rateLimitFamily } from '../../src/azure/rate-limits.js';
import { tenant } from '../emulator/helpers.js';
import { logAnalyticsEvidence } from '../../src/app/log-analytics.js';
import { UsageError } from '../../src/errors.js';
import { evidenceCalls } from '../helpers/evidence-calls.js';
import { generateSignInRows } from '../helpers/signin-rows.js';

const WORKSPACE = '0b0e0c0d-1111-4222-8333-444455556666';
let emu: EmulatorHandle | undefined;
let agent: Agent | undefined;

afterEach(async () => {
  agent?.destroy();
  await emu?.close();
  emu = undefined;
});

async function setup(rows: SignInRow[], la: LogAnalyticsEmulatorOptions = {}, ev: Partial<LogAnalyticsEvidenceOptions> = {}) {
  emu = await startEmulator({ snapshot: tenant(5, 3), tls: true, logAnalytics: { rows, workspaceIds: [WORKSPACE], ...la } });
  agent = new Agent({ ca: emu.ca });
  const credential = new ClientSecretCredential(emu.tenantId, emu.clientId, emu.clientSecret, { authorityHost: emu.authorityHost, disableInstanceDiscovery: true, agent } as ConstructorParameters<typeof ClientSecretCredential>[3]);
  const evidence = new LogAnalyticsSignInEvidence({ workspaceId: WORKSPACE, credential, endpoint: emu.logAnalyticsUrl, ca: [emu.ca!], ...ev });
  return { evidence, emu };
}

describe('Log Analytics evidence through the emulator', () => {
  it('equals the reference on every method, query and pivot filter, over several seeds', async () => {
    for (const seed of [31, 32, 33]) {
      const rows = generateSignInRows(seed, { users: 8, signIns: 150 });
      // the emulator does not enforce Log Analytics' request rate: lift our own pacing for ~1,500 queries
      const { evidence } = await setup(rows, {}, { limits: { capacity: 1e6, perSecond: 1e6, concurrency: 8 } });
      const memory = MemorySignInEvidence.fromRows(rows);
      for (const c of evidenceCalls(rows)) expect(await c.call(evidence), c.label).toEqual(await c.call(memory));
      await emu!.close();
      agent!.destroy();
    }
  }, 240_000);

  it('a result over the row cap comes back partial; the evidence splits the query by user hash and still equals the reference', async () => {
    const rows = generateSignInRows(41, { users: 30, signIns: 500 });
    const events: string[] = [];
    const { evidence, emu } = await setup(rows, { maxRows: 40 }, { onQuery: (e) => events.push(`${e.name}:${e.status}:${e.partition?.count ?? 1}`) });
    const memory = MemorySignInEvidence.fromRows(rows);
    const want = await memory.userAppSignIns({ apps: 'all' });
    expect(want.length).toBeGreaterThan(40);
    expect(await evidence.userAppSignIns({ apps: 'all' })).toEqual(want);
    expect(await evidence.pivot('appUser', { homeTenantOnly: false })).toEqual(await memory.pivot('appUser', { homeTenantOnly: false }));
    const stats = emu.logAnalyticsStats();
    expect(stats.truncated).toBeGreaterThanOrEqual(2);
    expect(stats.partitions.some((p) => p.startsWith('userAppSignIns:') && /\/(4|16)$/.test(p))).toBe(true);
    expect(events).toContain('userAppSignIns:truncated:1');
  }, 60_000);

  it('a result that cannot be partitioned (not keyed by user) and exceeds the cap is an error, never a partial answer', async () => {
    const rows = generateSignInRows(42, { users: 10, signIns: 300 });
    const { evidence } = await setup(rows, { maxRows: 2 });
    await expect(evidence.pivot('country', { homeTenantOnly: false })).rejects.toThrow(/row limit/);
  });

  it('429 with Retry-After: the logAnalytics family waits and the query is sent again', async () => {
    const rows = generateSignInRows(43, { users: 6, signIns: 120 });
    const throttled: string[] = [];
    const f = rateLimitFamily('logAnalytics');
    const family = new RateFamily(f.name, f.limits, f.headers);
    const { evidence, emu } = await setup(rows, { throttleEvery: 2, retryAfterSeconds: 0 }, { family, onQuery: (e) => e.status === 'throttled' && throttled.push(e.name) });
    const memory = MemorySignInEvidence.fromRows(rows);
    expect(await evidence.automationProfiles()).toEqual(await memory.automationProfiles());
    expect(await evidence.legacyClientSignIns()).toEqual(await memory.legacyClientSignIns());
    expect(emu.logAnalyticsStats().throttled).toBeGreaterThanOrEqual(2);
    expect(throttled.length).toBe(emu.logAnalyticsStats().throttled);
    // every query, retries included, was charged to the logAnalytics family, which paused on each 429
    expect(family.requests).toBe(emu.logAnalyticsStats().queries);
    expect(family.throttled).toBeGreaterThanOrEqual(1);
  });

  it('a partial error other than the row cap fails the call', async () => {
    const { evidence } = await setup(generateSignInRows(44), { partialErrorFor: ['toolVersions'] });
    const err = await evidence.toolVersions().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogAnalyticsQueryError);
    expect(String((err as Error).message)).toMatch(/partial result.*PartialError/);
    await expect(evidence.legacyClientSignIns()).resolves.toBeInstanceOf(Array);
  });

  it('an unknown workspace and a token for another audience are refused', async () => {
    const { evidence, emu } = await setup(generateSignInRows(45));
    const wrong = new LogAnalyticsSignInEvidence({ ...(evidence as unknown as { opts: LogAnalyticsEvidenceOptions }).opts, workspaceId: '99999999-9999-4999-8999-999999999999' });
    await expect(wrong.toolVersions()).rejects.toThrow(/HTTP 404/);
    const graphScoped = new LogAnalyticsSignInEvidence({ ...(evidence as unknown as { opts: LogAnalyticsEvidenceOptions }).opts, scope: 'https://graph.microsoft.com/.default' });
    await expect(graphScoped.toolVersions()).rejects.toThrow(/HTTP 401/);
    expect(emu.logAnalyticsStats().queries).toBe(0);
  });

  it('logAnalyticsEvidence signs in like live collection (client secret from the environment) and queries the workspace', async () => {
    const rows = generateSignInRows(47);
    const { emu } = await setup(rows);
    const ev = await logAnalyticsEvidence({
      workspaceId: WORKSPACE, auth: 'client-secret', tenant: emu.tenantId, clientId: emu.clientId, authorityHost: emu.authorityHost,
      endpoint: emu.logAnalyticsUrl, ca: [emu.ca!], env: { AZURE_CLIENT_SECRET: emu.clientSecret },
    });
    expect(await ev.toolVersions()).toEqual(await MemorySignInEvidence.fromRows(rows).toolVersions());
    await expect(logAnalyticsEvidence({ workspaceId: 'my-workspace' })).rejects.toThrow(UsageError);
    const unknown = logAnalyticsEvidence({ workspaceId: '99999999-9999-4999-8999-999999999999', credential: (ev as unknown as { opts: LogAnalyticsEvidenceOptions }).opts.credential, endpoint: emu.logAnalyticsUrl, ca: [emu.ca!] });
    await expect(unknown).rejects.toThrow(/cannot query workspace 9999.*HTTP 404/);
    await expect(logAnalyticsEvidence({ workspaceId: WORKSPACE, auth: 'client-secret', env: {} })).rejects.toThrow(UsageError);
  });

  it('by default the emulator serves the tenant\'s own Graph signIn objects (snapshot `signIns`)', async () => {
    const rows = generateSignInRows(48, { users: 6, signIns: 120 });
    // the same sign-ins as Graph beta objects, as a snapshot (or live collection) carries them
    const graph = rows.map((r) => ({
      id: r.id, createdDateTime: r.createdDateTime, userId: r.userId, userPrincipalName: r.userPrincipalName, appId: r.appId, appDisplayName: r.appDisplayName,
      resourceId: r.resourceId, status: { errorCode: r.errorCode }, signInEventTypes: [r.eventType], authenticationRequirement: r.authenticationRequirement,
      authenticationProtocol: r.authenticationProtocol, clientAppUsed: r.clientAppUsed, userAgent: r.userAgent, ipAddress: r.ipAddress,
      location: { countryOrRegion: r.countryOrRegion }, deviceDetail: { operatingSystem: r.operatingSystem }, homeTenantId: r.homeTenantId,
      resourceTenantId: r.resourceTenantId, networkLocationDetails: r.trustedLocation ? [{ networkType: 'trustedNamedLocation', networkNames: ['HQ'] }] : [],
    }));
    emu = await startEmulator({ snapshot: { ...tenant(5, 3), signIns: graph }, tls: true, logAnalytics: { workspaceIds: [WORKSPACE] } });
    agent = new Agent({ ca: emu.ca });
    const credential = new ClientSecretCredential(emu.tenantId, emu.clientId, emu.clientSecret, { authorityHost: emu.authorityHost, disableInstanceDiscovery: true, agent } as ConstructorParameters<typeof ClientSecretCredential>[3]);
    const evidence = new LogAnalyticsSignInEvidence({ workspaceId: WORKSPACE, credential, endpoint: emu.logAnalyticsUrl, ca: [emu.ca!] });
    const memory = new MemorySignInEvidence(graph);
    expect(await evidence.automationProfiles()).toEqual(await memory.automationProfiles());
    expect(await evidence.pivot('operatingSystem', { trustedLocationsOnly: true })).toEqual(await memory.pivot('operatingSystem', { trustedLocationsOnly: true }));
    expect(await evidence.singleFactorSignIns()).toEqual(await memory.singleFactorSignIns());
  });

  it('the emulator refuses KQL that is not the product\'s own rendering', async () => {
    const { emu } = await setup(generateSignInRows(46));
    const post = (token: string, query: string) =>
      fetch(`${emu.httpUrl}/v1/workspaces/${WORKSPACE}/query`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const la = emu.issueToken({ resource: 'logAnalytics' });
    expect((await post(emu.issueToken(), renderKql('window'))).status).toBe(401); // a Graph token: wrong audience
    expect((await post(la, renderKql('window'))).status).toBe(200);
    expect((await post(la, 'SigninLogs | take 10')).status).toBe(400);
    const altered = await post(la, renderKql('window').replace('ResultType == "0"', 'ResultType != "0"'));
    expect(altered.status).toBe(400);
    expect(((await altered.json()) as { error: { code: string } }).error.code).toBe('BadArgumentError');
  });
});
