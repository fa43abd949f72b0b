/** How a synthetic tenant maps onto snapshot keys; shared by the in-memory and the streaming paths. */
import type { Snapshot } from '../../src/snapshot/types.js';
import type { SyntheticTenant } from './synthetic-tenant.js';

/** Top-level keys that live in manifest.json (scalars and single objects); everything else is a collection. */
export function manifestOf(t: SyntheticTenant): Pick<Snapshot, 'mfaguardSnapshot' | 'tenant' | 'collectedAt' | 'securityDefaults' | 'unavailable'> {
  return { mfaguardSnapshot: 1, tenant: t.tenant, collectedAt: t.collectedAt, securityDefaults: t.securityDefaults, unavailable: {} };
}

/** The small collections, already materialized by the plan (in the order they are written). */
export function smallCollections(t: SyntheticTenant) {
  return {
    servicePrincipals: t.servicePrincipals,
    roleDefinitions: t.roleDefinitions,
    roleAssignments: t.roleAssignments,
    roleEligibilitySchedules: t.roleEligibilitySchedules,
    subscriptions: t.subscriptions,
    azureRoleDefinitions: t.azureRoleDefinitions,
    azureRoleAssignments: t.azureRoleAssignments,
    classicAdministrators: t.classicAdministrators,
    conditionalAccessPolicies: t.conditionalAccessPolicies,
    namedLocations: t.namedLocations,
    authenticationStrengthPolicies: t.authenticationStrengthPolicies,
  } satisfies Partial<Snapshot>;
}

