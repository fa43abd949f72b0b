/**
 * Acceptance, written from spec/remediation.md alone (held-out style): small tenants built for each
 * "when proposed" row, the plan file's fields (`before` null for creates, `after` the exact body),
 * impact counts, each guard check failing for its reason, then apply → scan → rollback → scan against
 * the emulator through the public library API, and canaries: no secret or token in plans, reviews or
 * audit logs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../devkit/emulator/index.js';
import {
  applyPlan, GuardRefusal, openGraphSession, planRemediation, readTenantForGuard, renderReview, REVIEW_FORMATS, rollbackRun, scan, whatIfPolicyFiles,
  type Plan, type PlanAction,
} from '../../src/index.js';
import { MemorySignInEvidence } from '../../src/evidence/memory.js';
import { ARM, GLOBAL_ADMIN, OWNER_ROLE, azureAssignment, policy, roleAssignment, snapshot, user } from '../helpers/snapshot-builder.js';

const REPORT_ONLY = 'enabledForReportingButNotEnforced';
const dir = mkdtempSync(join(tmpdir(), 'mfaguard-acceptance-remediation-'));

/** A P1 tenant (it has Conditional Access) with gaps: nothing requires MFA of everyone, Azure management or admins, no legacy block. */
function p1Tenant() {
  const bg = user('bg@contoso.com');
  const admin = user('admin@contoso.com');
  const alice = user('alice@contoso.com');
  const bob = user('bob@contoso.com'); // not MFA capable
  // A report-only pilot for everyone but the break-glass account.
  const pilot = policy('Pilot: MFA everyone', { state: REPORT_ONLY, users: { excludeUsers: [bg.id] } });
  // Something enabled that requires MFA of nobody in particular (so the tenant is "P1, CA in use").
  const guests = policy('Guests MFA', { users: { includeUsers: [], includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest', externalTenants: { membershipKind: 'all' } } as never } });
  const snap = snapshot({
    users: [bg, admin, alice, bob],
    roleAssignments: [roleAssignment(admin, GLOBAL_ADMIN), roleAssignment(bg, GLOBAL_ADMIN)],
    roleDefinitions: [{ id: GLOBAL_ADMIN, templateId: GLOBAL_ADMIN, displayName: 'Global Administrator', isBuiltIn: true }],
    conditionalAccessPolicies: [pilot, guests],
    // Every tenant has Microsoft's built-in strengths (the emulator, like Graph, refuses a policy naming one that does not exist).
    authenticationStrengthPolicies: [{ id: '00000000-0000-0000-0000-000000000004', displayName: 'Phishing-resistant MFA', policyType: 'builtIn', requirementsSatisfied: 'mfa', allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor'] }] as never,
    userRegistrationDetails: [
      ...[bg, admin, alice].map((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName, isMfaCapable: true, isMfaRegistered: true, methodsRegistered: ['microsoftAuthenticatorPush'] })),
      { id: bob.id, userPrincipalName: bob.userPrincipalName, isMfaCapable: false, isMfaRegistered: false, methodsRegistered: [] },
    ],
  });
  return { snap, bg, admin, alice, bob, pilot };
}

/** A tenant without Conditional Access and security defaults off: no P1 evidence. */
function freeTenant(opts: { adminCapable?: boolean } = {}) {
  const bg = user('bg@fabrikam.com');
  const admin = user('admin@fabrikam.com');
  const carol = user('carol@fabrikam.com');
  const snap = snapshot({
    users: [bg, admin, carol],
    roleAssignments: [roleAssignment(admin, GLOBAL_ADMIN)],
    roleDefinitions: [{ id: GLOBAL_ADMIN, templateId: GLOBAL_ADMIN, displayName: 'Global Administrator', isBuiltIn: true }],
    securityDefaults: { isEnabled: false },
    userRegistrationDetails: [
      { id: bg.id, userPrincipalName: bg.userPrincipalName, isMfaCapable: true, isMfaRegistered: true, methodsRegistered: ['fido2'] },
      { id: admin.id, userPrincipalName: admin.userPrincipalName, isMfaCapable: opts.adminCapable ?? true, isMfaRegistered: opts.adminCapable ?? true, methodsRegistered: opts.adminCapable === false ? [] : ['microsoftAuthenticatorPush'] },
      { id: carol.id, userPrincipalName: carol.userPrincipalName, isMfaCapable: true, isMfaRegistered: true, methodsRegistered: ['microsoftAuthenticatorPush'] },
    ],
  });
  return { snap, bg, admin, carol };
}

const ofKind = (plan: Plan, kind: string) => plan.actions.filter((a) => a.kind === kind);
const check = (plan: { guard: Plan['guard'] }, id: string) => plan.guard.checks.find((c) => c.id === id)!;
const users = (a: PlanAction) => (a.after.conditions as { users: { includeUsers?: string[]; excludeUsers?: string[]; includeRoles?: string[] } }).users;

describe('plan: what is proposed, and the plan file', () => {
  it('a P1 tenant: report-only policies from the templates, each excluding the break-glass account; before null, after the body', async () => {
    const t = p1Tenant();
    const { plan } = await planRemediation({ source: { snapshot: t.snap }, breakGlassAccounts: ['BG@contoso.com'] });
    expect(plan).toMatchObject({ mfaguardPlan: 1, tenantId: t.snap.tenant.id, snapshotCollectedAt: t.snap.collectedAt });
    expect(typeof plan.createdAt).toBe('string');
    const creates = ofKind(plan, 'createCaPolicy');
    expect(creates.length).toBeGreaterThanOrEqual(3);
    for (const a of creates) {
      expect(a.before).toBeNull();
      expect(a.after.state).toBe(REPORT_ONLY);
      expect(users(a).excludeUsers).toContain(t.bg.id);
      expect(a.because.length).toBeGreaterThan(0);
      expect(a.id).toMatch(/^a\d+$/);
    }
    const bodies = creates.map((a) => a.after);
    // MFA for all users and all resources.
    expect(bodies.some((b) => users({ after: b } as PlanAction).includeUsers?.includes('All') && JSON.stringify((b.conditions as { applications: unknown }).applications).includes('"All"') && JSON.stringify(b.grantControls).includes('mfa'))).toBe(true);
    // (MFA for Azure management is proposed from Azure findings: see the next test.)
    // Phishing-resistant strength for administrators (the privileged role held in the tenant).
    expect(bodies.some((b) => JSON.stringify(b.grantControls).includes('00000000-0000-0000-0000-000000000004') && JSON.stringify(users({ after: b } as PlanAction)).includes(GLOBAL_ADMIN))).toBe(true);
    // Block legacy authentication.
    expect(bodies.some((b) => JSON.stringify(b.grantControls).includes('block') && JSON.stringify((b.conditions as { clientAppTypes: string[] }).clientAppTypes).includes('exchangeActiveSync'))).toBe(true);
    // Users not MFA capable: the registration campaign.
    expect(ofKind(plan, 'registrationCampaign')).toHaveLength(1);
    // No security defaults in a tenant with Conditional Access, no per-user MFA unless asked for.
    expect(ofKind(plan, 'enableSecurityDefaults')).toHaveLength(0);
    expect(ofKind(plan, 'setPerUserMfa')).toHaveLength(0);
    expect(plan.guard.passed).toBe(true);
    expect(plan.guard.checks.map((c) => c.id).sort()).toEqual(['block-impact-accepted', 'breakglass-exists', 'breakglass-untouched', 'global-admin-can-sign-in']);
  });

  it('Azure access without MFA for Azure management: the Azure management template', async () => {
    const t = p1Tenant();
    const sub = '/subscriptions/60ab6dc6-0000-4000-8000-000000000001';
    const snap = { ...t.snap, subscriptions: [{ id: sub, subscriptionId: sub.split('/')[2]!, displayName: 'Prod', state: 'Enabled' }], azureRoleAssignments: [azureAssignment(t.alice, OWNER_ROLE, sub)] } as typeof t.snap;
    const { plan } = await planRemediation({ source: { snapshot: snap }, breakGlassAccounts: [t.bg.userPrincipalName!] });
    const arm = ofKind(plan, 'createCaPolicy').find((a) => JSON.stringify((a.after.conditions as { applications: unknown }).applications).includes(ARM));
    expect(arm).toBeDefined();
    expect(arm!.before).toBeNull();
    expect(arm!.after.state).toBe(REPORT_ONLY);
    expect(users(arm!).excludeUsers).toContain(t.bg.id);
  });

  it('impact: the MFA-for-everyone policy, read as enabled, newly prompts the one user who is not MFA capable (and never the break-glass account)', async () => {
    const t = p1Tenant();
    const { plan } = await planRemediation({ source: { snapshot: t.snap }, breakGlassAccounts: [t.bg.userPrincipalName!] });
    const all = ofKind(plan, 'createCaPolicy').find((a) => users(a).includeUsers?.includes('All') && !JSON.stringify(a.after.grantControls).includes('block'))!;
    const impact = all.impact!.ifEnabled ?? all.impact!;
    expect(impact.newlyRequiredNotMfaCapable.userIds.map((x) => x.toLowerCase())).toContain(t.bob.id.toLowerCase());
    expect(impact.newlyRequiredNotMfaCapable.userIds.map((x) => x.toLowerCase())).not.toContain(t.bg.id.toLowerCase());
    expect(impact.newlyBlocked.count).toBe(0);
    // Without sign-ins the plan says which figures it could not compute.
    expect(all.impact!.notComputed.join(' ')).toMatch(/sign-in/i);
  });

  it('a report-only policy: enableCaPolicy, withheld while it would prompt users who are not MFA capable', async () => {
    const t = p1Tenant();
    const { plan } = await planRemediation({ source: { snapshot: t.snap }, breakGlassAccounts: [t.bg.userPrincipalName!] });
    const enable = ofKind(plan, 'enableCaPolicy');
    expect(enable.map((a) => a.target)).toEqual([t.pilot.id]);
    expect(enable[0]!.after).toEqual({ state: 'enabled' });
    expect(enable[0]!.before).toMatchObject({ id: t.pilot.id, state: REPORT_ONLY });
    expect(enable[0]!.withheld).toBeTruthy();
  });

  it('no Conditional Access and no P1 evidence: enableSecurityDefaults; --only setPerUserMfa: per-user MFA, never for the break-glass account', async () => {
    const t = freeTenant();
    const { plan } = await planRemediation({ source: { snapshot: t.snap }, breakGlassAccounts: [t.bg.id] });
    const sd = ofKind(plan, 'enableSecurityDefaults');
    expect(sd).toHaveLength(1);
    expect(sd[0]!.after).toEqual({ isEnabled: true });
    expect(sd[0]!.before).toMatchObject({ isEnabled: false });
    expect(ofKind(plan, 'createCaPolicy')).toHaveLength(0);
    expect(check(plan, 'breakglass-exists').passed).toBe(true);

    const { plan: perUser } = await planRemediation({ source: { snapshot: t.snap }, breakGlassAccounts: [t.bg.id], only: ['setPerUserMfa'] });
    expect(perUser.actions.length).toBeGreaterThan(0);
    for (const a of perUser.actions) {
      expect(a.kind).toBe('setPerUserMfa');
      expect(a.after).toEqual({ perUserMfaState: 'enabled' });
      expect(a.target.toLowerCase()).not.toBe(t.bg.id.toLowerCase());
    }
  });
});

describe('the lock-out guard, each check', () => {
  it('breakglass-untouched: a policy that would require MFA of a break-glass account (whatif, exit-4 verdict)', async () => {
    const t = p1Tenant();
    const file = join(dir, 'everyone.json');
    writeFileSync(file, JSON.stringify({ displayName: 'Everyone', state: 'enabled', conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'] } }, grantControls: { operator: 'OR', builtInControls: ['mfa'] } }));
    const r = await whatIfPolicyFiles({ source: { snapshot: t.snap }, breakGlassAccounts: [t.bg.userPrincipalName!], policyFiles: [file] });
    expect(r.guard.passed).toBe(false);
    expect(check(r, 'breakglass-untouched').passed).toBe(false);
    expect(check(r, 'breakglass-untouched').detail).toContain(t.bg.userPrincipalName!);
  });

  it('breakglass-exists: tenant-wide enforcement without a declared break-glass account that exists and is enabled', async () => {
    const t = freeTenant();
    const none = await planRemediation({ source: { snapshot: t.snap } });
    expect(ofKind(none.plan, 'enableSecurityDefaults')).toHaveLength(1);
    expect(check(none.plan, 'breakglass-exists').passed).toBe(false);
    const missing = await planRemediation({ source: { snapshot: t.snap }, breakGlassAccounts: ['nobody@fabrikam.com'] });
    expect(check(missing.plan, 'breakglass-exists').passed).toBe(false);
    const disabled = freeTenant();
    disabled.bg.accountEnabled = false;
    const off = await planRemediation({ source: { snapshot: disabled.snap }, breakGlassAccounts: [disabled.bg.userPrincipalName!] });
    expect(check(off.plan, 'breakglass-exists').passed).toBe(false);
  });

  it('global-admin-can-sign-in: security defaults when the only Global Administrator is not MFA capable', async () => {
    const t = freeTenant({ adminCapable: false });
    const { plan } = await planRemediation({ source: { snapshot: t.snap }, breakGlassAccounts: [t.bg.userPrincipalName!] });
    expect(ofKind(plan, 'enableSecurityDefaults')).toHaveLength(1);
    expect(check(plan, 'global-admin-can-sign-in').passed).toBe(false);
    expect(plan.guard.passed).toBe(false);
  });

  it('block-impact-accepted: a block that would block successful sign-ins of the window is refused unless accepted by its action id', async () => {
    const t = p1Tenant();
    const signIns = [1, 2, 3].map((i) => ({
      id: `00000000-0000-4000-8000-00000000000${i}`, createdDateTime: `2026-10-2${i}T10:00:00Z`, userId: t.alice.id, userPrincipalName: t.alice.userPrincipalName,
      appId: '00000002-0000-0ff1-ce00-000000000000', appDisplayName: 'Office 365 Exchange Online', clientAppUsed: 'Exchange ActiveSync', isInteractive: true,
      status: { errorCode: 0 }, conditionalAccessStatus: 'notApplied', authenticationRequirement: 'singleFactorAuthentication', signInEventTypes: ['interactiveUser'],
      resourceId: '00000002-0000-0ff1-ce00-000000000000', appliedConditionalAccessPolicies: [],
    }));
    const evidence = new MemorySignInEvidence(signIns);
    const file = join(dir, 'block-legacy.json');
    writeFileSync(file, JSON.stringify({ displayName: 'Block legacy', state: 'enabled', conditions: { clientAppTypes: ['exchangeActiveSync', 'other'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], excludeUsers: [t.bg.id] } }, grantControls: { operator: 'OR', builtInControls: ['block'] } }));
    const refused = await whatIfPolicyFiles({ source: { snapshot: t.snap }, breakGlassAccounts: [t.bg.userPrincipalName!], evidence, policyFiles: [file] });
    const c = check(refused, 'block-impact-accepted');
    expect(c.passed).toBe(false);
    const id = c.actionId!;
    expect(refused.actions.find((a) => a.id === id)!.impact!.signIns!.blocked.total).toBe(3);
    const accepted = await whatIfPolicyFiles({ source: { snapshot: t.snap }, breakGlassAccounts: [t.bg.userPrincipalName!], evidence, policyFiles: [file], acceptImpact: [id] });
    expect(check(accepted, 'block-impact-accepted').passed).toBe(true);
    expect(accepted.guard.passed).toBe(true);
  });
});

describe('apply → scan → rollback → scan against the emulator', () => {
  it('the created policies are seen by a scan, rollback removes them; the guard runs again in apply; no secret anywhere', async () => {
    const t = p1Tenant();
    const emu = await startEmulator({ snapshot: t.snap, port: 0, tls: true, limits: 'none' });
    const conn = {
      auth: 'client-secret' as const, tenant: emu.tenantId, clientId: emu.clientId, env: { ...process.env, AZURE_CLIENT_SECRET: emu.clientSecret },
      authorityHost: emu.authorityHost, graphEndpoint: emu.graphUrl, armEndpoint: emu.armUrl, ca: [emu.ca!], timeoutMs: 10_000,
    };
    const s = await openGraphSession(conn);
    try {
      const collectOpts = { ...conn, quiet: true, logSink: { write: () => undefined }, signIns: 'off' as const };
      const scanNow = async () => (await scan({ source: { collect: collectOpts }, state: false })).report;
      const before = await scanNow();
      const { plan } = await planRemediation({ source: { snapshot: t.snap }, breakGlassAccounts: [t.bg.userPrincipalName!], only: ['createCaPolicy'] });
      const stateDir = join(dir, 'state');
      const auditLog = join(dir, 'siem.jsonl');
      const opts = { api: s.api, tenantId: s.tenantId, operator: s.operator, stateDir, auditLog, retryDelayMs: 5 };
      const run = await applyPlan(plan, { ...opts, liveGuard: { readTenant: () => readTenantForGuard({ ...conn, credential: s.credential }) } });
      expect(run.completed, JSON.stringify(run.records.map((r) => [r.actionId, r.result, r.message]))).toBe(true);
      const created = run.records.filter((r) => r.result === 'applied').map((r) => r.objectId!);
      expect(created).toHaveLength(plan.actions.length);

      const after = await scanNow();
      // The scan sees the report-only policies in users' coverage (the policies each cell names).
      const mentioned = (r: typeof before) => JSON.stringify(r.principals).toLowerCase();
      expect(created.some((id) => mentioned(after).includes(id.toLowerCase()))).toBe(true);
      expect(emu.currentSnapshot().conditionalAccessPolicies!.filter((p) => created.includes(p.id)).every((p) => p.state === REPORT_ONLY)).toBe(true);

      // The same plan again: nothing changes.
      const again = await applyPlan(plan, { ...opts, liveGuard: { readTenant: () => readTenantForGuard({ ...conn, credential: s.credential }) } });
      expect(again.records.every((r) => r.result === 'unchanged')).toBe(true);

      const rb = await rollbackRun(run.runId, opts);
      expect(rb.completed).toBe(true);
      const restored = await scanNow();
      for (const id of created) expect(mentioned(restored).includes(id.toLowerCase())).toBe(false);
      expect(restored.findings.map((f) => `${f.ruleId} ${f.resourceId} ${f.status}`).sort()).toEqual(before.findings.map((f) => `${f.ruleId} ${f.resourceId} ${f.status}`).sort());

      // A plan whose guard failed is refused by apply too.
      const bad: Plan = { ...plan, guard: { passed: false, checks: [{ id: 'breakglass-untouched', passed: false, detail: 'x' }] } };
      await expect(applyPlan(bad, { ...opts, liveGuard: { readTenant: () => readTenantForGuard({ ...conn, credential: s.credential }) } })).rejects.toBeInstanceOf(GuardRefusal);

      // Canaries: the client secret and any token never appear in the plan, its reviews or the audit logs.
      const token = emu.issueToken({ resource: 'graph' });
      const texts = [
        JSON.stringify(plan), ...REVIEW_FORMATS.map((f) => renderReview({ title: 'plan', tenantId: plan.tenantId, actions: plan.actions, guard: plan.guard, json: plan }, f)),
        readFileSync(join(stateDir, 'audit.jsonl'), 'utf8'), readFileSync(auditLog, 'utf8'),
      ];
      for (const text of texts) {
        expect(text).not.toContain(emu.clientSecret);
        expect(text).not.toContain(token.split('.')[0]! + '.' + token.split('.')[1]!);
        expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
        expect(text).not.toMatch(/client_secret|access_token|Bearer /i);
      }
    } finally {
      s.close();
      await emu.close();
    }
  }, 120_000);
});

