/**
 * coverage.md "Combining mechanisms" and "Explanations": strongest state wins
 * (blocked > enforced > trustedLocationBypass > conditional > reportOnly > excluded > none),
 * security defaults, per-user MFA, and what each cell says about why.
 */
import { describe, expect, it } from 'vitest';
import type { ConditionalAccessPolicy, GraphUser, Snapshot } from '../../src/snapshot/types.js';
import { ARM as ARM_ID, coverageOf, group, memberRef, policy, snapshot, user } from '../helpers/snapshot-builder.js';
import { ROLE, ROLE_DEFINITIONS, TARGETS, activeRole, directory, eligibleRole, everywhere, grant, ipLocation, states } from '../helpers/coverage.js';

const alice = (extra: Partial<GraphUser> = {}) => user('alice@contoso.com', extra);

function run(u: GraphUser, policies: ConditionalAccessPolicy[], patch: Partial<Snapshot> = {}) {
  return coverageOf(snapshot({ users: [u], conditionalAccessPolicies: policies, ...patch }), u);
}

// One policy per state, all applying to every target of `u` (except `excluded`, which excludes u).
function makers(u: GraphUser) {
  return {
    blocked: () => policy('P-block', { grantControls: grant('OR', ['block']) }),
    enforced: () => policy('P-enforced'),
    trustedLocationBypass: () => policy('P-bypass', { conditions: { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } } }),
    conditional: () => policy('P-conditional', { conditions: { signInRiskLevels: ['high'] } }),
    reportOnly: () => policy('P-reportOnly', { state: 'enabledForReportingButNotEnforced' }),
    excluded: () => policy('P-excluded', { users: { excludeUsers: [u.id] } }),
  };
}

describe('the strongest state wins', () => {
  const order = ['blocked', 'enforced', 'trustedLocationBypass', 'conditional', 'reportOnly', 'excluded'] as const;
  const pairs = order.flatMap((stronger, i) => order.slice(i + 1).map((weaker) => [stronger, weaker] as const));

  it.each(pairs)('%s beats %s (in either policy order)', (stronger, weaker) => {
    const u = alice();
    const m = makers(u);
    const a = m[stronger]();
    const b = m[weaker]();
    for (const policies of [[a, b], [b, a]]) {
      const cov = run(u, policies);
      expect(states(cov)).toEqual(everywhere(stronger));
      expect(cov.anyApp.policies).toContain(a.id);
    }
  });

  it.each(order)('%s alone gives %s', (s) => {
    const u = alice();
    const p = makers(u)[s]();
    const cov = run(u, [p]);
    expect(states(cov)).toEqual(everywhere(s));
    expect(cov.anyApp.policies).toEqual([p.id]);
    expect(cov.anyApp.mechanisms).toEqual(['conditionalAccess']);
  });

  it('nothing at all gives none with no mechanisms or policies', () => {
    const u = alice({ perUserMfaState: 'disabled' });
    const cov = run(u, []);
    expect(states(cov)).toEqual(everywhere('none'));
    for (const t of TARGETS) {
      expect(cov[t].mechanisms).toEqual([]);
      expect(cov[t].policies).toEqual([]);
    }
  });

  it('several enforcing policies are all listed', () => {
    const u = alice();
    const p1 = policy('MFA all');
    const p2 = policy('MFA ARM', { applications: { includeApplications: [ARM_ID] } });
    const cov = run(u, [p1, p2]);
    expect(cov.azureManagement.state).toBe('enforced');
    expect(cov.azureManagement.policies).toEqual(expect.arrayContaining([p1.id, p2.id]));
    expect(cov.office365.policies).toEqual([p1.id]);
  });

  it('the best coverage is taken per target: excluded from ARM in one policy, enforced there by another', () => {
    const u = alice();
    const allButArm = policy('All but ARM', { applications: { includeApplications: ['All'], excludeApplications: [ARM_ID] } });
    const armConditional = policy('ARM on risk', { applications: { includeApplications: [ARM_ID] }, conditions: { signInRiskLevels: ['high'] } });
    const cov = run(u, [allButArm, armConditional]);
    expect(states(cov)).toEqual({ azureManagement: 'conditional', azurePortal: 'conditional', adminPortals: 'enforced', office365: 'enforced', anyApp: 'enforced' });
  });

  it('a user excluded from a block policy is not blocked, and MFA from another policy still shows', () => {
    const u = alice();
    const block = policy('Block all but alice', { users: { excludeUsers: [u.id] }, grantControls: grant('OR', ['block']) });
    const mfa = policy('MFA all');
    const cov = run(u, [block, mfa]);
    expect(states(cov)).toEqual(everywhere('enforced'));
    expect(cov.anyApp.policies).toEqual([mfa.id]);
  });

  it('a block that does not reach a target does not block it', () => {
    const u = alice();
    const cov = run(u, [policy('Block O365', { applications: { includeApplications: ['Office365'] }, grantControls: grant('OR', ['block']) })]);
    expect(cov.office365.state).toBe('blocked');
    expect(cov.azureManagement.state).not.toBe('blocked');
    expect(cov.anyApp.state).not.toBe('blocked');
  });

  it('excluded only counts a policy that requires MFA: exclusion from an "MFA OR compliant device" policy is none', () => {
    const u = alice();
    const cov = run(u, [policy('Weak', { users: { excludeUsers: [u.id] }, grantControls: grant('OR', ['mfa', 'compliantDevice']) })]);
    expect(states(cov)).toEqual(everywhere('none'));
  });
});

