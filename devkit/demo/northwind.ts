/**
 * The bundled demo tenant "Northwind Traders" (demo/tenant.json) used by `mfaguard scan --demo` and
 * test/demo.test.ts, assembled from its parts: people, directory, Azure, policies, and here the
 * registration report, authentication methods and per-user MFA requirements derived from them.
 *
 * Every object keeps the exact Microsoft Graph (beta where noted) / Azure Resource Manager shape and
 * property names (spec/snapshot.md). The story accounts and the pitfalls they show are described in
 * demo/README.md. Fully deterministic: see random.ts.
 */
import type { AuthenticationMethod, Snapshot, UserRegistrationDetails } from '../../src/snapshot/types.js';
import { azureRoleAssignments, azureRoleDefinitions, classicAdministrators, subscriptions } from './azure.js';
import { COLLECTED_AT, DEFAULT_DOMAIN, PASSWORD_METHOD_ID, ROLE_DEFINITIONS, TENANT_ID } from './constants.js';
import { groupMembers, groups, roleAssignments, roleEligibilitySchedules, servicePrincipals } from './directory.js';
import { registration, U, users, usersByKey } from './people.js';
import { authenticationStrengthPolicies, conditionalAccessPolicies, namedLocations } from './policies.js';
import { guid } from './random.js';
import { signIns, signInsWindow } from './signins.js';

const MFA_METHODS = new Set(['microsoftAuthenticatorPush', 'softwareOneTimePasscode', 'hardwareOneTimePasscode', 'mobilePhone', 'alternateMobilePhone',
  'officePhone', 'passKeyDeviceBound', 'passKeyDeviceBoundAuthenticator', 'passKeyDeviceBoundWindowsHello', 'windowsHelloForBusiness', 'fido2SecurityKey']);
const PASSWORDLESS = new Set(['passKeyDeviceBound', 'passKeyDeviceBoundAuthenticator', 'passKeyDeviceBoundWindowsHello', 'windowsHelloForBusiness', 'fido2SecurityKey']);
const DEFAULT_METHOD: Record<string, string> = {
  microsoftAuthenticatorPush: 'microsoftAuthenticatorPush',
  mobilePhone: 'mobilePhone',
  passKeyDeviceBound: 'none',
};

const adminUserIds = new Set<string>();
for (const a of roleAssignments) {
  const principal = a.principalId;
  const grp = groups.find((g) => g.id === principal);
  if (grp) for (const m of groupMembers[grp.id]!) adminUserIds.add(m.id);
  else adminUserIds.add(principal);
}

const userRegistrationDetails: UserRegistrationDetails[] = [];
for (const [key, u] of usersByKey) {
  if (!u.accountEnabled) continue; // the report is collected for every enabled user
  const { methods } = registration.get(key)!;
  const mfaMethods = methods.filter((m) => MFA_METHODS.has(m));
  const capable = mfaMethods.length > 0;
  const first = methods[0];
  userRegistrationDetails.push({
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    userDisplayName: u.displayName,
    userType: u.userType === 'Guest' ? 'guest' : 'member',
    isAdmin: adminUserIds.has(u.id),
    isSsprRegistered: methods.length > 0,
    isSsprEnabled: u.userType !== 'Guest',
    isSsprCapable: methods.length > 0 && u.userType !== 'Guest',
    isMfaRegistered: capable,
    isMfaCapable: capable,
    isPasswordlessCapable: methods.some((m) => PASSWORDLESS.has(m)),
    lastUpdatedDateTime: '2026-11-01T02:14:09.3174422Z',
    methodsRegistered: methods,
    defaultMfaMethod: capable ? (DEFAULT_METHOD[first!] ?? 'microsoftAuthenticatorPush') : 'none',
    isSystemPreferredAuthenticationMethodEnabled: true,
    systemPreferredAuthenticationMethods: capable ? [methods.some((m) => PASSWORDLESS.has(m)) && !methods.includes('microsoftAuthenticatorPush') ? 'Fido2' : 'push'] : [],
    userPreferredMethodForSecondaryAuthentication: capable ? (first === 'mobilePhone' ? 'sms' : 'push') : 'none',
  });
}

const authenticationMethods: Record<string, AuthenticationMethod[]> = {
  [U('breakglass1').id]: [
    { '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: PASSWORD_METHOD_ID, password: null, createdDateTime: '2019-06-01T12:00:00Z' },
    {
      '@odata.type': '#microsoft.graph.fido2AuthenticationMethod',
      id: guid('method:bg1-fido2'),
      displayName: 'YubiKey 5 NFC (safe A)',
      createdDateTime: '2024-02-20T10:15:00Z',
      aaGuid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8',
      model: 'YubiKey 5 Series',
      attestationCertificates: ['6bb7e9bf3a17cd4e4bdc0b50b0f0e1b5ac1f3e7a'],
      attestationLevel: 'attested',
    },
  ],
  [U('breakglass2').id]: [
    { '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: PASSWORD_METHOD_ID, password: null, createdDateTime: '2019-06-01T12:05:00Z' },
  ],
};

const authenticationRequirements = Object.fromEntries(users.map((u) => [u.id, { perUserMfaState: u.perUserMfaState }]));

// ---------------------------------------------------------------------------------------------
// Snapshot
// ---------------------------------------------------------------------------------------------

/** The demo tenant as one single-file snapshot (spec/snapshot.md). */
export const northwindSnapshot: Snapshot = {
  mfaguardSnapshot: 1,
  tenant: { id: TENANT_ID, displayName: 'Northwind Traders', defaultDomain: DEFAULT_DOMAIN, cloud: 'AzureCloud' },
  collectedAt: COLLECTED_AT,
  users,
  groups,
  groupMembers,
  servicePrincipals,
  roleDefinitions: ROLE_DEFINITIONS,
  roleAssignments,
  roleEligibilitySchedules,
  subscriptions,
  azureRoleDefinitions,
  azureRoleAssignments,
  classicAdministrators,
  conditionalAccessPolicies,
  namedLocations,
  authenticationStrengthPolicies,
  securityDefaults: {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity',
    id: '00000000-0000-0000-0000-000000000005',
    displayName: 'Security Defaults',
    description: 'Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.',
    isEnabled: false,
  },
  authenticationRequirements,
  userRegistrationDetails,
  authenticationMethods,
  unavailable: {},
  // the sign-in story (signins.ts, demo/README.md "Sign-ins")
  signInsWindow,
  signIns,
};
