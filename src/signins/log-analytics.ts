/**
 * Log Analytics exports of `SigninLogs` / `AADNonInteractiveUserSignInLogs` (also the service-principal
 * and managed-identity tables) → SignInRow: PascalCase columns, `ResultType` a string ("0" = success),
 * dynamic columns (`LocationDetails`, `DeviceDetail`, `NetworkLocationDetails`,
 * `ConditionalAccessPolicies`) as objects in JSON exports and as JSON text in CSV exports (and in the
 * non-interactive table, where several are strings). The table comes from `Category` or `Type`, else
 * `IsInteractive`. The portal's CSV export suffixes time columns with " [UTC]".
 */
import type { SignInEventType, SignInRow } from '../evidence/row.js';
import { CATEGORY_EVENT_TYPES } from './graph.js';
import {
  appliedPolicies, authenticationProtocol, authenticationRequirement, conditionalAccessStatus, dynamic, errorCode, field, finishRow, isTrustedLocation,
  lowerId, text, type Where,
} from './normalize.js';

/** A column name as exported: the portal adds " [UTC]" / " [Local Time]" to time columns. */
export const laColumnName = (header: string): string => header.trim().replace(/\s*\[(UTC|Local Time)\]$/i, '');

/** Columns a Log Analytics sign-in export must have (CSV header check; a JSON record missing one fails on the row). */
export const LA_REQUIRED = ['Id', 'ResultType', 'AppId'] as const;

/** A JSON record in Log Analytics' PascalCase shape. */
export function isLogAnalyticsRecord(o: Record<string, unknown>): boolean {
  return 'ResultType' in o || 'TimeGenerated' in o || 'CreatedDateTime' in o;
}

function isTrue(v: unknown): boolean | undefined {
  if (v === true || v === false) return v;
  const s = text(v)?.toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : undefined;
}

/** One record; `get` reads a column by its name (already without " [UTC]"). */
export function logAnalyticsToRow(get: (column: string) => unknown, where: Where): SignInRow {
  const table = String(get('Category') ?? get('Type') ?? '').toLowerCase();
  const interactive = isTrue(get('IsInteractive'));
  const eventType: SignInEventType = CATEGORY_EVENT_TYPES[table]
    ?? (interactive === true ? 'interactiveUser' : interactive === false ? 'nonInteractiveUser' : 'unknown');
  const created = get('CreatedDateTime');
  const timeKey = created !== undefined && created !== null && created !== '' ? 'CreatedDateTime' : 'TimeGenerated';
  const location = dynamic(get('LocationDetails'), where, 'LocationDetails');
  const device = dynamic(get('DeviceDetail'), where, 'DeviceDetail');
  const policies = get('ConditionalAccessPolicies') ?? get('AppliedConditionalAccessPolicies');
  return finishRow({
    id: text(get('Id'))?.trim() ?? '',
    createdDateTime: get(timeKey),
    eventType,
    userId: lowerId(get('UserId')),
    userPrincipalName: text(get('UserPrincipalName')),
    userDisplayName: text(get('UserDisplayName')),
    appId: lowerId(get('AppId')) ?? '',
    appDisplayName: text(get('AppDisplayName')),
    resourceId: lowerId(get('ResourceIdentity')), // ResourceId is the Azure resource path, not the resource's app id
    resourceDisplayName: text(get('ResourceDisplayName')),
    errorCode: errorCode(get('ResultType'), where, 'ResultType'),
    authenticationRequirement: authenticationRequirement(get('AuthenticationRequirement')),
    authenticationProtocol: authenticationProtocol(get('AuthenticationProtocol')),
    clientAppUsed: text(get('ClientAppUsed')),
    userAgent: text(get('UserAgent')),
    ipAddress: text(get('IPAddress')),
    countryOrRegion: text(field(location, 'countryOrRegion')) ?? text(get('Location')),
    operatingSystem: text(field(device, 'operatingSystem')),
    homeTenantId: lowerId(get('HomeTenantId')),
    resourceTenantId: lowerId(get('ResourceTenantId')),
    conditionalAccessStatus: conditionalAccessStatus(get('ConditionalAccessStatus')),
    trustedLocation: isTrustedLocation(dynamic(get('NetworkLocationDetails'), where, 'NetworkLocationDetails')),
    appliedPolicies: appliedPolicies(dynamic(policies, where, 'ConditionalAccessPolicies'), where, 'ConditionalAccessPolicies'),
  }, where, { id: 'Id', time: timeKey, userId: 'UserId', appId: 'AppId' });
}
