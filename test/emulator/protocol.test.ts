/**
 * The emulator's Graph and ARM protocol, checked with plain fetch: paging over whole collections,
 * $select, $filter, $count/ConsistencyLevel, $batch, and Graph's/ARM's error shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../devkit/emulator/index.js';
import { all, bag, call, start, tenant, type Json } from './helpers.js';

type Emu = EmulatorHandle & { graphToken: string; armToken: string };
let emu: Emu;
const src = tenant(1200, 11);

beforeAll(async () => {
  emu = await start({ users: 1200, seed: 11, pageSizes: { azureRoleAssignments: 7, classicAdministrators: 1, subscriptions: 2 } });
});
afterAll(async () => {
  await emu.close();
});

describe('paging', () => {
  it('follows @odata.nextLink over the whole user list, in order, keeping $select and $top', async () => {
    const { items, pages, first } = await all(emu, '/beta/users?$select=id,userPrincipalName,perUserMfaState&$top=250');
    expect(pages).toBe(5);
    expect(items.map((u) => u.id)).toEqual(src.users!.map((u) => u.id));
    expect(items.map((u) => u.perUserMfaState)).toEqual(src.users!.map((u) => u.perUserMfaState));
    expect(first['@odata.context']).toBe('https://graph.microsoft.com/beta/$metadata#users(id,userPrincipalName,perUserMfaState)');
    const next = first['@odata.nextLink'] as string;
    expect(next.startsWith(`${emu.httpUrl}/beta/users?`)).toBe(true);
    expect(next).toContain('$select=id,userPrincipalName,perUserMfaState');
    expect(next).toContain('$top=250');
    expect(next).toMatch(/\$skiptoken=[A-Za-z0-9_-]+$/);
  });

  it("uses Graph's default page size (100) and max $top (999)", async () => {
    const r = await call(emu, '/v1.0/users?$select=id');
    expect(r.body.value).toHaveLength(100);
    expect(r.body['@odata.nextLink']).toBeTruthy();
    const big = await call(emu, '/v1.0/users?$select=id&$top=999');
    expect(big.body.value).toHaveLength(999);
    const bad = await call(emu, '/v1.0/users?$top=1000');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('Request_BadRequest');
  });

  it('a skip token from another query is refused', async () => {
    const r = await call(emu, '/v1.0/users?$select=id&$top=10');
    const token = /\$skiptoken=([^&]+)/.exec(r.body['@odata.nextLink'] as string)![1];
    const other = await call(emu, `/v1.0/users?$select=id,displayName&$top=10&$skiptoken=${token}`);
    expect(other.status).toBe(400);
  });

  it('every directory collection pages to exactly the source objects', async () => {
    const cases: [string, unknown[]][] = [
      ['/v1.0/groups?$top=37', src.groups!],
      ['/v1.0/servicePrincipals?$top=9', src.servicePrincipals!],
      ['/v1.0/roleManagement/directory/roleDefinitions', src.roleDefinitions!],
      ['/v1.0/roleManagement/directory/roleAssignments?$top=4', src.roleAssignments!],
      ['/v1.0/roleManagement/directory/roleEligibilitySchedules', src.roleEligibilitySchedules!],
      ['/beta/identity/conditionalAccess/policies', src.conditionalAccessPolicies!],
      ['/v1.0/identity/conditionalAccess/namedLocations', src.namedLocations!],
      ['/v1.0/policies/authenticationStrengthPolicies', src.authenticationStrengthPolicies!],
      ['/beta/reports/authenticationMethods/userRegistrationDetails?$top=999', src.userRegistrationDetails!],
    ];
    for (const [path, expected] of cases) {
      const { items } = await all(emu, path);
      expect(bag(items), path).toEqual(bag(expected));
    }
  });

  it('group members: direct members with @odata.type; transitive members include nested groups’ members', async () => {
    const entries = Object.entries(src.groupMembers!);
    const [gid, members] = entries.find(([, m]) => m.some((x) => String(x['@odata.type']).endsWith('.group')))!;
    const { items } = await all(emu, `/v1.0/groups/${gid}/members?$select=id&$top=5`);
    expect(bag(items)).toEqual(bag(members));
    const trans = await all(emu, `/v1.0/groups/${gid}/transitiveMembers?$select=id`);
    const nestedGroup = members.find((x) => String(x['@odata.type']).endsWith('.group'))!;
    const nested = src.groupMembers![nestedGroup.id] ?? [];
    const ids = new Set(trans.items.map((x) => x.id));
    for (const m of [...members, ...nested]) expect(ids.has(m.id)).toBe(true);
    expect(ids.size).toBe(trans.items.length); // each object once
  });

  it('organization, security defaults, per-user requirements and methods have Graph’s shapes', async () => {
    const org = await call(emu, '/v1.0/organization');
    expect(org.body.value[0].id).toBe(src.tenant.id);
    const sd = await call(emu, '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy');
    expect(sd.body.isEnabled).toBe(src.securityDefaults!.isEnabled);
    expect(sd.body['@odata.context']).toContain('$entity');
    const u = src.users![5]!;
    const req = await call(emu, `/beta/users/${u.id}/authentication/requirements`);
    expect(req.body).toEqual({ perUserMfaState: u.perUserMfaState });
    const v1 = await call(emu, `/v1.0/users/${u.id}/authentication/requirements`);
    expect(v1.status).toBe(400);
    const [uid, methods] = Object.entries(src.authenticationMethods!)[0]!;
    const m = await call(emu, `/v1.0/users/${uid}/authentication/methods`);
    expect(bag(m.body.value)).toEqual(bag(methods));
  });
});

describe('$select, $filter, $count', () => {
  it('$select returns exactly the selected properties (null when empty); no $select gives v1.0’s default set', async () => {
    const r = await call(emu, '/v1.0/users?$select=id,mail,userType&$top=3');
    for (const u of r.body.value as Json[]) expect(Object.keys(u).sort()).toEqual(['id', 'mail', 'userType']);
    const d = await call(emu, '/v1.0/users?$top=1');
    expect(Object.keys(d.body.value[0]).sort()).toEqual(['businessPhones', 'displayName', 'givenName', 'id', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName']);
    const bad = await call(emu, '/v1.0/users?$select=id,noSuchProperty');
    expect(bad.status).toBe(400);
  });

  it('supports the $filter forms the collector and remediation use', async () => {
    const guests = await all(emu, "/v1.0/users?$select=id&$filter=userType eq 'Guest'&$top=999");
    expect(guests.items.map((u) => u.id).sort()).toEqual(src.users!.filter((u) => u.userType === 'Guest').map((u) => u.id).sort());
    const disabled = await all(emu, '/v1.0/users?$select=id&$filter=accountEnabled eq false');
    expect(disabled.items.length).toBe(src.users!.filter((u) => u.accountEnabled === false).length);
    const ids = src.users!.slice(0, 3).map((u) => u.id);
    const byIds = await call(emu, `/v1.0/users?$select=id&$filter=id in ('${ids.join("','")}')`);
    expect(byIds.body.value.map((u: Json) => u.id).sort()).toEqual([...ids].sort());
    const upn = src.users![7]!.userPrincipalName!;
    const sw = await call(emu, `/v1.0/users?$select=userPrincipalName&$filter=startswith(userPrincipalName,'${upn.slice(0, 6).toUpperCase()}')`);
    expect(sw.body.value.some((u: Json) => u.userPrincipalName === upn)).toBe(true);
    const principal = src.roleAssignments![0]!.principalId;
    const ra = await call(emu, `/v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '${principal}'`);
    expect(ra.body.value.length).toBe(src.roleAssignments!.filter((a) => a.principalId === principal).length);
    const mfa = await all(emu, "/beta/users?$select=id&$filter=perUserMfaState eq 'enforced'");
    expect(mfa.items.length).toBe(src.users!.filter((u) => u.perUserMfaState === 'enforced').length);
  });

  it('advanced queries need $count=true and ConsistencyLevel: eventual, as on Graph', async () => {
    const no = await call(emu, "/v1.0/users?$filter=userType ne 'Member'");
    expect(no.status).toBe(400);
    expect(no.body.error.code).toBe('Request_UnsupportedQuery');
    expect(no.body.error.message).toMatch(/Try adding \$count=true query parameter and ConsistencyLevel:eventual header/);
    expect(no.body.error.innerError['request-id']).toBeTruthy();
    const yes = await call(emu, "/v1.0/users?$filter=userType ne 'Member'&$count=true&$select=id", { headers: { ConsistencyLevel: 'eventual' } });
    expect(yes.status).toBe(200);
    expect(yes.body['@odata.count']).toBe(src.users!.filter((u) => u.userType !== 'Member').length);
    const count = await call(emu, '/v1.0/users/$count', { headers: { ConsistencyLevel: 'eventual' } });
    expect(count.text).toBe(String(src.users!.length));
    const countNo = await call(emu, '/v1.0/users/$count');
    expect(countNo.status).toBe(400);
    const unindexed = await call(emu, "/v1.0/groups?$filter=createdDateTime ge 2020-01-01T00:00:00Z");
    expect(unindexed.status).toBe(400);
    expect(unindexed.body.error.message).toBe("Unsupported or invalid query filter clause specified for property 'createdDateTime' of resource 'Group'.");
  });
});

describe('errors in Graph’s shape', () => {
  it('401 without or with a bad token, 403 without the permission, 404, 400 and 405', async () => {
    const none = await call(emu, '/v1.0/users', { token: null });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('InvalidAuthenticationToken');
    expect(none.body.error.innerError.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    const forged = emu.graphToken.slice(0, -4) + 'AAAA';
    expect((await call(emu, '/v1.0/users', { token: forged })).status).toBe(401);
    expect((await call(emu, '/v1.0/users', { token: emu.armToken })).body.error.message).toMatch(/audience/);
    const noRole = emu.issueToken({ resource: 'graph', roles: ['User.Read.All'] });
    const denied = await call(emu, '/v1.0/reports/authenticationMethods/userRegistrationDetails', { token: noRole });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('Authorization_RequestDenied');
    expect((await call(emu, '/v1.0/users?$select=id&$top=1', { token: noRole })).status).toBe(200);
    const missing = await call(emu, '/v1.0/users/00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('Request_ResourceNotFound');
    expect((await call(emu, '/v1.0/nonsense')).status).toBe(400);
    expect((await call(emu, '/v1.0/users', { method: 'DELETE' })).status).toBe(405);
  });

  it('per-collection missing permission or licence, and collections the snapshot lists as unavailable', async () => {
    emu.setDeny('userRegistrationDetails', 'license');
    emu.setDeny('roleEligibilitySchedules', 'permission');
    try {
      const lic = await call(emu, '/beta/reports/authenticationMethods/userRegistrationDetails');
      expect([lic.status, lic.body.error.code]).toEqual([403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant']);
      const perm = await call(emu, '/v1.0/roleManagement/directory/roleEligibilitySchedules');
      expect([perm.status, perm.body.error.code]).toEqual([403, 'Authorization_RequestDenied']);
    } finally {
      emu.setDeny('userRegistrationDetails', undefined);
      emu.setDeny('roleEligibilitySchedules', undefined);
    }
    expect((await call(emu, '/beta/reports/authenticationMethods/userRegistrationDetails')).status).toBe(200);
    const snap = { ...tenant(60, 3), unavailable: { namedLocations: { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } };
    const e2 = await start({ snapshot: snap });
    try {
      const r = await call(e2, '/v1.0/identity/conditionalAccess/namedLocations');
      expect([r.status, r.body.error.code]).toEqual([403, 'Authorization_RequestDenied']);
    } finally {
      await e2.close();
    }
  });
});

describe('ARM and Resource Graph', () => {
  const arm = (path: string) => call(emu, path, { token: emu.armToken });

  it('subscriptions, role assignments per subscription and classic administrators page with nextLink', async () => {
    const subs = await all(emu, '/subscriptions?api-version=2022-12-01', { token: emu.armToken });
    expect(bag(subs.items)).toEqual(bag(src.subscriptions));
    expect(subs.pages).toBeGreaterThan(1);
    const ras = new Map<string, Json>();
    const admins: Json[] = [];
    for (const s of src.subscriptions!) {
      const r = await all(emu, `/subscriptions/${s.subscriptionId}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`, { token: emu.armToken });
      for (const a of r.items) ras.set(a.id, a);
      admins.push(...(await all(emu, `/subscriptions/${s.subscriptionId}/providers/Microsoft.Authorization/classicAdministrators?api-version=2015-07-01`, { token: emu.armToken })).items);
    }
    expect(bag([...ras.values()])).toEqual(bag(src.azureRoleAssignments));
    expect(bag(admins)).toEqual(bag(src.classicAdministrators));
    const root = await arm('/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()');
    expect(root.body.value.every((a: Json) => a.properties.scope === '/')).toBe(true);
  });

  it('role definitions: tenant-root ids at /, subscription-qualified ids below', async () => {
    const root = await all(emu, '/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01', { token: emu.armToken });
    const builtIn = src.azureRoleDefinitions!.filter((d) => d.properties?.type === 'BuiltInRole');
    for (const d of builtIn) expect(root.items.some((x) => x.id === d.id)).toBe(true);
    const sub = src.subscriptions![0]!.subscriptionId;
    const atSub = await arm(`/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&$filter=type eq 'BuiltInRole'`);
    expect(atSub.body.value.length).toBe(builtIn.length);
    expect(atSub.body.value.every((d: Json) => d.id.startsWith(`/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/`))).toBe(true);
  });

  it('Resource Graph authorizationresources pages with $skipToken', async () => {
    const rows: Json[] = [];
    let skipToken: string | undefined;
    let pages = 0;
    do {
      const r = await call(emu, '/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01', {
        token: emu.armToken,
        method: 'POST',
        body: { query: "authorizationresources | where type =~ 'microsoft.authorization/roleassignments' | project id, name, type, properties", options: { $top: 10, ...(skipToken ? { $skipToken: skipToken } : {}) } },
      });
      expect(r.status, r.text).toBe(200);
      expect(r.body.totalRecords).toBe(src.azureRoleAssignments!.length);
      rows.push(...(r.body.data as Json[]));
      skipToken = r.body.$skipToken as string | undefined;
      pages++;
    } while (skipToken && pages < 50);
    expect(pages).toBe(Math.ceil(src.azureRoleAssignments!.length / 10));
    expect(rows.map((r) => r.id).sort()).toEqual(src.azureRoleAssignments!.map((a) => a.id).sort());
    expect(rows[0]!.type).toBe('microsoft.authorization/roleassignments');
    const bad = await call(emu, '/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01', { token: emu.armToken, method: 'POST', body: { query: 'resources | summarize count()' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].code).toBe('InvalidQuery');
  });

  it('ARM errors: api-version required, wrong audience, unknown subscription', async () => {
    const noVersion = await arm('/subscriptions');
    expect([noVersion.status, noVersion.body.error.code]).toEqual([400, 'MissingApiVersionParameter']);
    const wrongAud = await call(emu, '/subscriptions?api-version=2022-12-01', { token: emu.graphToken });
    expect([wrongAud.status, wrongAud.body.error.code]).toEqual([401, 'InvalidAuthenticationTokenAudience']);
    const none = await call(emu, '/subscriptions?api-version=2022-12-01', { token: null });
    expect([none.status, none.body.error.code]).toEqual([401, 'AuthenticationFailed']);
    const unknown = await arm('/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'SubscriptionNotFound']);
  });
});

describe('$batch', () => {
  const batch = (requests: unknown[]) => call(emu, '/v1.0/$batch', { method: 'POST', body: { requests } });

  it('answers each request with its own status, headers and body; dependsOn failures give 424', async () => {
    const u = src.users![0]!;
    const r = await batch([
      { id: '1', method: 'GET', url: `/users/${u.id}?$select=id,displayName` },
      { id: '2', method: 'GET', url: '/users/00000000-0000-0000-0000-000000000000' },
      { id: '3', method: 'GET', url: '/organization', dependsOn: ['2'] },
      { id: '4', method: 'GET', url: `users?$select=id&$filter=userType ne 'Member'&$count=true`, headers: { ConsistencyLevel: 'eventual' } },
      { id: '5', method: 'DELETE', url: '/users' },
      { id: '6', method: 'GET', url: `/beta/users/${u.id}/authentication/requirements` },
    ]);
    expect(r.status).toBe(200);
    const byId: Record<string, Json> = Object.fromEntries((r.body.responses as Json[]).map((x) => [x.id, x]));
    expect(Object.fromEntries(Object.entries(byId).map(([k, v]) => [k, v.status]))).toEqual({ 1: 200, 2: 404, 3: 424, 4: 200, 5: 405, 6: 200 });
    expect(byId[1]!.body.displayName).toBe(u.displayName);
    expect(byId[1]!.headers['Content-Type']).toMatch(/^application\/json/);
    expect(byId[2]!.body.error.code).toBe('Request_ResourceNotFound');
    expect(byId[4]!.body['@odata.count']).toBeGreaterThan(0);
    expect(byId[6]!.body).toEqual({ perUserMfaState: u.perUserMfaState });
  });

  it('refuses more than 20 requests, duplicate ids and a body without Content-Type', async () => {
    const twentyOne = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/organization' }));
    expect((await batch(twentyOne)).status).toBe(400);
    expect((await batch(twentyOne.slice(0, 20))).status).toBe(200);
    expect((await batch([{ id: '1', method: 'GET', url: '/organization' }, { id: '1', method: 'GET', url: '/organization' }])).status).toBe(400);
    expect((await batch([{ id: '1', method: 'PATCH', url: '/policies/identitySecurityDefaultsEnforcementPolicy', body: { isEnabled: false } }])).status).toBe(400);
  });
});
