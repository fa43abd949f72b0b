/**
 * `signIns`: the sign-in log (Graph beta `signIn` objects, spec/signins.md), interactive and
 * non-interactive, over a window (default 30 days) sliced by `createdDateTime`.
 *
 * Scope `evidence` (default) asks Graph only for what the sign-in rules read: sign-ins to the
 * mandatory-MFA apps (by `appId`), any client of Azure Resource Manager (by `resourceId`) and legacy
 * clients. Graph filters `clientAppUsed` with `eq` only (no `ne`), so legacy clients are the documented
 * legacy `clientAppUsed` values, or-ed; a legacy client Microsoft adds later is only seen with scope
 * `all`. Scope `all` reads everything (the workbook pivots over every app).
 *
 * Needs AuditLog.Read.All and a P1/P2 licence; without them the collection is `unavailable` (403) and
 * the sign-in verdicts are unknown, not failed.
 */
import type { CollectionDescriptor, CollectionOptions } from './descriptor.js';

/** Microsoft's mandatory-MFA apps (src/evidence/signins.ts has their names and phases). */
const MANDATORY_MFA_APP_IDS = [
  'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', // Azure portal, Entra and Intune admin centers
  '04b07795-8ddb-461a-bbee-02f9e1bf7b46', // Azure CLI
  '1950a258-227b-4e31-a9cf-717495945fc2', // Azure PowerShell
  '0c1307d4-29d6-4389-a11c-5cbe7f65d7fa', // Azure mobile app
];
const ARM_RESOURCE_ID = '797f4846-ba00-4fd7-ba43-dac1f8f63013';

/** The `clientAppUsed` values Entra documents for legacy (basic) authentication. */
export const LEGACY_CLIENT_APPS = [
  'Exchange ActiveSync', 'IMAP4', 'POP3', 'Authenticated SMTP', 'Exchange Web Services', 'MAPI Over HTTP', 'Offline Address Book',
  'Outlook Anywhere (RPC over HTTP)', 'Exchange Online PowerShell', 'AutoDiscover', 'Reporting Web Services', 'Universal Outlook', 'Other clients',
];

const DAY = 86_400_000;
const settings = (o: CollectionOptions) => (o.signIns === undefined || o.signIns === 'off' ? { days: 30, scope: 'evidence' as const } : o.signIns);
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The `$filter` clause of scope `evidence`: mandatory-MFA apps, clients of ARM, legacy clients. */
export const EVIDENCE_FILTER = `(${[
  ...MANDATORY_MFA_APP_IDS.map((id) => `appId eq ${quote(id)}`),
  `resourceId eq ${quote(ARM_RESOURCE_ID)}`,
  ...LEGACY_CLIENT_APPS.map((c) => `clientAppUsed eq ${quote(c)}`),
].join(' or ')})`;

export const signIns: CollectionDescriptor = {
  key: 'signIns',
  family: 'signInReports',
  storage: 'file',
  source: {
    kind: 'graphTimeSliced',
    version: 'beta',
    path: '/auditLogs/signIns',
    top: 1000,
    days: (o) => settings(o).days,
    eventTypes: ['interactiveUser', 'nonInteractiveUser'],
    filter: (o) => (settings(o).scope === 'all' ? undefined : EVIDENCE_FILTER),
    // Microsoft's advice for the reports API: start with a few days, shrink on throttling
    slices: { initialMs: 3 * DAY, minMs: 5 * 60_000, maxMs: 31 * DAY },
    windowKey: 'signInsWindow',
  },
  skip: (o) => (o.signIns === 'off' ? 'not requested (--no-signins)' : undefined),
  schema: { kind: 'array', item: { createdDateTime: 'string', userId: 'string', appId: 'string' } },
};
