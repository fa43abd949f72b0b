/**
 * Snapshot objects keep the exact shape Microsoft Graph / Azure Resource Manager return
 * (see spec/snapshot.md). Only the properties the engine reads are typed; everything
 * else is kept as-is and ignored. All properties are optional because Graph omits them under $select.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface GraphUser {
  id: string;
  userPrincipalName?: string | null;
  displayName?: string | null;
  mail?: string | null;
  otherMails?: string[] | null;
  userType?: string | null;
  accountEnabled?: boolean | null;
  creationType?: string | null;
  externalUserState?: string | null;
  identities?: { signInType?: string | null; issuer?: string | null; issuerAssignedId?: string | null }[] | null;
  onPremisesSyncEnabled?: boolean | null;
  createdDateTime?: string | null;
  perUserMfaState?: string | null;
  [key: string]: unknown;
}

export interface GraphGroup {
  id: string;
  displayName?: string | null;
  securityEnabled?: boolean | null;
  isAssignableToRole?: boolean | null;
  groupTypes?: string[] | null;
  membershipRule?: string | null;
  [key: string]: unknown;
}

export interface DirectoryObjectRef {
  '@odata.type'?: string;
  id: string;
  [key: string]: unknown;
}

export interface GraphServicePrincipal {
  id: string;
  appId?: string | null;
  displayName?: string | null;
  servicePrincipalType?: string | null;
  [key: string]: unknown;
}

export interface UnifiedRoleDefinition {
  id: string;
  templateId?: string | null;
  displayName?: string | null;
  isBuiltIn?: boolean | null;
  isPrivileged?: boolean | null;
  [key: string]: unknown;
}

export interface UnifiedRoleAssignment {
  id?: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId?: string | null;
  [key: string]: unknown;
}

export interface UnifiedRoleEligibilitySchedule extends UnifiedRoleAssignment {
  status?: string | null;
  memberType?: string | null;
  scheduleInfo?: {
    startDateTime?: string | null;
    expiration?: { type?: string | null; endDateTime?: string | null; duration?: string | null } | null;
  } | null;
}

export interface AzureSubscription {
  subscriptionId: string;
  displayName?: string | null;
  state?: string | null;
  tenantId?: string | null;
  [key: string]: unknown;
}

export interface AzurePermission {
  actions?: string[] | null;
  notActions?: string[] | null;
  dataActions?: string[] | null;
  notDataActions?: string[] | null;
}

/** ARM REST shape; the flattened az-CLI shape (roleName/roleType/permissions at top level) is also accepted. */
export interface AzureRoleDefinition {
  id: string;
  name?: string | null;
  properties?: {
    roleName?: string | null;
    type?: string | null;
    permissions?: AzurePermission[] | null;
    assignableScopes?: string[] | null;
  } | null;
  roleName?: string | null;
  roleType?: string | null;
  permissions?: AzurePermission[] | null;
  [key: string]: unknown;
}

