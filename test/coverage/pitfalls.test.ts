/**
 * One test per static-data pitfall of shared/research/anchors.md §8 ("False-positive / false-negative
 * pitfalls seen in these tools") that the coverage engine can express. Each test is named after the
 * pitfall row and asserts that mfaguard does NOT fall into it.
 */
import { describe, expect, it } from 'vitest';
import type { ConditionalAccessPolicy, GraphUser, Snapshot } from '../../src/snapshot/types.js';
import { ARM, coverageOf, group, guest, memberRef, policy, snapshot, user } from '../helpers/snapshot-builder.js';
import {
  BUILTIN_STRENGTHS, MFA_STRENGTH, PHISHING_RESISTANT_STRENGTH, ROLE, ROLE_DEFINITIONS, TARGETS,
  activeRole, customStrength, directory, eligibleRole, everywhere, grant, ipLocation, states, strengthGrant,
} from '../helpers/coverage.js';

function run(u: GraphUser, policies: ConditionalAccessPolicy[], patch: Partial<Snapshot> = {}) {
  return coverageOf(snapshot({ users: [u], conditionalAccessPolicies: policies, ...patch }), u);
}

describe('anchors.md §8 pitfalls', () => {
  it('Auth strength not treated as MFA: a policy whose only grant is the built-in "Multifactor authentication" strength is enforced', () => {
    const p = policy('CA Require MFA strength', { grantControls: strengthGrant(MFA_STRENGTH) });
    const cov = run(user('alice@contoso.com'), [p]);
    expect(states(cov)).toEqual(everywhere('enforced'));
    expect(cov.azureManagement.policies).toEqual([p.id]);
  });

  it('Phishing-resistant strength matched by display name: a custom strength with only phishing-resistant methods and an arbitrary name counts', () => {
    const custom = customStrength('Tier0 keys', ['fido2', 'windowsHelloForBusiness', 'x509CertificateMultiFactor']);
    const p = policy('CA Admins strong auth', { grantControls: strengthGrant({ id: custom.id }) });
    const cov = run(user('alice@contoso.com'), [p], { authenticationStrengthPolicies: [...BUILTIN_STRENGTHS, custom] });
    expect(states(cov)).toEqual(everywhere('enforced'));
  });

  it('"All cloud apps" not accepted for Azure management: includeApplications All covers azureManagement', () => {
    const cov = run(user('alice@contoso.com'), [policy('CA All resources MFA', { applications: { includeApplications: ['All'] } })]);
    expect(cov.azureManagement.state).toBe('enforced');
  });

  it('Microsoft Admin Portals counted as Azure management: MicrosoftAdminPortals does NOT cover azureManagement (only the portal)', () => {
    const cov = run(user('alice@contoso.com'), [policy('CA Admin portals MFA', { applications: { includeApplications: ['MicrosoftAdminPortals'] } })]);
    expect(cov.azureManagement.state).toBe('none');
    expect(cov.azurePortal.state).toBe('enforced');
    expect(cov.adminPortals.state).toBe('enforced');
  });

  it('All-users policy not credited for admin/role controls: an active Global Administrator is covered by an All-users policy', () => {
    const admin = user('admin@contoso.com');
    const cov = run(admin, [policy('CA All users MFA')], { roleDefinitions: ROLE_DEFINITIONS, roleAssignments: [activeRole(admin, ROLE.globalAdmin)] });
    expect(states(cov)).toEqual(everywhere('enforced'));
  });

  it('Role-scoped CA only protects active role holders: a PIM-eligible admin is not covered by a role-scoped policy, an active one is', () => {
    const eligible = user('eligible@contoso.com');
    const active = user('active@contoso.com');
    const p = policy('CA MFA for admin roles', { users: { includeUsers: [], includeRoles: [ROLE.globalAdmin, ROLE.securityAdmin] } });
    const snap = snapshot({
      users: [eligible, active], roleDefinitions: ROLE_DEFINITIONS, conditionalAccessPolicies: [p],
      roleAssignments: [activeRole(active, ROLE.securityAdmin)],
      roleEligibilitySchedules: [eligibleRole(eligible, ROLE.globalAdmin)],
    });
    expect(states(coverageOf(snap, eligible))).toEqual(everywhere('none'));
    expect(states(coverageOf(snap, active))).toEqual(everywhere('enforced'));
  });

  it('Group-based role/RBAC assignment not expanded: a member of a role-assignable group holding Global Administrator is covered by a role-scoped policy', () => {
    const admin = user('admin@contoso.com');
    const g = group('GA-Group', [memberRef(admin)], { isAssignableToRole: true });
    const p = policy('CA MFA for GAs', { users: { includeUsers: [], includeRoles: [ROLE.globalAdmin] } });
    const cov = run(admin, [p], { ...directory(g), roleDefinitions: ROLE_DEFINITIONS, roleAssignments: [activeRole(g.group, ROLE.globalAdmin)] });
    expect(states(cov)).toEqual(everywhere('enforced'));
    expect(cov.anyApp.policies).toEqual([p.id]);
  });

  it('Exclusions ignored: a user in a large exclusion group of an All-users policy is excluded, not enforced', () => {
    const u = user('contractor@contoso.com');
    const others = Array.from({ length: 50 }, (_, i) => user(`c${i}@contoso.com`));
    const big = group('All contractors', [memberRef(u), ...others.map((o) => memberRef(o))]);
    const p = policy('CA All users MFA', { users: { excludeGroups: [big.group.id] } });
    const cov = coverageOf(snapshot({ users: [u, ...others], ...directory(big), conditionalAccessPolicies: [p] }), u);
    expect(states(cov)).toEqual(everywhere('excluded'));
    expect(cov.anyApp.policies).toEqual([p.id]);
  });

  it('Exclusions fail unless pre-declared: an exclusion of someone else does not disqualify the policy for everyone else', () => {
    const alice = user('alice@contoso.com');
    const svc = user('svc-sync@contoso.com');
    const p = policy('CA All users MFA', { users: { excludeUsers: [svc.id] }, applications: { includeApplications: ['All'], excludeApplications: ['d4ebce55-015a-49b5-a083-c84d1797ae8c'] } });
    const cov = coverageOf(snapshot({ users: [alice, svc], conditionalAccessPolicies: [p] }), alice);
    expect(states(cov)).toEqual(everywhere('enforced'));
  });

  it('Break-glass excluded via group: the break-glass account is reported excluded through its group, everyone else enforced', () => {
    const bg = user('breakglass@contoso.onmicrosoft.com');
    const alice = user('alice@contoso.com');
    const bgGroup = group('Emergency access', [memberRef(bg)]);
    const p = policy('CA All users MFA', { users: { excludeGroups: [bgGroup.group.id] } });
    const snap = snapshot({ users: [bg, alice], ...directory(bgGroup), conditionalAccessPolicies: [p] });
    expect(states(coverageOf(snap, alice))).toEqual(everywhere('enforced'));
    const bgCov = coverageOf(snap, bg);
    expect(states(bgCov)).toEqual(everywhere('excluded'));
    expect(bgCov.anyApp.reason).toContain("through group 'Emergency access'");
    expect(bgCov.anyApp.reason).toContain('CA All users MFA');
  });

  it('Risk-scoped MFA counted as MFA for all: a sign-in-risk-only MFA policy is conditional, not enforced', () => {
    const p = policy('CA MFA on medium+ risk', { conditions: { signInRiskLevels: ['medium', 'high'] } });
    const cov = run(user('alice@contoso.com'), [p]);
    expect(states(cov)).toEqual(everywhere('conditional'));
    expect(cov.anyApp.reason).toMatch(/risk/i);
  });

  it.each([
    ['platforms', { platforms: { includePlatforms: ['android', 'iOS'], excludePlatforms: [] } }],
    ['locations', { locations: { includeLocations: ['All'], excludeLocations: ['__UNTRUSTED__'] } }],
    ['client apps', { clientAppTypes: ['browser'] }],
    ['device filter', { devices: { deviceFilter: { mode: 'exclude', rule: 'device.isCompliant -eq True' } } }],
    ['auth flows', { authenticationFlows: { transferMethods: 'deviceCodeFlow,authenticationTransfer' } }],
  ])('Other narrowing conditions ignored (%s): the policy is conditional, not enforced', (_label, conditions) => {
    const partner = ipLocation('Partner network', false);
    const c = JSON.parse(JSON.stringify(conditions).replace('__UNTRUSTED__', partner.id)) as NonNullable<ConditionalAccessPolicy['conditions']>;
    const cov = run(user('alice@contoso.com'), [policy('CA narrowed MFA', { conditions: c })], { namedLocations: [partner] });
    expect(states(cov)).toEqual(everywhere('conditional'));
  });

  it('`OR` grant with a weaker control: "MFA OR compliant device" does not require MFA, "MFA AND compliant device" does', () => {
    const orCov = run(user('alice@contoso.com'), [policy('CA MFA or compliant', { grantControls: grant('OR', ['mfa', 'compliantDevice']) })]);
    expect(states(orCov)).toEqual(everywhere('none'));
    const andCov = run(user('bob@contoso.com'), [policy('CA MFA and compliant', { grantControls: grant('AND', ['mfa', 'compliantDevice']) })]);
    expect(states(andCov)).toEqual(everywhere('enforced'));
  });

  it('Phishing-resistant-only strength not credited as "MFA": the built-in Phishing-resistant MFA strength (by id) counts as MFA', () => {
    const p = policy('CA Phishing-resistant for all', { grantControls: strengthGrant({ id: PHISHING_RESISTANT_STRENGTH.id }) });
    const cov = run(user('alice@contoso.com'), [p], { authenticationStrengthPolicies: BUILTIN_STRENGTHS });
    expect(states(cov)).toEqual(everywhere('enforced'));
  });

  it('Session-only policy (grantControls null): a sign-in-frequency policy for all users and apps does not count as MFA', () => {
    const p = policy('CA Sign-in frequency 1h', {
      grantControls: null,
      extra: { sessionControls: { signInFrequency: { value: 1, type: 'hours', authenticationType: 'primaryAndSecondaryAuthentication', isEnabled: true } } },
    });
    const cov = run(user('alice@contoso.com'), [p]);
    expect(states(cov)).toEqual(everywhere('none'));
    expect(cov.anyApp.policies).not.toContain(p.id);
  });

  it('Report-only policies: a report-only MFA policy is reported explicitly as reportOnly (not enforced, not silently none)', () => {
    const p = policy('CA MFA (report-only)', { state: 'enabledForReportingButNotEnforced' });
    const cov = run(user('alice@contoso.com'), [p]);
    expect(states(cov)).toEqual(everywhere('reportOnly'));
    expect(cov.anyApp.policies).toEqual([p.id]);
    expect(cov.anyApp.reason).toMatch(/report-only/i);
  });

  it('Guests: "All users" includes B2B guests, so an invited guest is covered like a member', () => {
    const bob = guest('bob@fabrikam.com');
    const cov = run(bob, [policy('CA All users MFA')]);
    expect(states(cov)).toEqual(everywhere('enforced'));
  });

  it('Registration ≠ enforcement: a user registered and capable for MFA but with no enforcing mechanism is none', () => {
    const u = user('alice@contoso.com', { perUserMfaState: 'disabled' });
    const cov = run(u, [], {
      userRegistrationDetails: [{
        id: u.id, userPrincipalName: u.userPrincipalName ?? null, isMfaRegistered: true, isMfaCapable: true, isAdmin: true,
        methodsRegistered: ['microsoftAuthenticatorPush', 'fido2SecurityKey'],
      }],
    });
    expect(states(cov)).toEqual(everywhere('none'));
    for (const t of TARGETS) expect(cov[t].mechanisms).toEqual([]);
  });

  it('Gap analysis by literal id: excluded by id from one policy but included by group in another is enforced; included by id but excluded by group is excluded', () => {
    const alice = user('alice@contoso.com');
    const admins = group('Admins', [memberRef(alice)]);
    const excludesById = policy('CA All users MFA', { users: { excludeUsers: [alice.id] } });
    const includesByGroup = policy('CA Admins MFA', { users: { includeUsers: [], includeGroups: [admins.group.id] } });
    const cov = run(alice, [excludesById, includesByGroup], directory(admins));
    expect(states(cov)).toEqual(everywhere('enforced'));
    expect(cov.anyApp.policies).toEqual([includesByGroup.id]);

    const bob = user('bob@contoso.com');
    const noMfa = group('No-MFA', [memberRef(bob)]);
    const cov2 = run(bob, [policy('CA Bob MFA', { users: { includeUsers: [bob.id], excludeGroups: [noMfa.group.id] }, applications: { includeApplications: [ARM] } })], directory(noMfa));
    expect(cov2.azureManagement.state).toBe('excluded');
  });
});
