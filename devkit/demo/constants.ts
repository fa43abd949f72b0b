/** Fixed facts of the demo tenant: ids, domains, built-in role ids and definitions, Azure scopes. */
import type { UnifiedRoleDefinition } from '../../src/snapshot/types.js';
import { guid } from './random.js';

export const TENANT_ID = '5c1a6d3e-7b2f-4e8a-9d41-0b6c2f8e9a17';
export const DEFAULT_DOMAIN = 'northwindtraders.onmicrosoft.com';
export const DOMAIN = 'northwindtraders.com';
export const COLLECTED_AT = '2026-11-01T08:00:00Z';
export const MICROSOFT_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

// The Azure management app the demo's policies target: the engine's own constant, not a copy.
export { AZURE_MANAGEMENT_APP as ARM_APP } from '../../src/snapshot/wellknown.js';
export const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';

export const ROLE = {
  globalAdmin: '62e90394-69f5-4237-9190-012177145e10',
  privilegedRoleAdmin: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  securityAdmin: '194ae4cb-b126-40b2-bd5b-6091b380977d',
  userAdmin: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  exchangeAdmin: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  sharePointAdmin: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
  conditionalAccessAdmin: 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  helpdeskAdmin: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  billingAdmin: 'b0f54661-2d74-4c50-afa3-1ec803f12efe',
  authenticationAdmin: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  applicationAdmin: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  cloudApplicationAdmin: '158c047a-c907-4556-b7ef-446551a6b5f7',
  passwordAdmin: '966707d0-3269-4727-9be2-8c3a10f19b9d',
  privilegedAuthenticationAdmin: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  reportsReader: '4a5d8f65-41da-4de4-8968-e035b65339cf',
};

/** Built-in directory role definitions (beta shape, `$select`ed: no rolePermissions). */
export const ROLE_DEFINITIONS: UnifiedRoleDefinition[] = ([
  [ROLE.globalAdmin, 'Global Administrator', 'Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.', true],
  [ROLE.privilegedRoleAdmin, 'Privileged Role Administrator', 'Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.', true],
  [ROLE.securityAdmin, 'Security Administrator', 'Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.', true],
  [ROLE.userAdmin, 'User Administrator', 'Can manage all aspects of users and groups, including resetting passwords for limited admins.', true],
  [ROLE.exchangeAdmin, 'Exchange Administrator', 'Can manage all aspects of the Exchange product.', false],
  [ROLE.sharePointAdmin, 'SharePoint Administrator', 'Can manage all aspects of the SharePoint service.', false],
  [ROLE.conditionalAccessAdmin, 'Conditional Access Administrator', 'Can manage Conditional Access capabilities.', true],
  [ROLE.helpdeskAdmin, 'Helpdesk Administrator', 'Can reset passwords for non-administrators and Helpdesk Administrators.', true],
  [ROLE.billingAdmin, 'Billing Administrator', 'Can perform common billing related tasks like updating payment information.', false],
  [ROLE.authenticationAdmin, 'Authentication Administrator', 'Can access to view, set and reset authentication method information for any non-admin user.', true],
  [ROLE.applicationAdmin, 'Application Administrator', 'Can create and manage all aspects of app registrations and enterprise apps.', true],
  [ROLE.cloudApplicationAdmin, 'Cloud Application Administrator', 'Can create and manage all aspects of app registrations and enterprise apps except App Proxy.', true],
  [ROLE.passwordAdmin, 'Password Administrator', 'Can reset passwords for non-administrators and Password Administrators.', true],
  [ROLE.privilegedAuthenticationAdmin, 'Privileged Authentication Administrator', 'Can access to view, set and reset authentication method information for any user (admin or non-admin).', true],
  [ROLE.globalReader, 'Global Reader', 'Can read everything that a Global Administrator can, but not update anything.', true],
  [ROLE.reportsReader, 'Reports Reader', 'Can read sign-in and audit reports.', false],
] as [string, string, string, boolean][]).map(([id, displayName, description, isPrivileged]) => ({
  id,
  description,
  displayName,
  isBuiltIn: true,
  isEnabled: true,
  isPrivileged,
  resourceScopes: ['/'],
  templateId: id,
  version: '1',
}));

export const AZ = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  userAccessAdmin: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  vmOperator: guid('azrole:Northwind VM Operator'),
  costReader: guid('azrole:Northwind Cost Reader'),
};

export const MG = '/providers/Microsoft.Management/managementGroups/mg-northwind';
export const SUB = {
  prod: guid('sub:Northwind-Production'),
  dev: guid('sub:Northwind-Development'),
  sandbox: guid('sub:Northwind-Sandbox'),
};
export const subScope = (s: string): string => `/subscriptions/${s}`;
export const rgScope = (s: string, rg: string): string => `/subscriptions/${s}/resourceGroups/${rg}`;
