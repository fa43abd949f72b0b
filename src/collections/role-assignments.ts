/** `roleAssignments`: active directory role assignments. */
import type { CollectionDescriptor } from './descriptor.js';

export const roleAssignments: CollectionDescriptor = {
  key: 'roleAssignments',
  family: 'directory',
  storage: 'file',
  source: {
    kind: 'graphList', version: 'v1.0', path: '/roleManagement/directory/roleAssignments', checkpoint: 'whole',
    select: ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId', 'condition'],
  },
  schema: { kind: 'array', item: { 'principalId!': 'string', 'roleDefinitionId!': 'string', directoryScopeId: 'string' } },
};
