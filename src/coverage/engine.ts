/**
 * The coverage engine: for one user and one target, gather every mechanism that could demand MFA and
 * take the strongest state (coverage.md "Combining mechanisms"). Pure: reads the directory model only.
 *
 * Missing data is handled by evaluating two worlds: the pessimistic one (every unknown goes against
 * coverage) gives the reported state; the optimistic one tells whether the unknowns could change the
 * verdict. This keeps "a missing permission never turns into a clean report" exact and cheap.
 *
 * Scale: a user's coverage depends only on a small set of facts, the user's signature: the match keys
 * (match-keys.ts: the policy-referenced user id, groups and roles the user matches), guest kind,
 * per-user MFA state and security-defaults admin role. Users with the same signature share one
 * evaluation (and the same cell objects), so a million-user tenant costs one evaluation per distinct
 * signature plus a cheap match-key scan per user — not users × policies × targets. Only the group path of an exclusion is per user.
 */
import type { GraphUser } from '../snapshot/types.js';
import type { DataGap, DirectoryModel } from '../snapshot/model.js';
import { SECURITY_DEFAULTS_ADMIN_ROLES } from '../snapshot/wellknown.js';
import { analyzePolicy, type PolicyFacts } from './policy.js';
import { matchAssignment } from './assignment.js';
import { danglingReferences, type PolicyHygieneWarning } from './dangling.js';
import { buildAssignments, type MatchKeyTable, type PolicyAssignment } from './match-keys.js';
import {
  STATE_RANK, TARGETS, TARGET_LABELS, isHealthy,
  type CoverageCell, type CoverageState, type Mechanism, type PolicyTraceStep, type Target, type Tri, type UserCoverage,
} from './types.js';

export interface EngineContext {
  model: DirectoryModel;
  policies: PolicyFacts[];
  securityDefaults: Tri;
  securityDefaultsGap?: DataGap;
  caGap?: DataGap;
  /** Per policy: who its assignment includes / excludes, as match keys (undefined when it cannot apply). */
  assignments: (PolicyAssignment | undefined)[];
  matchKeys: MatchKeyTable;
  /** Evaluations shared by every user with the same signature. */
  cache: Map<string, SignatureEvaluation>;
  /** References to objects missing from complete collections (dangling.ts): warnings, not verdicts. */
  policyHygiene: PolicyHygieneWarning[];
}

export function prepareEngine(model: DirectoryModel): EngineContext {
  const sdGap = model.gap('securityDefaults');
  const caGap = model.gap('conditionalAccessPolicies');
  const policies = caGap ? [] : (model.snapshot.conditionalAccessPolicies ?? []).map((p) => analyzePolicy(p, model));
  const securityDefaults: Tri = sdGap ? 'unknown' : model.snapshot.securityDefaults!.isEnabled ? 'yes' : 'no';
  const { assignments, matchKeys } = buildAssignments(model, policies);
  return {
    model, policies, securityDefaults, assignments, matchKeys, cache: new Map(), policyHygiene: danglingReferences(model),
    ...(sdGap ? { securityDefaultsGap: sdGap } : {}),
    ...(caGap ? { caGap } : {}),
  };
}

type World = 'pessimistic' | 'optimistic';

type Outcome =
  | 'disabled' | 'ignored' | 'notTargeted' | 'notIncluded' | 'reportOnlyBlock' | 'excludedFromBlock' | 'conditionalBlock'
  | 'blocks' | 'noMfa' | 'reportOnlyExcluded' | 'reportOnly' | 'userExcluded' | 'targetExcluded' | 'enforces'
  | 'trustedLocationBypass' | 'conditional';

const OUTCOME_STATE: Partial<Record<Outcome, CoverageState>> = {
  blocks: 'blocked', reportOnly: 'reportOnly', userExcluded: 'excluded', targetExcluded: 'excluded',
  enforces: 'enforced', trustedLocationBypass: 'trustedLocationBypass', conditional: 'conditional',
};

/** What is known about one user-signature: per policy, whether its assignment includes / excludes the user. */
interface SignatureFacts {
  included: Tri[];
  excluded: Tri[];
  /** Name of a role the policy includes that the user holds only as PIM-eligible. */
  eligibleOnly: (string | undefined)[];
  perUser: 'disabled' | 'enabled' | 'enforced' | 'unknown';
  perUserSource: string;
  /** Active security-defaults admin role, for the security-defaults explanation. */
  sdAdminRole?: string;
}

