/** Helpers shared by rules: turning coverage cells into verdicts, and building findings. */
import type { GraphUser } from '../snapshot/types.js';
import { norm, type DataGap } from '../snapshot/model.js';
import { isHealthy, type CoverageCell, type Target } from '../coverage/types.js';
import type { Finding, FindingStatus, RuleContext, RuleMeta } from './types.js';

export interface Verdict {
  status: Extract<FindingStatus, 'healthy' | 'unhealthy' | 'unknown'>;
  /** The cells that decided it, for the reason text. */
  cells: { target: Target; cell: CoverageCell }[];
}

/** Healthy only if every listed target is healthy as the data proves; unknown if missing data could make it healthy. */
export function verdictFor(ctx: RuleContext, user: GraphUser, targets: Target[]): Verdict {
  const cov = ctx.coverage.get(norm(user.id));
  if (!cov) throw new Error(`no coverage computed for user ${user.id}`);
  const cells = targets.map((target) => ({ target, cell: cov[target] }));
  const bad = cells.filter(({ cell }) => !isHealthy(cell.state));
  if (!bad.length) return { status: 'healthy', cells };
  const couldBeHealthy = bad.every(({ cell }) => cell.uncertain && isHealthy(cell.uncertain.optimisticState));
  return { status: couldBeHealthy ? 'unknown' : 'unhealthy', cells: bad };
}

/**
 * The coverage behind a verdict. Healthy evidence is state and mechanisms only (the principal's
 * cell lists the policies); unhealthy and unknown evidence carries the policies and any uncertainty.
 * One evidence object per cell object, shared by every finding that cites it.
 */
const evidenceMemo = new WeakMap<CoverageCell, Record<string, unknown>>();
function cellEvidence(cell: CoverageCell, healthy: boolean): Record<string, unknown> {
  if (!healthy) {
    return { state: cell.state, mechanisms: cell.mechanisms, policies: cell.policies, ...(cell.uncertain ? { uncertain: cell.uncertain } : {}) };
  }
  let e = evidenceMemo.get(cell);
  if (!e) evidenceMemo.set(cell, (e = { state: cell.state, mechanisms: cell.mechanisms }));
  return e;
}

export function coverageEvidence(v: Verdict): Record<string, unknown> {
  const healthy = v.status === 'healthy';
  return Object.fromEntries(v.cells.map(({ target, cell }) => [target, cellEvidence(cell, healthy)]));
}

/**
 * One sentence on why coverage is (not) healthy, naming the target and the engine's reason. Healthy
 * verdicts are stated briefly (the principal's coverage cell carries the full reason): most findings
 * of a large tenant are healthy, and repeating every reason would multiply the report's size.
 */
export function verdictReason(v: Verdict): string {
  if (v.status === 'healthy') {
    return v.cells.map(({ target, cell }) => `${target} coverage is ${cell.state} (${cell.mechanisms.join(', ')})`).join(' | ');
  }
  return v.cells.map(({ target, cell }) => {
    const why = cell.uncertain && v.status === 'unknown' ? ` (cannot be confirmed: ${cell.uncertain.missing.join('; ')})` : '';
    return `${target} coverage is ${cell.state}: ${cell.reason}${why}`;
  }).join(' | ');
}

export function userFinding(meta: RuleMeta, user: GraphUser, status: FindingStatus, reason: string, evidence: Record<string, unknown>): Finding {
  return {
    ruleId: meta.id, status, severity: meta.severity, resourceType: 'user',
    resourceId: user.id, resourceName: user.userPrincipalName ?? user.displayName ?? user.id, reason, evidence,
  };
}

export function tenantFinding(meta: RuleMeta, ctx: RuleContext, status: FindingStatus, reason: string, evidence: Record<string, unknown>): Finding {
  const t = ctx.model.snapshot.tenant;
  return { ruleId: meta.id, status, severity: meta.severity, resourceType: 'tenant', resourceId: t.id, resourceName: t.displayName ?? t.id, reason, evidence };
}

/** A tenant-level `unknown` finding saying which collections a rule's scope could not be built from. */
export function scopeGapFinding(meta: RuleMeta, ctx: RuleContext, gaps: (DataGap | undefined)[], what: string): Finding[] {
  const real = gaps.filter((g): g is DataGap => !!g);
  if (!real.length) return [];
  return [tenantFinding(meta, ctx, 'unknown', `${what} cannot be determined: ${real.map((g) => g.reason).join('; ')}`, { missing: real.map((g) => g.key) })];
}

export function disabledFinding(meta: RuleMeta, user: GraphUser, evidence: Record<string, unknown>): Finding {
  return userFinding(meta, user, 'notApplicable', 'account is disabled (accountEnabled: false)', evidence);
}
