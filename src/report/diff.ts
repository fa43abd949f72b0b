/**
 * What changed between two reports of one tenant (pure): per finding, a change kind from its status
 * before and after, and per user, the coverage cells whose state, mechanisms or policies changed,
 * with the reason before and after (the "why").
 *
 * Change kinds, from the finding's status in A → in B (absent = the resource was not in the rule's scope):
 *   new               absent / not applicable / unknown → unhealthy
 *   regressed         healthy → unhealthy
 *   exemptionExpired  exempt → unhealthy (the exemption ended or no longer matches)
 *   newlyExempt       anything but exempt → exempt
 *   fixed             unhealthy or exempt → healthy / not applicable / absent
 *   becameUnknown     anything known → unknown (data went missing: a permission, a licence)
 *   unknownResolved   unknown → healthy / not applicable / absent
 * Anything else (healthy → absent, healthy → not applicable, unchanged status) is not a change.
 */
import type { Report, ReportPrincipal } from './report.js';
import type { Finding } from '../rules/types.js';
import { SEVERITY_RANK, TARGETS, type CoverageState, type FindingStatus, type Mechanism, type Severity, type Target } from '../vocabulary.js';

export const CHANGE_KINDS = ['new', 'regressed', 'exemptionExpired', 'newlyExempt', 'fixed', 'becameUnknown', 'unknownResolved'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const CHANGE_LABELS: Record<ChangeKind, string> = {
  new: 'new',
  regressed: 'regressed',
  exemptionExpired: 'exemption expired',
  newlyExempt: 'newly exempt',
  fixed: 'fixed',
  becameUnknown: 'became unknown',
  unknownResolved: 'unknown resolved',
};

/** The change kind of one finding whose status went from `a` to `b` (undefined = absent). */
export function changeKind(a: FindingStatus | undefined, b: FindingStatus | undefined): ChangeKind | undefined {
  if (a === b) return undefined;
  if (b === 'unhealthy') return a === 'healthy' ? 'regressed' : a === 'exempt' ? 'exemptionExpired' : 'new';
  if (b === 'exempt') return 'newlyExempt';
  if (b === 'unknown') return a === undefined ? undefined : 'becameUnknown';
  // b is healthy, notApplicable or absent
  if (a === 'unhealthy' || a === 'exempt') return 'fixed';
  if (a === 'unknown') return 'unknownResolved';
  return undefined;
}

export interface CellSide { state: CoverageState; mechanisms: Mechanism[]; policies: string[]; reason: string }
export interface CellChange { target: Target; before: CellSide | null; after: CellSide | null }

export interface FindingSide { status: FindingStatus; reason: string }
export interface FindingChange {
  kind: ChangeKind;
  ruleId: string;
  severity: Severity;
  resourceType: string;
  resourceId: string;
  resourceName: string;
  before: FindingSide | null;
  after: FindingSide | null;
  /** For a user: the coverage cells that changed between the two scans (state, mechanisms or policies). */
  coverage: CellChange[];
}

export interface PrincipalChange {
  id: string;
  userPrincipalName: string | null;
  /** `added` / `removed`: the user is in only one of the scans. */
  change: 'added' | 'removed' | 'changed';
  cells: CellChange[];
}

export interface DiffSide { scanId?: number; file?: string; collectedAt: string; generatedAt: string }

export interface ReportDiff {
  mfaguardDiff: 1;
  tenant: Report['tenant'];
  from: DiffSide;
  to: DiffSide;
  counts: Record<ChangeKind, number>;
  /** Ordered by kind (CHANGE_KINDS), then severity (high first), rule and resource name. */
  changes: FindingChange[];
  /** Users whose coverage changed, were added or removed. */
  principals: PrincipalChange[];
  /** Everything `ocsfDiff` needs: the rules and the newer finding (or the older one when the resource left the scope). */
  rules: Report['rules'];
  findingsForEvents: Finding[];
}

const key = (f: Pick<Finding, 'ruleId' | 'resourceId'>) => `${f.ruleId}\u0000${f.resourceId.toLowerCase()}`;

const side = (c: ReportPrincipal['coverage'][Target] | undefined): CellSide | null =>
  c ? { state: c.state, mechanisms: [...(c.mechanisms ?? [])], policies: [...(c.policies ?? [])], reason: c.reason } : null;

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  (a ?? []).length === (b ?? []).length && [...(a ?? [])].sort().every((x, i) => x === [...(b ?? [])].sort()[i]);

/**
 * The cells of a user whose state or mechanisms changed. A different policy list or a reason that only
 * reads differently (the same verdict through other policies) is not a change: it would bury the real ones.
 */
export function changedCells(a: ReportPrincipal | undefined, b: ReportPrincipal | undefined): CellChange[] {
  const out: CellChange[] = [];
  for (const t of TARGETS) {
    const x = a?.coverage?.[t];
    const y = b?.coverage?.[t];
    if (x && y && x.state === y.state && sameList(x.mechanisms, y.mechanisms)) continue;
    if (!x && !y) continue;
    out.push({ target: t, before: side(x), after: side(y) });
  }
  return out;
}

export function diffReports(a: Report, b: Report, from: Omit<DiffSide, 'collectedAt' | 'generatedAt'> = {}, to: Omit<DiffSide, 'collectedAt' | 'generatedAt'> = {}): ReportDiff {
  const before = new Map<string, Finding>();
  for (const f of a.findings) before.set(key(f), f);
  const principalsA = new Map<string, ReportPrincipal>();
  for (const p of a.principals) principalsA.set(p.id.toLowerCase(), p);
  const principalsB = new Map<string, ReportPrincipal>();
  for (const p of b.principals) principalsB.set(p.id.toLowerCase(), p);

  const changes: FindingChange[] = [];
  const events: Finding[] = [];
  const cellsOf = (f: Finding) => (f.resourceType === 'user' ? changedCells(principalsA.get(f.resourceId.toLowerCase()), principalsB.get(f.resourceId.toLowerCase())) : []);
  const consider = (fa: Finding | undefined, fb: Finding | undefined) => {
    const kind = changeKind(fa?.status, fb?.status);
    if (!kind) return;
    const f = (fb ?? fa)!;
    changes.push({
      kind, ruleId: f.ruleId, severity: f.severity, resourceType: f.resourceType, resourceId: f.resourceId, resourceName: f.resourceName,
      before: fa ? { status: fa.status, reason: fa.reason } : null,
      after: fb ? { status: fb.status, reason: fb.reason } : null,
      coverage: cellsOf(f),
    });
    events.push(f);
  };
  const seen = new Set<string>();
  for (const fb of b.findings) {
    const k = key(fb);
    seen.add(k);
    consider(before.get(k), fb);
  }
  for (const [k, fa] of before) if (!seen.has(k)) consider(fa, undefined);

  const order = new Map(CHANGE_KINDS.map((k, i) => [k, i]));
  const idx = changes.map((c, i) => i).sort((i, j) => {
    const x = changes[i]!;
    const y = changes[j]!;
    return order.get(x.kind)! - order.get(y.kind)! || SEVERITY_RANK[y.severity] - SEVERITY_RANK[x.severity]
      || (x.ruleId < y.ruleId ? -1 : x.ruleId > y.ruleId ? 1 : 0) || x.resourceName.localeCompare(y.resourceName);
  });
  const counts = Object.fromEntries(CHANGE_KINDS.map((k) => [k, 0])) as Record<ChangeKind, number>;
  for (const c of changes) counts[c.kind]++;

  const principals: PrincipalChange[] = [];
  for (const [id, pb] of principalsB) {
    const pa = principalsA.get(id);
    const cells = changedCells(pa, pb);
    if (!pa) principals.push({ id: pb.id, userPrincipalName: pb.userPrincipalName, change: 'added', cells });
    else if (cells.length) principals.push({ id: pb.id, userPrincipalName: pb.userPrincipalName, change: 'changed', cells });
  }
  for (const [id, pa] of principalsA) if (!principalsB.has(id)) principals.push({ id: pa.id, userPrincipalName: pa.userPrincipalName, change: 'removed', cells: changedCells(pa, undefined) });

  return {
    mfaguardDiff: 1,
    tenant: b.tenant,
    from: { ...from, collectedAt: a.snapshotCollectedAt, generatedAt: a.generatedAt },
    to: { ...to, collectedAt: b.snapshotCollectedAt, generatedAt: b.generatedAt },
    counts,
    changes: idx.map((i) => changes[i]!),
    principals,
    rules: b.rules.length ? b.rules : a.rules,
    findingsForEvents: idx.map((i) => events[i]!),
  };
}
