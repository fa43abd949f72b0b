import { azureTierRule } from '../azure-tier.js';

export default azureTierRule('write', {
  id: 'azure-write-mfa',
  title: 'Accounts with write permissions on Azure resources must be covered by MFA',
  severity: 'high',
  resourceType: 'user',
  protectsAgainst: 'a stolen password of a contributor lets an attacker change or destroy Azure resources',
  origin: 'Defender for Cloud "Accounts with write permissions on Azure resources should be MFA enabled" (policy 931e118d-50a1-4457-a5e4-78550e086c52)',
  references: ['https://learn.microsoft.com/azure/defender-for-cloud/multi-factor-authentication-enforcement'],
  remediation: 'Require MFA for Azure management for these users (CA policy on All resources or Windows Azure Service Management API, not excluding it), or security defaults. Accounts used by scripts should move to a managed identity or service principal: Microsoft enforces MFA on Azure create/update/delete operations for every user account.',
});
