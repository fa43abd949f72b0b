/**
 * Does a policy's user assignment include / exclude a given user? Groups are transitive, roles are
 * active tenant-wide holdings (directly or through a role-assignable group), guests are classified
 * from directory data. Any exclusion beats any inclusion.
 */
import type { ConditionalAccessPolicy, GraphUser, GuestsOrExternalUsers } from '../snapshot/types.js';
import { norm, type DataGap, type DirectoryModel } from '../snapshot/model.js';
import type { Tri } from './types.js';
import { GUEST_KIND_LABELS, withArticle } from '../vocabulary.js';

export interface SideMatch {
  tri: Tri;
  /** How the user matched (when yes), e.g. "through group 'Contractors', nested in 'CA-Exclusions'". */
  via?: string;
  gaps: DataGap[];
}

export interface AssignmentMatch {
  included: SideMatch;
  excluded: SideMatch;
}

function describeGroupPath(model: DirectoryModel, path: string[]): string {
  const [first, ...rest] = path.map((g) => `'${model.groupName(g)}'`);
  return `through group ${first}${rest.map((g) => `, nested in ${g}`).join('')}`;
}

function guestMatch(model: DirectoryModel, user: GraphUser, spec: GuestsOrExternalUsers | null | undefined): SideMatch {
  if (!spec) return { tri: 'no', gaps: [] };
  const kind = model.guestKind(user);
  if (!kind) return { tri: 'no', gaps: [] };
  const types = norm(spec.guestOrExternalUserTypes).split(',').map((s) => s.trim());
  if (!types.includes(norm(kind))) return { tri: 'no', gaps: [] };
  const tenants = spec.externalTenants;
  if (kind === 'internalGuest' || !tenants || norm(tenants.membershipKind) === 'all' || /alltenants/i.test(tenants['@odata.type'] ?? '')) {
    return { tri: 'yes', via: `as ${withArticle(GUEST_KIND_LABELS[kind] ?? kind)}`, gaps: [] };
  }
  // Enumerated tenants: the user's home tenant is not part of directory data.
  return { tri: 'unknown', gaps: [{ key: 'users', reason: 'the home tenant of an external user is not in directory data, so a policy scoped to specific external tenants cannot be resolved' }] };
}

function side(
  model: DirectoryModel,
  user: GraphUser,
  users: string[],
  groups: string[],
  roles: string[],
  guests: GuestsOrExternalUsers | null | undefined,
): SideMatch {
  const uid = norm(user.id);
  const userSet = users.map((u) => norm(u));
  if (userSet.includes('all')) return { tri: 'yes', via: 'as all users', gaps: [] };
  if (userSet.includes(uid)) return { tri: 'yes', via: 'directly (by user id)', gaps: [] };
  if (userSet.includes('guestsorexternalusers') && model.guestKind(user)) {
    return { tri: 'yes', via: `as a guest or external user (${GUEST_KIND_LABELS[model.guestKind(user)!] ?? model.guestKind(user)})`, gaps: [] };
  }
  const gaps: DataGap[] = [];
  let unknown = false;
  if (groups.length) {
    if (!model.has('groupMembers')) {
      unknown = true;
      gaps.push(model.gap('groupMembers')!);
    } else {
      const mine = model.transitiveGroups(uid);
      const hit = groups.find((g) => mine.has(norm(g)));
      if (hit) return { tri: 'yes', via: describeGroupPath(model, model.groupPath(uid, hit)), gaps: [] };
    }
  }
  if (roles.length) {
    if (!model.has('roleAssignments')) {
      unknown = true;
      gaps.push(model.gap('roleAssignments')!);
    } else {
      const held = model.activeTenantRoles(uid);
      for (const r of roles) {
        const h = held.find((x) => x.templateId === norm(r));
        if (h) {
          return { tri: 'yes', via: `through active role '${h.roleName}'${h.viaGroupId ? ` (assigned to group '${model.groupName(h.viaGroupId)}')` : ''}`, gaps: [] };
        }
      }
      if (roles.some((r) => model.rolesThroughUnreadableGroups.has(norm(r)))) {
        unknown = true;
        gaps.push(model.gap('groupMembers')!);
      }
    }
  }
  const g = guestMatch(model, user, guests);
  if (g.tri === 'yes') return g;
  if (g.tri === 'unknown') {
    unknown = true;
    gaps.push(...g.gaps);
  }
  return { tri: unknown ? 'unknown' : 'no', gaps };
}

export function matchAssignment(model: DirectoryModel, policy: ConditionalAccessPolicy, user: GraphUser): AssignmentMatch {
  const u = policy.conditions?.users;
  if (!u) return { included: { tri: 'no', gaps: [] }, excluded: { tri: 'no', gaps: [] } };
  return {
    included: side(model, user, u.includeUsers ?? [], u.includeGroups ?? [], u.includeRoles ?? [], u.includeGuestsOrExternalUsers),
    excluded: side(model, user, u.excludeUsers ?? [], u.excludeGroups ?? [], u.excludeRoles ?? [], u.excludeGuestsOrExternalUsers),
  };
}
