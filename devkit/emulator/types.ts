/** Public and internal types of the Graph / ARM / identity-platform emulator. */
import type { TenantMutator } from './delta.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import type { LogAnalyticsEmulatorOptions, LogAnalyticsStats } from './log-analytics.js';

/** Throttling families: each has its own token bucket(s) sized to the published limits (limits.ts). */
export type Family = 'identity' | 'directory' | 'directoryWrite' | 'reports' | 'ca' | 'arm' | 'armWrite' | 'arg' | 'batch' | 'other';

export type FaultKind = '429' | '503' | 'reset' | 'slow' | 'truncate';

export interface FaultOptions {
  /** Probability in [0, 1] that a Graph/ARM request (or $batch item) gets a fault. */
  rate: number;
  /** Kinds to draw from (default 429, 503, reset, slow). `truncate` sends half a body then resets. */
  kinds?: FaultKind[];
  /** Same seed → the n-th request for the same method + URL gets the same fault, whatever the interleaving. */
  seed?: number;
  /** Delay of a `slow` fault (default 1500 ms). */
  slowMs?: number;
}

export interface BucketSpec {
  capacity: number;
  refillPerSecond: number;
}

export type BucketName = 'directory' | 'directoryWrite' | 'reports' | 'ca' | 'arm' | 'armWrite' | 'arg';

export interface LimitsOptions {
  mode: 'graph' | 'none';
  /** Replace a bucket's size (tests use small buckets to reach the limit quickly). */
  buckets?: Partial<Record<BucketName, BucketSpec>>;
}

/** How a collection fails: a missing permission, a missing licence, or an exact error. */
export type DenySpec = 'permission' | 'license' | { status: number; code: string; message: string };

export interface EmulatorClient {
  clientId: string;
  /** Accepted client secret (client_credentials with client_secret). */
  clientSecret?: string;
  /** PEM certificate or public key used to verify client assertions; without it assertions are checked for claims only. */
  certificatePem?: string;
  /** Application permissions put in the token's `roles` claim (default: every read and write permission the emulator knows). */
  roles?: string[];
  displayName?: string;
}

export interface EmulatorOptions {
  snapshot?: Snapshot;
  /** A snapshot file or directory, read with loadSnapshot. */
  snapshotPath?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback only: 127.0.0.1 (default), another 127.x address, ::1 or localhost. */
  host?: string;
  faults?: FaultOptions;
  /**
   * Remediation tests: the n-th Graph write (POST/PATCH/DELETE, 1-based, counted from start) answers
   * 500 InternalServerError without changing anything: a fault injected at action k of a run.
   */
  failWrites?: number[];
  /** `graph` (default): Graph's and ARM's published limits; `none`: never throttle. */
  limits?: 'graph' | 'none' | LimitsOptions;
  /** Serve HTTPS (self-signed certificate made at start). The same port also answers plain HTTP. */
  tls?: boolean;
  /** The Log Analytics query API over the tenant's sign-ins (log-analytics.ts): row cap, throttling, partial errors. */
  logAnalytics?: LogAnalyticsEmulatorOptions;
  /** Extra latency added to every response, in ms. */
  latencyMs?: number;
  /** App registrations the token endpoint accepts (default: one, see DEFAULT_CLIENT). */
  clients?: EmulatorClient[];
  /** Per-collection errors (snapshot keys, e.g. `userRegistrationDetails`) to prove `unavailable` handling. */
  deny?: Record<string, DenySpec>;
  /** Page sizes per collection (snapshot keys) instead of Graph's defaults; `$top` still caps them. */
  pageSizes?: Record<string, number>;
  /**
   * Whether `perUserMfaState` can be `$select`ed on the user list: `yes` (default, as Graph does since
   * 2025), `omit` (silently absent) or `error` (400, as for an unknown property).
   */
  userListPerUserMfaState?: 'yes' | 'omit' | 'error';
  /** Device code flow: approve automatically at the first poll (default false: approve through /devicelogin). */
  deviceCodeAutoApprove?: boolean;
  /** Poll interval the device code endpoint tells clients (default 5 s, as Entra ID). */
  deviceCodeInterval?: number;
  /** Lifetime of issued access tokens in seconds (default 3599). */
  tokenLifetimeSeconds?: number;
  /** Faults also hit the token endpoint (default false). */
  faultIdentity?: boolean;
  /**
   * More tenants behind the same port (MSP runs): each with its own state, signing key, limits, stats,
   * faults and denials. The token endpoint finds a tenant by the id or domain in its path
   * (`/{tenant}/oauth2/v2.0/token`); Graph, ARM and Log Analytics by the access token's `tid`.
   * The top-level `snapshot` stays the primary tenant (`common`, `/_emulator/*` without `?tenant=`).
   */
  tenants?: TenantEmulatorOptions[];
}

