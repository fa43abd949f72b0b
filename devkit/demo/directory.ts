/** The demo tenant's groups and direct memberships, service principals, and directory roles (active and PIM-eligible). */
import type { DirectoryObjectRef, GraphGroup, GraphServicePrincipal, UnifiedRoleAssignment } from '../../src/snapshot/types.js';
import { ARM_APP, MICROSOFT_TENANT, ROLE, rgScope, SUB, TENANT_ID } from './constants.js';
import { fillersByGroup, slug, U, users, usersByKey, type DemoUser } from './people.js';
import { guid, roleAssignmentId } from './random.js';

interface GroupOptions {
  description?: string;
  mailEnabled?: boolean;
  mailNickname?: string;
  securityEnabled?: boolean;
  isAssignableToRole?: boolean;
  groupTypes?: string[];
  membershipRule?: string;
  createdDateTime?: string;
}

export const groups: GraphGroup[] = [];
export const groupMembers: Record<string, DirectoryObjectRef[]> = {};
const groupByName = new Map<string, GraphGroup>();

function addGroup(name: string, o: GroupOptions = {}): GraphGroup {
  const g: GraphGroup = {
    id: guid(`group:${name}`),
    displayName: name,
    description: o.description ?? null,
    mailEnabled: o.mailEnabled ?? false,
    mailNickname: o.mailNickname ?? slug(name),
    securityEnabled: o.securityEnabled ?? true,
    isAssignableToRole: o.isAssignableToRole ?? false,
    groupTypes: o.groupTypes ?? [],
    membershipRule: o.membershipRule ?? null,
    membershipRuleProcessingState: o.membershipRule ? 'On' : null,
    createdDateTime: o.createdDateTime ?? '2019-01-15T09:00:00Z',
  };
  groups.push(g);
  groupByName.set(name, g);
  groupMembers[g.id] = [];
  return g;
}
export const G = (name: string): GraphGroup => {
  const g = groupByName.get(name);
  if (!g) throw new Error(`unknown group ${name}`);
  return g;
};
const ref = (type: 'user' | 'group', id: string): DirectoryObjectRef => ({ '@odata.type': `#microsoft.graph.${type}`, id });
/** Members by user key or group name, or user objects. */
function addMembers(groupName: string, members: readonly (string | DemoUser)[]): void {
  const list = groupMembers[G(groupName).id]!;
  for (const m of members) {
    const r = typeof m === 'string'
      ? (groupByName.has(m) && !usersByKey.has(m) ? ref('group', G(m).id) : ref('user', U(m).id))
      : ref('user', m.id);
    if (list.some((x) => x.id === r.id)) throw new Error(`duplicate member ${r.id} in ${groupName}`);
    list.push(r);
  }
}

const DEPARTMENTS = ['Sales', 'Marketing', 'Finance', 'Engineering', 'IT', 'Human Resources', 'Operations', 'Customer Support', 'Legal', 'Executive'];
addGroup('Northwind-All-Staff', { description: 'Every department (nested department groups)', createdDateTime: '2015-03-05T09:00:00Z' });
for (const d of DEPARTMENTS) addGroup(d, { description: `${d} department`, createdDateTime: '2015-03-05T09:00:00Z' });
addGroup('Sales-EMEA', { description: 'Sales team, Europe / Middle East / Africa' });
addGroup('Sales-EMEA-Partners-Desk', { description: 'Partner desk (EMEA); nests Sales-EMEA back for shared mailing (a harmless cycle)' });
addGroup('Developers', { description: 'Application developers' });
addGroup('Platform Engineering', { description: 'Platform and cloud infrastructure engineering' });
addGroup('Cloud-Platform-Owners', { description: 'Engineers who own the Azure landing zone' });
addGroup('Azure-Platform-Admins', { description: 'Owner on the mg-northwind management group (nests Cloud-Platform-Owners)', createdDateTime: '2020-06-10T09:00:00Z' });
addGroup('Field-Engineers', { description: 'All field engineers (policy CA07)' });
addGroup('Field-Engineers-North', { description: 'Field engineers, northern depots' });
addGroup('Field-Engineers-South', { description: 'Field engineers, southern depots' });
addGroup('Depot-Leeds', { description: 'Leeds depot crew' });
addGroup('Contractors', { description: 'External contractors with internal accounts (policy CA11)', createdDateTime: '2021-01-11T09:00:00Z' });
addGroup('Admin-Accounts', { description: 'Separate administrator accounts (covered by the admin policy CA02 instead of CA01)', createdDateTime: '2019-11-20T09:00:00Z' });
addGroup('CA-Exclusions', { description: 'Exclusions from the baseline MFA policy', createdDateTime: '2023-03-14T09:00:00Z' });
addGroup('CA-Exclusions-BreakGlass', { description: 'Emergency access accounts, excluded from every Conditional Access policy', createdDateTime: '2019-06-01T12:10:00Z' });
addGroup('Tier0-Global-Admins', {
  description: 'Role-assignable group holding Global Administrator', isAssignableToRole: true, createdDateTime: '2022-02-14T09:00:00Z',
});
addGroup('Leavers', { description: 'Accounts in offboarding (blocked by CA15)', createdDateTime: '2020-01-06T09:00:00Z' });
addGroup('External-Partners', { description: 'B2B guests and external consultants' });
addGroup('Northwind Social', {
  description: 'Company social group', mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'], createdDateTime: '2018-09-01T09:00:00Z',
});
addGroup('Dyn-All-Employees', {
  description: 'Dynamic: every enabled member account with a department',
  groupTypes: ['DynamicMembership'],
  membershipRule: '(user.userType -eq "Member") -and (user.accountEnabled -eq true) -and (user.department -ne null)',
  createdDateTime: '2021-06-01T09:00:00Z',
});

