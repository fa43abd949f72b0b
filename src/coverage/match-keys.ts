/**
 * User assignment through match keys. A policy's users condition names user ids, groups, roles (active
 * or PIM-eligible) and guest kinds; each named user, group or role is a match key. A user's match keys
 * are the keys the user matches (transitively for groups, actively at tenant scope for roles). Then
 * "does policy P include user U" is a set intersection over a handful of keys, and users with equal
 * match keys are indistinguishable to every policy — the engine evaluates them once.
 *
 * Semantics mirror assignment.ts (used for explanations); a test keeps the two in step.
 */
import type { GraphUser, GuestsOrExternalUsers } from '../snapshot/types.js';
import { norm, type DataGap, type DirectoryModel, type GuestKind } from '../snapshot/model.js';
import type { PolicyFacts } from './policy.js';
import type { Tri } from './types.js';

/** Numbers every match key a policy names; tells which of them a user matches. */
export class MatchKeyTable {
  private readonly ids = new Map<string, number>();
  private readonly refAncestorsMemo = new Map<string, number[]>();
  private groupKeys = 0;
  private roleKeys = 0;
  private eligibleKeys = 0;

  constructor(private readonly model: DirectoryModel) {}

  /** Register a match key a policy refers to; returns its number. */
  intern(kind: 'u' | 'g' | 'r' | 'e', id: string): number {
    const key = `${kind}:${norm(id)}`;
    let n = this.ids.get(key);
    if (n === undefined) {
      n = this.ids.size;
      this.ids.set(key, n);
      if (kind === 'g') this.groupKeys++;
      else if (kind === 'r') this.roleKeys++;
      else if (kind === 'e') this.eligibleKeys++;
    }
    return n;
  }

  private lookup(kind: string, id: string): number | undefined {
    return this.ids.get(`${kind}:${id}`);
  }

  /** Referenced groups at or above a group (cycles tolerated), memoized per group. */
  private refAncestors(groupId: string): number[] {
    const memo = this.refAncestorsMemo.get(groupId);
    if (memo) return memo;
    const out: number[] = [];
    const seen = new Set<string>([groupId]);
    const queue = [groupId];
    while (queue.length) {
      const g = queue.pop()!;
      const t = this.lookup('g', g);
      if (t !== undefined) out.push(t);
      for (const p of this.model.parentGroups(g)) if (!seen.has(p)) { seen.add(p); queue.push(p); }
    }
    this.refAncestorsMemo.set(groupId, out);
    return out;
  }

  /** The match keys a user matches. */
  keysOf(user: GraphUser): Set<number> {
    const uid = norm(user.id);
    const out = new Set<number>();
    const u = this.lookup('u', uid);
    if (u !== undefined) out.add(u);
    if (this.groupKeys) for (const g of this.model.parentGroupsOfUser(user)) for (const t of this.refAncestors(g)) out.add(t);
    if (this.roleKeys) {
      for (const r of this.model.activeTenantRoles(uid)) {
        const t = this.lookup('r', r.templateId);
        if (t !== undefined) out.add(t);
      }
    }
    if (this.eligibleKeys) {
      for (const r of this.model.eligibleRoles.get(uid) ?? []) {
        const t = this.lookup('e', r.templateId);
        if (t !== undefined) out.add(t);
      }
    }
    return out;
  }
}

export class AssignmentSide {
  all = false;
  guestsAll = false;
  readonly keys: number[] = [];
  readonly kindsYes = new Set<GuestKind>();
  readonly kindsUnknown = new Set<GuestKind>();
  unknownAll = false;
  readonly gaps: DataGap[] = [];

  match(userKeys: Set<number>, kind: GuestKind | null): Tri {
    if (this.all) return 'yes';
    if (kind && (this.guestsAll || this.kindsYes.has(kind))) return 'yes';
    for (const k of this.keys) if (userKeys.has(k)) return 'yes';
    if (this.unknownAll || (kind && this.kindsUnknown.has(kind))) return 'unknown';
    return 'no';
  }
}

export interface PolicyAssignment {
  include: AssignmentSide;
  exclude: AssignmentSide;
  /** Name of an included role the user holds only as PIM-eligible, if any. */
  eligibleRoleName(userKeys: Set<number>): string | undefined;
}

function buildSide(
  model: DirectoryModel, keys: MatchKeyTable, users: string[], groups: string[], roles: string[], guests: GuestsOrExternalUsers | null | undefined,
): AssignmentSide {
  const side = new AssignmentSide();
  for (const raw of users) {
    const u = norm(raw);
    if (u === 'all') side.all = true;
    else if (u === 'guestsorexternalusers') side.guestsAll = true;
    else if (u !== 'none') side.keys.push(keys.intern('u', u));
  }
  if (groups.length) {
    if (!model.has('groupMembers')) {
      side.unknownAll = true;
      side.gaps.push(model.gap('groupMembers')!);
    } else for (const g of groups) side.keys.push(keys.intern('g', g));
  }
  if (roles.length) {
    if (!model.has('roleAssignments')) {
      side.unknownAll = true;
      side.gaps.push(model.gap('roleAssignments')!);
    } else {
      for (const r of roles) side.keys.push(keys.intern('r', r));
      if (roles.some((r) => model.rolesThroughUnreadableGroups.has(norm(r)))) {
        side.unknownAll = true;
        side.gaps.push(model.gap('groupMembers')!);
      }
    }
  }
  if (guests) {
    const types = norm(guests.guestOrExternalUserTypes).split(',').map((s) => s.trim());
    const t = guests.externalTenants;
    const anyTenant = !t || norm(t.membershipKind) === 'all' || /alltenants/i.test(t['@odata.type'] ?? '');
    for (const kind of ['b2bCollaborationGuest', 'b2bCollaborationMember', 'internalGuest'] as GuestKind[]) {
      if (!types.includes(norm(kind))) continue;
      if (anyTenant || kind === 'internalGuest') side.kindsYes.add(kind);
      else side.kindsUnknown.add(kind);
    }
    if (side.kindsUnknown.size) {
      side.gaps.push({ key: 'users', reason: 'the home tenant of an external user is not in directory data, so a policy scoped to specific external tenants cannot be resolved' });
    }
  }
  return side;
}

export function buildAssignments(model: DirectoryModel, policies: PolicyFacts[]): {
  assignments: (PolicyAssignment | undefined)[];
  matchKeys: MatchKeyTable;
} {
  const matchKeys = new MatchKeyTable(model);
  const assignments = policies.map((f): PolicyAssignment | undefined => {
    if (f.state === 'disabled' || f.ignoredBecause) return undefined;
    const u = f.policy.conditions?.users;
    if (!u) return { include: new AssignmentSide(), exclude: new AssignmentSide(), eligibleRoleName: () => undefined };
    const include = buildSide(model, matchKeys, u.includeUsers ?? [], u.includeGroups ?? [], u.includeRoles ?? [], u.includeGuestsOrExternalUsers);
    const exclude = buildSide(model, matchKeys, u.excludeUsers ?? [], u.excludeGroups ?? [], u.excludeRoles ?? [], u.excludeGuestsOrExternalUsers);
    const eligible = (u.includeRoles ?? []).map((r) => ({ key: matchKeys.intern('e', r), name: model.roleName(r) }));
    return {
      include, exclude,
      eligibleRoleName: (userKeys) => eligible.find((e) => userKeys.has(e.key))?.name,
    };
  });
  return { assignments, matchKeys };
}
