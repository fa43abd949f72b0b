/**
 * The directory model: indexes over a snapshot that the coverage engine and the rules query.
 * Pure (no I/O). Ids are compared case-insensitively (Graph is not consistent about case).
 */
import type {
  AuthenticationMethod, GraphGroup, GraphUser, Snapshot, UnifiedRoleAssignment, UnifiedRoleDefinition, UserRegistrationDetails, CollectionKey,
} from './types.js';
import { BUILTIN_PRIVILEGED_ROLES, SECURITY_DEFAULTS_ADMIN_ROLES } from './wellknown.js';
import { computeAzureAccess, type AzureAccess } from './azure.js';
import { isPhishingResistantMethod } from './auth-methods.js';

export const norm = (s: string | null | undefined): string => (s ?? '').toLowerCase();
const EMPTY: readonly string[] = [];

/** Initial (tenant-owned) domains in the public and sovereign clouds. */
const INITIAL_DOMAIN = /\.(onmicrosoft\.com|onmicrosoft\.us|partner\.onmschina\.cn)$/;

export type GuestKind = 'b2bCollaborationGuest' | 'b2bCollaborationMember' | 'internalGuest';

export interface RoleHolding {
  templateId: string;
  roleName: string;
  directoryScopeId: string;
  /** Group (role-assignable) through which the role is held; undefined when assigned directly. */
  viaGroupId?: string;
}

export interface PerUserMfa {
  state: 'disabled' | 'enabled' | 'enforced' | 'unknown';
  /** Where the state came from: `users`, `authenticationRequirements`, or `default` (not collected). */
  source: string;
}

export interface DataGap {
  key: string;
  reason: string;
}

export class DirectoryModel {
  readonly users: GraphUser[];
  readonly userById = new Map<string, GraphUser>();
  readonly groupById = new Map<string, GraphGroup>();
  /** member id -> ids of the groups that list it as a direct member */
  private readonly parents = new Map<string, string[]>();
  /** group id -> direct member refs (normalized ids) */
  /**
   * group id -> direct members, split by kind so a million memberships are two arrays of strings, not
   * a million little objects. Members without `@odata.type` are resolved when queried.
   */
  private readonly children = new Map<string, { users: string[]; groups: string[]; untyped: string[] }>();
  /** Active roles assigned to groups whose members could not be read: nobody's holding of them is known. */
  readonly rolesThroughUnreadableGroups = new Set<string>();
  private readonly transitiveGroupsCache = new Map<string, Set<string>>();
  private readonly transitiveUsersCache = new Map<string, Set<string>>();
  /**
   * Per-user facts asked for over and over (engine and several rules) live in arrays indexed by the
   * user's position, found through a symbol property this model puts on each user object: no
   * million-entry hash tables on the hot path. The symbol is per model, so two models over user
   * objects shared between snapshots never see each other's index.
   */
  private readonly indexKey = Symbol('mfaguard.userIndex');
  private readonly guestKinds: (GuestKind | null | undefined)[] = [];
  private readonly perUserStates: (PerUserMfa | undefined)[] = [];
  private readonly userParents: (string[] | undefined)[] = [];
  private readonly roleDefById = new Map<string, UnifiedRoleDefinition>();
  readonly activeRoles = new Map<string, RoleHolding[]>();
  readonly eligibleRoles = new Map<string, RoleHolding[]>();
  readonly registrationById = new Map<string, UserRegistrationDetails>();
  readonly ownDomains = new Set<string>();
  readonly azure: AzureAccess;
  readonly collectedAt: Date;

