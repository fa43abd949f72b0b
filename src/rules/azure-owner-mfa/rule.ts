import { azureTierRule } from '../azure-tier.js';

export default azureTierRule('owner', {
  id: 'azure-owner-mfa',
  title: 'Accounts with owner permissions on Azure resources must be covered by MFA',
  severity: 'high',
  resourceType: 'user',
  protectsAgainst: 'a stolen password of an Azure owner gives full control of subscriptions, including granting access to others',
  origin: 'Defender for Cloud "Accounts with owner permissions on Azure resources should be MFA enabled" (policy e3e008c3-56b9-4133-8fd7-d3347377402a)',
  references: [
    'https://learn.microsoft.com/azure/defender-for-cloud/multi-factor-authentication-enforcement',
    'https://learn.microsoft.com/entra/identity/authentication/concept-mandatory-multifactor-authentication',
  ],
  remediation: 'Require MFA for Azure management: an enabled Conditional Access policy that targets All resources or "Windows Azure Service Management API" (797f4846-…) for these users (not only for directory roles), without excluding that app; or enable security defaults. Remove the account from the policy\'s exclusions unless it is a declared break-glass account.',
});