interface SignatureEvaluation {
  facts: SignatureFacts;
  coverage: UserCoverage;
  /** Targets whose reason names the user's own exclusion path: rebuilt per user. */
  perUserTargets: { target: Target; build: (via: (policyIndex: number) => string) => string }[];
}

function outcomeOf(f: PolicyFacts, inc: Tri, exc: Tri, target: Target, world: World): Outcome {
  if (f.state === 'disabled') return 'disabled';
  if (f.ignoredBecause) return 'ignored';
  const reach = f.reach[target];
  if (reach === 'no') return 'notTargeted';
  const pess = world === 'pessimistic';
  const included = pess ? inc === 'yes' : inc !== 'no';
  const excluded = pess ? exc !== 'no' : exc === 'yes';
  if (!included) return 'notIncluded';
  const kind = pess ? f.conditions.kind : f.conditions.optimisticKind;
  if (f.grant.blocks) {
    if (f.state !== 'enabled') return 'reportOnlyBlock';
    if (excluded || reach === 'excludedApp') return 'excludedFromBlock';
    return kind === 'unconditional' ? 'blocks' : 'conditionalBlock';
  }
  const requires = pess ? f.grant.requiresMfa === 'yes' : f.grant.requiresMfa !== 'no';
  if (!requires) return 'noMfa';
  if (f.state === 'reportOnly') return excluded || reach === 'excludedApp' ? 'reportOnlyExcluded' : 'reportOnly';
  if (excluded) return 'userExcluded';
  if (reach === 'excludedApp') return 'targetExcluded';
  if (kind === 'unconditional') return 'enforces';
  return kind === 'trustedLocationBypass' ? 'trustedLocationBypass' : 'conditional';
}

const q = (s: string) => `'${s}'`;

/** Contributors named in an unhealthy cell's reason (a healthy one names one); the rest are counted. */
const MAX_REASON_CONTRIBUTORS = 3;
const CONDITION_ORDER = { unconditional: 0, trustedLocationBypass: 1, conditional: 2 } as const;

/** Human detail for a policy's outcome. `via` says how the user matched an exclusion (per user). */
function detailOf(
  ctx: EngineContext, i: number, outcome: Outcome, target: Target, facts: SignatureFacts, via: (policyIndex: number) => string,
  includedVia?: string,
): string {
  const f = ctx.policies[i]!;
  const a = ctx.assignments[i];
  const excludedVia = () => (facts.excluded[i] === 'yes' ? via(i) : `possibly (${(a?.exclude.gaps ?? []).map((g) => g.reason).join('; ')})`);
  switch (outcome) {
    case 'disabled': return 'policy is disabled';
    case 'ignored': return f.ignoredBecause ?? 'not applicable';
    case 'notTargeted': return `its target resources do not include ${TARGET_LABELS[target]}`;
    case 'notIncluded':
      if (facts.included[i] === 'unknown') return `inclusion cannot be resolved (${(a?.include.gaps ?? []).map((g) => g.reason).join('; ')})`;
      return facts.eligibleOnly[i]
        ? `the policy targets role '${facts.eligibleOnly[i]}', which the user holds only as PIM-eligible (not active)`
        : 'the user is not in its assignment';
    case 'reportOnlyBlock': return 'report-only block (not enforced)';
    case 'excludedFromBlock':
      return facts.excluded[i] !== 'no' ? `would block, but the user is excluded ${excludedVia()}` : `would block, but ${f.appExclusion[target]} is excluded`;
    case 'conditionalBlock': return `blocks only ${f.conditions.narrowing.join('; ') || 'outside trusted locations'}`;
    case 'blocks': return `blocks access${includedVia ? ` (user included ${includedVia})` : ''}`;
    case 'noMfa':
      return f.grant.weakness ?? (f.grant.requiresMfa === 'unknown' ? `grant "${f.grant.description}" cannot be resolved` : `grant "${f.grant.description}" does not require MFA`);
    case 'reportOnlyExcluded': return 'report-only, and the user or target is excluded';
    case 'reportOnly': return `would require MFA (${f.grant.description}) but is report-only, so it is never enforced`;
    case 'userExcluded': {
      const onlyWhen = f.conditions.kind === 'conditional' ? ` (${f.conditions.narrowing.join('; ')})` : '';
      return `would require MFA${onlyWhen}, but the user is excluded ${excludedVia()}`;
    }
    case 'targetExcluded': return `would require MFA, but ${f.appExclusion[target]} is excluded from it`;
    case 'enforces': return `requires MFA (${includedVia ? `user included ${includedVia}, ` : ''}grant ${f.grant.description})`;
    case 'trustedLocationBypass': return `requires MFA except from ${f.conditions.trustedExclusions.join(', ') || 'trusted locations'}`;
    case 'conditional': return `requires MFA only under conditions: ${f.conditions.narrowing.join('; ')}`;
  }
}

