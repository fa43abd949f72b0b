/**
 * `explain`: the chain of reasoning behind one user's coverage — groups, roles, Azure access, every
 * mechanism and every Conditional Access policy considered, per target. `explainUser` returns it as
 * data; `explanationText` renders it for a terminal.
 */
import { evaluateUser, prepareEngine, type EngineContext } from '../coverage/engine.js';
import type { CoverageCell, PolicyTraceStep } from '../coverage/types.js';
import { GUEST_KIND_LABELS, TARGETS, TARGET_LABELS, escapeControlsDeep, escapeJsonControls, painter, stateStyle, type Target } from '../vocabulary.js';
import { InputError, UsageError } from '../errors.js';
import { describeGrant } from '../rules/azure-tier.js';
import type { AzureGrant, UserAzureAccess } from '../snapshot/azure.js';
import { DirectoryModel, type GuestKind, type PerUserMfa, type RoleHolding } from '../snapshot/model.js';
import type { GraphUser, UserRegistrationDetails } from '../snapshot/types.js';
import { loadSnapshotFrom, type SnapshotSource, type WarningHandler } from './source.js';

export interface ExplainOptions {
  source: SnapshotSource;
  /** UPN, mail or object id. */
  user: string;
  /** The targets to explain (default: all, in TARGETS order). */
  targets?: readonly Target[];
  onWarning?: WarningHandler;
}

/** Everything `mfaguard explain --format json` prints (`explanationJson`), plus the names the text form shows. */
export interface Explanation {
  user: { id: string; userPrincipalName?: string | null; userType?: string | null; accountEnabled: boolean; guestKind: GuestKind | null };
  /** Every group the user is in, directly or through nested groups (`path`: the nesting chain, the user's direct group first, ending with this group). */
  groups: { id: string; displayName: string; path: string[] }[];
  roles: { active: RoleHolding[]; eligible: RoleHolding[] };
  azure: UserAzureAccess | null;
  perUserMfa: PerUserMfa;
  /** Security defaults on or off; null when not collected. */
  securityDefaults: boolean | null;
  registration: UserRegistrationDetails | null;
  coverage: Partial<Record<Target, CoverageCell & { trace: PolicyTraceStep[] }>>;
  /** Display names of the groups roles are held through (object id → name). */
  groupNames: Record<string, string>;
  /** For each group an Azure role is assigned to: the user's nesting chain up to it (names, direct group first). */
  azureGroupChains: Record<string, string[]>;
}

export async function explainUser(opts: ExplainOptions): Promise<Explanation> {
  const targets = opts.targets ?? TARGETS;
  const unknown = targets.find((t) => !TARGETS.includes(t));
  if (unknown !== undefined) throw new UsageError(`unknown target "${unknown}" (choose ${TARGETS.join(', ')})`);
  const { snapshot } = await loadSnapshotFrom(opts.source, opts.onWarning);
  const model = new DirectoryModel(snapshot);
  const user = model.findUser(opts.user);
  if (!user) throw new InputError(`no user with UPN, mail or id "${opts.user}" in the snapshot`);
  return explainModelUser(model, prepareEngine(model), user, targets);
}

/**
 * The explanation of one user of an already loaded model (the dashboard keeps the model and the
 * engine's indexes between requests instead of reloading the snapshot per user).
 */
export function explainModelUser(model: DirectoryModel, engine: EngineContext, user: GraphUser, targets: readonly Target[] = TARGETS): Explanation {
  const snapshot = model.snapshot;
  const ev = evaluateUser(engine, user, { trace: true });

  const id = user.id.toLowerCase();
  const roles = { active: model.activeRoles.get(id) ?? [], eligible: model.eligibleRoles.get(id) ?? [] };
  const groupNames: Record<string, string> = {};
  for (const r of [...roles.active, ...roles.eligible]) if (r.viaGroupId) groupNames[r.viaGroupId] = model.groupName(r.viaGroupId);
  const azure = model.azure.byUser.get(id) ?? null;
  const azureGroupChains: Record<string, string[]> = {};
  for (const g of azure?.grants ?? []) if (g.via.kind === 'group') azureGroupChains[g.via.groupId] = model.groupPath(id, g.via.groupId).map((x) => model.groupName(x));
  const coverage = Object.fromEntries(targets.map((t) => [t, { ...ev.coverage[t], trace: ev.trace![t].map((step) => withScopedRoleNearMiss(model, id, step)) }]));
  return {
    user: { id: user.id, userPrincipalName: user.userPrincipalName, userType: user.userType, accountEnabled: model.isEnabled(user), guestKind: model.guestKind(user) },
    groups: [...model.transitiveGroups(id)].map((g) => ({ id: g, displayName: model.groupName(g), path: model.groupPath(id, g).map((x) => model.groupName(x)) })),
    roles,
    azure,
    perUserMfa: model.perUserMfaState(user),
    securityDefaults: snapshot.securityDefaults?.isEnabled ?? null,
    registration: model.registrationById.get(id) ?? null,
    coverage,
    groupNames,
    azureGroupChains,
  };
}

/** The JSON form as printed: DEL, C1 and bidi characters from tenant names written as \uXXXX escapes. */
export function explanationJsonText(e: Explanation): string {
  return escapeJsonControls(JSON.stringify(explanationJson(e), null, 2));
}

const NOT_IN_ASSIGNMENT = 'the user is not in its assignment';

