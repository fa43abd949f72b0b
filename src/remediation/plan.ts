/**
 * Plan building (spec/remediation.md): actions proposed from the unhealthy findings (each with its
 * `because`), every action's what-if impact, and the lock-out guard over the whole plan. Pure apart
 * from awaiting the evidence port.
 */
import type { Snapshot } from '../snapshot/types.js';
import { norm } from '../snapshot/model.js';
import { breakGlassMatcher } from '../snapshot/break-glass.js';
import { policyState } from '../coverage/policy.js';
import type { Finding } from '../rules/types.js';
import type { SignInEvidence } from '../evidence/types.js';
import type { TenantConfig } from '../config/types.js';
import { applyActionToSnapshot, applyActionsToSnapshot, asEnabled, plannedPolicyId } from './apply-snapshot.js';
import { computeImpact, evaluateCoverage, isLegacyBlock, type Evaluated } from './impact.js';
import { runGuard } from './guard.js';
import { adminScope, templateBody, TEMPLATE_NAMES } from './templates.js';
import type { ReportOnlyIndex } from './report-only.js';
import { mfaCapable } from './impact.js';
import { ACTION_KINDS, type Because, type Impact, type Plan, type PlanAction, type PlanActionKind, type TemplateId } from './types.js';

const USER_MFA_RULES = ['nonprivileged-user-mfa', 'directory-admin-mfa'];
const because = (findings: Finding[], ruleIds: string[]): Because[] =>
  findings.filter((f) => f.status === 'unhealthy' && ruleIds.includes(f.ruleId)).map((f) => ({ ruleId: f.ruleId, resourceId: f.resourceId }));

export interface ProposeOptions {
  config?: Pick<TenantConfig, 'breakGlassAccounts'>;
  /** Only these kinds (`--only`); setPerUserMfa is proposed only when asked for. */
  only?: readonly PlanActionKind[];
}

/** Actions without impact: what the findings call for. */
export function proposeActions(snapshot: Snapshot, findings: Finding[], evaluated: Evaluated, opts: ProposeOptions = {}): Omit<PlanAction, 'id'>[] {
  const model = evaluated.model;
  const only = opts.only?.length ? new Set(opts.only) : undefined;
  const wants = (k: PlanActionKind) => (only ? only.has(k) : k !== 'setPerUserMfa');
  const isBreakGlass = opts.config?.breakGlassAccounts.length ? breakGlassMatcher(opts.config.breakGlassAccounts) : () => false;
  const breakGlassIds = model.users.filter((u) => isBreakGlass(u)).map((u) => u.id);
  const policies = snapshot.conditionalAccessPolicies ?? [];
  const out: Omit<PlanAction, 'id'>[] = [];
  const hasP1 = policies.length > 0;
  const caEnabled = policies.some((p) => policyState(p) === 'enabled');
  const existingTemplate = (t: TemplateId) => policies.some((p) => p.displayName === TEMPLATE_NAMES[t]);

  const userGaps = because(findings, USER_MFA_RULES);
  const create = (t: TemplateId, why: Because[], extra: Partial<Parameters<typeof templateBody>[1]> = {}) => {
    if (!why.length || existingTemplate(t)) return;
    const after = templateBody(t, { breakGlassIds, ...extra });
    out.push({ kind: 'createCaPolicy', target: String(after.displayName), template: t, before: null, after, because: why });
  };

  if (!hasP1 && !caEnabled) {
    // No Conditional Access (no P1 evidence): security defaults are the free tenant-wide answer.
    if (wants('enableSecurityDefaults') && snapshot.securityDefaults && !snapshot.securityDefaults.isEnabled && userGaps.length) {
      out.push({ kind: 'enableSecurityDefaults', target: 'identitySecurityDefaultsEnforcementPolicy', before: { ...snapshot.securityDefaults }, after: { isEnabled: true }, because: userGaps });
    }
  } else if (wants('createCaPolicy')) {
    create('mfa-all-users', because(findings, ['nonprivileged-user-mfa']));
    create('mfa-azure-management', because(findings, ['ca-azure-management', 'azure-owner-mfa', 'azure-write-mfa']));
    create('phishing-resistant-admins', because(findings, ['directory-admin-mfa']), adminScope(model));
    // Legacy clients cannot do MFA, so any MFA policy is bypassed through them until they are blocked.
    if (!policies.some((p) => isLegacyBlock(p) && policyState(p) !== 'disabled')) create('block-legacy-authentication', userGaps);
  }

  if (wants('enableCaPolicy')) {
    // Report-only policies that would cover users reported unhealthy because only report-only policies reach them.
    const reportOnlyUsers = findings.filter((f) => f.status === 'unhealthy' && USER_MFA_RULES.includes(f.ruleId));
    for (const p of policies) {
      if (policyState(p) !== 'reportOnly') continue;
      const why = reportOnlyUsers.filter((f) => {
        const i = model.users.findIndex((u) => norm(u.id) === norm(f.resourceId));
        return i >= 0 && Object.values(evaluated.coverage[i]!).some((c) => c.state === 'reportOnly' && c.policies.some((id) => norm(id) === norm(p.id)));
      }).map((f) => ({ ruleId: f.ruleId, resourceId: f.resourceId }));
      if (why.length) out.push({ kind: 'enableCaPolicy', target: p.id, before: { ...p }, after: { state: 'enabled' }, because: why });
    }
  }

  if (wants('setPerUserMfa')) {
    const seen = new Set<string>();
    for (const f of userGaps) {
      const u = model.userById.get(norm(f.resourceId));
      if (!u || seen.has(u.id) || isBreakGlass(u) || u.accountEnabled === false) continue;
      const state = model.perUserMfaState(u).state;
      if (state === 'enabled' || state === 'enforced') continue;
      seen.add(u.id);
      out.push({ kind: 'setPerUserMfa', target: u.id, before: { perUserMfaState: state }, after: { perUserMfaState: 'enabled' }, because: userGaps.filter((b) => norm(b.resourceId) === norm(u.id)) });
    }
  }

  if (wants('registrationCampaign')) {
    const why = because(findings, ['mfa-registration']);
    if (why.length) {
      out.push({
        kind: 'registrationCampaign', target: 'authenticationMethodsPolicy', before: null,
        beforeUnknown: 'the authentication methods policy is not part of the snapshot; apply reads it live',
        after: {
          registrationEnforcement: {
            authenticationMethodsRegistrationCampaign: {
              snoozeDurationInDays: 1, enforceRegistrationAfterAllowedSnoozes: true, state: 'enabled',
              excludeTargets: breakGlassIds.map((id) => ({ id, targetType: 'user' })),
              includeTargets: [{ id: 'all_users', targetType: 'group', targetedAuthenticationMethod: 'microsoftAuthenticator' }],
            },
          },
        },
        because: why,
      });
    }
  }
  return out;
}