interface Contribution {
  state: CoverageState;
  mechanism: Mechanism;
  policyIndex?: number;
}

interface WorldResult {
  state: CoverageState;
  winners: Contribution[];
  outcomes: Outcome[];
}

function evaluateWorld(ctx: EngineContext, facts: SignatureFacts, target: Target, world: World): WorldResult {
  const pess = world === 'pessimistic';
  let state: CoverageState = 'none';
  const all: Contribution[] = [];
  const push = (c: Contribution) => {
    all.push(c);
    if (STATE_RANK[c.state] > STATE_RANK[state]) state = c.state;
  };
  if (ctx.securityDefaults === 'yes' || (!pess && ctx.securityDefaults === 'unknown')) push({ state: 'enforced', mechanism: 'securityDefaults' });
  const pu = facts.perUser;
  if (pu === 'enabled' || pu === 'enforced' || (!pess && pu === 'unknown')) push({ state: 'enforced', mechanism: 'perUserMfa' });
  if (ctx.caGap && !pess) push({ state: 'enforced', mechanism: 'conditionalAccess' });
  const outcomes: Outcome[] = new Array(ctx.policies.length);
  for (let i = 0; i < ctx.policies.length; i++) {
    const o = outcomeOf(ctx.policies[i]!, facts.included[i]!, facts.excluded[i]!, target, world);
    outcomes[i] = o;
    const s = OUTCOME_STATE[o];
    if (s) push({ state: s, mechanism: 'conditionalAccess', policyIndex: i });
  }
  return { state, winners: all.filter((c) => c.state === state), outcomes };
}

function sdText(facts: SignatureFacts, target: Target): string {
  if (facts.sdAdminRole) return `security defaults require MFA on every sign-in for holders of '${facts.sdAdminRole}'`;
  if (target === 'azureManagement' || target === 'azurePortal') return 'security defaults require MFA for everyone accessing Azure management';
  return 'security defaults are on (Microsoft prompts ordinary users for MFA when it deems it necessary)';
}

function contributionText(ctx: EngineContext, c: Contribution, facts: SignatureFacts, target: Target, outcomes: Outcome[], via: (i: number) => string): string {
  if (c.mechanism === 'securityDefaults') return sdText(facts, target);
  if (c.mechanism === 'perUserMfa') return `per-user MFA is ${facts.perUser}`;
  if (c.policyIndex === undefined) return 'Conditional Access policies could not be read';
  return `CA policy ${q(ctx.policies[c.policyIndex]!.name)} ${detailOf(ctx, c.policyIndex, outcomes[c.policyIndex]!, target, facts, via)}`;
}

/** Policies that mention MFA and almost covered the user (PIM-eligible role, avoidable grant, conditional block). */
function nearMisses(ctx: EngineContext, facts: SignatureFacts, target: Target, outcomes: Outcome[]): string {
  const notes: string[] = [];
  for (let i = 0; i < outcomes.length && notes.length < 3; i++) {
    const o = outcomes[i]!;
    const f = ctx.policies[i]!;
    if (!f.grant.mentionsMfa || (o !== 'notIncluded' && o !== 'noMfa' && o !== 'conditionalBlock')) continue;
    if (o === 'notIncluded' && facts.included[i] === 'no' && !facts.eligibleOnly[i]) continue;
    notes.push(`CA policy ${q(f.name)}: ${detailOf(ctx, i, o, target, facts, () => '')}`);
  }
  return notes.length ? `. Near misses: ${notes.join('; ')}` : '';
}