export interface AzureRoleAssignment {
  id: string;
  name?: string | null;
  properties: {
    principalId: string;
    principalType?: string | null;
    roleDefinitionId: string;
    scope?: string | null;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface ClassicAdministrator {
  id: string;
  name?: string | null;
  properties: { emailAddress: string; role?: string | null };
  [key: string]: unknown;
}

export interface GuestsOrExternalUsers {
  guestOrExternalUserTypes?: string | null;
  externalTenants?: { '@odata.type'?: string; membershipKind?: string | null; members?: string[] | null } | null;
}

export interface ConditionalAccessPolicy {
  id: string;
  displayName?: string | null;
  state?: string | null;
  createdDateTime?: string | null;
  modifiedDateTime?: string | null;
  conditions?: {
    users?: {
      includeUsers?: string[] | null;
      excludeUsers?: string[] | null;
      includeGroups?: string[] | null;
      excludeGroups?: string[] | null;
      includeRoles?: string[] | null;
      excludeRoles?: string[] | null;
      includeGuestsOrExternalUsers?: GuestsOrExternalUsers | null;
      excludeGuestsOrExternalUsers?: GuestsOrExternalUsers | null;
    } | null;
    applications?: {
      includeApplications?: string[] | null;
      excludeApplications?: string[] | null;
      includeUserActions?: string[] | null;
      includeAuthenticationContextClassReferences?: string[] | null;
      applicationFilter?: { mode?: string | null; rule?: string | null } | null;
    } | null;
    clientApplications?: {
      includeServicePrincipals?: string[] | null;
      excludeServicePrincipals?: string[] | null;
      servicePrincipalFilter?: unknown;
      includeAgentIdServicePrincipals?: string[] | null;
    } | null;
    clientAppTypes?: string[] | null;
    platforms?: { includePlatforms?: string[] | null; excludePlatforms?: string[] | null } | null;
    locations?: { includeLocations?: string[] | null; excludeLocations?: string[] | null } | null;
    devices?: { includeDevices?: string[] | null; excludeDevices?: string[] | null; deviceFilter?: { mode?: string | null; rule?: string | null } | null } | null;
    signInRiskLevels?: string[] | null;
    userRiskLevels?: string[] | null;
    servicePrincipalRiskLevels?: string[] | null;
    insiderRiskLevels?: string | string[] | null;
    authenticationFlows?: { transferMethods?: string | null } | null;
  } | null;
  grantControls?: {
    operator?: string | null;
    builtInControls?: string[] | null;
    customAuthenticationFactors?: string[] | null;
    termsOfUse?: string[] | null;
    authenticationStrength?: AuthenticationStrengthPolicy | { id: string } | null;
  } | null;
  sessionControls?: unknown;
  [key: string]: unknown;
}

export interface NamedLocation {
  id: string;
  '@odata.type'?: string;
  displayName?: string | null;
  isTrusted?: boolean | null;
  [key: string]: unknown;
}

export interface AuthenticationStrengthPolicy {
  id: string;
  displayName?: string | null;
  policyType?: string | null;
  requirementsSatisfied?: string | null;
  allowedCombinations?: string[] | null;
  [key: string]: unknown;
}

export interface SecurityDefaultsPolicy {
  isEnabled: boolean;
  [key: string]: unknown;
}

export interface UserRegistrationDetails {
  id: string;
  userPrincipalName?: string | null;
  isMfaRegistered?: boolean | null;
  isMfaCapable?: boolean | null;
  methodsRegistered?: string[] | null;
  isAdmin?: boolean | null;
  [key: string]: unknown;
}

export interface AuthenticationMethod {
  '@odata.type'?: string;
  id?: string;
  [key: string]: unknown;
}

export interface UnavailableEntry {
  status?: number;
  code?: string;
  message?: string;
  [key: string]: unknown;
}

export interface TenantInfo {
  id: string;
  displayName?: string | null;
  defaultDomain?: string | null;
  cloud?: string | null;
  [key: string]: unknown;
}

/** The logical snapshot: both physical layouts load into this. A key left undefined was not collected. */
export interface Snapshot {
  mfaguardSnapshot: 1;
  tenant: TenantInfo;
  collectedAt: string;
  users?: GraphUser[];
  groups?: GraphGroup[];
  groupMembers?: Record<string, DirectoryObjectRef[]>;
  servicePrincipals?: GraphServicePrincipal[];
  roleDefinitions?: UnifiedRoleDefinition[];
  roleAssignments?: UnifiedRoleAssignment[];
  roleEligibilitySchedules?: UnifiedRoleEligibilitySchedule[];
  subscriptions?: AzureSubscription[];
  azureRoleDefinitions?: AzureRoleDefinition[];
  azureRoleAssignments?: AzureRoleAssignment[];
  classicAdministrators?: ClassicAdministrator[];
  conditionalAccessPolicies?: ConditionalAccessPolicy[];
  namedLocations?: NamedLocation[];
  authenticationStrengthPolicies?: AuthenticationStrengthPolicy[];
  securityDefaults?: SecurityDefaultsPolicy;
  authenticationRequirements?: Record<string, { perUserMfaState?: string | null }>;
  userRegistrationDetails?: UserRegistrationDetails[];
  authenticationMethods?: Record<string, AuthenticationMethod[]>;
  signIns?: Record<string, unknown>[];
  signInsWindow?: { from?: string; to?: string };
  unavailable: Record<string, UnavailableEntry>;
  /** Collections taken over from an earlier read (incremental collection), with the time of that read. */
  reusedCollections?: Record<string, { collectedAt: string }>;
  /** Top-level keys we do not know; kept so nothing is silently lost. */
  extra?: Record<string, unknown>;
}

export type CollectionKey = Exclude<keyof Snapshot, 'mfaguardSnapshot' | 'tenant' | 'collectedAt' | 'unavailable' | 'reusedCollections' | 'extra'>;
