/** `users`: every user, with `perUserMfaState` from the (beta) list where Graph offers it. */
import type { CollectionDescriptor } from './descriptor.js';

export const users: CollectionDescriptor = {
  key: 'users',
  family: 'directory',
  storage: 'file',
  source: {
    kind: 'graphList', version: 'beta', path: '/users', top: 999, checkpoint: 'pages', countPath: 'users',
    select: [
      'id', 'userPrincipalName', 'displayName', 'givenName', 'surname', 'mail', 'otherMails', 'userType', 'accountEnabled',
      'creationType', 'externalUserState', 'externalUserStateChangeDateTime', 'identities', 'onPremisesSyncEnabled',
      'createdDateTime', 'department', 'jobTitle',
    ],
    // `auto` takes per-user MFA from the list; a Graph without it in $select is asked per user instead.
    optionalSelect: { field: 'perUserMfaState', when: (o) => o.perUserMfa === 'auto', droppedNote: 'perUserMfaState not in list' },
  },
  schema: {
    kind: 'array',
    item: {
      'id!': 'string', userPrincipalName: 'string', displayName: 'string', mail: 'string', otherMails: 'string[]',
      userType: 'string', accountEnabled: 'boolean', creationType: 'string', identities: 'object[]',
      perUserMfaState: 'string',
    },
  },
};
