/**
 * Missing data (snapshot.md "Rules for readers", coverage engine contract): when a collection the
 * verdict depends on is listed in `unavailable` or absent, the reported state is the pessimistic one
 * and the cell carries `uncertain` with the optimistic state and the missing collection named. A
 * missing permission never turns into a healthy cell; a gap the verdict does not depend on changes
 * nothing.
 */
import { describe, expect, it } from 'vitest';
import type { CoverageCell } from '../../src/coverage/types.js';
import type { ConditionalAccessPolicy, GraphUser, Snapshot } from '../../src/snapshot/types.js';
import { isHealthy } from '../../src/coverage/types.js';
import { coverageOf, group, memberRef, policy, snapshot, user } from '../helpers/snapshot-builder.js';
import { ROLE, ROLE_DEFINITIONS, TARGETS, activeRole, customStrength, directory, failed, ipLocation, states, everywhere, strengthGrant } from '../helpers/coverage.js';

/** A user whose per-user MFA state is known (disabled), so only the gap under test matters. */
const known = (upn = 'alice@contoso.com') => user(upn, { perUserMfaState: 'disabled' });

function run(u: GraphUser, policies: ConditionalAccessPolicy[], patch: Partial<Snapshot>) {
  return coverageOf(snapshot({ users: [u], conditionalAccessPolicies: policies, ...patch }), u);
}

function expectUncertain(cell: CoverageCell, reported: string, optimistic: string, collection: string) {
  expect(cell.state).toBe(reported);
  expect(cell.uncertain).toBeDefined();
  expect(cell.uncertain!.optimisticState).toBe(optimistic);
  expect(cell.uncertain!.missing.join(' | ')).toContain(collection);
}

