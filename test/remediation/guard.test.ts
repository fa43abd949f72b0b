/**
 * The lock-out guard, attacked: each check is tried the ways a plan or a hand-written policy could
 * slip past it (case, ids vs UPNs, groups, nesting, roles, a changed policy matched by id, report-only
 * policies that would lock out once enabled, UTF-16 files, names where ids belong).
 */
import { describe, expect, it } from 'vitest';
import { whatIf, type WhatIfOptions } from '../../src/remediation/whatif.js';
import { MemorySignInEvidence } from '../../src/evidence/memory.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { GLOBAL_ADMIN, group, memberRef, policy, roleAssignment, snapshot, user } from '../helpers/snapshot-builder.js';

function tenant() {
  const bg = user('BreakGlass1@contoso.com');
  const admin = user('admin@contoso.com');
  const alice = user('alice@contoso.com');
  const inner = group('BG inner', [memberRef(bg)]);
  const outer = group('Tier0 outer', [memberRef(inner.group, 'group')]);
  const exclusions = group('CA exclusions', [memberRef(bg)]);
  const existing = policy('Existing MFA', { users: { excludeUsers: [bg.id] } });
  const snap = snapshot({
    users: [bg, admin, alice],
    groups: [inner.group, outer.group, exclusions.group],
    groupMembers: { [inner.group.id]: inner.members, [outer.group.id]: outer.members, [exclusions.group.id]: exclusions.members },
    roleAssignments: [roleAssignment(bg, GLOBAL_ADMIN), roleAssignment(admin, GLOBAL_ADMIN)],
    roleDefinitions: [{ id: GLOBAL_ADMIN, templateId: GLOBAL_ADMIN, displayName: 'Global Administrator', isBuiltIn: true }],
    conditionalAccessPolicies: [existing],
    userRegistrationDetails: [{ id: bg.id, isMfaCapable: true }, { id: admin.id, isMfaCapable: true }, { id: alice.id, isMfaCapable: true }],
  });
  return { snap, bg, admin, alice, inner, outer, exclusions, existing };
}

const file = (p: unknown, name = 'p.json', encoding: 'utf8' | 'utf16' = 'utf8') => ({
  file: name,
  bytes: encoding === 'utf8' ? Buffer.from(JSON.stringify(p)) : Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(p), 'utf16le')]),
});
const body = (name: string, patch: Parameters<typeof policy>[1] = {}) => {
  const { id: _id, createdDateTime: _c, modifiedDateTime: _m, ...rest } = policy(name, patch);
  return rest;
};
async function check(snap: Snapshot, policies: unknown[], opts: WhatIfOptions, id: string) {
  const r = await whatIf(snap, policies.map((p, i) => (p && typeof p === 'object' && 'bytes' in p ? p as ReturnType<typeof file> : file(p, `p${i}.json`))), opts);
  return { check: r.guard.checks.find((c) => c.id === id)!, result: r };
}

