/**
 * The engine decides assignment through match keys (match-keys.ts); explanations use assignment.ts.
 * Both must agree on every (user, policy) — here over the demo tenant and deliberately awkward cases.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DirectoryModel } from '../../src/snapshot/model.js';
import { parseSnapshotObject } from '../../src/snapshot/load.js';
import { matchAssignment } from '../../src/coverage/assignment.js';
import { prepareEngine, evaluateUser } from '../../src/coverage/engine.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { GLOBAL_ADMIN, group, guest, memberRef, policy, roleAssignment, snapshot, user } from '../helpers/snapshot-builder.js';

function agree(snap: Snapshot) {
  const model = new DirectoryModel(snap);
  const ctx = prepareEngine(model);
  let compared = 0;
  for (const u of model.users) {
    const keys = ctx.matchKeys.keysOf(u);
    const kind = model.guestKind(u);
    ctx.policies.forEach((f, i) => {
      const a = ctx.assignments[i];
      if (!a) return;
      const m = matchAssignment(model, f.policy, u);
      expect({ user: u.userPrincipalName, policy: f.name, inc: a.include.match(keys, kind), exc: a.exclude.match(keys, kind) })
        .toEqual({ user: u.userPrincipalName, policy: f.name, inc: m.included.tri, exc: m.excluded.tri });
      compared++;
    });
  }
  return compared;
}

describe('match-key assignment agrees with the explaining matcher', () => {
  it('on every user × policy of the demo tenant', () => {
    const demo = parseSnapshotObject(JSON.parse(readFileSync(new URL('../../demo/tenant.json', import.meta.url), 'utf8'))).snapshot;
    expect(agree(demo)).toBeGreaterThan(1000);
  });

  it('with cycles, role-assignable groups, guests, enumerated tenants and missing collections', () => {
    const a = user('a@contoso.com');
    const b = user('b@contoso.com');
    const g = guest('g@fabrikam.com');
    const g1 = group('G1', [memberRef(a)]);
    const g2 = group('G2', [memberRef(g1.group, 'group')]);
    const g3 = group('G3', [memberRef(g2.group, 'group'), memberRef(b)]);
    const cycle = { ...g1, members: [...g1.members, memberRef(g3.group, 'group')] };
    const ra = group('RA', [memberRef(b)], { isAssignableToRole: true });
    const policies = [
      policy('groups', { users: { includeUsers: [], includeGroups: [g3.group.id], excludeGroups: [g2.group.id] } }),
      policy('roles', { users: { includeUsers: [], includeRoles: [GLOBAL_ADMIN] } }),
      policy('guests', { users: { includeUsers: [], includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest,internalGuest', externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants', membershipKind: 'enumerated', members: ['x'] } } } }),
      policy('legacy guests', { users: { includeUsers: ['GuestsOrExternalUsers'], excludeUsers: [a.id] } }),
    ];
    const base = {
      users: [a, b, g], groups: [g1.group, g2.group, g3.group, ra.group],
      groupMembers: { [g1.group.id]: cycle.members, [g2.group.id]: g2.members, [g3.group.id]: g3.members, [ra.group.id]: ra.members },
      roleAssignments: [roleAssignment(ra.group, GLOBAL_ADMIN)], conditionalAccessPolicies: policies,
    };
    expect(agree(snapshot(base))).toBe(12);
    expect(agree(snapshot({ ...base, groupMembers: undefined, unavailable: { groupMembers: { status: 403 } } }))).toBe(12);
    expect(agree(snapshot({ ...base, roleAssignments: undefined, unavailable: { roleAssignments: { status: 403 } } }))).toBe(12);
  });

  it('users with the same facts share one evaluation, and exclusion paths stay per user', () => {
    const users = Array.from({ length: 50 }, (_, i) => user(`u${i}@contoso.com`));
    const inner = group('Inner', users.slice(0, 5).map((u) => memberRef(u)));
    const outer = group('Outer', [memberRef(inner.group, 'group'), ...users.slice(5, 10).map((u) => memberRef(u))]);
    const snap = snapshot({
      users, groups: [inner.group, outer.group], groupMembers: { [inner.group.id]: inner.members, [outer.group.id]: outer.members },
      conditionalAccessPolicies: [policy('MFA', { users: { excludeGroups: [outer.group.id] } })],
    });
    const ctx = prepareEngine(new DirectoryModel(snap));
    const cov = users.map((u) => evaluateUser(ctx, u).coverage);
    expect(ctx.cache.size).toBe(2); // excluded-through-Outer, and everyone else
    expect(cov[20]!.anyApp).toBe(cov[30]!.anyApp); // shared cell object
    expect(cov[0]!.anyApp.reason).toContain("through group 'Inner', nested in 'Outer'");
    expect(cov[7]!.anyApp.reason).toContain("through group 'Outer'");
    expect(cov[7]!.anyApp.reason).not.toContain('Inner');
  });
});
