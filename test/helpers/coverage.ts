/**
 * Extra builders for the coverage-engine behaviour tests (test/coverage/*.test.ts). Everything here
 * produces Graph-shaped objects (spec/snapshot.md); nothing reimplements engine logic.
 */
import type {
  AuthenticationStrengthPolicy, ConditionalAccessPolicy, DirectoryObjectRef, GraphGroup, NamedLocation, Snapshot,
  UnifiedRoleAssignment, UnifiedRoleDefinition, UnifiedRoleEligibilitySchedule,
} from '../../src/snapshot/types.js';
import { TARGETS, type CoverageState, type Target, type UserCoverage } from '../../src/coverage/types.js';
import { gid, group } from './snapshot-builder.js';

export type TestGroup = ReturnType<typeof group>;

/** `groups` + `groupMembers` snapshot keys for the given groups (members as built with memberRef). */
export function directory(...gs: TestGroup[]): { groups: GraphGroup[]; groupMembers: Record<string, DirectoryObjectRef[]> } {
  return {
    groups: gs.map((g) => g.group as GraphGroup),
    groupMembers: Object.fromEntries(gs.map((g) => [g.group.id, g.members as DirectoryObjectRef[]])),
  };
}

/** Add a direct member (user or group) to an already-built group; returns the group for chaining. */
export function addMember(g: TestGroup, ref: { '@odata.type': string; id: string }): TestGroup {
  (g.members as DirectoryObjectRef[]).push(ref);
  return g;
}

// ---- directory roles ---------------------------------------------------------------------------

export const ROLE = {
  globalAdmin: '62e90394-69f5-4237-9190-012177145e10',
  securityAdmin: '194ae4cb-b126-40b2-bd5b-6091b380977d',
  securityReader: '5d6b6bb7-de71-4623-b4af-96380a352509',
  userAdmin: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
} as const;

/** Built-in role definitions as Graph returns them (built-in: id === templateId). */
export const ROLE_DEFINITIONS: UnifiedRoleDefinition[] = [
  { id: ROLE.globalAdmin, templateId: ROLE.globalAdmin, displayName: 'Global Administrator', isBuiltIn: true },
  { id: ROLE.securityAdmin, templateId: ROLE.securityAdmin, displayName: 'Security Administrator', isBuiltIn: true },
  { id: ROLE.securityReader, templateId: ROLE.securityReader, displayName: 'Security Reader', isBuiltIn: true },
  { id: ROLE.userAdmin, templateId: ROLE.userAdmin, displayName: 'User Administrator', isBuiltIn: true },
  { id: ROLE.globalReader, templateId: ROLE.globalReader, displayName: 'Global Reader', isBuiltIn: true },
];

/** An active unifiedRoleAssignment (what `roleAssignments` holds, incl. activated PIM). */
export function activeRole(principal: { id: string }, roleDefinitionId: string, directoryScopeId = '/'): UnifiedRoleAssignment {
  return { id: gid('ra'), principalId: principal.id, roleDefinitionId, directoryScopeId };
}

/** A PIM eligibility (not activated), as `roleEligibilitySchedules` holds it. */
export function eligibleRole(principal: { id: string }, roleDefinitionId: string, directoryScopeId = '/'): UnifiedRoleEligibilitySchedule {
  return {
    id: gid('re'), principalId: principal.id, roleDefinitionId, directoryScopeId, status: 'Provisioned', memberType: 'Direct',
    scheduleInfo: { startDateTime: '2026-01-01T00:00:00Z', expiration: { type: 'noExpiration', endDateTime: null, duration: null } },
  };
}

// ---- Graph's built-in authentication strengths (GET /policies/authenticationStrengthPolicies) -----

