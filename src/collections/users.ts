/** `users`: every user, with `perUserMfaState` from the (beta) list where Graph offers it. */
import type { EnumType } from '../snapshot/schema.js';
import type { CollectionDescriptor } from './descriptor.js';

/** Open: Graph documents Member and Guest but types userType as a plain string; anything else is read as a member. */
const USER_TYPE: EnumType = { oneOf: ['Member', 'Guest'], closed: false };

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
      userType: USER_TYPE, accountEnabled: 'boolean', creationType: 'string',
      identities: { each: { signInType: 'string', issuer: 'string', issuerAssignedId: 'string' } },
      perUserMfaState: 'string',
    },
  },
};