describe('security defaults', () => {
  it('give enforced on every target for an ordinary user, mechanism securityDefaults', () => {
    const u = alice();
    const cov = run(u, [], { securityDefaults: { isEnabled: true } });
    expect(states(cov)).toEqual(everywhere('enforced'));
    for (const t of TARGETS) {
      expect(cov[t].mechanisms).toEqual(['securityDefaults']);
      expect(cov[t].policies).toEqual([]);
    }
  });

  it('note that Microsoft prompts "when necessary" for ordinary users on non-Azure targets', () => {
    const u = alice();
    const cov = run(u, [], { securityDefaults: { isEnabled: true } });
    for (const t of ['adminPortals', 'office365', 'anyApp'] as const) expect(cov[t].reason).toMatch(/when (it deems it )?necessary/i);
  });

  it('give enforced on every target for holders of security-defaults admin roles, without the "when necessary" caveat', () => {
    const admin = user('admin@contoso.com');
    const cov = run(admin, [], {
      securityDefaults: { isEnabled: true }, roleDefinitions: ROLE_DEFINITIONS, roleAssignments: [activeRole(admin, ROLE.globalAdmin)],
    });
    expect(states(cov)).toEqual(everywhere('enforced'));
    for (const t of TARGETS) {
      expect(cov[t].mechanisms).toEqual(['securityDefaults']);
      expect(cov[t].reason).not.toMatch(/when (it deems it )?necessary/i);
    }
  });

  it('cover guests too', () => {
    const bob = user('bob_fabrikam.com#EXT#@contoso.onmicrosoft.com', { userType: 'Guest', creationType: 'Invitation' });
    expect(states(run(bob, [], { securityDefaults: { isEnabled: true } }))).toEqual(everywhere('enforced'));
  });

  it('off means no coverage from security defaults', () => {
    expect(states(run(alice(), [], { securityDefaults: { isEnabled: false } }))).toEqual(everywhere('none'));
  });

  it('a policy block still beats security defaults', () => {
    const cov = run(alice(), [policy('Block', { grantControls: grant('OR', ['block']) })], { securityDefaults: { isEnabled: true } });
    expect(states(cov)).toEqual(everywhere('blocked'));
  });

  it('beat an exclusion from a CA policy (a user excluded from CA is still covered by security defaults)', () => {
    const u = alice();
    const cov = run(u, [policy('All users', { users: { excludeUsers: [u.id] } })], { securityDefaults: { isEnabled: true } });
    expect(states(cov)).toEqual(everywhere('enforced'));
    expect(cov.anyApp.mechanisms).toEqual(['securityDefaults']);
  });
});