describe('the verdict depends on the missing collection → pessimistic state + uncertain', () => {
  it('groupMembers unavailable, policy includes a group → none (could be enforced)', () => {
    const u = known();
    const g = group('MFA users', [memberRef(u)]);
    const cov = run(u, [policy('Group MFA', { users: { includeUsers: [], includeGroups: [g.group.id] } })], {
      groups: [g.group], ...failed('groupMembers'),
    });
    for (const t of TARGETS) expectUncertain(cov[t], 'none', 'enforced', 'groupMembers');
  });

  it('groupMembers absent (not collected), policy includes a group → none (could be enforced)', () => {
    const u = known();
    const g = group('MFA users', [memberRef(u)]);
    const cov = run(u, [policy('Group MFA', { users: { includeUsers: [], includeGroups: [g.group.id] } })], {
      groups: [g.group], groupMembers: undefined,
    });
    expectUncertain(cov.anyApp, 'none', 'enforced', 'groupMembers');
  });

  it('groupMembers unavailable, All-users policy excludes a group → excluded, never enforced', () => {
    const u = known();
    const g = group('Exclusions', []);
    const cov = run(u, [policy('All users', { users: { excludeGroups: [g.group.id] } })], { groups: [g.group], ...failed('groupMembers') });
    for (const t of TARGETS) {
      expectUncertain(cov[t], 'excluded', 'enforced', 'groupMembers');
      expect(isHealthy(cov[t].state)).toBe(false);
    }
  });

  it('roleAssignments unavailable, role-scoped policy → none (could be enforced)', () => {
    const u = known('admin@contoso.com');
    const cov = run(u, [policy('Admins MFA', { users: { includeUsers: [], includeRoles: [ROLE.globalAdmin] } })], {
      roleDefinitions: ROLE_DEFINITIONS, ...failed('roleAssignments'),
    });
    expectUncertain(cov.azureManagement, 'none', 'enforced', 'roleAssignments');
  });

  it('roleAssignments absent, All-users policy excludes a role → excluded (could be enforced)', () => {
    const u = known();
    const cov = run(u, [policy('All but GAs', { users: { excludeRoles: [ROLE.globalAdmin] } })], {
      roleDefinitions: ROLE_DEFINITIONS, roleAssignments: undefined,
    });
    expectUncertain(cov.anyApp, 'excluded', 'enforced', 'roleAssignments');
  });

  it('authenticationStrengthPolicies unavailable, policy references a custom strength by id → none (could be enforced)', () => {
    const u = known();
    const custom = customStrength('Custom FIDO2', ['fido2']);
    const cov = run(u, [policy('Strength MFA', { grantControls: strengthGrant({ id: custom.id }) })], failed('authenticationStrengthPolicies'));
    for (const t of TARGETS) expectUncertain(cov[t], 'none', 'enforced', 'authenticationStrengthPolicies');
  });

  it('namedLocations unavailable, policy excludes a named location → conditional (could be trustedLocationBypass)', () => {
    const u = known();
    const hq = ipLocation('HQ', true);
    const cov = run(u, [policy('MFA off-site', { conditions: { locations: { includeLocations: ['All'], excludeLocations: [hq.id] } } })], failed('namedLocations'));
    expectUncertain(cov.anyApp, 'conditional', 'trustedLocationBypass', 'namedLocations');
    expect(isHealthy(cov.anyApp.state)).toBe(false);
  });

  it('securityDefaults unavailable, no CA coverage → none (could be enforced)', () => {
    const u = known();
    const cov = run(u, [], failed('securityDefaults'));
    for (const t of TARGETS) expectUncertain(cov[t], 'none', 'enforced', 'securityDefaults');
  });

  it('conditionalAccessPolicies unavailable → none (could be enforced)', () => {
    const u = known();
    const cov = coverageOf(snapshot({ users: [u], ...failed('conditionalAccessPolicies') }), u);
    for (const t of TARGETS) expectUncertain(cov[t], 'none', 'enforced', 'conditionalAccessPolicies');
  });

  it('conditionalAccessPolicies absent → none (could be enforced)', () => {
    const u = known();
    const cov = coverageOf(snapshot({ users: [u], conditionalAccessPolicies: undefined }), u);
    expectUncertain(cov.anyApp, 'none', 'enforced', 'conditionalAccessPolicies');
  });

  it('authenticationRequirements unavailable and users[] lacks perUserMfaState → none (could be enforced)', () => {
    const u = user('alice@contoso.com');
    const cov = run(u, [], failed('authenticationRequirements'));
    for (const t of TARGETS) expectUncertain(cov[t], 'none', 'enforced', 'authenticationRequirements');
  });

  // Deliberate reading (README "What a verdict means"): a snapshot with no per-user MFA state anywhere
  // reads it as disabled — it can only add findings, never a false healthy — and the reason says so.
  it('authenticationRequirements absent and users[] lacks perUserMfaState → none, read as disabled, and the reason says it was not collected', () => {
    const u = user('alice@contoso.com');
    const cov = run(u, [], { authenticationRequirements: undefined });
    expect(cov.anyApp.state).toBe('none');
    expect(cov.anyApp.uncertain).toBeUndefined();
    expect(cov.anyApp.reason).toContain('per-user MFA state was not collected (read as disabled)');
  });

  it('two gaps that both matter are both named', () => {
    const u = known('admin@contoso.com');
    const cov = run(u, [policy('Admins MFA', { users: { includeUsers: [], includeRoles: [ROLE.globalAdmin] } })], {
      roleDefinitions: ROLE_DEFINITIONS, ...failed('roleAssignments', 'securityDefaults'),
    });
    expectUncertain(cov.anyApp, 'none', 'enforced', 'roleAssignments');
    expect(cov.anyApp.uncertain!.missing.join(' | ')).toContain('securityDefaults');
  });

  it('a gap can only lower the reported state: an admin included by role with roleAssignments missing is not enforced', () => {
    const u = known('admin@contoso.com');
    const cov = run(u, [policy('Admins MFA', { users: { includeUsers: [], includeRoles: [ROLE.globalAdmin] } })], {
      roleDefinitions: ROLE_DEFINITIONS, ...failed('roleAssignments'),
    });
    expect(states(cov)).toEqual(everywhere('none'));
  });
});