  constructor(readonly snapshot: Snapshot) {
    this.collectedAt = new Date(snapshot.collectedAt);
    this.users = snapshot.users ?? [];
    this.users.forEach((u, i) => {
      (u as unknown as Record<symbol, number>)[this.indexKey] = i;
      this.userById.set(norm(u.id), u);
    });
    for (const g of snapshot.groups ?? []) this.groupById.set(norm(g.id), g);
    for (const [groupId, members] of Object.entries(snapshot.groupMembers ?? {})) {
      const gid = norm(groupId);
      // Keys that differ only in case are the same group: merge, never overwrite.
      let kids = this.children.get(gid);
      if (!kids) this.children.set(gid, (kids = { users: [], groups: [], untyped: [] }));
      for (const m of members) {
        const id = norm(m.id);
        const type = m['@odata.type'];
        if (type === undefined || type === null || type === '') kids.untyped.push(id);
        else if (/\.user$/i.test(type)) kids.users.push(id);
        else if (/\.group$/i.test(type)) kids.groups.push(id);
        else continue; // service principals, devices, contacts: members, but never users
        const member = this.userById.get(id);
        if (member) {
          const i = this.indexOf(member)!;
          const mine = this.userParents[i];
          if (mine) mine.push(gid);
          else this.userParents[i] = [gid];
          continue;
        }
        const list = this.parents.get(id);
        if (list) list.push(gid);
        else this.parents.set(id, [gid]);
      }
    }
    for (const d of snapshot.roleDefinitions ?? []) this.roleDefById.set(norm(d.id), d);
    this.indexRoles(snapshot.roleAssignments ?? [], this.activeRoles, () => true);
    this.indexRoles(snapshot.roleEligibilitySchedules ?? [], this.eligibleRoles, (a) => this.eligibilityIsCurrent(a));
    for (const r of snapshot.userRegistrationDetails ?? []) this.registrationById.set(norm(r.id), r);
    this.computeOwnDomains();
    this.azure = computeAzureAccess(snapshot, this);
  }

  // ---- data availability -------------------------------------------------------------------

  /** A collection is usable when it was collected and not reported as failed. */
  has(key: CollectionKey): boolean {
    return this.snapshot[key] !== undefined && !(key in this.snapshot.unavailable);
  }

  /** Why a collection cannot be used, or undefined when it can. */
  gap(key: CollectionKey): DataGap | undefined {
    const u = this.snapshot.unavailable[key];
    if (u) {
      const bits = [u.status, u.code].filter((x) => x !== undefined && x !== '').join(' ');
      return { key, reason: `${key} could not be read${bits ? ` (${bits}${u.message ? `: ${u.message}` : ''})` : ''}` };
    }
    if (this.snapshot[key] === undefined) return { key, reason: `${key} was not collected` };
    return undefined;
  }

  // ---- groups ------------------------------------------------------------------------------

  groupName(id: string): string {
    return this.groupById.get(norm(id))?.displayName ?? id;
  }

  /** Groups that list the object as a direct member. */
  parentGroups(objectId: string): readonly string[] {
    const id = norm(objectId);
    const user = this.userById.get(id);
    if (user) return this.parentGroupsOfUser(user);
    return this.parents.get(id) ?? EMPTY;
  }

  /** Groups that list this user as a direct member (fast path: no id normalization or hashing). */
  parentGroupsOfUser(user: GraphUser): readonly string[] {
    const i = this.indexOf(user);
    if (i !== undefined) return this.userParents[i] ?? EMPTY;
    return this.parents.get(norm(user.id)) ?? EMPTY;
  }

  /** The user's position in `users`, when the object belongs to this model. */
  indexOf(user: GraphUser): number | undefined {
    return (user as unknown as Record<symbol, number | undefined>)[this.indexKey];
  }

  /** Every group the object is a member of, directly or through nesting. Cycles are tolerated. */
  transitiveGroups(objectId: string): Set<string> {
    const id = norm(objectId);
    const cached = this.transitiveGroupsCache.get(id);
    if (cached) return cached;
    const seen = new Set<string>();
    const queue = [...this.parentGroups(id)];
    while (queue.length) {
      const g = queue.pop()!;
      if (seen.has(g)) continue;
      seen.add(g);
      for (const p of this.parentGroups(g)) if (!seen.has(p)) queue.push(p);
    }
    this.transitiveGroupsCache.set(id, seen);
    return seen;
  }

