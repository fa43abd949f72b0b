/**
 * coverage.md "Does a policy apply to a user?": users, transitive groups, active tenant-wide roles,
 * guest/external classification, and "any exclusion beats any inclusion".
 */
import { describe, expect, it } from 'vitest';
import type { GraphUser, Snapshot } from '../../src/snapshot/types.js';
import { coverageOf, group, guest, memberRef, policy, snapshot, user } from '../helpers/snapshot-builder.js';
import { ROLE, ROLE_DEFINITIONS, activeRole, addMember, directory, eligibleRole, everywhere, states } from '../helpers/coverage.js';

const stateOf = (snap: Snapshot, u: { id: string }) => coverageOf(snap, u).anyApp.state;

describe('includeUsers', () => {
  it('All includes members and guests', () => {
    const alice = user('alice@contoso.com');
    const bob = guest('bob@fabrikam.com');
    const snap = snapshot({ users: [alice, bob], conditionalAccessPolicies: [policy('All users')] });
    expect(states(coverageOf(snap, alice))).toEqual(everywhere('enforced'));
    expect(states(coverageOf(snap, bob))).toEqual(everywhere('enforced'));
  });

  it('None includes nobody', () => {
    const alice = user('alice@contoso.com');
    const bob = guest('bob@fabrikam.com');
    const snap = snapshot({ users: [alice, bob], conditionalAccessPolicies: [policy('Nobody', { users: { includeUsers: ['None'] } })] });
    expect(states(coverageOf(snap, alice))).toEqual(everywhere('none'));
    expect(states(coverageOf(snap, bob))).toEqual(everywhere('none'));
  });

  it('GuestsOrExternalUsers includes every guest/external kind but not ordinary members', () => {
    const member = user('alice@contoso.com');
    const b2bGuest = guest('bob@fabrikam.com');
    const b2bMember = guest('erin@fabrikam.com', { userType: 'Member' });
    const localGuest = user('frank@contoso.com', { userType: 'Guest' });
    const snap = snapshot({
      users: [member, b2bGuest, b2bMember, localGuest],
      conditionalAccessPolicies: [policy('Guests MFA', { users: { includeUsers: ['GuestsOrExternalUsers'] } })],
    });
    expect(stateOf(snap, member)).toBe('none');
    expect(stateOf(snap, b2bGuest)).toBe('enforced');
    expect(stateOf(snap, b2bMember)).toBe('enforced');
    expect(stateOf(snap, localGuest)).toBe('enforced');
  });

  it('user ids include exactly those users (ids compared case-insensitively)', () => {
    const alice = user('alice@contoso.com');
    const bob = user('bob@contoso.com');
    const carol = user('carol@contoso.com');
    const snap = snapshot({
      users: [alice, bob, carol],
      conditionalAccessPolicies: [policy('Named users', { users: { includeUsers: [alice.id, bob.id.toUpperCase()] } })],
    });
    expect(stateOf(snap, alice)).toBe('enforced');
    expect(stateOf(snap, bob)).toBe('enforced');
    expect(stateOf(snap, carol)).toBe('none');
  });

  it('excludeUsers GuestsOrExternalUsers excludes guests from an All-users policy', () => {
    const alice = user('alice@contoso.com');
    const bob = guest('bob@fabrikam.com');
    const snap = snapshot({
      users: [alice, bob],
      conditionalAccessPolicies: [policy('Members only', { users: { includeUsers: ['All'], excludeUsers: ['GuestsOrExternalUsers'] } })],
    });
    expect(stateOf(snap, alice)).toBe('enforced');
    expect(stateOf(snap, bob)).toBe('excluded');
  });

  it('disabled accounts are still evaluated like any other user', () => {
    const gone = user('gone@contoso.com', { accountEnabled: false });
    const snap = snapshot({ users: [gone], conditionalAccessPolicies: [policy('All users')] });
    expect(states(coverageOf(snap, gone))).toEqual(everywhere('enforced'));
  });
});

