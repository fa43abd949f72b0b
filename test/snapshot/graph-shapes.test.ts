/**
 * The project's own fixtures (test/fixtures/graph, test/fixtures/arm), written in the shapes Microsoft
 * Graph and ARM document for each response, must pass snapshot validation unchanged and be read
 * correctly by the model: this is what live collection hands us. (The conformance suite
 * test/conformance/graph-samples.test.ts checks the same against Microsoft's own samples where
 * they are available.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSnapshot, parseSnapshotObject } from '../../src/snapshot/load.js';
import { DirectoryModel } from '../../src/snapshot/model.js';
import { permissionsOf, roleNameOf, tierOfPermissions } from '../../src/snapshot/azure.js';
import type { AzureRoleDefinition, ConditionalAccessPolicy, Snapshot } from '../../src/snapshot/types.js';
import { coverageOf } from '../helpers/snapshot-builder.js';
import { responseReader } from '../helpers/responses.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const { json: fixture, list } = responseReader(FIXTURES);
/** A single-entity response without its OData annotation, as the collector stores it. */
const entity = (name: string) => {
  const { '@odata.context': _context, ...rest } = fixture(name);
  return rest;
};

const HEADER = { mfaguardSnapshot: 1 as const, tenant: { id: '3c9f6a2e-5b1d-4e7a-8f20-6d4b9c1e7a35', displayName: 'Tailspin Toys', defaultDomain: 'tailspintoys.com' }, collectedAt: '2026-11-01T08:00:00Z', unavailable: {} };

// ids of the fixtures (test/fixtures/README.md describes the tenant)
const ADMIN = '5a0e3f1c-2b7d-4c9e-a816-0f4d2b6e9c13'; // GA + Global Reader, Helpdesk in an administrative unit
const ELIGIBLE = '8d2c4b6a-1e3f-4a5b-9c7d-2e0f1a3b5c79'; // PIM-eligible, one eligibility expiring 2026-12-01
const SYNCED = '0f7b9e2d-4c6a-4b8e-9d1f-3a5c7e9b1d24'; // synced from on-premises; Azure Owner
const GUEST = '6e4a2c0b-8f1d-4d3b-a5e7-9b1c3d5f7a80'; // B2B collaboration guest
const PER_USER = '2b9d7f5e-3a1c-4e6b-8c0a-7f5d3b1e9a46'; // per-user MFA enforced; in Tier 0 Admins
const REQUIREMENTS_USER = '9c1e3a5b-7d9f-4b2d-8e4a-6c8e0a2c4e57'; // per-user MFA from authentication/requirements
const ARM_USER = '4f6b8d0a-2c4e-4a6c-b8e0-1d3f5b7d9f62'; // Azure roles whose definitions are not in the snapshot
const DISABLED = '7a3c5e7f-9b1d-4f3a-a5c7-0e2a4c6e8a91';
const INTERNAL_GUEST = '1d5f7b9c-0e2a-4c4e-96b8-5a7c9e1b3d08';
const ALL_STAFF = 'a1c3e5f7-0b2d-4f4a-8c6e-1b3d5f7a9c02';
const ENGINEERING = 'b2d4f6a8-1c3e-4a5b-9d7f-2c4e6a8b0d13';
const TIER0 = 'c3e5a7b9-2d4f-4b6c-8e0a-3d5f7b9c1e24';
const SUBSCRIPTION = '/subscriptions/9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4';
const COUNTRY_LOCATION = '1b3d5f7a-9c2e-4a4b-b6d8-0c2e4a6b8d24';
const UNTRUSTED_IP_LOCATION = '2c4e6a8b-0d3f-4b5c-87e9-1d3f5b7c9e35';
const CUSTOM_STRENGTH = '7e9a1c3d-2f4b-4d6e-a8c0-3b5d7f9a1c46';
// Microsoft's built-in role template ids
const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';
const HELPDESK_ADMIN = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const PRIVILEGED_ROLE_ADMIN = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
const CA_ADMIN = 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9';
const SECURITY_READER = '5d6b6bb7-de71-4623-b4af-96380a352509';
const MESSAGE_CENTER_READER = '790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b';

