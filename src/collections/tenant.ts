/** `tenant`: the organization (id, name, verified domains), kept in the manifest. */
import type { TenantInfo } from '../snapshot/types.js';
import type { CollectionDescriptor, Item } from './descriptor.js';

export const tenant: CollectionDescriptor = {
  key: 'tenant',
  family: 'directory',
  storage: 'manifest',
  source: {
    kind: 'graphObject', version: 'v1.0', path: '/organization', select: ['id', 'displayName', 'verifiedDomains'],
    toValue: (body, o): TenantInfo => {
      const org = (Array.isArray(body.value) ? body.value[0] : undefined) as Item | undefined;
      if (!org || typeof org.id !== 'string') throw new Error('GET /organization returned no organization');
      const domains = (Array.isArray(org.verifiedDomains) ? org.verifiedDomains : []) as Item[];
      const initial = domains.find((d) => d.isInitial === true)?.name ?? domains.find((d) => d.isDefault === true)?.name;
      return {
        id: org.id,
        displayName: (org.displayName as string | null | undefined) ?? null,
        ...(typeof initial === 'string' ? { defaultDomain: initial } : {}),
        cloud: o.cloud,
        ...(domains.length ? { verifiedDomains: domains.map((d) => ({ name: d.name, isInitial: d.isInitial, isDefault: d.isDefault, type: d.type })) } : {}),
      } as TenantInfo;
    },
  },
};
