/**
 * The bundled demo tenant (demo/tenant.json, built by devkit/demo/, `npm run demo:build`). Every expectation
 * below is derived from spec/coverage.md and spec/rules.md by hand (see demo/README.md
 * for the reasoning per story account), not from running the engine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../src/snapshot/load.js';
import { DirectoryModel } from '../src/snapshot/model.js';
import { evaluateUser, prepareEngine, type EngineContext } from '../src/coverage/engine.js';
import type { CoverageState, Target, UserCoverage } from '../src/coverage/types.js';
import type { ConditionalAccessPolicy, GraphUser, Snapshot } from '../src/snapshot/types.js';

const DEMO = fileURLToPath(new URL('../demo/tenant.json', import.meta.url));
const BUILDER = fileURLToPath(new URL('../devkit/bin/build-demo.js', import.meta.url));
const D = '@northwindtraders.com';

const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const PRIVILEGED_ROLE_ADMIN = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
const SECURITY_ADMIN = '194ae4cb-b126-40b2-bd5b-6091b380977d';
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const EXCHANGE_ADMIN = '29232cdf-9323-42fd-ade2-1d097af3e4de';
const REPORTS_READER = '4a5d8f65-41da-4de4-8968-e035b65339cf';

let snapshot: Snapshot;
let warnings: string[];
let model: DirectoryModel;
let ctx: EngineContext;

beforeAll(async () => {
  const loaded = await loadSnapshot(DEMO);
  snapshot = loaded.snapshot;
  warnings = loaded.warnings;
  model = new DirectoryModel(snapshot);
  ctx = prepareEngine(model);
});

function userByUpn(upn: string): GraphUser {
  const u = snapshot.users!.find((x) => x.userPrincipalName?.toLowerCase() === upn.toLowerCase());
  if (!u) throw new Error(`no user ${upn} in the demo tenant`);
  return u;
}
const coverageOf = (upn: string): UserCoverage => evaluateUser(ctx, userByUpn(upn)).coverage;
function policyNamed(prefix: string): ConditionalAccessPolicy {
  const p = snapshot.conditionalAccessPolicies!.find((x) => x.displayName?.startsWith(prefix));
  if (!p) throw new Error(`no CA policy ${prefix}`);
  return p;
}
function groupNamed(name: string) {
  const g = snapshot.groups!.find((x) => x.displayName === name);
  if (!g) throw new Error(`no group ${name}`);
  return g;
}
const guestUpn = (home: string) => `${home.replace('@', '_')}#EXT#@northwindtraders.onmicrosoft.com`;

// ---------------------------------------------------------------------------------------------

describe('demo tenant: file and shape', () => {
  it('is what the devkit demo builder produces (deterministic, up to date)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfaguard-demo-'));
    try {
      const out = join(dir, 'tenant.json');
      execFileSync(process.execPath, [BUILDER, out], { stdio: 'pipe' });
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(DEMO, 'utf8'));
      // and beside it the week-later state (mfaguard demo --later), a change against it
      expect(readFileSync(join(dir, 'tenant.later.json'), 'utf8')).toBe(readFileSync(join(dirname(DEMO), 'tenant.later.json'), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads cleanly as a version-1 single-file snapshot of Northwind Traders', () => {
    expect(warnings).toEqual([]);
    expect(snapshot.mfaguardSnapshot).toBe(1);
    expect(snapshot.tenant.displayName).toBe('Northwind Traders');
    expect(snapshot.tenant.defaultDomain).toBe('northwindtraders.onmicrosoft.com');
    expect(snapshot.tenant.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(snapshot.collectedAt).toBe('2026-11-01T08:00:00Z');
    expect(snapshot.unavailable).toEqual({});
    expect(snapshot.securityDefaults?.isEnabled).toBe(false);
  });

  it('has every collection of snapshot.md, sign-ins with their window included', () => {
    const keys = ['users', 'groups', 'groupMembers', 'servicePrincipals', 'roleDefinitions', 'roleAssignments', 'roleEligibilitySchedules',
      'subscriptions', 'azureRoleDefinitions', 'azureRoleAssignments', 'classicAdministrators', 'conditionalAccessPolicies', 'namedLocations',
      'authenticationStrengthPolicies', 'securityDefaults', 'authenticationRequirements', 'userRegistrationDetails', 'authenticationMethods'] as const;
    for (const k of keys) {
      expect(snapshot[k], k).toBeDefined();
      expect(model.has(k), k).toBe(true);
    }
    expect(snapshot.signIns!.length).toBeGreaterThan(1000);
    expect(snapshot.signInsWindow).toEqual({ from: '2026-10-02T08:00:00.000Z', to: '2026-11-01T08:00:00.000Z' });
  });

  it('has about 150 users: members, guests, disabled accounts', () => {
    const us = snapshot.users!;
    expect(us.length).toBeGreaterThanOrEqual(140);
    expect(us.length).toBeLessThanOrEqual(160);
    expect(new Set(us.map((u) => u.id)).size).toBe(us.length);
    expect(new Set(us.map((u) => u.userPrincipalName!.toLowerCase())).size).toBe(us.length);
    const members = us.filter((u) => u.userType === 'Member' && !u.userPrincipalName!.includes('#EXT#'));
    expect(members.every((u) => u.userPrincipalName!.endsWith(D))).toBe(true);
    const external = us.filter((u) => u.userPrincipalName!.includes('#EXT#'));
    const guests = us.filter((u) => u.userType === 'Guest');
    expect(guests.length + external.filter((u) => u.userType === 'Member').length).toBeGreaterThanOrEqual(7);
    expect(guests.length + external.filter((u) => u.userType === 'Member').length).toBeLessThanOrEqual(9);
    for (const g of external) {
      expect(g.creationType).toBe('Invitation');
      expect(g.identities?.some((i) => i.issuer === 'ExternalAzureAD')).toBe(true);
    }
    const disabled = us.filter((u) => u.accountEnabled === false);
    expect(disabled.length).toBeGreaterThanOrEqual(3);
    expect(disabled.length).toBeLessThanOrEqual(4);
  });

  it('classifies guests as coverage.md says', () => {
    expect(model.guestKind(userByUpn(guestUpn('ana.trujillo@fabrikam.com')))).toBe('b2bCollaborationGuest');
    expect(model.guestKind(userByUpn(guestUpn('lena.schmidt@contoso.com')))).toBe('b2bCollaborationMember');
    expect(model.guestKind(userByUpn(`temp.auditor${D}`))).toBe('internalGuest');
    expect(model.guestKind(userByUpn(`nancy.davolio${D}`))).toBeNull();
    const kinds = snapshot.users!.map((u) => model.guestKind(u)).filter((k) => k !== null);
    expect(kinds.filter((k) => k === 'b2bCollaborationMember')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'internalGuest')).toHaveLength(1);
  });

  it('has the CA policies of the story, in beta shape, with ids and dates', () => {
    const ps = snapshot.conditionalAccessPolicies!;
    expect(ps.length).toBeGreaterThanOrEqual(12);
    expect(ps.length).toBeLessThanOrEqual(15);
    for (const p of ps) {
      expect(p.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(p.createdDateTime).toBeTruthy();
      expect(p.modifiedDateTime).toBeTruthy();
      expect(p.conditions?.users && 'includeGuestsOrExternalUsers' in p.conditions.users).toBe(true);
    }
    expect(ps.filter((p) => p.state === 'enabledForReportingButNotEnforced').map((p) => p.displayName)).toEqual(['CA08 Require MFA for guests (pilot)']);
    expect(ps.filter((p) => p.state === 'disabled')).toHaveLength(1);
    expect(policyNamed('CA08').createdDateTime!.startsWith('2025-')).toBe(true);
    expect(policyNamed('CA09').grantControls).toBeNull();
    // (c) strength referenced by id only, defined as a custom strength
    const strength = policyNamed('CA03').grantControls!.authenticationStrength!;
    expect(Object.keys(strength)).toEqual(['id']);
    const def = snapshot.authenticationStrengthPolicies!.find((s) => s.id === strength.id)!;
    expect(def.policyType).toBe('custom');
    expect(def.requirementsSatisfied).toBe('mfa');
    // trusted IP location + (untrusted) country location
    expect(snapshot.namedLocations!.map((l) => [l['@odata.type'], l.isTrusted ?? null])).toEqual([
      ['#microsoft.graph.ipNamedLocation', true],
      ['#microsoft.graph.countryNamedLocation', null],
    ]);
  });

  it('nests groups at depth >= 3 and tolerates the nesting cycle', () => {
    const liam = userByUpn(`liam.oconnor${D}`);
    const path = model.groupPath(liam.id, groupNamed('CA-Exclusions').id).map((g) => model.groupName(g));
    expect(path).toEqual(['Depot-Leeds', 'Field-Engineers-North', 'Field-Engineers', 'CA-Exclusions']);
    const giovanni = userByUpn(`giovanni.rovelli${D}`);
    const groups = [...model.transitiveGroups(giovanni.id)].map((g) => model.groupName(g));
    expect(groups).toEqual(expect.arrayContaining(['Sales-EMEA-Partners-Desk', 'Sales-EMEA', 'Sales', 'Northwind-All-Staff', 'CA-Exclusions']));
    // the cycle: Sales-EMEA and Sales-EMEA-Partners-Desk contain each other
    expect(model.transitiveGroups(groupNamed('Sales-EMEA').id).has(groupNamed('Sales-EMEA').id)).toBe(true);
    expect(model.transitiveUserMembers(groupNamed('Sales').id).has(giovanni.id)).toBe(true);
  });

  it('holds per-user MFA state and registration data as described', () => {
    const states = snapshot.users!.map((u) => model.perUserMfaState(u).state);
    const legacy = states.filter((s) => s === 'enabled' || s === 'enforced');
    expect(legacy.length).toBeGreaterThanOrEqual(4);
    expect(legacy.length).toBeLessThanOrEqual(8);
    expect(model.perUserMfaState(userByUpn(`michael.suyama${D}`)).state).toBe('enforced');
    expect(model.perUserMfaState(userByUpn(`yuki.tanaka${D}`)).state).toBe('enabled');
    for (const u of snapshot.users!) expect(snapshot.authenticationRequirements![u.id]!.perUserMfaState).toBe(u.perUserMfaState);
    const enabled = snapshot.users!.filter((u) => u.accountEnabled !== false);
    expect(snapshot.userRegistrationDetails!.map((r) => r.id).sort()).toEqual(enabled.map((u) => u.id).sort());
    expect(snapshot.userRegistrationDetails!.filter((r) => r.isMfaCapable === false).length).toBeGreaterThan(5);
    const reg = (upn: string) => model.registrationById.get(userByUpn(upn).id)!;
    expect(reg(`breakglass1${D}`).isMfaCapable).toBe(true);
    expect(reg(`breakglass2${D}`).isMfaCapable).toBe(false);
    expect(reg(`svc-deploy${D}`).isMfaCapable).toBe(false);
    expect(reg(`yuki.tanaka${D}`).isMfaCapable).toBe(false);
    expect(reg(`laura.callahan${D}`).isMfaCapable).toBe(true);
    const methods = (upn: string) => snapshot.authenticationMethods![userByUpn(upn).id]!.map((m) => m['@odata.type']);
    expect(methods(`breakglass1${D}`)).toEqual(['#microsoft.graph.passwordAuthenticationMethod', '#microsoft.graph.fido2AuthenticationMethod']);
    expect(methods(`breakglass2${D}`)).toEqual(['#microsoft.graph.passwordAuthenticationMethod']);
  });

  it('has directory roles: GA through a role-assignable group, an AU-scoped role, PIM eligibility', () => {
    const tier0 = groupNamed('Tier0-Global-Admins');
    expect(tier0.isAssignableToRole).toBe(true);
    expect(snapshot.roleAssignments!.some((a) => a.principalId === tier0.id && a.roleDefinitionId === GLOBAL_ADMIN && a.directoryScopeId === '/')).toBe(true);
    expect(snapshot.roleAssignments!.filter((a) => a.directoryScopeId?.startsWith('/administrativeUnits/'))).toHaveLength(1);
    expect(snapshot.roleDefinitions!.every((d) => typeof d.isPrivileged === 'boolean')).toBe(true);
    const expired = snapshot.roleEligibilitySchedules!.filter((e) => Date.parse(e.scheduleInfo?.expiration?.endDateTime ?? '9999-12-31') < Date.parse(snapshot.collectedAt));
    expect(expired).toHaveLength(1);
  });

  it('has Azure subscriptions, built-in and custom role definitions, assignments at every scope', () => {
    expect(snapshot.subscriptions!.length).toBeGreaterThanOrEqual(2);
    expect(snapshot.subscriptions!.length).toBeLessThanOrEqual(3);
    const names = snapshot.azureRoleDefinitions!.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining([
      '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'b24988ac-6180-42a0-ab88-20f7382dd24c', 'acdd72a7-3385-48ef-bd42-f606fba81ae7', '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
    ]));
    expect(snapshot.azureRoleDefinitions!.filter((d) => d.properties?.type === 'CustomRole').map((d) => d.properties!.roleName).sort())
      .toEqual(['Northwind Cost Reader', 'Northwind VM Operator']);
    const scopes = snapshot.azureRoleAssignments!.map((a) => a.properties.scope!);
    expect(scopes.some((s) => s.startsWith('/providers/Microsoft.Management/managementGroups/'))).toBe(true);
    expect(scopes.some((s) => /^\/subscriptions\/[^/]+$/.test(s))).toBe(true);
    expect(scopes.some((s) => /\/resourceGroups\/[^/]+$/.test(s))).toBe(true);
    expect(snapshot.azureRoleAssignments!.some((a) => a.properties.principalType === 'ServicePrincipal')).toBe(true);
    expect(snapshot.classicAdministrators!.map((c) => c.properties.role).sort()).toEqual(['CoAdministrator', 'ServiceAdministrator;AccountAdministrator']);
    expect(model.azure.unmatchedClassicAdmins).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Story accounts: expected coverage per target (derived from coverage.md; see demo/README.md)
// ---------------------------------------------------------------------------------------------

const E: CoverageState = 'enforced';
const X: CoverageState = 'excluded';
const B: CoverageState = 'trustedLocationBypass';
const C: CoverageState = 'conditional';
const R: CoverageState = 'reportOnly';
const K: CoverageState = 'blocked';

/** [azureManagement, azurePortal, adminPortals, office365, anyApp] */
const STORIES: [string, string, [CoverageState, CoverageState, CoverageState, CoverageState, CoverageState]][] = [
  [`nancy.davolio${D}`, 'baseline: CA01 covers her (CA05 OR grant is irrelevant)', [E, E, E, E, E]],
  [`giovanni.rovelli${D}`, 'excluded from CA01; CA05 "mfa OR compliantDevice" does not require MFA; CA04 covers portals', [X, E, E, X, X]],
  [`michael.suyama${D}`, 'excluded from CA but legacy per-user MFA enforced', [E, E, E, E, E]],
  [`steven.buchanan${D}`, 'excluded from CA01 by id; ARM via strength-by-id CA03; rest risk-only CA06', [E, E, E, C, C]],
  [`laura.callahan${D}`, 'excluded; CA09 is session-only; registered but not enforced', [X, E, E, X, X]],
  [`priya.raman${D}`, 'owner through nested group; covered by CA01 + CA03', [E, E, E, E, E]],
  [`svc-deploy${D}`, 'service-style user, Contributor, excluded; portals only via CA04', [X, E, E, X, X]],
  [`ext.kmensah${D}`, 'contractor: CA11 excludes the Azure management app', [X, E, E, E, E]],
  [`liam.oconnor${D}`, 'field engineer: CA07 everywhere except trusted location', [B, E, E, B, B]],
  [`adm-afuller${D}`, 'GA through role-assignable group: CA02 applies', [E, E, E, E, E]],
  [`adm-jleverling${D}`, 'only PIM-eligible for GA: CA02 does not apply', [X, E, E, X, X]],
  [`adm-pwilson${D}`, 'User Administrator scoped to an AU: CA02 does not apply', [X, E, E, X, X]],
  [`margaret.peacock${D}`, 'enabled leaver: CA15 blocks', [K, K, K, K, K]],
  [`robert.king${D}`, 'disabled leaver with stale Contributor: evaluated, blocked', [K, K, K, K, K]],
  [`breakglass1${D}`, 'break-glass, excluded through group, FIDO2', [X, X, X, X, X]],
  [`breakglass2${D}`, 'break-glass, excluded through group, password only', [X, X, X, X, X]],
  [guestUpn('ana.trujillo@fabrikam.com'), 'B2B guest: excluded from CA01, covered by CA10 (inline strength)', [E, E, E, E, E]],
  [guestUpn('lena.schmidt@contoso.com'), 'B2B member: excluded from CA01, covered by CA10', [E, E, E, E, E]],
  [`temp.auditor${D}`, 'internal guest: only the report-only CA08 (and CA04 for portals)', [R, E, E, R, R]],
  [guestUpn('christina.berglund@tailspintoys.com'), 'disabled B2B guest: evaluated like any guest', [E, E, E, E, E]],
  [`yuki.tanaka${D}`, 'per-user MFA enabled, not registered yet; CA01 covers', [E, E, E, E, E]],
  [`anne.dodsworth${D}`, 'expired PIM eligibility, non-privileged active role; CA01 covers', [E, E, E, E, E]],
  [`iwright${D}`, 'classic Co-Administrator matched by mail', [E, E, E, E, E]],
  [`andrew.fuller${D}`, 'classic Service Administrator', [E, E, E, E, E]],
];
const TARGET_ORDER: Target[] = ['azureManagement', 'azurePortal', 'adminPortals', 'office365', 'anyApp'];

