/**
 * A small builder for hand-written test tenants. Produces Graph-shaped snapshot objects exactly as
 * spec/snapshot.md describes, so tests exercise the same loader/model path as real data.
 */
import type { ConditionalAccessPolicy, GraphUser, Snapshot } from '../../src/snapshot/types.js';
import { DirectoryModel } from '../../src/snapshot/model.js';
import { prepareEngine, evaluateUser } from '../../src/coverage/engine.js';
import type { UserCoverage } from '../../src/coverage/types.js';

export const TENANT_ID = '11111111-1111-1111-1111-111111111111';
export const ARM = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
export const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
export const SECURITY_READER = '5d6b6bb7-de71-4623-b4af-96380a352509';
export const OWNER_ROLE = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
export const CONTRIBUTOR_ROLE = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
export const READER_ROLE = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

let counter = 0;
/** Deterministic GUID-looking ids so failures are readable. */
export function gid(prefix: string): string {
  counter++;
  const tag = Buffer.from(prefix.slice(0, 2)).toString('hex').padEnd(4, '0');
  return `00000000-0000-4000-${tag}-${String(counter).padStart(12, '0')}`;
}

export function user(upn: string, extra: Partial<GraphUser> = {}): GraphUser {
  return {
    id: gid('u'),
    userPrincipalName: upn,
    displayName: upn.split('@')[0]!,
    mail: upn.includes('#EXT#') ? null : upn,
    userType: 'Member',
    accountEnabled: true,
    creationType: null,
    identities: [{ signInType: 'userPrincipalName', issuer: 'contoso.onmicrosoft.com', issuerAssignedId: upn }],
    ...extra,
  };
}

export function guest(homeEmail: string, extra: Partial<GraphUser> = {}): GraphUser {
  const upn = `${homeEmail.replace('@', '_')}#EXT#@contoso.onmicrosoft.com`;
  return user(upn, {
    mail: homeEmail, userType: 'Guest', creationType: 'Invitation', externalUserState: 'Accepted',
    identities: [{ signInType: 'userPrincipalName', issuer: 'ExternalAzureAD', issuerAssignedId: homeEmail }],
    ...extra,
  });
}

/** A CA policy with sane defaults: enabled, all users, all apps, grant mfa, clientAppTypes all. */
export function policy(name: string, patch: {
  state?: string;
  users?: Partial<NonNullable<NonNullable<ConditionalAccessPolicy['conditions']>['users']>>;
  applications?: Partial<NonNullable<NonNullable<ConditionalAccessPolicy['conditions']>['applications']>>;
  conditions?: Partial<NonNullable<ConditionalAccessPolicy['conditions']>>;
  grantControls?: ConditionalAccessPolicy['grantControls'];
  extra?: Partial<ConditionalAccessPolicy>;
} = {}): ConditionalAccessPolicy {
  return {
    id: gid('p'),
    displayName: name,
    state: patch.state ?? 'enabled',
    createdDateTime: '2024-01-01T00:00:00Z',
    modifiedDateTime: '2024-01-01T00:00:00Z',
    conditions: {
      clientAppTypes: ['all'],
      signInRiskLevels: [],
      userRiskLevels: [],
      platforms: null,
      locations: null,
      devices: null,
      clientApplications: null,
      ...patch.conditions,
      users: {
        includeUsers: ['All'], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [],
        includeGuestsOrExternalUsers: null, excludeGuestsOrExternalUsers: null,
        ...patch.users,
      },
      applications: {
        includeApplications: ['All'], excludeApplications: [], includeUserActions: [], includeAuthenticationContextClassReferences: [],
        ...patch.applications,
      },
    },
    grantControls: patch.grantControls === undefined
      ? { operator: 'OR', builtInControls: ['mfa'], customAuthenticationFactors: [], termsOfUse: [], authenticationStrength: null }
      : patch.grantControls,
    ...patch.extra,
  };
}

/** A complete, minimal snapshot: every collection present (empty) unless overridden. */
export function snapshot(patch: Partial<Snapshot> = {}): Snapshot {
  return {
    mfaguardSnapshot: 1,
    tenant: { id: TENANT_ID, displayName: 'Contoso', defaultDomain: 'contoso.onmicrosoft.com' },
    collectedAt: '2026-11-01T00:00:00Z',
    users: [],
    groups: [],
    groupMembers: {},
    servicePrincipals: [],
    roleDefinitions: [],
    roleAssignments: [],
    roleEligibilitySchedules: [],
    subscriptions: [],
    azureRoleDefinitions: [],
    azureRoleAssignments: [],
    classicAdministrators: [],
    conditionalAccessPolicies: [],
    namedLocations: [],
    authenticationStrengthPolicies: [],
    securityDefaults: { isEnabled: false },
    userRegistrationDetails: [],
    unavailable: {},
    ...patch,
  };
}

export function group(name: string, members: { id: string }[], extra: Record<string, unknown> = {}) {
  return {
    group: { id: gid('g'), displayName: name, securityEnabled: true, isAssignableToRole: false, groupTypes: [], ...extra },
    members,
  };
}

/** groupMembers entry shape: direct members with @odata.type. */
export function memberRef(obj: { id: string }, kind: 'user' | 'group' | 'servicePrincipal' = 'user') {
  return { '@odata.type': `#microsoft.graph.${kind}`, id: obj.id };
}

/** Evaluate coverage of one user in a snapshot. */
export function coverageOf(snap: Snapshot, u: { id: string }): UserCoverage {
  const model = new DirectoryModel(snap);
  const ctx = prepareEngine(model);
  const found = model.userById.get(u.id.toLowerCase());
  if (!found) throw new Error(`user ${u.id} not in snapshot`);
  return evaluateUser(ctx, found).coverage;
}

/** Run the whole pipeline and return the findings of one rule. */
export async function findingsOf(snap: Snapshot, ruleId: string) {
  const { evaluateSnapshot } = await import('../../src/evaluate.js');
  return evaluateSnapshot(snap).findings.filter((f) => f.ruleId === ruleId);
}

/** ARM role assignment in REST shape. */
export function azureAssignment(principal: { id: string }, roleGuid: string, scope: string, principalType = 'User') {
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${gid('ra')}`,
    name: gid('ra'),
    type: 'Microsoft.Authorization/roleAssignments',
    properties: { principalId: principal.id, principalType, roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`, scope },
  };
}

/** Directory role assignment (unifiedRoleAssignment). */
export function roleAssignment(principal: { id: string }, templateId: string, directoryScopeId = '/') {
  return { id: gid('dr'), principalId: principal.id, roleDefinitionId: templateId, directoryScopeId };
}
