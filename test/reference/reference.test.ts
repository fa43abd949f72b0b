/**
 * Sanity tests of the reference evaluator itself (test/reference/evaluator.ts) on hand-built tenants:
 * if the reference is wrong, the differential test proves nothing. Each expectation is a line of
 * spec/coverage.md; none of them runs the optimized engine.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConditionalAccessPolicy, GraphUser, Snapshot } from '../../src/snapshot/types.js';
import type { CoverageState, Target } from '../../src/coverage/types.js';
import { ARM, group, guest, memberRef, policy, snapshot, user } from '../helpers/snapshot-builder.js';
import {
  MFA_STRENGTH, ROLE, ROLE_DEFINITIONS, activeRole, countryLocation, customStrength, directory, eligibleRole, failed, grant, ipLocation,
  strengthGrant,
} from '../helpers/coverage.js';
import { REF_TARGETS, ReferenceEvaluator, referenceCoverage, type RefUserCoverage } from './evaluator.js';

function ref(u: GraphUser, policies: ConditionalAccessPolicy[], patch: Partial<Snapshot> = {}, others: GraphUser[] = []): RefUserCoverage {
  const cov = referenceCoverage(snapshot({ users: [u, ...others], conditionalAccessPolicies: policies, ...patch }));
  return cov.get(u.id.toLowerCase())!;
}
const states = (c: RefUserCoverage) => Object.fromEntries(REF_TARGETS.map((t) => [t, c[t].state])) as Record<Target, CoverageState>;
const everywhere = (s: CoverageState) => Object.fromEntries(REF_TARGETS.map((t) => [t, s])) as Record<Target, CoverageState>;
const alice = (extra: Partial<GraphUser> = {}) => user('alice@contoso.com', extra);

describe('reference: targets', () => {
  it.each([
    [['All'], [], { azureManagement: 'enforced', azurePortal: 'enforced', adminPortals: 'enforced', office365: 'enforced', anyApp: 'enforced' }],
    [[ARM], [], { azureManagement: 'enforced', azurePortal: 'enforced', adminPortals: 'none', office365: 'none', anyApp: 'none' }],
    [['MicrosoftAdminPortals'], [], { azureManagement: 'none', azurePortal: 'enforced', adminPortals: 'enforced', office365: 'none', anyApp: 'none' }],
    [['Office365'], [], { azureManagement: 'none', azurePortal: 'none', adminPortals: 'none', office365: 'enforced', anyApp: 'none' }],
    [['All'], [ARM], { azureManagement: 'excluded', azurePortal: 'excluded', adminPortals: 'enforced', office365: 'enforced', anyApp: 'enforced' }],
    [[ARM], ['MicrosoftAdminPortals'], { azureManagement: 'enforced', azurePortal: 'excluded', adminPortals: 'none', office365: 'none', anyApp: 'none' }],
    [['All'], ['Office365', 'MicrosoftAdminPortals'], { azureManagement: 'enforced', azurePortal: 'excluded', adminPortals: 'excluded', office365: 'excluded', anyApp: 'enforced' }],
    [['11111111-2222-3333-4444-555555555555'], [], everywhere('none')],
    [['None'], [], everywhere('none')],
  ])('include %j exclude %j', (includeApplications, excludeApplications, expected) => {
    const u = alice();
    expect(states(ref(u, [policy('P', { applications: { includeApplications, excludeApplications } })]))).toEqual(expected);
  });

  it('user-action, authentication-context and workload-identity policies cover no target', () => {
    const u = alice();
    const ps = [
      policy('Register', { applications: { includeApplications: [], includeUserActions: ['urn:user:registersecurityinfo'] } }),
      policy('Context', { applications: { includeApplications: [], includeAuthenticationContextClassReferences: ['c1'] } }),
      policy('Workloads', {
        users: { includeUsers: ['None'] },
        conditions: { clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'], excludeServicePrincipals: [] } },
        grantControls: grant('OR', ['block']),
      }),
    ];
    expect(states(ref(u, ps))).toEqual(everywhere('none'));
  });
});

describe('reference: assignment', () => {
  it('includeUsers All / None / ids / GuestsOrExternalUsers', () => {
    const u = alice();
    const g = guest('bob@fabrikam.com');
    const snap = snapshot({
      users: [u, g],
      conditionalAccessPolicies: [policy('Guests', { users: { includeUsers: ['GuestsOrExternalUsers'] } })],
    });
    const cov = referenceCoverage(snap);
    expect(cov.get(u.id)!.anyApp.state).toBe('none');
    expect(cov.get(g.id)!.anyApp.state).toBe('enforced');
    expect(ref(u, [policy('None', { users: { includeUsers: ['None'] } })]).anyApp.state).toBe('none');
    expect(ref(u, [policy('Id', { users: { includeUsers: [u.id.toUpperCase()] } })]).anyApp.state).toBe('enforced');
  });

  it('groups are transitive, and a cycle neither loops nor loses members', () => {
    const u = alice();
    const inner = group('Inner', [memberRef(u)]);
    const mid = group('Mid', [memberRef(inner.group, 'group')]);
    const outer = group('Outer', [memberRef(mid.group, 'group')]);
    (inner.members as unknown[]).push(memberRef(outer.group, 'group')); // cycle inner → outer → mid → inner
    const cov = ref(u, [policy('Outer MFA', { users: { includeUsers: [], includeGroups: [outer.group.id] } })], directory(inner, mid, outer));
    expect(cov.anyApp.state).toBe('enforced');
    const r = new ReferenceEvaluator(snapshot({ users: [u], ...directory(inner, mid, outer) }));
    for (const g of [inner, mid, outer]) expect(r.isTransitiveMember(u.id, g.group.id)).toBe(true);
  });

  it('any exclusion beats any inclusion, and the cell is excluded with that policy', () => {
    const u = alice();
    const contractors = group('Contractors', [memberRef(u)]);
    const excl = group('CA-Exclusions', [memberRef(contractors.group, 'group')]);
    const p = policy('MFA', { users: { includeUsers: [u.id], excludeGroups: [excl.group.id] } });
    const cov = ref(u, [p], directory(contractors, excl));
    expect(states(cov)).toEqual(everywhere('excluded'));
    expect([...cov.anyApp.policies]).toEqual([p.id]);
    expect([...cov.anyApp.mechanisms]).toEqual(['conditionalAccess']);
  });

  it('roles: active at "/" directly or through a group match; PIM-eligible and AU-scoped do not', () => {
    const admin = user('admin@contoso.com');
    const p = policy('Admins', { users: { includeUsers: [], includeRoles: [ROLE.globalAdmin] } });
    const base = { roleDefinitions: ROLE_DEFINITIONS };
    expect(ref(admin, [p], { ...base, roleAssignments: [activeRole(admin, ROLE.globalAdmin)] }).anyApp.state).toBe('enforced');
    expect(ref(admin, [p], { ...base, roleEligibilitySchedules: [eligibleRole(admin, ROLE.globalAdmin)] }).anyApp.state).toBe('none');
    expect(ref(admin, [p], { ...base, roleAssignments: [activeRole(admin, ROLE.globalAdmin, '/administrativeUnits/x')] }).anyApp.state).toBe('none');
    const rag = group('GA group', [memberRef(admin)], { isAssignableToRole: true });
    expect(ref(admin, [p], { ...base, ...directory(rag), roleAssignments: [activeRole(rag.group, ROLE.globalAdmin)] }).anyApp.state).toBe('enforced');
    // A custom role definition id differing from its template id resolves to the template.
    const defs = [...ROLE_DEFINITIONS, { id: 'aaaaaaaa-0000-0000-0000-000000000001', templateId: ROLE.globalAdmin, displayName: 'GA (alias)' }];
    expect(ref(admin, [p], { roleDefinitions: defs, roleAssignments: [activeRole(admin, 'aaaaaaaa-0000-0000-0000-000000000001')] }).anyApp.state).toBe('enforced');
  });

  it('guest classification', () => {
    const snap = snapshot({
      tenant: { id: 't', displayName: 'Contoso', defaultDomain: 'contoso.com' },
      users: [
        user('m@contoso.com'),
        user('m2@corp.contoso.com', { identities: [{ signInType: 'userPrincipalName', issuer: 'contoso.onmicrosoft.us', issuerAssignedId: 'x' }] }),
        guest('g@fabrikam.com'),
        user('invited@fabrikam.com', { creationType: 'Invitation', userType: 'Member' }),
        user('local-guest@contoso.com', { userType: 'Guest' }),
        user('social@contoso.com', { userType: 'Guest', identities: [{ signInType: 'federated', issuer: 'google.com', issuerAssignedId: 'x' }] }),
        user('ext-member@contoso.com', { identities: [{ signInType: 'federated', issuer: 'facebook.com', issuerAssignedId: 'x' }] }),
        user('verified@contoso.com', { identities: [{ signInType: 'emailAddress', issuer: 'Contoso-Verified.example', issuerAssignedId: 'x' }] }),
      ],
    });
    (snap.tenant as Record<string, unknown>).verifiedDomains = [{ name: 'contoso-verified.example', isInitial: false }];
    const r = new ReferenceEvaluator(snap);
    expect(snap.users!.map((u) => r.guestKind(u))).toEqual([
      null, null, 'b2bCollaborationGuest', 'b2bCollaborationMember', 'internalGuest', 'b2bCollaborationGuest', 'b2bCollaborationMember', null,
    ]);
  });

  it('includeGuestsOrExternalUsers matches by type; enumerated external tenants are unknown', () => {
    const g = guest('g@fabrikam.com');
    const types = (guestOrExternalUserTypes: string, externalTenants: unknown = { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' }) =>
      policy('Guests', { users: { includeUsers: [], includeGuestsOrExternalUsers: { guestOrExternalUserTypes, externalTenants } as never } });
    expect(ref(g, [types('internalGuest,b2bCollaborationGuest')]).anyApp.state).toBe('enforced');
    expect(ref(g, [types('b2bCollaborationMember')]).anyApp.state).toBe('none');
    const enumerated = ref(g, [types('b2bCollaborationGuest', { '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants', membershipKind: 'enumerated', members: ['x'] })]);
    expect(enumerated.anyApp.state).toBe('none');
    expect(enumerated.anyApp.optimisticState).toBe('enforced');
  });
});

describe('reference: grant', () => {
  const u = alice();
  it.each([
    ['mfa', grant('OR', ['mfa']), 'enforced'],
    ['mfa OR compliantDevice', grant('OR', ['mfa', 'compliantDevice']), 'none'],
    ['mfa AND compliantDevice', grant('AND', ['mfa', 'compliantDevice']), 'enforced'],
    ['compliantDevice', grant('OR', ['compliantDevice']), 'none'],
    ['mfa OR custom control', grant('OR', ['mfa'], { customAuthenticationFactors: ['duo'] }), 'none'],
    ['mfa AND terms of use', grant('AND', ['mfa'], { termsOfUse: ['tou'] }), 'enforced'],
    ['custom control only', grant('OR', [], { customAuthenticationFactors: ['duo'] }), 'none'],
    ['null grant (session only)', null, 'none'],
    ['empty grant', grant('OR', []), 'none'],
    ['block', grant('OR', ['block']), 'blocked'],
    ['built-in strength by id', strengthGrant({ id: '00000000-0000-0000-0000-000000000004' }), 'enforced'],
    ['inline strength', strengthGrant(MFA_STRENGTH), 'enforced'],
    ['mfa OR MFA strength', strengthGrant(MFA_STRENGTH, 'OR', ['mfa']), 'enforced'],
    ['strength OR compliantDevice', strengthGrant(MFA_STRENGTH, 'OR', ['compliantDevice']), 'none'],
    ['inline strength not satisfying mfa', strengthGrant(customStrength('Password only', ['password'], 'none')), 'none'],
    ['inline strength, no requirementsSatisfied, every combination multifactor',
      strengthGrant({ id: 'x1', allowedCombinations: ['fido2', 'password,sms'] }), 'enforced'],
    ['inline strength, no requirementsSatisfied, a single-factor combination',
      strengthGrant({ id: 'x2', allowedCombinations: ['fido2', 'password'] }), 'none'],
  ] as const)('%s → %s', (_label, g, expected) => {
    expect(ref(u, [policy('P', { grantControls: g as ConditionalAccessPolicy['grantControls'] })]).anyApp.state).toBe(expected);
  });

  it('a custom strength referenced by id is looked up in authenticationStrengthPolicies', () => {
    const good = customStrength('FIDO2', ['fido2']);
    const bad = customStrength('Weak', ['password'], 'none');
    const pol = [policy('Good', { grantControls: strengthGrant({ id: good.id.toUpperCase() }) })];
    expect(ref(u, pol, { authenticationStrengthPolicies: [good, bad] }).anyApp.state).toBe('enforced');
    expect(ref(u, [policy('Bad', { grantControls: strengthGrant({ id: bad.id }) })], { authenticationStrengthPolicies: [good, bad] }).anyApp.state).toBe('none');
    const gap = ref(u, pol, failed('authenticationStrengthPolicies'));
    expect([gap.anyApp.state, gap.anyApp.optimisticState]).toEqual(['none', 'enforced']);
  });

  it('report-only never enforces; disabled is ignored; a report-only block blocks nothing', () => {
    expect(ref(u, [policy('RO', { state: 'enabledForReportingButNotEnforced' })]).anyApp.state).toBe('reportOnly');
    expect(ref(u, [policy('Off', { state: 'disabled' })]).anyApp.state).toBe('none');
    expect(ref(u, [policy('RO block', { state: 'enabledForReportingButNotEnforced', grantControls: grant('OR', ['block']) })]).anyApp.state).toBe('none');
  });
});

describe('reference: conditions', () => {
  const u = alice();
  const withCond = (conditions: Partial<NonNullable<ConditionalAccessPolicy['conditions']>>, patch: Partial<Snapshot> = {}) =>
    ref(u, [policy('P', { conditions })], patch).anyApp.state;

  it('client app types', () => {
    expect(withCond({ clientAppTypes: ['all'] })).toBe('enforced');
    expect(withCond({ clientAppTypes: [] })).toBe('enforced');
    expect(withCond({ clientAppTypes: ['browser', 'mobileAppsAndDesktopClients', 'other'] })).toBe('enforced');
    expect(withCond({ clientAppTypes: ['browser'] })).toBe('conditional');
    expect(withCond({ clientAppTypes: ['exchangeActiveSync', 'other'] })).toBe('none');
  });

  it('locations: trusted bypass vs conditional', () => {
    const hq = ipLocation('HQ', true);
    const cafe = ipLocation('Cafe', false);
    const country = countryLocation('NL', ['NL']);
    const locs = { namedLocations: [hq, cafe, country] };
    const loc = (includeLocations: string[], excludeLocations: string[]) => withCond({ locations: { includeLocations, excludeLocations } }, locs);
    expect(loc(['All'], [])).toBe('enforced');
    expect(loc(['All'], ['AllTrusted'])).toBe('trustedLocationBypass');
    expect(loc(['All'], [hq.id, '00000000-0000-0000-0000-000000000000'])).toBe('trustedLocationBypass');
    expect(loc(['All'], [hq.id, cafe.id])).toBe('conditional');
    expect(loc(['All'], [country.id])).toBe('conditional');
    expect(loc([hq.id], [])).toBe('conditional');
    expect(loc(['AllTrusted'], [])).toBe('conditional');
    const gap = ref(u, [policy('P', { conditions: { locations: { includeLocations: ['All'], excludeLocations: [hq.id] } } })], failed('namedLocations'));
    expect([gap.anyApp.state, gap.anyApp.optimisticState]).toEqual(['conditional', 'trustedLocationBypass']);
  });

  it.each([
    ['platforms all', { platforms: { includePlatforms: ['all'], excludePlatforms: [] } }, 'enforced'],
    ['platforms all but iOS', { platforms: { includePlatforms: ['all'], excludePlatforms: ['iOS'] } }, 'conditional'],
    ['platforms windows', { platforms: { includePlatforms: ['windows'], excludePlatforms: [] } }, 'conditional'],
    ['sign-in risk', { signInRiskLevels: ['high'] }, 'conditional'],
    ['user risk', { userRiskLevels: ['high'] }, 'conditional'],
    ['insider risk', { insiderRiskLevels: 'elevated' }, 'conditional'],
    ['empty risks', { signInRiskLevels: [], userRiskLevels: [], insiderRiskLevels: null }, 'enforced'],
    ['device filter', { devices: { deviceFilter: { mode: 'exclude', rule: 'device.isCompliant -eq True' } } }, 'conditional'],
    ['authentication flows', { authenticationFlows: { transferMethods: 'deviceCodeFlow' } }, 'conditional'],
    ['trusted bypass + browser only', { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] }, clientAppTypes: ['browser'] }, 'conditional'],
  ] as const)('%s → %s', (_label, conditions, expected) => {
    expect(withCond(conditions as never)).toBe(expected);
  });

  it('an application filter narrows', () => {
    const p = policy('P', { applications: { applicationFilter: { mode: 'include', rule: 'CustomSecurityAttribute.x -eq "y"' } } });
    expect(ref(u, [p]).anyApp.state).toBe('conditional');
  });

  it('blocked needs an enabled, unconditional, non-excluded block', () => {
    const block = (conditions = {}, users = {}) => policy('Block', { conditions, users, grantControls: grant('OR', ['block']) });
    expect(ref(u, [block()]).anyApp.state).toBe('blocked');
    expect(ref(u, [block({ signInRiskLevels: ['high'] })]).anyApp.state).toBe('none');
    expect(ref(u, [block({ locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } })]).anyApp.state).toBe('none');
    expect(ref(u, [block({}, { excludeUsers: [u.id] })]).anyApp.state).toBe('none');
    expect(ref(u, [block({ clientAppTypes: ['exchangeActiveSync', 'other'] }), policy('MFA')]).anyApp.state).toBe('enforced');
  });
});

describe('reference: combining mechanisms', () => {
  it('the strongest state wins and names every policy producing it', () => {
    const u = alice();
    const p1 = policy('MFA all');
    const p2 = policy('MFA ARM', { applications: { includeApplications: [ARM] } });
    const p3 = policy('Risky', { conditions: { signInRiskLevels: ['high'] } });
    const cov = ref(u, [p1, p2, p3]);
    expect(cov.azureManagement.state).toBe('enforced');
    expect(cov.azureManagement.policies).toEqual(new Set([p1.id, p2.id]));
    expect(cov.office365.policies).toEqual(new Set([p1.id]));
  });

  it('security defaults: enforced everywhere for everyone, mechanism securityDefaults, no policy', () => {
    const cov = ref(guest('g@fabrikam.com'), [], { securityDefaults: { isEnabled: true } });
    expect(states(cov)).toEqual(everywhere('enforced'));
    expect(cov.anyApp.mechanisms).toEqual(new Set(['securityDefaults']));
    expect(cov.anyApp.policies.size).toBe(0);
  });

  it('per-user MFA from users[] or from authenticationRequirements; absent everywhere → disabled; unavailable → unknown', () => {
    expect(ref(alice({ perUserMfaState: 'enforced' }), []).anyApp.state).toBe('enforced');
    const u = alice();
    expect(ref(u, [], { authenticationRequirements: { [u.id.toUpperCase()]: { perUserMfaState: 'Enabled' } } }).anyApp.mechanisms).toEqual(new Set(['perUserMfa']));
    const absent = ref(u, [], { authenticationRequirements: undefined });
    expect([absent.anyApp.state, absent.anyApp.optimisticState]).toEqual(['none', 'none']);
    const unavailable = ref(u, [], failed('authenticationRequirements'));
    expect([unavailable.anyApp.state, unavailable.anyApp.optimisticState]).toEqual(['none', 'enforced']);
    const fromUsers = ref(alice({ perUserMfaState: 'disabled' }), [], failed('authenticationRequirements'));
    expect([fromUsers.anyApp.state, fromUsers.anyApp.optimisticState]).toEqual(['none', 'none']);
  });

  it('block beats enforced; enforced beats excluded; several mechanisms at the winning state are all listed', () => {
    const u = alice({ perUserMfaState: 'enforced' });
    expect(ref(u, [policy('Block', { grantControls: grant('OR', ['block']) })]).anyApp.state).toBe('blocked');
    const p = policy('MFA');
    const cov = ref(u, [p, policy('Excl', { users: { excludeUsers: [u.id] } })], { securityDefaults: { isEnabled: true } });
    expect(cov.anyApp.state).toBe('enforced');
    expect(cov.anyApp.mechanisms).toEqual(new Set(['perUserMfa', 'securityDefaults', 'conditionalAccess']));
    expect(cov.anyApp.policies).toEqual(new Set([p.id]));
  });

  it('report-only beats excluded; a report-only policy the user is excluded from contributes nothing', () => {
    const u = alice();
    const ro = policy('RO', { state: 'enabledForReportingButNotEnforced' });
    const ex = policy('Ex', { users: { excludeUsers: [u.id] } });
    expect(ref(u, [ro, ex]).anyApp.state).toBe('reportOnly');
    expect(ref(u, [policy('RO ex', { state: 'enabledForReportingButNotEnforced', users: { excludeUsers: [u.id] } })]).anyApp.state).toBe('none');
  });
});

describe('reference: missing data reads pessimistically, and says what it could be', () => {
  const u = alice({ perUserMfaState: 'disabled' });
  it('groupMembers unavailable: included through a group → none / enforced; excluded through a group → excluded / enforced', () => {
    const g = group('G', [memberRef(u)]);
    const inc = ref(u, [policy('G', { users: { includeUsers: [], includeGroups: [g.group.id] } })], { groups: [g.group], ...failed('groupMembers') });
    expect([inc.anyApp.state, inc.anyApp.optimisticState]).toEqual(['none', 'enforced']);
    const exc = ref(u, [policy('All but G', { users: { excludeGroups: [g.group.id] } })], { groups: [g.group], ...failed('groupMembers') });
    expect([exc.anyApp.state, exc.anyApp.optimisticState]).toEqual(['excluded', 'enforced']);
  });

  it('groupMembers unavailable and a role assigned to a group: role conditions are unknown', () => {
    const g = group('GA group', [memberRef(u)], { isAssignableToRole: true });
    const patch = { roleDefinitions: ROLE_DEFINITIONS, groups: [g.group], roleAssignments: [activeRole(g.group, ROLE.globalAdmin)], ...failed('groupMembers') };
    const exc = ref(u, [policy('All but GA', { users: { excludeRoles: [ROLE.globalAdmin] } })], patch);
    expect([exc.anyApp.state, exc.anyApp.optimisticState]).toEqual(['excluded', 'enforced']);
    const inc = ref(u, [policy('GA', { users: { includeUsers: [], includeRoles: [ROLE.globalAdmin] } })], patch);
    expect([inc.anyApp.state, inc.anyApp.optimisticState]).toEqual(['none', 'enforced']);
    // A role assigned directly to the user does not depend on groupMembers.
    const direct = ref(u, [policy('All but GA', { users: { excludeRoles: [ROLE.globalAdmin] } })], { ...patch, roleAssignments: [activeRole(u, ROLE.globalAdmin)] });
    expect([direct.anyApp.state, direct.anyApp.optimisticState]).toEqual(['excluded', 'excluded']);
  });

  it('roleAssignments unavailable: role conditions are unknown', () => {
    const c = ref(u, [policy('All but GA', { users: { excludeRoles: [ROLE.globalAdmin] } })], { roleDefinitions: ROLE_DEFINITIONS, ...failed('roleAssignments') });
    expect([c.anyApp.state, c.anyApp.optimisticState]).toEqual(['excluded', 'enforced']);
  });

  it('securityDefaults or conditionalAccessPolicies unreadable → none / enforced', () => {
    for (const key of ['securityDefaults', 'conditionalAccessPolicies'] as const) {
      const c = ref(u, [], failed(key));
      expect([c.anyApp.state, c.anyApp.optimisticState]).toEqual(['none', 'enforced']);
    }
  });

  it('a gap the verdict does not depend on changes nothing', () => {
    const c = ref(u, [policy('All')], failed('groupMembers', 'roleAssignments', 'namedLocations', 'securityDefaults'));
    expect([c.anyApp.state, c.anyApp.optimisticState]).toEqual(['enforced', 'enforced']);
  });
});

describe('reference: independence from the optimized engine', () => {
  it('imports only types from src/ (never src/coverage code, the directory model or the Azure tiers)', () => {
    const source = readFileSync(new URL('./evaluator.ts', import.meta.url), 'utf8');
    const imports = [...source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)].map((m) => ({ typeOnly: !!m[1], from: m[2]! }));
    expect(imports.length).toBeGreaterThan(0);
    for (const i of imports) {
      if (!i.from.includes('/src/')) continue;
      expect(i, `${i.from} must be a type-only import`).toMatchObject({ typeOnly: true });
      expect(i.from).toMatch(/\/src\/(snapshot|coverage)\/types\.js$/);
    }
  });
});