  /**
   * The nesting chain from the object up to `groupId`: [direct group, ..., groupId], shortest first.
   * Empty when the object is not a member.
   */
  groupPath(objectId: string, groupId: string): string[] {
    const start = norm(objectId);
    const goal = norm(groupId);
    const prev = new Map<string, string | null>();
    const queue: string[] = [];
    for (const g of this.parentGroups(start)) if (!prev.has(g)) { prev.set(g, null); queue.push(g); }
    for (let i = 0; i < queue.length; i++) {
      const g = queue[i]!;
      if (g === goal) {
        const path: string[] = [];
        for (let cur: string | null = g; cur !== null; cur = prev.get(cur) ?? null) path.unshift(cur);
        return path;
      }
      for (const p of this.parentGroups(g)) if (!prev.has(p)) { prev.set(p, g); queue.push(p); }
    }
    return [];
  }

  /** Users reached from a group through any depth of nesting (memoized: many policies and assignments name the same groups). */
  transitiveUserMembers(groupId: string): ReadonlySet<string> {
    const gid = norm(groupId);
    let users = this.transitiveUsersCache.get(gid);
    if (!users) this.transitiveUsersCache.set(gid, (users = this.collectUserMembers(gid)));
    return users;
  }

  private collectUserMembers(groupId: string): Set<string> {
    const users = new Set<string>();
    const seen = new Set<string>();
    const queue = [norm(groupId)];
    while (queue.length) {
      const g = queue.pop()!;
      if (seen.has(g)) continue;
      seen.add(g);
      const kids = this.children.get(g);
      if (!kids) continue;
      for (const u of kids.users) if (this.userById.has(u)) users.add(u);
      for (const c of kids.groups) queue.push(c);
      for (const m of kids.untyped) {
        if (this.userById.has(m)) users.add(m);
        else if (this.groupById.has(m) || this.children.has(m)) queue.push(m);
      }
    }
    return users;
  }

  // ---- directory roles ---------------------------------------------------------------------

  roleTemplateId(roleDefinitionId: string): string {
    const def = this.roleDefById.get(norm(roleDefinitionId));
    return norm(def?.templateId ?? roleDefinitionId);
  }

  roleName(templateOrId: string): string {
    const id = norm(templateOrId);
    const def = this.roleDefById.get(id) ?? [...this.roleDefById.values()].find((d) => norm(d.templateId) === id);
    return def?.displayName ?? SECURITY_DEFAULTS_ADMIN_ROLES.get(id) ?? templateOrId;
  }

  /** Privileged = beta `isPrivileged`, or Microsoft's built-in privileged list when the flag was not collected, or a security-defaults admin role. */
  isPrivilegedRole(templateId: string): boolean {
    const id = norm(templateId);
    if (SECURITY_DEFAULTS_ADMIN_ROLES.has(id)) return true;
    const def = this.roleDefById.get(id) ?? [...this.roleDefById.values()].find((d) => norm(d.templateId) === id);
    if (def && typeof def.isPrivileged === 'boolean') return def.isPrivileged;
    return BUILTIN_PRIVILEGED_ROLES.has(id);
  }

  private eligibilityIsCurrent(a: UnifiedRoleAssignment): boolean {
    const e = a as { status?: string | null; scheduleInfo?: { startDateTime?: string | null; expiration?: { type?: string | null; endDateTime?: string | null } | null } | null };
    const status = norm(e.status);
    if (status && !['provisioned', 'granted', 'scheduled', 'accepted'].includes(status)) return false;
    // "As the account stands today": an eligibility that starts after the snapshot does not count yet.
    const start = e.scheduleInfo?.startDateTime ? Date.parse(e.scheduleInfo.startDateTime) : NaN;
    if (!Number.isNaN(start) && start > this.collectedAt.getTime()) return false;
    const exp = e.scheduleInfo?.expiration;
    if (exp && norm(exp.type) === 'afterdatetime' && exp.endDateTime) {
      const end = Date.parse(exp.endDateTime);
      if (!Number.isNaN(end) && end < this.collectedAt.getTime()) return false;
    }
    return true;
  }

