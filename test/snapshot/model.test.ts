/**
 * DirectoryModel: the directory facts the coverage engine relies on (spec/coverage.md
 * "Does a policy apply", snapshot.md "Rules for readers").
 */
import { describe, expect, it } from 'vitest';
import { DirectoryModel } from '../../src/snapshot/model.js';
import type { GraphUser, Snapshot, UnifiedRoleEligibilitySchedule } from '../../src/snapshot/types.js';
import { GLOBAL_ADMIN, gid, group, guest, memberRef, snapshot, user } from '../helpers/snapshot-builder.js';

const model = (patch: Partial<Snapshot> = {}) => new DirectoryModel(snapshot(patch));
const sorted = (s: Iterable<string>) => [...s].sort();

const SERVICE_SUPPORT_ADMIN = 'f023fd81-a637-4b56-95fd-791ac0226033'; // not privileged anywhere
const PARTNER_TIER2 = 'e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8'; // on Microsoft's privileged list, not a security-defaults role
const BILLING_ADMIN = 'b0f54661-2d74-4c50-afa3-1ec803f12efe'; // security-defaults admin role
const PRIV_ROLE_ADMIN = 'e8611ab8-c189-46e8-94e1-60213ab1f814';

describe('transitive group membership', () => {
  it('follows nesting three levels deep in both directions', () => {
    const u = user('alice@contoso.com');
    const g1 = group('G1', [u]);
    const g2 = group('G2', [g1.group]);
    const g3 = group('G3', [g2.group]);
    const m = model({
      users: [u],
      groups: [g1.group, g2.group, g3.group],
      groupMembers: {
        [g1.group.id]: [memberRef(u)],
        [g2.group.id]: [memberRef(g1.group, 'group')],
        [g3.group.id]: [memberRef(g2.group, 'group')],
      },
    });
    expect(sorted(m.transitiveGroups(u.id))).toEqual(sorted([g1.group.id, g2.group.id, g3.group.id]));
    expect(sorted(m.transitiveGroups(g1.group.id))).toEqual(sorted([g2.group.id, g3.group.id]));
    expect(m.groupPath(u.id, g3.group.id)).toEqual([g1.group.id, g2.group.id, g3.group.id]);
    expect([...m.transitiveUserMembers(g3.group.id)]).toEqual([u.id]);
    expect([...m.transitiveUserMembers(g2.group.id)]).toEqual([u.id]);
  });

  it('a cycle A → B → A terminates and still finds every member', () => {
    const u = user('alice@contoso.com');
    const v = user('victor@contoso.com');
    const a = group('A', []);
    const b = group('B', []);
    const m = model({
      users: [u, v],
      groups: [a.group, b.group],
      groupMembers: {
        [a.group.id]: [memberRef(u), memberRef(b.group, 'group')],
        [b.group.id]: [memberRef(v), memberRef(a.group, 'group')],
      },
    });
    expect(sorted(m.transitiveGroups(u.id))).toEqual(sorted([a.group.id, b.group.id]));
    expect(sorted(m.transitiveGroups(a.group.id))).toEqual(sorted([a.group.id, b.group.id]));
    expect(sorted(m.transitiveUserMembers(a.group.id))).toEqual(sorted([u.id, v.id]));
    expect(sorted(m.transitiveUserMembers(b.group.id))).toEqual(sorted([u.id, v.id]));
    expect(m.groupPath(u.id, b.group.id)).toEqual([a.group.id, b.group.id]);
    expect(m.groupPath(v.id, a.group.id)).toEqual([b.group.id, a.group.id]);
  });

  it('a self-membership cycle (A contains A) terminates', () => {
    const u = user('alice@contoso.com');
    const a = group('A', []);
    const m = model({ users: [u], groups: [a.group], groupMembers: { [a.group.id]: [memberRef(u), memberRef(a.group, 'group')] } });
    expect([...m.transitiveGroups(u.id)]).toEqual([a.group.id]);
    expect([...m.transitiveUserMembers(a.group.id)]).toEqual([u.id]);
  });

  it('groupPath returns the shortest chain, even when a longer one is listed first', () => {
    const u = user('alice@contoso.com');
    const g1 = group('G1', []);
    const g2 = group('G2', []);
    const g3 = group('G3', []);
    const target = group('Target', []);
    const short = group('Short', []);
    const m = model({
      users: [u],
      groups: [g1.group, g2.group, g3.group, target.group, short.group],
      groupMembers: {
        // long chain u → G1 → G2 → G3 → Target listed before the short one u → Short → Target
        [g1.group.id]: [memberRef(u)],
        [g2.group.id]: [memberRef(g1.group, 'group')],
        [g3.group.id]: [memberRef(g2.group, 'group')],
        [target.group.id]: [memberRef(g3.group, 'group'), memberRef(short.group, 'group')],
        [short.group.id]: [memberRef(u)],
      },
    });
    expect(m.groupPath(u.id, target.group.id)).toEqual([short.group.id, target.group.id]);
    expect(m.groupPath(u.id, g1.group.id)).toEqual([g1.group.id]);
  });

  it('groupPath is empty for a group the object is not in', () => {
    const u = user('alice@contoso.com');
    const other = user('bob@contoso.com');
    const g = group('G', [other]);
    const lonely = group('Lonely', []);
    const m = model({ users: [u, other], groups: [g.group, lonely.group], groupMembers: { [g.group.id]: [memberRef(other)], [lonely.group.id]: [] } });
    expect(m.groupPath(u.id, g.group.id)).toEqual([]);
    expect(m.groupPath(other.id, lonely.group.id)).toEqual([]);
    expect(m.transitiveGroups(u.id).size).toBe(0);
  });

  it('transitiveUserMembers returns users only: service principals, devices and unknown objects are not users', () => {
    const u = user('alice@contoso.com');
    const nested = group('Nested', []);
    const g = group('G', []);
    const spId = gid('sp');
    const m = model({
      users: [u],
      groups: [g.group, nested.group],
      servicePrincipals: [{ id: spId, displayName: 'app' }],
      groupMembers: {
        [g.group.id]: [
          { '@odata.type': '#microsoft.graph.servicePrincipal', id: spId },
          { '@odata.type': '#microsoft.graph.device', id: gid('dv') },
          { '@odata.type': '#microsoft.graph.user', id: gid('gone') }, // a user not in the snapshot
          // a nested group given without @odata.type is still recognised from groups[]
          { id: nested.group.id },
        ],
        [nested.group.id]: [memberRef(u)],
      },
    });
    expect([...m.transitiveUserMembers(g.group.id)]).toEqual([u.id]);
    expect([...m.transitiveUserMembers(gid('nogroup'))]).toEqual([]);
  });

  it('group and member ids are matched case-insensitively', () => {
    const u = user('alice@contoso.com');
    const g = group('G', []);
    const parent = group('Parent', []);
    const m = model({
      users: [u],
      groups: [g.group, parent.group],
      groupMembers: {
        [g.group.id.toUpperCase()]: [{ '@odata.type': '#microsoft.graph.user', id: u.id.toUpperCase() }],
        [parent.group.id]: [{ '@odata.type': '#microsoft.graph.group', id: g.group.id.toUpperCase() }],
      },
    });
    expect(sorted(m.transitiveGroups(u.id))).toEqual(sorted([g.group.id, parent.group.id]));
    expect(sorted(m.transitiveGroups(u.id.toUpperCase()))).toEqual(sorted([g.group.id, parent.group.id]));
    expect([...m.transitiveUserMembers(parent.group.id.toUpperCase())]).toEqual([u.id]);
    expect(m.groupPath(u.id.toUpperCase(), parent.group.id.toUpperCase())).toEqual([g.group.id, parent.group.id]);
    expect(m.groupName(g.group.id.toUpperCase())).toBe('G');
  });
});

