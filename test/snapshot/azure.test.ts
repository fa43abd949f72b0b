/**
 * Azure permission tiers (spec/rules.md "Azure permission tiers"): owner / write / read per
 * user, highest tier only, group assignments expanded transitively, classic administrators by e-mail.
 */
import { describe, expect, it } from 'vitest';
import { DirectoryModel } from '../../src/snapshot/model.js';
import { isPrivilegedAzureRoleName, permissionsOf, tierOfPermissions, type UserAzureAccess } from '../../src/snapshot/azure.js';
import type { AzureRoleAssignment, AzureRoleDefinition, ClassicAdministrator, GraphUser, Snapshot } from '../../src/snapshot/types.js';
import { CONTRIBUTOR_ROLE, OWNER_ROLE, READER_ROLE, gid, group, guest, memberRef, snapshot, user } from '../helpers/snapshot-builder.js';

const SUB = 'a925f2f7-5c63-4b7b-8799-25a5f97bc3b2';
const UAA_ROLE = '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9';
const RBAC_ADMIN_ROLE = 'f58310d9-a9f6-439a-9e8d-f62e7b41a168';
const CUSTOM_ROLE = 'c0ffee00-0000-4000-8000-00000000a2a2';

const defPath = (guid: string, sub?: string) =>
  `${sub ? `/subscriptions/${sub}` : ''}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

/** ARM REST-shape role definition. */
function restDef(guid: string, roleName: string, actions: string[], notActions: string[] = [], opts: { sub?: string; type?: string } = {}): AzureRoleDefinition {
  return {
    id: defPath(guid, opts.sub),
    name: guid,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: { roleName, type: opts.type ?? 'CustomRole', permissions: [{ actions, notActions, dataActions: [], notDataActions: [] }], assignableScopes: ['/'] },
  };
}

let assignmentCounter = 0;
function assign(principalId: string, roleDefinitionId: string, opts: { scope?: string; principalType?: string } = {}): AzureRoleAssignment {
  const name = `00000000-0000-4000-a000-${String(++assignmentCounter).padStart(12, '0')}`;
  const scope = opts.scope ?? `/subscriptions/${SUB}`;
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: { principalId, principalType: opts.principalType ?? 'User', roleDefinitionId, scope },
  };
}

function classic(email: string, role: string, sub = SUB): ClassicAdministrator {
  return {
    id: `/subscriptions/${sub}/providers/Microsoft.Authorization/classicAdministrators/${gid('ca')}`,
    name: 'classicadmin',
    type: 'Microsoft.Authorization/classicAdministrators',
    properties: { emailAddress: email, role },
  };
}

const access = (patch: Partial<Snapshot>) => new DirectoryModel(snapshot(patch)).azure;
const tierOf = (u: GraphUser, patch: Partial<Snapshot>): UserAzureAccess | undefined => access(patch).byUser.get(u.id.toLowerCase());

describe('tierOfPermissions', () => {
  const tier = (actions: string[], notActions: string[] = []) => tierOfPermissions([{ actions, notActions }]);

  it('Owner (*) → owner', () => {
    expect(tier(['*'])).toBe('owner');
  });

  it('Contributor (* minus Microsoft.Authorization/*/Write, /*/Delete, elevateAccess) → write', () => {
    expect(tier(['*'], ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action'])).toBe('write');
  });

  it('custom * minus Microsoft.Authorization/*/Write → write (any case)', () => {
    expect(tier(['*'], ['Microsoft.Authorization/*/Write'])).toBe('write');
    expect(tier(['*'], ['microsoft.authorization/*/write'])).toBe('write');
  });

  it('* minus just Microsoft.Authorization/roleAssignments/write → write', () => {
    expect(tier(['*'], ['Microsoft.Authorization/roleAssignments/write'])).toBe('write');
  });

  it('* minus unrelated actions is still owner', () => {
    expect(tier(['*'], ['Microsoft.Compute/virtualMachines/delete', 'Microsoft.Network/*/write'])).toBe('owner');
  });

  it('Reader (*/read) and other read-only roles → read', () => {
    expect(tier(['*/read'])).toBe('read');
    expect(tier(['Microsoft.Compute/*/read', 'Microsoft.Insights/metrics/read', 'Microsoft.Resources/subscriptions/resourceGroups/read'])).toBe('read');
    expect(tier(['*/Read', 'Microsoft.Resources/subscriptions/resourceGroups/READ'])).toBe('read'); // actions are case-insensitive
  });

  it('User Access Administrator and RBAC Administrator → write', () => {
    expect(tier(['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'])).toBe('write');
    expect(tier(['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignments/delete', '*/read', 'Microsoft.Support/*'])).toBe('write');
  });

  it('a write action removed by notActions does not count', () => {
    expect(tier(['*/read', 'Microsoft.Compute/virtualMachines/start/action'], ['Microsoft.Compute/*/action'])).toBe('read');
    expect(tier(['*/read', 'Microsoft.Compute/virtualMachines/start/action'], ['Microsoft.Storage/*'])).toBe('write');
  });

  it('across permission blocks the highest tier wins', () => {
    expect(tierOfPermissions([{ actions: ['*/read'] }, { actions: ['*'] }])).toBe('owner');
    expect(tierOfPermissions([{ actions: ['*/read'] }, { actions: ['Microsoft.Web/sites/restart/action'] }])).toBe('write');
  });

  it('reads both the REST shape and the flattened CLI shape', () => {
    const rest = restDef(CUSTOM_ROLE, 'X', ['*']);
    const cli: AzureRoleDefinition = { id: defPath(CUSTOM_ROLE), name: CUSTOM_ROLE, roleName: 'X', roleType: 'CustomRole', permissions: [{ actions: ['*/read'], notActions: [] }] };
    expect(tierOfPermissions(permissionsOf(rest))).toBe('owner');
    expect(tierOfPermissions(permissionsOf(cli))).toBe('read');
  });
});

describe('per-user Azure access', () => {
  it.each([
    [OWNER_ROLE, 'Owner', 'owner'],
    [CONTRIBUTOR_ROLE, 'Contributor', 'write'],
    [READER_ROLE, 'Reader', 'read'],
    [UAA_ROLE, 'User Access Administrator', 'write'],
    [RBAC_ADMIN_ROLE, 'Role Based Access Control Administrator', 'write'],
  ])('built-in %s (%s) without its definition in the snapshot falls back to the built-in → %s', (guid, name, expected) => {
    const u = user('alice@contoso.com');
    const a = tierOf(u, { users: [u], azureRoleDefinitions: [], azureRoleAssignments: [assign(u.id, defPath(guid, SUB))] });
    expect(a).toMatchObject({ tier: expected, unresolved: false });
    expect(a?.grants[0]?.roleName).toBe(name);
  });

  it('uses the definition from the snapshot over the built-in fallback', () => {
    const u = user('alice@contoso.com');
    // a tenant-specific definition under a built-in guid (illustrative): the snapshot wins
    const a = tierOf(u, {
      users: [u],
      azureRoleDefinitions: [restDef(READER_ROLE, 'Reader (snapshot)', ['*'], [], { type: 'BuiltInRole' })],
      azureRoleAssignments: [assign(u.id, defPath(READER_ROLE))],
    });
    expect(a?.tier).toBe('owner');
    expect(a?.grants[0]?.roleName).toBe('Reader (snapshot)');
  });

  it('custom roles: * minus Authorization writes → write; */read only → read', () => {
    const w = user('w@contoso.com');
    const r = user('r@contoso.com');
    const writeRole = 'c0ffee00-0000-4000-8000-00000000b001';
    const readRole = 'c0ffee00-0000-4000-8000-00000000b002';
    const snap = {
      users: [w, r],
      azureRoleDefinitions: [
        restDef(writeRole, 'Almost owner', ['*'], ['Microsoft.Authorization/*/Write']),
        restDef(readRole, 'Auditor', ['*/read']),
      ],
      azureRoleAssignments: [assign(w.id, defPath(writeRole, SUB)), assign(r.id, defPath(readRole, SUB))],
    };
    expect(tierOf(w, snap)?.tier).toBe('write');
    expect(tierOf(r, snap)?.tier).toBe('read');
  });

  it('the highest tier across all assignments wins, and every grant is kept', () => {
    const u = user('alice@contoso.com');
    const reader = assign(u.id, defPath(READER_ROLE), { scope: `/subscriptions/${SUB}` });
    const contributor = assign(u.id, defPath(CONTRIBUTOR_ROLE), { scope: `/subscriptions/${SUB}/resourceGroups/rg1` });
    const owner = assign(u.id, defPath(OWNER_ROLE), { scope: `/subscriptions/${SUB}/resourceGroups/rg2` });
    expect(tierOf(u, { users: [u], azureRoleAssignments: [reader, contributor] })?.tier).toBe('write');
    const all = tierOf(u, { users: [u], azureRoleAssignments: [contributor, owner, reader] });
    expect(all?.tier).toBe('owner');
    expect(all?.grants.map((g) => [g.roleName, g.tier, g.scope])).toEqual([
      ['Contributor', 'write', `/subscriptions/${SUB}/resourceGroups/rg1`],
      ['Owner', 'owner', `/subscriptions/${SUB}/resourceGroups/rg2`],
      ['Reader', 'read', `/subscriptions/${SUB}`],
    ]);
  });

  it('group assignments are expanded through nested groups', () => {
    const u = user('alice@contoso.com');
    const direct = user('bob@contoso.com');
    const inner = group('Inner', []);
    const outer = group('Azure Owners', []);
    const spId = gid('sp');
    const a = access({
      users: [u, direct],
      groups: [inner.group, outer.group],
      groupMembers: {
        [inner.group.id]: [memberRef(u), { '@odata.type': '#microsoft.graph.servicePrincipal', id: spId }],
        [outer.group.id]: [memberRef(inner.group, 'group'), memberRef(direct)],
      },
      azureRoleAssignments: [assign(outer.group.id, defPath(OWNER_ROLE), { principalType: 'Group' })],
    });
    expect(a.byUser.get(u.id)?.tier).toBe('owner');
    expect(a.byUser.get(u.id)?.grants[0]?.via).toEqual({ kind: 'group', groupId: outer.group.id, groupName: 'Azure Owners' });
    expect(a.byUser.get(direct.id)?.tier).toBe('owner');
    expect(a.byUser.has(spId)).toBe(false);
    expect([...a.byUser.keys()].sort()).toEqual([u.id, direct.id].sort());
  });

  it('a group assignment is expanded even when the group is known only from groupMembers', () => {
    const u = user('alice@contoso.com');
    const gId = gid('g');
    const a = access({ users: [u], groups: [], groupMembers: { [gId]: [memberRef(u)] }, azureRoleAssignments: [assign(gId, defPath(CONTRIBUTOR_ROLE), { principalType: 'Group' })] });
    expect(a.byUser.get(u.id)?.tier).toBe('write');
  });

  it('service principals, managed identities and foreign groups are not users', () => {
    const u = user('alice@contoso.com');
    const spId = gid('sp');
    const a = access({
      users: [u],
      servicePrincipals: [{ id: spId, displayName: 'automation', servicePrincipalType: 'ManagedIdentity' }],
      azureRoleAssignments: [
        assign(spId, defPath(OWNER_ROLE), { principalType: 'ServicePrincipal' }),
        // even if an id collides with a user's, a ServicePrincipal/ForeignGroup assignment is not the user's
        assign(u.id, defPath(OWNER_ROLE), { principalType: 'ServicePrincipal' }),
        assign(u.id, defPath(OWNER_ROLE), { principalType: 'ForeignGroup' }),
      ],
    });
    expect(a.byUser.size).toBe(0);
  });

  it('assignments for principals missing from the snapshot are not attributed to anyone', () => {
    const u = user('alice@contoso.com');
    const a = access({ users: [u], azureRoleAssignments: [assign(gid('gone'), defPath(OWNER_ROLE))] });
    expect(a.byUser.size).toBe(0);
  });

  it('roleDefinitionId in /subscriptions/{sub}/providers/... and /providers/... forms resolve to the same definition', () => {
    const u = user('a@contoso.com');
    const v = user('b@contoso.com');
    const w = user('c@contoso.com');
    const defs = [restDef(CUSTOM_ROLE, 'Custom Ops', ['Microsoft.Compute/virtualMachines/*'], [], { sub: SUB })];
    const a = access({
      users: [u, v, w],
      azureRoleDefinitions: defs,
      azureRoleAssignments: [
        assign(u.id, defPath(CUSTOM_ROLE, SUB)),
        assign(v.id, defPath(CUSTOM_ROLE)),
        assign(w.id, defPath(CUSTOM_ROLE.toUpperCase(), SUB.toUpperCase())),
      ],
    });
    for (const x of [u, v, w]) {
      expect(a.byUser.get(x.id), x.userPrincipalName ?? '').toMatchObject({ tier: 'write', unresolved: false });
      expect(a.byUser.get(x.id)?.grants[0]?.roleName).toBe('Custom Ops');
    }
  });

  it('a definition given with a /subscriptions id and no name is still found', () => {
    const u = user('a@contoso.com');
    const def = restDef(CUSTOM_ROLE, 'No name', ['*/read'], [], { sub: SUB });
    delete def.name;
    expect(tierOf(u, { users: [u], azureRoleDefinitions: [def], azureRoleAssignments: [assign(u.id, defPath(CUSTOM_ROLE))] })?.tier).toBe('read');
  });

  it('an unknown custom definition gives tier null and marks the user unresolved', () => {
    const u = user('alice@contoso.com');
    const a = tierOf(u, { users: [u], azureRoleDefinitions: [], azureRoleAssignments: [assign(u.id, defPath(CUSTOM_ROLE, SUB))] });
    expect(a).toMatchObject({ tier: null, unresolved: true });
    expect(a?.grants[0]).toMatchObject({ tier: null, roleDefinitionId: defPath(CUSTOM_ROLE, SUB) });
  });

  it('a known lower tier plus an unknown definition: tier is the known one, still unresolved', () => {
    const u = user('alice@contoso.com');
    const a = tierOf(u, { users: [u], azureRoleAssignments: [assign(u.id, defPath(CUSTOM_ROLE)), assign(u.id, defPath(READER_ROLE))] });
    expect(a).toMatchObject({ tier: 'read', unresolved: true });
  });

  it('principal ids are matched case-insensitively', () => {
    const u = user('alice@contoso.com');
    const a = access({ users: [u], azureRoleAssignments: [assign(u.id.toUpperCase(), defPath(OWNER_ROLE))] });
    expect(a.byUser.get(u.id)?.tier).toBe('owner');
  });

  it('a grant without properties.scope takes its scope from the assignment id', () => {
    const u = user('alice@contoso.com');
    const asg = assign(u.id, defPath(READER_ROLE), { scope: `/subscriptions/${SUB}/resourceGroups/rg9` });
    delete asg.properties.scope;
    expect(tierOf(u, { users: [u], azureRoleAssignments: [asg] })?.grants[0]?.scope).toBe(`/subscriptions/${SUB}/resourceGroups/rg9`);
  });
});

describe('classic subscription administrators', () => {
  it.each([
    ['mail', user('alice@contoso.com', { mail: 'alice@contoso.com' }), 'Alice@Contoso.com'],
    ['UPN', user('bob@contoso.com', { mail: null }), 'bob@contoso.com'],
    ['otherMails', user('carol@contoso.com', { otherMails: ['carol.personal@outlook.com'] }), 'carol.personal@outlook.com'],
    ['guest-encoded UPN', guest('dave@fabrikam.com', { mail: null, otherMails: [] }), 'dave@fabrikam.com'],
  ])('a Service Administrator matched by %s is owner', (_how, u, email) => {
    const a = tierOf(u, { users: [u], classicAdministrators: [classic(email, 'ServiceAdministrator;AccountAdministrator')] });
    expect(a?.tier).toBe('owner');
    expect(a?.grants[0]).toMatchObject({
      tier: 'owner', scope: `/subscriptions/${SUB}`,
      via: { kind: 'classic', email, roles: ['ServiceAdministrator'] },
    });
  });

  it('a Co-Administrator is owner', () => {
    const u = user('eve@contoso.com');
    const a = tierOf(u, { users: [u], classicAdministrators: [classic('EVE@contoso.com', 'CoAdministrator')] });
    expect(a?.tier).toBe('owner');
    expect(a?.grants[0]?.via).toEqual({ kind: 'classic', email: 'EVE@contoso.com', roles: ['CoAdministrator'] });
  });

  it('classic owner beats an RBAC Reader assignment', () => {
    const u = user('eve@contoso.com');
    const a = tierOf(u, { users: [u], azureRoleAssignments: [assign(u.id, defPath(READER_ROLE))], classicAdministrators: [classic('eve@contoso.com', 'CoAdministrator')] });
    expect(a?.tier).toBe('owner');
    expect(a?.grants).toHaveLength(2);
  });

  it('an Account Administrator alone is billing only: ignored, not even listed as unmatched', () => {
    const u = user('billing@contoso.com');
    const a = access({ users: [u], classicAdministrators: [classic('billing@contoso.com', 'AccountAdministrator'), classic('nobody@elsewhere.com', 'AccountAdministrator')] });
    expect(a.byUser.size).toBe(0);
    expect(a.unmatchedClassicAdmins).toEqual([]);
  });

  it('a classic administrator matching no user is listed with roles and subscription', () => {
    const u = user('alice@contoso.com');
    const a = access({ users: [u], classicAdministrators: [classic('Former.Admin@contoso.com', 'ServiceAdministrator;AccountAdministrator', 'sub-1'), classic('ext@partner.com', 'CoAdministrator', 'sub-2')] });
    expect(a.byUser.size).toBe(0);
    expect(a.unmatchedClassicAdmins).toEqual([
      { email: 'Former.Admin@contoso.com', roles: ['ServiceAdministrator'], subscription: 'sub-1' },
      { email: 'ext@partner.com', roles: ['CoAdministrator'], subscription: 'sub-2' },
    ]);
  });
});

describe('isPrivilegedAzureRoleName', () => {
  it('Owner, *Contributor and *Administrator are privileged; Reader is not', () => {
    for (const n of ['Owner', 'Contributor', 'Virtual Machine Contributor', 'User Access Administrator', 'Role Based Access Control Administrator']) {
      expect(isPrivilegedAzureRoleName(n), n).toBe(true);
    }
    for (const n of ['Reader', 'Billing Reader', 'Monitoring Reader', 'Owner Reader']) {
      expect(isPrivilegedAzureRoleName(n), n).toBe(false);
    }
  });
});

describe('known roles that grant nothing, and scopes taken from ids', () => {
  it('a known role whose notActions remove every action grants no tier and is not "unresolved"', () => {
    const u = user('nothing@contoso.com');
    const def = {
      id: '/providers/Microsoft.Authorization/roleDefinitions/99999999-0000-4000-8000-000000000001', name: '99999999-0000-4000-8000-000000000001',
      properties: { roleName: 'Nothing', permissions: [{ actions: ['Microsoft.Compute/*'], notActions: ['Microsoft.Compute/*'] }] },
    };
    const m = new DirectoryModel(snapshot({
      users: [u], azureRoleDefinitions: [def],
      azureRoleAssignments: [{ id: '/subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/x', properties: { principalId: u.id, principalType: 'User', roleDefinitionId: def.id } }],
    }));
    expect(m.azure.byUser.get(u.id.toLowerCase())).toBeUndefined();
  });

  it('derives the scope from a lower-cased Resource Graph id when properties.scope is absent, and "/" at root', () => {
    const u = user('scope@contoso.com');
    const m = new DirectoryModel(snapshot({
      users: [u],
      azureRoleAssignments: [
        { id: '/subscriptions/s1/resourcegroups/rg1/providers/microsoft.authorization/roleassignments/a', properties: { principalId: u.id, principalType: 'User', roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${READER_ROLE}` } },
        { id: '/providers/microsoft.authorization/roleassignments/b', properties: { principalId: u.id, principalType: 'User', roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${OWNER_ROLE}` } },
      ],
    }));
    expect(m.azure.byUser.get(u.id.toLowerCase())!.grants.map((g) => g.scope)).toEqual(['/subscriptions/s1/resourcegroups/rg1', '/']);
  });
});