export const MFA_STRENGTH: AuthenticationStrengthPolicy = {
  id: '00000000-0000-0000-0000-000000000002',
  displayName: 'Multifactor authentication',
  policyType: 'builtIn',
  requirementsSatisfied: 'mfa',
  allowedCombinations: [
    'windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor', 'deviceBasedPush', 'temporaryAccessPassOneTime',
    'temporaryAccessPassMultiUse', 'password,microsoftAuthenticatorPush', 'password,softwareOath', 'password,hardwareOath',
    'password,x509CertificateSingleFactor', 'password,x509CertificateMultiFactor', 'password,sms', 'password,voice',
    'federatedMultiFactor', 'microsoftAuthenticatorPush,federatedSingleFactor', 'softwareOath,federatedSingleFactor',
    'hardwareOath,federatedSingleFactor', 'sms,federatedSingleFactor', 'voice,federatedSingleFactor',
  ],
};
export const PASSWORDLESS_STRENGTH: AuthenticationStrengthPolicy = {
  id: '00000000-0000-0000-0000-000000000003',
  displayName: 'Passwordless MFA',
  policyType: 'builtIn',
  requirementsSatisfied: 'mfa',
  allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor', 'deviceBasedPush'],
};
export const PHISHING_RESISTANT_STRENGTH: AuthenticationStrengthPolicy = {
  id: '00000000-0000-0000-0000-000000000004',
  displayName: 'Phishing resistant MFA',
  policyType: 'builtIn',
  requirementsSatisfied: 'mfa',
  allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor'],
};
export const BUILTIN_STRENGTHS = [MFA_STRENGTH, PASSWORDLESS_STRENGTH, PHISHING_RESISTANT_STRENGTH];

/** A tenant-defined (custom) strength. */
export function customStrength(displayName: string, allowedCombinations: string[], requirementsSatisfied = 'mfa'): AuthenticationStrengthPolicy {
  return { id: gid('as'), displayName, policyType: 'custom', requirementsSatisfied, allowedCombinations };
}

// ---- grant controls ----------------------------------------------------------------------------

type Grant = NonNullable<ConditionalAccessPolicy['grantControls']>;

export function grant(operator: 'AND' | 'OR', builtInControls: string[], extra: Partial<Grant> = {}): Grant {
  return { operator, builtInControls, customAuthenticationFactors: [], termsOfUse: [], authenticationStrength: null, ...extra };
}

/** A grant that requires only an authentication strength (no built-in controls). */
export function strengthGrant(strength: AuthenticationStrengthPolicy | { id: string }, operator: 'AND' | 'OR' = 'OR', builtInControls: string[] = []): Grant {
  return grant(operator, builtInControls, { authenticationStrength: strength });
}

// ---- named locations ---------------------------------------------------------------------------

export function ipLocation(displayName: string, isTrusted: boolean): NamedLocation {
  return {
    '@odata.type': '#microsoft.graph.ipNamedLocation', id: gid('nl'), displayName, isTrusted,
    ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' }],
  };
}

export function countryLocation(displayName: string, countries: string[]): NamedLocation {
  return {
    '@odata.type': '#microsoft.graph.countryNamedLocation', id: gid('nl'), displayName,
    countriesAndRegions: countries, includeUnknownCountriesAndRegions: false,
  };
}

// ---- missing data ------------------------------------------------------------------------------

/** An `unavailable` map for the given keys (a 403, as a missing permission produces). */
export function unavailable(...keys: string[]): Snapshot['unavailable'] {
  return Object.fromEntries(keys.map((k) => [k, { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' }]));
}

/** Snapshot patch removing `keys` and reporting them as failed. */
export function failed(...keys: (keyof Snapshot)[]): Partial<Snapshot> {
  const patch: Partial<Snapshot> = { unavailable: unavailable(...keys) };
  for (const k of keys) (patch as Record<string, unknown>)[k] = undefined;
  return patch;
}

// ---- reading results ---------------------------------------------------------------------------

/** Just the state of every target, for compact whole-row assertions. */
export function states(cov: UserCoverage): Record<Target, CoverageState> {
  return Object.fromEntries(TARGETS.map((t) => [t, cov[t].state])) as Record<Target, CoverageState>;
}

/** The same state on every target. */
export function everywhere(state: CoverageState): Record<Target, CoverageState> {
  return Object.fromEntries(TARGETS.map((t) => [t, state])) as Record<Target, CoverageState>;
}

export { TARGETS };
