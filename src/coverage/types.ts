/** Coverage vocabulary from spec/coverage.md. */

export const TARGETS = ['azureManagement', 'azurePortal', 'adminPortals', 'office365', 'anyApp'] as const;
export type Target = (typeof TARGETS)[number];

export const TARGET_LABELS: Record<Target, string> = {
  azureManagement: 'Azure management (ARM: CLI, PowerShell, IaC, SDKs)',
  azurePortal: 'Azure portal',
  adminPortals: 'Microsoft admin portals',
  office365: 'Office 365',
  anyApp: 'any app',
};

/** Strongest first: a cell takes the first state any mechanism produces. */
export const STATES = ['blocked', 'enforced', 'trustedLocationBypass', 'conditional', 'reportOnly', 'excluded', 'none'] as const;
export type CoverageState = (typeof STATES)[number];
export const STATE_RANK: Record<CoverageState, number> = Object.fromEntries(STATES.map((s, i) => [s, STATES.length - i])) as Record<CoverageState, number>;

export const HEALTHY_STATES: ReadonlySet<CoverageState> = new Set(['blocked', 'enforced', 'trustedLocationBypass']);
export const isHealthy = (s: CoverageState) => HEALTHY_STATES.has(s);

export type Mechanism = 'securityDefaults' | 'perUserMfa' | 'conditionalAccess';

/** Yes / no / cannot tell from the data collected. */
export type Tri = 'yes' | 'no' | 'unknown';

export interface CoverageCell {
  state: CoverageState;
  mechanisms: Mechanism[];
  /** Ids of the CA policies that produced `state`. */
  policies: string[];
  reason: string;
  /**
   * Present when missing data could change the state: `state` is what the collected data proves
   * (unknowns read the pessimistic way), `optimisticState` what it would be if every unknown went
   * the favourable way. A verdict that differs between the two is `unknown`.
   */
  uncertain?: { optimisticState: CoverageState; missing: string[] };
}

export type UserCoverage = Record<Target, CoverageCell>;

/** How one policy bears on one (user, target), for `mfaguard explain`. */
export interface PolicyTraceStep {
  policyId: string;
  policyName: string;
  policyState: string;
  outcome: string;
  detail: string;
}