export interface AssessOptions {
  evidence?: SignInEvidence | undefined;
  breakGlassAccounts?: readonly string[];
  acceptImpact?: readonly string[];
  /** The snapshot already evaluated (saves one evaluation). */
  before?: Evaluated;
  /** Report-only results of the window's sign-ins (raw Graph signIns), for enableCaPolicy. */
  reportOnly?: ReportOnlyIndex | undefined;
}

/**
 * Impact of each action (alone, on the snapshot as it is; report-only policies also as if enabled)
 * and the guard over all of them. Actions the impact shows to prompt users who are not MFA capable
 * are withheld when they enable enforcement.
 */
export async function assessActions(snapshot: Snapshot, actions: PlanAction[], opts: AssessOptions = {}): Promise<{ actions: PlanAction[]; guard: Plan['guard']; before: Evaluated; after: Evaluated }> {
  const before = opts.before ?? evaluateCoverage(snapshot);
  const assessed: PlanAction[] = [];
  let lastEvaluated: Evaluated | undefined;
  for (const action of actions) {
    const touched = new Set([norm(action.kind === 'createCaPolicy' ? (typeof action.after.id === 'string' && action.after.id ? action.after.id : plannedPolicyId(action.id)) : action.target)]);
    let last: Evaluated | undefined;
    const one = async (a: PlanAction, evaluatedAs: Impact['evaluatedAs']) =>
      computeImpact({ before, after: (last = evaluateCoverage(applyActionToSnapshot(snapshot, a), before)), evaluatedAs, evidence: opts.evidence, touchedPolicies: touched });
    const impact = await one(action, 'asApplied');
    const enabled = asEnabled(action);
    if (enabled !== action) impact.ifEnabled = await one(enabled, 'ifEnabled');
    lastEvaluated = last;
    const next: PlanAction = { ...action, impact };
    if (action.kind === 'enableCaPolicy') {
      const outcomes = opts.reportOnly?.get(norm(action.target));
      if (opts.reportOnly) {
        // The window's evidence: report-only failures / interruptions of users who are not MFA capable.
        const blocked = [...(outcomes?.values() ?? [])].filter((o) => {
          const u = before.model.userById.get(norm(o.userId));
          return !u || mfaCapable(before.model, u) !== true;
        });
        if (blocked.length) {
          next.withheld = `in the window it reported failures or interruptions for ${blocked.length} user(s) who are not MFA capable: ${blocked.slice(0, 10).map((o) => o.userPrincipalName ?? o.userId).join(', ')}${blocked.length > 10 ? ', …' : ''}`;
        }
      } else if (impact.newlyRequiredNotMfaCapable.count > 0) {
        // Without report-only results, the engine's answer: who it would newly prompt, by registration.
        next.withheld = `${impact.newlyRequiredNotMfaCapable.count} user(s) it would newly require MFA of are not MFA capable (register them first, e.g. a registrationCampaign); no report-only sign-in results were given`;
      }
    }
    assessed.push(next);
  }
  const applied = assessed.filter((a) => !a.withheld);
  // One action: the plan's end state is the evaluation just made (as enabled, when report-only).
  const after = applied.length === 1 && assessed.length === 1 && lastEvaluated
    ? lastEvaluated
    : applied.length === 0 ? before : evaluateCoverage(applyActionsToSnapshot(snapshot, applied.map(asEnabled)), before);
  const guard = runGuard({ before, after, actions: assessed, breakGlassAccounts: opts.breakGlassAccounts ?? [], acceptImpact: opts.acceptImpact ?? [] });
  return { actions: assessed, guard, before, after };
}

