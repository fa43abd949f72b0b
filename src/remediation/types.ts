/**
 * Remediation (spec/remediation.md): the actions a plan proposes, their what-if impact and the
 * lock-out guard's checks. Pure data shapes: the plan file is these objects as JSON.
 */

/** The five kinds a plan proposes, plus `updateCaPolicy`: a hand-written change to an existing policy (what-if only). */
export const ACTION_KINDS = ['createCaPolicy', 'enableCaPolicy', 'setPerUserMfa', 'enableSecurityDefaults', 'registrationCampaign'] as const;
export type PlanActionKind = (typeof ACTION_KINDS)[number];
export type ActionKind = PlanActionKind | 'updateCaPolicy';

export interface Because {
  ruleId: string;
  resourceId: string;
}

export interface PlanAction {
  /** `a1`, `a2`, … in plan order; `--accept-impact` names these. */
  id: string;
  kind: ActionKind;
  /** What is changed: a policy's display name (create) or id, a user id, or the singleton policy's name. */
  target: string;
  /** The object as the snapshot had it; null when created (or not in the snapshot: see `beforeUnknown`). */
  before: Record<string, unknown> | null;
  /** The exact body sent to Graph. */
  after: Record<string, unknown>;
  /** The unhealthy findings that made the plan propose it (empty for a hand-written what-if policy). */
  because: Because[];
  /** Which built-in template made a createCaPolicy body. */
  template?: TemplateId;
  /** Set when the snapshot does not hold the object (e.g. the authentication methods policy is not collected). */
  beforeUnknown?: string;
  impact?: Impact;
  /** Why the action is proposed but must not be applied (e.g. users not MFA capable would be prompted). */
  withheld?: string;
}

export type TemplateId = 'mfa-all-users' | 'mfa-azure-management' | 'phishing-resistant-admins' | 'block-legacy-authentication';

/** A count with the ids it counts (ids capped at IMPACT_ID_LIMIT; `count` is exact). */
export interface IdCount {
  count: number;
  userIds: string[];
}

export interface StateTransition extends IdCount {
  from: string;
  to: string;
}

export interface SignInImpact {
  total: number;
  perApp: { appId: string; appDisplayName: string | null; signIns: number }[];
}

export interface Impact {
  /** `asApplied`: the action exactly as sent; `ifEnabled`: a report-only policy read as enabled (what turning it on would do). */
  evaluatedAs: 'asApplied' | 'ifEnabled';
  /** Per target: users whose coverage state changes, grouped by transition. */
  targets: Record<string, { changed: number; transitions: StateTransition[] }>;
  /** Users newly required to do MFA (some target becomes MFA-enforcing) who are not MFA capable (or whose capability is unknown). */
  newlyRequiredNotMfaCapable: IdCount;
  /** Users newly blocked on some target. */
  newlyBlocked: IdCount;
  /** Sign-ins of the evidence window the change would have challenged with MFA / blocked, per app. */
  signIns?: { window: { from: string; to: string } | null; challenged: SignInImpact; blocked: SignInImpact };
  /** Figures that could not be computed, and why (no sign-in evidence, missing collections…). */
  notComputed: string[];
  /** For a report-only policy: the same figures as if it were enabled. */
  ifEnabled?: Impact;
}

export interface GuardCheck {
  id: GuardCheckId;
  passed: boolean;
  detail: string;
  /** The action the check failed on, when one. */
  actionId?: string;
}

export type GuardCheckId = 'breakglass-untouched' | 'breakglass-exists' | 'global-admin-can-sign-in' | 'block-impact-accepted';

export interface GuardResult {
  passed: boolean;
  checks: GuardCheck[];
}

export interface Plan {
  mfaguardPlan: 1;
  tenantId: string;
  createdAt: string;
  snapshotCollectedAt: string;
  actions: PlanAction[];
  guard: GuardResult;
  /** The declared break-glass accounts the plan was checked against (apply checks the live tenant against these and its own configuration's). */
  breakGlassAccounts?: string[];
  /** Action ids named by `--accept-impact` when the plan was made (apply's guard accepts the same). */
  acceptedImpact?: string[];
}

export const IMPACT_ID_LIMIT = 100;
