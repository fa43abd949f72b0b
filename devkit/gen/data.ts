/**
 * Static vocabularies for the synthetic tenant generator: names, departments, well-known Microsoft
 * identifiers (directory roles, first-party apps, Azure built-in roles) in the shapes Graph/ARM return.
 */

export const FIRST_NAMES = [
  'Aaron', 'Abigail', 'Adrian', 'Aisha', 'Alan', 'Alice', 'Amara', 'Amelia', 'Andre', 'Ann', 'Arjun', 'Ava', 'Beatriz', 'Ben',
  'Bianca', 'Caleb', 'Carla', 'Carlos', 'Chen', 'Chloe', 'Clara', 'Daniel', 'Dara', 'David', 'Diego', 'Elena', 'Eli', 'Emma',
  'Erik', 'Fatima', 'Felix', 'Fiona', 'Gabriel', 'Grace', 'Hana', 'Harper', 'Hugo', 'Ines', 'Isaac', 'Ivy', 'Jack', 'Jade',
  'James', 'Jonas', 'Julia', 'Kai', 'Kara', 'Kenji', 'Leah', 'Leo', 'Lucia', 'Luis', 'Maya', 'Mei', 'Milan', 'Nadia', 'Noah',
  'Nora', 'Omar', 'Oscar', 'Paula', 'Quinn', 'Rafael', 'Rania', 'Rosa', 'Ruben', 'Sam', 'Sara', 'Sofia', 'Tariq', 'Theo', 'Uma',
  'Victor', 'Wei', 'Xavier', 'Yara', 'Zoe', 'Anika', 'Bruno', 'Celine', 'Dmitri', 'Esther', 'Farah', 'Goran', 'Helga', 'Ingrid',
  'Jamal', 'Kofi', 'Lars', 'Mateo', 'Nikhil', 'Olga', 'Pedro', 'Rhea', 'Sven', 'Tomas', 'Valentina', 'Yusuf', 'Zara', 'Priya',
];

export const LAST_NAMES = [
  'Abbott', 'Adeyemi', 'Alvarez', 'Andersen', 'Baker', 'Barnes', 'Becker', 'Bishop', 'Brooks', 'Castro', 'Chang', 'Clarke',
  'Costa', 'Dalton', 'Das', 'Duarte', 'Ellis', 'Evans', 'Farouk', 'Fischer', 'Fleming', 'Garcia', 'Grant', 'Gupta', 'Hale',
  'Hansen', 'Hayes', 'Ibrahim', 'Ito', 'Jensen', 'Kato', 'Keller', 'Khan', 'Kim', 'Larsen', 'Lindqvist', 'Lopez', 'Lund',
  'Martin', 'Meyer', 'Moreau', 'Murphy', 'Nakamura', 'Nguyen', 'Novak', 'Okafor', 'Olsen', 'Ortiz', 'Park', 'Patel', 'Perez',
  'Quinn', 'Reyes', 'Richter', 'Rossi', 'Santos', 'Schmidt', 'Silva', 'Singh', 'Sato', 'Svensson', 'Tan', 'Torres', 'Varga',
  'Vogel', 'Walsh', 'Weber', 'Young', 'Zhang', 'Achebe', 'Bauer', 'Cruz', 'Dubois', 'Eriksen', 'Fontaine', 'Gallo', 'Horvat',
  'Iyer', 'Jovanovic', 'Kowalski', 'Laine', 'Mendes', 'Nilsen', 'Oliveira', 'Petrov', 'Ramos', 'Sandoval', 'Tanaka', 'Ueda',
  'Vasquez', 'Wagner', 'Yilmaz', 'Zimmermann', 'Bergstrom', 'Mensah', 'Haddad', 'Kaur', 'Morales', 'Novotny',
];