describe('demo tenant: story coverage (coverage.md)', () => {
  it.each(STORIES)('%s — %s', (upn, _story, expected) => {
    const cov = coverageOf(upn);
    const actual = Object.fromEntries(TARGET_ORDER.map((t) => [t, cov[t].state]));
    expect(actual).toEqual(Object.fromEntries(TARGET_ORDER.map((t, i) => [t, expected[i]])));
  });

  it('every ordinary (non-story) enabled member outside CA-Exclusions is enforced on every target', () => {
    const story = new Set(STORIES.map(([upn]) => upn.toLowerCase()));
    const excl = groupNamed('CA-Exclusions').id;
    const leavers = groupNamed('Leavers').id;
    const ordinary = snapshot.users!.filter((u) => !story.has(u.userPrincipalName!.toLowerCase()) && u.userType === 'Member'
      && !u.userPrincipalName!.includes('#EXT#') && !model.transitiveGroups(u.id).has(excl) && !model.transitiveGroups(u.id).has(leavers));
    expect(ordinary.length).toBeGreaterThan(90);
    for (const u of ordinary) {
      const cov = evaluateUser(ctx, u).coverage;
      for (const t of TARGET_ORDER) expect(`${u.userPrincipalName} ${t}: ${cov[t].state}`).toBe(`${u.userPrincipalName} ${t}: enforced`);
    }
  });

  it('cells name the mechanism and the policies that produced them', () => {
    const nancy = coverageOf(`nancy.davolio${D}`);
    expect(nancy.anyApp.mechanisms).toEqual(['conditionalAccess']);
    expect(nancy.anyApp.policies).toContain(policyNamed('CA01').id);
    expect(nancy.anyApp.policies).not.toContain(policyNamed('CA05').id); // mfa OR compliantDevice does not require MFA
    expect(nancy.anyApp.policies).not.toContain(policyNamed('CA06').id); // risk-only is weaker than enforced

    expect(coverageOf(`michael.suyama${D}`).anyApp.mechanisms).toContain('perUserMfa');

    const steven = coverageOf(`steven.buchanan${D}`);
    expect(steven.azureManagement.policies).toEqual([policyNamed('CA03').id]); // only the strength-by-id policy
    expect(steven.anyApp.policies).toEqual([policyNamed('CA06').id]);
    expect(steven.anyApp.reason).toMatch(/risk/i); // conditional: "name them"

    const liam = coverageOf(`liam.oconnor${D}`);
    expect(liam.anyApp.policies).toEqual([policyNamed('CA07').id]);
    expect(liam.azureManagement.policies).toEqual([policyNamed('CA07').id]);

    const temp = coverageOf(`temp.auditor${D}`);
    expect(temp.anyApp.policies).toEqual([policyNamed('CA08').id]);

    const adm = coverageOf(`adm-afuller${D}`);
    expect(adm.anyApp.policies).toEqual([policyNamed('CA02').id]);
    expect(adm.adminPortals.policies).toEqual(expect.arrayContaining([policyNamed('CA02').id, policyNamed('CA04').id]));

    const svc = coverageOf(`svc-deploy${D}`);
    expect(svc.azurePortal.policies).toEqual([policyNamed('CA04').id]); // admin portals ≠ Azure management
    expect(coverageOf(guestUpn('ana.trujillo@fabrikam.com')).anyApp.policies).toEqual([policyNamed('CA10').id]);
    expect(coverageOf(`margaret.peacock${D}`).anyApp.policies).toEqual([policyNamed('CA15').id]);
  });

  it('excluded cells say which policy and which path', () => {
    const kwame = coverageOf(`ext.kmensah${D}`).azureManagement;
    expect(kwame.policies).toEqual(expect.arrayContaining([policyNamed('CA01').id, policyNamed('CA11').id]));
    expect(kwame.reason).toContain('CA01 Require MFA for all users');
    expect(kwame.reason).toContain('Contractors');
    expect(kwame.reason).toContain('CA-Exclusions');
    expect(kwame.reason).toContain('CA11 Require MFA for contractors (except Azure management)');

    const bg = coverageOf(`breakglass1${D}`).anyApp;
    expect(bg.policies).toContain(policyNamed('CA01').id);
    expect(bg.reason).toContain('CA-Exclusions-BreakGlass');

    const janet = coverageOf(`adm-jleverling${D}`).anyApp;
    expect(janet.reason).toContain('Admin-Accounts');
    expect(janet.reason).toContain('CA-Exclusions');
  });
});

