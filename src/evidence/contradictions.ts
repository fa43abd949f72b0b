/**
 * Predicted vs observed (spec/signins.md): every successful single-factor sign-in to an app whose
 * target the engine calls healthy is a contradiction — the engine said Entra would demand MFA there,
 * the log says it did not. Grouped per (user, target) with the likely causes the engine can name from
 * its own data. Pure: the caller asks the evidence port for `singleFactorSignIns` and passes them in.
 *
 * Not a cause: "MFA satisfied by an earlier token" — such sign-ins are logged as multi-factor
 * (`authenticationRequirement` = multiFactorAuthentication), so they never reach this list.
 */
import type { PolicyFacts } from '../coverage/policy.js';
import { isHealthy, type CoverageState, type Target, type UserCoverage } from '../coverage/types.js';
import { norm, type DirectoryModel } from '../snapshot/model.js';
import { AZURE_CLI_APP_ID, AZURE_POWERSHELL_APP_ID, ARM_RESOURCE_ID } from './signins.js';
import type { SingleFactorSignIns } from './types.js';

export const AZURE_PORTAL_APP_ID = 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c';

/** Causes the engine can name; `explanations` says each in a sentence. */
export type ContradictionCause =
  /** The healthy state is "MFA except from trusted locations": the sign-in probably came from one. */
  | 'trustedLocationBypass'
  /** Some sign-ins happened after the snapshot was taken: the directory may have changed since. */
  | 'snapshotOlderThanSignIn'
  /** A policy behind the verdict was created or modified after the first of these sign-ins. */
  | 'policyChangedSince'
  /** Per-user MFA is the mechanism: its service settings (trusted IPs, remember MFA) are not visible to us. */
  | 'perUserMfaServiceSettings'
  /** Security defaults prompt for MFA "when necessary" outside Azure management and the admin roles. */
  | 'securityDefaultsWhenNecessary'
  /** The policy behind an `anyApp` verdict excludes this very app. */
  | 'appExcludedByPolicy';

export interface Contradiction {
  userId: string;
  userPrincipalName: string | null;
  target: Target;
  /** The engine's coverage state for (user, target): healthy, or there would be no contradiction. */
  engineState: CoverageState;
  signIns: number;
  firstSeen: string;
  lastSeen: string;
  /** Up to 5 sign-in ids, oldest apps first. */
  sampleSignInIds: string[];
  appIds: string[];
  likelyCauses: ContradictionCause[];
  /** One sentence per likely cause, in the same order. */
  explanations: string[];
}

export interface ContradictionInput {
  model: DirectoryModel;
  /** The engine's analysed policies (trusted-location exclusions, application exclusions, dates). */
  policies: readonly PolicyFacts[];
  coverage: ReadonlyMap<string, UserCoverage>;
}

/** The target a sign-in's app stands for: portal → azurePortal; CLI, PowerShell or any ARM client → azureManagement; anything else → anyApp. */
export function contradictionTarget(s: Pick<SingleFactorSignIns, 'appId' | 'resourceId'>): Target {
  const app = norm(s.appId);
  if (app === AZURE_PORTAL_APP_ID) return 'azurePortal';
  if (app === AZURE_CLI_APP_ID || app === AZURE_POWERSHELL_APP_ID || norm(s.resourceId) === ARM_RESOURCE_ID) return 'azureManagement';
  return 'anyApp';
}

const TARGET_ORDER: Record<Target, number> = { azureManagement: 0, azurePortal: 1, adminPortals: 2, office365: 3, anyApp: 4 };