export const COMPANIES = [
  'Contoso', 'Fabrikam', 'Tailspin Toys', 'Wingtip Toys', 'Adventure Works', 'Litware', 'Proseware', 'Woodgrove Bank',
  'Coho Winery', 'Alpine Ski House', 'Fourth Coffee', 'Lucerne Publishing', 'Trey Research', 'Wide World Importers',
  'Humongous Insurance', 'Blue Yonder Airlines', 'Relecloud', 'VanArsdel', 'Munson Pickles', 'Northwind Traders',
];

export const PARTNER_DOMAINS = [
  'fabrikam.com', 'contoso.com', 'tailspintoys.com', 'adventure-works.com', 'litwareinc.com', 'proseware.com',
  'woodgrovebank.com', 'cohowinery.com', 'fourthcoffee.com', 'treyresearch.net', 'wideworldimporters.com', 'relecloud.com',
];

/** [name, weight, code, divisions, job titles] */
export const DEPARTMENTS: readonly (readonly [string, number, string, readonly string[], readonly string[]])[] = [
  ['Engineering', 20, 'ENG', ['Platform', 'Payments', 'Mobile', 'Data', 'Identity', 'Web', 'Infrastructure', 'Search', 'Quality'], ['Software Engineer', 'Senior Software Engineer', 'Engineering Manager', 'Site Reliability Engineer']],
  ['Sales', 16, 'SLS', ['EMEA', 'Americas', 'APAC', 'Enterprise', 'Partners', 'Inside Sales'], ['Account Executive', 'Sales Representative', 'Sales Manager']],
  ['Customer Support', 14, 'SUP', ['Tier 1', 'Tier 2', 'Escalations', 'Onboarding'], ['Support Engineer', 'Support Team Lead']],
  ['Operations', 14, 'OPS', ['Logistics', 'Field Service', 'Warehouses', 'Procurement'], ['Operations Analyst', 'Field Engineer', 'Logistics Coordinator']],
  ['Marketing', 7, 'MKT', ['Brand', 'Digital', 'Events', 'Product Marketing'], ['Marketing Specialist', 'Content Manager']],
  ['Finance', 6, 'FIN', ['Accounting', 'Treasury', 'Controlling', 'Payroll'], ['Accountant', 'Financial Analyst', 'Controller']],
  ['IT', 6, 'IT', ['Workplace', 'Cloud Platform', 'Security Operations', 'Service Desk', 'Networks'], ['IT Specialist', 'Cloud Engineer', 'Security Analyst']],
  ['Research', 6, 'RND', ['Labs', 'Applied Science', 'Prototyping'], ['Research Scientist', 'Research Engineer']],
  ['Human Resources', 4, 'HR', ['Talent', 'People Partners', 'Learning'], ['HR Partner', 'Recruiter']],
  ['Facilities', 4, 'FAC', ['Buildings', 'Security Desk'], ['Facilities Coordinator']],
  ['Legal', 2, 'LGL', ['Contracts', 'Compliance'], ['Counsel', 'Paralegal']],
  ['Executive', 1, 'EXE', ['Office of the CEO'], ['Director', 'Vice President']],
];

export const CITIES = [
  'London', 'Leeds', 'Dublin', 'Paris', 'Lyon', 'Berlin', 'Munich', 'Hamburg', 'Amsterdam', 'Madrid', 'Lisbon', 'Milan',
  'Stockholm', 'Oslo', 'Warsaw', 'Prague', 'Vienna', 'Zurich', 'New York', 'Boston', 'Chicago', 'Austin', 'Seattle',
  'Toronto', 'Vancouver', 'Mexico City', 'Sao Paulo', 'Singapore', 'Tokyo', 'Sydney', 'Bangalore', 'Dubai', 'Cape Town',
];

export const PROJECT_WORDS = [
  'Aurora', 'Borealis', 'Cobalt', 'Delta', 'Ember', 'Falcon', 'Granite', 'Harbor', 'Indigo', 'Juniper', 'Keystone', 'Lumen',
  'Meridian', 'Nimbus', 'Orion', 'Pioneer', 'Quartz', 'Redwood', 'Summit', 'Tundra', 'Unity', 'Vertex', 'Willow', 'Zenith',
];

