/**
 * The tenant configuration of spec/config.md (`mfaguard.yaml` / `--config`): what only the tenant's
 * admins know. Parsed and validated once (with file/line/key errors) into this shape; the evaluator,
 * the rules, remediation and the dashboard read only this.
 */

/** Defender for Cloud's two exemption kinds; `breakGlass` is set by mfaguard itself, never written in a file. */
export type ExemptionCategory = 'mitigated' | 'riskAccepted';

export interface Exemption {
  /** Rule ids, or `'*'` for every rule. */
  rules: readonly string[] | '*';
  /** A user (UPN or object id), a policy id, or the tenant id. Exactly one of `resource` and `group`. */
  resource?: string;
  /** A group's object id: its transitive members at scan time. */
  group?: string;
  /** Azure rules only: the exemption holds only while all the user's access of that tier lies at or below this scope. */
  scope?: string;
  category: ExemptionCategory;
  reason: string;
  /** ISO 8601 UTC instant (a date alone means 00:00 UTC of that date). Valid while `asOf < expires`. */
  expires: string;
  approvedBy?: string;
  ticket?: string;
  /** Where it is written, for evidence and messages. */
  source: { file: string; line: number };
}

export interface TenantConfig {
  /** The tenant the file is for; a scan of another tenant refuses it. */
  tenant?: string;
  /** The line of `tenant:` in `file`, for the wrong-tenant error. */
  tenantLine?: number;
  /** Emergency-access accounts: UPNs or object ids, as written. */
  breakGlassAccounts: readonly string[];
  exemptions: readonly Exemption[];
  /** The file it was read from, when it came from one. */
  file?: string;
}

/** A configuration with nothing in it: a scan without a file behaves exactly as before. */
export const EMPTY_CONFIG: TenantConfig = { breakGlassAccounts: [], exemptions: [] };
