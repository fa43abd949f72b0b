/** Microsoft identifiers the engine relies on (sources: shared/research/graph-and-ca.md §1.5, §1.6, §2, §6, §7). */

export const AZURE_MANAGEMENT_APP = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
export const AZURE_PORTAL_APP = 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c';
export const AZURE_CLI_APP = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
export const AZURE_POWERSHELL_APP = '1950a258-227b-4e31-a9cf-717495945fc2';
export const AZURE_MOBILE_APP = '0c1307d4-29d6-4389-a11c-5cbe7f65d7fa';

/** The "MFA trusted IPs" legacy location id that shows up in excludeLocations. */
export const LEGACY_MFA_TRUSTED_IPS_LOCATION = '00000000-0000-0000-0000-000000000000';

/** Roles for which security defaults demand MFA on every sign-in (ED security-defaults.md). */
export const SECURITY_DEFAULTS_ADMIN_ROLES: ReadonlyMap<string, string> = new Map([
  ['62e90394-69f5-4237-9190-012177145e10', 'Global Administrator'],
  ['9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', 'Application Administrator'],
  ['c4e39bd9-1100-46d3-8c65-fb160da0071f', 'Authentication Administrator'],
  ['b0f54661-2d74-4c50-afa3-1ec803f12efe', 'Billing Administrator'],
  ['158c047a-c907-4556-b7ef-446551a6b5f7', 'Cloud Application Administrator'],
  ['b1be1c3e-b65d-4f19-8427-f6fa0d97feb9', 'Conditional Access Administrator'],
  ['29232cdf-9323-42fd-ade2-1d097af3e4de', 'Exchange Administrator'],
  ['729827e3-9c14-49f7-bb1b-9608f156bbb8', 'Helpdesk Administrator'],
  ['966707d0-3269-4727-9be2-8c3a10f19b9d', 'Password Administrator'],
  ['7be44c8a-adaf-4e2a-84d6-ab2649e08a13', 'Privileged Authentication Administrator'],
  ['e8611ab8-c189-46e8-94e1-60213ab1f814', 'Privileged Role Administrator'],
  ['194ae4cb-b126-40b2-bd5b-6091b380977d', 'Security Administrator'],
  ['f28a1f50-f6e7-4571-818b-6a12f2af6b6c', 'SharePoint Administrator'],
  ['69091246-20e8-4a56-aa4d-066075b2a7a8', 'Teams Administrator'],
  ['fe930be7-5e62-47db-91af-98c3a49a38b1', 'User Administrator'],
  ['0526716b-113d-4c15-b2c8-68e3c22b9f80', 'Authentication Policy Administrator'],
  ['45d8d3c5-c802-45c6-b32a-1d70b5e1e86e', 'Identity Governance Administrator'],
]);

/**
 * Built-in roles Microsoft labels PRIVILEGED (permissions-reference, 2026-01). Used only when the
 * snapshot's role definitions do not carry beta `isPrivileged`.
 */
export const BUILTIN_PRIVILEGED_ROLES: ReadonlySet<string> = new Set([
  'db506228-d27e-4b7d-95e5-295956d6615f', '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', 'cf1c38e5-3621-4004-a7cb-879624dced7c',
  'ecb2c6bf-0ab6-418e-bd87-7986f8d63bbe', '422218e4-db15-4ef9-bbe0-8afb41546d79', 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  '25a516ed-2fa0-40ea-a2d0-12923a21473a', 'aaf43236-0c0d-4d5f-883a-6955382ac081', '158c047a-c907-4556-b7ef-446551a6b5f7',
  '7698a772-787b-4ac8-901f-60d6b08affd2', 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9', '9360feb5-f418-4baa-8175-e2a00bac4301',
  '8329153b-31d0-4727-b945-745eb3bc5f31', 'be2f45a1-457d-42af-a067-6ec1fa63bc45', '62e90394-69f5-4237-9190-012177145e10',
  'f2ef992c-3afb-46b9-b7cf-a126ee74c451', '729827e3-9c14-49f7-bb1b-9608f156bbb8', '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2',
  '3a2c62db-5318-420d-8d74-23affee5d9d5', '59d46f88-662b-457b-bceb-5c3809e5908f', '4ba39ca4-527c-499a-b93d-d9b492c50246',
  'e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8', '966707d0-3269-4727-9be2-8c3a10f19b9d', '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  'e8611ab8-c189-46e8-94e1-60213ab1f814', '194ae4cb-b126-40b2-bd5b-6091b380977d', '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f',
  '5d6b6bb7-de71-4623-b4af-96380a352509', 'fe930be7-5e62-47db-91af-98c3a49a38b1',
]);

/** Built-in authentication strengths (GD authenticationstrengthroot-list-policies): all satisfy MFA. */
export const BUILTIN_AUTH_STRENGTHS: ReadonlyMap<string, string> = new Map([
  ['00000000-0000-0000-0000-000000000002', 'Multifactor authentication'],
  ['00000000-0000-0000-0000-000000000003', 'Passwordless MFA'],
  ['00000000-0000-0000-0000-000000000004', 'Phishing resistant MFA'], // Graph's own spelling
]);

/** Built-in Azure roles, used when a snapshot lacks the definition an assignment points to. */
export const BUILTIN_AZURE_ROLES: ReadonlyMap<string, { roleName: string; actions: string[]; notActions: string[] }> = new Map([
  ['8e3af657-a8ff-443c-a75c-2fe8c4bcb635', { roleName: 'Owner', actions: ['*'], notActions: [] }],
  ['b24988ac-6180-42a0-ab88-20f7382dd24c', {
    roleName: 'Contributor', actions: ['*'],
    notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action'],
  }],
  ['acdd72a7-3385-48ef-bd42-f606fba81ae7', { roleName: 'Reader', actions: ['*/read'], notActions: [] }],
  ['18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', { roleName: 'User Access Administrator', actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'], notActions: [] }],
  ['f58310d9-a9f6-439a-9e8d-f62e7b41a168', {
    roleName: 'Role Based Access Control Administrator',
    actions: ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignments/delete', '*/read', 'Microsoft.Support/*'], notActions: [],
  }],
]);

/** Phishing-resistant method types, as `@odata.type` of authenticationMethod and as `methodsRegistered` values. */
export const PHISHING_RESISTANT_METHOD_TYPES = new Set([
  '#microsoft.graph.fido2authenticationmethod',
  '#microsoft.graph.windowshelloforbusinessauthenticationmethod',
  '#microsoft.graph.x509certificateauthenticationmethod',
  '#microsoft.graph.platformcredentialauthenticationmethod',
]);
export const PHISHING_RESISTANT_REGISTRATIONS = new Set([
  'fido2securitykey', 'fido2', 'windowshelloforbusiness', 'passkeydevicebound', 'passkeydeviceboundauthenticator',
  'passkeydeviceboundwindowshello', 'macossecureenclavekey', 'x509certificatemultifactor',
]);