export const APP_WORDS = [
  'orders', 'billing', 'inventory', 'crm', 'hr-portal', 'payroll', 'analytics', 'reporting', 'catalog', 'shipping', 'booking',
  'ticketing', 'wiki', 'intranet', 'expenses', 'timesheets', 'etl', 'backup', 'monitoring', 'deploy',
];

/** Built-in directory roles: [templateId, displayName]. `isPrivileged` comes from Microsoft's list (wellknown.ts). */
export const DIRECTORY_ROLES: readonly (readonly [string, string])[] = [
  ['62e90394-69f5-4237-9190-012177145e10', 'Global Administrator'],
  ['e8611ab8-c189-46e8-94e1-60213ab1f814', 'Privileged Role Administrator'],
  ['7be44c8a-adaf-4e2a-84d6-ab2649e08a13', 'Privileged Authentication Administrator'],
  ['194ae4cb-b126-40b2-bd5b-6091b380977d', 'Security Administrator'],
  ['5f2222b1-57c3-48ba-8ad5-d4759f1fde6f', 'Security Operator'],
  ['5d6b6bb7-de71-4623-b4af-96380a352509', 'Security Reader'],
  ['fe930be7-5e62-47db-91af-98c3a49a38b1', 'User Administrator'],
  ['29232cdf-9323-42fd-ade2-1d097af3e4de', 'Exchange Administrator'],
  ['f28a1f50-f6e7-4571-818b-6a12f2af6b6c', 'SharePoint Administrator'],
  ['69091246-20e8-4a56-aa4d-066075b2a7a8', 'Teams Administrator'],
  ['b1be1c3e-b65d-4f19-8427-f6fa0d97feb9', 'Conditional Access Administrator'],
  ['729827e3-9c14-49f7-bb1b-9608f156bbb8', 'Helpdesk Administrator'],
  ['966707d0-3269-4727-9be2-8c3a10f19b9d', 'Password Administrator'],
  ['b0f54661-2d74-4c50-afa3-1ec803f12efe', 'Billing Administrator'],
  ['c4e39bd9-1100-46d3-8c65-fb160da0071f', 'Authentication Administrator'],
  ['0526716b-113d-4c15-b2c8-68e3c22b9f80', 'Authentication Policy Administrator'],
  ['9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', 'Application Administrator'],
  ['158c047a-c907-4556-b7ef-446551a6b5f7', 'Cloud Application Administrator'],
  ['3a2c62db-5318-420d-8d74-23affee5d9d5', 'Intune Administrator'],
  ['8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2', 'Hybrid Identity Administrator'],
  ['f2ef992c-3afb-46b9-b7cf-a126ee74c451', 'Global Reader'],
  ['45d8d3c5-c802-45c6-b32a-1d70b5e1e86e', 'Identity Governance Administrator'],
  ['17315797-102d-40b4-93e0-432062caca18', 'Compliance Administrator'],
  ['fdd7a751-b60b-444a-984c-02652fe8fa1c', 'Groups Administrator'],
  ['4d6ac14f-3453-41d0-bef9-a3e0c569773a', 'License Administrator'],
  ['f023fd81-a637-4b56-95fd-791ac0226033', 'Service Support Administrator'],
  ['4a5d8f65-41da-4de4-8968-e035b65339cf', 'Reports Reader'],
  ['790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b', 'Message Center Reader'],
  ['88d8e3e3-8f55-4a1e-953a-9b9898b8876b', 'Directory Readers'],
];

export const ROLE = {
  globalAdmin: '62e90394-69f5-4237-9190-012177145e10',
  privilegedRoleAdmin: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  privilegedAuthAdmin: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  securityAdmin: '194ae4cb-b126-40b2-bd5b-6091b380977d',
  securityOperator: '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f',
  userAdmin: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  exchangeAdmin: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  sharePointAdmin: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
  teamsAdmin: '69091246-20e8-4a56-aa4d-066075b2a7a8',
  conditionalAccessAdmin: 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  helpdeskAdmin: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  passwordAdmin: '966707d0-3269-4727-9be2-8c3a10f19b9d',
  billingAdmin: 'b0f54661-2d74-4c50-afa3-1ec803f12efe',
  authenticationAdmin: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  applicationAdmin: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  cloudApplicationAdmin: '158c047a-c907-4556-b7ef-446551a6b5f7',
  intuneAdmin: '3a2c62db-5318-420d-8d74-23affee5d9d5',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  reportsReader: '4a5d8f65-41da-4de4-8968-e035b65339cf',
  messageCenterReader: '790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b',
  directoryReaders: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
} as const;