describe('the verdict does not depend on the missing collection → no uncertainty', () => {
  it('groupMembers unavailable but the policy targets All users with no group conditions', () => {
    const u = known();
    const cov = run(u, [policy('All users')], failed('groupMembers'));
    for (const t of TARGETS) {
      expect(cov[t].state).toBe('enforced');
      expect(cov[t].uncertain).toBeUndefined();
    }
  });

  it('roleAssignments unavailable but security defaults are on', () => {
    const u = known();
    const cov = run(u, [], { securityDefaults: { isEnabled: true }, ...failed('roleAssignments') });
    for (const t of TARGETS) {
      expect(cov[t].state).toBe('enforced');
      expect(cov[t].uncertain).toBeUndefined();
    }
  });

  it('securityDefaults unavailable but per-user MFA is enforced', () => {
    const u = user('alice@contoso.com', { perUserMfaState: 'enforced' });
    const cov = run(u, [], failed('securityDefaults'));
    expect(cov.anyApp.state).toBe('enforced');
    expect(cov.anyApp.uncertain).toBeUndefined();
  });

  it('securityDefaults unavailable but a CA policy enforces MFA', () => {
    const u = known();
    const cov = run(u, [policy('All users')], failed('securityDefaults'));
    expect(cov.anyApp.state).toBe('enforced');
    expect(cov.anyApp.uncertain).toBeUndefined();
  });

  it('authenticationRequirements unavailable but users[].perUserMfaState is present', () => {
    const u = known();
    const cov = run(u, [policy('All users')], failed('authenticationRequirements'));
    expect(cov.anyApp.state).toBe('enforced');
    expect(cov.anyApp.uncertain).toBeUndefined();
    const cov2 = run(known(), [], failed('authenticationRequirements'));
    expect(cov2.anyApp.state).toBe('none');
    expect(cov2.anyApp.uncertain).toBeUndefined();
  });

  it('authenticationStrengthPolicies unavailable but the strength is expanded inline', () => {
    const u = known();
    const custom = customStrength('Custom FIDO2', ['fido2']);
    const cov = run(u, [policy('Strength MFA', { grantControls: strengthGrant(custom) })], failed('authenticationStrengthPolicies'));
    expect(cov.anyApp.state).toBe('enforced');
    expect(cov.anyApp.uncertain).toBeUndefined();
  });

  it('namedLocations unavailable but the policy excludes only AllTrusted', () => {
    const u = known();
    const cov = run(u, [policy('MFA off-site', { conditions: { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } } })], failed('namedLocations'));
    expect(cov.anyApp.state).toBe('trustedLocationBypass');
    expect(cov.anyApp.uncertain).toBeUndefined();
  });

  it('roleEligibilitySchedules unavailable: eligibility never matches a role condition, so nothing depends on it', () => {
    const u = known('admin@contoso.com');
    const cov = run(u, [policy('Admins MFA', { users: { includeUsers: [], includeRoles: [ROLE.globalAdmin] } })], {
      roleDefinitions: ROLE_DEFINITIONS, roleAssignments: [activeRole(u, ROLE.globalAdmin)], ...failed('roleEligibilitySchedules'),
    });
    expect(cov.anyApp.state).toBe('enforced');
    expect(cov.anyApp.uncertain).toBeUndefined();
  });

  it('userRegistrationDetails unavailable: registration never decides coverage', () => {
    const u = known();
    const cov = run(u, [], failed('userRegistrationDetails'));
    expect(cov.anyApp.state).toBe('none');
    expect(cov.anyApp.uncertain).toBeUndefined();
  });

  it('an unconditional enforcing policy is not undermined by an unresolvable second policy', () => {
    const u = known();
    const g = group('Some group', [memberRef(u)]);
    const cov = run(u, [policy('All users'), policy('Group MFA', { users: { includeUsers: [], includeGroups: [g.group.id] } })], {
      ...directory(g), ...failed('groupMembers'),
    });
    expect(cov.anyApp.state).toBe('enforced');
    expect(cov.anyApp.uncertain).toBeUndefined();
  });
});
