/**
 * Dangling references (coverage.md): a policy that names a user, group, role, named location or
 * application that is not in a COMPLETE collection. Entra matches such an entry against nobody (deleted
 * objects), and so does the engine — verdicts are unchanged; these are policy-hygiene warnings. A
 * reference into a collection that is missing is not reported: the engine's unknown handling covers it.
 */
import type { ConditionalAccessPolicy } from '../snapshot/types.js';
import { norm, type DirectoryModel } from '../snapshot/model.js';
import {
  AZURE_CLI_APP, AZURE_MANAGEMENT_APP, AZURE_MOBILE_APP, AZURE_PORTAL_APP, AZURE_POWERSHELL_APP,
  BUILTIN_PRIVILEGED_ROLES, LEGACY_MFA_TRUSTED_IPS_LOCATION, SECURITY_DEFAULTS_ADMIN_ROLES,
} from '../snapshot/wellknown.js';

export type ReferenceKind = 'user' | 'group' | 'role' | 'location' | 'application';

export interface PolicyHygieneWarning {
  policyId: string;
  policyName: string;
  kind: ReferenceKind;
  /** The policy field that holds the reference, e.g. `conditions.users.excludeGroups`. */
  field: string;
  /** `include`: the policy covers fewer than intended; `exclude`: harmless to coverage, stale configuration. */
  side: 'include' | 'exclude';
  reference: string;
  message: string;
}

/** Keywords Graph accepts in place of ids (compared lower-case). */
const USER_KEYWORDS = new Set(['all', 'none', 'guestsorexternalusers']);
const LOCATION_KEYWORDS = new Set(['all', 'alltrusted', LEGACY_MFA_TRUSTED_IPS_LOCATION]);
const APP_KEYWORDS = new Set([
  'all', 'none', 'office365', 'microsoftadminportals',
  AZURE_MANAGEMENT_APP, AZURE_PORTAL_APP, AZURE_CLI_APP, AZURE_POWERSHELL_APP, AZURE_MOBILE_APP,
]);

interface Lookup {
  kind: ReferenceKind;
  /** Undefined when the collection is missing: nothing can be called dangling. */
  known: { has(id: string): boolean } | undefined;
  keywords: Set<string>;
  fields: { side: 'include' | 'exclude'; path: string; read: (p: ConditionalAccessPolicy) => unknown }[];
}

function lookups(model: DirectoryModel): Lookup[] {
  const s = model.snapshot;
  const ids = (xs: ({ id?: unknown } | null | undefined)[] | undefined) =>
    new Set((xs ?? []).flatMap((x) => (x && typeof x.id === 'string' ? [norm(x.id)] : [])));
  const roles = model.has('roleDefinitions') ? ids(s.roleDefinitions) : undefined;
  // A policy names roles by template id; a custom role's template id is its id.
  for (const d of model.has('roleDefinitions') ? s.roleDefinitions ?? [] : []) {
    if (typeof d?.templateId === 'string') roles!.add(norm(d.templateId));
  }
  const apps = model.has('servicePrincipals')
    ? new Set((s.servicePrincipals ?? []).flatMap((sp) => (sp && typeof sp.appId === 'string' ? [norm(sp.appId)] : [])))
    : undefined;
  const u = (p: ConditionalAccessPolicy) => p.conditions?.users;
  const loc = (p: ConditionalAccessPolicy) => p.conditions?.locations;
  const app = (p: ConditionalAccessPolicy) => p.conditions?.applications;
  return [
    { kind: 'user', known: model.has('users') ? model.userById : undefined, keywords: USER_KEYWORDS, fields: [
      { side: 'include', path: 'conditions.users.includeUsers', read: (p) => u(p)?.includeUsers },
      { side: 'exclude', path: 'conditions.users.excludeUsers', read: (p) => u(p)?.excludeUsers },
    ] },
    { kind: 'group', known: model.has('groups') ? model.groupById : undefined, keywords: new Set(), fields: [
      { side: 'include', path: 'conditions.users.includeGroups', read: (p) => u(p)?.includeGroups },
      { side: 'exclude', path: 'conditions.users.excludeGroups', read: (p) => u(p)?.excludeGroups },
    ] },
    { kind: 'role', known: roles, keywords: new Set([...SECURITY_DEFAULTS_ADMIN_ROLES.keys(), ...BUILTIN_PRIVILEGED_ROLES]), fields: [
      { side: 'include', path: 'conditions.users.includeRoles', read: (p) => u(p)?.includeRoles },
      { side: 'exclude', path: 'conditions.users.excludeRoles', read: (p) => u(p)?.excludeRoles },
    ] },
    { kind: 'location', known: model.has('namedLocations') ? ids(s.namedLocations) : undefined, keywords: LOCATION_KEYWORDS, fields: [
      { side: 'include', path: 'conditions.locations.includeLocations', read: (p) => loc(p)?.includeLocations },
      { side: 'exclude', path: 'conditions.locations.excludeLocations', read: (p) => loc(p)?.excludeLocations },
    ] },
    { kind: 'application', known: apps, keywords: APP_KEYWORDS, fields: [
      { side: 'include', path: 'conditions.applications.includeApplications', read: (p) => app(p)?.includeApplications },
      { side: 'exclude', path: 'conditions.applications.excludeApplications', read: (p) => app(p)?.excludeApplications },
    ] },
  ];
}

const COLLECTION: Record<ReferenceKind, string> = {
  user: 'users', group: 'groups', role: 'roleDefinitions', location: 'namedLocations', application: 'servicePrincipals',
};

/** Every dangling reference of every policy, in policy then field order (a disabled policy too: enabling it later would not fix it). */
export function danglingReferences(model: DirectoryModel): PolicyHygieneWarning[] {
  if (!model.has('conditionalAccessPolicies')) return [];
  const tables = lookups(model);
  const out: PolicyHygieneWarning[] = [];
  for (const p of model.snapshot.conditionalAccessPolicies ?? []) {
    if (!p || typeof p !== 'object') continue;
    const policyName = typeof p.displayName === 'string' && p.displayName ? p.displayName : p.id;
    for (const t of tables) {
      if (!t.known) continue;
      for (const f of t.fields) {
        const refs = f.read(p);
        if (!Array.isArray(refs)) continue;
        for (const ref of refs) {
          if (typeof ref !== 'string') continue;
          const id = norm(ref.trim());
          if (t.keywords.has(id) || t.known.has(id)) continue;
          const effect = f.side === 'include'
            ? 'it matches nobody, so the policy covers fewer than intended'
            : 'it matches nobody (harmless to coverage, stale configuration)';
          out.push({
            policyId: p.id, policyName, kind: t.kind, field: f.path, side: f.side, reference: ref,
            message: `policy '${policyName}' ${f.side}s ${t.kind} '${ref}', which is not among the tenant's ${COLLECTION[t.kind]}: ${effect}`,
          });
        }
      }
    }
  }
  return out;
}
