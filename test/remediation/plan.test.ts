/** The pure remediation core: templates, applyActionToSnapshot, what-if impact and plan building. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateSnapshot } from '../../src/evaluate.js';
import { applyActionToSnapshot } from '../../src/remediation/apply-snapshot.js';
import { buildPlan } from '../../src/remediation/plan.js';
import { evaluateCoverage, computeImpact } from '../../src/remediation/impact.js';
import { templateBody, REPORT_ONLY, PHISHING_RESISTANT_STRENGTH } from '../../src/remediation/templates.js';
import { MemorySignInEvidence } from '../../src/evidence/memory.js';
import { indexReportOnlyResults } from '../../src/remediation/report-only.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { DEMO } from '../cli/run.js';
import { ARM, GLOBAL_ADMIN, policy, roleAssignment, snapshot, user } from '../helpers/snapshot-builder.js';

function tenant() {
  const alice = user('alice@contoso.com');
  const bob = user('bob@contoso.com');
  const admin = user('admin@contoso.com');
  const eligible = user('eligible@contoso.com');
  const bg = user('BreakGlass1@contoso.com');
  const snap = snapshot({
    users: [alice, bob, admin, eligible, bg],
    roleAssignments: [roleAssignment(admin, GLOBAL_ADMIN), roleAssignment(bg, GLOBAL_ADMIN)],
    roleEligibilitySchedules: [{ ...roleAssignment(eligible, GLOBAL_ADMIN), status: 'Provisioned' }],
    conditionalAccessPolicies: [policy('Legacy MFA for Office', { applications: { includeApplications: ['Office365'] }, users: { includeUsers: [], includeGroups: ['00000000-0000-0000-0000-00000000dead'] } })],
    userRegistrationDetails: [
      { id: alice.id, isMfaCapable: true }, { id: bob.id, isMfaCapable: false }, { id: admin.id, isMfaCapable: true },
      { id: eligible.id, isMfaCapable: true }, { id: bg.id, isMfaCapable: true },
    ],
  });
  return { snap, alice, bob, admin, eligible, bg };
}

describe('templates', () => {
  it('are report-only, exclude every break-glass id, and use only Graph properties', () => {
    for (const t of ['mfa-all-users', 'mfa-azure-management', 'phishing-resistant-admins', 'block-legacy-authentication'] as const) {
      const body = templateBody(t, { breakGlassIds: ['bg1', 'bg2'], adminRoles: [GLOBAL_ADMIN], eligibleUsers: ['u1'] });
      expect(body.state).toBe(REPORT_ONLY);
      expect((body.conditions as { users: { excludeUsers: string[] } }).users.excludeUsers).toEqual(['bg1', 'bg2']);
      expect(Object.keys(body).sort()).toEqual(['conditions', 'description', 'displayName', 'grantControls', 'state']);
    }
    const admins = templateBody('phishing-resistant-admins', { breakGlassIds: [], adminRoles: [GLOBAL_ADMIN], eligibleUsers: ['u1'] });
    expect(admins.grantControls).toEqual({ operator: 'OR', builtInControls: [], authenticationStrength: { id: PHISHING_RESISTANT_STRENGTH } });
    expect((admins.conditions as { users: { includeUsers: string[] } }).users.includeUsers).toEqual(['u1']);
    const arm = templateBody('mfa-azure-management', { breakGlassIds: [] });
    expect((arm.conditions as { applications: { includeApplications: string[] } }).applications.includeApplications).toEqual([ARM]);
  });
});

describe('applyActionToSnapshot', () => {
  it('edits only what the action changes and never the input', () => {
    const { snap, bob } = tenant();
    const frozen = JSON.stringify(snap);
    const created = applyActionToSnapshot(snap, { id: 'a1', kind: 'createCaPolicy', target: 'x', after: templateBody('mfa-all-users', { breakGlassIds: [] }) });
    expect(created.conditionalAccessPolicies).toHaveLength(2);
    expect(created.users).toBe(snap.users);
    const perUser = applyActionToSnapshot(snap, { id: 'a2', kind: 'setPerUserMfa', target: bob.id, after: { perUserMfaState: 'enabled' } });
    expect(perUser.authenticationRequirements?.[bob.id]?.perUserMfaState).toBe('enabled');
    const sd = applyActionToSnapshot(snap, { id: 'a3', kind: 'enableSecurityDefaults', target: 's', after: { isEnabled: true } });
    expect(sd.securityDefaults?.isEnabled).toBe(true);
    const pid = snap.conditionalAccessPolicies![0]!.id;
    const enabled = applyActionToSnapshot(snap, { id: 'a4', kind: 'enableCaPolicy', target: pid.toUpperCase(), after: { state: 'disabled' } });
    expect(enabled.conditionalAccessPolicies![0]!.state).toBe('disabled');
    expect(enabled.conditionalAccessPolicies![0]!.id).toBe(pid);
    expect(JSON.stringify(snap)).toBe(frozen);
  });
});

describe('what-if impact', () => {
  it('counts users whose state changes per target, newly prompted users not MFA capable, and says what it could not compute', async () => {
    const { snap, bob, alice } = tenant();
    const before = evaluateCoverage(snap);
    const body = { ...templateBody('mfa-all-users', { breakGlassIds: [] }), state: 'enabled' };
    const after = evaluateCoverage(applyActionToSnapshot(snap, { id: 'a1', kind: 'createCaPolicy', target: 'x', after: body }));
    const impact = await computeImpact({ before, after, evaluatedAs: 'asApplied' });
    expect(impact.targets.anyApp!.transitions).toEqual([{ from: 'none', to: 'enforced', count: 5, userIds: expect.arrayContaining([alice.id, bob.id]) }]);
    expect(impact.newlyRequiredNotMfaCapable).toEqual({ count: 1, userIds: [bob.id] });
    expect(impact.newlyBlocked.count).toBe(0);
    expect(impact.signIns).toBeUndefined();
    expect(impact.notComputed.join(' ')).toMatch(/no sign-in evidence/);
  });

  it('with evidence, counts the window sign-ins that would have been challenged and blocked, per app', async () => {
    const { snap, bob, alice } = tenant();
    const signIn = (u: { id: string; userPrincipalName?: string | null }, appId: string, appDisplayName: string, extra: Record<string, unknown> = {}) => ({
      id: `${u.id}-${appId}-${Math.random()}`, createdDateTime: '2026-10-20T10:00:00Z', userId: u.id, userPrincipalName: u.userPrincipalName,
      appId, appDisplayName, status: { errorCode: 0 }, authenticationRequirement: 'singleFactorAuthentication', isInteractive: true,
      clientAppUsed: 'Browser', userType: 'member', ...extra,
    });
    const evidence = new MemorySignInEvidence([
      signIn(bob, 'app-1', 'Payroll'), signIn(bob, 'app-1', 'Payroll'), signIn(alice, 'app-2', 'Wiki'),
      signIn(alice, 'app-2', 'Wiki', { authenticationRequirement: 'multiFactorAuthentication' }),
    ] as never);
    const before = evaluateCoverage(snap);
    const mfa: Record<string, unknown> = { ...templateBody('mfa-all-users', { breakGlassIds: [] }), state: 'enabled' };
    const after = evaluateCoverage(applyActionToSnapshot(snap, { id: 'a1', kind: 'createCaPolicy', target: 'x', after: mfa }));
    const impact = await computeImpact({ before, after, evaluatedAs: 'asApplied', evidence });
    expect(impact.signIns!.challenged).toEqual({ total: 3, perApp: [{ appId: 'app-1', appDisplayName: 'Payroll', signIns: 2 }, { appId: 'app-2', appDisplayName: 'Wiki', signIns: 1 }] });
    expect(impact.signIns!.blocked.total).toBe(0);

    const block = { ...(mfa as Record<string, unknown>), grantControls: { operator: 'OR', builtInControls: ['block'] }, conditions: { ...(mfa.conditions as object), users: { includeUsers: [bob.id] } } };
    const blocked = evaluateCoverage(applyActionToSnapshot(snap, { id: 'a2', kind: 'createCaPolicy', target: 'x', after: block }));
    const bi = await computeImpact({ before, after: blocked, evaluatedAs: 'asApplied', evidence });
    expect(bi.newlyBlocked).toEqual({ count: 1, userIds: [bob.id] });
    expect(bi.signIns!.blocked).toEqual({ total: 2, perApp: [{ appId: 'app-1', appDisplayName: 'Payroll', signIns: 2 }] });
  });
});

describe('buildPlan', () => {
  it('proposes the templates from the findings, each with its because, impact and the guard', async () => {
    const { snap, bg, eligible } = tenant();
    const { findings } = evaluateSnapshot(snap);
    const { plan } = await buildPlan(snap, findings, { config: { breakGlassAccounts: ['breakglass1@CONTOSO.com'] }, now: '2026-11-02T00:00:00Z' });
    expect(plan).toMatchObject({ mfaguardPlan: 1, tenantId: snap.tenant.id, createdAt: '2026-11-02T00:00:00Z', snapshotCollectedAt: snap.collectedAt });
    const templates = plan.actions.filter((a) => a.kind === 'createCaPolicy').map((a) => a.template);
    expect(templates).toEqual(['mfa-all-users', 'mfa-azure-management', 'phishing-resistant-admins', 'block-legacy-authentication']);
    for (const a of plan.actions.filter((x) => x.kind === 'createCaPolicy')) {
      expect(a.before).toBeNull();
      expect(a.because.length).toBeGreaterThan(0);
      expect(((a.after.conditions as { users: { excludeUsers: string[] } }).users.excludeUsers)).toEqual([bg.id]);
      expect(a.impact!.ifEnabled).toBeDefined();
    }
    const campaign = plan.actions.find((a) => a.kind === 'registrationCampaign')!;
    expect(JSON.stringify(campaign.after)).toContain(bg.id);
    const admins = plan.actions.find((a) => a.template === 'phishing-resistant-admins')!;
    expect((admins.after.conditions as { users: { includeUsers: string[] } }).users.includeUsers).toEqual([eligible.id]);
    expect(plan.guard.checks.map((c) => c.id)).toEqual(['breakglass-untouched', 'breakglass-exists', 'global-admin-can-sign-in', 'block-impact-accepted']);
    expect(plan.guard.passed).toBe(true);
    // JSON round trip: the plan file is plain data.
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('--only keeps the named kinds; setPerUserMfa is proposed only when asked, never for a break-glass account', async () => {
    const { snap, bg } = tenant();
    const { findings } = evaluateSnapshot(snap);
    const { plan } = await buildPlan(snap, findings, { only: ['setPerUserMfa'], config: { breakGlassAccounts: [bg.id] } });
    expect(new Set(plan.actions.map((a) => a.kind))).toEqual(new Set(['setPerUserMfa']));
    expect(plan.actions.map((a) => a.target)).not.toContain(bg.id);
    expect(plan.actions.every((a) => a.after.perUserMfaState === 'enabled')).toBe(true);
    const { plan: none } = await buildPlan(snap, findings, {});
    expect(none.actions.some((a) => a.kind === 'setPerUserMfa')).toBe(false);
  });

  it('without Conditional Access proposes security defaults, refused by the guard without a break-glass account', async () => {
    const { snap } = tenant();
    const noCa: Snapshot = { ...snap, conditionalAccessPolicies: [] };
    const { findings } = evaluateSnapshot(noCa);
    const { plan } = await buildPlan(noCa, findings, {});
    expect(plan.actions.map((a) => a.kind)).toContain('enableSecurityDefaults');
    expect(plan.actions.some((a) => a.kind === 'createCaPolicy')).toBe(false);
    expect(plan.guard.passed).toBe(false);
    expect(plan.guard.checks.find((c) => c.id === 'breakglass-exists')!.passed).toBe(false);
  });

  it('enableCaPolicy is withheld while users it would prompt are not MFA capable', async () => {
    const { snap, bob } = tenant();
    const ro = policy('Everyone MFA (report-only)', { state: REPORT_ONLY });
    const s = { ...snap, conditionalAccessPolicies: [ro] };
    const { findings } = evaluateSnapshot(s);
    const { plan } = await buildPlan(s, findings, { only: ['enableCaPolicy'], config: { breakGlassAccounts: [] } });
    const enable = plan.actions.find((a) => a.kind === 'enableCaPolicy')!;
    expect(enable.target).toBe(ro.id);
    expect(enable.after).toEqual({ state: 'enabled' });
    expect(enable.impact!.newlyRequiredNotMfaCapable.userIds).toEqual([bob.id]);
    expect(enable.withheld).toMatch(/not MFA capable/);
  });

  it('with report-only sign-in results, enableCaPolicy is withheld exactly when users who are not MFA capable had reportOnlyFailure / reportOnlyInterrupted', async () => {
    const { snap, bob, alice } = tenant();
    const ro = policy('Everyone MFA (report-only)', { state: REPORT_ONLY });
    const s = { ...snap, conditionalAccessPolicies: [ro] };
    const { findings } = evaluateSnapshot(s);
    const signIn = (u: { id: string; userPrincipalName?: string | null }, result: string) => ({
      userId: u.id, userPrincipalName: u.userPrincipalName, appliedConditionalAccessPolicies: [{ id: ro.id.toUpperCase(), result }, { id: 'other', result: 'reportOnlyFailure' }],
    });
    const withBob = indexReportOnlyResults([signIn(alice, 'reportOnlyFailure'), signIn(bob, 'reportOnlyInterrupted')]);
    const refused = (await buildPlan(s, findings, { only: ['enableCaPolicy'], reportOnly: withBob })).plan.actions[0]!;
    expect(refused.withheld).toMatch(/not MFA capable: bob@contoso.com$/);
    // Only an MFA-capable user failed in report-only: the evidence says enabling is safe.
    const onlyAlice = indexReportOnlyResults([signIn(alice, 'reportOnlyFailure'), signIn(bob, 'reportOnlySuccess')]);
    expect((await buildPlan(s, findings, { only: ['enableCaPolicy'], reportOnly: onlyAlice })).plan.actions[0]!.withheld).toBeUndefined();
  });

  it('on the demo tenant: a plan with every action explained', async () => {
    const demo = JSON.parse(readFileSync(DEMO, 'utf8')) as Snapshot;
    const { findings } = evaluateSnapshot(demo);
    const { plan } = await buildPlan(demo, findings, { config: { breakGlassAccounts: [] } });
    expect(plan.actions.length).toBeGreaterThan(0);
    for (const a of plan.actions) expect(a.impact).toBeDefined();
  });
});

