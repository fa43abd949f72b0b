/**
 * `applyActionToSnapshot`: the snapshot as it would be after an action, for the what-if. Pure and
 * copy-on-write: only the collection an action touches is copied (a 100k-user tenant is not cloned
 * for a one-policy change), and the input snapshot is never modified.
 */
import type { ConditionalAccessPolicy, Snapshot } from '../snapshot/types.js';
import { norm } from '../snapshot/model.js';
import type { PlanAction } from './types.js';

/** The id a created policy has in the edited snapshot (Graph assigns the real one on POST). */
export const plannedPolicyId = (actionId: string) => `planned-${actionId}`;

export function applyActionToSnapshot(snapshot: Snapshot, action: Pick<PlanAction, 'id' | 'kind' | 'target' | 'after'>): Snapshot {
  switch (action.kind) {
    case 'createCaPolicy': {
      const created = { ...action.after, id: typeof action.after.id === 'string' && action.after.id ? action.after.id : plannedPolicyId(action.id) } as ConditionalAccessPolicy;
      return { ...snapshot, conditionalAccessPolicies: [...(snapshot.conditionalAccessPolicies ?? []), created] };
    }
    case 'enableCaPolicy':
    case 'updateCaPolicy': {
      const list = snapshot.conditionalAccessPolicies ?? [];
      const i = list.findIndex((p) => norm(p.id) === norm(action.target));
      if (i < 0) throw new Error(`policy ${action.target} is not in the snapshot`);
      const copy = [...list];
      // PATCH semantics: top-level properties of the body replace the policy's.
      copy[i] = { ...list[i]!, ...action.after, id: list[i]!.id } as ConditionalAccessPolicy;
      return { ...snapshot, conditionalAccessPolicies: copy };
    }
    case 'setPerUserMfa': {
      const state = String(action.after.perUserMfaState ?? 'enabled');
      const users = snapshot.users ?? [];
      const i = users.findIndex((u) => norm(u.id) === norm(action.target));
      const requirements = { ...(snapshot.authenticationRequirements ?? {}), [action.target]: { perUserMfaState: state } };
      if (i < 0 || users[i]!.perUserMfaState == null) return { ...snapshot, authenticationRequirements: requirements };
      // The user object carries the state itself (beta users): it wins over authenticationRequirements, so edit it.
      const copy = [...users];
      copy[i] = { ...users[i]!, perUserMfaState: state };
      return { ...snapshot, users: copy, authenticationRequirements: requirements };
    }
    case 'enableSecurityDefaults':
      return { ...snapshot, securityDefaults: { ...(snapshot.securityDefaults ?? {}), isEnabled: action.after.isEnabled !== false } };
    case 'registrationCampaign':
      // Prompts users to register; requires nothing at sign-in, so coverage does not change.
      return snapshot;
  }
}

/** Every action applied in order. */
export function applyActionsToSnapshot(snapshot: Snapshot, actions: readonly Pick<PlanAction, 'id' | 'kind' | 'target' | 'after'>[]): Snapshot {
  return actions.reduce((s, a) => applyActionToSnapshot(s, a), snapshot);
}

/** A report-only policy action read as enabled: what turning it on later would do. */
export function asEnabled<A extends Pick<PlanAction, 'id' | 'kind' | 'target' | 'after'>>(action: A): A {
  if ((action.kind === 'createCaPolicy' || action.kind === 'updateCaPolicy') && norm(String(action.after.state ?? '')) === 'enabledforreportingbutnotenforced') {
    return { ...action, after: { ...action.after, state: 'enabled' } };
  }
  return action;
}