function noneReason(ctx: EngineContext, facts: SignatureFacts, target: Target, outcomes: Outcome[]): string {
  const mech: string[] = [];
  mech.push(ctx.securityDefaults === 'no' ? 'security defaults are off' : 'security defaults could not be read');
  mech.push(facts.perUser === 'unknown' ? 'per-user MFA state could not be read'
    : facts.perUserSource === 'default' ? 'per-user MFA state was not collected (read as disabled)' : `per-user MFA is ${facts.perUser}`);
  const relevant = outcomes.some((o) => o !== 'disabled' && o !== 'notTargeted' && o !== 'ignored');
  mech.push(relevant ? 'no enforced CA policy requires MFA of this user for it' : 'no CA policy requiring MFA targets it');
  return `nothing requires MFA for ${TARGET_LABELS[target]}: ${mech.join('; ')}${nearMisses(ctx, facts, target, outcomes)}`;
}

function reasonFor(ctx: EngineContext, facts: SignatureFacts, target: Target, r: WorldResult, via: (i: number) => string): string {
  const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  if (r.state === 'none') return sentence(noneReason(ctx, facts, target, r.outcomes));
  // Name at most a few contributors: the cell's `policies` lists every id, and a reason that repeats
  // dozens of policies helps nobody (and multiplies report size by the tenant's user count).
  // Unconditional policies first: a risk-only policy matters less than one that always applies.
  const rank = (c: Contribution) => (c.policyIndex === undefined ? 0 : CONDITION_ORDER[ctx.policies[c.policyIndex]!.conditions.kind]);
  const ordered = [...r.winners].sort((a, b) => rank(a) - rank(b));
  // A healthy cell needs one reason it is covered; an unhealthy one shows more of what fell short.
  const limit = isHealthy(r.state) ? 1 : MAX_REASON_CONTRIBUTORS;
  const shown = ordered.slice(0, limit).map((c) => contributionText(ctx, c, facts, target, r.outcomes, via));
  const more = r.winners.length - shown.length;
  const texts = shown.join('; ') + (more > 0 ? `; and ${more} more ${more === 1 ? 'policy' : 'policies'} (see policies)` : '');
  switch (r.state) {
    case 'reportOnly': return sentence(`only report-only policies would require MFA: ${texts}${nearMisses(ctx, facts, target, r.outcomes)}`);
    case 'excluded':
    case 'conditional': return sentence(texts + nearMisses(ctx, facts, target, r.outcomes));
    default: return sentence(texts);
  }
}

function evaluateSignature(ctx: EngineContext, facts: SignatureFacts): SignatureEvaluation {
  const coverage = {} as UserCoverage;
  const perUserTargets: SignatureEvaluation['perUserTargets'] = [];
  for (const target of TARGETS) {
    const p = evaluateWorld(ctx, facts, target, 'pessimistic');
    const o = evaluateWorld(ctx, facts, target, 'optimistic');
    const cell: CoverageCell = {
      state: p.state,
      mechanisms: [...new Set(p.winners.map((c) => c.mechanism))],
      policies: [...new Set(p.winners.flatMap((c) => (c.policyIndex !== undefined ? [ctx.policies[c.policyIndex]!.id] : [])))],
      reason: '',
    };
    // An exclusion the user definitely matches is explained with the user's own group path.
    const namesPath = p.winners.some((c) => c.policyIndex !== undefined && facts.excluded[c.policyIndex] === 'yes'
      && (p.outcomes[c.policyIndex] === 'userExcluded' || p.outcomes[c.policyIndex] === 'excludedFromBlock'));
    if (namesPath) perUserTargets.push({ target, build: (via) => reasonFor(ctx, facts, target, p, via) });
    else cell.reason = reasonFor(ctx, facts, target, p, () => '');
    if (o.state !== p.state) {
      const missing = new Set<string>();
      if (ctx.securityDefaults === 'unknown' && ctx.securityDefaultsGap) missing.add(ctx.securityDefaultsGap.reason);
      if (facts.perUser === 'unknown') missing.add(ctx.model.gap('authenticationRequirements')?.reason ?? 'per-user MFA state could not be read');
      if (ctx.caGap) missing.add(ctx.caGap.reason);
      for (let i = 0; i < ctx.policies.length; i++) {
        if (OUTCOME_STATE[p.outcomes[i]!] === OUTCOME_STATE[o.outcomes[i]!]) continue;
        const f = ctx.policies[i]!;
        const a = ctx.assignments[i];
        const gaps = [
          ...(facts.included[i] === 'unknown' ? a?.include.gaps ?? [] : []),
          ...(facts.excluded[i] === 'unknown' ? a?.exclude.gaps ?? [] : []),
          ...f.grant.gaps, ...f.conditions.gaps,
        ];
        for (const g of gaps) missing.add(g.reason);
      }
      cell.uncertain = { optimisticState: o.state, missing: [...missing] };
    }
    coverage[target] = cell;
  }
  return { facts, coverage, perUserTargets };
}

