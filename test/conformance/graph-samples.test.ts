/**
 * Conformance: Microsoft's own sample responses (../shared/graph-samples/, third-party files kept
 * outside the repository) must pass snapshot validation unchanged and be read correctly by the model:
 * this is what live collection will hand us. The same behaviours are tested in a bare clone by
 * test/snapshot/graph-shapes.test.ts over the project's own fixtures; this suite runs where the
 * folder is present (CI) and reports itself skipped elsewhere.
 */
import { beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSnapshot, parseSnapshotObject } from '../../src/snapshot/load.js';
import { DirectoryModel } from '../../src/snapshot/model.js';
import { permissionsOf, roleNameOf, tierOfPermissions } from '../../src/snapshot/azure.js';
import { sharedFolder } from '../helpers/conformance.js';
import { responseReader } from '../helpers/responses.js';
import type { AzureRoleAssignment, AzureRoleDefinition, GraphUser, Snapshot } from '../../src/snapshot/types.js';

const samples = sharedFolder('graph-samples');
const SAMPLES = samples.dir;
const conformance = samples.describe;
const text = (name: string) => readFileSync(join(SAMPLES, name), 'utf8');
const { json: sample, list } = responseReader(SAMPLES);

const HEADER = { mfaguardSnapshot: 1 as const, tenant: { id: '72f988bf-86f1-41af-91ab-2d7cd011db47', displayName: 'Contoso' }, collectedAt: '2024-04-09T12:00:00Z', unavailable: {} };

// ids used by the samples
const ROLE_HOLDER = 'f1847572-48aa-47aa-96a3-2ec61904f41f'; // unifiedRoleAssignment.list-by-principal
const ELIGIBLE = '071cc716-8147-4397-a5ba-b2105951cc0b'; // unifiedRoleEligibilitySchedule.list
const GROUP_MEMBER = '11111111-2222-3333-4444-555555555555'; // group.transitiveMembers
const ALEX = '86462606-fde0-4fc4-9e0c-a20eb73e54c6'; // userRegistrationDetails
const ARM_USER = 'ce2ce14e-85d7-4629-bdbc-454d0519d987'; // arm.roleAssignments.listForResourceGroup
const GA = '62e90394-69f5-4237-9190-012177145e10';
const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';
const GROUP = '02bd9fd6-8f93-4758-87c3-1fb73740a315';
const MFA_USER = 'a702a13d-a437-4a07-8a7e-8c052de62dfd';

const CLI_DEFS = {
  owner: 'arm.roleDefinitions.builtin-owner.cli-shape.json',
  contributor: 'arm.roleDefinitions.builtin-contributor.cli-shape.json',
  reader: 'arm.roleDefinitions.builtin-reader.cli-shape.json',
  uaa: 'arm.roleDefinitions.builtin-user-access-administrator.cli-shape.json',
  rbacAdmin: 'arm.roleDefinitions.builtin-rbac-administrator.cli-shape.json',
};

function users(): GraphUser[] {
  return [
    { id: ROLE_HOLDER, userPrincipalName: 'admin@contoso.com', userType: 'Member' },
    { id: ELIGIBLE, userPrincipalName: 'eligible@contoso.com', userType: 'Member' },
    { id: GROUP_MEMBER, userPrincipalName: 'group1@contoso.com', mail: 'group1@contoso.com', userType: 'Member' },
    { id: ALEX, userPrincipalName: 'AlexW@Contoso.com', userType: 'Member' },
    { id: ARM_USER, userPrincipalName: 'armuser@contoso.com', userType: 'Member' },
    { id: MFA_USER, userPrincipalName: 'mfa@contoso.com', userType: 'Member' },
    { id: '{principalId}', userPrincipalName: 'placeholder@contoso.com', userType: 'Member' },
    { id: '{objectId1}', userPrincipalName: 'objectid1@contoso.com', userType: 'Member' },
  ];
}

