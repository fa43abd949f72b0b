/** `roleDefinitions`: Entra ID directory roles (beta: `isPrivileged`). */
import type { CollectionDescriptor } from './descriptor.js';

export const roleDefinitions: CollectionDescriptor = {
  key: 'roleDefinitions',
  family: 'directory',
  storage: 'file',
  source: {
    kind: 'graphList', version: 'beta', path: '/roleManagement/directory/roleDefinitions', checkpoint: 'whole',
    select: ['id', 'description', 'displayName', 'isBuiltIn', 'isEnabled', 'isPrivileged', 'resourceScopes', 'templateId', 'version'],
  },
  schema: { kind: 'array', item: { 'id!': 'string', templateId: 'string', displayName: 'string', isPrivileged: 'boolean' } },
};
