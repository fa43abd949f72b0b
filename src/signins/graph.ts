/**
 * Graph `signIn` objects → SignInRow: v1.0 (`isInteractive`) and beta (`signInEventTypes`,
 * `authenticationProtocol`, …), as `GET /auditLogs/signIns` returns them, as the Entra admin center's
 * JSON download writes them, and wrapped in Azure Monitor diagnostic records (`{ "time", "category":
 * "SignInLogs" | "NonInteractiveUserSignInLogs" | …, "properties": { <signIn> } }`, storage-account
 * and Event Hubs exports), whose category says interactive or not.
 */
import type { SignInEventType, SignInRow } from '../evidence/row.js';
import {
  appliedPolicies, authenticationProtocol, authenticationRequirement, conditionalAccessStatus, dynamic, errorCode, eventTypeFromList, fail, field, finishRow,
  isTrustedLocation, lowerId, text, type Where,
} from './normalize.js';

/** Sign-in categories of Azure Monitor (diagnostic settings) and tables of Log Analytics, by event type. */
export const CATEGORY_EVENT_TYPES: Readonly<Record<string, SignInEventType>> = {
  signinlogs: 'interactiveUser',
  noninteractiveusersigninlogs: 'nonInteractiveUser',
  aadnoninteractiveusersigninlogs: 'nonInteractiveUser',
  serviceprincipalsigninlogs: 'servicePrincipal',
  aadserviceprincipalsigninlogs: 'servicePrincipal',
  managedidentitysigninlogs: 'managedIdentity',
  aadmanagedidentitysigninlogs: 'managedIdentity',
};

/** A JSON record in Graph's camelCase shape (possibly wrapped in a diagnostic record). */
export function isGraphRecord(o: Record<string, unknown>): boolean {
  return 'createdDateTime' in o || (typeof o.properties === 'object' && o.properties !== null && 'category' in o);
}

export function graphRecordToRow(o: Record<string, unknown>, where: Where): SignInRow {
  let raw = o;
  let prefix = '';
  let fromCategory: SignInEventType | undefined;
  if (!('createdDateTime' in o) && typeof o.properties === 'object' && o.properties !== null) {
    raw = o.properties as Record<string, unknown>;
    prefix = 'properties.';
    fromCategory = CATEGORY_EVENT_TYPES[String(o.category ?? '').toLowerCase()];
    if (raw.createdDateTime === undefined && o.time !== undefined) raw = { ...raw, createdDateTime: o.time };
  }
  return graphSignInToRow(raw, where, prefix, fromCategory);
}

/** One Graph signIn; `fromSource` is the event type the container states (a diagnostic category), which wins over the object's own fields. */
export function graphSignInToRow(raw: Record<string, unknown>, where: Where, prefix = '', fromSource?: SignInEventType): SignInRow {
  const eventType: SignInEventType = fromSource ?? eventTypeFromList(raw.signInEventTypes)
    ?? (raw.isInteractive === true ? 'interactiveUser' : raw.isInteractive === false ? 'nonInteractiveUser' : 'unknown');
  const status = raw.status;
  if (status === undefined || status === null || typeof status !== 'object') {
    fail(where, `${prefix}status.errorCode`, 'missing: a sign-in needs its status (error code 0 = success)');
  }
  const location = dynamic(raw.location, where, `${prefix}location`);
  const device = dynamic(raw.deviceDetail, where, `${prefix}deviceDetail`);
  return finishRow({
    id: text(raw.id)?.trim() ?? '',
    createdDateTime: raw.createdDateTime,
    eventType,
    userId: lowerId(raw.userId),
    userPrincipalName: text(raw.userPrincipalName),
    userDisplayName: text(raw.userDisplayName),
    appId: lowerId(raw.appId) ?? '',
    appDisplayName: text(raw.appDisplayName),
    resourceId: lowerId(raw.resourceId),
    resourceDisplayName: text(raw.resourceDisplayName),
    errorCode: errorCode(field(status, 'errorCode'), where, `${prefix}status.errorCode`),
    authenticationRequirement: authenticationRequirement(raw.authenticationRequirement),
    authenticationProtocol: authenticationProtocol(raw.authenticationProtocol),
    clientAppUsed: text(raw.clientAppUsed),
    userAgent: text(raw.userAgent),
    ipAddress: text(raw.ipAddress),
    countryOrRegion: text(field(location, 'countryOrRegion')),
    operatingSystem: text(field(device, 'operatingSystem')),
    homeTenantId: lowerId(raw.homeTenantId),
    resourceTenantId: lowerId(raw.resourceTenantId),
    conditionalAccessStatus: conditionalAccessStatus(raw.conditionalAccessStatus),
    trustedLocation: isTrustedLocation(dynamic(raw.networkLocationDetails, where, `${prefix}networkLocationDetails`)),
    appliedPolicies: appliedPolicies(dynamic(raw.appliedConditionalAccessPolicies, where, `${prefix}appliedConditionalAccessPolicies`), where, `${prefix}appliedConditionalAccessPolicies`),
  }, where, { id: `${prefix}id`, time: `${prefix}createdDateTime`, userId: `${prefix}userId`, appId: `${prefix}appId` });
}
