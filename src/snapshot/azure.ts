/**
 * Azure RBAC permission tiers per user (rules.md "Azure permission tiers"). Defender for Cloud does
 * not publish its algorithm; ours is: owner = a role whose actions include `*` and whose notActions do
 * not remove role-assignment writes, or a classic Service/Co-Administrator; write = any allowed
 * non-read action; read = only read actions. Group assignments are expanded transitively.
 */
import type { AzurePermission, AzureRoleDefinition, Snapshot } from './types.js';
import type { DirectoryModel } from './model.js';
import { BUILTIN_AZURE_ROLES } from './wellknown.js';

export type AzureTier = 'owner' | 'write' | 'read';
const TIER_RANK: Record<AzureTier, number> = { owner: 3, write: 2, read: 1 };

export interface AzureGrant {
  roleName: string;
  roleDefinitionId: string;
  scope: string;
  /** null when the role definition could not be found: the tier is unknown. */
  tier: AzureTier | null;
  via: { kind: 'direct' } | { kind: 'group'; groupId: string; groupName: string } | { kind: 'classic'; email: string; roles: string[] };
}

export interface UserAzureAccess {
  /** Highest known tier. */
  tier: AzureTier | null;
  /** Some grant's role definition is missing, so the real tier may be higher than `tier`. */
  unresolved: boolean;
  grants: AzureGrant[];
}

export interface AzureAccess {
  byUser: Map<string, UserAzureAccess>;
  /** Classic administrators whose e-mail matches no user in the snapshot. */
  unmatchedClassicAdmins: { email: string; roles: string[]; subscription: string }[];
}

const lower = (s: string | null | undefined) => (s ?? '').toLowerCase();
const trailingGuid = (id: string) => lower(id.split('/').filter(Boolean).pop());

/** Azure action wildcards: `*` matches any run of characters, including `/`. Case-insensitive. */
function globMatches(pattern: string, value: string): boolean {
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'i');
  return re.test(value);
}

const isReadAction = (a: string) => /\/read$/i.test(a);

export function permissionsOf(def: AzureRoleDefinition): AzurePermission[] {
  return def.properties?.permissions ?? def.permissions ?? [];
}

export function roleNameOf(def: AzureRoleDefinition): string {
  return def.properties?.roleName ?? def.roleName ?? def.name ?? def.id;
}

export function tierOfPermissions(perms: AzurePermission[]): AzureTier | null {
  let best: AzureTier | null = null;
  const raise = (t: AzureTier) => { if (!best || TIER_RANK[t] > TIER_RANK[best]) best = t; };
  for (const p of perms) {
    const actions = p.actions ?? [];
    const notActions = p.notActions ?? [];
    const removed = (a: string) => notActions.some((n) => globMatches(n, a));
    if (actions.includes('*') && !notActions.some((n) => globMatches(n, 'Microsoft.Authorization/roleAssignments/write'))) {
      raise('owner');
      continue;
    }
    for (const a of actions) {
      if (removed(a)) continue;
      raise(isReadAction(a) ? 'read' : 'write');
    }
    if (!actions.length && (p.dataActions ?? []).length) raise('read');
  }
  return best;
}