// ---------------------------------------------------------------------------------------------
// Azure tiers (rules.md "Azure permission tiers") and privileged directory holdings
// ---------------------------------------------------------------------------------------------

describe('demo tenant: Azure tiers', () => {
  const TIERS: [string, 'owner' | 'write' | 'read' | null][] = [
    [`priya.raman${D}`, 'owner'], // Owner at management group through Cloud-Platform-Owners nested in Azure-Platform-Admins
    [`adm-jleverling${D}`, 'owner'], // Owner on the sandbox subscription, direct
    [`iwright${D}`, 'owner'], // classic CoAdministrator, matched by mail in other letter case
    [`andrew.fuller${D}`, 'owner'], // classic ServiceAdministrator;AccountAdministrator
    [`svc-deploy${D}`, 'write'], // Contributor on a subscription
    [`ext.kmensah${D}`, 'write'], // Contributor on a resource group
    [`liam.oconnor${D}`, 'write'], // custom VM Operator through Depot-Leeds nested in Field-Engineers-North
    [`anne.dodsworth${D}`, 'write'], // custom VM Operator, direct
    [`adm-afuller${D}`, 'write'], // User Access Administrator: no "*" action, so not owner
    [`yuki.tanaka${D}`, 'write'], // Contributor on dev subscription through Developers
    [`robert.king${D}`, 'write'], // stale Contributor of a disabled account
    [`steven.buchanan${D}`, 'read'], // Reader at management group
    [`laura.callahan${D}`, 'read'], // custom read-only Cost Reader through Finance
    [guestUpn('ana.trujillo@fabrikam.com'), 'read'], // Reader on a resource group
    [`nancy.davolio${D}`, null],
    [`giovanni.rovelli${D}`, null],
    [`breakglass1${D}`, null],
  ];
  it.each(TIERS)('%s → %s', (upn, tier) => {
    expect(model.azure.byUser.get(userByUpn(upn).id)?.tier ?? null).toBe(tier);
  });

  it('service principals and managed identities are not users', () => {
    const spIds = new Set(snapshot.servicePrincipals!.map((s) => s.id));
    for (const key of model.azure.byUser.keys()) expect(spIds.has(key)).toBe(false);
  });
});