export interface BuildPlanOptions extends ProposeOptions {
  evidence?: SignInEvidence;
  reportOnly?: ReportOnlyIndex;
  acceptImpact?: readonly string[];
  /** ISO time the plan is made (default now; tests fix it). */
  now?: string;
}

export async function buildPlan(snapshot: Snapshot, findings: Finding[], opts: BuildPlanOptions = {}): Promise<{ plan: Plan; before: Evaluated; after: Evaluated }> {
  for (const k of opts.only ?? []) if (!(ACTION_KINDS as readonly string[]).includes(k)) throw new Error(`unknown action kind ${k}`);
  const before = evaluateCoverage(snapshot);
  const proposed = proposeActions(snapshot, findings, before, opts).map((a, i) => ({ id: `a${i + 1}`, ...a }) as PlanAction);
  const breakGlassAccounts = opts.config?.breakGlassAccounts ?? [];
  const { actions, guard, after } = await assessActions(snapshot, proposed, { evidence: opts.evidence, breakGlassAccounts, acceptImpact: opts.acceptImpact ?? [], before, reportOnly: opts.reportOnly });
  const plan: Plan = {
    mfaguardPlan: 1, tenantId: snapshot.tenant.id, createdAt: opts.now ?? new Date().toISOString(), snapshotCollectedAt: snapshot.collectedAt,
    actions, guard, breakGlassAccounts: [...breakGlassAccounts], acceptedImpact: [...(opts.acceptImpact ?? [])],
  };
  return { plan, before, after };
}

export interface RecheckOptions {
  breakGlassAccounts: readonly string[];
  acceptImpact?: readonly string[];
}

/**
 * The guard again, on the tenant as it is now (apply: "the tenant may have changed between them"):
 * every action that is not withheld applied to the current snapshot, report-only policies read as
 * enabled, all four checks. The sign-in figures of `block-impact-accepted` are the plan's own (they
 * describe the window, not the tenant's current state). An action whose target policy no longer
 * exists is left out here: apply's drift check stops the run before it.
 */
export function recheckGuard(snapshot: Snapshot, actions: readonly PlanAction[], opts: RecheckOptions): Plan['guard'] {
  const policyIds = new Set((snapshot.conditionalAccessPolicies ?? []).map((p) => norm(p.id)));
  const live = actions.filter((a) => !a.withheld && ((a.kind !== 'enableCaPolicy' && a.kind !== 'updateCaPolicy') || policyIds.has(norm(a.target))));
  const before = evaluateCoverage(snapshot);
  const after = live.length ? evaluateCoverage(applyActionsToSnapshot(snapshot, live.map(asEnabled)), before) : before;
  return runGuard({ before, after, actions: live, breakGlassAccounts: opts.breakGlassAccounts, acceptImpact: opts.acceptImpact ?? [] });
}