// Department tree (depth >= 3): All-Staff > Engineering > Platform Engineering > Cloud-Platform-Owners,
// and Operations > Field-Engineers > Field-Engineers-North > Depot-Leeds.
addMembers('Northwind-All-Staff', DEPARTMENTS);
addMembers('Sales', ['Sales-EMEA', 'nancy.davolio', 'robert.king', ...fillersByGroup.get('Sales')!]);
addMembers('Sales-EMEA', ['Sales-EMEA-Partners-Desk', ...fillersByGroup.get('Sales-EMEA')!]);
addMembers('Sales-EMEA-Partners-Desk', ['Sales-EMEA', 'giovanni.rovelli', ...fillersByGroup.get('Sales-EMEA-Partners-Desk')!]); // cycle
addMembers('Marketing', ['iwright', 'janine.labrune', ...fillersByGroup.get('Marketing')!]);
addMembers('Finance', ['laura.callahan', ...fillersByGroup.get('Finance')!]);
addMembers('Engineering', ['Developers', 'Platform Engineering']);
addMembers('Developers', ['yuki.tanaka', ...fillersByGroup.get('Developers')!]);
addMembers('Platform Engineering', ['Cloud-Platform-Owners', ...fillersByGroup.get('Platform Engineering')!]);
addMembers('Cloud-Platform-Owners', ['priya.raman', ...fillersByGroup.get('Cloud-Platform-Owners')!]);
addMembers('Azure-Platform-Admins', ['Cloud-Platform-Owners']);
addMembers('IT', ['anne.dodsworth', ...fillersByGroup.get('IT')!]);
addMembers('Human Resources', fillersByGroup.get('Human Resources')!);
addMembers('Operations', ['Field-Engineers', 'margaret.peacock', ...fillersByGroup.get('Operations')!]);
addMembers('Field-Engineers', ['Field-Engineers-North', 'Field-Engineers-South']);
addMembers('Field-Engineers-North', ['Depot-Leeds', ...fillersByGroup.get('Field-Engineers-North')!]);
addMembers('Depot-Leeds', ['liam.oconnor', ...fillersByGroup.get('Depot-Leeds')!]);
addMembers('Field-Engineers-South', fillersByGroup.get('Field-Engineers-South')!);
addMembers('Customer Support', ['michael.suyama', ...fillersByGroup.get('Customer Support')!]);
addMembers('Legal', fillersByGroup.get('Legal')!);
addMembers('Executive', ['steven.buchanan', 'andrew.fuller', ...fillersByGroup.get('Executive')!]);
addMembers('Contractors', ['ext.kmensah', 'ext.rshah', 'ext.mkowalska', 'ext.treilly']);
addMembers('Admin-Accounts', ['adm-afuller', 'adm-jleverling', 'adm-pwilson', 'adm-dchen', 'adm-slee']);
addMembers('CA-Exclusions', ['Contractors', 'Admin-Accounts', 'Field-Engineers', 'svc-deploy', 'giovanni.rovelli', 'michael.suyama', 'laura.callahan']);
addMembers('CA-Exclusions-BreakGlass', ['breakglass1', 'breakglass2']);
addMembers('Tier0-Global-Admins', ['adm-afuller']);
addMembers('Leavers', ['margaret.peacock', 'robert.king', 'janine.labrune']);
addMembers('External-Partners', ['guest:ana.trujillo', 'guest:antonio.moreno', 'guest:thomas.hardy', 'guest:elizabeth.lincoln', 'guest:hanna.moos',
  'guest:christina.berglund', 'b2bmember:lena.schmidt']);
addMembers('Northwind Social', users.filter((u) => u.userType === 'Member' && u.department && u.accountEnabled && u.mail && !u.userPrincipalName.includes('#EXT#')).slice(0, 60));
addMembers('Dyn-All-Employees', users.filter((u) => u.userType === 'Member' && u.accountEnabled && u.department));