describe('demo tenant: privileged directory holdings', () => {
  const holdings = (upn: string) => {
    const h = model.privilegedHoldings(userByUpn(upn).id);
    return {
      active: h.active.map((r) => `${r.templateId}@${r.directoryScopeId}`).sort(),
      eligible: h.eligible.map((r) => `${r.templateId}@${r.directoryScopeId}`).sort(),
    };
  };

  it('GA through a role-assignable group counts as active', () => {
    expect(holdings(`adm-afuller${D}`)).toEqual({ active: [`${GLOBAL_ADMIN}@/`], eligible: [`${PRIVILEGED_ROLE_ADMIN}@/`] });
    const ga = model.privilegedHoldings(userByUpn(`adm-afuller${D}`).id).active[0]!;
    expect(ga.viaGroupId).toBe(groupNamed('Tier0-Global-Admins').id);
  });

  it('eligible-only Global Administrator is a holder, but not active', () => {
    expect(holdings(`adm-jleverling${D}`)).toEqual({ active: [], eligible: [`${GLOBAL_ADMIN}@/`] });
    expect(model.activeTenantRoles(userByUpn(`adm-jleverling${D}`).id)).toEqual([]);
  });

  it('AU-scoped User Administrator is a holding, but not a tenant-wide role', () => {
    const h = holdings(`adm-pwilson${D}`);
    expect(h.eligible).toEqual([]);
    expect(h.active).toHaveLength(1);
    expect(h.active[0]).toMatch(new RegExp(`^${USER_ADMIN}@/administrativeUnits/[0-9a-f-]{36}$`));
    expect(model.activeTenantRoles(userByUpn(`adm-pwilson${D}`).id)).toEqual([]);
  });

  it('expired eligibility and non-privileged roles are not privileged holdings', () => {
    expect(holdings(`anne.dodsworth${D}`)).toEqual({ active: [], eligible: [] });
    expect(model.activeTenantRoles(userByUpn(`anne.dodsworth${D}`).id).map((r) => r.templateId)).toEqual([REPORTS_READER]);
  });

  it('security-defaults admin roles count even when not isPrivileged (Exchange Administrator)', () => {
    expect(holdings(`adm-dchen${D}`)).toEqual({ active: [`${EXCHANGE_ADMIN}@/`], eligible: [`${SECURITY_ADMIN}@/`] });
  });

  it('break-glass accounts hold Global Administrator directly; ordinary users hold nothing', () => {
    expect(holdings(`breakglass1${D}`)).toEqual({ active: [`${GLOBAL_ADMIN}@/`], eligible: [] });
    expect(holdings(`breakglass2${D}`)).toEqual({ active: [`${GLOBAL_ADMIN}@/`], eligible: [] });
    expect(holdings(`nancy.davolio${D}`)).toEqual({ active: [], eligible: [] });
  });
});
