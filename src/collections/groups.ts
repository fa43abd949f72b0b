/** `groups`: every group (membership comes from `groupMembers`). */
import type { CollectionDescriptor } from './descriptor.js';

export const groups: CollectionDescriptor = {
  key: 'groups',
  family: 'directory',
  storage: 'file',
  source: {
    kind: 'graphList', version: 'v1.0', path: '/groups', top: 999, checkpoint: 'pages', countPath: 'groups',
    select: [
      'id', 'displayName', 'description', 'mailEnabled', 'mailNickname', 'securityEnabled', 'isAssignableToRole', 'groupTypes',
      'membershipRule', 'membershipRuleProcessingState', 'createdDateTime',
    ],
  },
  schema: { kind: 'array', item: { 'id!': 'string', displayName: 'string', isAssignableToRole: 'boolean' } },
};