/** Roles a synthetic administrator is given, with weights (GA deliberately rare). */
export const ADMIN_ROLE_WEIGHTS: readonly (readonly [string, number])[] = [
  [ROLE.globalAdmin, 4], [ROLE.privilegedRoleAdmin, 2], [ROLE.securityAdmin, 8], [ROLE.userAdmin, 10], [ROLE.exchangeAdmin, 10],
  [ROLE.sharePointAdmin, 8], [ROLE.teamsAdmin, 6], [ROLE.conditionalAccessAdmin, 3], [ROLE.helpdeskAdmin, 14],
  [ROLE.passwordAdmin, 3], [ROLE.billingAdmin, 4], [ROLE.authenticationAdmin, 5], [ROLE.applicationAdmin, 6],
  [ROLE.cloudApplicationAdmin, 5], [ROLE.intuneAdmin, 7], [ROLE.globalReader, 5], [ROLE.privilegedAuthAdmin, 1],
];

/** Roles a typical "require MFA for administrators" policy names (Microsoft's template list). */
export const CA_ADMIN_ROLES = [
  ROLE.globalAdmin, ROLE.securityAdmin, ROLE.sharePointAdmin, ROLE.exchangeAdmin, ROLE.conditionalAccessAdmin, ROLE.helpdeskAdmin,
  ROLE.billingAdmin, ROLE.userAdmin, ROLE.authenticationAdmin, ROLE.applicationAdmin, ROLE.cloudApplicationAdmin,
  ROLE.passwordAdmin, ROLE.privilegedAuthAdmin, ROLE.privilegedRoleAdmin,
];

export const ARM_APP = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
export const MICROSOFT_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

/** Microsoft first-party applications that show up as service principals in every tenant: [appId, displayName]. */
export const FIRST_PARTY_APPS: readonly (readonly [string, string])[] = [
  [ARM_APP, 'Windows Azure Service Management API'],
  ['00000003-0000-0000-c000-000000000000', 'Microsoft Graph'],
  ['00000002-0000-0ff1-ce00-000000000000', 'Office 365 Exchange Online'],
  ['00000003-0000-0ff1-ce00-000000000000', 'Office 365 SharePoint Online'],
  ['cc15fd57-2c6c-4117-a88c-83b1d56b4bbe', 'Microsoft Teams Services'],
  ['04b07795-8ddb-461a-bbee-02f9e1bf7b46', 'Microsoft Azure CLI'],
  ['1950a258-227b-4e31-a9cf-717495945fc2', 'Microsoft Azure PowerShell'],
  ['c44b4083-3bb0-49c1-b47d-974e53cbdf3c', 'Azure Portal'],
  ['0000000a-0000-0000-c000-000000000000', 'Microsoft Intune'],
  ['d4ebce55-015a-49b5-a083-c84d1797ae8c', 'Microsoft Intune Enrollment'],
  ['499b84ac-1321-427f-aa17-267ca6975798', 'Azure DevOps'],
  ['00000009-0000-0000-c000-000000000000', 'Power BI Service'],
  ['00000007-0000-0000-c000-000000000000', 'Dynamics CRM Online'],
];

