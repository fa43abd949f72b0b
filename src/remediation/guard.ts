/**
 * The lock-out guard (spec/remediation.md): checks a plan (or a what-if) must pass before anything is
 * applied. Each check names itself and, when it fails, the action and the account. The checks read
 * the policies themselves (matchAssignment: UPN or id in any case, groups at any depth, roles), not
 * only coverage deltas, so an account already covered elsewhere still cannot be added to a new policy.
 */
import type { ConditionalAccessPolicy, GraphUser } from '../snapshot/types.js';
import { norm } from '../snapshot/model.js';
import { matchAssignment } from '../coverage/assignment.js';
import { breakGlassMatcher } from '../snapshot/break-glass.js';
import { TARGETS } from '../vocabulary.js';
import { PROMPTING, mfaCapable, type Evaluated } from './impact.js';
import type { GuardCheck, GuardResult, PlanAction } from './types.js';

export const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';

export interface GuardInput {
  /** The snapshot as it is. */
  before: Evaluated;
  /** Every action applied, report-only policies read as enabled (what the plan leads to once they are turned on). */
  after: Evaluated;
  actions: readonly PlanAction[];
  /** Declared break-glass accounts (UPNs or object ids), TenantConfig.breakGlassAccounts. */
  breakGlassAccounts: readonly string[];
  /** Action ids whose blocked sign-ins the operator accepted (`--accept-impact`). */
  acceptImpact?: readonly string[];
}

const lower = (xs: unknown): string[] => (Array.isArray(xs) ? xs.filter((x): x is string => typeof x === 'string').map(norm) : []);

/** Does the policy require MFA (built-in control or authentication strength) or block? */
function demandsMfaOrBlocks(p: ConditionalAccessPolicy): boolean {
  const g = p.grantControls;
  if (!g) return false;
  const b = lower(g.builtInControls);
  return b.includes('mfa') || b.includes('block') || !!(g.authenticationStrength && typeof g.authenticationStrength === 'object');
}

/** The policy as the action leaves it, from the edited snapshot. */
function policyAfter(action: PlanAction, after: Evaluated): ConditionalAccessPolicy | undefined {
  if (action.kind !== 'createCaPolicy' && action.kind !== 'updateCaPolicy' && action.kind !== 'enableCaPolicy') return undefined;
  const id = action.kind === 'createCaPolicy' ? (typeof action.after.id === 'string' && action.after.id ? action.after.id : `planned-${action.id}`) : action.target;
  return (after.snapshot.conditionalAccessPolicies ?? []).find((p) => norm(p.id) === norm(id));
}

const isAllUsers = (p: ConditionalAccessPolicy | undefined) => lower(p?.conditions?.users?.includeUsers).includes('all');

/** Tenant-wide enforcement: enabling an all-users policy, security defaults, or a hand-written enabled all-users policy. */
function tenantWide(action: PlanAction, after: Evaluated): boolean {
  if (action.kind === 'enableSecurityDefaults') return true;
  const p = policyAfter(action, after);
  if (!p || !isAllUsers(p) || !demandsMfaOrBlocks(p)) return false;
  // `after` reads report-only policies as enabled; tenant-wide enforcement is what the action itself sends.
  return action.kind === 'enableCaPolicy' || norm(String(action.after.state ?? p.state)) === 'enabled';
}

const label = (u: GraphUser) => u.userPrincipalName ?? u.id;

