/** Coverage results (spec/coverage.md): a cell per (user, target), and explain's policy trace. */
import type { CoverageState, Mechanism, Target } from '../vocabulary.js';

// The coverage words (targets, states, mechanisms) are defined once, in the vocabulary module.
export { TARGETS, TARGET_LABELS, STATES, STATE_RANK, HEALTHY_STATES, isHealthy } from '../vocabulary.js';
export type { Target, CoverageState, Mechanism } from '../vocabulary.js';

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