  private indexRoles(list: UnifiedRoleAssignment[], into: Map<string, RoleHolding[]>, keep: (a: UnifiedRoleAssignment) => boolean): void {
    for (const a of list) {
      if (!keep(a)) continue;
      const holding = {
        templateId: this.roleTemplateId(a.roleDefinitionId),
        directoryScopeId: a.directoryScopeId ?? '/',
      };
      const principal = norm(a.principalId);
      const add = (userId: string, viaGroupId?: string) => {
        const h: RoleHolding = { ...holding, roleName: this.roleName(holding.templateId), ...(viaGroupId ? { viaGroupId } : {}) };
        const list2 = into.get(userId);
        if (list2) list2.push(h);
        else into.set(userId, [h]);
      };
      if (this.userById.has(principal)) add(principal);
      else if (!this.has('groupMembers') && into === this.activeRoles && (this.groupById.has(principal) || !this.has('groups'))) {
        // A role held through a group we cannot expand: who holds it is unknown, not "nobody".
        this.rolesThroughUnreadableGroups.add(holding.templateId);
      } else if (this.groupById.has(principal) || this.children.has(principal)) {
        for (const u of this.transitiveUserMembers(principal)) add(u, principal);
      }
    }
  }

  /** Template ids of roles the user actively holds at tenant scope: what CA role conditions match. */
  activeTenantRoles(userId: string): RoleHolding[] {
    return (this.activeRoles.get(norm(userId)) ?? []).filter((r) => r.directoryScopeId === '/');
  }

  privilegedHoldings(userId: string): { active: RoleHolding[]; eligible: RoleHolding[] } {
    const id = norm(userId);
    return {
      active: (this.activeRoles.get(id) ?? []).filter((r) => this.isPrivilegedRole(r.templateId)),
      eligible: (this.eligibleRoles.get(id) ?? []).filter((r) => this.isPrivilegedRole(r.templateId)),
    };
  }

  // ---- users -------------------------------------------------------------------------------

  private computeOwnDomains(): void {
    const d = this.snapshot.tenant.defaultDomain;
    if (d) this.ownDomains.add(norm(d));
    // verifiedDomains: plain names, or GET /organization's objects `{ "name": ..., "isInitial": ... }`
    const verified = (this.snapshot.tenant as { verifiedDomains?: unknown }).verifiedDomains;
    for (const dom of Array.isArray(verified) ? verified : []) {
      const name = typeof dom === 'string' ? dom : (dom as { name?: unknown } | null)?.name;
      if (typeof name === 'string') this.ownDomains.add(norm(name));
    }
    for (const u of this.users) {
      const upn = norm(u.userPrincipalName);
      if (!upn || upn.includes('#ext#') || norm(u.creationType) === 'invitation') continue;
      const at = upn.lastIndexOf('@');
      if (at > 0) this.ownDomains.add(upn.slice(at + 1));
    }
  }

  /** External account: a B2B or external-IdP identity rather than one our directory holds the credentials for. */
  isExternal(user: GraphUser): boolean {
    if (norm(user.userPrincipalName).includes('#ext#')) return true;
    if (norm(user.creationType) === 'invitation') return true;
    // A member's identities carry the tenant's initial *.onmicrosoft.com domain as issuer even when
    // every UPN uses a custom domain, so initial domains (any cloud) count as the tenant's own.
    return (user.identities ?? []).some((i) => {
      const issuer = norm(i?.issuer);
      return issuer !== '' && !this.ownDomains.has(issuer) && !INITIAL_DOMAIN.test(issuer);
    });
  }

  /** CA guest/external type of a user (coverage.md "Does a policy apply"), or null for an ordinary member. */
  guestKind(user: GraphUser): GuestKind | null {
    // Asked by the engine and several rules for every user: computed once per user object.
    const i = this.indexOf(user);
    if (i === undefined) return this.classifyGuest(user);
    let kind = this.guestKinds[i];
    if (kind === undefined) this.guestKinds[i] = kind = this.classifyGuest(user);
    return kind;
  }

