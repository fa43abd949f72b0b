/**
 * The lock-out guard in apply (spec/remediation.md: "plan and apply both refuse, exit 4, naming the
 * check"; "the tenant may have changed between them"). A plan that passed its guard when it was made
 * is applied after the tenant changed, or after the plan file was edited by hand: apply reads the
 * tenant again through the library's collect (TLS emulator, client-secret sign-in, the same path as
 * `mfaguard apply`) and refuses before the first write, naming the check.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../devkit/emulator/index.js';
import { applyPlan, GuardRefusal, readAudit, readTenantForGuard } from '../../src/app/apply.js';
import { openGraphSession, type GraphSession, type SessionOptions } from '../../src/app/graph-session.js';
import { assessActions } from '../../src/remediation/plan.js';
import { templateBody } from '../../src/remediation/templates.js';
import type { Plan, PlanAction } from '../../src/remediation/types.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { GLOBAL_ADMIN, policy, roleAssignment, snapshot, user } from '../helpers/snapshot-builder.js';

const BG_UPN = 'breakglass1@contoso.com';

function tenant() {
  const bg = user(BG_UPN);
  const admin = user('admin@contoso.com');
  const alice = user('alice@contoso.com');
  // A report-only all-users policy that excludes the break-glass account: enabling it is tenant-wide enforcement.
  const pilot = policy('Pilot: MFA for all users', { state: 'enabledForReportingButNotEnforced', users: { excludeUsers: [bg.id] } });
  const snap = snapshot({
    users: [bg, admin, alice],
    roleAssignments: [roleAssignment(admin, GLOBAL_ADMIN)],
    roleDefinitions: [{ id: GLOBAL_ADMIN, templateId: GLOBAL_ADMIN, displayName: 'Global Administrator', isBuiltIn: true }],
    conditionalAccessPolicies: [pilot],
    userRegistrationDetails: [bg, admin, alice].map((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName, isMfaCapable: true, isMfaRegistered: true, methodsRegistered: ['microsoftAuthenticatorPush'] })),
  });
  return { snap, bg, admin, alice, pilot };
}

/** A plan as `mfaguard plan` writes it: the actions assessed on the snapshot, the guard passed. */
async function makePlan(snap: Snapshot, actions: PlanAction[]): Promise<Plan> {
  const assessed = await assessActions(snap, actions, { breakGlassAccounts: [BG_UPN] });
  expect(assessed.guard.passed, JSON.stringify(assessed.guard.checks)).toBe(true);
  return { mfaguardPlan: 1, tenantId: snap.tenant.id, createdAt: '2026-11-01T00:00:00Z', snapshotCollectedAt: snap.collectedAt, actions: assessed.actions, guard: assessed.guard, breakGlassAccounts: [BG_UPN], acceptedImpact: [] };
}

let emu: EmulatorHandle;
let t: ReturnType<typeof tenant>;
let s: GraphSession;
let conn: SessionOptions;
let stateDir: string;
beforeEach(async () => {
  t = tenant();
  emu = await startEmulator({ snapshot: t.snap, port: 0, tls: true, limits: 'none' });
  conn = {
    auth: 'client-secret', tenant: emu.tenantId, clientId: emu.clientId, env: { ...process.env, AZURE_CLIENT_SECRET: emu.clientSecret },
    authorityHost: emu.authorityHost, graphEndpoint: emu.graphUrl, armEndpoint: emu.armUrl, ca: [emu.ca!], timeoutMs: 10_000,
  };
  s = await openGraphSession(conn);
  stateDir = mkdtempSync(join(tmpdir(), 'mfaguard-apply-guard-'));
});
afterEach(async () => {
  s.close();
  await emu.close();
});

const enablePilot = (): PlanAction => ({ id: 'a1', kind: 'enableCaPolicy', target: t.pilot.id, before: { ...t.pilot }, after: { state: 'enabled' }, because: [] });
const run = (plan: Plan, breakGlassAccounts: string[] = []) => applyPlan(plan, {
  api: s.api, tenantId: s.tenantId, operator: s.operator, stateDir, retryDelayMs: 5,
  liveGuard: { readTenant: () => readTenantForGuard({ ...conn, credential: s.credential, tenant: s.tenantId }), breakGlassAccounts },
});
const livePilotState = () => (emu.currentSnapshot().conditionalAccessPolicies ?? []).find((p) => p.id === t.pilot.id)?.state;