/** Every collection built straight from the fixtures: list responses' `value` arrays, single objects as-is. */
function fixtureCollections(): Omit<Snapshot, 'mfaguardSnapshot' | 'tenant' | 'collectedAt' | 'unavailable'> {
  return {
    users: list('graph/users.beta.json'),
    groups: list('graph/groups.json'),
    servicePrincipals: list('graph/service-principals.json'),
    groupMembers: {
      [ALL_STAFF]: list('graph/group-members.all-staff.json'),
      [ENGINEERING]: list('graph/group-members.engineering.json'),
      [TIER0]: list('graph/group-members.tier0-admins.json'),
    },
    conditionalAccessPolicies: list('graph/conditional-access-policies.json'),
    namedLocations: list('graph/named-locations.json'),
    authenticationStrengthPolicies: list('graph/authentication-strength-policies.json'),
    securityDefaults: entity('graph/security-defaults.json'),
    authenticationRequirements: { [REQUIREMENTS_USER]: entity('graph/authentication-requirements.beta.json') },
    userRegistrationDetails: list('graph/user-registration-details.v1.json'),
    roleDefinitions: [...list('graph/role-definitions.v1.json'), ...list('graph/role-definitions.beta.json')],
    roleAssignments: [...list('graph/role-assignments.v1.json'), ...list('graph/role-assignments.expand-definition.beta.json')],
    roleEligibilitySchedules: list('graph/role-eligibility-schedules.json'),
    authenticationMethods: { [ADMIN]: list('graph/authentication-methods.json') },
    signIns: list('graph/sign-ins.v1.json'),
    subscriptions: list('arm/subscriptions.json'),
    azureRoleDefinitions: [...fixture('arm/role-definitions.cli.json'), ...list('arm/role-definitions.rest.json')],
    azureRoleAssignments: list('arm/role-assignments.json'),
    classicAdministrators: list('arm/classic-administrators.json'),
  };
}

const parse = (patch: Partial<Snapshot> = {}): Snapshot => parseSnapshotObject({ ...HEADER, ...fixtureCollections(), ...patch }, 'fixtures.json').snapshot;
const policyById = (id: string): ConditionalAccessPolicy => parse().conditionalAccessPolicies!.find((p) => p.id === id)!;

