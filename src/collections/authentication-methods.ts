/**
 * `authenticationMethods`: the registered methods of the break-glass accounts (`--auth-methods-for`
 * names them; by default the accounts src/snapshot/break-glass.ts recognises), so a rule can check
 * they have a phishing-resistant one (DirectoryModel.hasPhishingResistantMethod). Per user, through
 * `$batch`; only a handful of users, so it costs a few requests.
 */
import { breakGlassMatcher } from '../snapshot/break-glass.js';
import type { GraphUser } from '../snapshot/types.js';
import type { CollectionDescriptor } from './descriptor.js';

export const authenticationMethods: CollectionDescriptor = {
  key: 'authenticationMethods',
  family: 'directory',
  storage: 'file',
  dependsOn: ['users'],
  skip: (o) => (o.authMethodsFor === 'none' ? 'not requested' : undefined),
  source: {
    kind: 'graphPerObject', version: 'v1.0', path: (id) => `/users/${id}/authentication/methods`, shape: 'list', cost: 1,
    batch: () => true,
    ids: {
      from: 'users',
      pick: (o) => {
        const isBreakGlass = breakGlassMatcher(o.authMethodsFor === 'auto' || o.authMethodsFor === 'none' ? undefined : o.authMethodsFor);
        return (u) => (isBreakGlass(u as unknown as GraphUser) ? (u.id as string) : undefined);
      },
      noneNote: 'no break-glass accounts recognised; name them with --auth-methods-for',
    },
  },
  schema: { kind: 'map', value: 'array', item: { '@odata.type': 'string' } },
};
