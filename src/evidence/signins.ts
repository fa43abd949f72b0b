/**
 * The definitions of spec/signins.md ("Definitions"), applied to one Graph beta `signIn` object: which
 * sign-ins count, which apps fall under mandatory MFA, what is a legacy client or a tool version.
 * Every evidence implementation answers with these meanings; the in-memory one uses this module.
 */

import type { SignInRow } from './row.js';

export const ARM_RESOURCE_ID = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
export const AZURE_CLI_APP_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
export const AZURE_POWERSHELL_APP_ID = '1950a258-227b-4e31-a9cf-717495945fc2';

/** Microsoft's published mandatory-MFA apps and their enforcement phase; any client of ARM is phase 2 too. */
export const MANDATORY_MFA_APPS: Readonly<Record<string, { name: string; phase: 1 | 2 }>> = {
  'c44b4083-3bb0-49c1-b47d-974e53cbdf3c': { name: 'Azure portal', phase: 1 },
  [AZURE_CLI_APP_ID]: { name: 'Azure CLI', phase: 2 },
  [AZURE_POWERSHELL_APP_ID]: { name: 'Azure PowerShell', phase: 2 },
  '0c1307d4-29d6-4389-a11c-5cbe7f65d7fa': { name: 'Azure mobile app', phase: 2 },
};

/** Evidence lists (IP addresses, scripted agents of an automation profile) keep the first this many values. */
export const EVIDENCE_LIST_MAX = 10;

/** `clientAppUsed` values that are not legacy clients (lower case). */
export const MODERN_CLIENTS = new Set(['browser', 'mobile apps and desktop clients']);
export const TOOL_VERSION = /\b(AZURECLI|AzurePowershell)\/v?(\d+(?:\.\d+)*)/i;
/** Generic HTTP clients; `python-requests` alone is the Azure CLI's normal agent and deliberately absent. */
export const SCRIPTED_AGENT = /\b(curl|Wget|Go-http-client|okhttp|Java\/|node-fetch|axios|Python-urllib|WindowsPowerShell\/)/i;

/** One successful user sign-in, reduced to the facts the evidence port aggregates. */
export interface SignInFacts {
  /** The sign-in's id ('' when the input had none). */
  id: string;
  userId: string;
  userPrincipalName: string | null;
  /** Epoch milliseconds of `createdDateTime`. */
  at: number;
  appId: string;
  appDisplayName: string | null;
  resourceId: string | null;
  interactive: boolean;
  singleFactor: boolean;
  clientAppUsed: string | null;
  userAgent: string | null;
  ipAddress: string | null;
  ropc: boolean;
  multiFactor: boolean;
  operatingSystem: string | null;
  countryOrRegion: string | null;
  homeTenantId: string | null;
  resourceTenantId: string | null;
  trustedLocation: boolean;
}

/** Microsoft Graph's app id (also its resource id): the workbook's "exclude Graph" filter. */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The facts of a Graph `signIn`, or undefined when it is not a successful user sign-in (or lacks a user, app or time). */
export function signInFacts(raw: Record<string, unknown>): SignInFacts | undefined {
  const status = raw.status as { errorCode?: unknown } | null | undefined;
  if (status?.errorCode !== 0) return undefined;
  const types = Array.isArray(raw.signInEventTypes) ? (raw.signInEventTypes as unknown[]).map(String) : [];
  const interactive = types.length ? types.includes('interactiveUser') : raw.isInteractive === true;
  if (types.length && !interactive && !types.includes('nonInteractiveUser')) return undefined; // service principal, managed identity
  const userId = str(raw.userId);
  const appId = str(raw.appId);
  const at = Date.parse(String(raw.createdDateTime));
  if (!userId || !appId || Number.isNaN(at)) return undefined;
  return {
    userId: userId.toLowerCase(),
    userPrincipalName: str(raw.userPrincipalName),
    at,
    appId: appId.toLowerCase(),
    appDisplayName: str(raw.appDisplayName),
    resourceId: str(raw.resourceId)?.toLowerCase() ?? null,
    interactive,
    singleFactor: str(raw.authenticationRequirement)?.toLowerCase() === 'singlefactorauthentication',
    clientAppUsed: str(raw.clientAppUsed),
    userAgent: str(raw.userAgent),
    ipAddress: str(raw.ipAddress),
    ropc: str(raw.authenticationProtocol)?.toLowerCase() === 'ropc',
    multiFactor: str(raw.authenticationRequirement)?.toLowerCase() === 'multifactorauthentication',
    id: str(raw.id) ?? '',
    operatingSystem: str((raw.deviceDetail as { operatingSystem?: unknown } | null | undefined)?.operatingSystem),
    countryOrRegion: str((raw.location as { countryOrRegion?: unknown } | null | undefined)?.countryOrRegion),
    homeTenantId: str(raw.homeTenantId)?.toLowerCase() ?? null,
    resourceTenantId: str(raw.resourceTenantId)?.toLowerCase() ?? null,
    trustedLocation: Array.isArray(raw.networkLocationDetails) && (raw.networkLocationDetails as { networkType?: unknown }[]).some((d) => {
      const t = String(d?.networkType ?? '').toLowerCase();
      return t === 'trustednamedlocation' || t === 'trusted';
    }),
  };
}