describe('directory roles', () => {
  it('a direct active assignment gives the role at tenant scope', () => {
    const u = user('admin@contoso.com');
    const m = model({ users: [u], roleAssignments: [{ principalId: u.id, roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: '/' }] });
    expect(m.activeTenantRoles(u.id)).toEqual([{ templateId: GLOBAL_ADMIN, roleName: 'Global Administrator', directoryScopeId: '/' }]);
  });

  it('an assignment to a role-assignable group reaches its members, recording the group', () => {
    const u = user('admin@contoso.com');
    const other = user('nobody@contoso.com');
    const rg = group('PIM admins', [u], { isAssignableToRole: true });
    const m = model({
      users: [u, other],
      groups: [rg.group],
      groupMembers: { [rg.group.id]: [memberRef(u)] },
      roleAssignments: [{ principalId: rg.group.id, roleDefinitionId: PRIV_ROLE_ADMIN, directoryScopeId: '/' }],
    });
    expect(m.activeTenantRoles(u.id)).toEqual([
      { templateId: PRIV_ROLE_ADMIN, roleName: 'Privileged Role Administrator', directoryScopeId: '/', viaGroupId: rg.group.id },
    ]);
    expect(m.activeTenantRoles(other.id)).toEqual([]);
  });

  it('an administrative-unit-scoped assignment is held but is not a tenant-wide role', () => {
    const u = user('helpdesk@contoso.com');
    const m = model({
      users: [u],
      roleAssignments: [{ principalId: u.id, roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: '/administrativeUnits/5d107bba-d8e2-4e13-b6ae-884be90e5d1a' }],
    });
    expect(m.activeRoles.get(u.id)?.[0]?.directoryScopeId).toBe('/administrativeUnits/5d107bba-d8e2-4e13-b6ae-884be90e5d1a');
    expect(m.activeTenantRoles(u.id)).toEqual([]);
  });

  it('an assignment without directoryScopeId is tenant-wide', () => {
    const u = user('admin@contoso.com');
    const m = model({ users: [u], roleAssignments: [{ principalId: u.id, roleDefinitionId: GLOBAL_ADMIN }] });
    expect(m.activeTenantRoles(u.id).map((r) => r.templateId)).toEqual([GLOBAL_ADMIN]);
  });

  it('resolves a role definition id to its template id and name; ids are case-insensitive', () => {
    const u = user('admin@contoso.com');
    const customId = 'c0ffee00-0000-4000-8000-000000000001';
    const templateId = 'c0ffee00-0000-4000-8000-0000000000ff';
    const m = model({
      users: [u],
      roleDefinitions: [{ id: customId.toUpperCase(), templateId, displayName: 'Custom role', isBuiltIn: false }],
      roleAssignments: [
        { principalId: u.id.toUpperCase(), roleDefinitionId: customId, directoryScopeId: '/' },
        { principalId: u.id, roleDefinitionId: GLOBAL_ADMIN.toUpperCase(), directoryScopeId: '/' },
      ],
    });
    expect(m.activeTenantRoles(u.id.toUpperCase()).map((r) => [r.templateId, r.roleName])).toEqual([
      [templateId, 'Custom role'],
      [GLOBAL_ADMIN, 'Global Administrator'],
    ]);
  });

  it('assignments to principals that are neither users nor groups (service principals) give no user a role', () => {
    const u = user('admin@contoso.com');
    const m = model({ users: [u], roleAssignments: [{ principalId: gid('sp'), roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: '/' }] });
    expect(m.activeRoles.size).toBe(0);
  });

  describe('PIM eligibility', () => {
    const schedule = (principalId: string, patch: Partial<UnifiedRoleEligibilitySchedule> = {}): UnifiedRoleEligibilitySchedule => ({
      principalId, roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: '/', status: 'Provisioned', memberType: 'Direct',
      scheduleInfo: { startDateTime: '2026-01-01T00:00:00Z', expiration: { type: 'noExpiration', endDateTime: null, duration: null } },
      ...patch,
    });

    it('eligible roles are recorded as eligible, never as active', () => {
      const u = user('admin@contoso.com');
      const m = model({ users: [u], roleEligibilitySchedules: [schedule(u.id)] });
      expect(m.eligibleRoles.get(u.id)?.map((r) => r.templateId)).toEqual([GLOBAL_ADMIN]);
      expect(m.activeTenantRoles(u.id)).toEqual([]);
      expect(m.privilegedHoldings(u.id)).toEqual({ active: [], eligible: [expect.objectContaining({ templateId: GLOBAL_ADMIN })] });
    });

    it('an eligibility that expired before collectedAt is dropped; one expiring after it is kept', () => {
      const expired = user('expired@contoso.com');
      const current = user('current@contoso.com');
      const m = model({
        users: [expired, current],
        collectedAt: '2026-11-01T00:00:00Z',
        roleEligibilitySchedules: [
          schedule(expired.id, { scheduleInfo: { expiration: { type: 'afterDateTime', endDateTime: '2026-10-31T23:59:59Z' } } }),
          schedule(current.id, { scheduleInfo: { expiration: { type: 'AfterDateTime', endDateTime: '2026-11-01T00:00:01Z' } } }),
        ],
      });
      expect(m.eligibleRoles.get(expired.id)).toBeUndefined();
      expect(m.eligibleRoles.get(current.id)?.map((r) => r.templateId)).toEqual([GLOBAL_ADMIN]);
    });

    it('a revoked eligibility is dropped', () => {
      const u = user('admin@contoso.com');
      const m = model({ users: [u], roleEligibilitySchedules: [schedule(u.id, { status: 'Revoked' })] });
      expect(m.eligibleRoles.get(u.id)).toBeUndefined();
    });

    it('eligibility of a role-assignable group reaches its members', () => {
      const u = user('admin@contoso.com');
      const rg = group('Eligible admins', [u], { isAssignableToRole: true });
      const m = model({ users: [u], groups: [rg.group], groupMembers: { [rg.group.id]: [memberRef(u)] }, roleEligibilitySchedules: [schedule(rg.group.id)] });
      expect(m.eligibleRoles.get(u.id)).toEqual([expect.objectContaining({ templateId: GLOBAL_ADMIN, viaGroupId: rg.group.id })]);
    });
  });

  describe('isPrivilegedRole', () => {
    it('uses the beta isPrivileged flag when the definition carries it', () => {
      const custom = 'c0ffee00-0000-4000-8000-000000000002';
      const m = model({
        roleDefinitions: [
          { id: custom, templateId: custom, displayName: 'Custom privileged', isPrivileged: true },
          { id: PARTNER_TIER2, templateId: PARTNER_TIER2, displayName: 'Partner Tier2 Support', isPrivileged: false },
          { id: SERVICE_SUPPORT_ADMIN, templateId: SERVICE_SUPPORT_ADMIN, displayName: 'Service Support Administrator', isPrivileged: false },
        ],
      });
      expect(m.isPrivilegedRole(custom)).toBe(true);
      expect(m.isPrivilegedRole(custom.toUpperCase())).toBe(true);
      expect(m.isPrivilegedRole(PARTNER_TIER2)).toBe(false); // the flag beats the fallback list
      expect(m.isPrivilegedRole(SERVICE_SUPPORT_ADMIN)).toBe(false);
    });

    it('falls back to the built-in privileged list when the flag is absent', () => {
      const m = model({
        roleDefinitions: [
          { id: PARTNER_TIER2, templateId: PARTNER_TIER2, displayName: 'Partner Tier2 Support' },
          { id: SERVICE_SUPPORT_ADMIN, templateId: SERVICE_SUPPORT_ADMIN, displayName: 'Service Support Administrator' },
        ],
      });
      expect(m.isPrivilegedRole(PARTNER_TIER2)).toBe(true);
      expect(m.isPrivilegedRole(SERVICE_SUPPORT_ADMIN)).toBe(false);
      // no definitions at all
      expect(model({ roleDefinitions: [] }).isPrivilegedRole(PARTNER_TIER2.toUpperCase())).toBe(true);
      expect(model({ roleDefinitions: [] }).isPrivilegedRole('c0ffee00-0000-4000-8000-000000000003')).toBe(false);
    });

    it('security-defaults admin roles are always privileged', () => {
      const m = model({ roleDefinitions: [{ id: BILLING_ADMIN, templateId: BILLING_ADMIN, displayName: 'Billing Administrator', isPrivileged: false }] });
      expect(m.isPrivilegedRole(BILLING_ADMIN)).toBe(true);
      expect(m.isPrivilegedRole(GLOBAL_ADMIN)).toBe(true);
    });

    it('finds a definition by templateId when its id differs', () => {
      const id = 'c0ffee00-0000-4000-8000-000000000010';
      const templateId = 'c0ffee00-0000-4000-8000-000000000011';
      const m = model({ roleDefinitions: [{ id, templateId, displayName: 'Tmpl', isPrivileged: true }] });
      expect(m.isPrivilegedRole(templateId)).toBe(true);
      expect(m.roleName(templateId.toUpperCase())).toBe('Tmpl');
    });

    it('privilegedHoldings keeps only privileged roles', () => {
      const u = user('admin@contoso.com');
      const m = model({
        users: [u],
        roleAssignments: [
          { principalId: u.id, roleDefinitionId: SERVICE_SUPPORT_ADMIN, directoryScopeId: '/' },
          { principalId: u.id, roleDefinitionId: PRIV_ROLE_ADMIN, directoryScopeId: '/' },
        ],
      });
      expect(m.privilegedHoldings(u.id).active.map((r) => r.templateId)).toEqual([PRIV_ROLE_ADMIN]);
    });
  });
});

