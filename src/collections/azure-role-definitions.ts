/** `azureRoleDefinitions`: Azure RBAC role definitions (built-in and custom), tenant-wide. */
import type { EachType } from '../snapshot/schema.js';
import type { CollectionDescriptor } from './descriptor.js';

/** The tier (owner / write / read) is computed from these lists: a non-string action would be misread. */
const PERMISSIONS: EachType = { each: { actions: 'string[]', notActions: 'string[]', dataActions: 'string[]', notDataActions: 'string[]' } };

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
    uniqueBy: false, // collected per subscription: built-in definitions are listed once per subscription
    item: {
      'id!': 'string', name: 'string', properties: 'object', 'properties.roleName': 'string', 'properties.permissions': PERMISSIONS,
      permissions: PERMISSIONS, roleName: 'string',
    },
  },
};