async function refused(plan: Plan, check: string, breakGlassAccounts: string[] = []) {
  const err = await run(plan, breakGlassAccounts).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(GuardRefusal);
  expect((err as GuardRefusal).checks).toContain(check);
  expect((err as GuardRefusal).message).toContain('on the tenant as it is now');
  // Nothing was written and nothing was recorded as applied.
  expect(emu.stats().writes).toEqual([]);
  expect(readAudit(stateDir).filter((r) => r.result === 'applied')).toEqual([]);
  return err as GuardRefusal;
}

describe('apply re-runs the lock-out guard on the tenant as it is now', () => {
  it('an unchanged tenant: the guard passes and the plan applies', async () => {
    const plan = await makePlan(t.snap, [enablePilot()]);
    const r = await run(plan);
    expect(r.completed).toBe(true);
    expect(livePilotState()).toBe('enabled');
  });

  it('the break-glass account was disabled after the plan: breakglass-exists', async () => {
    const plan = await makePlan(t.snap, [enablePilot()]);
    emu.mutate.updateUser(t.bg.id, { accountEnabled: false });
    const err = await refused(plan, 'breakglass-exists');
    expect(err.message).toContain('a1');
    expect(livePilotState()).toBe('enabledForReportingButNotEnforced');
  });

  it('the break-glass account was deleted after the plan: breakglass-exists', async () => {
    const plan = await makePlan(t.snap, [enablePilot()]);
    emu.mutate.deleteUser(t.bg.id, { permanent: true });
    await refused(plan, 'breakglass-exists');
    expect(livePilotState()).toBe('enabledForReportingButNotEnforced');
  });

  it('the only Global Administrator lost MFA capability after the plan: global-admin-can-sign-in', async () => {
    const plan = await makePlan(t.snap, [enablePilot()]);
    emu.mutate.setRegistration(t.admin.id, { id: t.admin.id, userPrincipalName: t.admin.userPrincipalName, isMfaCapable: false, isMfaRegistered: false, methodsRegistered: [] });
    await refused(plan, 'global-admin-can-sign-in');
  });

  it('a created report-only policy is read as enabled: the Global Administrator without MFA capability refuses it too', async () => {
    const plan = await makePlan(t.snap, [{ id: 'a1', kind: 'createCaPolicy', template: 'mfa-all-users', target: 'x', before: null, after: templateBody('mfa-all-users', { breakGlassIds: [t.bg.id] }), because: [] }]);
    emu.mutate.setRegistration(t.admin.id, { id: t.admin.id, isMfaCapable: false, methodsRegistered: [] });
    await refused(plan, 'global-admin-can-sign-in');
    expect(emu.currentSnapshot().conditionalAccessPolicies).toHaveLength(1);
  });

  it('a hand-edited plan whose per-user MFA action now targets the break-glass account: breakglass-untouched', async () => {
    const plan = await makePlan(t.snap, [{ id: 'a1', kind: 'setPerUserMfa', target: t.alice.id, before: { perUserMfaState: 'disabled' }, after: { perUserMfaState: 'enabled' }, because: [] }]);
    const edited: Plan = JSON.parse(JSON.stringify(plan));
    edited.actions[0]!.target = t.bg.id;
    await refused(edited, 'breakglass-untouched');
  });

  it('a hand-edited plan whose policy body lost the break-glass exclusion (and its list of accounts): the configuration still protects it', async () => {
    const plan = await makePlan(t.snap, [{ id: 'a1', kind: 'createCaPolicy', template: 'mfa-all-users', target: 'x', before: null, after: templateBody('mfa-all-users', { breakGlassIds: [t.bg.id] }), because: [] }]);
    const edited: Plan = JSON.parse(JSON.stringify(plan));
    const users = (edited.actions[0]!.after.conditions as { users: { excludeUsers: string[] } }).users;
    users.excludeUsers = [];
    delete edited.breakGlassAccounts;
    const err = await refused(edited, 'breakglass-untouched', [BG_UPN.toUpperCase()]);
    expect(err.message).toContain(BG_UPN);
  });

  it('a hand-edited plan that un-withholds an action: the guard still sees it', async () => {
    const plan = await makePlan(t.snap, [{ id: 'a1', kind: 'enableSecurityDefaults', target: 'identitySecurityDefaultsEnforcementPolicy', before: { isEnabled: false }, after: { isEnabled: true }, because: [], withheld: 'test' }]);
    const edited: Plan = JSON.parse(JSON.stringify(plan));
    delete edited.actions[0]!.withheld;
    emu.mutate.updateUser(t.bg.id, { accountEnabled: false });
    await refused(edited, 'breakglass-exists');
  });
});
