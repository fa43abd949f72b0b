/**
 * Random variations of a tenant for property-based differential testing. A mutation is plain data
 * (indexes are taken modulo the size of whatever they pick from), so fast-check can generate and
 * shrink a list of them, and a failure prints the few mutations that matter. `applyMutations` never
 * changes its input.
 *
 * The mutations deliberately reach corners a realistic generator rarely produces: odd casing, OR
 * grants, strengths by id, nested and cyclic groups, roles through groups and at AU scope, every
 * guest shape, legacy-only client types, trusted and untrusted location exclusions, workload and
 * user-action policies, per-user MFA from either source, and (separately) missing collections.
 */
import fc from 'fast-check';
import type {
  AuthenticationStrengthPolicy, ConditionalAccessPolicy, GraphUser, GuestsOrExternalUsers, NamedLocation, Snapshot,
} from '../../src/snapshot/types.js';

export const ARM = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
const THIRD_PARTY_APP = '2d2e9b1c-0000-4000-8000-00000000a5a5';
const ZERO_LOCATION = '00000000-0000-0000-0000-000000000000';

/** Roles the mutations hand out and policies name (security-defaults admin roles and others). */
export const MUTATION_ROLES = [
  '62e90394-69f5-4237-9190-012177145e10', // Global Administrator
  '194ae4cb-b126-40b2-bd5b-6091b380977d', // Security Administrator
  'fe930be7-5e62-47db-91af-98c3a49a38b1', // User Administrator
  '5d6b6bb7-de71-4623-b4af-96380a352509', // Security Reader
  'f2ef992c-3afb-46b9-b7cf-a126ee74c451', // Global Reader
];

// Fixed objects every mutated tenant gets (ids chosen not to collide with generated ones).
const STRENGTHS: AuthenticationStrengthPolicy[] = [
  { id: 'a5a5a5a5-0000-4000-8000-000000000001', displayName: 'Mut: FIDO2 only', policyType: 'custom', requirementsSatisfied: 'mfa', allowedCombinations: ['fido2'] },
  { id: 'a5a5a5a5-0000-4000-8000-000000000002', displayName: 'Mut: password only', policyType: 'custom', requirementsSatisfied: 'none', allowedCombinations: ['password'] },
  { id: 'a5a5a5a5-0000-4000-8000-000000000003', displayName: 'Mut: combos, no requirementsSatisfied', policyType: 'custom', allowedCombinations: ['password,sms', 'windowsHelloForBusiness'] },
  { id: 'a5a5a5a5-0000-4000-8000-000000000004', displayName: 'Mut: weak combo, no requirementsSatisfied', policyType: 'custom', allowedCombinations: ['password,sms', 'sms'] },
];
const LOCATIONS: NamedLocation[] = [
  { '@odata.type': '#microsoft.graph.ipNamedLocation', id: 'b6b6b6b6-0000-4000-8000-000000000001', displayName: 'Mut: HQ (trusted)', isTrusted: true },
  { '@odata.type': '#microsoft.graph.ipNamedLocation', id: 'b6b6b6b6-0000-4000-8000-000000000002', displayName: 'Mut: partner (untrusted)', isTrusted: false },
  { '@odata.type': '#microsoft.graph.countryNamedLocation', id: 'b6b6b6b6-0000-4000-8000-000000000003', displayName: 'Mut: country' },
];
const MISSING_ID = 'c7c7c7c7-0000-4000-8000-00000000dead';

