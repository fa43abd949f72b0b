/**
 * Synthetic sign-in logs (Graph **beta** `signIn` objects, spec/signins.md) for a tenant: consistent
 * with its users (ids, UPNs, guests signing in from their home tenants), deterministic per seed, and
 * streamed — a generator of 10M rows holds one row at a time.
 *
 * What is in them, so every definition of spec/signins.md has something to find:
 * - interactive and non-interactive user sign-ins (`signInEventTypes`), service-principal sign-ins;
 * - the mandatory-MFA apps (portal, CLI, PowerShell, mobile app, other clients of ARM) and other apps
 *   (Office, Teams, Graph); single- or multi-factor with a bias from the user's MFA capability;
 * - legacy clients (`clientAppUsed` IMAP4, POP3, Exchange ActiveSync, Authenticated SMTP, ...);
 * - failures (`status.errorCode` ≠ 0);
 * - automation accounts: each has some of the signals (ropc, non-interactive only, a schedule at the
 *   same time of day — some just before midnight, so the window wraps —, a scripted agent to ARM);
 * - old and new tool versions in `userAgent`, and the CLI's plain `python-requests` agent;
 * - trusted named locations (`networkLocationDetails`), countries, operating systems;
 * - `appliedConditionalAccessPolicies` from the tenant's policies, report-only results included.
 *
 * Rows come in ascending `createdDateTime` order (scheduled runs are snapped to their time of day, so
 * the order is approximate); ids are unique (the row number is part of the id).
 */
import type { Snapshot } from '../../src/snapshot/types.js';
import { guidFromWords, h32, hashString, hf } from './random.js';

export interface SignInGenOptions {
  count: number;
  seed?: number;
  /** End of the window (ISO-8601); the rows cover `days` before it. */
  asOf: string;
  /** Window length in days (default 30). */
  days?: number;
  /**
   * `false`: every user is an ordinary one (no automation accounts, Azure tool users or legacy-mail
   * users drawn at random): for a tenant whose stories are written by hand (the demo).
   */
  archetypes?: boolean;
}

export const PORTAL_APP_ID = 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c';
export const CLI_APP_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
export const POWERSHELL_APP_ID = '1950a258-227b-4e31-a9cf-717495945fc2';
export const MOBILE_APP_ID = '0c1307d4-29d6-4389-a11c-5cbe7f65d7fa';
export const ARM_ID = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
export const GRAPH_ID = '00000003-0000-0000-c000-000000000000';
export const EXCHANGE_ID = '00000002-0000-0ff1-ce00-000000000000';
/** The consumer (Microsoft account) tenant: guests with outlook.com / gmail.com identities sign in from it. */
const MSA_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

interface App { appId: string; appDisplayName: string; resourceId: string; resourceDisplayName: string }

const ARM_RES = { resourceId: ARM_ID, resourceDisplayName: 'Windows Azure Service Management API' };
const GRAPH_RES = { resourceId: GRAPH_ID, resourceDisplayName: 'Microsoft Graph' };
const EXO_RES = { resourceId: EXCHANGE_ID, resourceDisplayName: 'Office 365 Exchange Online' };