/** Every collection built straight from the samples: list responses' `value` arrays, single objects as-is. */
function sampleCollections(): Omit<Snapshot, 'mfaguardSnapshot' | 'tenant' | 'collectedAt' | 'unavailable'> {
  return {
    users: users(),
    groups: [{ id: GROUP, displayName: 'Sample group' }],
    groupMembers: { [GROUP]: list('group.transitiveMembers.v1.json') },
    conditionalAccessPolicies: [
      ...list('conditionalAccessPolicy.list.v1.json'),
      ...list('conditionalAccessPolicy.list-simple.v1.json'),
      ...list('conditionalAccessPolicy.list-agents.beta.json'),
      sample('conditionalAccessPolicy.get.v1.json'),
      sample('conditionalAccessPolicy.create-exo-mfa.response.v1.json'),
    ],
    authenticationStrengthPolicies: list('authenticationStrengthPolicy.list.v1.json'),
    securityDefaults: sample('identitySecurityDefaultsEnforcementPolicy.get.v1.json'),
    authenticationRequirements: { [MFA_USER]: sample('strongAuthenticationRequirements.get.beta.json') },
    userRegistrationDetails: list('userRegistrationDetails.list.v1.json'),
    roleDefinitions: [...list('unifiedRoleDefinition.list.v1.json'), ...list('unifiedRoleDefinition.list-privileged.beta.json')],
    roleAssignments: [...list('unifiedRoleAssignment.list-by-principal.v1.json'), ...list('unifiedRoleAssignment.list-privileged-expand.beta.json')],
    roleEligibilitySchedules: list('unifiedRoleEligibilitySchedule.list.v1.json'),
    signIns: [...list('signIn.list.v1.json'), ...list('signIn.list.beta.json')],
    azureRoleDefinitions: [
      ...Object.values(CLI_DEFS).map(sample),
      sample('arm.roleDefinitions.get-reader.rest-doc.json'),
      sample('arm.roleDefinitions.getById.2022-04-01.json'),
      ...list('arm.roleDefinitions.list-custom.rest-doc.json'),
    ],
    azureRoleAssignments: [...list('arm.roleAssignments.listForResourceGroup.2022-04-01.json'), ...list('arm.roleAssignments.list-assignedTo.rest-doc.json')],
    classicAdministrators: list('arm.classicAdministrators.list.2015-07-01.json'),
  };
}

const parse = (patch: Partial<Snapshot> = {}): Snapshot => parseSnapshotObject({ ...HEADER, ...sampleCollections(), ...patch }, 'samples.json').snapshot;