function factsFor(ctx: EngineContext, user: GraphUser, matchKeys: Set<number>): SignatureFacts {
  const { state: perUser, source: perUserSource } = ctx.model.perUserMfaState(user);
  const guestKind = ctx.model.guestKind(user);
  const n = ctx.policies.length;
  const included: Tri[] = new Array(n);
  const excluded: Tri[] = new Array(n);
  const eligibleOnly: (string | undefined)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const a = ctx.assignments[i];
    if (!a) {
      included[i] = 'no';
      excluded[i] = 'no';
      continue;
    }
    included[i] = a.include.match(matchKeys, guestKind);
    excluded[i] = a.exclude.match(matchKeys, guestKind);
    if (included[i] === 'no') eligibleOnly[i] = a.eligibleRoleName(matchKeys);
  }
  const sdAdmin = ctx.securityDefaults !== 'no'
    ? ctx.model.activeTenantRoles(user.id).find((r) => SECURITY_DEFAULTS_ADMIN_ROLES.has(r.templateId))
    : undefined;
  return { included, excluded, eligibleOnly, perUser, perUserSource, ...(sdAdmin ? { sdAdminRole: sdAdmin.roleName } : {}) };
}

function signatureOf(ctx: EngineContext, user: GraphUser): { key: string; matchKeys: Set<number> } {
  const matchKeys = ctx.matchKeys.keysOf(user);
  const { state, source } = ctx.model.perUserMfaState(user);
  const sd = ctx.securityDefaults !== 'no'
    ? ctx.model.activeTenantRoles(user.id).find((r) => SECURITY_DEFAULTS_ADMIN_ROLES.has(r.templateId))?.templateId ?? ''
    : '';
  const sorted = [...matchKeys].sort((a, b) => a - b);
  return { key: `${sorted.join(',')}|${ctx.model.guestKind(user) ?? ''}|${state}|${source === 'default' ? 'd' : ''}|${sd}`, matchKeys };
}

export interface UserEvaluation {
  user: GraphUser;
  coverage: UserCoverage;
  /** Per-target policy trace, only when asked for (explain). */
  trace?: Record<Target, PolicyTraceStep[]>;
}

/** How the user matches policy i's exclusion ("through group 'A', nested in 'B'"). */
function exclusionVia(ctx: EngineContext, user: GraphUser, i: number): string {
  return matchAssignment(ctx.model, ctx.policies[i]!.policy, user).excluded.via ?? '';
}

export function evaluateUser(ctx: EngineContext, user: GraphUser, opts: { trace?: boolean } = {}): UserEvaluation {
  const { key, matchKeys } = signatureOf(ctx, user);
  let ev = ctx.cache.get(key);
  if (!ev) {
    ev = evaluateSignature(ctx, factsFor(ctx, user, matchKeys));
    ctx.cache.set(key, ev);
  }
  let coverage = ev.coverage;
  if (ev.perUserTargets.length) {
    coverage = { ...coverage };
    const vias = new Map<number, string>();
    const via = (i: number) => {
      let v = vias.get(i);
      if (v === undefined) vias.set(i, (v = exclusionVia(ctx, user, i)));
      return v;
    };
    for (const t of ev.perUserTargets) coverage[t.target] = { ...coverage[t.target], reason: t.build(via) };
  }
  if (!opts.trace) return { user, coverage };

  const trace = {} as Record<Target, PolicyTraceStep[]>;
  const matches = ctx.policies.map((f) => (f.state === 'disabled' || f.ignoredBecause ? undefined : matchAssignment(ctx.model, f.policy, user)));
  const via = (i: number) => matches[i]?.excluded.via ?? '';
  for (const target of TARGETS) {
    const p = evaluateWorld(ctx, ev.facts, target, 'pessimistic');
    trace[target] = ctx.policies.map((f, i) => ({
      policyId: f.id, policyName: f.name, policyState: f.state, outcome: p.outcomes[i]!,
      detail: detailOf(ctx, i, p.outcomes[i]!, target, ev.facts, via, matches[i]?.included.via),
    }));
  }
  return { user, coverage, trace };
}
