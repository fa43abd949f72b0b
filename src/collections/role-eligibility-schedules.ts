/** `roleEligibilitySchedules`: PIM-eligible directory roles. */
import type { CollectionDescriptor } from './descriptor.js';

export const roleEligibilitySchedules: CollectionDescriptor = {
  key: 'roleEligibilitySchedules',
  family: 'directory',
  storage: 'file',
  source: { kind: 'graphList', version: 'v1.0', path: '/roleManagement/directory/roleEligibilitySchedules', checkpoint: 'whole' },
  schema: {
    kind: 'array',
    item: { 'principalId!': 'string', 'roleDefinitionId!': 'string', directoryScopeId: 'string', status: 'string', scheduleInfo: 'object',
      'scheduleInfo.startDateTime': 'string', 'scheduleInfo.expiration': 'object', 'scheduleInfo.expiration.type': 'string', 'scheduleInfo.expiration.endDateTime': 'string' },
  },
};
