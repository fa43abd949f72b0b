/**
 * `conditionalAccessPolicies`: every CA policy (beta: all condition types). Conditional Access allows
 * 1 request / s per tenant for all apps, hence its own family.
 */
import type { FieldType, ItemSchema } from '../snapshot/schema.js';
import type { CollectionDescriptor } from './descriptor.js';

const stringLists = (prefix: string, names: string[]): ItemSchema =>
  Object.fromEntries(names.map((n) => [`${prefix}.${n}`, 'string[]' as FieldType]));

export const conditionalAccessPolicies: CollectionDescriptor = {
  key: 'conditionalAccessPolicies',
  family: 'ca',
  storage: 'file',
  source: { kind: 'graphList', version: 'beta', path: '/identity/conditionalAccess/policies', checkpoint: 'whole' },
  schema: {
    kind: 'array',
    item: {
      'id!': 'string', displayName: 'string', state: 'string', conditions: 'object', grantControls: 'object',
      'conditions.users': 'object', 'conditions.applications': 'object', 'conditions.clientAppTypes': 'string[]',
      'conditions.platforms': 'object', 'conditions.locations': 'object', 'conditions.devices': 'object',
      'conditions.signInRiskLevels': 'string[]', 'conditions.userRiskLevels': 'string[]', 'conditions.insiderRiskLevels': 'string|string[]',
      'conditions.users.includeGuestsOrExternalUsers': 'object', 'conditions.users.excludeGuestsOrExternalUsers': 'object',
      ...stringLists('conditions.users', ['includeUsers', 'excludeUsers', 'includeGroups', 'excludeGroups', 'includeRoles', 'excludeRoles']),
      ...stringLists('conditions.applications', ['includeApplications', 'excludeApplications', 'includeUserActions', 'includeAuthenticationContextClassReferences']),
      ...stringLists('conditions.locations', ['includeLocations', 'excludeLocations']),
      ...stringLists('conditions.platforms', ['includePlatforms', 'excludePlatforms']),
      'grantControls.operator': 'string', 'grantControls.builtInControls': 'string[]',
      'grantControls.customAuthenticationFactors': 'string[]', 'grantControls.termsOfUse': 'string[]',
      'grantControls.authenticationStrength': 'object',
    },
  },
};
