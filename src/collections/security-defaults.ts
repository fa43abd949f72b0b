/** `securityDefaults`: the security defaults policy, kept in the manifest. */
import type { CollectionDescriptor } from './descriptor.js';

export const securityDefaults: CollectionDescriptor = {
  key: 'securityDefaults',
  family: 'directory',
  storage: 'manifest',
  source: { kind: 'graphObject', version: 'v1.0', path: '/policies/identitySecurityDefaultsEnforcementPolicy' },
  schema: { kind: 'object', item: { 'isEnabled!': 'boolean' } },
};
