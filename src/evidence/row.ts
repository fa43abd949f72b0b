/**
 * One sign-in, normalized from any input of spec/signins.md (Graph v1.0/beta JSON, the Entra admin
 * center's JSON/CSV downloads, Log Analytics `SigninLogs` / `AADNonInteractiveUserSignInLogs` exports,
 * live collection). Every importer produces this shape; the DuckDB store's `signins` table has exactly
 * these columns (snake_case, same order: SIGN_IN_COLUMNS), and the in-memory evidence reads it too, so
 * the definitions of signins.md are applied once, to one shape. Failed and non-user sign-ins are kept
 * (the workbook pivots and contradictions filter them), so `errorCode` and `eventType` are columns.
 */

/** Interactive or non-interactive user sign-in; service principals and managed identities are not user evidence. */
export type SignInEventType = 'interactiveUser' | 'nonInteractiveUser' | 'servicePrincipal' | 'managedIdentity' | 'unknown';

export interface SignInRow {
  /** The sign-in's `id` (correlation of one sign-in across inputs: the same id counts once). */
  id: string;
  /** ISO 8601 UTC instant (`createdDateTime`, Log Analytics `TimeGenerated`/`CreatedDateTime`). */
  createdDateTime: string;
  eventType: SignInEventType;
  /** Object id, lower case; null only for non-user sign-ins. */
  userId: string | null;
  userPrincipalName: string | null;
  userDisplayName: string | null;
  /** Lower case. */
  appId: string;
  appDisplayName: string | null;
  /** Lower case; null when the input does not say. */
  resourceId: string | null;
  resourceDisplayName: string | null;
  /** `status.errorCode` (Log Analytics `ResultType`); 0 = success. */
  errorCode: number;
  /** `singleFactorAuthentication` / `multiFactorAuthentication` as Graph spells it; null when absent. */
  authenticationRequirement: string | null;
  /** `authenticationProtocol` (beta), e.g. `ropc`, `deviceCode`, `none`. */
  authenticationProtocol: string | null;
  clientAppUsed: string | null;
  userAgent: string | null;
  ipAddress: string | null;
  /** `location.countryOrRegion`. */
  countryOrRegion: string | null;
  /** `deviceDetail.operatingSystem`. */
  operatingSystem: string | null;
  homeTenantId: string | null;
  resourceTenantId: string | null;
  /** `conditionalAccessStatus`: success | failure | notApplied | unknownFutureValue. */
  conditionalAccessStatus: string | null;
  /** True when `networkLocationDetails` names a trusted named network (the workbook's trusted-location filter). */
  trustedLocation: boolean;
  /**
   * `appliedConditionalAccessPolicies` reduced to `[{ "id", "result" }]` as JSON text (results such as
   * `success`, `failure`, `reportOnlyFailure`, `reportOnlyInterrupted`, `notApplied`); null when absent.
   * Remediation (spec/remediation.md, enableCaPolicy) reads report-only outcomes from it.
   */
  appliedPolicies: string | null;
}

/** The DuckDB `signins` table's columns, in order, with their SQL types. */
export const SIGN_IN_COLUMNS: readonly (readonly [keyof SignInRow, string, string])[] = [
  ['id', 'id', 'VARCHAR'],
  ['createdDateTime', 'created_at', 'TIMESTAMPTZ'],
  ['eventType', 'event_type', 'VARCHAR'],
  ['userId', 'user_id', 'VARCHAR'],
  ['userPrincipalName', 'user_principal_name', 'VARCHAR'],
  ['userDisplayName', 'user_display_name', 'VARCHAR'],
  ['appId', 'app_id', 'VARCHAR'],
  ['appDisplayName', 'app_display_name', 'VARCHAR'],
  ['resourceId', 'resource_id', 'VARCHAR'],
  ['resourceDisplayName', 'resource_display_name', 'VARCHAR'],
  ['errorCode', 'error_code', 'INTEGER'],
  ['authenticationRequirement', 'authentication_requirement', 'VARCHAR'],
  ['authenticationProtocol', 'authentication_protocol', 'VARCHAR'],
  ['clientAppUsed', 'client_app_used', 'VARCHAR'],
  ['userAgent', 'user_agent', 'VARCHAR'],
  ['ipAddress', 'ip_address', 'VARCHAR'],
  ['countryOrRegion', 'country_or_region', 'VARCHAR'],
  ['operatingSystem', 'operating_system', 'VARCHAR'],
  ['homeTenantId', 'home_tenant_id', 'VARCHAR'],
  ['resourceTenantId', 'resource_tenant_id', 'VARCHAR'],
  ['conditionalAccessStatus', 'conditional_access_status', 'VARCHAR'],
  ['trustedLocation', 'trusted_location', 'BOOLEAN'],
  ['appliedPolicies', 'applied_policies', 'VARCHAR'],
];