describe('per-user MFA', () => {
  it.each(['enabled', 'enforced'])('users[].perUserMfaState %s → enforced on every target, mechanism perUserMfa', (state) => {
    const cov = run(alice({ perUserMfaState: state }), []);
    expect(states(cov)).toEqual(everywhere('enforced'));
    for (const t of TARGETS) {
      expect(cov[t].mechanisms).toEqual(['perUserMfa']);
      expect(cov[t].policies).toEqual([]);
    }
  });

  it('users[].perUserMfaState disabled → none', () => {
    expect(states(run(alice({ perUserMfaState: 'disabled' }), []))).toEqual(everywhere('none'));
  });

  it.each(['enabled', 'enforced'])('authenticationRequirements map perUserMfaState %s → enforced, mechanism perUserMfa', (state) => {
    const u = alice();
    const cov = run(u, [], { authenticationRequirements: { [u.id]: { perUserMfaState: state } } });
    expect(states(cov)).toEqual(everywhere('enforced'));
    expect(cov.anyApp.mechanisms).toEqual(['perUserMfa']);
  });

  it('authenticationRequirements map perUserMfaState disabled → none', () => {
    const u = alice();
    const cov = run(u, [], { authenticationRequirements: { [u.id]: { perUserMfaState: 'disabled' } } });
    expect(states(cov)).toEqual(everywhere('none'));
  });

  it('authenticationRequirements keys and values are compared case-insensitively', () => {
    const u = alice();
    const cov = run(u, [], { authenticationRequirements: { [u.id.toUpperCase()]: { perUserMfaState: 'Enforced' } } });
    expect(cov.anyApp.state).toBe('enforced');
  });

  it('per-user MFA beats a CA exclusion and a trusted-location bypass', () => {
    const u = alice({ perUserMfaState: 'enforced' });
    const excl = policy('All users', { users: { excludeUsers: [u.id] } });
    const bypass = policy('Except trusted', { conditions: { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } } });
    const cov = run(u, [excl, bypass]);
    expect(states(cov)).toEqual(everywhere('enforced'));
    expect(cov.anyApp.mechanisms).toEqual(['perUserMfa']);
  });

  it('per-user MFA together with an enforcing CA policy lists both mechanisms and the policy', () => {
    const u = alice({ perUserMfaState: 'enabled' });
    const p = policy('MFA all');
    const cov = run(u, [p]);
    expect(cov.anyApp.state).toBe('enforced');
    expect(cov.anyApp.mechanisms).toEqual(expect.arrayContaining(['perUserMfa', 'conditionalAccess']));
    expect(cov.anyApp.policies).toEqual([p.id]);
  });

  it('security defaults and per-user MFA together list both mechanisms', () => {
    const cov = run(alice({ perUserMfaState: 'enforced' }), [], { securityDefaults: { isEnabled: true } });
    expect(cov.anyApp.mechanisms).toEqual(expect.arrayContaining(['perUserMfa', 'securityDefaults']));
  });

  it('an enabled unconditional block beats per-user MFA', () => {
    expect(states(run(alice({ perUserMfaState: 'enforced' }), [policy('Block', { grantControls: grant('OR', ['block']) })]))).toEqual(everywhere('blocked'));
  });
});