export function findContradictions(signIns: readonly SingleFactorSignIns[], input: ContradictionInput): Contradiction[] {
  const { model, coverage } = input;
  const policyById = new Map(input.policies.map((p) => [norm(p.id), p]));
  const collectedAt = model.collectedAt.getTime();
  const groups = new Map<string, { userId: string; target: Target; rows: SingleFactorSignIns[] }>();
  for (const s of signIns) {
    const user = model.userById.get(norm(s.userId));
    if (!user) continue; // an account not in the snapshot has no prediction to contradict
    const target = contradictionTarget(s);
    const key = `${norm(user.id)} ${target}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { userId: norm(user.id), target, rows: [] }));
    g.rows.push(s);
  }
  const out: Contradiction[] = [];
  for (const { userId, target, rows } of groups.values()) {
    const cell = coverage.get(userId)?.[target];
    if (!cell || !isHealthy(cell.state)) continue; // the engine predicted the gap: not a contradiction
    const user = model.userById.get(userId)!;
    rows.sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : a.appId < b.appId ? -1 : 1));
    const firstSeen = rows[0]!.firstSeen;
    const lastSeen = rows.reduce((m, r) => (r.lastSeen > m ? r.lastSeen : m), rows[0]!.lastSeen);
    const appIds = [...new Set(rows.map((r) => r.appId))].sort();
    const causes: ContradictionCause[] = [];
    const explanations: string[] = [];
    const add = (cause: ContradictionCause, text: string) => {
      causes.push(cause);
      explanations.push(text);
    };
    const policies = cell.policies.map((id) => policyById.get(norm(id))).filter((p): p is PolicyFacts => p !== undefined);
    const trusted = policies.filter((p) => p.conditions.trustedExclusions.length);
    if (cell.state === 'trustedLocationBypass' || trusted.length) {
      const where = [...new Set(trusted.flatMap((p) => p.conditions.trustedExclusions))];
      add('trustedLocationBypass', `the policy exempts trusted locations${where.length ? ` (${where.join(', ')})` : ''}: single-factor sign-ins from there are expected`);
    }
    if (Date.parse(lastSeen) > collectedAt) {
      add('snapshotOlderThanSignIn', `the snapshot (${model.snapshot.collectedAt}) is older than the last of these sign-ins (${lastSeen}): policies, groups or roles may have changed since`);
    }
    const first = Date.parse(firstSeen);
    const changed = policies.filter((p) => [p.policy.modifiedDateTime, p.policy.createdDateTime].some((d) => d && Date.parse(d) > first));
    if (changed.length) {
      add('policyChangedSince', `${changed.map((p) => `policy '${p.name}' (changed ${p.policy.modifiedDateTime ?? p.policy.createdDateTime})`).join(', ')} was created or modified after the first of these sign-ins: it may not have applied then`);
    }
    if (cell.mechanisms.includes('perUserMfa') && !cell.mechanisms.includes('conditionalAccess') && !cell.mechanisms.includes('securityDefaults')) {
      add('perUserMfaServiceSettings', 'coverage comes from per-user MFA only: its service settings (MFA trusted IPs, "remember MFA on trusted devices") skip the prompt and cannot be read');
    }
    if (target === 'anyApp' && cell.mechanisms.includes('securityDefaults') && cell.mechanisms.length === 1) {
      add('securityDefaultsWhenNecessary', 'coverage comes from security defaults, which prompt for MFA only "when necessary" outside Azure management and the admin roles');
    }
    if (target === 'anyApp') {
      const excluding = policies.filter((p) => (p.policy.conditions?.applications?.excludeApplications ?? []).some((a) => appIds.includes(norm(a))));
      if (excluding.length) add('appExcludedByPolicy', `${excluding.map((p) => `policy '${p.name}'`).join(', ')} excludes the app signed in to`);
    }
    out.push({
      userId: user.id,
      userPrincipalName: user.userPrincipalName ?? rows.find((r) => r.userPrincipalName)?.userPrincipalName ?? null,
      target,
      engineState: cell.state,
      signIns: rows.reduce((n, r) => n + r.signIns, 0),
      firstSeen,
      lastSeen,
      sampleSignInIds: rows.flatMap((r) => r.sampleSignInIds).filter((id) => id !== '').slice(0, 5),
      appIds,
      likelyCauses: causes,
      explanations,
    });
  }
  return out.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : TARGET_ORDER[a.target] - TARGET_ORDER[b.target]));
}
