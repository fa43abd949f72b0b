/** `authenticationRequirements`: per-user MFA state for the users the user list did not answer for. */
import type { CollectionDescriptor } from './descriptor.js';

export const authenticationRequirements: CollectionDescriptor = {
  key: 'authenticationRequirements',
  family: 'directory',
  storage: 'file',
  dependsOn: ['users'],
  source: {
    kind: 'graphPerObject', version: 'beta', path: (id) => `/users/${id}/authentication/requirements`, shape: 'object', cost: 1,
    batch: (o) => o.perUserMfa !== 'naive',
    ids: {
      from: 'users',
      pick: (o) => (u) => (o.perUserMfa !== 'auto' || typeof u.perUserMfaState !== 'string' ? (u.id as string) : undefined),
      noneNote: 'perUserMfaState came with the user list',
    },
  },
  schema: { kind: 'map', value: 'object', item: { perUserMfaState: 'string' } },
};