export const APPS = {
  portal: { appId: PORTAL_APP_ID, appDisplayName: 'Azure Portal', ...ARM_RES },
  cli: { appId: CLI_APP_ID, appDisplayName: 'Microsoft Azure CLI', ...ARM_RES },
  powershell: { appId: POWERSHELL_APP_ID, appDisplayName: 'Microsoft Azure PowerShell', ...ARM_RES },
  mobile: { appId: MOBILE_APP_ID, appDisplayName: 'Microsoft Azure', ...ARM_RES },
  /** A third-party infrastructure-as-code client of ARM (mandatory MFA through its resource). */
  iac: { appId: '2f9c61e4-7a3b-4c1d-9e55-6b1f3d8a0c27', appDisplayName: 'Contoso Deploy (Terraform)', ...ARM_RES },
  office: { appId: '4765445b-32c6-49b0-83e6-1d93765276ca', appDisplayName: 'OfficeHome', resourceId: '4765445b-32c6-49b0-83e6-1d93765276ca', resourceDisplayName: 'OfficeHome' },
  outlook: { appId: 'd3590ed6-52b3-4102-aeff-aad2292ab01c', appDisplayName: 'Microsoft Office', ...EXO_RES },
  teams: { appId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264', appDisplayName: 'Microsoft Teams', resourceId: 'cc15fd57-2c6c-4117-a88c-83b1d56b4bbe', resourceDisplayName: 'Microsoft Teams Services' },
  graphExplorer: { appId: 'de8bc8b5-d9f9-48b1-a8ad-b748da725064', appDisplayName: 'Graph Explorer', ...GRAPH_RES },
  /** Microsoft Graph itself as the client app (PowerShell SDK scripts show up like this). */
  graph: { appId: GRAPH_ID, appDisplayName: 'Microsoft Graph', ...GRAPH_RES },
  exchange: { appId: EXCHANGE_ID, appDisplayName: 'Office 365 Exchange Online', ...EXO_RES },
} satisfies Record<string, App>;

const NORMAL_APPS: readonly [App, number][] = [
  [APPS.office, 22], [APPS.outlook, 22], [APPS.teams, 22], [APPS.graph, 6], [APPS.graphExplorer, 2],
  [APPS.portal, 10], [APPS.mobile, 2], [APPS.exchange, 4],
];
const MGMT_APPS: readonly [App, number][] = [[APPS.cli, 45], [APPS.powershell, 30], [APPS.portal, 12], [APPS.iac, 10], [APPS.mobile, 3]];
export const LEGACY_CLIENTS = ['Exchange ActiveSync', 'IMAP4', 'POP3', 'Authenticated SMTP', 'Other clients', 'Exchange Web Services', 'MAPI Over HTTP'] as const;

const OLD_CLI = ['2.53.1', '2.60.0', '2.61.0', '2.67.0'];
const NEW_CLI = ['2.76.0', '2.77.0', '2.79.0'];
const OLD_PS = ['v10.4.1', 'v11.6.0', 'v12.0.0', 'v13.2.0'];
const NEW_PS = ['v14.3.0', 'v14.4.0', 'v15.0.0'];
const cliAgent = (v: string) => `AZURECLI/${v} (MSI) azsdk-python-core/1.30.2 Python/3.11.9 (Windows-10-10.0.22631-SP0)`;
const psAgent = (v: string) => `AzurePowershell/${v} PSVersion/v7.4.6 Az.Accounts/3.0.5`;
const SCRIPTED_AGENTS = ['curl/8.4.0', 'Go-http-client/1.1', 'okhttp/4.12.0', 'Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.4391', 'Python-urllib/3.10', 'axios/1.6.8', 'Java/17.0.9'];
const BROWSERS: readonly [string, string, string][] = [
  ['Windows10', 'Edge 130.0.0', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0'],
  ['Windows10', 'Chrome 130.0.0', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36'],
  ['MacOs', 'Safari 17.6', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15'],
  ['Ios', 'Mobile Safari 17.6', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1'],
  ['Android', 'Chrome Mobile 130.0.0', 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36'],
  ['Linux', 'Firefox 132.0', 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0'],
];
const COUNTRIES: readonly [string, string][] = [['US', 'Seattle'], ['US', 'New York'], ['DE', 'Berlin'], ['GB', 'London'], ['FR', 'Paris'], ['IN', 'Bengaluru'], ['NL', 'Amsterdam'], ['BR', 'São Paulo'], ['JP', 'Tokyo'], ['CA', 'Toronto']];
const FAILURES: readonly [number, string][] = [
  [50126, 'Error validating credentials due to invalid username or password.'],
  [50074, 'Strong Authentication is required.'],
  [50076, 'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access this resource.'],
  [53003, 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.'],
  [50053, 'Account is locked because user tried to sign in too many times with an incorrect user ID or password.'],
  [50055, 'The password is expired.'],
];

// salts for the stateless hash
const S = {
  kind: 1, user: 2, app: 3, inter: 4, fail: 5, failWhich: 6, mfa: 7, trusted: 8, country: 9, os: 10, ip1: 11, ip2: 12, policies: 13,
  policyResult: 14, jitter: 15, arch: 16, tool: 17, sched: 18, agent: 19, ropc: 20, legacy: 21, spWhich: 22, id: 23, corr: 24, proto: 25, time: 26,
};

/** What the generator needs of one user (cheap to hold for a million users). */
export interface SignInUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  guest: boolean;
  /** A B2B user's home tenant (undefined: the tenant itself). */
  homeTenantId?: string | undefined;
  /** From userRegistrationDetails when known: biases single- vs multi-factor. */
  mfaCapable?: boolean | undefined;
  enabled: boolean;
}

/** The tenant facts the generator reads; built from a Snapshot or incrementally by the streaming writer. */
export interface SignInPopulation {
  tenantId: string;
  users: SignInUser[];
  /** Display names of trusted IP named locations. */
  trustedLocations: string[];
  /** Conditional Access policies (id, name, state) for `appliedConditionalAccessPolicies`. */
  policies: { id: string; displayName: string; state: string }[];
  servicePrincipals: { id: string; appId: string; displayName: string }[];
}

/** A guest's home tenant from its UPN (`local_domain#EXT#@…`); consumer domains sign in from the MSA tenant. */
export function guestHomeTenant(upn: string, seed: number): string {
  const m = /_([^_#]+)#EXT#@/i.exec(upn);
  const domain = (m?.[1] ?? upn.split('@')[1] ?? 'external').toLowerCase();
  if (/^(outlook|hotmail|live|gmail)\./.test(domain)) return MSA_TENANT;
  const h = hashString(domain);
  return guidFromWords(h32(seed, h, 901), h32(seed, h, 902), h32(seed, h, 903), h32(seed, h, 904));
}

export function signInUser(u: { id: string; userPrincipalName?: string | null; displayName?: string | null; userType?: string | null; accountEnabled?: boolean | null }, seed: number, mfaCapable?: boolean): SignInUser {
  const upn = u.userPrincipalName ?? u.id;
  const guest = String(u.userType ?? '').toLowerCase() === 'guest';
  // B2B users (guests and members) sign in from their home tenant; a local guest account from this one
  const external = upn.includes('#EXT#');
  return { id: u.id, userPrincipalName: upn, displayName: u.displayName ?? upn, guest, homeTenantId: external ? guestHomeTenant(upn, seed) : undefined, mfaCapable, enabled: u.accountEnabled !== false };
}

export function populationOf(snapshot: Snapshot, seed = 1): SignInPopulation {
  const capable = new Map<string, boolean>();
  for (const r of snapshot.userRegistrationDetails ?? []) if (typeof r.isMfaCapable === 'boolean') capable.set(r.id.toLowerCase(), r.isMfaCapable);
  return {
    tenantId: snapshot.tenant?.id ?? '00000000-0000-0000-0000-000000000000',
    users: (snapshot.users ?? []).map((u) => signInUser(u, seed, capable.get(u.id.toLowerCase()))),
    trustedLocations: (snapshot.namedLocations ?? []).filter((l) => (l as { isTrusted?: unknown }).isTrusted === true).map((l) => String(l.displayName ?? l.id)),
    policies: (snapshot.conditionalAccessPolicies ?? []).map((p) => ({ id: p.id, displayName: String(p.displayName ?? p.id), state: String(p.state) })),
    servicePrincipals: (snapshot.servicePrincipals ?? []).filter((s) => s.appId).map((s) => ({ id: s.id, appId: s.appId!, displayName: String(s.displayName ?? s.appId) })),
  };
}

/** Graph beta `signIn` objects for the tenant of `snapshot` (see the file comment). */
export function* generateSignIns(snapshot: Snapshot, opts: SignInGenOptions): Generator<Record<string, unknown>> {
  yield* generateSignInsFor(populationOf(snapshot, opts.seed ?? 1), opts);
}

const DAY = 86_400_000;

/** Per-user archetype: a small share of automation accounts, management-tool users and legacy-mail users. */
type Arch = 'automation' | 'mgmt' | 'legacy' | 'normal';

export function archetypeOf(u: SignInUser, index: number, seed: number): Arch {
  if (/^(svc|sa|svc_|automation|deploy|bot)[-_.]/i.test(u.userPrincipalName)) return 'automation';
  const r = hf(seed, index, S.arch);
  if (u.guest) return r < 0.03 ? 'mgmt' : 'normal';
  if (r < 0.004) return 'automation';
  if (r < 0.08) return 'mgmt';
  if (r < 0.11) return 'legacy';
  return 'normal';
}

/** Signals an automation account shows (bit set), its schedule (minute of day) and agent: stable per account. */
export function automationProfile(index: number, seed: number, ordinal = index): { ropc: boolean; scripted: boolean; interactiveToo: boolean; minuteOfDay: number; agent: string } {
  const r = h32(seed, index, S.sched);
  // every third account (the 2nd, 5th, ...) runs just before midnight, so its ± 5 minute window wraps to the next day
  const minuteOfDay = ordinal % 3 === 1 ? 1435 + (r >>> 8) % 5 : (r >>> 8) % 1440;
  const scripted = h32(seed, index, S.agent) % 3 !== 0;
  return {
    ropc: hf(seed, index, S.ropc) < 0.5,
    scripted,
    interactiveToo: hf(seed, index, S.inter) < 0.25,
    minuteOfDay,
    agent: scripted ? SCRIPTED_AGENTS[(h32(seed, index, S.agent) >>> 4) % SCRIPTED_AGENTS.length]! : 'python-requests/2.31.0',
  };
}

function pickWeighted<T>(items: readonly [T, number][], r: number): T {
  let total = 0;
  for (const [, w] of items) total += w;
  let x = r * total;
  for (const [it, w] of items) {
    if ((x -= w) < 0) return it;
  }
  return items[items.length - 1]![0];
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The row id: a GUID whose last 12 hex digits are the row number, so ids never repeat within a run. */
function rowId(seed: number, i: number): string {
  const lo = i % 0x1000000;
  const hi = Math.floor(i / 0x1000000) % 0x1000000;
  const w3 = ((hi & 0xff) << 24 | lo) >>> 0;
  const w2 = (h32(seed, i, S.id) & 0xffff0000 | (hi >>> 8 & 0xffff)) >>> 0;
  return guidFromWords(h32(seed, i, S.id + 100), h32(seed, i, S.id + 200), w2, w3);
}

export function* generateSignInsFor(pop: SignInPopulation, opts: SignInGenOptions): Generator<Record<string, unknown>> {
  const seed = opts.seed ?? 1;
  const count = opts.count;
  const days = opts.days ?? 30;
  const to = Date.parse(opts.asOf);
  if (Number.isNaN(to)) throw new RangeError(`asOf is not a date: ${opts.asOf}`);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number ≥ 0, got ${count}`);
  const from = to - days * DAY;
  const span = to - from;
  const users = pop.users.filter((u) => u.enabled);
  const arch = users.map((u, i): Arch => (opts.archetypes === false ? 'normal' : archetypeOf(u, i, seed)));
  const byArch = (a: Arch) => arch.flatMap((x, i) => (x === a ? [i] : []));
  const automation = byArch('automation');
  const mgmt = byArch('mgmt');
  const legacy = byArch('legacy');
  const profiles = new Map(automation.map((i, k) => [i, automationProfile(i, seed, k)]));
  const sps = pop.servicePrincipals.length ? pop.servicePrincipals : [{ id: guidFromWords(seed, 1, 2, 3), appId: APPS.iac.appId, displayName: APPS.iac.appDisplayName }];
  const policies = pop.policies.filter((p) => p.state !== 'disabled');

  for (let i = 0; i < count; i++) {
    const at0 = from + Math.floor(((i + hf(seed, i, S.time)) / Math.max(1, count)) * span);
    const kind = hf(seed, i, S.kind);
    const id = rowId(seed, i);
    const correlationId = guidFromWords(h32(seed, i, S.corr), h32(seed, i, S.corr + 1), h32(seed, i, S.corr + 2), h32(seed, i, S.corr + 3));
    if (!users.length || kind < 0.04) {
      const sp = sps[h32(seed, i, S.spWhich) % sps.length]!;
      yield {
        id, createdDateTime: iso(at0), userDisplayName: null, userPrincipalName: null, userId: '', appId: sp.appId, appDisplayName: sp.displayName,
        ipAddress: ip(seed, i), clientAppUsed: null, userAgent: null, correlationId, conditionalAccessStatus: 'notApplied', isInteractive: false,
        authenticationProtocol: 'none', resourceDisplayName: ARM_RES.resourceDisplayName, resourceId: ARM_ID, resourceTenantId: pop.tenantId, homeTenantId: pop.tenantId,
        servicePrincipalId: sp.id, servicePrincipalName: sp.displayName, authenticationRequirement: 'singleFactorAuthentication',
        signInEventTypes: ['servicePrincipal'], userType: null, status: { errorCode: 0, failureReason: null, additionalDetails: null },
        deviceDetail: { deviceId: '', displayName: '', operatingSystem: '', browser: '', isCompliant: false, isManaged: false, trustType: '' },
        location: loc(seed, i), appliedConditionalAccessPolicies: [], networkLocationDetails: [], authenticationDetails: [],
      };
      continue;
    }
    let ui: number;
    if (kind < 0.07 && automation.length) ui = automation[h32(seed, i, S.user) % automation.length]!;
    else if (kind < 0.14 && mgmt.length) ui = mgmt[h32(seed, i, S.user) % mgmt.length]!;
    else if (kind < 0.16 && legacy.length) ui = legacy[h32(seed, i, S.user) % legacy.length]!;
    else ui = h32(seed, i, S.user) % users.length;
    const u = users[ui]!;
    const a = arch[ui]!;
    const prof = profiles.get(ui);
    let at = at0;
    let app: App;
    let interactive: boolean;
    let clientAppUsed = 'Browser';
    let userAgent: string;
    let protocol = 'oAuth2';
    let single: boolean;
    const [os, browser, browserAgent] = BROWSERS[h32(seed, ui, S.os) % BROWSERS.length]!;
    let operatingSystem = os;
    let browserName = browser;
    if (prof && !(prof.interactiveToo && hf(seed, i, S.inter) < 0.1)) {
      // an automation account's scheduled run: non-interactive, at its time of day
      app = prof.scripted && hf(seed, i, S.app) < 0.3 ? APPS.iac : APPS.cli;
      interactive = false;
      clientAppUsed = 'Mobile Apps and Desktop clients';
      userAgent = prof.agent;
      protocol = prof.ropc ? 'ropc' : 'none';
      single = true;
      const dayStart = Math.floor(at0 / DAY) * DAY;
      at = dayStart + prof.minuteOfDay * 60_000 + (h32(seed, i, S.jitter) % 120) * 1000;
      if (at >= to) at -= DAY;
      if (at < from) at += DAY;
      operatingSystem = 'Linux';
      browserName = '';
    } else if (a === 'legacy' && hf(seed, i, S.legacy) < 0.6) {
      app = APPS.exchange;
      interactive = true;
      clientAppUsed = LEGACY_CLIENTS[h32(seed, ui, S.legacy) % LEGACY_CLIENTS.length]!;
      userAgent = clientAppUsed === 'Exchange ActiveSync' ? 'Apple-iPhone15C2/2107.100' : clientAppUsed === 'Authenticated SMTP' ? 'BAV2ROPC' : '';
      // basic authentication: no modern protocol to name (ropc is kept as the automation signal)
      protocol = 'none';
      single = true;
      browserName = '';
    } else {
      app = pickWeighted(a === 'mgmt' || prof ? MGMT_APPS : NORMAL_APPS, hf(seed, i, S.app));
      interactive = hf(seed, i, S.inter) < (app === APPS.cli || app === APPS.powershell ? 0.5 : 0.4);
      const oldTool = hf(seed, ui, S.tool) < 0.5;
      const t = h32(seed, ui, S.tool);
      if (app === APPS.cli) {
        clientAppUsed = 'Mobile Apps and Desktop clients';
        // the CLI's token requests usually carry only python-requests: no version to read
        userAgent = hf(seed, i, S.agent) < 0.4 ? 'python-requests/2.31.0' : cliAgent((oldTool ? OLD_CLI : NEW_CLI)[t % 3]!);
        if (interactive && hf(seed, i, S.proto) < 0.3) protocol = 'deviceCode';
        browserName = '';
      } else if (app === APPS.powershell) {
        clientAppUsed = 'Mobile Apps and Desktop clients';
        userAgent = psAgent((oldTool ? OLD_PS : NEW_PS)[t % 3]!);
        browserName = '';
      } else if (app === APPS.iac) {
        clientAppUsed = 'Mobile Apps and Desktop clients';
        userAgent = 'HashiCorp Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-azurerm/4.10.0';
        browserName = '';
      } else if (app === APPS.mobile || app === APPS.outlook || app === APPS.teams) {
        clientAppUsed = 'Mobile Apps and Desktop clients';
        userAgent = app === APPS.mobile ? 'Azure/2.12 (iPhone; iOS 17.6)' : `${app.appDisplayName.replace(/\s/g, '')}/16.0`;
        browserName = '';
      } else {
        userAgent = browserAgent;
      }
      if (!interactive) protocol = 'none';
      const mfaBias = u.mfaCapable === false ? 0.1 : u.guest ? 0.5 : a === 'mgmt' ? 0.7 : 0.85;
      single = hf(seed, i, S.mfa) >= mfaBias;
    }
    const fail = hf(seed, i, S.fail) < 0.05;
    const failure = fail ? FAILURES[h32(seed, i, S.failWhich) % FAILURES.length]! : undefined;
    const trusted = pop.trustedLocations.length && !prof && hf(seed, i, S.trusted) < 0.25;
    const applied = appliedPolicies(policies, seed, i, failure?.[0] === 53003);
    const caStatus = failure?.[0] === 53003 ? 'failure' : applied.some((p) => p.result === 'success') ? 'success' : 'notApplied';
    yield {
      id,
      createdDateTime: iso(at),
      userDisplayName: u.displayName,
      userPrincipalName: u.userPrincipalName,
      userId: u.id,
      appId: app.appId,
      appDisplayName: app.appDisplayName,
      ipAddress: prof ? ip(seed, ui) : ip(seed, i),
      clientAppUsed,
      userAgent,
      correlationId,
      conditionalAccessStatus: caStatus,
      isInteractive: interactive,
      authenticationProtocol: protocol,
      incomingTokenType: interactive ? 'none' : 'refreshToken',
      homeTenantId: u.homeTenantId ?? pop.tenantId,
      resourceDisplayName: app.resourceDisplayName,
      resourceId: app.resourceId,
      resourceTenantId: pop.tenantId,
      crossTenantAccessType: u.homeTenantId ? 'b2bCollaboration' : 'none',
      authenticationRequirement: single ? 'singleFactorAuthentication' : 'multiFactorAuthentication',
      signInEventTypes: [interactive ? 'interactiveUser' : 'nonInteractiveUser'],
      servicePrincipalId: '',
      userType: u.guest ? 'guest' : 'member',
      status: failure ? { errorCode: failure[0], failureReason: failure[1], additionalDetails: null } : { errorCode: 0, failureReason: null, additionalDetails: null },
      deviceDetail: { deviceId: '', displayName: '', operatingSystem, browser: browserName, isCompliant: false, isManaged: false, trustType: '' },
      location: prof ? loc(seed, ui) : loc(seed, i),
      appliedConditionalAccessPolicies: applied,
      networkLocationDetails: trusted ? [{ networkType: 'trustedNamedLocation', networkNames: [pop.trustedLocations[h32(seed, i, S.trusted) % pop.trustedLocations.length]!] }] : [],
      authenticationDetails: [{
        authenticationStepDateTime: iso(at), authenticationMethod: single ? 'Password' : 'Microsoft Authenticator App', succeeded: !failure,
        authenticationStepRequirement: single ? 'Primary authentication' : 'Multi-factor authentication',
      }],
    };
  }
}

function ip(seed: number, i: number): string {
  const a = h32(seed, i, S.ip1);
  const b = h32(seed, i, S.ip2);
  return `${20 + (a % 180)}.${(a >>> 8) & 255}.${(b >>> 8) & 255}.${1 + ((b >>> 16) % 254)}`;
}

function loc(seed: number, i: number): Record<string, unknown> {
  const [countryOrRegion, city] = COUNTRIES[h32(seed, i, S.country) % COUNTRIES.length]!;
  return { city, state: null, countryOrRegion, geoCoordinates: {} };
}

function appliedPolicies(policies: { id: string; displayName: string; state: string }[], seed: number, i: number, blocked: boolean): Record<string, unknown>[] {
  if (!policies.length) return [];
  const n = Math.min(policies.length, h32(seed, i, S.policies) % 4);
  const out: Record<string, unknown>[] = [];
  const seen = new Set<number>();
  for (let k = 0; k < n; k++) {
    const pi = h32(seed, i, S.policies + 100 + k) % policies.length;
    if (seen.has(pi)) continue;
    seen.add(pi);
    const p = policies[pi]!;
    const r = hf(seed, i, S.policyResult + k);
    const reportOnly = p.state === 'enabledForReportingButNotEnforced';
    const result = reportOnly
      ? r < 0.5 ? 'reportOnlySuccess' : r < 0.7 ? 'reportOnlyNotApplied' : r < 0.9 ? 'reportOnlyInterrupted' : 'reportOnlyFailure'
      : blocked && k === 0 ? 'failure' : r < 0.6 ? 'success' : 'notApplied';
    out.push({ id: p.id, displayName: p.displayName, enforcedGrantControls: result === 'success' ? ['Mfa'] : [], enforcedSessionControls: [], result });
  }
  return out;
}
