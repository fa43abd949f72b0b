/**
 * The sign-in evidence port (spec/signins.md). Rules that need sign-in facts ask this interface for
 * aggregates over a window ending at `asOf`; they never see raw sign-in rows in bulk, so the same
 * rules run over an in-memory fake (memory.ts), a local DuckDB store, or KQL pushed down to a Log
 * Analytics workspace (`SigninLogs` ∪ `AADNonInteractiveUserSignInLogs`), each returning only what
 * the rule needs. Every method counts *successful user* sign-ins only (signins.md, Definitions).
 */

/** The time range evidence covers. ISO 8601 date-times; `to` is the `asOf` of queries that give none. */
export interface EvidenceWindow {
  from: string;
  to: string;
}

/** Narrows a query. Every field is optional: no window = the whole evidence window. */
export interface EvidenceQuery {
  /** Only sign-ins at or after this instant (ISO 8601). */
  since?: string;
  /** Only sign-ins before this instant (ISO 8601): the end of the window, usually the snapshot's collectedAt. */
  asOf?: string;
  /** Only these users (object ids, case-insensitive); default every user. */
  userIds?: readonly string[];
}

/** How often one user signed in to one app, split the ways the mandatory-MFA rules need. */
export interface UserAppSignIns {
  userId: string;
  userPrincipalName: string | null;
  appId: string;
  appDisplayName: string | null;
  /** Mandatory-MFA phase of the app (1 = portals, 2 = CLI/PowerShell/mobile app/ARM), null for other apps. */
  mandatoryMfaPhase: 1 | 2 | null;
  signIns: number;
  singleFactor: number;
  multiFactor: number;
  interactive: number;
  nonInteractive: number;
  firstSeen: string;
  lastSeen: string;
  /** The latest single-factor sign-in, null when there was none. */
  lastSingleFactor: string | null;
}

/** Successful sign-ins through one legacy client (`clientAppUsed`, e.g. "Exchange ActiveSync") by one user. */
export interface LegacyClientSignIns {
  userId: string;
  userPrincipalName: string | null;
  clientAppUsed: string;
  signIns: number;
  lastSeen: string;
}

export type AzureTool = 'azureCli' | 'azurePowerShell';

/** The versions of an Azure tool a user signed in with (from `userAgent`; absent means unknown, never guessed). */
export interface ToolVersionSignIns {
  userId: string;
  userPrincipalName: string | null;
  tool: AzureTool;
  /** Lowest and highest version seen (dotted numbers, compared numerically). */
  lowestVersion: string;
  highestVersion: string;
  signIns: number;
  lastSeen: string;
}

export type AutomationSignal = 'ropc' | 'nonInteractiveOnly' | 'scheduled' | 'scriptedClient';

/** Why a user account looks like automation, from its sign-ins through Azure management clients. */
export interface AutomationProfile {
  userId: string;
  userPrincipalName: string | null;
  /** Successful sign-ins from an Azure management client (CLI, PowerShell, or resource ARM). */
  managementSignIns: number;
  /** Interactive sign-ins to any app in the window. */
  interactiveSignIns: number;
  signals: AutomationSignal[];
  /** Generic HTTP client agents seen against ARM (curl, Go-http-client, …): the first 10, in order of first appearance. */
  scriptedAgents: string[];
  /** Up to 5 management sign-in times, oldest first. */
  sampleTimes: string[];
  /** The first 10 IP addresses of management sign-ins, in order of first appearance (automation may rotate through thousands). */
  ipAddresses: string[];
  /** How many distinct IP addresses there were. */
  ipAddressCount: number;
}

/** Successful single-factor user sign-ins of one user to one app (the raw material of contradictions, spec/signins.md). */
export interface SingleFactorSignIns {
  userId: string;
  userPrincipalName: string | null;
  appId: string;
  appDisplayName: string | null;
  resourceId: string | null;
  signIns: number;
  firstSeen: string;
  lastSeen: string;
  /** Up to 5 sign-in ids, oldest first. */
  sampleSignInIds: string[];
}

/**
 * The filters of Microsoft's MFA gaps workbook (spec/signins.md, Workbook parity). Pivots always count
 * successful user sign-ins; `homeTenantOnly` (default true) keeps sign-ins whose home and resource
 * tenant are the same (or unknown).
 */
export interface WorkbookFilters {
  homeTenantOnly?: boolean;
  /** Drop sign-ins to Microsoft Graph (app or resource `00000003-0000-0000-c000-000000000000`). */
  excludeGraph?: boolean;
  /** Only legacy clients (signins.md definition). */
  legacyOnly?: boolean;
  /** Only sign-ins from a trusted named location. */
  trustedLocationsOnly?: boolean;
  /** Only interactive sign-ins (what the workbook itself reads); default both. */
  interactiveOnly?: boolean;
}

/** A workbook pivot: `total` (one row), per app, per user, app × user, operating system, country, client app. */
export type PivotDimension = 'total' | 'app' | 'user' | 'appUser' | 'operatingSystem' | 'country' | 'clientApp';

export interface PivotRow {
  /** The dimension's values: [] for total, [appId, appDisplayName] for app, [userId, userPrincipalName] for user, [appId, appDisplayName, userId, userPrincipalName] for appUser, [value] otherwise (null → "unknown"). */
  keys: string[];
  signIns: number;
  /** `authenticationRequirement` = multiFactorAuthentication. */
  mfa: number;
  /** `authenticationRequirement` = singleFactorAuthentication (or absent: not protected by MFA). */
  singleFactor: number;
  /** Distinct users. */
  users: number;
  /** `app` pivot only: distinct users with at least one sign-in not protected by MFA. */
  singleFactorUsers?: number;
}

/** A pivot's rows (all, or the first `limit`) and how many rows it has in all. */
export interface PivotResult {
  rows: PivotRow[];
  groups: number;
}

export interface SignInEvidence {
  /** The window the evidence covers (`signInsWindow`, else the first and last sign-in); undefined when there are no sign-ins. */
  window(): Promise<EvidenceWindow | undefined>;
  /** Per user and app; `apps` limits the apps (default: the mandatory-MFA apps and every app whose resource is ARM). */
  userAppSignIns(query?: EvidenceQuery & { apps?: 'mandatoryMfa' | 'all' }): Promise<UserAppSignIns[]>;
  /** Per user and legacy client (`clientAppUsed` present and neither "Browser" nor "Mobile Apps and Desktop clients"). */
  legacyClientSignIns(query?: EvidenceQuery): Promise<LegacyClientSignIns[]>;
  /** Per user and Azure tool with a version in its user agent. */
  toolVersions(query?: EvidenceQuery): Promise<ToolVersionSignIns[]>;
  /** Per user with ≥ 1 management sign-in; `signals` is empty when nothing looks automated. */
  automationProfiles(query?: EvidenceQuery): Promise<AutomationProfile[]>;
  /** Per user and app with ≥ 1 successful single-factor user sign-in, any app. */
  singleFactorSignIns(query?: EvidenceQuery): Promise<SingleFactorSignIns[]>;
  /** One workbook pivot, rows ordered by `singleFactor` descending then keys. */
  pivot(by: PivotDimension, query?: EvidenceQuery & WorkbookFilters): Promise<PivotRow[]>;
  /**
   * Several pivots under the same filters, each cut to its first `limit` rows (≥ 1; default all) with its
   * full row count: what the workbook shows. Engines cut where the rows are, so only `limit` rows per pivot travel.
   */
  pivots(by: readonly PivotDimension[], query?: EvidenceQuery & WorkbookFilters & { limit?: number }): Promise<PivotResult[]>;
}