  private classifyGuest(user: GraphUser): GuestKind | null {
    const external = this.isExternal(user);
    const guest = norm(user.userType) === 'guest';
    if (external) return guest ? 'b2bCollaborationGuest' : 'b2bCollaborationMember';
    return guest ? 'internalGuest' : null;
  }

  isEnabled(user: GraphUser): boolean {
    return user.accountEnabled !== false;
  }

  /**
   * Per-user MFA state. `unknown` only when the state was needed from `authenticationRequirements` and
   * that collection failed; a snapshot that simply never asked for it counts as `disabled` (the
   * pessimistic reading, so a gap never turns into a clean report).
   */
  perUserMfaState(user: GraphUser): PerUserMfa {
    const i = this.indexOf(user);
    if (i === undefined) return this.readPerUserMfa(user);
    let memo = this.perUserStates[i];
    if (!memo) this.perUserStates[i] = memo = this.readPerUserMfa(user);
    return memo;
  }

  private readPerUserMfa(user: GraphUser): PerUserMfa {
    const fromUser = norm(user.perUserMfaState);
    if (fromUser === 'enabled' || fromUser === 'enforced' || fromUser === 'disabled') return { state: fromUser, source: 'users' };
    const entry = this.requirementsById().get(norm(user.id));
    const fromReq = norm(entry?.perUserMfaState);
    if (fromReq === 'enabled' || fromReq === 'enforced' || fromReq === 'disabled') return { state: fromReq, source: 'authenticationRequirements' };
    if ('authenticationRequirements' in this.snapshot.unavailable) return { state: 'unknown', source: 'authenticationRequirements' };
    return { state: 'disabled', source: 'default' };
  }

  private requirementsIndex?: Map<string, { perUserMfaState?: string | null }>;

  /** authenticationRequirements keyed by normalized user id (built once: a scan per user is quadratic). */
  private requirementsById(): Map<string, { perUserMfaState?: string | null }> {
    if (!this.requirementsIndex) {
      this.requirementsIndex = new Map();
      for (const [k, v] of Object.entries(this.snapshot.authenticationRequirements ?? {})) this.requirementsIndex.set(norm(k), v);
    }
    return this.requirementsIndex;
  }

  /** The user's registered authentication methods; undefined when they were not read for this user (usually only break-glass accounts are). */
  authenticationMethodsOf(user: GraphUser): readonly AuthenticationMethod[] | undefined {
    if (!this.has('authenticationMethods')) return undefined;
    const byId = this.snapshot.authenticationMethods!;
    return Object.hasOwn(byId, user.id) ? byId[user.id] : Object.entries(byId).find(([id]) => norm(id) === norm(user.id))?.[1];
  }

  /** Whether the user has a phishing-resistant method registered; undefined when unknown. */
  hasPhishingResistantMethod(user: GraphUser): boolean | undefined {
    return this.authenticationMethodsOf(user)?.some(isPhishingResistantMethod);
  }

  /** Display label for a user in reasons: the UPN when known. */
  label(user: GraphUser): string {
    return user.userPrincipalName ?? user.displayName ?? user.id;
  }

  findUser(query: string): GraphUser | undefined {
    const q = norm(query);
    return this.userById.get(q) ?? this.users.find((u) => norm(u.userPrincipalName) === q || norm(u.mail) === q);
  }

  /** Every e-mail address a user is known by, used to match classic administrators. */
  emailsOf(user: GraphUser): string[] {
    const out = new Set<string>();
    for (const e of [user.mail, user.userPrincipalName, ...(user.otherMails ?? [])]) if (e) out.add(norm(e));
    // A B2B guest's UPN encodes the home address: alice_contoso.com#EXT#@fabrikam.onmicrosoft.com
    const upn = norm(user.userPrincipalName);
    const ext = upn.indexOf('#ext#');
    if (ext > 0) {
      const local = upn.slice(0, ext);
      const us = local.lastIndexOf('_');
      if (us > 0) out.add(`${local.slice(0, us)}@${local.slice(us + 1)}`);
    }
    return [...out];
  }
}