describe('fixtures in Graph and ARM response shapes pass snapshot validation', () => {
  const cases: [string, string, (n: string) => unknown][] = [
    ['users', 'graph/users.beta.json', list],
    ['groups', 'graph/groups.json', list],
    ['groupMembers', 'graph/group-members.all-staff.json', (n) => ({ [ALL_STAFF]: list(n) })],
    ['servicePrincipals', 'graph/service-principals.json', list],
    ['conditionalAccessPolicies', 'graph/conditional-access-policies.json', list],
    ['namedLocations', 'graph/named-locations.json', list],
    ['authenticationStrengthPolicies', 'graph/authentication-strength-policies.json', list],
    ['securityDefaults', 'graph/security-defaults.json', fixture],
    ['authenticationRequirements', 'graph/authentication-requirements.beta.json', (n) => ({ [REQUIREMENTS_USER]: fixture(n) })],
    ['userRegistrationDetails', 'graph/user-registration-details.v1.json', list],
    ['userRegistrationDetails', 'graph/user-registration-details.beta.json', list],
    ['roleDefinitions', 'graph/role-definitions.v1.json', list],
    ['roleDefinitions', 'graph/role-definitions.beta.json', list],
    ['roleAssignments', 'graph/role-assignments.v1.json', list],
    ['roleAssignments', 'graph/role-assignments.expand-definition.beta.json', list],
    ['roleEligibilitySchedules', 'graph/role-eligibility-schedules.json', list],
    ['authenticationMethods', 'graph/authentication-methods.json', (n) => ({ [ADMIN]: list(n) })],
    ['signIns', 'graph/sign-ins.v1.json', list],
    ['subscriptions', 'arm/subscriptions.json', list],
    ['azureRoleDefinitions', 'arm/role-definitions.cli.json', fixture],
    ['azureRoleDefinitions', 'arm/role-definitions.rest.json', list],
    ['azureRoleAssignments', 'arm/role-assignments.json', list],
    ['classicAdministrators', 'arm/classic-administrators.json', list],
  ];

  it.each(cases)('%s from %s is accepted and kept verbatim', (key, file, take) => {
    const value = take(file);
    const { snapshot, warnings } = parseSnapshotObject({ ...HEADER, [key]: value }, file);
    expect((snapshot as unknown as Record<string, unknown>)[key]).toEqual(value);
    expect(warnings).toEqual([]);
  });

  it('all fixtures together form one valid snapshot the model can index', () => {
    const snap = parse();
    const model = new DirectoryModel(snap);
    expect(model.users).toHaveLength(9);
    expect(snap.conditionalAccessPolicies).toHaveLength(5);
    for (const key of ['users', 'groups', 'groupMembers', 'conditionalAccessPolicies', 'namedLocations', 'roleAssignments', 'azureRoleAssignments'] as const) {
      expect(model.gap(key)).toBeUndefined();
    }
  });

  it('loads the fixtures through the directory layout to the same snapshot', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mfaguard-fixtures-'));
    try {
      const collections = fixtureCollections();
      const manifest = { ...HEADER, securityDefaults: collections.securityDefaults };
      await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
      for (const [key, value] of Object.entries(collections)) {
        if (key === 'securityDefaults') continue;
        const lines = Array.isArray(value) ? value : Object.entries(value as object).map(([k, v]) => ({ key: k, value: v }));
        await writeFile(join(dir, `${key}.ndjson`), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
      }
      const { snapshot, warnings } = await loadSnapshot(dir);
      expect(warnings).toEqual([]);
      expect(snapshot).toEqual(parse());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a raw list response with duplicated keys loads (JSON keeps the last value), its @odata.context kept as an unknown key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mfaguard-raw-'));
    try {
      const raw = `{"mfaguardSnapshot": 1, "tenant": {"id": "t"}, "collectedAt": "2026-11-01T08:00:00Z",
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#auditLogs/signIns",
        "signIns": [{"id": "s1", "createdDateTime": "2026-10-30T07:42:19Z", "userId": "${SYNCED}", "appId": "a1",
                     "homeTenantId": "first", "homeTenantId": "second"}]}`;
      const file = join(dir, 'signins.json');
      await writeFile(file, raw);
      const { snapshot, warnings } = await loadSnapshot(file);
      expect(snapshot.signIns?.[0]?.homeTenantId).toBe('second');
      expect(snapshot.extra?.['@odata.context']).toBe('https://graph.microsoft.com/beta/$metadata#auditLogs/signIns');
      expect(warnings.join()).toContain('@odata.context');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the model reads the directory fixtures', () => {
  let model: DirectoryModel;
  beforeAll(() => {
    model = new DirectoryModel(parse());
  });

  it('users: B2B guests, internal guests, synced and cloud members, disabled accounts', () => {
    const u = (id: string) => model.userById.get(id)!;
    expect(model.guestKind(u(GUEST))).toBe('b2bCollaborationGuest');
    expect(model.guestKind(u(INTERNAL_GUEST))).toBe('internalGuest');
    expect(model.guestKind(u(SYNCED))).toBeNull();
    expect(model.guestKind(u(ADMIN))).toBeNull();
    expect(u(SYNCED).onPremisesSyncEnabled).toBe(true);
    expect(model.isEnabled(u(DISABLED))).toBe(false);
    expect(model.emailsOf(u(GUEST))).toContain('mei.chen@fabrikam.example');
  });

  it('per-user MFA: from the beta user list, else from authentication/requirements', () => {
    expect(model.perUserMfaState(model.userById.get(PER_USER)!)).toEqual({ state: 'enforced', source: 'users' });
    expect(model.perUserMfaState(model.userById.get(ADMIN)!)).toEqual({ state: 'disabled', source: 'users' });
    expect(model.perUserMfaState(model.userById.get(REQUIREMENTS_USER)!)).toEqual({ state: 'enabled', source: 'authenticationRequirements' });
  });

  it('active role assignments give tenant-wide roles; an administrative-unit scope does not count tenant-wide', () => {
    expect(model.activeTenantRoles(ADMIN).map((r) => r.templateId).sort()).toEqual([GLOBAL_ADMIN, GLOBAL_READER].sort());
    // ids are case-insensitive
    expect(model.activeTenantRoles(ADMIN.toUpperCase())).toHaveLength(2);
    expect(model.roleName(GLOBAL_ADMIN)).toBe('Global Administrator');
    expect(model.privilegedHoldings(ADMIN).active.map((r) => r.templateId).sort()).toEqual([GLOBAL_ADMIN, GLOBAL_READER, HELPDESK_ADMIN].sort());
  });

  it('a role assigned to a role-assignable group reaches its members', () => {
    expect(model.activeTenantRoles(PER_USER)).toMatchObject([{ templateId: CA_ADMIN, viaGroupId: TIER0 }]);
  });

  it('the beta $expand=roleDefinition response is read as an active role', () => {
    expect(model.activeTenantRoles(REQUIREMENTS_USER).map((r) => r.templateId)).toEqual([SECURITY_READER]);
    expect(model.privilegedHoldings(REQUIREMENTS_USER).active).toHaveLength(1);
  });

  it('role definitions: v1 has no isPrivileged (fallback lists); the beta flag decides where present', () => {
    expect(model.roleName(HELPDESK_ADMIN)).toBe('Helpdesk Administrator');
    expect(model.isPrivilegedRole(HELPDESK_ADMIN)).toBe(true); // security-defaults admin role
    expect(model.isPrivilegedRole('f023fd81-a637-4b56-95fd-791ac0226033')).toBe(false); // Service Support Administrator
    expect(model.isPrivilegedRole(CA_ADMIN)).toBe(true);
    expect(model.isPrivilegedRole(MESSAGE_CENTER_READER)).toBe(false);
    expect(model.roleName('d4f6b8c0-3e5a-4c7d-9f1b-4e6a8c0d2f35')).toBe('Tailspin Device Operators');
  });

  it('PIM eligibility: counts before its end date, not after it, and not before its start; never active', () => {
    const before = new DirectoryModel(parse({ collectedAt: '2026-11-01T08:00:00Z' }));
    expect(before.eligibleRoles.get(ELIGIBLE)?.map((r) => r.templateId).sort()).toEqual([PRIVILEGED_ROLE_ADMIN, MESSAGE_CENTER_READER].sort());
    expect(before.privilegedHoldings(ELIGIBLE).eligible.map((r) => r.templateId)).toEqual([PRIVILEGED_ROLE_ADMIN]);
    expect(before.activeTenantRoles(ELIGIBLE)).toEqual([]);
    expect(before.eligibleRoles.get(SYNCED) ?? []).toEqual([]); // starts 2026-12-15
    const after = new DirectoryModel(parse({ collectedAt: '2026-12-02T00:00:00Z' }));
    expect(after.eligibleRoles.get(ELIGIBLE)?.map((r) => r.templateId)).toEqual([MESSAGE_CENTER_READER]);
  });

  it('group members with @odata.type: users and nested groups resolve both ways; service principals and devices are not users', () => {
    expect([...model.transitiveUserMembers(ALL_STAFF)].sort()).toEqual([SYNCED, ARM_USER].sort());
    expect([...model.transitiveGroups(ARM_USER)].sort()).toEqual([ALL_STAFF, ENGINEERING].sort());
    expect(model.groupPath(ARM_USER, ALL_STAFF)).toEqual([ENGINEERING, ALL_STAFF]);
  });

  it('userRegistrationDetails (v1 and beta) are indexed by user id; security defaults keep their shape', () => {
    expect(model.registrationById.get(ADMIN)?.methodsRegistered).toEqual(['fido2', 'microsoftAuthenticatorPush']);
    expect(model.registrationById.get(SYNCED)?.isMfaRegistered).toBe(false);
    expect(model.snapshot.securityDefaults?.isEnabled).toBe(false);
    const beta = new DirectoryModel(parse({ userRegistrationDetails: list('graph/user-registration-details.beta.json') }));
    expect(beta.registrationById.get(REQUIREMENTS_USER)?.defaultMfaMethod).toBe('mobilePhone');
  });
});

describe('Conditional Access fixtures read by the coverage engine', () => {
  it('an inline authentication strength, report-only state and a trusted-location exclusion each give their state', () => {
    const snap = parse();
    const cell = (id: string) => coverageOf(snap, { id }).anyApp;
    expect(cell(ADMIN).state).toBe('enforced'); // CA200: phishing-resistant strength (expanded inline) for Global Administrators
    expect(cell(SYNCED).state).toBe('trustedLocationBypass'); // CA100 skips the trusted head office
    expect(cell(GUEST).state).toBe('reportOnly'); // CA100 excludes guests; CA300 is report-only
    expect(cell(DISABLED).state).toBe('excluded'); // excluded from CA100 by id
  });

  it('a country location and an untrusted IP location are never trusted: excluding one leaves MFA conditional', () => {
    for (const location of [COUNTRY_LOCATION, UNTRUSTED_IP_LOCATION]) {
      const all = policyById('3d5f7b9c-1e4a-4c6d-a8f0-2e4a6c8e0b57');
      const patched = { ...all, conditions: { ...all.conditions, locations: { includeLocations: ['All'], excludeLocations: [location] } } };
      expect(coverageOf(parse({ conditionalAccessPolicies: [patched] }), { id: SYNCED }).anyApp.state).toBe('conditional');
    }
  });

  it('an authentication strength referenced by id only is looked up among the tenant strengths', () => {
    const admins = policyById('4e6a8c0d-2f5b-4d7e-b9a1-3f5b7d9f1c68');
    const byId = { ...admins, grantControls: { ...admins.grantControls, authenticationStrength: { id: CUSTOM_STRENGTH } } };
    expect(coverageOf(parse({ conditionalAccessPolicies: [byId] }), { id: ADMIN }).anyApp.state).toBe('enforced');
  });
});

describe('Azure fixtures', () => {
  const cli = (roleName: string) => (fixture('arm/role-definitions.cli.json') as AzureRoleDefinition[]).find((d) => d.roleName === roleName)!;

  it.each([
    ['Owner', 'owner'],
    ['Contributor', 'write'],
    ['Reader', 'read'],
    ['User Access Administrator', 'write'],
    ['Role Based Access Control Administrator', 'write'],
  ])('CLI-shape %s → tier %s', (name, tier) => {
    const d = cli(name);
    expect(roleNameOf(d)).toBe(name);
    expect(tierOfPermissions(permissionsOf(d))).toBe(tier);
  });

  it('REST-shape definitions: built-in Reader → read (same as its CLI shape), custom VM operator → write', () => {
    const [reader, custom] = list('arm/role-definitions.rest.json') as AzureRoleDefinition[];
    expect(roleNameOf(reader!)).toBe('Reader');
    expect(tierOfPermissions(permissionsOf(reader!))).toBe(tierOfPermissions(permissionsOf(cli('Reader'))));
    expect(roleNameOf(custom!)).toBe('Tailspin VM Operator');
    expect(tierOfPermissions(permissionsOf(custom!))).toBe('write');
  });

  it('a subscription-form roleDefinitionId resolves against the /providers-form built-in definition', () => {
    const access = new DirectoryModel(parse()).azure.byUser.get(SYNCED);
    expect(access).toMatchObject({ tier: 'owner', unresolved: false });
    expect(access?.grants[0]).toMatchObject({ roleName: 'Owner', scope: SUBSCRIPTION, via: { kind: 'direct' } });
  });

  it('assignments to a role missing from the snapshot are unresolved at every scope; a group assignment reaches its members', () => {
    const access = new DirectoryModel(parse()).azure.byUser.get(ARM_USER);
    expect(access?.unresolved).toBe(true);
    expect(access?.tier).toBe('write'); // Tailspin VM Operator through Engineering
    expect(access?.grants.filter((g) => g.tier === null).map((g) => g.scope)).toEqual([SUBSCRIPTION, `${SUBSCRIPTION}/resourceGroups/build-agents`]);
    expect(access?.grants.find((g) => g.tier === 'write')?.via).toMatchObject({ kind: 'group', groupId: ENGINEERING });
  });

  it('classic administrators: a service administrator matched by mail is an owner; one matching no user is listed', () => {
    const model = new DirectoryModel(parse());
    const admin = model.azure.byUser.get(ADMIN);
    expect(admin?.tier).toBe('owner');
    expect(admin?.grants[0]?.via).toEqual({ kind: 'classic', email: 'riya.patel@tailspintoys.com', roles: ['ServiceAdministrator'] });
    expect(model.azure.unmatchedClassicAdmins).toEqual([
      { email: 'outsourced-ops@wingtip.example', roles: ['CoAdministrator'], subscription: '9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4' },
    ]);
  });
});

describe('error bodies', () => {
  it.each([
    ['graph/error.authorization-request-denied.json', 'conditionalAccessPolicies', 403],
    ['graph/error.premium-licence-required.json', 'userRegistrationDetails', 403],
    ['arm/error.authorization-failed.json', 'azureRoleAssignments', 403],
  ] as const)('%s recorded under unavailable makes %s a data gap naming its code and message', (file, key, status) => {
    const { error } = fixture(file) as { error: { code: string; message: string } };
    const snap = parse({ unavailable: { [key]: { status, code: error.code, message: error.message } } });
    const gap = new DirectoryModel(snap).gap(key);
    expect(gap?.reason).toContain(`${status} ${error.code}`);
    expect(gap?.reason).toContain(error.message);
  });
});
