/**
 * Differential comparison: the optimized pipeline (src/evaluate.ts) against the reference evaluator
 * (./evaluator.ts) on one snapshot. Compares every (user, target) cell — state, mechanisms and
 * policies as sets, and, when data is missing, the optimistic state — and the rule findings
 * (ruleId, resourceId, status) when the rules run on reference coverage instead of engine coverage.
 * A mismatch is reported with everything needed to debug it: the case label (seed), the user, the
 * target, both results and the JSON of the policies that bear on the cell.
 */
import type { ConditionalAccessPolicy, GraphUser, Snapshot } from '../../src/snapshot/types.js';
import type { CoverageCell, Target, UserCoverage } from '../../src/coverage/types.js';
import type { Finding, RuleContext } from '../../src/rules/types.js';
import { evaluateSnapshot } from '../../src/evaluate.js';
import { RULES } from '../../src/rules/registry.js';
import { REF_TARGETS, ReferenceEvaluator, type RefCell, type RefUserCoverage, type ReferenceOptions } from './evaluator.js';

export interface CompareOptions {
  /** Also compare `uncertain.optimisticState` (snapshots with gaps). */
  uncertainty?: boolean;
  /** Stop collecting cell mismatches after this many (the first ones are the useful ones). */
  maxMismatches?: number;
  /** Passed to the reference evaluator (known engine deviations to copy). */
  reference?: ReferenceOptions;
}

export interface CompareResult {
  cells: number;
  mismatches: string[];
  findingMismatches: string[];
  findings: number;
}

const sorted = (xs: Iterable<string>) => [...xs].sort();
const sameSet = (a: Iterable<string>, b: Iterable<string>) => JSON.stringify(sorted(new Set(a))) === JSON.stringify(sorted(new Set(b)));

function describeEngineCell(c: CoverageCell) {
  return {
    state: c.state, mechanisms: sorted(c.mechanisms), policies: sorted(c.policies), reason: c.reason,
    ...(c.uncertain ? { uncertain: c.uncertain } : {}),
  };
}
function describeRefCell(c: RefCell) {
  return { state: c.state, mechanisms: sorted(c.mechanisms), policies: sorted(c.policies), optimisticState: c.optimisticState };
}

/** The policies that could bear on a cell: named by either side, else every live policy the user is (maybe) in for that target. */
function relevantPolicies(ref: ReferenceEvaluator, snap: Snapshot, user: GraphUser, target: Target, named: Set<string>): ConditionalAccessPolicy[] {
  const all = snap.conditionalAccessPolicies ?? [];
  const byName = all.filter((p) => named.has(p.id));
  const live = all.filter((p) => !named.has(p.id) && (p.state ?? '').toLowerCase() !== 'disabled' && ref.reach(p, target) !== 'no'
    && ref.assignment(p, user).included !== 'no');
  return [...byName, ...live].slice(0, 8);
}

function userContext(ref: ReferenceEvaluator, snap: Snapshot, user: GraphUser) {
  const groups = Object.keys(snap.groupMembers ?? {}).filter((g) => ref.isTransitiveMember(user.id, g));
  const roles = (snap.roleAssignments ?? []).filter((a) => a.principalId.toLowerCase() === user.id.toLowerCase() || groups.includes(a.principalId.toLowerCase())
    || ref.isTransitiveMember(user.id, a.principalId));
  return {
    id: user.id, userPrincipalName: user.userPrincipalName, userType: user.userType, creationType: user.creationType,
    identities: user.identities, perUserMfaState: user.perUserMfaState,
    authenticationRequirements: Object.entries(snap.authenticationRequirements ?? {}).find(([k]) => k.toLowerCase() === user.id.toLowerCase())?.[1],
    guestKind: ref.guestKind(user), transitiveGroups: groups, roleAssignments: roles,
  };
}

function mismatchReport(
  label: string, ref: ReferenceEvaluator, snap: Snapshot, user: GraphUser, target: Target, engine: CoverageCell, reference: RefCell, what: string[],
): string {
  const named = new Set([...engine.policies, ...reference.policies]);
  return [
    `MISMATCH [${label}] user ${user.userPrincipalName ?? user.id} (${user.id}) target ${target}: ${what.join(', ')} differ`,
    `  engine:    ${JSON.stringify(describeEngineCell(engine))}`,
    `  reference: ${JSON.stringify(describeRefCell(reference))}`,
    `  user:      ${JSON.stringify(userContext(ref, snap, user))}`,
    `  tenant:    ${JSON.stringify({
      securityDefaults: snap.securityDefaults ?? null, unavailable: Object.keys(snap.unavailable ?? {}),
      absent: (['groupMembers', 'roleAssignments', 'namedLocations', 'authenticationStrengthPolicies', 'securityDefaults', 'conditionalAccessPolicies', 'authenticationRequirements'] as const)
        .filter((k) => snap[k] === undefined),
    })}`,
    `  policies:`,
    ...relevantPolicies(ref, snap, user, target, named).map((p) => `    ${JSON.stringify(p)}`),
  ].join('\n');
}

