/** `namedLocations`: Conditional Access named locations (which are trusted). */
import type { CollectionDescriptor } from './descriptor.js';

export const namedLocations: CollectionDescriptor = {
  key: 'namedLocations',
  family: 'ca',
  storage: 'file',
  source: { kind: 'graphList', version: 'v1.0', path: '/identity/conditionalAccess/namedLocations', checkpoint: 'whole' },
  schema: { kind: 'array', item: { 'id!': 'string', isTrusted: 'boolean' } },
};
