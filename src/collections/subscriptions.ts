/** `subscriptions`: the Azure subscriptions the principal can see (the per-subscription lists need them). */
import type { CollectionDescriptor } from './descriptor.js';

export const subscriptions: CollectionDescriptor = {
  key: 'subscriptions',
  family: 'arm',
  azure: true,
  storage: 'file',
  source: { kind: 'armList', path: '/subscriptions?api-version=2022-12-01' },
  schema: { kind: 'array', item: { 'subscriptionId!': 'string', displayName: 'string' } },
};
