/** `azureRoleDefinitions`: Azure RBAC role definitions (built-in and custom), tenant-wide. */
import type { CollectionDescriptor } from './descriptor.js';

export const azureRoleDefinitions: CollectionDescriptor = {
  key: 'azureRoleDefinitions',
  family: 'arg',
  azure: true,
  storage: 'file',
  source: {
    kind: 'armPerSubscription',
    path: (s) => `/subscriptions/${s}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01`,
    dedupe: (d) => String(d.name ?? d.id),
    resourceGraphType: { query: 'microsoft.authorization/roledefinitions', armType: 'Microsoft.Authorization/roleDefinitions' },
  },
  schema: {
    kind: 'array',
    item: { 'id!': 'string', properties: 'object', 'properties.roleName': 'string', 'properties.permissions': 'object[]', permissions: 'object[]', roleName: 'string' },
  },
};
