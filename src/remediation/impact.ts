/**
 * What-if: the coverage engine run on the snapshot with an action applied, compared with the snapshot
 * as it is (spec/remediation.md "What-if"). Pure apart from the evidence port's asynchronous queries.
 */
import type { GraphUser, Snapshot } from '../snapshot/types.js';
import { DirectoryModel, norm } from '../snapshot/model.js';
import { evaluateUser, prepareEngine } from '../coverage/engine.js';
import { matchAssignment } from '../coverage/assignment.js';
import { policyState } from '../coverage/policy.js';
import type { UserCoverage } from '../coverage/types.js';
import { STATES, TARGETS, type CoverageState, type Target } from '../vocabulary.js';
import type { SignInEvidence } from '../evidence/types.js';
import { IMPACT_ID_LIMIT, type IdCount, type Impact, type SignInImpact, type StateTransition } from './types.js';

/** A snapshot evaluated by the coverage engine only (rules are not needed for a what-if). */
export interface Evaluated {
  snapshot: Snapshot;
  model: DirectoryModel;
  coverage: UserCoverage[];
}

/** Collections an action may change without touching the directory (users, groups, roles) the model indexes. */
const POLICY_ONLY_KEYS = ['conditionalAccessPolicies', 'securityDefaults'] as const;

/**
 * The directory model for `snapshot`. When `base` is the model of a snapshot that differs from it only
 * in policy collections, the new model shares every directory index of `base` (building them is most
 * of a what-if's cost at 100k users): an object whose prototype is `base`, with its own `snapshot`.
 */
function modelFor(snapshot: Snapshot, base?: DirectoryModel): DirectoryModel {
  if (!base) return new DirectoryModel(snapshot);
  const same = (Object.keys(snapshot) as (keyof Snapshot)[]).every((k) => (POLICY_ONLY_KEYS as readonly string[]).includes(k) || snapshot[k] === base.snapshot[k])
    && (Object.keys(base.snapshot) as (keyof Snapshot)[]).every((k) => k in snapshot);
  if (!same) return new DirectoryModel(snapshot);
  return Object.create(base, { snapshot: { value: snapshot, enumerable: true } }) as DirectoryModel;
}

export function evaluateCoverage(snapshot: Snapshot, base?: Evaluated): Evaluated {
  const model = modelFor(snapshot, base?.model);
  const engine = prepareEngine(model);
  return { snapshot, model, coverage: model.users.map((u) => evaluateUser(engine, u).coverage) };
}

/** States in which Entra prompts for MFA (always, outside trusted locations, or under its conditions). */
export const PROMPTING: ReadonlySet<CoverageState> = new Set(['enforced', 'trustedLocationBypass', 'conditional']);

/** MFA capable per the registration report: true / false / undefined (no record). */
export function mfaCapable(model: DirectoryModel, user: GraphUser): boolean | undefined {
  const r = model.registrationById.get(norm(user.id));
  if (!r) return undefined;
  if (typeof r.isMfaCapable === 'boolean') return r.isMfaCapable;
  return typeof r.isMfaRegistered === 'boolean' ? r.isMfaRegistered : undefined;
}

class IdCounter {
  count = 0;
  readonly userIds: string[] = [];
  add(id: string) {
    this.count++;
    if (this.userIds.length < IMPACT_ID_LIMIT) this.userIds.push(id);
  }
  toJSON(): IdCount {
    return { count: this.count, userIds: this.userIds };
  }
}

/** Per-user changes between two evaluations of the same users (users are matched by position: an action never adds or removes users). */
export interface CoverageDiff {
  targets: Impact['targets'];
  /** Users (ids) newly prompted for MFA, per target. */
  newlyPrompted: Map<Target, string[]>;
  newlyRequiredNotMfaCapable: IdCount;
  newlyBlocked: IdCount;
  /** Users newly blocked on `anyApp` (every ordinary app). */
  newlyBlockedEverywhere: string[];
}