/** Azure built-in roles in ARM REST shape (permissions abbreviated where Microsoft's lists are long). */
export const AZURE_BUILTIN_ROLES: readonly {
  name: string;
  roleName: string;
  description: string;
  actions: string[];
  notActions?: string[];
  dataActions?: string[];
}[] = [
  { name: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', roleName: 'Owner', description: 'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.', actions: ['*'] },
  {
    name: 'b24988ac-6180-42a0-ab88-20f7382dd24c', roleName: 'Contributor',
    description: 'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.',
    actions: ['*'],
    notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action',
      'Microsoft.Blueprint/blueprintAssignments/write', 'Microsoft.Blueprint/blueprintAssignments/delete', 'Microsoft.Compute/galleries/share/action',
      'Microsoft.Purview/consents/write', 'Microsoft.Purview/consents/delete', 'Microsoft.Resources/deploymentStacks/manageDenySetting/action',
      'Microsoft.Subscription/cancel/action', 'Microsoft.Subscription/enable/action'],
  },
  { name: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', roleName: 'Reader', description: 'View all resources, but does not allow you to make any changes.', actions: ['*/read'] },
  {
    name: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', roleName: 'User Access Administrator', description: 'Lets you manage user access to Azure resources.',
    actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'],
  },
  {
    name: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168', roleName: 'Role Based Access Control Administrator',
    description: 'Manage access to Azure resources by assigning roles using Azure RBAC. This role does not allow you to manage access using other ways, such as Azure Policy.',
    actions: ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignments/delete', '*/read', 'Microsoft.Support/*'],
  },
  {
    name: '9980e02c-c2be-4d73-94e8-173b1dc7cf3c', roleName: 'Virtual Machine Contributor',
    description: 'Create and manage virtual machines, manage disks, install and run software, reset password of the root user of the virtual machine using VM extensions, and manage local user accounts using VM extensions.',
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.Compute/availabilitySets/*', 'Microsoft.Compute/locations/*', 'Microsoft.Compute/virtualMachines/*',
      'Microsoft.Compute/virtualMachineScaleSets/*', 'Microsoft.Compute/disks/write', 'Microsoft.Compute/disks/read', 'Microsoft.Compute/disks/delete',
      'Microsoft.Network/networkInterfaces/*', 'Microsoft.Network/virtualNetworks/read', 'Microsoft.Network/virtualNetworks/subnets/join/action',
      'Microsoft.Resources/deployments/*', 'Microsoft.Resources/subscriptions/resourceGroups/read', 'Microsoft.Storage/storageAccounts/read',
      'Microsoft.Support/*'],
  },
  {
    name: '4d97b98b-1d4f-4787-a291-c67834d212e7', roleName: 'Network Contributor', description: 'Lets you manage networks, but not access to them.',
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.Insights/alertRules/*', 'Microsoft.Network/*', 'Microsoft.ResourceHealth/availabilityStatuses/read',
      'Microsoft.Resources/deployments/*', 'Microsoft.Resources/subscriptions/resourceGroups/read', 'Microsoft.Support/*'],
  },
  {
    name: '00482a5a-887f-4fb3-b363-3b7fe8e74483', roleName: 'Key Vault Administrator',
    description: 'Perform all data plane operations on a key vault and all objects in it, including certificates, keys, and secrets. Cannot manage key vault resources or manage role assignments.',
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.Insights/alertRules/*', 'Microsoft.Resources/deployments/*', 'Microsoft.Resources/subscriptions/resourceGroups/read',
      'Microsoft.Support/*', 'Microsoft.KeyVault/checkNameAvailability/read', 'Microsoft.KeyVault/deletedVaults/read', 'Microsoft.KeyVault/locations/*/read',
      'Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/operations/read'],
    dataActions: ['Microsoft.KeyVault/vaults/*'],
  },
  {
    name: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', roleName: 'Storage Blob Data Reader', description: 'Read and list Azure Storage containers and blobs.',
    actions: ['Microsoft.Storage/storageAccounts/blobServices/containers/read', 'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action'],
    dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'],
  },
];

export const AZ = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  userAccessAdmin: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  rbacAdmin: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  vmContributor: '9980e02c-c2be-4d73-94e8-173b1dc7cf3c',
  networkContributor: '4d97b98b-1d4f-4787-a291-c67834d212e7',
  keyVaultAdmin: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
  blobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
} as const;

