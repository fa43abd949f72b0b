/**
 * Synthetic tenant generator (issue 3 item 1): determinism, realistic shape, loader validity,
 * referential integrity. Sizes stay small so the whole file runs in a couple of seconds.
 */
import { describe, expect, it } from 'vitest';
import { defaultPolicyCount, deletedObjectIds, generateSnapshot } from '../../devkit/gen/generate.js';
import { parseSnapshotObject } from '../../src/snapshot/load.js';
import { DirectoryModel } from '../../src/snapshot/model.js';
import type { ConditionalAccessPolicy, Snapshot } from '../../src/snapshot/types.js';
import { LEGACY_MFA_TRUSTED_IPS_LOCATION } from '../../src/snapshot/wellknown.js';
import { lower, maxNestingDepth, nestingCycles } from './helpers.js';

const ARM = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const cache = new Map<string, Snapshot>();
function tenant(users: number, seed: number | string, policies?: number): Snapshot {
  const key = `${users}/${seed}/${policies}`;
  let s = cache.get(key);
  if (!s) {
    s = generateSnapshot({ users, seed, ...(policies !== undefined ? { policies } : {}) });
    cache.set(key, s);
  }
  return s;
}

describe('determinism', () => {
  it('gives a deep-equal snapshot for the same options and a different tenant for another seed', () => {
    const a = generateSnapshot({ users: 300, seed: 7 });
    const b = generateSnapshot({ users: 300, seed: 7 });
    expect(b).toEqual(a);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = generateSnapshot({ users: 300, seed: 8 });
    expect(c.tenant.id).not.toBe(a.tenant.id);
    expect(c.users!.map((u) => u.id)).not.toEqual(a.users!.map((u) => u.id));
    expect(generateSnapshot({ users: 300, seed: 'seven' }).tenant.id).not.toBe(a.tenant.id);
  });

  it('is fast at small sizes (200 users in a few milliseconds)', () => {
    generateSnapshot({ users: 200, seed: 0 }); // warm-up (JIT)
    const times: number[] = [];
    for (let k = 1; k <= 5; k++) {
      const t0 = performance.now();
      generateSnapshot({ users: 200, seed: k });
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    expect(times[2]).toBeLessThan(50); // median; typically 2-5 ms, generous for loaded CI machines
  });

  it('rejects nonsensical options', () => {
    expect(() => generateSnapshot({ users: 0, seed: 1 })).toThrow(RangeError);
    expect(() => generateSnapshot({ users: 1.5, seed: 1 })).toThrow(RangeError);
    expect(() => generateSnapshot({ users: 10, seed: Number.NaN })).toThrow(RangeError);
    expect(() => generateSnapshot({ users: 10, seed: 1, policies: -1 })).toThrow(RangeError);
  });
});

describe('every generated snapshot passes the loader validation', () => {
  const cases: [number, number | string, number?][] = [[1, 1], [2, 2], [3, 3], [9, 'nine'], [57, 4], [500, 5], [500, 6, 0], [120, 7, 12]];
  it.each(cases)('%i users, seed %s, policies %s', (users, seed, policies) => {
    const s = tenant(users, seed, policies);
    const { snapshot, warnings } = parseSnapshotObject(JSON.parse(JSON.stringify(s)));
    expect(warnings).toEqual([]);
    expect(snapshot).toEqual(s);
    expect(s.users).toHaveLength(users);
    expect(s.userRegistrationDetails).toHaveLength(users);
    expect(s.conditionalAccessPolicies).toHaveLength(policies ?? defaultPolicyCount(users));
  });

  it('turns security defaults on when asked', () => {
    const s = generateSnapshot({ users: 50, seed: 1, securityDefaults: true });
    expect(s.securityDefaults?.isEnabled).toBe(true);
    expect(tenant(57, 4).securityDefaults?.isEnabled).toBe(false);
    expect(parseSnapshotObject(JSON.parse(JSON.stringify(s))).warnings).toEqual([]);
  });
});

describe('shape', () => {
  const s = tenant(4000, 'shape');
  const model = new DirectoryModel(s);
  const users = s.users!;

  it('has unique user ids and UPNs, and GUID ids everywhere', () => {
    expect(new Set(users.map((u) => u.id)).size).toBe(users.length);
    expect(new Set(users.map((u) => lower(u.userPrincipalName))).size).toBe(users.length);
    for (const o of [...users, ...s.groups!, ...s.servicePrincipals!, ...s.conditionalAccessPolicies!]) expect(o.id).toMatch(GUID);
  });

  it('has ~2% guests of the three kinds, classified the way coverage.md describes', () => {
    const kinds = new Map<string, number>();
    for (const u of users) {
      const k = model.guestKind(u);
      if (k) kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    const guests = [...kinds.values()].reduce((a, b) => a + b, 0);
    expect(guests / users.length).toBeGreaterThan(0.015);
    expect(guests / users.length).toBeLessThan(0.025);
    expect(kinds.get('b2bCollaborationGuest')).toBeGreaterThan(0);
    expect(kinds.get('b2bCollaborationMember')).toBeGreaterThan(0);
    expect(kinds.get('internalGuest')).toBeGreaterThan(0);
    const b2b = users.filter((u) => model.guestKind(u) === 'b2bCollaborationGuest');
    for (const u of b2b) {
      expect(u.userPrincipalName).toContain('#EXT#');
      expect(u.creationType).toBe('Invitation');
    }
    expect(b2b.some((u) => u.identities?.[0]?.issuer === 'ExternalAzureAD')).toBe(true);
    expect(b2b.some((u) => u.externalUserState === 'PendingAcceptance')).toBe(true);
  });

  it('has ~1% disabled accounts', () => {
    const disabled = users.filter((u) => u.accountEnabled === false).length / users.length;
    expect(disabled).toBeGreaterThan(0.008);
    expect(disabled).toBeLessThan(0.015);
  });

  it('has ~0.5% admins: active, PIM-eligible, through role-assignable groups, AU-scoped', () => {
    const admins = users.filter((u) => u.userPrincipalName?.startsWith('adm-'));
    expect(admins.length / users.length).toBeGreaterThan(0.004);
    expect(admins.length / users.length).toBeLessThan(0.006);
    const holders = users.filter((u) => {
      const h = model.privilegedHoldings(u.id);
      return h.active.length + h.eligible.length > 0;
    });
    expect(holders.length).toBeGreaterThanOrEqual(admins.length * 0.7);
    const active = users.filter((u) => model.privilegedHoldings(u.id).active.some((r) => r.directoryScopeId === '/' && !r.viaGroupId));
    const eligibleOnly = users.filter((u) => { const h = model.privilegedHoldings(u.id); return h.eligible.length > 0 && h.active.length === 0; });
    const viaGroup = users.filter((u) => model.privilegedHoldings(u.id).active.some((r) => r.viaGroupId));
    const eligibleViaGroup = users.filter((u) => model.privilegedHoldings(u.id).eligible.some((r) => r.viaGroupId));
    const auScoped = users.filter((u) => (model.activeRoles.get(lower(u.id)) ?? []).some((r) => r.directoryScopeId.startsWith('/administrativeUnits/')));
    for (const set of [active, eligibleOnly, viaGroup, eligibleViaGroup, auScoped]) expect(set.length).toBeGreaterThan(0);
    // role-assignable groups hold roles and contain users only (Entra forbids nesting into them)
    const assignable = s.groups!.filter((g) => g.isAssignableToRole);
    expect(assignable.length).toBeGreaterThan(0);
    for (const g of assignable) for (const m of s.groupMembers![g.id]!) expect(m['@odata.type']).toBe('#microsoft.graph.user');
    // expired and future-start eligibilities exist and do not count
    const now = Date.parse(s.collectedAt);
    expect(s.roleEligibilitySchedules!.some((e) => Date.parse(e.scheduleInfo?.expiration?.endDateTime ?? '9999') < now)).toBe(true);
    expect(s.roleEligibilitySchedules!.some((e) => Date.parse(e.scheduleInfo?.startDateTime ?? '0') > now)).toBe(true);
    expect(s.roleDefinitions!.some((d) => d.isPrivileged === true)).toBe(true);
    expect(s.roleDefinitions!.some((d) => d.isPrivileged === false)).toBe(true);
    expect(s.roleDefinitions!.some((d) => d.isBuiltIn === false)).toBe(true);
  });

  it('nests groups up to depth 5 with a few cycles', () => {
    expect(maxNestingDepth(s)).toBe(5);
    const cycles = nestingCycles(s);
    expect(cycles.length).toBeGreaterThanOrEqual(2);
    expect(cycles.length).toBeLessThanOrEqual(12);
    expect(cycles.some((c) => c.length === 3)).toBe(true);
    for (const [users2, seed] of [[30, 1], [700, 2], [2500, 3]] as const) expect(maxNestingDepth(tenant(users2, seed))).toBeLessThanOrEqual(5);
    // users sit in several groups: org tree, projects, Microsoft 365 groups, dynamic groups
    const groupTypes = new Set(s.groups!.flatMap((g) => g.groupTypes ?? []));
    expect(groupTypes).toEqual(new Set(['Unified', 'DynamicMembership']));
  });

  it('has Azure RBAC at management-group, subscription and resource-group scope, many through groups', () => {
    const ra = s.azureRoleAssignments!;
    const scopes = ra.map((a) => a.properties.scope ?? '');
    expect(scopes.some((x) => x.startsWith('/providers/Microsoft.Management/managementGroups/'))).toBe(true);
    expect(scopes.some((x) => /^\/subscriptions\/[^/]+$/.test(x))).toBe(true);
    expect(scopes.some((x) => /\/resourceGroups\/[^/]+$/.test(x))).toBe(true);
    const types = ra.map((a) => a.properties.principalType);
    expect(types.filter((t) => t === 'Group').length).toBeGreaterThan(ra.length / 3);
    expect(types).toContain('ServicePrincipal');
    expect(types).toContain('User');
    const names = s.azureRoleDefinitions!.map((d) => d.properties?.roleName);
    for (const n of ['Owner', 'Contributor', 'Reader', 'User Access Administrator']) expect(names).toContain(n);
    expect(s.azureRoleDefinitions!.some((d) => d.properties?.type === 'CustomRole')).toBe(true);
    // classic administrators match users by e-mail, in another letter case; one matches nobody on purpose
    const emails = new Set(users.flatMap((u) => model.emailsOf(u)));
    const classic = s.classicAdministrators!.map((c) => c.properties.emailAddress);
    expect(classic.filter((e) => emails.has(lower(e))).length).toBe(2);
    expect(classic.some((e) => e !== lower(e) && emails.has(lower(e)))).toBe(true);
    expect(model.azure.unmatchedClassicAdmins).toHaveLength(1);
    // owners, writers and readers all exist
    const tiers = new Set([...model.azure.byUser.values()].map((a) => a.tier));
    expect(tiers).toEqual(new Set(['owner', 'write', 'read']));
  });

  it('has registration details for every user (some not capable) and mostly-disabled per-user MFA', () => {
    const regs = s.userRegistrationDetails!;
    expect(regs.map((r) => r.id)).toEqual(users.map((u) => u.id));
    const notCapable = regs.filter((r) => !r.isMfaCapable).length / regs.length;
    expect(notCapable).toBeGreaterThan(0.03);
    expect(notCapable).toBeLessThan(0.3);
    expect(regs.some((r) => r.isMfaRegistered && !r.isMfaCapable)).toBe(true);
    const states = new Map<string, number>();
    for (const u of users) states.set(u.perUserMfaState!, (states.get(u.perUserMfaState!) ?? 0) + 1);
    expect(states.get('disabled')! / users.length).toBeGreaterThan(0.85);
    expect(states.get('enabled')).toBeGreaterThan(0);
    expect(states.get('enforced')).toBeGreaterThan(0);
    expect(s.namedLocations!.some((l) => l.isTrusted === true)).toBe(true);
    expect(s.authenticationStrengthPolicies!.filter((p) => p.policyType === 'builtIn')).toHaveLength(3);
    expect(s.authenticationStrengthPolicies!.some((p) => p.policyType === 'custom')).toBe(true);
    expect(s.servicePrincipals!.some((p) => p.servicePrincipalType === 'ManagedIdentity')).toBe(true);
  });
});

/** Every feature of a CA policy the brief asks the mix to cover, as a predicate. */
function policyFeatures(s: Snapshot): Record<string, (p: ConditionalAccessPolicy) => boolean> {
  const trusted = new Set(s.namedLocations!.filter((l) => l.isTrusted).map((l) => l.id));
  const appIds = new Set(s.servicePrincipals!.map((p) => lower(p.appId)));
  const u = (p: ConditionalAccessPolicy) => p.conditions?.users;
  const a = (p: ConditionalAccessPolicy) => p.conditions?.applications;
  const c = (p: ConditionalAccessPolicy) => p.conditions;
  const g = (p: ConditionalAccessPolicy) => p.grantControls;
  const has = (xs: string[] | null | undefined, x: string) => (xs ?? []).includes(x);
  return {
    includeUsersAll: (p) => has(u(p)?.includeUsers, 'All'),
    includeUsersIds: (p) => (u(p)?.includeUsers ?? []).some((x) => GUID.test(x)),
    includeUsersGuests: (p) => has(u(p)?.includeUsers, 'GuestsOrExternalUsers'),
    excludeUsers: (p) => (u(p)?.excludeUsers ?? []).length > 0,
    includeGroups: (p) => (u(p)?.includeGroups ?? []).length > 0,
    excludeGroups: (p) => (u(p)?.excludeGroups ?? []).length > 0,
    includeRoles: (p) => (u(p)?.includeRoles ?? []).length > 0,
    excludeRoles: (p) => (u(p)?.excludeRoles ?? []).length > 0,
    includeGuestTypes: (p) => !!u(p)?.includeGuestsOrExternalUsers?.guestOrExternalUserTypes,
    excludeGuestTypes: (p) => !!u(p)?.excludeGuestsOrExternalUsers?.guestOrExternalUserTypes,
    enumeratedTenants: (p) => u(p)?.includeGuestsOrExternalUsers?.externalTenants?.membershipKind === 'enumerated',
    appsAll: (p) => has(a(p)?.includeApplications, 'All'),
    appsArm: (p) => has(a(p)?.includeApplications, ARM),
    appsAdminPortals: (p) => has(a(p)?.includeApplications, 'MicrosoftAdminPortals'),
    appsOffice365: (p) => has(a(p)?.includeApplications, 'Office365'),
    appsById: (p) => (a(p)?.includeApplications ?? []).some((x) => GUID.test(x) && x !== ARM && appIds.has(x)),
    excludeApplications: (p) => (a(p)?.excludeApplications ?? []).length > 0,
    userActions: (p) => (a(p)?.includeUserActions ?? []).length > 0,
    enabled: (p) => p.state === 'enabled',
    reportOnly: (p) => p.state === 'enabledForReportingButNotEnforced',
    disabled: (p) => p.state === 'disabled',
    legacyOnly: (p) => (c(p)?.clientAppTypes ?? []).length > 0 && (c(p)?.clientAppTypes ?? []).every((t) => t === 'exchangeActiveSync' || t === 'other'),
    browserOnly: (p) => (c(p)?.clientAppTypes ?? []).join() === 'browser',
    desktopOnly: (p) => (c(p)?.clientAppTypes ?? []).join() === 'mobileAppsAndDesktopClients',
    platforms: (p) => !!c(p)?.platforms,
    excludeAllTrusted: (p) => has(c(p)?.locations?.excludeLocations, 'AllTrusted'),
    excludeTrustedNamed: (p) => (c(p)?.locations?.excludeLocations ?? []).some((l) => trusted.has(l)),
    includeNamedLocation: (p) => (c(p)?.locations?.includeLocations ?? []).some((l) => GUID.test(l)),
    legacyTrustedIps: (p) => has(c(p)?.locations?.excludeLocations, LEGACY_MFA_TRUSTED_IPS_LOCATION),
    signInRisk: (p) => (c(p)?.signInRiskLevels ?? []).length > 0,
    userRisk: (p) => (c(p)?.userRiskLevels ?? []).length > 0,
    insiderRisk: (p) => !!c(p)?.insiderRiskLevels,
    deviceFilter: (p) => !!c(p)?.devices?.deviceFilter,
    workloadIdentities: (p) => (c(p)?.clientApplications?.includeServicePrincipals ?? []).length > 0,
    grantMfa: (p) => has(g(p)?.builtInControls, 'mfa') && (g(p)?.builtInControls ?? []).length === 1,
    grantBlock: (p) => has(g(p)?.builtInControls, 'block'),
    mfaOrCompliant: (p) => g(p)?.operator === 'OR' && has(g(p)?.builtInControls, 'mfa') && has(g(p)?.builtInControls, 'compliantDevice'),
    mfaAndCompliant: (p) => g(p)?.operator === 'AND' && has(g(p)?.builtInControls, 'mfa') && has(g(p)?.builtInControls, 'compliantDevice'),
    strengthInline: (p) => !!(g(p)?.authenticationStrength as { requirementsSatisfied?: string } | null | undefined)?.requirementsSatisfied,
    strengthById: (p) => { const st = g(p)?.authenticationStrength; return !!st && Object.keys(st).join() === 'id'; },
    customControls: (p) => (g(p)?.customAuthenticationFactors ?? []).length > 0,
    nullGrant: (p) => g(p) === null,
  };
}

describe('Conditional Access policy mix', () => {
  it('scales the default count with the tenant and honours --policies', () => {
    expect(defaultPolicyCount(10)).toBe(50);
    expect(defaultPolicyCount(100)).toBe(50);
    expect(defaultPolicyCount(1_000_000)).toBe(300);
    expect(defaultPolicyCount(100_000)).toBeGreaterThan(defaultPolicyCount(10_000));
    expect(tenant(120, 7, 12).conditionalAccessPolicies).toHaveLength(12);
    expect(tenant(500, 6, 0).conditionalAccessPolicies).toEqual([]);
    expect(generateSnapshot({ users: 100, seed: 1, policies: 300 }).conditionalAccessPolicies).toHaveLength(300);
  });

  it.each([['a'], ['b'], [3]])('covers every feature at the default size (seed %s)', (seed) => {
    const s = tenant(1000, seed);
    const policies = s.conditionalAccessPolicies!;
    expect(policies.length).toBeGreaterThanOrEqual(50);
    const missing = Object.entries(policyFeatures(s)).filter(([, f]) => !policies.some(f)).map(([k]) => k);
    expect(missing).toEqual([]);
  });
});

describe('referential integrity', () => {
  it.each([[4000, 'shape'], [57, 4], [1, 1], [1000, 'a']] as const)('every referenced id exists (%i users, seed %s)', (n, seed) => {
    const s = tenant(n, seed);
    const deleted = new Set(deletedObjectIds({ users: n, seed }));
    const userIds = new Set(s.users!.map((u) => u.id));
    const groupIds = new Set(s.groups!.map((g) => g.id));
    const spIds = new Set(s.servicePrincipals!.map((p) => p.id));
    const appIds = new Set(s.servicePrincipals!.map((p) => p.appId));
    const principals = new Set([...userIds, ...groupIds, ...spIds]);
    const roleIds = new Set(s.roleDefinitions!.map((d) => d.id));
    const templateIds = new Set(s.roleDefinitions!.map((d) => d.templateId));
    const locations = new Set(s.namedLocations!.map((l) => l.id));
    const strengths = new Set(s.authenticationStrengthPolicies!.map((p) => p.id));
    const subs = new Set(s.subscriptions!.map((x) => x.subscriptionId));
    const azRoles = new Set(s.azureRoleDefinitions!.map((d) => d.name));
    const dangling: string[] = [];
    const check = (ok: boolean, what: string) => { if (!ok) dangling.push(what); };

    expect(Object.keys(s.groupMembers!).sort()).toEqual([...groupIds].sort());
    for (const [gid, members] of Object.entries(s.groupMembers!)) {
      for (const m of members) {
        const set = m['@odata.type'] === '#microsoft.graph.user' ? userIds : m['@odata.type'] === '#microsoft.graph.group' ? groupIds : spIds;
        check(set.has(m.id), `member ${m.id} of ${gid}`);
      }
      check(new Set(members.map((m) => m.id)).size === members.length, `duplicate members in ${gid}`);
    }
    for (const a of [...s.roleAssignments!, ...s.roleEligibilitySchedules!]) {
      check(principals.has(a.principalId), `role principal ${a.principalId}`);
      check(roleIds.has(a.roleDefinitionId), `role definition ${a.roleDefinitionId}`);
    }
    for (const a of s.azureRoleAssignments!) {
      check(principals.has(a.properties.principalId) || deleted.has(a.properties.principalId), `azure principal ${a.properties.principalId}`);
      check(azRoles.has(a.properties.roleDefinitionId.split('/').pop()!), `azure role ${a.properties.roleDefinitionId}`);
      const sub = /^\/subscriptions\/([^/]+)/.exec(a.properties.scope ?? '');
      if (sub) check(subs.has(sub[1]!), `subscription ${sub[1]}`);
      check(a.id.startsWith(a.properties.scope === '/' ? '/providers/' : `${a.properties.scope}/providers/`), `assignment id ${a.id}`);
    }
    for (const c of s.classicAdministrators!) check(subs.has(c.id.split('/')[2]!), `classic admin subscription ${c.id}`);
    for (const p of s.conditionalAccessPolicies!) {
      const users = p.conditions?.users;
      for (const id of [...(users?.includeUsers ?? []), ...(users?.excludeUsers ?? [])]) {
        if (['All', 'None', 'GuestsOrExternalUsers'].includes(id)) continue;
        check(userIds.has(id) || deleted.has(id), `policy user ${id}`);
      }
      for (const id of [...(users?.includeGroups ?? []), ...(users?.excludeGroups ?? [])]) check(groupIds.has(id), `policy group ${id}`);
      for (const id of [...(users?.includeRoles ?? []), ...(users?.excludeRoles ?? [])]) check(templateIds.has(id), `policy role ${id}`);
      const apps = p.conditions?.applications;
      for (const id of [...(apps?.includeApplications ?? []), ...(apps?.excludeApplications ?? [])]) {
        if (['All', 'None', 'Office365', 'MicrosoftAdminPortals'].includes(id)) continue;
        check(appIds.has(id), `policy app ${id}`);
      }
      const locs = p.conditions?.locations;
      for (const id of [...(locs?.includeLocations ?? []), ...(locs?.excludeLocations ?? [])]) {
        if (['All', 'AllTrusted', LEGACY_MFA_TRUSTED_IPS_LOCATION].includes(id)) continue;
        check(locations.has(id), `policy location ${id}`);
      }
      for (const id of p.conditions?.clientApplications?.includeServicePrincipals ?? []) check(spIds.has(id), `policy service principal ${id}`);
      const st = p.grantControls?.authenticationStrength;
      if (st) check(strengths.has(st.id), `strength ${st.id}`);
    }
    for (const r of s.userRegistrationDetails!) check(userIds.has(r.id), `registration ${r.id}`);
    for (const id of Object.keys(s.authenticationMethods!)) check(userIds.has(id), `methods ${id}`);
    expect(dangling).toEqual([]);

    // the deliberate dangling references (documented in devkit/gen/synthetic-tenant.ts) name no object of the tenant
    expect(deleted.size).toBe(2);
    for (const id of deleted) expect(principals.has(id)).toBe(false);
  });
});