describe('groups are transitive', () => {
  it('a direct member of an included group is covered; a non-member is not', () => {
    const alice = user('alice@contoso.com');
    const bob = user('bob@contoso.com');
    const admins = group('Admins', [memberRef(alice)]);
    const snap = snapshot({
      users: [alice, bob], ...directory(admins),
      conditionalAccessPolicies: [policy('Admins MFA', { users: { includeUsers: [], includeGroups: [admins.group.id] } })],
    });
    expect(stateOf(snap, alice)).toBe('enforced');
    expect(stateOf(snap, bob)).toBe('none');
  });

  it('a member of a group nested two levels deep in the included group is covered', () => {
    const alice = user('alice@contoso.com');
    const team = group('Team', [memberRef(alice)]);
    const dept = group('Department', [memberRef(team.group, 'group')]);
    const all = group('Everyone-MFA', [memberRef(dept.group, 'group')]);
    const snap = snapshot({
      users: [alice], ...directory(team, dept, all),
      conditionalAccessPolicies: [policy('Nested MFA', { users: { includeUsers: [], includeGroups: [all.group.id] } })],
    });
    expect(stateOf(snap, alice)).toBe('enforced');
  });

  it('a membership cycle does not loop and still resolves members', () => {
    const alice = user('alice@contoso.com');
    const bob = user('bob@contoso.com');
    const a = group('Cycle-A', [memberRef(alice)]);
    const b = group('Cycle-B', [memberRef(a.group, 'group')]);
    addMember(a, memberRef(b.group, 'group'));
    const unrelated = group('Unrelated', [memberRef(bob)]);
    const snap = snapshot({
      users: [alice, bob], ...directory(a, b, unrelated),
      conditionalAccessPolicies: [policy('Cycle MFA', { users: { includeUsers: [], includeGroups: [b.group.id] } })],
    });
    expect(stateOf(snap, alice)).toBe('enforced');
    expect(stateOf(snap, bob)).toBe('none');
  });

  it('a cycle in an excluded group still excludes its nested members', () => {
    const alice = user('alice@contoso.com');
    const a = group('Loop-A', [memberRef(alice)]);
    const b = group('Loop-B', [memberRef(a.group, 'group')]);
    addMember(a, memberRef(b.group, 'group'));
    const snap = snapshot({
      users: [alice], ...directory(a, b),
      conditionalAccessPolicies: [policy('All users', { users: { excludeGroups: [b.group.id] } })],
    });
    expect(stateOf(snap, alice)).toBe('excluded');
  });

  it('a nested group member of an excluded group is excluded', () => {
    const alice = user('alice@contoso.com');
    const contractors = group('Contractors', [memberRef(alice)]);
    const exclusions = group('CA-Exclusions', [memberRef(contractors.group, 'group')]);
    const snap = snapshot({
      users: [alice], ...directory(contractors, exclusions),
      conditionalAccessPolicies: [policy('All users', { users: { excludeGroups: [exclusions.group.id] } })],
    });
    expect(states(coverageOf(snap, alice))).toEqual(everywhere('excluded'));
  });
});