/**
 * A near miss the engine's trace does not name: the policy includes a directory role the user holds
 * only at a narrower scope (an administrative unit). CA role conditions match tenant-wide
 * assignments only, so such a holder is not targeted — worth saying, as for PIM-eligible roles.
 */
function withScopedRoleNearMiss(model: DirectoryModel, userId: string, step: PolicyTraceStep): PolicyTraceStep {
  if (step.outcome !== 'notIncluded' || step.detail !== NOT_IN_ASSIGNMENT) return step;
  const policy = model.snapshot.conditionalAccessPolicies?.find((p) => p.id === step.policyId);
  const roles = new Set((policy?.conditions?.users?.includeRoles ?? []).map((r) => String(r).toLowerCase()));
  if (!roles.size) return step;
  const held = [...(model.activeRoles.get(userId) ?? []), ...(model.eligibleRoles.get(userId) ?? [])]
    .find((r) => roles.has(r.templateId.toLowerCase()) && r.directoryScopeId !== '/');
  if (!held) return step;
  const scope = /^\/administrativeUnits\//i.test(held.directoryScopeId) ? 'administrative-unit scope' : `scope ${held.directoryScopeId}`;
  return { ...step, detail: `the policy targets role '${held.roleName}', which the user holds only at ${scope} (${held.directoryScopeId}); CA role conditions match tenant-wide assignments` };
}

/** The JSON form (what `mfaguard explain --format json` prints). */
export function explanationJson(e: Explanation): Omit<Explanation, 'groupNames' | 'azureGroupChains'> {
  const { groupNames: _names, azureGroupChains: _chains, ...json } = e;
  return json;
}

const HEALTHY_OUTCOMES = new Set(['enforces', 'blocks', 'trustedLocationBypass']);
const WARNING_OUTCOMES = new Set(['userExcluded', 'targetExcluded', 'conditional', 'reportOnly']);

/**
 * The terminal form: one paragraph for the user, one per target with its policy trace. No trailing
 * newline. Every string of the explanation (names come from the tenant) is shown with its control and
 * bidi characters escaped before any colour is added.
 */
export function explanationText(raw: Explanation, opts: { color?: boolean } = {}): string {
  const e = escapeControlsDeep(raw);
  const paint = painter(!!opts.color);
  const { user, groups, roles, azure, perUserMfa, registration: reg } = e;
  const L: string[] = [];
  L.push(paint('bold', `${user.userPrincipalName ?? user.id}`) + ` (${user.id})`);
  L.push(`  type: ${user.userType ?? 'Member'}${user.guestKind ? ` (${GUEST_KIND_LABELS[user.guestKind] ?? user.guestKind})` : ''}; ${user.accountEnabled ? 'enabled' : 'DISABLED (rules report it notApplicable)'}`);
  L.push(`  groups: ${groups.length ? groups.map((g) => (g.path.length > 1 ? `${g.displayName} (via ${g.path.slice(0, -1).join(' > ')})` : g.displayName)).join(', ') : 'none'}`);
  const roleText = (list: RoleHolding[]) => list.map((r) => `${r.roleName}${r.directoryScopeId !== '/' ? ` [scope ${r.directoryScopeId}]` : ''}${r.viaGroupId ? ` via group ${e.groupNames[r.viaGroupId] ?? r.viaGroupId}` : ''}`).join(', ') || 'none';
  L.push(`  directory roles: active ${roleText(roles.active)}; PIM-eligible ${roleText(roles.eligible)}`);
  const grantText = (g: AzureGrant) => {
    const chain = g.via.kind === 'group' ? e.azureGroupChains[g.via.groupId] : undefined;
    // The role is assigned to the outermost group; say how the user gets into it.
    return chain && chain.length > 1 ? `${g.roleName} at ${g.scope} through group '${chain[0]}'${chain.slice(1).map((n) => `, nested in '${n}'`).join('')}` : describeGrant(g);
  };
  L.push(`  Azure access: ${azure ? `${azure.tier ?? 'unknown'} — ${azure.grants.map(grantText).join('; ')}` : 'none'}`);
  L.push(`  per-user MFA: ${perUserMfa.state} (from ${perUserMfa.source}); security defaults: ${e.securityDefaults === null ? 'unknown' : e.securityDefaults ? 'on' : 'off'}`);
  L.push(`  registration: ${reg ? `${reg.isMfaCapable ? 'MFA capable' : 'not MFA capable'} (${(reg.methodsRegistered ?? []).join(', ') || 'no methods'})` : 'no record'}`);
  for (const [t, cell] of Object.entries(e.coverage) as [Target, NonNullable<Explanation['coverage'][Target]>][]) {
    L.push('');
    const state = paint(stateStyle(cell.state), cell.state.toUpperCase());
    L.push(`${paint('bold', t)} — ${TARGET_LABELS[t]}: ${state}${cell.mechanisms.length ? ` via ${cell.mechanisms.join(', ')}` : ''}`);
    L.push(`  ${cell.reason}`);
    if (cell.uncertain) L.push(paint('yellow', `  could be ${cell.uncertain.optimisticState} with the missing data: ${cell.uncertain.missing.join('; ')}`));
    for (const s of cell.trace) {
      const mark = HEALTHY_OUTCOMES.has(s.outcome) ? paint('green', '✓') : WARNING_OUTCOMES.has(s.outcome) ? paint('yellow', '!') : paint('gray', '·');
      L.push(`  ${mark} ${s.policyName} [${s.policyState}] ${s.outcome}: ${s.detail}`);
    }
  }
  return L.join('\n');
}
