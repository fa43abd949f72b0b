/** `groupMembers`: direct members of every group (ids and types), read per group through `$batch`. */
import type { CollectionDescriptor } from './descriptor.js';

export const groupMembers: CollectionDescriptor = {
  key: 'groupMembers',
  family: 'directory',
  storage: 'file',
  dependsOn: ['groups'],
  source: {
    kind: 'graphPerObject', version: 'v1.0', path: (id) => `/groups/${id}/members?$select=id&$top=999`, shape: 'list', cost: 2,
    batch: () => true,
    ids: { from: 'groups', pick: () => (g) => g.id as string },
  },
  schema: { kind: 'map', value: 'array', item: { 'id!': 'string', '@odata.type': 'string' } },
};