describe('roles: active, tenant-wide, direct or through a role-assignable group', () => {
  const rolePolicy = (name = 'Admins MFA', roles: string[] = [ROLE.globalAdmin]) =>
    policy(name, { users: { includeUsers: [], includeRoles: roles } });

  it('an active Global Administrator at "/" is covered by a role-scoped policy', () => {
    const admin = user('admin@contoso.com');
    const snap = snapshot({
      users: [admin], roleDefinitions: ROLE_DEFINITIONS, roleAssignments: [activeRole(admin, ROLE.globalAdmin)],
      conditionalAccessPolicies: [rolePolicy()],
    });
    expect(states(coverageOf(snap, admin))).toEqual(everywhere('enforced'));
  });

  it('a user without the role is not covered', () => {
    const admin = user('admin@contoso.com');
    const alice = user('alice@contoso.com');
    const snap = snapshot({
      users: [admin, alice], roleDefinitions: ROLE_DEFINITIONS,
      roleAssignments: [activeRole(admin, ROLE.globalAdmin), activeRole(alice, ROLE.securityReader)],
      conditionalAccessPolicies: [rolePolicy()],
    });
    expect(stateOf(snap, alice)).toBe('none');
  });

  it('a role held through a role-assignable group is matched', () => {
    const admin = user('admin@contoso.com');
    const gaGroup = group('PIM-GlobalAdmins', [memberRef(admin)], { isAssignableToRole: true });
    const snap = snapshot({
      users: [admin], ...directory(gaGroup), roleDefinitions: ROLE_DEFINITIONS,
      roleAssignments: [activeRole(gaGroup.group, ROLE.globalAdmin)],
      conditionalAccessPolicies: [rolePolicy()],
    });
    expect(stateOf(snap, admin)).toBe('enforced');
  });

  it('PIM-eligible but not activated does not match', () => {
    const admin = user('admin@contoso.com');
    const snap = snapshot({
      users: [admin], roleDefinitions: ROLE_DEFINITIONS,
      roleEligibilitySchedules: [eligibleRole(admin, ROLE.globalAdmin)],
      conditionalAccessPolicies: [rolePolicy()],
    });
    expect(states(coverageOf(snap, admin))).toEqual(everywhere('none'));
  });

  it('PIM-eligible through a role-assignable group does not match either', () => {
    const admin = user('admin@contoso.com');
    const gaGroup = group('Eligible-GAs', [memberRef(admin)], { isAssignableToRole: true });
    const snap = snapshot({
      users: [admin], ...directory(gaGroup), roleDefinitions: ROLE_DEFINITIONS,
      roleEligibilitySchedules: [eligibleRole(gaGroup.group, ROLE.globalAdmin)],
      conditionalAccessPolicies: [rolePolicy()],
    });
    expect(stateOf(snap, admin)).toBe('none');
  });

  it('an activated PIM role (present in roleAssignments) matches even though an eligibility also exists', () => {
    const admin = user('admin@contoso.com');
    const snap = snapshot({
      users: [admin], roleDefinitions: ROLE_DEFINITIONS,
      roleEligibilitySchedules: [eligibleRole(admin, ROLE.globalAdmin)],
      roleAssignments: [activeRole(admin, ROLE.globalAdmin)],
      conditionalAccessPolicies: [rolePolicy()],
    });
    expect(stateOf(snap, admin)).toBe('enforced');
  });

  it('an administrative-unit-scoped assignment does not match', () => {
    const helpdesk = user('helpdesk@contoso.com');
    const snap = snapshot({
      users: [helpdesk], roleDefinitions: ROLE_DEFINITIONS,
      roleAssignments: [activeRole(helpdesk, ROLE.userAdmin, '/administrativeUnits/5d6b6bb7-0000-4000-8000-000000000001')],
      conditionalAccessPolicies: [rolePolicy('User admins MFA', [ROLE.userAdmin])],
    });
    expect(stateOf(snap, helpdesk)).toBe('none');
  });

  it('an AU-scoped assignment through a role-assignable group does not match', () => {
    const helpdesk = user('helpdesk@contoso.com');
    const g = group('AU-UserAdmins', [memberRef(helpdesk)], { isAssignableToRole: true });
    const snap = snapshot({
      users: [helpdesk], ...directory(g), roleDefinitions: ROLE_DEFINITIONS,
      roleAssignments: [activeRole(g.group, ROLE.userAdmin, '/administrativeUnits/5d6b6bb7-0000-4000-8000-000000000002')],
      conditionalAccessPolicies: [rolePolicy('User admins MFA', [ROLE.userAdmin])],
    });
    expect(stateOf(snap, helpdesk)).toBe('none');
  });

  it('includeRoles holds template ids: an assignment through a role definition whose id differs from its template id matches', () => {
    const admin = user('admin@contoso.com');
    const defId = 'aaaaaaaa-1111-4222-8333-444444444444';
    const snap = snapshot({
      users: [admin],
      roleDefinitions: [{ id: defId, templateId: ROLE.securityAdmin, displayName: 'Security Administrator', isBuiltIn: true }],
      roleAssignments: [activeRole(admin, defId)],
      conditionalAccessPolicies: [rolePolicy('Sec admins MFA', [ROLE.securityAdmin.toUpperCase()])],
    });
    expect(stateOf(snap, admin)).toBe('enforced');
  });

  it('excludeRoles matches only active holders: an eligible-only holder stays covered, an active one is excluded', () => {
    const active = user('active@contoso.com');
    const eligible = user('eligible@contoso.com');
    const snap = snapshot({
      users: [active, eligible], roleDefinitions: ROLE_DEFINITIONS,
      roleAssignments: [activeRole(active, ROLE.globalAdmin)],
      roleEligibilitySchedules: [eligibleRole(eligible, ROLE.globalAdmin)],
      conditionalAccessPolicies: [policy('All users but GAs', { users: { excludeRoles: [ROLE.globalAdmin] } })],
    });
    expect(stateOf(snap, active)).toBe('excluded');
    expect(stateOf(snap, eligible)).toBe('enforced');
  });
});

