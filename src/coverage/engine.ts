/**
 * The coverage engine: for one user and one target, gather every mechanism that could demand MFA and
 * take the strongest state (coverage.md "Combining mechanisms"). Pure: reads the directory model only.
 *
 * Missing data is handled by evaluating two worlds: the pessimistic one (every unknown goes against
 * coverage) gives the reported state; the optimistic one tells whether the unknowns could change the
 * verdict. This keeps "a missing permission never turns into a clean report" exact and cheap.
 */
import type { GraphUser } from '../snapshot/types.js';
import { norm, type DataGap, type DirectoryModel } from '../snapshot/model.js';
import { SECURITY_DEFAULTS_ADMIN_ROLES } from '../snapshot/wellknown.js';
import { analyzePolicy, type PolicyFacts } from './policy.js';
import { eligibleOnlyNote, matchAssignment, type AssignmentMatch } from './assignment.js';
import {
  STATE_RANK, TARGETS, TARGET_LABELS,
  type CoverageCell, type CoverageState, type Mechanism, type PolicyTraceStep, type Target, type Tri, type UserCoverage,
} from './types.js';

export interface EngineContext {
  model: DirectoryModel;
  policies: PolicyFacts[];
  securityDefaults: Tri;
  securityDefaultsGap?: DataGap;
  caGap?: DataGap;
}

export function prepareEngine(model: DirectoryModel): EngineContext {
  const sdGap = model.gap('securityDefaults');
  const caGap = model.gap('conditionalAccessPolicies');
  return {
    model,
    policies: caGap ? [] : (model.snapshot.conditionalAccessPolicies ?? []).map((p) => analyzePolicy(p, model)),
    securityDefaults: sdGap ? 'unknown' : model.snapshot.securityDefaults!.isEnabled ? 'yes' : 'no',
    ...(sdGap ? { securityDefaultsGap: sdGap } : {}),
    ...(caGap ? { caGap } : {}),
  };
}

type World = 'pessimistic' | 'optimistic';

interface Contribution {
  state: CoverageState;
  mechanism: Mechanism;
  policyId?: string;
  text: string;
}

interface PolicyStep {
  state?: CoverageState;
  outcome: string;
  detail: string;
}

const q = (s: string) => `'${s}'`;

function policyStep(ctx: EngineContext, f: PolicyFacts, m: AssignmentMatch | null, user: GraphUser, target: Target, world: World): PolicyStep {
  if (f.state === 'disabled') return { outcome: 'disabled', detail: 'policy is disabled' };
  if (f.ignoredBecause || !m) return { outcome: 'ignored', detail: f.ignoredBecause ?? 'not applicable' };
  const reach = f.reach[target];
  if (reach === 'no') return { outcome: 'notTargeted', detail: `its target resources do not include ${TARGET_LABELS[target]}` };
  const pess = world === 'pessimistic';
  const included = pess ? m.included.tri === 'yes' : m.included.tri !== 'no';
  const excluded = pess ? m.excluded.tri !== 'no' : m.excluded.tri === 'yes';
  const excludedVia = m.excluded.tri === 'yes' ? m.excluded.via ?? '' : `possibly (${m.excluded.gaps.map((g) => g.reason).join('; ')})`;
  if (!included) {
    const note = m.included.tri === 'unknown' ? `inclusion cannot be resolved (${m.included.gaps.map((g) => g.reason).join('; ')})` : eligibleOnlyNote(ctx.model, f.policy, user) ?? 'the user is not in its assignment';
    return { outcome: 'notIncluded', detail: note };
  }
  const kind = pess ? f.conditions.kind : f.conditions.optimisticKind;
  if (f.grant.blocks) {
    if (f.state !== 'enabled') return { outcome: 'reportOnlyBlock', detail: 'report-only block (not enforced)' };
    if (excluded) return { outcome: 'excludedFromBlock', detail: `would block, but the user is excluded ${excludedVia}` };
    if (reach === 'excludedApp') return { outcome: 'excludedFromBlock', detail: `would block, but ${f.appExclusion[target]} is excluded` };
    if (kind !== 'unconditional') return { outcome: 'conditionalBlock', detail: `blocks only ${f.conditions.narrowing.join('; ') || 'outside trusted locations'}` };
    return { state: 'blocked', outcome: 'blocks', detail: `blocks access ${m.included.via ?? ''}`.trim() };
  }
  const requires = pess ? f.grant.requiresMfa === 'yes' : f.grant.requiresMfa !== 'no';
  if (!requires) {
    return { outcome: 'noMfa', detail: f.grant.weakness ?? (f.grant.requiresMfa === 'unknown' ? `grant "${f.grant.description}" cannot be resolved` : `grant "${f.grant.description}" does not require MFA`) };
  }
  if (f.state === 'reportOnly') {
    if (excluded || reach === 'excludedApp') return { outcome: 'reportOnlyExcluded', detail: 'report-only, and the user or target is excluded' };
    return { state: 'reportOnly', outcome: 'reportOnly', detail: `would require MFA (${f.grant.description}) but is report-only, so it is never enforced` };
  }
  const onlyWhen = f.conditions.kind === 'conditional' ? ` (${f.conditions.narrowing.join('; ')})` : '';
  if (excluded) return { state: 'excluded', outcome: 'userExcluded', detail: `would require MFA${onlyWhen}, but the user is excluded ${excludedVia}` };
  if (reach === 'excludedApp') return { state: 'excluded', outcome: 'targetExcluded', detail: `would require MFA, but ${f.appExclusion[target]} is excluded from it` };
  const how = `${m.included.via ?? ''}, grant ${f.grant.description}`;
  if (kind === 'unconditional') return { state: 'enforced', outcome: 'enforces', detail: `requires MFA (user included ${how})` };
  if (kind === 'trustedLocationBypass') {
    return { state: 'trustedLocationBypass', outcome: 'trustedLocationBypass', detail: `requires MFA except from ${f.conditions.trustedExclusions.join(', ') || 'trusted locations'}` };
  }
  return { state: 'conditional', outcome: 'conditional', detail: `requires MFA only under conditions: ${f.conditions.narrowing.join('; ')}` };
}

