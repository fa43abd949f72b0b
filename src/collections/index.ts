/**
 * Every collection, in display order (progress table, manifest). Adding one (see ARCHITECTURE.md):
 * a new `<key>.ts` here exporting a CollectionDescriptor (endpoint, family, $select, paging kind,
 * dependencies, schema), one line in this list, the property on `Snapshot` (src/snapshot/types.ts)
 * with an accessor on DirectoryModel if rules read it, and a test next to the others in
 * test/collections/. The runner, the loader, the manifest and the descriptor tests pick it up.
 */
import { authenticationMethods } from './authentication-methods.js';
import { authenticationRequirements } from './authentication-requirements.js';
import { authenticationStrengthPolicies } from './authentication-strength-policies.js';
import { azureRoleAssignments } from './azure-role-assignments.js';
import { azureRoleDefinitions } from './azure-role-definitions.js';
import { classicAdministrators } from './classic-administrators.js';
import { conditionalAccessPolicies } from './conditional-access-policies.js';
import type { CollectionDescriptor } from './descriptor.js';
import { groupMembers } from './group-members.js';
import { groups } from './groups.js';
import { namedLocations } from './named-locations.js';
import { roleAssignments } from './role-assignments.js';
import { roleDefinitions } from './role-definitions.js';
import { roleEligibilitySchedules } from './role-eligibility-schedules.js';
import { securityDefaults } from './security-defaults.js';
import { servicePrincipals } from './service-principals.js';
import { signIns } from './sign-ins.js';
import { subscriptions } from './subscriptions.js';
import { tenant } from './tenant.js';
import { userRegistrationDetails } from './user-registration-details.js';
import { users } from './users.js';

export type { CollectionDescriptor, CollectionOptions, CollectionSource } from './descriptor.js';

export const COLLECTIONS: readonly CollectionDescriptor[] = [
  tenant,
  users,
  authenticationRequirements,
  userRegistrationDetails,
  groups,
  groupMembers,
  servicePrincipals,
  roleDefinitions,
  roleAssignments,
  roleEligibilitySchedules,
  conditionalAccessPolicies,
  namedLocations,
  authenticationStrengthPolicies,
  securityDefaults,
  authenticationMethods,
  subscriptions,
  azureRoleDefinitions,
  azureRoleAssignments,
  classicAdministrators,
  signIns,
];
