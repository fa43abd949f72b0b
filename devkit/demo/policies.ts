/** The demo tenant's named locations, authentication strengths and Conditional Access policies (beta shape). */
import type { AuthenticationStrengthPolicy, ConditionalAccessPolicy, NamedLocation } from '../../src/snapshot/types.js';
import { BUILTIN_STRENGTHS } from '../gen/data.js';
import { ARM_APP, ROLE } from './constants.js';
import { G } from './directory.js';
import { U } from './people.js';
import { guid } from './random.js';

const NL_HQ = guid('nl:hq');
const NL_COUNTRIES = guid('nl:countries');
export const namedLocations: NamedLocation[] = [
  {
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    id: NL_HQ,
    displayName: 'Northwind HQ and depots',
    createdDateTime: '2022-03-01T09:00:00Z',
    modifiedDateTime: '2025-06-12T14:20:00Z',
    isTrusted: true,
    ipRanges: [
      { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' },
      { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/25' },
      { '@odata.type': '#microsoft.graph.iPv6CidrRange', cidrAddress: '2001:db8:4e57::/48' },
    ],
  },
  {
    '@odata.type': '#microsoft.graph.countryNamedLocation',
    id: NL_COUNTRIES,
    displayName: 'Operating countries',
    createdDateTime: '2022-03-01T09:05:00Z',
    modifiedDateTime: '2024-11-04T10:00:00Z',
    countriesAndRegions: ['US', 'GB', 'DE', 'FR', 'CA'],
    includeUnknownCountriesAndRegions: false,
    countryLookupMethod: 'clientIpAddress',
  },
];

const CUSTOM_STRENGTH_ID = guid('strength:northwind-phishing-resistant');
/** Graph's built-in strengths, shared with the synthetic generator (read-only data there, copied here). */
const BUILTIN_STRENGTH_POLICIES: AuthenticationStrengthPolicy[] = BUILTIN_STRENGTHS.map((s) => ({ ...s, allowedCombinations: [...s.allowedCombinations], combinationConfigurations: [] }));
export const authenticationStrengthPolicies: AuthenticationStrengthPolicy[] = [
  ...BUILTIN_STRENGTH_POLICIES,
  {
    id: CUSTOM_STRENGTH_ID,
    createdDateTime: '2024-09-18T10:00:00Z',
    modifiedDateTime: '2025-03-02T16:45:00Z',
    displayName: 'Northwind admin keys (FIDO2 or Windows Hello)',
    description: 'Custom strength for Azure management: only FIDO2 security keys and Windows Hello for Business',
    policyType: 'custom',
    requirementsSatisfied: 'mfa',
    allowedCombinations: ['fido2', 'windowsHelloForBusiness'],
    combinationConfigurations: [],
  },
];

// ---------------------------------------------------------------------------------------------
// Conditional Access policies (beta shape)
// ---------------------------------------------------------------------------------------------

const GUEST_TYPES_ALL = 'internalGuest,b2bCollaborationGuest,b2bCollaborationMember';
const ALL_TENANTS = { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' };
const BG = G('CA-Exclusions-BreakGlass').id;
const EXCL = G('CA-Exclusions').id;

type Conditions = NonNullable<ConditionalAccessPolicy['conditions']>;
type GrantControls = NonNullable<ConditionalAccessPolicy['grantControls']>;

interface PolicyOptions {
  created: string;
  modified?: string;
  state?: string;
  sessionControls?: unknown;
  users?: Partial<NonNullable<Conditions['users']>>;
  applications?: Partial<NonNullable<Conditions['applications']>>;
  conditions?: Partial<Conditions>;
  /** null: session controls only. */
  grantControls?: Partial<GrantControls> | null;
}

/** A CA policy in Graph's beta shape: every property Graph returns, defaults filled in. */
function ca(key: string, displayName: string, o: PolicyOptions): ConditionalAccessPolicy {
  const id = guid(`ca:${key}`);
  const users = {
    includeUsers: [], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [],
    includeGuestsOrExternalUsers: null, excludeGuestsOrExternalUsers: null, ...o.users,
  };
  const applications = {
    includeApplications: [], excludeApplications: [], includeUserActions: [], includeAuthenticationContextClassReferences: [],
    applicationFilter: null, ...o.applications,
  };
  const grant: (GrantControls & Record<string, unknown>) | null = o.grantControls === null ? null : {
    operator: 'OR', builtInControls: [], customAuthenticationFactors: [], termsOfUse: [],
    ...o.grantControls,
  };
  if (grant && !('authenticationStrength' in (o.grantControls ?? {}))) {
    grant['authenticationStrength@odata.context'] =
      `https://graph.microsoft.com/beta/$metadata#identity/conditionalAccess/policies('${id}')/grantControls/authenticationStrength/$entity`;
    grant.authenticationStrength = null;
  }
  return {
    id,
    templateId: null,
    displayName,
    createdDateTime: o.created,
    modifiedDateTime: o.modified ?? o.created,
    state: o.state ?? 'enabled',
    partialEnablementStrategy: null,
    sessionControls: o.sessionControls ?? null,
    conditions: {
      userRiskLevels: [],
      signInRiskLevels: [],
      clientAppTypes: ['all'],
      servicePrincipalRiskLevels: [],
      insiderRiskLevels: null,
      platforms: null,
      locations: null,
      devices: null,
      clientApplications: null,
      authenticationFlows: null,
      ...o.conditions,
      applications,
      users,
    },
    grantControls: grant,
  };
}

const ADMIN_ROLES = [ROLE.globalAdmin, ROLE.securityAdmin, ROLE.sharePointAdmin, ROLE.exchangeAdmin, ROLE.conditionalAccessAdmin, ROLE.helpdeskAdmin,
  ROLE.billingAdmin, ROLE.userAdmin, ROLE.authenticationAdmin, ROLE.applicationAdmin, ROLE.cloudApplicationAdmin, ROLE.passwordAdmin,
  ROLE.privilegedAuthenticationAdmin, ROLE.privilegedRoleAdmin];

export const conditionalAccessPolicies: ConditionalAccessPolicy[] = [
  // (a) baseline
  ca('01', 'CA01 Require MFA for all users', {
    created: '2023-03-14T09:12:31.5520154Z', modified: '2026-06-02T11:03:47.1029381Z',
    users: {
      includeUsers: ['All'],
      excludeUsers: [U('steven.buchanan').id],
      excludeGroups: [BG, EXCL],
      excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: GUEST_TYPES_ALL, externalTenants: ALL_TENANTS },
    },
    applications: { includeApplications: ['All'] },
    grantControls: { builtInControls: ['mfa'] },
  }),
  // (b) role-scoped: active holders only
  ca('02', 'CA02 Require MFA for administrators', {
    created: '2022-02-14T10:00:00.0000000Z', modified: '2025-01-09T08:30:00.0000000Z',
    users: { includeRoles: ADMIN_ROLES, excludeGroups: [BG] },
    applications: { includeApplications: ['All'] },
    grantControls: { builtInControls: ['mfa'] },
  }),
  // (c) authentication strength referenced by id only (custom, phishing-resistant)
  ca('03', 'CA03 Require phishing-resistant MFA for Azure management', {
    created: '2024-09-18T10:30:00.0000000Z', modified: '2025-03-02T17:00:00.0000000Z',
    users: {
      includeUsers: ['All'],
      excludeGroups: [BG, EXCL],
      excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: GUEST_TYPES_ALL, externalTenants: ALL_TENANTS },
    },
    applications: { includeApplications: [ARM_APP] },
    grantControls: { builtInControls: [], authenticationStrength: { id: CUSTOM_STRENGTH_ID } },
  }),
  // (d) Microsoft Admin Portals only
  ca('04', 'CA04 Require MFA for Microsoft admin portals', {
    created: '2024-01-22T15:00:00.0000000Z',
    users: { includeUsers: ['All'], excludeGroups: [BG] },
    applications: { includeApplications: ['MicrosoftAdminPortals'] },
    grantControls: { builtInControls: ['mfa'] },
  }),
  // (e) MFA OR compliant device: does not require MFA
  ca('05', 'CA05 Sales: require MFA or a compliant device', {
    created: '2021-09-07T12:00:00.0000000Z', modified: '2024-05-16T09:45:00.0000000Z',
    users: { includeGroups: [G('Sales').id], excludeGroups: [BG] },
    applications: { includeApplications: ['All'] },
    grantControls: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] },
  }),
  // (f) risk-only
  ca('06', 'CA06 Require MFA for risky sign-ins', {
    created: '2022-05-30T08:00:00.0000000Z',
    users: {
      includeUsers: ['All'],
      excludeGroups: [BG, EXCL],
      excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: GUEST_TYPES_ALL, externalTenants: ALL_TENANTS },
    },
    applications: { includeApplications: ['All'] },
    conditions: { signInRiskLevels: ['high', 'medium'] },
    grantControls: { builtInControls: ['mfa'] },
  }),
  // (g) everywhere except a trusted named location
  ca('07', 'CA07 Field engineers: require MFA outside trusted locations', {
    created: '2022-03-01T10:00:00.0000000Z', modified: '2025-06-12T14:30:00.0000000Z',
    users: { includeGroups: [G('Field-Engineers').id], excludeGroups: [BG] },
    applications: { includeApplications: ['All'] },
    conditions: { locations: { includeLocations: ['All'], excludeLocations: [NL_HQ] } },
    grantControls: { builtInControls: ['mfa'] },
  }),
  // (h) report-only since 2025
  ca('08', 'CA08 Require MFA for guests (pilot)', {
    state: 'enabledForReportingButNotEnforced',
    created: '2025-02-10T13:37:00.0000000Z', modified: '2025-02-12T09:00:00.0000000Z',
    users: { includeUsers: ['GuestsOrExternalUsers'] },
    applications: { includeApplications: ['All'] },
    grantControls: { builtInControls: ['mfa'] },
  }),
  // (k) session-only, name says MFA
  ca('09', 'CA09 MFA session lifetime for finance', {
    created: '2023-10-02T09:00:00.0000000Z',
    users: { includeGroups: [G('Finance').id], excludeGroups: [BG] },
    applications: { includeApplications: ['All'] },
    grantControls: null,
    sessionControls: {
      disableResilienceDefaults: null,
      applicationEnforcedRestrictions: null,
      cloudAppSecurity: null,
      continuousAccessEvaluation: null,
      secureSignInSession: null,
      persistentBrowser: { mode: 'never', isEnabled: true },
      signInFrequency: { value: 8, type: 'hours', authenticationType: 'primaryAndSecondaryAuthentication', frequencyInterval: 'timeBased', isEnabled: true },
    },
  }),
  // (m) B2B guests and members, with an inline (expanded) built-in strength
  ca('10', 'CA10 Require MFA for B2B collaboration users', {
    created: '2023-06-20T10:00:00.0000000Z', modified: '2025-02-12T09:05:00.0000000Z',
    users: {
      includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest,b2bCollaborationMember', externalTenants: ALL_TENANTS },
      excludeGroups: [BG],
    },
    applications: { includeApplications: ['All'] },
    grantControls: { builtInControls: [], authenticationStrength: BUILTIN_STRENGTH_POLICIES[0] },
  }),
  // (l) All resources except the Azure management app
  ca('11', 'CA11 Require MFA for contractors (except Azure management)', {
    created: '2021-01-11T10:00:00.0000000Z', modified: '2024-08-19T16:10:00.0000000Z',
    users: { includeGroups: [G('Contractors').id], excludeGroups: [BG] },
    applications: { includeApplications: ['All'], excludeApplications: [ARM_APP] },
    grantControls: { builtInControls: ['mfa'] },
  }),
  // (i) block legacy authentication
  ca('12', 'CA12 Block legacy authentication', {
    created: '2021-05-04T09:00:00.0000000Z',
    users: { includeUsers: ['All'], excludeGroups: [BG] },
    applications: { includeApplications: ['All'] },
    conditions: { clientAppTypes: ['exchangeActiveSync', 'other'] },
    grantControls: { builtInControls: ['block'] },
  }),
  // (j) disabled
  ca('13', 'CA13 Block access from outside operating countries', {
    state: 'disabled',
    created: '2022-03-01T10:10:00.0000000Z', modified: '2024-11-04T10:05:00.0000000Z',
    users: { includeUsers: ['All'], excludeGroups: [BG] },
    applications: { includeApplications: ['All'] },
    conditions: { locations: { includeLocations: ['All'], excludeLocations: [NL_COUNTRIES] } },
    grantControls: { builtInControls: ['block'] },
  }),
  // (n) user action only
  ca('14', 'CA14 Require MFA to register security info', {
    created: '2022-03-01T10:20:00.0000000Z',
    users: { includeUsers: ['All'], excludeGroups: [BG] },
    applications: { includeApplications: [], includeUserActions: ['urn:user:registersecurityinfo'] },
    conditions: { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } },
    grantControls: { builtInControls: ['mfa'] },
  }),
  // unconditional block for accounts in offboarding
  ca('15', 'CA15 Block sign-in for leavers', {
    created: '2020-01-06T10:00:00.0000000Z',
    users: { includeGroups: [G('Leavers').id], excludeGroups: [BG] },
    applications: { includeApplications: ['All'] },
    grantControls: { builtInControls: ['block'] },
  }),
];
