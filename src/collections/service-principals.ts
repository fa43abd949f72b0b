/** `servicePrincipals`: enterprise applications (CA policies name them by appId). */
import type { CollectionDescriptor } from './descriptor.js';

export const servicePrincipals: CollectionDescriptor = {
  key: 'servicePrincipals',
  family: 'directory',
  storage: 'file',
  source: {
    kind: 'graphList', version: 'v1.0', path: '/servicePrincipals', top: 999, checkpoint: 'pages',
    select: ['id', 'appId', 'displayName', 'servicePrincipalType', 'accountEnabled', 'appOwnerOrganizationId', 'alternativeNames'],
  },
  schema: { kind: 'array', item: { 'id!': 'string', appId: 'string' } },
};