describe('breakglass-untouched', () => {
  const cases: [string, (t: ReturnType<typeof tenant>) => unknown][] = [
    ['all users, no exclusion', () => body('All MFA')],
    ['the account included by object id in upper case', (t) => body('Direct', { users: { includeUsers: [t.bg.id.toUpperCase()] } })],
    ['the account included by its UPN in another case (resolved)', () => body('By UPN', { users: { includeUsers: ['BREAKGLASS1@contoso.COM'] } })],
    ['through a group', (t) => body('Group', { users: { includeUsers: [], includeGroups: [t.inner.group.id] } })],
    ['through nested groups', (t) => body('Nested', { users: { includeUsers: [], includeGroups: [t.outer.group.id] } })],
    ['through a group given by display name', () => body('Group name', { users: { includeUsers: [], includeGroups: ['Tier0 outer'] } })],
    ['through the Global Administrator role it holds', () => body('Role', { users: { includeUsers: [], includeRoles: [GLOBAL_ADMIN] } })],
    ['through the role by display name', () => body('Role name', { users: { includeUsers: [], includeRoles: ['Global Administrator'] } })],
    ['a block policy', () => body('Block', { grantControls: { operator: 'OR', builtInControls: ['block'] } })],
    ['an exclusion by an unresolvable placeholder', () => body('Placeholder', { users: { excludeGroups: ['<EmergencyAccessAccountsGroup>'] } })],
    ['an exclusion of a group the account is not in', (t) => body('Wrong group', { users: { excludeGroups: [t.inner.group.id.replace(/.$/, '0')] } })],
    ['a report-only policy (it locks out once enabled)', () => body('Report-only', { state: 'enabledForReportingButNotEnforced' })],
    ['an authentication strength instead of mfa', () => body('Strength', { grantControls: { operator: 'OR', builtInControls: [], authenticationStrength: { id: '00000000-0000-0000-0000-000000000004' } } })],
  ];
  for (const declared of ['breakglass1@CONTOSO.com', 'ID'] as const) {
    for (const [name, make] of cases) {
      it(`fails: ${name} (declared by ${declared === 'ID' ? 'object id' : 'UPN in another case'})`, async () => {
        const t = tenant();
        const { check: c, result } = await check(t.snap, [make(t)], { breakGlassAccounts: [declared === 'ID' ? t.bg.id.toUpperCase() : declared] }, 'breakglass-untouched');
        expect(c.passed).toBe(false);
        expect(c.actionId).toBe('w1');
        expect(result.guard.passed).toBe(false);
      });
    }
  }

  it('fails: a changed policy whose id matches (in another case) drops the exclusion', async () => {
    const t = tenant();
    const changed = { ...t.existing, id: t.existing.id.toUpperCase(), conditions: { ...t.existing.conditions, users: { includeUsers: ['All'], excludeUsers: [] } } };
    const { check: c, result } = await check(t.snap, [file(changed, 'changed.json', 'utf16')], { breakGlassAccounts: [t.bg.id] }, 'breakglass-untouched');
    expect(result.actions[0]!.kind).toBe('updateCaPolicy');
    expect(c.passed).toBe(false);
  });

  it('passes: excluded directly, through a group, or through nested groups', async () => {
    const t = tenant();
    for (const users of [{ excludeUsers: [t.bg.id] }, { excludeGroups: [t.exclusions.group.id] }, { excludeGroups: [t.outer.group.id] }, { excludeUsers: ['breakglass1@contoso.com'] }]) {
      const { check: c } = await check(t.snap, [body('Safe', { users })], { breakGlassAccounts: ['breakglass1@contoso.com'] }, 'breakglass-untouched');
      expect(c.passed, JSON.stringify(users)).toBe(true);
    }
  });

  it('passes: a policy that neither requires MFA nor blocks', async () => {
    const t = tenant();
    const { check: c } = await check(t.snap, [body('Compliant device', { grantControls: { operator: 'OR', builtInControls: ['compliantDevice'] } })], { breakGlassAccounts: [t.bg.id] }, 'breakglass-untouched');
    expect(c.passed).toBe(true);
  });
});

describe('breakglass-exists', () => {
  const allUsersEnabled = () => body('Everyone', { users: { excludeUsers: ['breakglass1@contoso.com'] } });
  it('fails for enabled tenant-wide enforcement without a declared account, or with one that does not exist or is disabled', async () => {
    const t = tenant();
    expect((await check(t.snap, [allUsersEnabled()], { breakGlassAccounts: [] }, 'breakglass-exists')).check.passed).toBe(false);
    expect((await check(t.snap, [allUsersEnabled()], { breakGlassAccounts: ['ghost@contoso.com'] }, 'breakglass-exists')).check.passed).toBe(false);
    const disabled = { ...t.snap, users: t.snap.users!.map((u) => (u.id === t.bg.id ? { ...u, accountEnabled: false } : u)) };
    expect((await check(disabled, [allUsersEnabled()], { breakGlassAccounts: [t.bg.id] }, 'breakglass-exists')).check.passed).toBe(false);
    expect((await check(t.snap, [allUsersEnabled()], { breakGlassAccounts: [t.bg.id] }, 'breakglass-exists')).check.passed).toBe(true);
  });
  it('does not apply to a report-only or scoped policy', async () => {
    const t = tenant();
    expect((await check(t.snap, [body('RO', { state: 'enabledForReportingButNotEnforced' })], {}, 'breakglass-exists')).check.passed).toBe(true);
    expect((await check(t.snap, [body('Alice', { users: { includeUsers: [t.alice.id] } })], {}, 'breakglass-exists')).check.passed).toBe(true);
  });
});