export function diffCoverage(before: Evaluated, after: Evaluated): CoverageDiff {
  const transitions = new Map<Target, Map<string, IdCounter>>(TARGETS.map((t) => [t, new Map()]));
  const newlyPrompted = new Map<Target, string[]>(TARGETS.map((t) => [t, []]));
  const notCapable = new IdCounter();
  const blocked = new IdCounter();
  const blockedEverywhere: string[] = [];
  const users = after.model.users;
  for (let i = 0; i < users.length; i++) {
    const b = before.coverage[i]!;
    const a = after.coverage[i]!;
    const id = users[i]!.id;
    let prompted = false;
    let isBlocked = false;
    for (const t of TARGETS) {
      const from = b[t].state;
      const to = a[t].state;
      if (from === to) continue;
      const key = `${from}\u0000${to}`;
      const m = transitions.get(t)!;
      let c = m.get(key);
      if (!c) m.set(key, (c = new IdCounter()));
      c.add(id);
      if (PROMPTING.has(to) && !PROMPTING.has(from) && from !== 'blocked') {
        prompted = true;
        newlyPrompted.get(t)!.push(id);
      }
      if (to === 'blocked') {
        isBlocked = true;
        if (t === 'anyApp') blockedEverywhere.push(id);
      }
    }
    if (prompted && mfaCapable(after.model, users[i]!) !== true) notCapable.add(id);
    if (isBlocked) blocked.add(id);
  }
  const targets: Impact['targets'] = {};
  for (const t of TARGETS) {
    const list: StateTransition[] = [...transitions.get(t)!].map(([k, c]) => {
      const [from, to] = k.split('\u0000') as [string, string];
      return { from, to, ...c.toJSON() };
    }).sort((x, y) => y.count - x.count || x.from.localeCompare(y.from) || x.to.localeCompare(y.to));
    targets[t] = { changed: list.reduce((n, x) => n + x.count, 0), transitions: list };
  }
  return { targets, newlyPrompted, newlyRequiredNotMfaCapable: notCapable.toJSON(), newlyBlocked: blocked.toJSON(), newlyBlockedEverywhere: blockedEverywhere };
}

function perApp(rows: { appId: string; appDisplayName: string | null; n: number }[]): SignInImpact {
  const m = new Map<string, { appId: string; appDisplayName: string | null; signIns: number }>();
  let total = 0;
  for (const r of rows) {
    if (r.n <= 0) continue;
    total += r.n;
    const e = m.get(r.appId);
    if (e) e.signIns += r.n;
    else m.set(r.appId, { appId: r.appId, appDisplayName: r.appDisplayName, signIns: r.n });
  }
  return { total, perApp: [...m.values()].sort((a, b) => b.signIns - a.signIns || a.appId.localeCompare(b.appId)) };
}

/** Users an enabled legacy-client block policy would block (the engine ignores legacy-only policies: they cannot require MFA). */
export function legacyBlockedUsers(after: Evaluated, policyIds: ReadonlySet<string>): string[] {
  const policies = (after.snapshot.conditionalAccessPolicies ?? []).filter((p) => policyIds.has(norm(p.id)) && isLegacyBlock(p) && policyState(p) === 'enabled');
  if (!policies.length) return [];
  return after.model.users.filter((u) => policies.some((p) => {
    const m = matchAssignment(after.model, p, u);
    return m.included.tri === 'yes' && m.excluded.tri === 'no';
  })).map((u) => u.id);
}

export function isLegacyBlock(p: { conditions?: { clientAppTypes?: string[] | null } | null; grantControls?: { builtInControls?: string[] | null } | null }): boolean {
  const types = (p.conditions?.clientAppTypes ?? []).map(norm);
  return types.length > 0 && !types.includes('all') && !types.includes('browser') && !types.includes('mobileappsanddesktopclients')
    && (p.grantControls?.builtInControls ?? []).map(norm).includes('block');
}