const STRENGTH_REFS: (ConditionalAccessPolicy['grantControls'] extends infer G ? G extends { authenticationStrength?: infer S } ? S : never : never)[] = [
  null,
  { id: '00000000-0000-0000-0000-000000000002' },
  { id: '00000000-0000-0000-0000-000000000004' },
  { id: STRENGTHS[0]!.id },
  { id: STRENGTHS[1]!.id.toUpperCase() },
  { id: STRENGTHS[2]!.id },
  { id: STRENGTHS[3]!.id },
  { ...STRENGTHS[0]! },
  { ...STRENGTHS[1]! },
  { id: 'inline-no-req', allowedCombinations: ['fido2', 'x509CertificateMultiFactor'] },
  { id: MISSING_ID },
  { id: 'inline-null-req', requirementsSatisfied: null, allowedCombinations: ['fido2'] },
  { id: STRENGTHS[0]!.id, displayName: 'Mut: FIDO2 only (reference without requirements)' },
];
const BUILT_IN = ['mfa', 'compliantDevice', 'domainJoinedDevice', 'block', 'passwordChange', 'approvedApplication', 'MFA'];
const INCLUDE_APPS = ['All', ARM, 'MicrosoftAdminPortals', 'Office365', THIRD_PARTY_APP, 'None', 'all', ARM.toUpperCase()];
const EXCLUDE_APPS = [ARM, 'MicrosoftAdminPortals', 'Office365', THIRD_PARTY_APP, 'office365'];
const CLIENT_TYPES = ['all', 'browser', 'mobileAppsAndDesktopClients', 'exchangeActiveSync', 'other'];
const LOCATION_IDS = ['All', 'AllTrusted', ZERO_LOCATION, ...LOCATIONS.map((l) => l.id), MISSING_ID, LOCATIONS[0]!.id.toUpperCase()];
const LOCATION_PRESETS: [string[], string[]][] = [
  [['All'], ['AllTrusted']], [['All'], [ZERO_LOCATION]], [['All'], [LOCATIONS[0]!.id]], [['All'], [LOCATIONS[0]!.id, ZERO_LOCATION, 'AllTrusted']],
  [['All'], [LOCATIONS[1]!.id]], [['All'], [LOCATIONS[2]!.id]], [['All'], [MISSING_ID]], [[], ['AllTrusted']], [[LOCATIONS[0]!.id], []],
  [['AllTrusted'], []], [['All'], []], [[], []], [['all'], [LOCATIONS[0]!.id.toUpperCase(), 'alltrusted']],
];
const PLATFORMS = ['all', 'android', 'iOS', 'windows', 'macOS', 'linux'];
const GUEST_TYPES = ['internalGuest', 'b2bCollaborationGuest', 'b2bCollaborationMember', 'b2bDirectConnectUser', 'otherExternalUser', 'serviceProvider'];
const POLICY_STATES = ['enabled', 'enabledForReportingButNotEnforced', 'disabled', 'Enabled'];

export type Mutation =
  | { m: 'addPolicy' }
  | { m: 'policyState'; p: number; s: number }
  | { m: 'includeUsers'; p: number; kind: number; u: number }
  | { m: 'excludeUser'; p: number; u: number; upper: boolean }
  | { m: 'excludeGuestsKeyword'; p: number }
  | { m: 'group'; p: number; g: number; side: 'include' | 'exclude' }
  | { m: 'role'; p: number; r: number; side: 'include' | 'exclude' }
  | { m: 'guestTypes'; p: number; side: 'include' | 'exclude'; types: number[]; tenants: number }
  | { m: 'apps'; p: number; inc: number[]; exc: number[] }
  | { m: 'appsNotApps'; p: number; kind: number }
  | { m: 'grant'; p: number; op: number; builtIn: number[]; strength: number; custom: boolean; terms: boolean }
  | { m: 'grantNull'; p: number }
  | { m: 'clientAppTypes'; p: number; types: number[] }
  | { m: 'locations'; p: number; inc: number[]; exc: number[] }
  | { m: 'locationPreset'; p: number; preset: number }
  | { m: 'platforms'; p: number; inc: number[]; exc: number[] }
  | { m: 'risk'; p: number; which: number }
  | { m: 'otherCondition'; p: number; which: number }
  | { m: 'workload'; p: number; withUsers: boolean }
  | { m: 'upperCaseIds'; p: number }
  | { m: 'perUser'; u: number; where: number; value: number }
  | { m: 'userShape'; u: number; what: number }
  | { m: 'securityDefaults'; on: boolean }
  | { m: 'nestGroup'; g: number; child: number; typed: boolean }
  | { m: 'addToGroup'; g: number; u: number; upper: boolean }
  | { m: 'roleAssignment'; u: number; r: number; viaGroup: number; scope: number; upper: boolean }
  | { m: 'upperCaseGroupKeys' }
  | { m: 'eligibleRole'; u: number; r: number };

