/**
 * The Entra admin center's CSV downloads of sign-in logs (Monitoring > Sign-in logs > Download > CSV)
 * → SignInRow. Each tab downloads to its own file with the same kind of header
 * (`InteractiveSignIns_<from>_<to>.csv`, `NonInteractiveSignIns_…`, `ApplicationSignIns_…`,
 * `MSISignIns_…`); the columns do not say which tab a row came from, so the file name does
 * (interactive when it does not say: the default tab), and a header with "Service principal ID" but no
 * "User ID" is a service-principal download. Headers are matched trimmed and case-insensitively (the
 * portal writes "Application ID " with a trailing space). Values are the portal's display strings
 * ("Single-factor authentication", "Not Applied", "Success"), normalized to Graph's spelling.
 */
import { basename } from 'node:path';
import type { SignInEventType, SignInRow } from '../evidence/row.js';
import {
  authenticationProtocol, authenticationRequirement, conditionalAccessStatus, errorCode, fail, finishRow, lowerId, text, type Where,
} from './normalize.js';

/** Columns of the download this reader needs, by their header text; `User ID` only for user sign-in files. */
export const ENTRA_REQUIRED = ['Date (UTC)', 'Request ID', 'Application ID'] as const;

/** The header of an admin center download (its two signature columns). */
export function isEntraCsvHeader(headers: readonly string[]): boolean {
  const set = new Set(headers.map(norm));
  return set.has('date (utc)') && set.has('request id');
}

const norm = (h: string) => h.trim().toLowerCase();

/** The event type of a download, from the file name (the tab it came from) and its header. */
export function entraCsvEventType(file: string, headers: readonly string[]): SignInEventType {
  const name = basename(file).toLowerCase();
  const set = new Set(headers.map(norm));
  if (name.includes('noninteractive')) return 'nonInteractiveUser';
  if (name.includes('msisignins') || name.includes('managedidentit')) return 'managedIdentity';
  if (name.includes('applicationsignins') || name.includes('serviceprincipal') || (set.has('service principal id') && !set.has('user id'))) return 'servicePrincipal';
  return 'interactiveUser';
}

/** A reader for one download: checks the header once, then converts each record (an array of fields). */
export function entraCsvReader(file: string, headers: readonly string[], headerLine: number): (fields: readonly string[], where: Where) => SignInRow {
  const index = new Map<string, number>();
  headers.forEach((h, i) => {
    if (!index.has(norm(h))) index.set(norm(h), i);
  });
  const eventType = entraCsvEventType(file, headers);
  const user = eventType === 'interactiveUser' || eventType === 'nonInteractiveUser';
  const required: string[] = [...ENTRA_REQUIRED, ...(user ? ['User ID'] : [])];
  const missing = required.filter((c) => !index.has(norm(c)));
  if (!index.has('status') && !index.has('sign-in error code')) missing.push('Status or Sign-in error code');
  if (missing.length) {
    fail({ file, line: headerLine }, missing[0]!, `not an Entra admin center sign-in download this reader understands: missing column(s) ${missing.map((m) => JSON.stringify(m)).join(', ')}`);
  }
  const col = (name: string) => index.get(name);
  const at = (fields: readonly string[], name: string): string | undefined => {
    const i = col(name);
    return i === undefined ? undefined : fields[i];
  };
  return (fields, where) => {
    const status = text(at(fields, 'status'))?.toLowerCase();
    const code = at(fields, 'sign-in error code');
    const location = text(at(fields, 'location'));
    return finishRow({
      id: text(at(fields, 'request id'))?.trim() ?? '',
      createdDateTime: at(fields, 'date (utc)'),
      eventType,
      userId: lowerId(at(fields, 'user id')),
      userPrincipalName: text(at(fields, 'username')),
      userDisplayName: text(at(fields, 'user')),
      appId: lowerId(at(fields, 'application id')) ?? '',
      appDisplayName: text(at(fields, 'application')),
      resourceId: lowerId(at(fields, 'resource id')),
      resourceDisplayName: text(at(fields, 'resource')),
      // the error code when the download has it; else Status: only "Success" is a success
      errorCode: text(code) !== null ? errorCode(code, where, 'Sign-in error code')
        : status === 'success' ? 0
        : status ? -1 : errorCode(undefined, where, 'Status'),
      authenticationRequirement: authenticationRequirement(at(fields, 'authentication requirement')),
      authenticationProtocol: authenticationProtocol(at(fields, 'authentication protocol')),
      clientAppUsed: text(at(fields, 'client app')),
      userAgent: text(at(fields, 'user agent')),
      ipAddress: text(at(fields, 'ip address')),
      // "City, State, CC": the country is the last part
      countryOrRegion: location ? location.split(',').at(-1)!.trim() || null : null,
      operatingSystem: text(at(fields, 'operating system')),
      homeTenantId: lowerId(at(fields, 'home tenant id')),
      resourceTenantId: lowerId(at(fields, 'resource tenant id')),
      conditionalAccessStatus: conditionalAccessStatus(at(fields, 'conditional access')),
      trustedLocation: false, // the download has no network location details
      appliedPolicies: null, // per-policy results are not in the download
    }, where, { id: 'Request ID', time: 'Date (UTC)', userId: 'User ID', appId: 'Application ID' });
  };
}
