/** The rule contract (spec/rules.md): metadata + a pure evaluation over the evaluated tenant. */
import type { DirectoryModel } from '../snapshot/model.js';
import type { EngineContext } from '../coverage/engine.js';
import type { UserCoverage } from '../coverage/types.js';
import type { FindingStatus, ResourceType, Severity } from '../vocabulary.js';
import type { SignInEvidence } from '../evidence/types.js';
import type { TenantConfig } from '../config/types.js';

// Severities, statuses and resource types are defined once in the vocabulary module.
export { SEVERITY_RANK, FINDING_STATUSES } from '../vocabulary.js';
export type { Severity, FindingStatus, ResourceType } from '../vocabulary.js';

export interface RuleMeta {
  id: string;
  title: string;
  severity: Severity;
  resourceType: ResourceType;
  /** What an attacker gets when this is unhealthy. */
  protectsAgainst: string;
  /** Where the check comes from (Defender recommendation, Secure Score control, ...). */
  origin: string;
  references: string[];
  remediation: string;
  /** How the rule decides, when a reader needs to know (e.g. the Azure tier heuristic). */
  notes?: string;
}

export interface Finding {
  ruleId: string;
  status: FindingStatus;
  severity: Severity;
  resourceType: ResourceType;
  resourceId: string;
  resourceName: string;
  reason: string;
  evidence: Record<string, unknown>;
}

export interface RuleContext {
  model: DirectoryModel;
  engine: EngineContext;
  /** Coverage of every user, keyed by lower-case object id. */
  coverage: Map<string, UserCoverage>;
  /** Sign-in facts (spec/signins.md), when sign-in logs were given; rules with `needsSignIns` always get it. */
  evidence?: SignInEvidence;
  /** The tenant configuration (spec/config.md): break-glass accounts, exemptions. Absent = none. */
  config?: TenantConfig;
  /** The instant that ends the evidence window and decides exemption expiry (`--as-of`; default the scan time). ISO 8601. */
  asOf?: string;
}

export interface Rule {
  meta: RuleMeta;
  /**
   * The rule reads `ctx.evidence`. Without evidence the evaluator does not call it and reports one
   * `unknown` finding instead: missing data is never a clean report (spec/rules.md).
   */
  needsSignIns?: boolean;
  /** Synchronous unless the rule awaits evidence: the evaluator awaits only rules that return a promise. */
  evaluate(ctx: RuleContext): Finding[] | Promise<Finding[]>;
}