export function runGuard(input: GuardInput): GuardResult {
  const { before, after, actions } = input;
  const isBreakGlass = input.breakGlassAccounts.length ? breakGlassMatcher(input.breakGlassAccounts) : () => false;
  const breakGlass = after.model.users.filter((u) => isBreakGlass(u));
  const checks: GuardCheck[] = [];

  // 1. Break-glass accounts untouched.
  const touches: { action: PlanAction; account: string; how: string }[] = [];
  for (const action of actions) {
    if (action.kind === 'setPerUserMfa') {
      const u = after.model.userById.get(norm(action.target));
      if (u && isBreakGlass(u)) touches.push({ action, account: label(u), how: 'per-user MFA would be enabled for it' });
      else if (!u && input.breakGlassAccounts.some((b) => norm(b) === norm(action.target))) touches.push({ action, account: action.target, how: 'per-user MFA would be enabled for it' });
      continue;
    }
    if (action.kind === 'enableSecurityDefaults') {
      // Security defaults cannot exclude anyone: break-glass accounts must then be able to do MFA.
      for (const u of breakGlass) if (mfaCapable(before.model, u) !== true) touches.push({ action, account: label(u), how: 'security defaults would require MFA of it and it is not MFA capable' });
      continue;
    }
    const p = policyAfter(action, after);
    if (!p || norm(p.state) === 'disabled' || !demandsMfaOrBlocks(p)) continue;
    for (const u of breakGlass) {
      const m = matchAssignment(after.model, p, u);
      // Pessimistic: an inclusion that cannot be ruled out, or an exclusion that cannot be proven, touches it.
      if (m.included.tri !== 'no' && m.excluded.tri !== 'yes') {
        touches.push({ action, account: label(u), how: `policy '${p.displayName ?? p.id}' ${lower(p.grantControls?.builtInControls).includes('block') ? 'would block' : 'would require MFA of'} it${m.included.via ? ` (included ${m.included.via})` : ''}` });
      }
    }
  }
  checks.push(touches.length
    ? { id: 'breakglass-untouched', passed: false, actionId: touches[0]!.action.id, detail: touches.map((t) => `${t.action.id}: break-glass account ${t.account}: ${t.how}`).join('; ') }
    : { id: 'breakglass-untouched', passed: true, detail: input.breakGlassAccounts.length ? `no action requires MFA of or blocks the ${breakGlass.length} declared break-glass account(s) found` : 'no break-glass accounts are declared' });

  // 2. Tenant-wide enforcement needs an existing, enabled break-glass account.
  const wide = actions.filter((a) => tenantWide(a, after));
  const usable = breakGlass.filter((u) => u.accountEnabled !== false);
  if (!wide.length) checks.push({ id: 'breakglass-exists', passed: true, detail: 'no action enforces MFA tenant-wide' });
  else if (usable.length) checks.push({ id: 'breakglass-exists', passed: true, detail: `tenant-wide enforcement (${wide.map((a) => a.id).join(', ')}) keeps enabled break-glass account(s): ${usable.map(label).join(', ')}` });
  else {
    checks.push({
      id: 'breakglass-exists', passed: false, actionId: wide[0]!.id,
      detail: `${wide.map((a) => a.id).join(', ')} enforce(s) MFA tenant-wide, but ${input.breakGlassAccounts.length ? 'no declared break-glass account exists and is enabled' : 'no break-glass account is declared (breakGlassAccounts in the configuration, or --break-glass)'}`,
    });
  }

  // 3. A Global Administrator (active) stays able to sign in.
  const gas = after.model.users.filter((u) => after.model.activeTenantRoles(u.id).some((r) => r.templateId === GLOBAL_ADMINISTRATOR));
  const canSignIn = (ev: Evaluated, u: GraphUser, i: number) => {
    if (u.accountEnabled === false) return false;
    const cov = ev.coverage[i]!;
    if (TARGETS.some((t) => cov[t].state === 'blocked')) return false;
    return !TARGETS.some((t) => PROMPTING.has(cov[t].state)) || mfaCapable(ev.model, u) === true;
  };
  const index = new Map(after.model.users.map((u, i) => [u, i]));
  const able = gas.filter((u) => canSignIn(after, u, index.get(u)!));
  if (able.length) checks.push({ id: 'global-admin-can-sign-in', passed: true, detail: `${able.length} of ${gas.length} active Global Administrator(s) can still sign in (e.g. ${label(able[0]!)})` });
  else {
    const ableBefore = gas.filter((u) => canSignIn(before, u, index.get(u)!));
    checks.push({
      id: 'global-admin-can-sign-in', passed: false,
      detail: gas.length === 0 ? 'no account holds Global Administrator actively in the snapshot'
        : `after the plan none of the ${gas.length} active Global Administrator(s) could sign in (blocked, disabled, or required to do MFA without being MFA capable)${ableBefore.length ? '' : '; none could before the plan either'}`,
    });
  }

  // 4. Blocks with sign-ins in the window are withheld unless accepted.
  const accepted = new Set((input.acceptImpact ?? []).map(norm));
  const blocking = actions.filter((a) => (a.impact?.signIns?.blocked.total ?? 0) > 0);
  const refused = blocking.filter((a) => !accepted.has(norm(a.id)));
  const noEvidence = actions.filter((a) => a.impact && !a.impact.signIns && (a.impact.newlyBlocked.count > 0 || a.impact.notComputed.some((n) => n.startsWith('legacy-client'))));
  if (refused.length) {
    checks.push({ id: 'block-impact-accepted', passed: false, actionId: refused[0]!.id, detail: refused.map((a) => `${a.id} would have blocked ${a.impact!.signIns!.blocked.total} successful sign-in(s) of the window; name it in --accept-impact to proceed`).join('; ') });
  } else {
    const parts = [blocking.length ? `accepted: ${blocking.map((a) => a.id).join(', ')}` : 'no action blocks sign-ins seen in the window'];
    if (noEvidence.length) parts.push(`not checked for ${noEvidence.map((a) => a.id).join(', ')}: no sign-in evidence`);
    checks.push({ id: 'block-impact-accepted', passed: true, detail: parts.join('; ') });
  }
  return { passed: checks.every((c) => c.passed), checks };
}