describe('guest classification', () => {
  const classify = (u: GraphUser, patch: Partial<Snapshot> = {}) => {
    const m = model({ users: [user('admin@contoso.com'), u], ...patch });
    return m.guestKind(m.userById.get(u.id.toLowerCase())!);
  };

  it('an invited B2B guest (#EXT# UPN, Invitation, ExternalAzureAD) is b2bCollaborationGuest', () => {
    expect(classify(guest('alice@fabrikam.com'))).toBe('b2bCollaborationGuest');
  });

  it('#EXT# in the UPN alone makes the account external', () => {
    const u = user('alice_fabrikam.com#EXT#@contoso.onmicrosoft.com', { userType: 'Guest', creationType: null, identities: [] });
    expect(classify(u)).toBe('b2bCollaborationGuest');
    expect(classify({ ...u, userPrincipalName: 'alice_fabrikam.com#ext#@contoso.onmicrosoft.com' })).toBe('b2bCollaborationGuest');
  });

  it('creationType Invitation alone makes the account external', () => {
    const u = user('alice@contoso.com', { userType: 'Guest', creationType: 'Invitation', identities: [] });
    expect(classify(u)).toBe('b2bCollaborationGuest');
  });

  it('an identities issuer other than the tenant domains makes the account external', () => {
    for (const issuer of ['ExternalAzureAD', 'google.com', 'MicrosoftAccount', 'mail']) {
      const u = user('bob@contoso.com', { userType: 'Guest', identities: [{ signInType: 'federated', issuer, issuerAssignedId: null }] });
      expect(classify(u), issuer).toBe('b2bCollaborationGuest');
    }
  });

  it('an external account with userType Member is b2bCollaborationMember', () => {
    expect(classify(guest('carol@fabrikam.com', { userType: 'Member' }))).toBe('b2bCollaborationMember');
  });

  it('a local account with userType Guest is internalGuest', () => {
    expect(classify(user('contractor@contoso.com', { userType: 'Guest' }))).toBe('internalGuest');
    expect(classify(user('contractor@contoso.com', { userType: 'guest' }))).toBe('internalGuest');
  });

  it('an ordinary member is not a guest', () => {
    expect(classify(user('dave@contoso.com'))).toBeNull();
    expect(classify(user('dave@contoso.com', { userType: undefined, identities: undefined }))).toBeNull();
  });

  it("issuers matching the tenant's domains are local (default domain, verified domains, members' UPN domains)", () => {
    const vanity = user('erin@contoso.com', { identities: [{ signInType: 'userPrincipalName', issuer: 'contoso.com', issuerAssignedId: 'erin@contoso.com' }] });
    expect(classify(vanity)).toBeNull();
    // the initial domain is known only from tenant.verifiedDomains (Graph /organization shape)
    const initial = user('frank@contoso.com', { identities: [{ signInType: 'userPrincipalName', issuer: 'contoso0.onmicrosoft.com', issuerAssignedId: 'frank@contoso.com' }] });
    const tenant = { id: 't', displayName: 'Contoso', defaultDomain: 'contoso.com' };
    expect(classify(initial, { tenant: { ...tenant, verifiedDomains: [{ name: 'contoso.com', isDefault: true }, { name: 'Contoso0.onmicrosoft.com', isInitial: true }] } })).toBeNull();
    expect(classify(initial, { tenant: { ...tenant, verifiedDomains: ['contoso0.onmicrosoft.com'] } })).toBeNull();
  });

  it('isEnabled: only accountEnabled false disables', () => {
    const m = model();
    expect(m.isEnabled(user('a@contoso.com', { accountEnabled: false }))).toBe(false);
    expect(m.isEnabled(user('a@contoso.com', { accountEnabled: true }))).toBe(true);
    expect(m.isEnabled(user('a@contoso.com', { accountEnabled: undefined }))).toBe(true);
  });
});