const nat = (max: number) => fc.nat({ max });
/** A policy index; -1 (frequent) is the last policy, where `addPolicy` puts a fresh All-users one. */
const pol = fc.oneof({ arbitrary: fc.constant(-1), weight: 2 }, { arbitrary: nat(400), weight: 3 });
const usr = nat(1000);
const subset = (n: number) => fc.uniqueArray(nat(n - 1), { maxLength: Math.min(n, 4) });

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant({ m: 'addPolicy' as const }),
  fc.record({ m: fc.constant('policyState' as const), p: pol, s: nat(POLICY_STATES.length - 1) }),
  fc.record({ m: fc.constant('includeUsers' as const), p: pol, kind: nat(5), u: usr }),
  fc.record({ m: fc.constant('excludeUser' as const), p: pol, u: usr, upper: fc.boolean() }),
  fc.record({ m: fc.constant('excludeGuestsKeyword' as const), p: pol }),
  fc.record({ m: fc.constant('group' as const), p: pol, g: nat(200), side: fc.constantFrom('include' as const, 'exclude' as const) }),
  fc.record({ m: fc.constant('role' as const), p: pol, r: nat(MUTATION_ROLES.length - 1), side: fc.constantFrom('include' as const, 'exclude' as const) }),
  fc.record({
    m: fc.constant('guestTypes' as const), p: pol, side: fc.constantFrom('include' as const, 'exclude' as const),
    types: fc.uniqueArray(nat(GUEST_TYPES.length - 1), { minLength: 1, maxLength: 3 }), tenants: nat(3),
  }),
  fc.record({ m: fc.constant('apps' as const), p: pol, inc: subset(INCLUDE_APPS.length), exc: subset(EXCLUDE_APPS.length) }),
  fc.record({ m: fc.constant('appsNotApps' as const), p: pol, kind: nat(1) }),
  fc.record({
    m: fc.constant('grant' as const), p: pol, op: nat(2), builtIn: fc.oneof(fc.constant<number[]>([]), subset(BUILT_IN.length)), strength: nat(STRENGTH_REFS.length - 1),
    custom: fc.boolean(), terms: fc.boolean(),
  }),
  fc.record({ m: fc.constant('grantNull' as const), p: pol }),
  fc.record({ m: fc.constant('clientAppTypes' as const), p: pol, types: subset(CLIENT_TYPES.length) }),
  fc.record({ m: fc.constant('locations' as const), p: pol, inc: subset(LOCATION_IDS.length), exc: subset(LOCATION_IDS.length) }),
  fc.record({ m: fc.constant('locationPreset' as const), p: pol, preset: nat(LOCATION_PRESETS.length - 1) }),
  fc.record({ m: fc.constant('platforms' as const), p: pol, inc: subset(PLATFORMS.length), exc: subset(PLATFORMS.length) }),
  fc.record({ m: fc.constant('risk' as const), p: pol, which: nat(5) }),
  fc.record({ m: fc.constant('otherCondition' as const), p: pol, which: nat(8) }),
  fc.record({ m: fc.constant('workload' as const), p: pol, withUsers: fc.boolean() }),
  fc.record({ m: fc.constant('upperCaseIds' as const), p: pol }),
  fc.record({ m: fc.constant('perUser' as const), u: usr, where: nat(2), value: nat(5) }),
  fc.record({ m: fc.constant('userShape' as const), u: usr, what: nat(10) }),
  fc.record({ m: fc.constant('securityDefaults' as const), on: fc.boolean() }),
  fc.record({ m: fc.constant('nestGroup' as const), g: nat(200), child: nat(200), typed: fc.boolean() }),
  fc.record({ m: fc.constant('addToGroup' as const), g: nat(200), u: usr, upper: fc.boolean() }),
  fc.constant({ m: 'upperCaseGroupKeys' as const }),
  fc.record({ m: fc.constant('roleAssignment' as const), u: usr, r: nat(MUTATION_ROLES.length - 1), viaGroup: nat(200), scope: nat(3), upper: fc.boolean() }),
  fc.record({ m: fc.constant('eligibleRole' as const), u: usr, r: nat(MUTATION_ROLES.length - 1) }),
);