describe('global-admin-can-sign-in', () => {
  it('fails when every active Global Administrator is blocked, directly or through the role', async () => {
    const t = tenant();
    const blockAll = body('Block everyone', { grantControls: { operator: 'OR', builtInControls: ['block'] } });
    const { check: c } = await check(t.snap, [blockAll], { breakGlassAccounts: [] }, 'global-admin-can-sign-in');
    expect(c.passed).toBe(false);
    const blockRole = body('Block admins', { users: { includeUsers: [], includeRoles: [GLOBAL_ADMIN] }, grantControls: { operator: 'OR', builtInControls: ['block'] } });
    expect((await check(t.snap, [blockRole], {}, 'global-admin-can-sign-in')).check.passed).toBe(false);
    // One Global Administrator excluded (not MFA-prompted, not blocked) is enough.
    const blockButOne = body('Block but admin', { users: { excludeUsers: [t.admin.id] }, grantControls: { operator: 'OR', builtInControls: ['block'] } });
    expect((await check(t.snap, [blockButOne], {}, 'global-admin-can-sign-in')).check.passed).toBe(true);
  });
  it('fails when MFA is required of Global Administrators none of whom is MFA capable', async () => {
    const t = tenant();
    const notCapable = { ...t.snap, userRegistrationDetails: t.snap.userRegistrationDetails!.map((r) => ({ ...r, isMfaCapable: false })) };
    expect((await check(notCapable, [body('MFA all')], {}, 'global-admin-can-sign-in')).check.passed).toBe(false);
    expect((await check(t.snap, [body('MFA all')], {}, 'global-admin-can-sign-in')).check.passed).toBe(true);
  });
});

describe('block-impact-accepted', () => {
  const signIns = (userId: string, n: number, clientAppUsed = 'Browser') => Array.from({ length: n }, (_, i) => ({
    id: `s${userId}${clientAppUsed}${i}`, createdDateTime: `2026-10-2${i % 9}T10:00:00Z`, userId, userPrincipalName: 'x', appId: 'app-1', appDisplayName: 'Payroll',
    status: { errorCode: 0 }, authenticationRequirement: 'singleFactorAuthentication', isInteractive: true, clientAppUsed, userType: 'member',
  }));
  it('withholds an enabled block with sign-ins in the window unless --accept-impact names it (in any case)', async () => {
    const t = tenant();
    const evidence = new MemorySignInEvidence([...signIns(t.alice.id, 3), ...signIns(t.alice.id, 2, 'Exchange ActiveSync')] as never);
    const block = body('Block alice', { users: { includeUsers: [t.alice.id] }, grantControls: { operator: 'OR', builtInControls: ['block'] } });
    const refused = await check(t.snap, [block], { evidence }, 'block-impact-accepted');
    expect(refused.check.passed).toBe(false);
    expect(refused.check.detail).toMatch(/w1 would have blocked 5/);
    expect((await check(t.snap, [block], { evidence, acceptImpact: ['W1'] }, 'block-impact-accepted')).check.passed).toBe(true);
    expect((await check(t.snap, [block], { evidence, acceptImpact: ['w2'] }, 'block-impact-accepted')).check.passed).toBe(false);
    // A legacy-authentication block counts the legacy sign-ins it blocks (the engine itself ignores legacy-only policies).
    const legacy = body('Block legacy', { conditions: { clientAppTypes: ['exchangeActiveSync', 'other'] }, users: { excludeUsers: [t.bg.id] }, grantControls: { operator: 'OR', builtInControls: ['block'] } });
    const l = await check(t.snap, [legacy], { evidence }, 'block-impact-accepted');
    expect(l.result.actions[0]!.impact!.signIns!.blocked.perApp).toEqual([{ appId: 'legacy:Exchange ActiveSync', appDisplayName: 'Exchange ActiveSync', signIns: 2 }]);
    expect(l.check.passed).toBe(false);
    // Report-only blocks nothing.
    const ro = await check(t.snap, [{ ...block, state: 'enabledForReportingButNotEnforced' }], { evidence }, 'block-impact-accepted');
    expect(ro.check.passed).toBe(true);
  });
});