export interface ImpactInput {
  before: Evaluated;
  after: Evaluated;
  evaluatedAs: Impact['evaluatedAs'];
  evidence?: SignInEvidence | undefined;
  /** Policies the action creates or changes (lower-case ids in `after`), for legacy-client blocks. */
  touchedPolicies?: ReadonlySet<string>;
}

export async function computeImpact(input: ImpactInput): Promise<Impact> {
  const diff = diffCoverage(input.before, input.after);
  const legacyUsers = input.touchedPolicies ? legacyBlockedUsers(input.after, input.touchedPolicies) : [];
  const impact: Impact = {
    evaluatedAs: input.evaluatedAs,
    targets: diff.targets,
    newlyRequiredNotMfaCapable: diff.newlyRequiredNotMfaCapable,
    newlyBlocked: diff.newlyBlocked,
    notComputed: [],
  };
  if (!input.before.model.has('userRegistrationDetails') && diff.newlyRequiredNotMfaCapable.count) {
    impact.notComputed.push('MFA capability: userRegistrationDetails was not collected, so every newly prompted user is counted as not MFA capable');
  }
  if (!input.evidence) {
    impact.notComputed.push('sign-ins the change would have challenged or blocked, per app: no sign-in evidence was given (--signins)');
    if (legacyUsers.length) impact.notComputed.push(`legacy-client sign-ins of the ${legacyUsers.length} user(s) a legacy-authentication block would apply to`);
    return impact;
  }
  impact.signIns = await signInImpact(input.evidence, diff, legacyUsers);
  return impact;
}

async function signInImpact(evidence: SignInEvidence, diff: CoverageDiff, legacyUsers: string[]): Promise<NonNullable<Impact['signIns']>> {
  const window = (await evidence.window()) ?? null;
  const everywhere = new Set(diff.newlyPrompted.get('anyApp')!.map(norm));
  const azureOnly = new Set([...diff.newlyPrompted.get('azureManagement')!, ...diff.newlyPrompted.get('azurePortal')!].map(norm).filter((id) => !everywhere.has(id)));
  const challenged: { appId: string; appDisplayName: string | null; n: number }[] = [];
  if (everywhere.size) {
    for (const r of await evidence.singleFactorSignIns({ userIds: [...everywhere] })) challenged.push({ appId: r.appId, appDisplayName: r.appDisplayName, n: r.signIns });
  }
  if (azureOnly.size) {
    // Azure management and portal: the mandatory-MFA apps (portals, CLI, PowerShell, ARM).
    for (const r of await evidence.userAppSignIns({ userIds: [...azureOnly] })) challenged.push({ appId: r.appId, appDisplayName: r.appDisplayName, n: r.singleFactor });
  }
  const blocked: { appId: string; appDisplayName: string | null; n: number }[] = [];
  if (diff.newlyBlockedEverywhere.length) {
    for (const r of await evidence.userAppSignIns({ userIds: diff.newlyBlockedEverywhere, apps: 'all' })) blocked.push({ appId: r.appId, appDisplayName: r.appDisplayName, n: r.signIns });
  }
  if (legacyUsers.length) {
    for (const r of await evidence.legacyClientSignIns({ userIds: legacyUsers })) blocked.push({ appId: `legacy:${r.clientAppUsed}`, appDisplayName: r.clientAppUsed, n: r.signIns });
  }
  return { window, challenged: perApp(challenged), blocked: perApp(blocked) };
}

/** Users per coverage state per target: the review's before/after matrix. */
export type CoverageMatrix = Record<Target, Record<CoverageState, number>>;

export function coverageMatrix(ev: Evaluated): CoverageMatrix {
  const m = Object.fromEntries(TARGETS.map((t) => [t, Object.fromEntries(STATES.map((s) => [s, 0]))])) as CoverageMatrix;
  for (const cov of ev.coverage) for (const t of TARGETS) m[t][cov[t].state]++;
  return m;
}
