/** `classicAdministrators`: classic subscription administrators (co-administrators), per subscription. */
import type { CollectionDescriptor } from './descriptor.js';

export const classicAdministrators: CollectionDescriptor = {
  key: 'classicAdministrators',
  family: 'arm',
  azure: true,
  storage: 'file',
  dependsOn: ['subscriptions'],
  source: {
    kind: 'armPerSubscription',
    path: (s) => `/subscriptions/${s}/providers/Microsoft.Authorization/classicAdministrators?api-version=2015-07-01`,
    dedupe: (c) => String(c.id),
  },
  schema: {
    kind: 'array',
    uniqueBy: false, // collected per subscription: listed per subscription
    item: { 'id!': 'string', 'properties!': 'object', 'properties.emailAddress!': 'string', 'properties.role': 'string' },
  },
};
