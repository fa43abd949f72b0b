/** `azureRoleAssignments`: Azure RBAC role assignments at every scope (management groups to resources). */
import type { CollectionDescriptor } from './descriptor.js';

export const azureRoleAssignments: CollectionDescriptor = {
  key: 'azureRoleAssignments',
  family: 'arg',
  azure: true,
  storage: 'file',
  source: {
    kind: 'armPerSubscription',
    path: (s) => `/subscriptions/${s}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`,
    dedupe: (a) => String(a.id),
    resourceGraphType: { query: 'microsoft.authorization/roleassignments', armType: 'Microsoft.Authorization/roleAssignments' },
  },
  schema: {
    kind: 'array',
    uniqueBy: false, // collected per subscription: an assignment inherited from a management group is listed under every subscription below it
    item: { 'id!': 'string', 'properties!': 'object', 'properties.principalId!': 'string', 'properties.roleDefinitionId!': 'string', 'properties.principalType': 'string', 'properties.scope': 'string' },
  },
};