/** Collections whose absence the engine must read as "unknown" (README "What a verdict means"). */
export const GAP_KEYS = [
  'groupMembers', 'roleAssignments', 'namedLocations', 'authenticationStrengthPolicies', 'securityDefaults', 'conditionalAccessPolicies',
  'authenticationRequirements', 'groups', 'roleDefinitions', 'roleEligibilitySchedules', 'userRegistrationDetails',
] as const;
export type Gap = { key: (typeof GAP_KEYS)[number]; how: 'unavailable' | 'absent' };
export const gapsArb: fc.Arbitrary<Gap[]> = fc.uniqueArray(
  fc.record({ key: fc.constantFrom(...GAP_KEYS), how: fc.constantFrom('unavailable' as const, 'absent' as const) }),
  { minLength: 1, maxLength: 3, selector: (g) => g.key },
);

// ---- applying -------------------------------------------------------------------------------------

const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined);
const pickAll = <T>(xs: readonly T[], is: number[]): T[] => [...new Set(is.map((i) => xs[i % xs.length]!))];

function freshPolicy(n: number): ConditionalAccessPolicy {
  return {
    id: `d8d8d8d8-0000-4000-8000-${String(n).padStart(12, '0')}`,
    displayName: `Mut policy ${n}`,
    state: 'enabled',
    conditions: {
      users: { includeUsers: ['All'], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [] },
      applications: { includeApplications: ['All'], excludeApplications: [] },
      clientAppTypes: ['all'],
    },
    grantControls: { operator: 'OR', builtInControls: ['mfa'], customAuthenticationFactors: [], termsOfUse: [], authenticationStrength: null },
  };
}

type Users = NonNullable<NonNullable<ConditionalAccessPolicy['conditions']>['users']>;
const usersOf = (p: ConditionalAccessPolicy): Users => {
  p.conditions ??= {};
  p.conditions.users ??= {};
  return p.conditions.users;
};
const conditionsOf = (p: ConditionalAccessPolicy) => (p.conditions ??= {});
const push = (xs: string[] | null | undefined, x: string) => [...(xs ?? []), x];