/** One more tenant of a multi-tenant emulator; what it does not set comes from the top-level options. */
export interface TenantEmulatorOptions {
  snapshot?: Snapshot;
  snapshotPath?: string;
  /** App registrations this tenant's token endpoint accepts (default the top-level `clients`, else DEFAULT_CLIENT). */
  clients?: EmulatorClient[];
  limits?: 'graph' | 'none' | LimitsOptions;
  faults?: FaultOptions;
  deny?: Record<string, DenySpec>;
  pageSizes?: Record<string, number>;
  logAnalytics?: LogAnalyticsEmulatorOptions;
  userListPerUserMfaState?: 'yes' | 'omit' | 'error';
}

/** Per-tenant controls of a multi-tenant emulator (`EmulatorHandle.tenants`, keyed by tenant id). */
export interface EmulatorTenantHandle {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  stats(): EmulatorStats;
  resetStats(): void;
  logAnalyticsStats(): LogAnalyticsStats;
  setDeny(collection: string, spec: DenySpec | undefined): void;
  currentSnapshot(): Snapshot;
}

export interface FamilyStats {
  requests: number;
  throttled: number;
  faults: number;
  /** Cost accepted by the family's buckets (resource units for `directory`, requests elsewhere). */
  cost: number;
}

export interface WriteRecord {
  time: string;
  method: string;
  path: string;
  status: number;
  /** The ids that tie the record to the client's own journal: ours (`request-id`) and the client's. */
  requestId: string;
  clientRequestId?: string;
  /** The If-Match header, when the write was conditional. */
  ifMatch?: string;
  /** Request body as sent. */
  body: unknown;
  /** What changed: the object before and after (absent for rejected writes). */
  before?: unknown;
  after?: unknown;
  error?: string;
}

export interface EmulatorStats {
  /** Requests per endpoint family (including $batch items; `batch` counts envelopes). */
  families: Record<Family, FamilyStats>;
  /** Requests per route, e.g. `GET /v1.0/users`, `GET /beta/users/{id}/authentication/requirements`. */
  routes: Record<string, number>;
  totalRequests: number;
  throttled: number;
  faults: Record<FaultKind, number> & { total: number };
  /** Audit trail of writes, in order. */
  writes: WriteRecord[];
  /**
   * The least time the accepted work could have taken under the throttling model: per bucket
   * max(0, (cost − capacity) / refill), the maximum over buckets (families run in parallel).
   */
  theoreticalMinSeconds: number;
  /** The same per bucket key (e.g. `reports`, `arm:sub:<id>`). */
  minSecondsByBucket: Record<string, number>;
  /** Seconds since the emulator started (or since resetStats). */
  elapsedSeconds: number;
}

export interface EmulatorHandle {
  /** Base URL (https when tls is on). Graph, ARM and the identity platform all live at its root. */
  url: string;
  /** Plain-HTTP URL of the same port (when tls is on, the port answers both). */
  httpUrl: string;
  /** Graph base: append `/v1.0/...` or `/beta/...`. */
  graphUrl: string;
  /** ARM base: append `/subscriptions?...`. */
  armUrl: string;
  /** Log Analytics query API origin (`/v1/workspaces/{id}/query`) and what it answered. */
  logAnalyticsUrl: string;
  logAnalyticsStats: () => LogAnalyticsStats;
  /** Authority host for @azure/identity / MSAL (`authorityHost` option, AZURE_AUTHORITY_HOST). */
  authorityHost: string;
  tenantId: string;
  /** The default app registration (client id and secret) the token endpoint accepts. */
  clientId: string;
  clientSecret: string;
  port: number;
  /** PEM of the self-signed certificate (tls only): trust it with NODE_EXTRA_CA_CERTS or an https.Agent `ca`. */
  ca?: string;
  close(): Promise<void>;
  stats(): EmulatorStats;
  /** Clears the counters and the audit trail, refills every token bucket and restarts the fault sequence. */
  resetStats(): void;
  /** An access token for tests that do not go through the token endpoint. */
  issueToken(opts?: { resource?: 'graph' | 'arm' | 'logAnalytics'; roles?: string[]; clientId?: string; expiresInSeconds?: number }): string;
  /** Approve a pending device code (what a user does at /devicelogin). */
  approveDeviceCode(userCode: string, userPrincipalNameOrId?: string): boolean;
  /** Change a collection's failure at run time (undefined clears it). */
  setDeny(collection: string, spec: DenySpec | undefined): void;
  /** Current in-memory tenant as a snapshot (writes included). */
  currentSnapshot(): Snapshot;
  /** Change the running tenant (users, groups, members, registration), recorded for delta queries (delta.ts). */
  mutate: TenantMutator;
  /** Every tenant served (the primary one included), by tenant id. */
  tenants: Record<string, EmulatorTenantHandle>;
}

/** A request as the router sees it (also used for $batch items). */
export interface EmuRequest {
  method: string;
  /** Path without query, as sent (percent-decoded per segment in `segments`). */
  path: string;
  segments: string[];
  query: URLSearchParams;
  /** Raw query string without the leading `?`. */
  rawQuery: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: unknown;
  requestId: string;
  clientRequestId?: string;
  /** scheme://host:port the client used (nextLinks are built on it). */
  origin: string;
  inBatch?: boolean;
}

export interface EmuResponse {
  status: number;
  headers: Record<string, string>;
  /** Object → JSON; string → text as is; undefined → no body. */
  body?: unknown;
}