describe('guest and external user types', () => {
  const own = [{ signInType: 'userPrincipalName', issuer: 'contoso.onmicrosoft.com', issuerAssignedId: 'x@contoso.onmicrosoft.com' }];
  // Each external user carries exactly one of the three external signals, so every signal is tested alone.
  const kinds: Record<string, GraphUser> = {
    member: user('alice@contoso.com'),
    extUpnGuest: user('bob_fabrikam.com#EXT#@contoso.onmicrosoft.com', { userType: 'Guest', creationType: null, identities: own }),
    invitedGuest: user('carol.partner@contoso.onmicrosoft.com', { userType: 'Guest', creationType: 'Invitation', identities: own }),
    issuerGuest: user('dave.social@contoso.onmicrosoft.com', {
      userType: 'Guest', creationType: null, identities: [{ signInType: 'federated', issuer: 'google.com', issuerAssignedId: 'dave@gmail.com' }],
    }),
    extMember: user('erin_fabrikam.com#EXT#@contoso.onmicrosoft.com', { userType: 'Member', creationType: 'Invitation', identities: own }),
    issuerMember: user('gina.partner@contoso.onmicrosoft.com', {
      userType: 'Member', identities: [{ signInType: 'federated', issuer: 'ExternalAzureAD', issuerAssignedId: 'gina@fabrikam.com' }],
    }),
    localGuest: user('frank@contoso.com', { userType: 'Guest', creationType: null, identities: own }),
  };
  const users = Object.values(kinds);
  const allTenants = { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' };

  const expected: Record<string, string[]> = {
    b2bCollaborationGuest: ['extUpnGuest', 'invitedGuest', 'issuerGuest'],
    b2bCollaborationMember: ['extMember', 'issuerMember'],
    internalGuest: ['localGuest'],
  };

  it.each(Object.keys(expected))('includeGuestsOrExternalUsers %s matches exactly the users of that kind', (type) => {
    const snap = snapshot({
      users,
      conditionalAccessPolicies: [policy(`Include ${type}`, {
        users: { includeUsers: [], includeGuestsOrExternalUsers: { guestOrExternalUserTypes: type, externalTenants: allTenants } },
      })],
    });
    for (const [name, u] of Object.entries(kinds)) {
      expect({ name, state: stateOf(snap, u) }).toEqual({ name, state: expected[type]!.includes(name) ? 'enforced' : 'none' });
    }
  });

  it.each(Object.keys(expected))('excludeGuestsOrExternalUsers %s excludes exactly the users of that kind from an All-users policy', (type) => {
    const snap = snapshot({
      users,
      conditionalAccessPolicies: [policy(`All but ${type}`, {
        users: { excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: type, externalTenants: allTenants } },
      })],
    });
    for (const [name, u] of Object.entries(kinds)) {
      expect({ name, state: stateOf(snap, u) }).toEqual({ name, state: expected[type]!.includes(name) ? 'excluded' : 'enforced' });
    }
  });

  it('a comma-separated list of types matches each listed kind', () => {
    const snap = snapshot({
      users,
      conditionalAccessPolicies: [policy('Guests of two kinds', {
        users: { includeUsers: [], includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest,b2bCollaborationMember', externalTenants: allTenants } },
      })],
    });
    expect(stateOf(snap, kinds.localGuest!)).toBe('enforced');
    expect(stateOf(snap, kinds.extMember!)).toBe('enforced');
    expect(stateOf(snap, kinds.extUpnGuest!)).toBe('none');
    expect(stateOf(snap, kinds.member!)).toBe('none');
  });

  it('the guest() helper shape (invited #EXT# guest, ExternalAzureAD issuer) is a b2bCollaborationGuest', () => {
    const bob = guest('bob@fabrikam.com');
    const snap = snapshot({
      users: [bob],
      conditionalAccessPolicies: [policy('B2B guests', {
        users: { includeUsers: [], includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest', externalTenants: allTenants } },
      })],
    });
    expect(stateOf(snap, bob)).toBe('enforced');
  });
});

describe('any exclusion beats any inclusion', () => {
  it('included and excluded by user id → excluded', () => {
    const alice = user('alice@contoso.com');
    const snap = snapshot({
      users: [alice],
      conditionalAccessPolicies: [policy('Self-contradicting', { users: { includeUsers: [alice.id], excludeUsers: [alice.id] } })],
    });
    expect(states(coverageOf(snap, alice))).toEqual(everywhere('excluded'));
  });

  it('included by id, excluded through a group → excluded', () => {
    const alice = user('alice@contoso.com');
    const g = group('No-MFA', [memberRef(alice)]);
    const snap = snapshot({
      users: [alice], ...directory(g),
      conditionalAccessPolicies: [policy('Alice MFA', { users: { includeUsers: [alice.id], excludeGroups: [g.group.id] } })],
    });
    expect(stateOf(snap, alice)).toBe('excluded');
  });

  it('included through a role, excluded by id → excluded', () => {
    const admin = user('admin@contoso.com');
    const snap = snapshot({
      users: [admin], roleDefinitions: ROLE_DEFINITIONS, roleAssignments: [activeRole(admin, ROLE.globalAdmin)],
      conditionalAccessPolicies: [policy('GA MFA', { users: { includeUsers: [], includeRoles: [ROLE.globalAdmin], excludeUsers: [admin.id] } })],
    });
    expect(stateOf(snap, admin)).toBe('excluded');
  });

  it('included through a group, excluded through a role → excluded', () => {
    const admin = user('admin@contoso.com');
    const g = group('IT', [memberRef(admin)]);
    const snap = snapshot({
      users: [admin], ...directory(g), roleDefinitions: ROLE_DEFINITIONS, roleAssignments: [activeRole(admin, ROLE.globalAdmin)],
      conditionalAccessPolicies: [policy('IT MFA', { users: { includeUsers: [], includeGroups: [g.group.id], excludeRoles: [ROLE.globalAdmin] } })],
    });
    expect(stateOf(snap, admin)).toBe('excluded');
  });

  it('included as all users, excluded as a guest type → excluded', () => {
    const bob = guest('bob@fabrikam.com');
    const snap = snapshot({
      users: [bob],
      conditionalAccessPolicies: [policy('All but guests', {
        users: { excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest', externalTenants: { membershipKind: 'all' } } },
      })],
    });
    expect(stateOf(snap, bob)).toBe('excluded');
  });

  it('an exclusion aimed at someone else does not affect the user', () => {
    const alice = user('alice@contoso.com');
    const bob = user('bob@contoso.com');
    const g = group('Bob only', [memberRef(bob)]);
    const snap = snapshot({
      users: [alice, bob], ...directory(g),
      conditionalAccessPolicies: [policy('All users', { users: { excludeGroups: [g.group.id], excludeUsers: [bob.id] } })],
    });
    expect(stateOf(snap, alice)).toBe('enforced');
    expect(stateOf(snap, bob)).toBe('excluded');
  });
});