function sdText(ctx: EngineContext, user: GraphUser, target: Target): string {
  const admin = ctx.model.activeTenantRoles(user.id).find((r) => SECURITY_DEFAULTS_ADMIN_ROLES.has(r.templateId));
  if (admin) return `security defaults require MFA on every sign-in for holders of '${admin.roleName}'`;
  if (target === 'azureManagement' || target === 'azurePortal') return 'security defaults require MFA for everyone accessing Azure management';
  return 'security defaults are on (Microsoft prompts ordinary users for MFA when it deems it necessary)';
}

interface WorldResult {
  state: CoverageState;
  contributions: Contribution[];
  steps: PolicyStep[];
}

function evaluateWorld(
  ctx: EngineContext, user: GraphUser, target: Target, matches: (AssignmentMatch | null)[], perUser: string, world: World,
): WorldResult {
  const contributions: Contribution[] = [];
  const pess = world === 'pessimistic';
  if (ctx.securityDefaults === 'yes' || (!pess && ctx.securityDefaults === 'unknown')) {
    contributions.push({ state: 'enforced', mechanism: 'securityDefaults', text: sdText(ctx, user, target) });
  }
  if (perUser === 'enabled' || perUser === 'enforced' || (!pess && perUser === 'unknown')) {
    contributions.push({ state: 'enforced', mechanism: 'perUserMfa', text: `per-user MFA is ${perUser}` });
  }
  if (ctx.caGap && !pess) contributions.push({ state: 'enforced', mechanism: 'conditionalAccess', text: 'Conditional Access policies could not be read' });
  const steps = ctx.policies.map((f, i) => policyStep(ctx, f, matches[i]!, user, target, world));
  steps.forEach((s, i) => {
    if (s.state) contributions.push({ state: s.state, mechanism: 'conditionalAccess', policyId: ctx.policies[i]!.id, text: `CA policy ${q(ctx.policies[i]!.name)} ${s.detail}` });
  });
  let state: CoverageState = 'none';
  for (const c of contributions) if (STATE_RANK[c.state] > STATE_RANK[state]) state = c.state;
  return { state, contributions: contributions.filter((c) => c.state === state), steps };
}

function noneReason(ctx: EngineContext, target: Target, perUser: string, perUserSource: string, steps: PolicyStep[]): string {
  const parts: string[] = [];
  parts.push(`nothing requires MFA for ${TARGET_LABELS[target]}`);
  const mech: string[] = [];
  mech.push(ctx.securityDefaults === 'no' ? 'security defaults are off' : 'security defaults could not be read');
  mech.push(perUser === 'unknown' ? 'per-user MFA state could not be read' : perUserSource === 'default' ? 'per-user MFA state was not collected (read as disabled)' : `per-user MFA is ${perUser}`);
  const relevant = ctx.policies.filter((p, i) => p.state !== 'disabled' && steps[i]!.outcome !== 'notTargeted' && steps[i]!.outcome !== 'ignored');
  mech.push(relevant.length ? 'no enforced CA policy requires MFA of this user for it' : 'no CA policy requiring MFA targets it');
  return `${parts[0]}: ${mech.join('; ')}${nearMisses(ctx, steps)}`;
}