/** The facts of a normalized row (spec/signins.md inputs), or undefined when it is not a successful user sign-in. */
export function signInFactsFromRow(row: SignInRow): SignInFacts | undefined {
  if (row.errorCode !== 0 || (row.eventType !== 'interactiveUser' && row.eventType !== 'nonInteractiveUser') || !row.userId) return undefined;
  const at = Date.parse(row.createdDateTime);
  if (Number.isNaN(at)) return undefined;
  const req = row.authenticationRequirement?.toLowerCase();
  return {
    id: row.id,
    userId: row.userId.toLowerCase(),
    userPrincipalName: row.userPrincipalName,
    at,
    appId: row.appId.toLowerCase(),
    appDisplayName: row.appDisplayName,
    resourceId: row.resourceId?.toLowerCase() ?? null,
    interactive: row.eventType === 'interactiveUser',
    singleFactor: req === 'singlefactorauthentication',
    multiFactor: req === 'multifactorauthentication',
    clientAppUsed: row.clientAppUsed,
    userAgent: row.userAgent,
    ipAddress: row.ipAddress,
    ropc: row.authenticationProtocol?.toLowerCase() === 'ropc',
    operatingSystem: row.operatingSystem,
    countryOrRegion: row.countryOrRegion,
    homeTenantId: row.homeTenantId?.toLowerCase() ?? null,
    resourceTenantId: row.resourceTenantId?.toLowerCase() ?? null,
    trustedLocation: row.trustedLocation,
  };
}

/** Mandatory-MFA phase of the sign-in's app: its own phase, else 2 for any client of ARM, else null. */
export function mandatoryMfaPhase(s: Pick<SignInFacts, 'appId' | 'resourceId'>): 1 | 2 | null {
  return MANDATORY_MFA_APPS[s.appId]?.phase ?? (s.resourceId === ARM_RESOURCE_ID ? 2 : null);
}

/** Azure CLI, Azure PowerShell, or anything calling ARM. */
export function isManagementClient(s: Pick<SignInFacts, 'appId' | 'resourceId'>): boolean {
  return s.appId === AZURE_CLI_APP_ID || s.appId === AZURE_POWERSHELL_APP_ID || s.resourceId === ARM_RESOURCE_ID;
}

export function isLegacyClient(clientAppUsed: string | null): boolean {
  return clientAppUsed !== null && !MODERN_CLIENTS.has(clientAppUsed.toLowerCase());
}

/** The Azure tool and version a user agent names; undefined when it names none (never guessed). */
export function toolVersion(userAgent: string | null): { tool: 'azureCli' | 'azurePowerShell'; version: string } | undefined {
  const m = userAgent ? TOOL_VERSION.exec(userAgent) : null;
  if (!m) return undefined;
  return { tool: m[1]!.toLowerCase() === 'azurecli' ? 'azureCli' : 'azurePowerShell', version: m[2]! };
}

export function isScriptedAgent(userAgent: string | null): boolean {
  return userAgent !== null && SCRIPTED_AGENT.test(userAgent);
}

/** Compares dotted version numbers numerically (2.9.0 < 2.10.0). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