describe('per-user MFA state', () => {
  it('reads users[].perUserMfaState (case-insensitive values)', () => {
    const u = user('a@contoso.com', { perUserMfaState: 'Enforced' });
    const m = model({ users: [u] });
    expect(m.perUserMfaState(u)).toEqual({ state: 'enforced', source: 'users' });
  });

  it('reads authenticationRequirements when the user object lacks it, matching ids case-insensitively', () => {
    const u = user('a@contoso.com');
    const v = user('b@contoso.com');
    const m = model({
      users: [u, v],
      authenticationRequirements: { [u.id.toUpperCase()]: { perUserMfaState: 'enabled' }, [v.id]: { perUserMfaState: 'Enforced' } },
    });
    expect(m.perUserMfaState(u)).toEqual({ state: 'enabled', source: 'authenticationRequirements' });
    expect(m.perUserMfaState(v)).toEqual({ state: 'enforced', source: 'authenticationRequirements' });
  });

  it('the user object wins over authenticationRequirements', () => {
    const u = user('a@contoso.com', { perUserMfaState: 'disabled' });
    const m = model({ users: [u], authenticationRequirements: { [u.id]: { perUserMfaState: 'enforced' } } });
    expect(m.perUserMfaState(u)).toEqual({ state: 'disabled', source: 'users' });
  });

  it('is unknown only when authenticationRequirements could not be read', () => {
    const u = user('a@contoso.com');
    const failed = model({ users: [u], unavailable: { authenticationRequirements: { status: 403, code: 'Authorization_RequestDenied' } } });
    expect(failed.perUserMfaState(u)).toEqual({ state: 'unknown', source: 'authenticationRequirements' });
    // the user object still answers when it has the state
    const known = user('b@contoso.com', { perUserMfaState: 'enforced' });
    expect(model({ users: [known], unavailable: { authenticationRequirements: { status: 403 } } }).perUserMfaState(known).state).toBe('enforced');
    // another collection failing does not make it unknown
    expect(model({ users: [u], unavailable: { signIns: { status: 403 } } }).perUserMfaState(u)).toEqual({ state: 'disabled', source: 'default' });
  });

  it('defaults to disabled when never collected, or when the user has no entry', () => {
    const u = user('a@contoso.com');
    expect(model({ users: [u] }).perUserMfaState(u)).toEqual({ state: 'disabled', source: 'default' });
    expect(model({ users: [u], authenticationRequirements: { [gid('x')]: { perUserMfaState: 'enforced' } } }).perUserMfaState(u))
      .toEqual({ state: 'disabled', source: 'default' });
  });

  it('stays fast with a large authenticationRequirements map and users missing from it', () => {
    const n = 20_000;
    const people = Array.from({ length: n }, (_, i) => ({ id: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`, userPrincipalName: `u${i}@contoso.com` }));
    const req = Object.fromEntries(people.slice(0, n / 2).map((p) => [p.id.toUpperCase(), { perUserMfaState: 'enforced' }]));
    const m = model({ users: people, authenticationRequirements: req });
    const started = Date.now();
    const states = people.map((p) => m.perUserMfaState(p).state);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(states.filter((s) => s === 'enforced')).toHaveLength(n / 2);
    expect(states.filter((s) => s === 'disabled')).toHaveLength(n / 2);
  });
});

describe('users: e-mails and lookup', () => {
  it('emailsOf lists mail, UPN, otherMails and the home address encoded in a guest UPN, lower-cased', () => {
    const m = model();
    const g = user('Alice_Contoso.com#EXT#@fabrikam.onmicrosoft.com', { mail: null, otherMails: ['Alice.Personal@Outlook.com'] });
    expect(sorted(m.emailsOf(g))).toEqual(sorted(['alice_contoso.com#ext#@fabrikam.onmicrosoft.com', 'alice.personal@outlook.com', 'alice@contoso.com']));
    const withUnderscore = user('first_last_contoso.com#EXT#@fabrikam.onmicrosoft.com', { mail: 'First.Last@contoso.com' });
    expect(m.emailsOf(withUnderscore)).toContain('first_last@contoso.com');
    expect(m.emailsOf(withUnderscore)).toContain('first.last@contoso.com');
    expect(m.emailsOf(user('bob@contoso.com', { mail: 'bob@contoso.com' }))).toEqual(['bob@contoso.com']);
  });

  it('findUser matches id, UPN or mail case-insensitively', () => {
    const u = user('Alice@Contoso.com', { mail: 'alice.smith@contoso.com' });
    const m = model({ users: [u] });
    expect(m.findUser(u.id.toUpperCase())).toBe(u);
    expect(m.findUser('alice@contoso.com')).toBe(u);
    expect(m.findUser('ALICE.SMITH@CONTOSO.COM')).toBe(u);
    expect(m.findUser('nobody@contoso.com')).toBeUndefined();
  });

  it('registration details are indexed by id case-insensitively', () => {
    const u = user('a@contoso.com');
    const m = model({ users: [u], userRegistrationDetails: [{ id: u.id.toUpperCase(), isMfaRegistered: true }] });
    expect(m.registrationById.get(u.id)?.isMfaRegistered).toBe(true);
  });
});

describe('data availability: has / gap', () => {
  it('an absent collection is "not collected"', () => {
    const m = new DirectoryModel({ mfaguardSnapshot: 1, tenant: { id: 't' }, collectedAt: '2026-01-01T00:00:00Z', unavailable: {} });
    expect(m.has('users')).toBe(false);
    expect(m.gap('users')).toEqual({ key: 'users', reason: 'users was not collected' });
  });

  it('a collection listed in unavailable is a gap with its reason, even if data is present', () => {
    const m = model({
      users: [],
      unavailable: { users: { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } },
    });
    expect(m.has('users')).toBe(false);
    const gap = m.gap('users');
    expect(gap?.key).toBe('users');
    expect(gap?.reason).toContain('could not be read');
    expect(gap?.reason).toContain('403');
    expect(gap?.reason).toContain('Authorization_RequestDenied');
    expect(gap?.reason).toContain('Insufficient privileges');
    // an unavailable entry without details still is a gap
    const bare = model({ unavailable: { signIns: {} } });
    expect(bare.has('signIns')).toBe(false);
    expect(bare.gap('signIns')?.reason).toContain('signIns could not be read');
  });

  it('a collected collection, even empty, is usable', () => {
    const m = model({ users: [], conditionalAccessPolicies: [] });
    expect(m.has('users')).toBe(true);
    expect(m.has('conditionalAccessPolicies')).toBe(true);
    expect(m.gap('users')).toBeUndefined();
    expect(m.has('signIns')).toBe(false); // the builder does not collect sign-ins
  });
});

describe('tenant-owned issuers and scheduled eligibility', () => {
  it('a member whose identity issuer is the initial *.onmicrosoft.com domain is not external, even when every UPN uses a custom domain', () => {
    const alice = user('alice@contoso.com', { identities: [{ signInType: 'userPrincipalName', issuer: 'contosoltd.onmicrosoft.com', issuerAssignedId: 'alice@contoso.com' }] });
    const m = new DirectoryModel(snapshot({ tenant: { id: 't', displayName: 'Contoso', defaultDomain: 'contoso.com' }, users: [alice] }));
    expect(m.guestKind(alice)).toBeNull();
  });

  it('a member signing in through another identity provider is external (b2bCollaborationMember)', () => {
    const bob = user('bob@contoso.com', { identities: [{ signInType: 'federated', issuer: 'google.com', issuerAssignedId: 'bob@gmail.com' }] });
    const m = new DirectoryModel(snapshot({ users: [bob] }));
    expect(m.guestKind(bob)).toBe('b2bCollaborationMember');
  });

  it('an eligibility that starts after the snapshot does not count yet', () => {
    const u = user('future@contoso.com');
    const m = new DirectoryModel(snapshot({
      users: [u],
      roleEligibilitySchedules: [{
        principalId: u.id, roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: '/', status: 'Provisioned',
        scheduleInfo: { startDateTime: '2027-01-01T00:00:00Z', expiration: { type: 'noExpiration' } },
      }],
    }));
    expect(m.eligibleRoles.get(u.id.toLowerCase())).toBeUndefined();
  });
});
