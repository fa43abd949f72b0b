/** The demo tenant's Azure side: subscriptions, role definitions, role assignments, classic administrators. */
import type { AzurePermission, AzureRoleAssignment, AzureRoleDefinition, AzureSubscription, ClassicAdministrator } from '../../src/snapshot/types.js';
import { AZ, MG, rgScope, SUB, subScope, TENANT_ID } from './constants.js';
import { G, SP } from './directory.js';
import { U } from './people.js';
import { guid } from './random.js';

export const subscriptions: AzureSubscription[] = ([
  ['prod', 'Northwind-Production'],
  ['dev', 'Northwind-Development'],
  ['sandbox', 'Northwind-Sandbox'],
] as const).map(([k, name]) => ({
  id: subScope(SUB[k]),
  authorizationSource: 'RoleBased',
  managedByTenants: [],
  subscriptionId: SUB[k],
  tenantId: TENANT_ID,
  displayName: name,
  state: 'Enabled',
  subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' },
}));

const azDef = (
  guidId: string, roleName: string, type: 'BuiltInRole' | 'CustomRole', description: string, permissions: AzurePermission[], assignableScopes: string[], idPrefix = '',
) => ({
  properties: {
    roleName,
    type,
    description,
    assignableScopes,
    permissions: permissions.map((p) => ({ actions: p.actions, notActions: p.notActions ?? [], dataActions: p.dataActions ?? [], notDataActions: p.notDataActions ?? [] })),
    createdOn: type === 'BuiltInRole' ? '2015-02-02T21:55:09.8806423Z' : '2023-05-10T12:00:00.0000000Z',
    updatedOn: type === 'BuiltInRole' ? '2024-05-20T15:45:00.0000000Z' : '2025-01-22T08:30:00.0000000Z',
    createdBy: type === 'BuiltInRole' ? null : U('priya.raman').id,
    updatedBy: type === 'BuiltInRole' ? null : U('priya.raman').id,
  },
  id: `${idPrefix}/providers/Microsoft.Authorization/roleDefinitions/${guidId}`,
  type: 'Microsoft.Authorization/roleDefinitions',
  name: guidId,
});
export const azureRoleDefinitions: AzureRoleDefinition[] = [
  azDef(AZ.owner, 'Owner', 'BuiltInRole', 'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.', [{ actions: ['*'] }], ['/']),
  azDef(AZ.contributor, 'Contributor', 'BuiltInRole',
    'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.',
    [{
      actions: ['*'],
      notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action',
        'Microsoft.Blueprint/blueprintAssignments/write', 'Microsoft.Blueprint/blueprintAssignments/delete', 'Microsoft.Compute/galleries/share/action',
        'Microsoft.Purview/consents/write', 'Microsoft.Purview/consents/delete', 'Microsoft.Resources/deploymentStacks/manageDenySetting/action',
        'Microsoft.Subscription/cancel/action', 'Microsoft.Subscription/enable/action'],
    }], ['/']),
  azDef(AZ.reader, 'Reader', 'BuiltInRole', 'View all resources, but does not allow you to make any changes.', [{ actions: ['*/read'] }], ['/']),
  azDef(AZ.userAccessAdmin, 'User Access Administrator', 'BuiltInRole', 'Lets you manage user access to Azure resources.',
    [{ actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'] }], ['/']),
  azDef(AZ.vmOperator, 'Northwind VM Operator', 'CustomRole', 'Start, stop, restart and redeploy virtual machines; read everything in scope.', [{
    actions: ['*/read', 'Microsoft.Compute/virtualMachines/start/action', 'Microsoft.Compute/virtualMachines/powerOff/action',
      'Microsoft.Compute/virtualMachines/restart/action', 'Microsoft.Compute/virtualMachines/deallocate/action', 'Microsoft.Compute/virtualMachines/redeploy/action',
      'Microsoft.Support/*'],
    notActions: [],
  }], [MG], subScope(SUB.prod)),
  azDef(AZ.costReader, 'Northwind Cost Reader', 'CustomRole', 'Read cost, budgets and invoices.', [{
    actions: ['Microsoft.Consumption/*/read', 'Microsoft.CostManagement/*/read', 'Microsoft.Billing/*/read', 'Microsoft.Resources/subscriptions/read',
      'Microsoft.Resources/subscriptions/resourceGroups/read'],
    notActions: [],
  }], [MG], subScope(SUB.prod)),
];

export const azAssign = (key: string, scope: string, roleGuid: string, principalId: string, principalType: string, createdOn: string): AzureRoleAssignment => {
  const name = guid(`ra:${key}`);
  const defScope = scope.startsWith('/subscriptions/') ? `/subscriptions/${scope.split('/')[2]}` : '';
  return {
    properties: {
      roleDefinitionId: `${defScope}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
      principalId,
      principalType,
      scope,
      condition: null,
      conditionVersion: null,
      createdOn,
      updatedOn: createdOn,
      createdBy: U('priya.raman').id,
      updatedBy: U('priya.raman').id,
      delegatedManagedIdentityResourceId: null,
      description: null,
    },
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    type: 'Microsoft.Authorization/roleAssignments',
    name,
  };
};
export const azureRoleAssignments: AzureRoleAssignment[] = [
  // management group scope
  azAssign('mg-owner-platform', MG, AZ.owner, G('Azure-Platform-Admins').id, 'Group', '2020-06-10T10:00:00.0000000Z'),
  azAssign('mg-reader-ceo', MG, AZ.reader, U('steven.buchanan').id, 'User', '2021-01-05T10:00:00.0000000Z'),
  azAssign('mg-uaa-afuller', MG, AZ.userAccessAdmin, U('adm-afuller').id, 'User', '2022-02-14T10:00:00.0000000Z'),
  // subscription scope
  azAssign('prod-contrib-svcdeploy', subScope(SUB.prod), AZ.contributor, U('svc-deploy').id, 'User', '2021-04-08T17:00:00.0000000Z'),
  azAssign('prod-costreader-finance', subScope(SUB.prod), AZ.costReader, G('Finance').id, 'Group', '2023-05-10T12:30:00.0000000Z'),
  azAssign('prod-reader-mi', subScope(SUB.prod), AZ.reader, SP['mi-northwind-orders-func'].id, 'ServicePrincipal', '2024-03-01T10:00:00.0000000Z'),
  azAssign('dev-contrib-developers', subScope(SUB.dev), AZ.contributor, G('Developers').id, 'Group', '2020-07-01T10:00:00.0000000Z'),
  azAssign('dev-contrib-github', subScope(SUB.dev), AZ.contributor, SP['github-actions-deploy'].id, 'ServicePrincipal', '2022-09-12T10:00:00.0000000Z'),
  azAssign('sandbox-owner-jleverling', subScope(SUB.sandbox), AZ.owner, U('adm-jleverling').id, 'User', '2023-08-30T10:00:00.0000000Z'),
  // resource group scope
  azAssign('rg-ordersdev-contrib-kmensah', rgScope(SUB.dev, 'rg-orders-dev'), AZ.contributor, U('ext.kmensah').id, 'User', '2026-02-03T10:00:00.0000000Z'),
  azAssign('rg-depot-vmop-fenorth', rgScope(SUB.prod, 'rg-depot-iot'), AZ.vmOperator, G('Field-Engineers-North').id, 'Group', '2024-06-01T10:00:00.0000000Z'),
  azAssign('rg-depot-vmop-dodsworth', rgScope(SUB.prod, 'rg-depot-iot'), AZ.vmOperator, U('anne.dodsworth').id, 'User', '2024-06-01T10:05:00.0000000Z'),
  azAssign('rg-ordersprod-reader-trujillo', rgScope(SUB.prod, 'rg-orders-prod'), AZ.reader, U('guest:ana.trujillo').id, 'User', '2024-04-04T10:00:00.0000000Z'),
  azAssign('rg-ordersprod-contrib-rking', rgScope(SUB.prod, 'rg-orders-prod'), AZ.contributor, U('robert.king').id, 'User', '2019-05-20T10:00:00.0000000Z'),
];

export const classicAdministrators: ClassicAdministrator[] = [
  {
    properties: { emailAddress: U('andrew.fuller').mail!, role: 'ServiceAdministrator;AccountAdministrator' },
    id: `${subScope(SUB.prod)}/providers/Microsoft.Authorization/classicAdministrators/${guid('classic:sa')}`,
    type: 'Microsoft.Authorization/classicAdministrators',
    name: guid('classic:sa'),
  },
  {
    // Matches Ian Wright's `mail` (his UPN is iwright@), in different letter case.
    properties: { emailAddress: 'Ian.Wright@NorthwindTraders.com', role: 'CoAdministrator' },
    id: `${subScope(SUB.prod)}/providers/Microsoft.Authorization/classicAdministrators/${guid('classic:coadmin')}`,
    type: 'Microsoft.Authorization/classicAdministrators',
    name: guid('classic:coadmin'),
  },
];