conformance('samples pass snapshot validation', () => {
  const cases: [string, string, (n: string) => unknown][] = [
    ['conditionalAccessPolicies', 'conditionalAccessPolicy.list.v1.json', list],
    ['conditionalAccessPolicies', 'conditionalAccessPolicy.list-simple.v1.json', list],
    ['conditionalAccessPolicies', 'conditionalAccessPolicy.list-agents.beta.json', list],
    ['conditionalAccessPolicies', 'conditionalAccessPolicy.get.v1.json', (n) => [sample(n)]],
    ['conditionalAccessPolicies', 'conditionalAccessPolicy.create-exo-mfa.response.v1.json', (n) => [sample(n)]],
    ['authenticationStrengthPolicies', 'authenticationStrengthPolicy.list.v1.json', list],
    ['securityDefaults', 'identitySecurityDefaultsEnforcementPolicy.get.v1.json', sample],
    ['authenticationRequirements', 'strongAuthenticationRequirements.get.beta.json', (n) => ({ [MFA_USER]: sample(n) })],
    ['userRegistrationDetails', 'userRegistrationDetails.list.v1.json', list],
    ['userRegistrationDetails', 'userRegistrationDetails.list.beta.json', list],
    ['roleDefinitions', 'unifiedRoleDefinition.list.v1.json', list],
    ['roleDefinitions', 'unifiedRoleDefinition.list-privileged.beta.json', list],
    ['roleAssignments', 'unifiedRoleAssignment.list-by-principal.v1.json', list],
    ['roleAssignments', 'unifiedRoleAssignment.list-privileged-expand.beta.json', list],
    ['roleEligibilitySchedules', 'unifiedRoleEligibilitySchedule.list.v1.json', list],
    ['signIns', 'signIn.list.v1.json', list],
    ['signIns', 'signIn.list.beta.json', list],
    ['groupMembers', 'group.transitiveMembers.v1.json', (n) => ({ [GROUP]: list(n) })],
    ['azureRoleDefinitions', CLI_DEFS.owner, (n) => [sample(n)]],
    ['azureRoleDefinitions', CLI_DEFS.contributor, (n) => [sample(n)]],
    ['azureRoleDefinitions', CLI_DEFS.reader, (n) => [sample(n)]],
    ['azureRoleDefinitions', CLI_DEFS.uaa, (n) => [sample(n)]],
    ['azureRoleDefinitions', CLI_DEFS.rbacAdmin, (n) => [sample(n)]],
    ['azureRoleDefinitions', 'arm.roleDefinitions.get-reader.rest-doc.json', (n) => [sample(n)]],
    ['azureRoleDefinitions', 'arm.roleDefinitions.getById.2022-04-01.json', (n) => [sample(n)]],
    ['azureRoleDefinitions', 'arm.roleDefinitions.list-custom.rest-doc.json', list],
    ['azureRoleAssignments', 'arm.roleAssignments.listForResourceGroup.2022-04-01.json', list],
    ['azureRoleAssignments', 'arm.roleAssignments.list-assignedTo.rest-doc.json', list],
    ['classicAdministrators', 'arm.classicAdministrators.list.2015-07-01.json', list],
  ];

  it.each(cases)('%s from %s is accepted and kept verbatim', (key, file, take) => {
    const value = take(file);
    const { snapshot, warnings } = parseSnapshotObject({ ...HEADER, [key]: value }, file);
    expect((snapshot as unknown as Record<string, unknown>)[key]).toEqual(value);
    expect(warnings).toEqual([]);
  });

  it('all samples together form one valid snapshot the model can index', () => {
    const snap = parse();
    const model = new DirectoryModel(snap);
    expect(model.users).toHaveLength(users().length);
    expect(snap.conditionalAccessPolicies).toHaveLength(2 + 2 + 2 + 1 + 1);
    expect(snap.signIns).toHaveLength(2);
  });

  it('loads the samples through the directory layout to the same snapshot', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mfaguard-samples-'));
    try {
      const collections = sampleCollections();
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
});

conformance('sign-in samples with duplicate JSON keys', () => {
  it('JSON.parse keeps the last value of a duplicated key', () => {
    const raw = text('signIn.list.beta.json');
    expect(raw.match(/"homeTenantId"/g)).toHaveLength(2);
    const [signIn] = list('signIn.list.beta.json');
    expect(signIn.homeTenantId).toBe('99081087-73c4-48d1-a112-f60ff75114f7');
    expect(signIn.isTenantRestricted).toBe(false);
    const snap = parse();
    expect(snap.signIns?.[1]?.homeTenantId).toBe('99081087-73c4-48d1-a112-f60ff75114f7');
    expect(snap.signIns?.[1]?.appId).toBe('c44b4083-3bb0-49c1-b47d-974e53cbdf3c');
  });

  it('the raw beta response text loads through loadSnapshot (duplicate keys tolerated)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mfaguard-signins-'));
    try {
      // Turn the verbatim response into a snapshot without re-serializing it: its "value" becomes "signIns".
      const raw = text('signIn.list.beta.json')
        .replace('{', `{"mfaguardSnapshot": 1, "tenant": {"id": "t"}, "collectedAt": "2021-07-01T00:00:00Z",`)
        .replace('"value"', '"signIns"');
      const file = join(dir, 'signins.json');
      await writeFile(file, raw);
      const { snapshot, warnings } = await loadSnapshot(file);
      expect(snapshot.signIns).toHaveLength(1);
      expect(snapshot.signIns?.[0]?.homeTenantId).toBe('99081087-73c4-48d1-a112-f60ff75114f7');
      expect(snapshot.signIns?.[0]?.uniqueTokenIdentifier).toBe('ZTE0OTk3YTQtZjg5Mi00YjBiLWIwNTEtZmViZTA1YzJhNDli');
      expect(snapshot.extra?.['@odata.context']).toBe('https://graph.microsoft.com/beta/$metadata#auditLogs/signIns');
      expect(warnings.join()).toContain('@odata.context');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

conformance('the model reads the directory samples', () => {
  let model: DirectoryModel;
  beforeAll(() => {
    model = new DirectoryModel(parse());
  });

  it('active role assignments (v1 list by principal) give the user tenant-wide roles', () => {
    const roles = model.activeTenantRoles(ROLE_HOLDER).map((r) => r.templateId);
    expect(roles.sort()).toEqual([GA, GLOBAL_READER].sort());
    // ids are case-insensitive
    expect(model.activeTenantRoles(ROLE_HOLDER.toUpperCase())).toHaveLength(2);
    expect(model.roleName(GA)).toBe('Global Administrator');
    expect(model.privilegedHoldings(ROLE_HOLDER).active).toHaveLength(2);
  });

  it('the beta $expand=roleDefinition response (placeholder ids) is read as active privileged roles', () => {
    const held = model.activeTenantRoles('{principalId}').map((r) => r.templateId).sort();
    expect(held).toEqual(['b1be1c3e-b65d-4f19-8427-f6fa0d97feb9', 'c4e39bd9-1100-46d3-8c65-fb160da0071f']);
    expect(model.privilegedHoldings('{principalId}').active).toHaveLength(2);
  });

  it('role definitions: v1 list has no isPrivileged (fallback lists); the beta list flags privileged roles', () => {
    expect(model.roleName('729827e3-9c14-49f7-bb1b-9608f156bbb8')).toBe('Helpdesk Administrator');
    expect(model.isPrivilegedRole('729827e3-9c14-49f7-bb1b-9608f156bbb8')).toBe(true); // security-defaults admin role
    expect(model.isPrivilegedRole('f023fd81-a637-4b56-95fd-791ac0226033')).toBe(false); // Service Support Administrator
    expect(model.isPrivilegedRole('aaf43236-0c0d-4d5f-883a-6955382ac081')).toBe(true); // beta isPrivileged: true
    expect(model.roleName('be2f45a1-457d-42af-a067-6ec1fa63bc45')).toBe('External Identity Provider Administrator');
  });

  it('the eligibility schedule (expires 2024-04-10) counts before expiry and is dropped after it', () => {
    const before = new DirectoryModel(parse({ collectedAt: '2024-04-09T12:00:00Z' }));
    expect(before.eligibleRoles.get(ELIGIBLE)?.map((r) => r.templateId)).toEqual(['8424c6f0-a189-499e-bbd0-26c1753c96d4']);
    const after = new DirectoryModel(parse({ collectedAt: '2024-04-11T00:00:00Z' }));
    expect(after.eligibleRoles.get(ELIGIBLE) ?? []).toEqual([]);
    // eligible is never active
    expect(before.activeTenantRoles(ELIGIBLE)).toEqual([]);
  });

  it('group members from a members response resolve both ways', () => {
    expect([...model.transitiveUserMembers(GROUP)]).toEqual([GROUP_MEMBER]);
    expect([...model.transitiveGroups(GROUP_MEMBER)]).toEqual([GROUP]);
  });

  it('the authentication requirements sample gives per-user MFA "enforced"', () => {
    const u = model.userById.get(MFA_USER)!;
    expect(model.perUserMfaState(u)).toEqual({ state: 'enforced', source: 'authenticationRequirements' });
  });

  it('userRegistrationDetails are indexed by user id; security defaults and CA policies keep their shape', () => {
    expect(model.registrationById.get(ALEX)?.isMfaRegistered).toBe(true);
    expect(model.registrationById.get('c6ad1942-4afa-47f8-8d48-afb5d8d69d2f')?.methodsRegistered).toEqual([]);
    const snap = model.snapshot;
    expect(snap.securityDefaults?.isEnabled).toBe(true);
    const ca008 = snap.conditionalAccessPolicies?.find((p) => p.id === '10ef4fe6-5e51-4f5e-b5a2-8fed19d0be67');
    expect(ca008?.grantControls?.authenticationStrength).toMatchObject({ id: '00000000-0000-0000-0000-000000000002', requirementsSatisfied: 'mfa' });
    const agents = snap.conditionalAccessPolicies?.find((p) => p.id === '128c8c73-0a52-4f16-94ab-55f640d0fe1f');
    expect(agents?.conditions?.clientApplications).toHaveProperty('agentIdServicePrincipalFilter');
  });

  it('beta userRegistrationDetails (defaultMfaMethod) are accepted and indexed', () => {
    const m = new DirectoryModel(parse({ userRegistrationDetails: list('userRegistrationDetails.list.beta.json') }));
    expect(m.registrationById.get('c8096958-797c-44fa-8fde-a6fb62567cf0')?.defaultMfaMethod).toBe('mobilePhone');
  });
});

conformance('Azure samples', () => {
  const def = (name: string) => sample(name) as AzureRoleDefinition;

  it.each([
    [CLI_DEFS.owner, 'Owner', 'owner'],
    [CLI_DEFS.contributor, 'Contributor', 'write'],
    [CLI_DEFS.reader, 'Reader', 'read'],
    [CLI_DEFS.uaa, 'User Access Administrator', 'write'],
    [CLI_DEFS.rbacAdmin, 'Role Based Access Control Administrator', 'write'],
  ])('CLI-shape %s is %s → tier %s', (file, name, tier) => {
    const d = def(file);
    expect(roleNameOf(d)).toBe(name);
    expect(permissionsOf(d).length).toBeGreaterThan(0);
    expect(tierOfPermissions(permissionsOf(d))).toBe(tier);
  });

  it('REST-shape definitions: Reader → read, custom "Billing Reader Plus" and the spec example → write', () => {
    const reader = def('arm.roleDefinitions.get-reader.rest-doc.json');
    expect(roleNameOf(reader)).toBe('Reader');
    expect(tierOfPermissions(permissionsOf(reader))).toBe('read');
    const [custom] = list('arm.roleDefinitions.list-custom.rest-doc.json') as AzureRoleDefinition[];
    expect(roleNameOf(custom!)).toBe('Billing Reader Plus');
    expect(tierOfPermissions(permissionsOf(custom!))).toBe('write');
    expect(tierOfPermissions(permissionsOf(def('arm.roleDefinitions.getById.2022-04-01.json')))).toBe('write');
  });

  it('REST and CLI shapes of the same role give the same tier', () => {
    expect(tierOfPermissions(permissionsOf(def('arm.roleDefinitions.get-reader.rest-doc.json'))))
      .toBe(tierOfPermissions(permissionsOf(def(CLI_DEFS.reader))));
  });

  it('classic ServiceAdministrator and CoAdministrator map to owner for users whose mail matches', () => {
    const snap = parse({
      users: [
        ...users(),
        { id: 'aaaaaaaa-0000-4000-8000-000000000001', userPrincipalName: 'svc@contoso.com', mail: 'TEST@test.com' },
        { id: 'aaaaaaaa-0000-4000-8000-000000000002', userPrincipalName: 'co@contoso.com', mail: 'coadmin@test.com' },
      ],
    });
    const model = new DirectoryModel(snap);
    const svc = model.azure.byUser.get('aaaaaaaa-0000-4000-8000-000000000001');
    const co = model.azure.byUser.get('aaaaaaaa-0000-4000-8000-000000000002');
    expect(svc?.tier).toBe('owner');
    expect(co?.tier).toBe('owner');
    expect(svc?.grants[0]?.via).toEqual({ kind: 'classic', email: 'test@test.com', roles: ['ServiceAdministrator'] });
    expect(svc?.grants[0]?.scope).toBe('/subscriptions/subId');
    expect(co?.grants[0]?.via).toEqual({ kind: 'classic', email: 'coadmin@test.com', roles: ['CoAdministrator'] });
    expect(model.azure.unmatchedClassicAdmins).toEqual([]);
  });

  it('classic administrators matching no user are listed with their subscription', () => {
    const model = new DirectoryModel(parse());
    expect(model.azure.unmatchedClassicAdmins).toEqual([
      { email: 'test@test.com', roles: ['ServiceAdministrator'], subscription: 'subId' },
      { email: 'coadmin@test.com', roles: ['CoAdministrator'], subscription: 'subId' },
    ]);
  });

  it('role assignments to a role whose definition is not in the snapshot are unresolved, at every scope', () => {
    const model = new DirectoryModel(parse());
    const access = model.azure.byUser.get(ARM_USER);
    expect(access?.tier).toBeNull();
    expect(access?.unresolved).toBe(true);
    expect(access?.grants.map((g) => g.scope)).toEqual([
      '/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2',
      '/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2/resourceGroups/testrg',
    ]);
    expect(model.azure.byUser.get('{objectid1}')?.unresolved).toBe(true);
  });

  it('a subscription-form roleDefinitionId resolves against a /providers-form definition (Owner CLI sample)', () => {
    const [assignment] = list('arm.roleAssignments.list-assignedTo.rest-doc.json') as AzureRoleAssignment[];
    const toOwner: AzureRoleAssignment = {
      ...assignment!,
      properties: {
        ...assignment!.properties,
        roleDefinitionId: '/subscriptions/{subscriptionId1}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
      },
    };
    const model = new DirectoryModel(parse({ azureRoleAssignments: [toOwner] }));
    const access = model.azure.byUser.get('{objectid1}');
    expect(access).toMatchObject({ tier: 'owner', unresolved: false });
    expect(access?.grants[0]).toMatchObject({ roleName: 'Owner', scope: '/subscriptions/{subscriptionId1}', via: { kind: 'direct' } });
  });

  it('a custom definition supplied for the sample assignment resolves its tier', () => {
    const customReader: AzureRoleDefinition = {
      id: '/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2/providers/Microsoft.Authorization/roleDefinitions/0b5fe924-9a61-425c-96af-cfe6e287ca2d',
      name: '0b5fe924-9a61-425c-96af-cfe6e287ca2d',
      properties: { roleName: 'Custom Reader', type: 'CustomRole', permissions: [{ actions: ['Microsoft.Compute/*/read'], notActions: [] }] },
    };
    const model = new DirectoryModel(parse({ azureRoleDefinitions: [customReader] }));
    expect(model.azure.byUser.get(ARM_USER)).toMatchObject({ tier: 'read', unresolved: false });
    expect(model.azure.byUser.get(ARM_USER)?.grants.every((g) => g.roleName === 'Custom Reader')).toBe(true);
  });
});