export function computeAzureAccess(snapshot: Snapshot, model: DirectoryModel): AzureAccess {
  const defs = new Map<string, AzureRoleDefinition>();
  for (const d of snapshot.azureRoleDefinitions ?? []) {
    defs.set(trailingGuid(d.name ?? d.id), d);
    defs.set(trailingGuid(d.id), d);
  }
  const byUser = new Map<string, UserAzureAccess>();
  const add = (userId: string, grant: AzureGrant) => {
    let entry = byUser.get(userId);
    if (!entry) byUser.set(userId, (entry = { tier: null, unresolved: false, grants: [] }));
    entry.grants.push(grant);
    if (grant.tier === null) entry.unresolved = true;
    else if (!entry.tier || TIER_RANK[grant.tier] > TIER_RANK[entry.tier]) entry.tier = grant.tier;
  };

  for (const a of snapshot.azureRoleAssignments ?? []) {
    const p = a.properties;
    const guid = trailingGuid(p.roleDefinitionId);
    const def = defs.get(guid);
    const builtin = BUILTIN_AZURE_ROLES.get(guid);
    const roleName = def ? roleNameOf(def) : builtin?.roleName ?? guid;
    const known = def ?? builtin;
    const tier = def ? tierOfPermissions(permissionsOf(def)) : builtin ? tierOfPermissions([builtin]) : null;
    if (known && tier === null) continue; // a known role whose notActions remove every action grants nothing
    const scope = p.scope ?? (a.id.split(/\/providers\/Microsoft\.Authorization\//i)[0] || '/');
    const base = { roleName, roleDefinitionId: p.roleDefinitionId, scope, tier };
    const principal = lower(p.principalId);
    const type = lower(p.principalType);
    if (type === 'serviceprincipal' || type === 'foreigngroup' || type === 'device') continue; // not users
    if (model.userById.has(principal)) add(principal, { ...base, via: { kind: 'direct' } });
    else if (type === 'group' || model.groupById.has(principal)) {
      // One grant object shared by every member: a Reader on an all-staff group is a million users.
      const grant: AzureGrant = { ...base, via: { kind: 'group', groupId: principal, groupName: model.groupName(principal) } };
      for (const u of model.transitiveUserMembers(principal)) add(u, grant);
    }
  }

  // Index only the few classic-admin addresses, then scan users once: an index of every user's
  // addresses would be millions of entries for a handful of lookups.
  const classicEmails = new Set((snapshot.classicAdministrators ?? []).map((c) => lower(c.properties.emailAddress)));
  const byEmail = new Map<string, string[]>();
  if (classicEmails.size) {
    const maybe = (e: string | null | undefined) => !!e && classicEmails.has(lower(e));
    for (const u of model.users) {
      // Cheap pre-check on the raw fields; the full list (incl. the #EXT# decoding) only for guests and hits.
      const candidate = maybe(u.mail) || maybe(u.userPrincipalName) || (u.otherMails ?? []).some(maybe) || lower(u.userPrincipalName).includes('#ext#');
      if (!candidate) continue;
      for (const e of model.emailsOf(u)) {
        if (!classicEmails.has(e)) continue;
        const list = byEmail.get(e);
        if (list) list.push(lower(u.id));
        else byEmail.set(e, [lower(u.id)]);
      }
    }
  }
  const unmatchedClassicAdmins: AzureAccess['unmatchedClassicAdmins'] = [];
  for (const c of snapshot.classicAdministrators ?? []) {
    const roles = (c.properties.role ?? '').split(';').map((r) => r.trim()).filter(Boolean);
    const adminRoles = roles.filter((r) => /^(serviceadministrator|coadministrator)$/i.test(r));
    if (!adminRoles.length) continue; // AccountAdministrator alone is billing, not resource access
    const subscription = /\/subscriptions\/([^/]+)/i.exec(c.id)?.[1] ?? '';
    const email = lower(c.properties.emailAddress);
    const users = byEmail.get(email);
    if (!users?.length) {
      unmatchedClassicAdmins.push({ email: c.properties.emailAddress, roles: adminRoles, subscription });
      continue;
    }
    for (const u of users) {
      add(u, {
        roleName: `Classic ${adminRoles.join(' / ')}`, roleDefinitionId: '', scope: subscription ? `/subscriptions/${subscription}` : '/',
        tier: 'owner', via: { kind: 'classic', email: c.properties.emailAddress, roles: adminRoles },
      });
    }
  }
  return { byUser, unmatchedClassicAdmins };
}

/** Roles that make a user "privileged" for the non-privileged-user rule (Trend Conformity's wording). */
export function isPrivilegedAzureRoleName(roleName: string): boolean {
  return /^owner$/i.test(roleName) || /contributor$/i.test(roleName) || /administrator$/i.test(roleName);
}
