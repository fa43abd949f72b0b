/** `userRegistrationDetails`: MFA registration per user (reports API, Entra ID P1/P2). */
import type { CollectionDescriptor } from './descriptor.js';

export const userRegistrationDetails: CollectionDescriptor = {
  key: 'userRegistrationDetails',
  family: 'reports',
  storage: 'file',
  source: { kind: 'graphList', version: 'beta', path: '/reports/authenticationMethods/userRegistrationDetails', top: 999, checkpoint: 'pages', progressTotalFrom: 'users' },
  schema: {
    kind: 'array',
    // one record per user, read through a map by user id: a repeat replaces, it never counts twice, and
    // checking 1M more ids would cost the load more than it protects
    uniqueBy: false,
    item: { 'id!': 'string', isMfaCapable: 'boolean', isMfaRegistered: 'boolean', methodsRegistered: 'string[]' },
  },
};