// ---------------------------------------------------------------------------------------------
// Service principals
// ---------------------------------------------------------------------------------------------

const sp = (key: string, appId: string, displayName: string, type: string, owner: string | null): GraphServicePrincipal => ({
  id: guid(`sp:${key}`),
  appId,
  displayName,
  servicePrincipalType: type,
  accountEnabled: true,
  appOwnerOrganizationId: owner,
});
export const servicePrincipals = [
  sp('arm', ARM_APP, 'Windows Azure Service Management API', 'Application', MICROSOFT_TENANT),
  sp('graph', '00000003-0000-0000-c000-000000000000', 'Microsoft Graph', 'Application', MICROSOFT_TENANT),
  sp('exo', '00000002-0000-0ff1-ce00-000000000000', 'Office 365 Exchange Online', 'Application', MICROSOFT_TENANT),
  sp('azcli', '04b07795-8ddb-461a-bbee-02f9e1bf7b46', 'Microsoft Azure CLI', 'Application', MICROSOFT_TENANT),
  sp('azps', '1950a258-227b-4e31-a9cf-717495945fc2', 'Microsoft Azure PowerShell', 'Application', MICROSOFT_TENANT),
  sp('portal', 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', 'Azure Portal', 'Application', MICROSOFT_TENANT),
  sp('github', guid('app:github-actions-deploy'), 'github-actions-deploy', 'Application', TENANT_ID),
  sp('ordersapi', guid('app:northwind-orders-api'), 'northwind-orders-api', 'Application', TENANT_ID),
  { ...sp('mi', guid('app:mi-orders-func'), 'mi-northwind-orders-func', 'ManagedIdentity', null), alternativeNames: [`isExplicit=False`, `${rgScope(SUB.prod, 'rg-orders-prod')}/providers/Microsoft.Web/sites/northwind-orders-func`] },
];
export const SP = Object.fromEntries(servicePrincipals.map((s) => [s.displayName, s]));

// ---------------------------------------------------------------------------------------------
// Directory roles: active assignments and PIM eligibility
// ---------------------------------------------------------------------------------------------

const AU_UK = guid('au:UK Depots');
const activeRole = (roleId: string, principalId: string, directoryScopeId = '/'): UnifiedRoleAssignment => ({
  id: directoryScopeId === '/' ? roleAssignmentId(roleId, principalId) : guid(`roleAssignment:${roleId}:${principalId}:${directoryScopeId}`),
  principalId,
  roleDefinitionId: roleId,
  directoryScopeId,
  appScopeId: null,
  condition: null,
});
export const roleAssignments = [
  activeRole(ROLE.globalAdmin, U('breakglass1').id),
  activeRole(ROLE.globalAdmin, U('breakglass2').id),
  activeRole(ROLE.globalAdmin, G('Tier0-Global-Admins').id), // GA through a role-assignable group
  activeRole(ROLE.exchangeAdmin, U('adm-dchen').id),
  activeRole(ROLE.helpdeskAdmin, U('adm-slee').id),
  activeRole(ROLE.userAdmin, U('adm-pwilson').id, `/administrativeUnits/${AU_UK}`), // AU-scoped
  activeRole(ROLE.reportsReader, U('anne.dodsworth').id), // not privileged
];

const eligibility = (
  key: string, roleId: string, principalId: string, start: string,
  expiration: { type: string; endDateTime: string | null; duration: string | null },
) => ({
  id: guid(`eligibility:${key}`),
  principalId,
  roleDefinitionId: roleId,
  directoryScopeId: '/',
  appScopeId: null,
  createdUsing: guid(`eligibility:${key}`),
  createdDateTime: start,
  modifiedDateTime: null,
  status: 'Provisioned',
  memberType: 'Direct',
  scheduleInfo: { startDateTime: start, recurrence: null, expiration },
});
export const roleEligibilitySchedules = [
  // Only eligible (never active) for Global Administrator.
  eligibility('jleverling-ga', ROLE.globalAdmin, U('adm-jleverling').id, '2024-02-01T09:00:00Z', { type: 'noExpiration', endDateTime: null, duration: null }),
  // Current eligibility on top of an active role.
  eligibility('afuller-pra', ROLE.privilegedRoleAdmin, U('adm-afuller').id, '2025-04-01T09:00:00Z', { type: 'afterDateTime', endDateTime: '2027-03-31T00:00:00Z', duration: null }),
  eligibility('dchen-secadmin', ROLE.securityAdmin, U('adm-dchen').id, '2025-09-15T09:00:00Z', { type: 'afterDateTime', endDateTime: '2027-09-15T00:00:00Z', duration: null }),
  // Expired before collection: not a holding any more.
  eligibility('dodsworth-secadmin', ROLE.securityAdmin, U('anne.dodsworth').id, '2025-10-01T09:00:00Z', { type: 'afterDateTime', endDateTime: '2026-09-30T00:00:00Z', duration: null }),
];