/** Built-in authentication strengths, as GET /policies/authenticationStrengthPolicies returns them. */
export const BUILTIN_STRENGTHS = [
  {
    id: '00000000-0000-0000-0000-000000000002',
    createdDateTime: '2021-12-01T00:00:00Z',
    modifiedDateTime: '2021-12-01T00:00:00Z',
    displayName: 'Multifactor authentication',
    description: 'Combinations of methods that satisfy strong authentication, such as a password + SMS',
    policyType: 'builtIn',
    requirementsSatisfied: 'mfa',
    allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor', 'deviceBasedPush', 'temporaryAccessPassOneTime',
      'temporaryAccessPassMultiUse', 'password,microsoftAuthenticatorPush', 'password,softwareOath', 'password,hardwareOath',
      'password,x509CertificateSingleFactor', 'password,x509CertificateMultiFactor', 'password,sms', 'password,voice', 'federatedMultiFactor',
      'microsoftAuthenticatorPush,federatedSingleFactor', 'softwareOath,federatedSingleFactor', 'hardwareOath,federatedSingleFactor',
      'sms,federatedSingleFactor', 'voice,federatedSingleFactor'],
    combinationConfigurations: [],
  },
  {
    id: '00000000-0000-0000-0000-000000000003',
    createdDateTime: '2021-12-01T00:00:00Z',
    modifiedDateTime: '2021-12-01T00:00:00Z',
    displayName: 'Passwordless MFA',
    description: 'Passwordless methods that satisfy strong authentication, such as Passwordless sign-in with the Microsoft Authenticator',
    policyType: 'builtIn',
    requirementsSatisfied: 'mfa',
    allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor', 'deviceBasedPush'],
    combinationConfigurations: [],
  },
  {
    id: '00000000-0000-0000-0000-000000000004',
    createdDateTime: '2021-12-01T00:00:00Z',
    modifiedDateTime: '2021-12-01T00:00:00Z',
    displayName: 'Phishing resistant MFA',
    description: 'Phishing resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key',
    policyType: 'builtIn',
    requirementsSatisfied: 'mfa',
    allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor'],
    combinationConfigurations: [],
  },
] as const;

/** Registration method mixes of ordinary members: [methodsRegistered, weight]. */
export const MEMBER_METHOD_MIXES: readonly (readonly [readonly string[], number])[] = [
  [[], 7],
  [['email'], 3],
  [['microsoftAuthenticatorPush', 'softwareOneTimePasscode'], 30],
  [['mobilePhone'], 15],
  [['microsoftAuthenticatorPush', 'passKeyDeviceBoundAuthenticator'], 15],
  [['microsoftAuthenticatorPush', 'softwareOneTimePasscode', 'mobilePhone'], 26],
  [['windowsHelloForBusiness', 'microsoftAuthenticatorPush'], 4],
];

export const ADMIN_METHOD_MIXES: readonly (readonly [readonly string[], number])[] = [
  [['microsoftAuthenticatorPush', 'softwareOneTimePasscode', 'passKeyDeviceBoundAuthenticator'], 60],
  [['fido2SecurityKey', 'microsoftAuthenticatorPush'], 28],
  [['microsoftAuthenticatorPush', 'softwareOneTimePasscode'], 9],
  [[], 3],
];

export const MFA_METHODS = new Set([
  'microsoftAuthenticatorPush', 'softwareOneTimePasscode', 'hardwareOneTimePasscode', 'mobilePhone', 'alternateMobilePhone', 'officePhone',
  'passKeyDeviceBound', 'passKeyDeviceBoundAuthenticator', 'passKeyDeviceBoundWindowsHello', 'windowsHelloForBusiness', 'fido2SecurityKey',
]);
export const PASSWORDLESS_METHODS = new Set([
  'passKeyDeviceBound', 'passKeyDeviceBoundAuthenticator', 'passKeyDeviceBoundWindowsHello', 'windowsHelloForBusiness', 'fido2SecurityKey',
]);