describe('explanations', () => {
  it('an excluded cell names the policy and the group path "through group \'A\', nested in \'B\'"', () => {
    const u = alice();
    const contractors = group('Contractors', [memberRef(u)]);
    const exclusions = group('CA-Exclusions', [memberRef(contractors.group, 'group')]);
    const p = policy('CA001 Require MFA for all users', { users: { excludeGroups: [exclusions.group.id] } });
    const cov = run(u, [p], directory(contractors, exclusions));
    for (const t of TARGETS) {
      expect(cov[t].state).toBe('excluded');
      expect(cov[t].policies).toEqual([p.id]);
      expect(cov[t].mechanisms).toEqual(['conditionalAccess']);
      expect(cov[t].reason).toContain('CA001 Require MFA for all users');
      expect(cov[t].reason).toContain("through group 'Contractors', nested in 'CA-Exclusions'");
    }
  });

  it('a three-level path names every group in order', () => {
    const u = alice();
    const team = group('Contractors', [memberRef(u)]);
    const vendors = group('Vendors', [memberRef(team.group, 'group')]);
    const excl = group('CA-Exclusions', [memberRef(vendors.group, 'group')]);
    const cov = run(u, [policy('MFA', { users: { excludeGroups: [excl.group.id] } })], directory(team, vendors, excl));
    expect(cov.anyApp.reason).toContain("through group 'Contractors', nested in 'Vendors', nested in 'CA-Exclusions'");
  });

  it('a direct group exclusion names the group', () => {
    const u = alice();
    const bg = group('Break-glass', [memberRef(u)]);
    const cov = run(u, [policy('MFA', { users: { excludeGroups: [bg.group.id] } })], directory(bg));
    expect(cov.anyApp.reason).toContain("through group 'Break-glass'");
  });

  it('an exclusion through a role names the role', () => {
    const admin = user('admin@contoso.com');
    const p = policy('MFA except GAs', { users: { excludeRoles: [ROLE.globalAdmin] } });
    const cov = run(admin, [p], { roleDefinitions: ROLE_DEFINITIONS, roleAssignments: [activeRole(admin, ROLE.globalAdmin)] });
    expect(cov.anyApp.state).toBe('excluded');
    expect(cov.anyApp.reason).toContain('MFA except GAs');
    expect(cov.anyApp.reason).toContain('Global Administrator');
  });

  it('a conditional cell names the policy and the condition', () => {
    const p = policy('CA050 Risky sign-ins', { conditions: { signInRiskLevels: ['high'] } });
    const cov = run(alice(), [p]);
    expect(cov.anyApp.reason).toContain('CA050 Risky sign-ins');
    expect(cov.anyApp.reason).toMatch(/risk/i);
  });

  it('a trusted-location bypass cell names the policy and the trusted location', () => {
    const hq = ipLocation('Head office', true);
    const p = policy('CA060 MFA off-site', { conditions: { locations: { includeLocations: ['All'], excludeLocations: [hq.id] } } });
    const cov = run(alice(), [p], { namedLocations: [hq] });
    expect(cov.anyApp.state).toBe('trustedLocationBypass');
    expect(cov.anyApp.reason).toContain('CA060 MFA off-site');
    expect(cov.anyApp.reason).toContain('Head office');
  });

  it('an enforced cell names the enforcing policy', () => {
    const p = policy('CA010 MFA everyone');
    expect(run(alice(), [p]).anyApp.reason).toContain('CA010 MFA everyone');
  });

  it('every cell state that needs one carries a one-line reason', () => {
    const u = alice();
    const m = makers(u);
    for (const s of ['conditional', 'reportOnly', 'excluded'] as const) {
      const cov = run(u, [m[s]()]);
      expect(cov.anyApp.state).toBe(s);
      expect(cov.anyApp.reason.trim().length).toBeGreaterThan(0);
      expect(cov.anyApp.reason).not.toContain('\n');
    }
    const none = run(u, []);
    expect(none.anyApp.state).toBe('none');
    expect(none.anyApp.reason.trim().length).toBeGreaterThan(0);
    expect(none.anyApp.reason).not.toContain('\n');
  });

  it('a PIM-eligible admin missed by a role-scoped policy is told why', () => {
    const admin = user('admin@contoso.com');
    const cov = run(admin, [policy('CA002 MFA for admins', { users: { includeUsers: [], includeRoles: [ROLE.globalAdmin] } })], {
      roleDefinitions: ROLE_DEFINITIONS,
      roleEligibilitySchedules: [eligibleRole(admin, ROLE.globalAdmin)],
    });
    expect(cov.anyApp.state).toBe('none');
    expect(cov.anyApp.reason).toContain('CA002 MFA for admins');
    expect(cov.anyApp.reason).toMatch(/eligible/i);
  });
});