/** A copy of `base` with every mutation applied in order (plus the fixed strengths and named locations they refer to). */
export function applyMutations(base: Snapshot, mutations: readonly Mutation[]): Snapshot {
  const s = structuredClone(base);
  s.unavailable ??= {};
  s.conditionalAccessPolicies ??= [];
  s.authenticationStrengthPolicies = [...(s.authenticationStrengthPolicies ?? []), ...structuredClone(STRENGTHS)];
  s.namedLocations = [...(s.namedLocations ?? []), ...structuredClone(LOCATIONS)];
  s.groupMembers ??= {};
  s.roleAssignments ??= [];
  s.roleEligibilitySchedules ??= [];
  const users = s.users ?? [];
  const groupIds = () => [...new Set([...(s.groups ?? []).map((g) => g.id), ...Object.keys(s.groupMembers ?? {})])];
  /**
   * The groupMembers key spelling already used for a group (keys may be upper-cased by a mutation):
   * adding members under a second spelling of the same id would create two entries for one group,
   * a shape pinned separately as a known disagreement (test/differential.test.ts).
   */
  const keyOf = (groupId: string) => Object.keys(s.groupMembers ?? {}).find((k) => k.toLowerCase() === groupId.toLowerCase()) ?? groupId;
  let added = 0;
  const policyAt = (i: number): ConditionalAccessPolicy => {
    if (!s.conditionalAccessPolicies!.length) s.conditionalAccessPolicies!.push(freshPolicy(added++));
    const n = s.conditionalAccessPolicies!.length;
    return s.conditionalAccessPolicies![i < 0 ? n - 1 : i % n]!;
  };
  const ensureGroup = (i: number): string => {
    const ids = groupIds();
    if (ids.length) return ids[i % ids.length]!;
    const id = 'e9e9e9e9-0000-4000-8000-000000000001';
    s.groups = [...(s.groups ?? []), { id, displayName: 'Mut group', securityEnabled: true, isAssignableToRole: true, groupTypes: [] }];
    s.groupMembers![id] = [];
    return id;
  };

  for (const mu of mutations) {
    switch (mu.m) {
      case 'addPolicy': s.conditionalAccessPolicies!.push(freshPolicy(added++)); break;
      case 'policyState': policyAt(mu.p).state = POLICY_STATES[mu.s]!; break;
      case 'includeUsers': {
        const u = usersOf(policyAt(mu.p));
        const who = pick(users, mu.u);
        u.includeUsers = [['All'], ['None'], ['GuestsOrExternalUsers'], [], who ? [who.id] : ['All'], who ? [who.id.toUpperCase(), 'None'] : ['None']][mu.kind]!;
        break;
      }
      case 'excludeUser': {
        const who = pick(users, mu.u);
        if (who) { const u = usersOf(policyAt(mu.p)); u.excludeUsers = push(u.excludeUsers, mu.upper ? who.id.toUpperCase() : who.id); }
        break;
      }
      case 'excludeGuestsKeyword': { const u = usersOf(policyAt(mu.p)); u.excludeUsers = push(u.excludeUsers, 'GuestsOrExternalUsers'); break; }
      case 'group': {
        const g = ensureGroup(mu.g);
        const u = usersOf(policyAt(mu.p));
        if (mu.side === 'include') u.includeGroups = push(u.includeGroups, g);
        else u.excludeGroups = push(u.excludeGroups, g);
        break;
      }
      case 'role': {
        const u = usersOf(policyAt(mu.p));
        if (mu.side === 'include') u.includeRoles = push(u.includeRoles, MUTATION_ROLES[mu.r]!);
        else u.excludeRoles = push(u.excludeRoles, MUTATION_ROLES[mu.r]!);
        break;
      }
      case 'guestTypes': {
        const spec: GuestsOrExternalUsers = {
          guestOrExternalUserTypes: pickAll(GUEST_TYPES, mu.types).join(','),
          externalTenants: [
            { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' },
            { '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants', membershipKind: 'enumerated', members: ['f0f0f0f0-0000-4000-8000-000000000001'] },
            null,
            { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'All' },
          ][mu.tenants]!,
        };
        const u = usersOf(policyAt(mu.p));
        if (mu.side === 'include') u.includeGuestsOrExternalUsers = spec;
        else u.excludeGuestsOrExternalUsers = spec;
        break;
      }
      case 'apps': {
        const c = conditionsOf(policyAt(mu.p));
        c.applications = { ...(c.applications ?? {}), includeApplications: pickAll(INCLUDE_APPS, mu.inc), excludeApplications: pickAll(EXCLUDE_APPS, mu.exc) };
        break;
      }
      case 'appsNotApps': {
        const c = conditionsOf(policyAt(mu.p));
        c.applications = mu.kind === 0
          ? { includeApplications: [], excludeApplications: [], includeUserActions: ['urn:user:registersecurityinfo'] }
          : { includeApplications: [], excludeApplications: [], includeAuthenticationContextClassReferences: ['c1'] };
        break;
      }
      case 'grant': {
        policyAt(mu.p).grantControls = {
          operator: ['OR', 'AND', 'or'][mu.op]!,
          builtInControls: pickAll(BUILT_IN, mu.builtIn),
          customAuthenticationFactors: mu.custom ? ['duo-custom-control'] : [],
          termsOfUse: mu.terms ? ['5e5e5e5e-0000-4000-8000-000000000001'] : [],
          authenticationStrength: structuredClone(STRENGTH_REFS[mu.strength]!),
        };
        break;
      }
      case 'grantNull': policyAt(mu.p).grantControls = null; break;
      case 'clientAppTypes': conditionsOf(policyAt(mu.p)).clientAppTypes = pickAll(CLIENT_TYPES, mu.types); break;
      case 'locations': conditionsOf(policyAt(mu.p)).locations = { includeLocations: pickAll(LOCATION_IDS, mu.inc), excludeLocations: pickAll(LOCATION_IDS, mu.exc) }; break;
      case 'locationPreset': {
        const [includeLocations, excludeLocations] = LOCATION_PRESETS[mu.preset]!;
        conditionsOf(policyAt(mu.p)).locations = { includeLocations: [...includeLocations], excludeLocations: [...excludeLocations] };
        break;
      }
      case 'platforms': conditionsOf(policyAt(mu.p)).platforms = { includePlatforms: pickAll(PLATFORMS, mu.inc), excludePlatforms: pickAll(PLATFORMS, mu.exc) }; break;
      case 'risk': {
        const c = conditionsOf(policyAt(mu.p));
        if (mu.which === 0) c.signInRiskLevels = ['high'];
        else if (mu.which === 1) c.userRiskLevels = ['medium', 'high'];
        else if (mu.which === 2) c.insiderRiskLevels = 'elevated';
        else if (mu.which === 3) { c.signInRiskLevels = []; c.userRiskLevels = []; c.insiderRiskLevels = null; }
        else if (mu.which === 4) c.servicePrincipalRiskLevels = ['high'];
        else c.insiderRiskLevels = '';
        break;
      }
      case 'otherCondition': {
        const p = policyAt(mu.p);
        const c = conditionsOf(p);
        if (mu.which === 0) c.devices = { deviceFilter: { mode: 'exclude', rule: 'device.trustType -eq "ServerAD"' } };
        else if (mu.which === 1) c.devices = { includeDevices: ['All'], excludeDevices: ['Compliant'] };
        else if (mu.which === 2) c.authenticationFlows = { transferMethods: 'deviceCodeFlow' };
        else if (mu.which === 3) c.applications = { ...(c.applications ?? {}), applicationFilter: { mode: 'include', rule: 'CustomSecurityAttribute.Tier -eq "1"' } };
        else if (mu.which === 4) c.devices = null;
        else if (mu.which === 5) c.authenticationFlows = { transferMethods: '' };
        else if (mu.which === 6) c.devices = { deviceFilter: { mode: 'include', rule: '' } };
        else if (mu.which === 7) c.applications = { ...(c.applications ?? {}), applicationFilter: null };
        else c.devices = { includeDevices: ['All'], excludeDevices: [] };
        break;
      }
      case 'workload': {
        const p = policyAt(mu.p);
        const c = conditionsOf(p);
        c.clientApplications = { includeServicePrincipals: ['ServicePrincipalsInMyTenant'], excludeServicePrincipals: [] };
        if (!mu.withUsers) c.users = { includeUsers: ['None'], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [] };
        break;
      }
      case 'upperCaseIds': {
        const p = policyAt(mu.p);
        const u = usersOf(p);
        const up = (xs: string[] | null | undefined) => (xs ?? []).map((x) => x.toUpperCase());
        Object.assign(u, {
          includeUsers: up(u.includeUsers), excludeUsers: up(u.excludeUsers), includeGroups: up(u.includeGroups), excludeGroups: up(u.excludeGroups),
          includeRoles: up(u.includeRoles), excludeRoles: up(u.excludeRoles),
        });
        const a = conditionsOf(p).applications;
        if (a) Object.assign(a, { includeApplications: up(a.includeApplications), excludeApplications: up(a.excludeApplications) });
        break;
      }
      case 'perUser': {
        const who = pick(users, mu.u);
        if (!who) break;
        const value = ['enabled', 'enforced', 'disabled', 'Enforced', null, 'unknownFutureValue'][mu.value]!;
        if (mu.where === 0) who.perUserMfaState = value;
        else {
          if (mu.where === 1) delete who.perUserMfaState;
          s.authenticationRequirements = { ...(s.authenticationRequirements ?? {}), [mu.where === 2 ? who.id.toUpperCase() : who.id]: { perUserMfaState: value } };
        }
        break;
      }
      case 'userShape': {
        const who = pick(users, mu.u);
        if (!who) break;
        mutateUser(who, mu.what, s, users);
        break;
      }
      case 'securityDefaults': s.securityDefaults = { isEnabled: mu.on }; break;
      case 'nestGroup': {
        const parent = ensureGroup(mu.g);
        const child = ensureGroup(mu.child);
        // Untyped refs: snapshot.md lists @odata.type, but a reader must not depend on it.
        s.groupMembers![keyOf(parent)] = push2(s.groupMembers![keyOf(parent)], mu.typed ? { '@odata.type': '#microsoft.graph.group', id: child } : { id: child });
        break;
      }
      case 'addToGroup': {
        const who = pick(users, mu.u);
        if (!who) break;
        const g = ensureGroup(mu.g);
        s.groupMembers![keyOf(g)] = push2(s.groupMembers![keyOf(g)], { '@odata.type': '#microsoft.graph.user', id: mu.upper ? who.id.toUpperCase() : who.id });
        break;
      }
      case 'upperCaseGroupKeys': {
        // Graph is not consistent about case: group ids as map keys in upper case.
        s.groupMembers = Object.fromEntries(Object.entries(s.groupMembers ?? {}).map(([k, v]) => [k.toUpperCase(), v]));
        break;
      }
      case 'roleAssignment': {
        const who = pick(users, mu.u);
        if (!who) break;
        // viaGroup even → directly to the user; odd → to a group the user is then put in.
        let principal = who.id;
        if (mu.viaGroup % 2 === 1) {
          principal = ensureGroup(mu.viaGroup);
          s.groupMembers![keyOf(principal)] = push2(s.groupMembers![keyOf(principal)], { '@odata.type': '#microsoft.graph.user', id: who.id });
        }
        const scope = ['/', '/administrativeUnits/0a0a0a0a-0000-4000-8000-000000000001', '/', null][mu.scope]!;
        const role = MUTATION_ROLES[mu.r]!;
        s.roleAssignments!.push({
          id: `ra-mut-${s.roleAssignments!.length}`, principalId: mu.upper ? principal.toUpperCase() : principal,
          roleDefinitionId: mu.upper ? role.toUpperCase() : role, directoryScopeId: scope,
        });
        break;
      }
      case 'eligibleRole': {
        const who = pick(users, mu.u);
        if (!who) break;
        s.roleEligibilitySchedules!.push({
          id: `re-mut-${s.roleEligibilitySchedules!.length}`, principalId: who.id, roleDefinitionId: MUTATION_ROLES[mu.r]!, directoryScopeId: '/', status: 'Provisioned',
          memberType: 'Direct', scheduleInfo: { startDateTime: '2024-01-01T00:00:00Z', expiration: { type: 'noExpiration' } },
        });
        break;
      }
    }
  }
  return s;
}

const push2 = <T>(xs: T[] | undefined, x: T): T[] => [...(xs ?? []), x];

function mutateUser(u: GraphUser, what: number, s: Snapshot, users: GraphUser[]): void {
  const local = (u.userPrincipalName ?? 'x@x').split('@')[0]!;
  switch (what) {
    case 0: u.userType = u.userType === 'Guest' ? 'Member' : 'Guest'; break;
    case 1: u.creationType = 'Invitation'; break;
    case 2: u.userPrincipalName = `${local}_fabrikam.com#EXT#@${s.tenant.defaultDomain ?? 'contoso.onmicrosoft.com'}`; break;
    case 3: u.identities = [{ signInType: 'federated', issuer: 'google.com', issuerAssignedId: local }]; break;
    case 4: u.identities = [{ signInType: 'userPrincipalName', issuer: 'contoso.onmicrosoft.us', issuerAssignedId: local }]; break;
    case 5: {
      // An issuer that is another (local) user's UPN domain: the tenant's own.
      const other = users.find((x) => !(x.userPrincipalName ?? '').includes('#EXT#') && x.creationType !== 'Invitation');
      const dom = (other?.userPrincipalName ?? 'a@contoso.com').split('@')[1] ?? 'contoso.com';
      u.identities = [{ signInType: 'emailAddress', issuer: dom.toUpperCase(), issuerAssignedId: local }];
      break;
    }
    case 6: u.identities = [{ signInType: 'federated', issuer: 'ExternalAzureAD', issuerAssignedId: local }]; break;
    case 7: u.accountEnabled = false; break;
    case 8: u.userType = null; break;
    case 9: {
      // An issuer that is only a verified domain of the tenant (no user has it as UPN domain).
      const t = s.tenant as { verifiedDomains?: unknown[] };
      t.verifiedDomains = [...(Array.isArray(t.verifiedDomains) ? t.verifiedDomains : []), { name: 'verified-only.example', isInitial: false }];
      u.identities = [{ signInType: 'emailAddress', issuer: 'Verified-Only.example', issuerAssignedId: local }];
      break;
    }
    default: u.creationType = null; u.identities = []; break;
  }
}

/** Make collections missing: listed in `unavailable` (tried and failed) or simply absent (not collected). */
export function applyGaps(base: Snapshot, gaps: readonly Gap[]): Snapshot {
  const s: Snapshot = { ...base, unavailable: { ...(base.unavailable ?? {}) } };
  for (const g of gaps) {
    delete (s as unknown as Record<string, unknown>)[g.key];
    if (g.how === 'unavailable') s.unavailable[g.key] = { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' };
  }
  return s;
}