/** Policies that mention MFA and almost covered the user (PIM-eligible role, avoidable grant, conditional block). */
function nearMisses(ctx: EngineContext, steps: PolicyStep[]): string {
  const notes = steps
    .map((s, i) => ({ s, f: ctx.policies[i]! }))
    .filter(({ s, f }) => f.grant.mentionsMfa && ['notIncluded', 'noMfa', 'conditionalBlock'].includes(s.outcome) && !/not in its assignment/.test(s.detail))
    .slice(0, 3)
    .map(({ s, f }) => `CA policy ${q(f.name)}: ${s.detail}`);
  return notes.length ? `. Near misses: ${notes.join('; ')}` : '';
}

function reasonFor(ctx: EngineContext, target: Target, r: WorldResult, perUser: string, perUserSource: string): string {
  const texts = r.contributions.map((c) => c.text);
  const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  switch (r.state) {
    case 'none': return sentence(noneReason(ctx, target, perUser, perUserSource, r.steps));
    case 'reportOnly': return sentence(`only report-only policies would require MFA: ${texts.join('; ')}${nearMisses(ctx, r.steps)}`);
    case 'excluded':
    case 'conditional': return sentence(texts.join('; ') + nearMisses(ctx, r.steps));
    default: return sentence(texts.join('; '));
  }
}

export interface UserEvaluation {
  user: GraphUser;
  coverage: UserCoverage;
  /** Per-target policy trace, only when asked for (explain). */
  trace?: Record<Target, PolicyTraceStep[]>;
}

export function evaluateUser(ctx: EngineContext, user: GraphUser, opts: { trace?: boolean } = {}): UserEvaluation {
  const { state: perUser, source: perUserSource } = ctx.model.perUserMfaState(user);
  const matches = ctx.policies.map((f) => (f.state === 'disabled' || f.ignoredBecause ? null : matchAssignment(ctx.model, f.policy, user)));
  const coverage = {} as UserCoverage;
  const trace = opts.trace ? ({} as Record<Target, PolicyTraceStep[]>) : undefined;
  for (const target of TARGETS) {
    const p = evaluateWorld(ctx, user, target, matches, perUser, 'pessimistic');
    const o = evaluateWorld(ctx, user, target, matches, perUser, 'optimistic');
    const cell: CoverageCell = {
      state: p.state,
      mechanisms: [...new Set(p.contributions.map((c) => c.mechanism))],
      policies: [...new Set(p.contributions.flatMap((c) => (c.policyId ? [c.policyId] : [])))],
      reason: reasonFor(ctx, target, p, perUser, perUserSource),
    };
    if (o.state !== p.state) {
      const missing = new Set<string>();
      if (ctx.securityDefaults === 'unknown' && ctx.securityDefaultsGap) missing.add(ctx.securityDefaultsGap.reason);
      if (perUser === 'unknown') missing.add(ctx.model.gap('authenticationRequirements')?.reason ?? 'per-user MFA state could not be read');
      if (ctx.caGap) missing.add(ctx.caGap.reason);
      ctx.policies.forEach((f, i) => {
        if (p.steps[i]!.state === o.steps[i]!.state) return;
        const m = matches[i];
        for (const g of [...(m?.included.gaps ?? []), ...(m?.excluded.gaps ?? []), ...f.grant.gaps, ...f.conditions.gaps]) missing.add(g.reason);
      });
      cell.uncertain = { optimisticState: o.state, missing: [...missing] };
    }
    coverage[target] = cell;
    if (trace) {
      trace[target] = ctx.policies.map((f, i) => ({
        policyId: f.id, policyName: f.name, policyState: f.state, outcome: p.steps[i]!.outcome, detail: p.steps[i]!.detail,
      }));
    }
  }
  return { user, coverage, ...(trace ? { trace } : {}) };
}

export function* evaluateTenant(ctx: EngineContext): Generator<UserEvaluation> {
  for (const user of ctx.model.users) yield evaluateUser(ctx, user);
}

export const userKey = (user: GraphUser) => norm(user.id);
