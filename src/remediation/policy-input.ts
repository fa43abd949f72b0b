/**
 * Hand-written Conditional Access policies for `whatif` (spec/remediation.md), accepted as people keep
 * them in CA-as-code repositories: a Graph `conditionalAccessPolicy` with or without `id`, a list
 * export (`[...]` or `{ "value": [...] }`), a one-key wrapper (`{ "PolicyConfig": {...} }`), display
 * names or placeholders where ids belong. Names that identify exactly one object are replaced by its
 * id; anything else stays as written (Entra would match it against nobody, and so does the engine)
 * and is a warning naming the file and the key. Pure: the caller decodes the file (decode.ts).
 */
import { InputError } from '../errors.js';
import { norm, type DirectoryModel } from '../snapshot/model.js';
import { validateItem } from '../snapshot/schema.js';
import { conditionalAccessPolicies } from '../collections/conditional-access-policies.js';
import { AZURE_MANAGEMENT_APP, LEGACY_MFA_TRUSTED_IPS_LOCATION, SECURITY_DEFAULTS_ADMIN_ROLES } from '../snapshot/wellknown.js';
import type { ConditionalAccessPolicy } from '../snapshot/types.js';

export interface PolicyFileEntry {
  file: string;
  /** Where in the file (e.g. `value[2]`), empty for a single policy. */
  at: string;
  policy: ConditionalAccessPolicy;
  /** True when the file gave no `id` (a policy to create). */
  hadId: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isPolicy = (x: unknown): x is Record<string, unknown> => isObject(x) && ('conditions' in x || 'grantControls' in x);

/** The policies a parsed file holds, each with where it is. */
export function policiesInDocument(doc: unknown, file: string): { at: string; policy: Record<string, unknown> }[] {
  if (isPolicy(doc)) return [{ at: '', policy: doc }];
  const list = Array.isArray(doc) ? { key: '', items: doc } : isObject(doc) && Array.isArray(doc.value) ? { key: 'value', items: doc.value as unknown[] } : undefined;
  if (list) {
    return list.items.flatMap((p, i) => (isPolicy(p) ? [{ at: `${list.key}[${i}]`, policy: p }] : []));
  }
  if (isObject(doc)) {
    const inner = Object.entries(doc).filter(([, v]) => isPolicy(v));
    if (inner.length === 1) return [{ at: inner[0]![0], policy: inner[0]![1] as Record<string, unknown> }];
  }
  throw new InputError('not a Conditional Access policy (no "conditions" or "grantControls"), nor a list of them', file);
}

type Kind = 'user' | 'group' | 'role' | 'application' | 'location';
const FIELDS: { path: ['users' | 'applications' | 'locations', string]; kind: Kind; keywords: string[] }[] = [
  ...['includeUsers', 'excludeUsers'].map((k) => ({ path: ['users', k] as ['users', string], kind: 'user' as Kind, keywords: ['all', 'none', 'guestsorexternalusers'] })),
  ...['includeGroups', 'excludeGroups'].map((k) => ({ path: ['users', k] as ['users', string], kind: 'group' as Kind, keywords: [] })),
  ...['includeRoles', 'excludeRoles'].map((k) => ({ path: ['users', k] as ['users', string], kind: 'role' as Kind, keywords: [] })),
  ...['includeApplications', 'excludeApplications'].map((k) => ({ path: ['applications', k] as ['applications', string], kind: 'application' as Kind, keywords: ['all', 'none', 'office365', 'microsoftadminportals'] })),
  ...['includeLocations', 'excludeLocations'].map((k) => ({ path: ['locations', k] as ['locations', string], kind: 'location' as Kind, keywords: ['all', 'alltrusted', LEGACY_MFA_TRUSTED_IPS_LOCATION] })),
];

/** Name → ids, per kind, built once per tenant. A name held by two objects resolves to nothing (ambiguous). */
export class NameIndex {
  private readonly maps = new Map<Kind, Map<string, string[]>>();
  constructor(private readonly model: DirectoryModel) {
    const s = model.snapshot;
    const add = (kind: Kind, name: string | null | undefined, id: string) => {
      if (!name) return;
      let m = this.maps.get(kind);
      if (!m) this.maps.set(kind, (m = new Map()));
      const k = norm(name.trim());
      const ids = m.get(k);
      if (!ids) m.set(k, [id]);
      else if (!ids.includes(id)) ids.push(id);
    };
    for (const u of model.users) { add('user', u.userPrincipalName, u.id); add('user', u.displayName, u.id); }
    for (const g of s.groups ?? []) add('group', g.displayName, g.id);
    for (const d of s.roleDefinitions ?? []) add('role', d.displayName, d.templateId ?? d.id);
    for (const [id, name] of SECURITY_DEFAULTS_ADMIN_ROLES) add('role', name, id);
    for (const sp of s.servicePrincipals ?? []) if (sp.appId) add('application', sp.displayName, sp.appId);
    add('application', 'Windows Azure Service Management API', AZURE_MANAGEMENT_APP);
    add('application', 'Microsoft Azure Management', AZURE_MANAGEMENT_APP);
    for (const l of s.namedLocations ?? []) add('location', l.displayName, l.id);
  }
  lookup(kind: Kind, name: string): string[] {
    return this.maps.get(kind)?.get(norm(name.trim())) ?? [];
  }
  /** Whether an id names an object of a complete collection (undefined: cannot tell). */
  knows(kind: Kind, id: string): boolean | undefined {
    const m = this.model;
    switch (kind) {
      case 'user': return m.has('users') ? m.userById.has(norm(id)) : undefined;
      case 'group': return m.has('groups') ? m.groupById.has(norm(id)) : undefined;
      case 'location': return m.has('namedLocations') ? (m.snapshot.namedLocations ?? []).some((l) => norm(l.id) === norm(id)) : undefined;
      default: return undefined; // built-in roles and first-party apps need not appear in the snapshot
    }
  }
}

/**
 * Validates one hand-written policy against the snapshot schema (InputError naming file and key) and
 * resolves display names to ids. Returns the policy to evaluate (a copy) and the warnings.
 */
export function preparePolicy(raw: Record<string, unknown>, where: { file: string; at: string }, names: NameIndex): { policy: ConditionalAccessPolicy; warnings: string[]; hadId: boolean } {
  const warnings: string[] = [];
  const prefix = where.at ? `${where.at}.` : '';
  const warn = (key: string, message: string) => warnings.push(`${where.file}: ${prefix}${key}: ${message}`);
  const hadId = typeof raw.id === 'string' && raw.id.trim() !== '';
  // A deep copy: resolution edits it, the caller's object stays as read.
  const policy = structuredClone(raw) as Record<string, unknown>;
  if (!hadId) delete policy.id;
  // Exports written by some tools put `[]` where Graph has an object (`"locations": []`): no condition.
  const conds = policy.conditions;
  if (isObject(conds)) {
    for (const k of ['locations', 'platforms', 'devices', 'clientApplications', 'authenticationFlows']) {
      if (Array.isArray(conds[k]) && (conds[k] as unknown[]).length === 0) {
        warn(`conditions.${k}`, 'an empty list where Graph has an object: read as no condition');
        conds[k] = null;
      }
    }
  }
  const schema = conditionalAccessPolicies.schema;
  if (schema?.kind === 'array') {
    validateItem({ ...policy, id: hadId ? policy.id : 'new' }, schema.item, {
      file: where.file, keyPrefix: where.at, warn: (message, _file, key) => warnings.push(`${where.file}: ${key}: ${message}`),
    }, schema.refine);
  }
  if (policy.state === undefined || policy.state === null) {
    warn('state', 'missing: evaluated as "enabled" (Graph requires a state)');
    policy.state = 'enabled';
  }
  const conditions = (policy.conditions ?? {}) as Record<string, Record<string, unknown> | null | undefined>;
  for (const f of FIELDS) {
    const holder = conditions[f.path[0]];
    const list = holder?.[f.path[1]];
    if (!Array.isArray(list)) continue;
    holder![f.path[1]] = list.map((ref: string, i: number) => {
      const key = `conditions.${f.path[0]}.${f.path[1]}[${i}]`;
      const value = String(ref).trim();
      if (f.keywords.includes(norm(value))) return ref;
      if (GUID.test(value)) {
        if (names.knows(f.kind, value) === false) warn(key, `${f.kind} ${value} is not in the tenant: it matches nobody`);
        return ref;
      }
      const ids = names.lookup(f.kind, value);
      if (ids.length === 1) return ids[0]!;
      warn(key, ids.length > 1
        ? `${f.kind} name ${JSON.stringify(value)} is ambiguous (${ids.length} objects have it): it matches nobody`
        : `${JSON.stringify(value)} is not an id and names no ${f.kind} in the tenant: it matches nobody`);
      return ref;
    });
  }
  return { policy: policy as ConditionalAccessPolicy, warnings, hadId };
}
