import { azureTierRule } from '../azure-tier.js';

export default azureTierRule('read', {
  id: 'azure-read-mfa',
  title: 'Accounts with read permissions on Azure resources must be covered by MFA',
  severity: 'medium',
  resourceType: 'user',
  protectsAgainst: 'a stolen password of a reader exposes the configuration and secrets-adjacent metadata of Azure resources',
  origin: 'Defender for Cloud "Accounts with read permissions on Azure resources should be MFA enabled" (policy 81b3ccb4-e6e8-4e4a-8d05-5df25cd29fd4)',
  references: ['https://learn.microsoft.com/azure/defender-for-cloud/multi-factor-authentication-enforcement'],
  remediation: 'Require MFA for Azure management for these users (CA policy on All resources or Windows Azure Service Management API), or security defaults.',
});