/** Reference coverage in the engine's cell shape, so the rules can run on it unchanged. */
export function asUserCoverage(c: RefUserCoverage): UserCoverage {
  const out = {} as UserCoverage;
  for (const t of REF_TARGETS) {
    const cell = c[t];
    out[t] = {
      state: cell.state, mechanisms: [...cell.mechanisms], policies: [...cell.policies], reason: 'reference evaluator',
      ...(cell.optimisticState !== cell.state ? { uncertain: { optimisticState: cell.optimisticState, missing: ['(reference evaluator)'] } } : {}),
    };
  }
  return out;
}

const findingKey = (f: Finding) => `${f.ruleId} ${f.resourceType}:${f.resourceId}`;

function compareFindings(label: string, engineFindings: Finding[], refFindings: Finding[]): string[] {
  const bag = (fs: Finding[]) => {
    const m = new Map<string, string[]>();
    for (const f of fs) m.set(findingKey(f), [...(m.get(findingKey(f)) ?? []), f.status].sort());
    return m;
  };
  const e = bag(engineFindings);
  const r = bag(refFindings);
  const out: string[] = [];
  for (const k of new Set([...e.keys(), ...r.keys()])) {
    const es = JSON.stringify(e.get(k) ?? []);
    const rs = JSON.stringify(r.get(k) ?? []);
    if (es !== rs) {
      const ef = engineFindings.find((f) => findingKey(f) === k);
      out.push(`FINDING MISMATCH [${label}] ${k}: engine ${es} vs reference ${rs}${ef ? `\n  engine finding: ${JSON.stringify({ reason: ef.reason, evidence: ef.evidence })}` : ''}`);
    }
  }
  return out;
}

/** Compare engine and reference on one snapshot. The snapshot is not modified. */
export function compareSnapshot(snap: Snapshot, label: string, opts: CompareOptions = {}): CompareResult {
  const max = opts.maxMismatches ?? 5;
  const ev = evaluateSnapshot(snap);
  const ref = new ReferenceEvaluator(snap, opts.reference);
  const refMap = new Map<string, UserCoverage>();
  const mismatches: string[] = [];
  let cells = 0;
  let total = 0;
  for (const user of snap.users ?? []) {
    const key = user.id.toLowerCase();
    const mine = ref.user(user);
    refMap.set(key, asUserCoverage(mine));
    const theirs = ev.coverage.get(key);
    for (const target of REF_TARGETS) {
      cells++;
      const e = theirs?.[target];
      const r = mine[target];
      if (!e) {
        total++;
        if (mismatches.length < max) mismatches.push(`MISMATCH [${label}] user ${user.id} target ${target}: engine produced no cell`);
        continue;
      }
      const what: string[] = [];
      if (e.state !== r.state) what.push('state');
      if (!sameSet(e.mechanisms, r.mechanisms)) what.push('mechanisms');
      if (!sameSet(e.policies, r.policies)) what.push('policies');
      if (opts.uncertainty && (e.uncertain?.optimisticState ?? e.state) !== r.optimisticState) what.push('optimisticState');
      if (!what.length) continue;
      total++;
      if (mismatches.length < max) mismatches.push(mismatchReport(label, ref, snap, user, target, e, r, what));
    }
  }
  if (total > mismatches.length) mismatches.push(`... ${total - mismatches.length} more cell mismatches in [${label}] not shown`);
  const ctxEngine: RuleContext = { model: ev.model, engine: ev.engine, coverage: ev.coverage };
  const ctxRef: RuleContext = { model: ev.model, engine: ev.engine, coverage: refMap };
  // Without sign-in evidence the catalog is synchronous; rules that need it are not run (the evaluator reports them unknown).
  const findingsOf = (ctx: RuleContext) => RULES.filter((r) => !r.needsSignIns).flatMap((r) => {
    const out = r.evaluate(ctx);
    if (!Array.isArray(out)) throw new Error(`rule ${r.meta.id} is asynchronous`);
    return out;
  });
  const engineFindings = findingsOf(ctxEngine);
  const refFindings = findingsOf(ctxRef);
  const findingMismatches = compareFindings(label, engineFindings, refFindings).slice(0, max);
  return { cells, mismatches, findingMismatches, findings: engineFindings.length };
}
