/** `authenticationStrengthPolicies`: built-in and custom authentication strengths. */
import type { CollectionDescriptor } from './descriptor.js';

export const authenticationStrengthPolicies: CollectionDescriptor = {
  key: 'authenticationStrengthPolicies',
  family: 'directory',
  storage: 'file',
  source: { kind: 'graphList', version: 'v1.0', path: '/policies/authenticationStrengthPolicies', checkpoint: 'whole' },
  schema: { kind: 'array', item: { 'id!': 'string', requirementsSatisfied: 'string', allowedCombinations: 'string[]' } },
};
