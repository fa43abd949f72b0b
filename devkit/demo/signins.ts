/**
 * The demo tenant's sign-in log: 30 days before COLLECTED_AT, written so that it tells the same story
 * as the directory (demo/README.md, "Sign-ins"):
 *
 * - `svc-deploy@` — a user account run by the release pipeline: Azure CLI with a password (ropc),
 *   non-interactive only, every night at 23:58 UTC (the ± 5 minute window wraps midnight), token
 *   requests with `python-requests` plus `curl` calls straight to ARM, an old CLI (2.53.1). Excluded
 *   from CA and not MFA capable: every sign-in is single-factor.
 * - `ext.kmensah@` — a contractor using the Azure CLI (2.60.0, older than 2.76) and Azure PowerShell
 *   single-factor: CA11 excludes Azure management and CA01 excludes contractors, so the engine already
 *   says `excluded` for azureManagement (no contradiction) and mandatory MFA will stop him.
 * - `giovanni.rovelli@` — an old IMAP4 mail client; CA12 (block legacy authentication) still applies
 *   to him although he is in CA-Exclusions, so every attempt is blocked (53003).
 * - `breakglass2@` — the break-glass account without a FIDO2 key: a monthly test sign-in to the Azure
 *   portal with a password only (excluded from every policy), and an alerting appliance that sends
 *   mail through it with Authenticated SMTP — a legacy client that gets through CA12's break-glass
 *   exclusion. `breakglass1@` (FIDO2) signs in once, with its key.
 * - `liam.oconnor@` — single-factor at the depots' trusted location (CA07's bypass).
 * - everyone else: ordinary multi-factor Office, Teams, Graph and portal noise from the generator
 *   (devkit/gen/signins.ts, without its random archetypes), plus a few failures.
 *
 * No service-principal sign-ins: the demo's live collection reads user sign-ins only, and collected
 * and bundled tenants must give the same report.
 */
import { APPS, generateSignInsFor, signInUser, type SignInPopulation } from '../gen/signins.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { COLLECTED_AT, TENANT_ID } from './constants.js';
import { U, users } from './people.js';
import { conditionalAccessPolicies, namedLocations } from './policies.js';
import { guid } from './random.js';

type Row = Record<string, unknown>;
const DAY = 86_400_000;
const END = Date.parse(COLLECTED_AT);
const START = END - 30 * DAY;
export const signInsWindow = { from: new Date(START).toISOString(), to: new Date(END).toISOString() };

const policy = (prefix: string) => {
  const p = conditionalAccessPolicies.find((x) => String(x.displayName).startsWith(prefix))!;
  return { id: p.id, displayName: String(p.displayName) };
};
const HQ = String(namedLocations.find((l) => (l as { isTrusted?: unknown }).isTrusted === true)!.displayName);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const STORY = new Set(['svc-deploy', 'breakglass1', 'breakglass2', 'margaret.peacock']);

/** A full beta `signIn` of a story account. */
function row(key: string, n: number, at: number, o: {
  app: { appId: string; appDisplayName: string; resourceId: string; resourceDisplayName: string };
  interactive: boolean; single: boolean; clientAppUsed: string; userAgent: string; protocol?: string; ip: string; os?: string;
  errorCode?: number; failureReason?: string; trusted?: boolean; policies?: Row[]; method?: string;
}): Row {
  const u = U(key);
  const fail = o.errorCode !== undefined && o.errorCode !== 0;
  return {
    id: guid(`signin:${key}:${n}`),
    createdDateTime: iso(at),
    userDisplayName: u.displayName,
    userPrincipalName: u.userPrincipalName,
    userId: u.id,
    appId: o.app.appId,
    appDisplayName: o.app.appDisplayName,
    ipAddress: o.ip,
    clientAppUsed: o.clientAppUsed,
    userAgent: o.userAgent,
    correlationId: guid(`signin-corr:${key}:${n}`),
    conditionalAccessStatus: o.errorCode === 53003 ? 'failure' : o.policies?.some((p) => p.result === 'success') ? 'success' : 'notApplied',
    isInteractive: o.interactive,
    authenticationProtocol: o.protocol ?? (o.interactive ? 'oAuth2' : 'none'),
    incomingTokenType: o.interactive ? 'none' : 'refreshToken',
    homeTenantId: TENANT_ID,
    resourceDisplayName: o.app.resourceDisplayName,
    resourceId: o.app.resourceId,
    resourceTenantId: TENANT_ID,
    crossTenantAccessType: 'none',
    authenticationRequirement: o.single ? 'singleFactorAuthentication' : 'multiFactorAuthentication',
    signInEventTypes: [o.interactive ? 'interactiveUser' : 'nonInteractiveUser'],
    servicePrincipalId: '',
    userType: 'member',
    status: fail ? { errorCode: o.errorCode, failureReason: o.failureReason ?? null, additionalDetails: null } : { errorCode: 0, failureReason: null, additionalDetails: null },
    deviceDetail: { deviceId: '', displayName: '', operatingSystem: o.os ?? 'Windows10', browser: o.clientAppUsed === 'Browser' ? 'Edge 130.0.0' : '', isCompliant: false, isManaged: false, trustType: '' },
    location: { city: 'Leeds', state: 'West Yorkshire', countryOrRegion: 'GB', geoCoordinates: {} },
    appliedConditionalAccessPolicies: o.policies ?? [],
    networkLocationDetails: o.trusted ? [{ networkType: 'trustedNamedLocation', networkNames: [HQ] }] : [],
    authenticationDetails: [{
      authenticationStepDateTime: iso(at), authenticationMethod: o.method ?? (o.single ? 'Password' : 'Microsoft Authenticator App'), succeeded: !fail,
      authenticationStepRequirement: o.single ? 'Primary authentication' : 'Multi-factor authentication',
    }],
  };
}

const stories: Row[] = [];
const CA12 = policy('CA12');
const CA01 = policy('CA01');
const CA08 = policy('CA08');

// svc-deploy: the nightly release at 23:58 UTC, 30 nights; CLI token requests plus curl to ARM
for (let d = 0; d < 30; d++) {
  const night = START + d * DAY + (23 * 60 + 58) * 60_000 + ((d * 37) % 90) * 1000;
  stories.push(row('svc-deploy', d * 3, night, {
    app: APPS.cli, interactive: false, single: true, clientAppUsed: 'Mobile Apps and Desktop clients', protocol: 'ropc',
    userAgent: d % 5 === 0 ? 'AZURECLI/2.53.1 (PIP) azsdk-python-azure-mgmt-resource/23.1.0b2 Python/3.10.12 (Linux-5.15.0-1064-azure-x86_64-with-glibc2.35)' : 'python-requests/2.31.0',
    ip: '20.90.134.17', os: 'Linux',
  }));
  stories.push(row('svc-deploy', d * 3 + 1, night + 40_000, {
    app: APPS.cli, interactive: false, single: true, clientAppUsed: 'Mobile Apps and Desktop clients', protocol: 'ropc',
    userAgent: 'curl/8.5.0', ip: '20.90.134.17', os: 'Linux',
  }));
}

// ext.kmensah: Azure CLI and PowerShell without MFA on working days (CA11 excludes Azure management)
for (let d = 1; d < 30; d++) {
  const day = Math.floor((START + d * DAY) / DAY) * DAY; // midnight UTC
  if (new Date(day).getUTCDay() % 6 === 0) continue;
  // irregular working hours between 08:00 and 17:00 (a person, not a schedule)
  const at = day + (8 * 60 + ((Math.imul(d, 2654435761) >>> 0) % 540)) * 60_000;
  const tool = d % 3 === 0 ? APPS.powershell : APPS.cli;
  const agent = tool === APPS.cli ? (d % 2 ? 'AZURECLI/2.60.0 (MSI) azsdk-python-core/1.30.2 Python/3.11.9 (Windows-10-10.0.22631-SP0)' : 'python-requests/2.31.0') : 'AzurePowershell/v12.0.0 PSVersion/v7.4.6 Az.Accounts/3.0.5';
  stories.push(row('ext.kmensah', d * 2, at, {
    app: tool, interactive: true, single: true, clientAppUsed: 'Mobile Apps and Desktop clients', userAgent: agent, ip: '81.2.69.142',
    protocol: d % 4 === 0 ? 'deviceCode' : 'oAuth2', policies: [{ ...policy('CA11'), enforcedGrantControls: [], enforcedSessionControls: [], result: 'notApplied' }],
  }));
  stories.push(row('ext.kmensah', d * 2 + 1, at + 3600_000, {
    app: tool, interactive: false, single: true, clientAppUsed: 'Mobile Apps and Desktop clients', userAgent: agent, ip: '81.2.69.142',
  }));
}

// giovanni.rovelli: an old IMAP4 client, blocked by CA12 every few hours
for (let k = 0; k < 60; k++) {
  stories.push(row('giovanni.rovelli', k, START + k * 12 * 3600_000 + 1_234_000, {
    app: APPS.exchange, interactive: true, single: true, clientAppUsed: 'IMAP4', userAgent: '', protocol: 'none', ip: '86.12.4.200',
    errorCode: 53003, failureReason: 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
    policies: [{ ...CA12, enforcedGrantControls: ['Block'], enforcedSessionControls: [], result: 'failure' }],
  }));
}

// breakglass2: a monthly test of the portal with a password, and an alerting appliance sending mail through it
stories.push(row('breakglass2', 0, START + 6 * DAY + 10 * 3600_000, {
  app: APPS.portal, interactive: true, single: true, clientAppUsed: 'Browser', ip: '81.2.69.140',
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
}));
for (let k = 1; k <= 24; k++) {
  stories.push(row('breakglass2', k, START + k * 30 * 3600_000 + 420_000, {
    app: APPS.exchange, interactive: true, single: true, clientAppUsed: 'Authenticated SMTP', userAgent: 'BAV2ROPC', protocol: 'none', ip: '81.2.69.141', trusted: true, os: '',
  }));
}
// breakglass1: its monthly test, with the FIDO2 key
stories.push(row('breakglass1', 0, START + 6 * DAY + 10 * 3600_000 + 600_000, {
  app: APPS.portal, interactive: true, single: false, clientAppUsed: 'Browser', ip: '81.2.69.140', method: 'FIDO2 security key',
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
}));

// everyone else: generated noise, made consistent with the tenant's policies
const population: SignInPopulation = {
  tenantId: TENANT_ID,
  users: users.filter((u) => !STORY.has(u.userPrincipalName.split('@')[0]!)).map((u) => signInUser(u, 7)),
  trustedLocations: [HQ],
  policies: [],
  servicePrincipals: [],
};
const liam = U('liam.oconnor').id;
const giovanni = U('giovanni.rovelli').id;
const noise: Row[] = [];
for (const r of generateSignInsFor(population, { count: 1350, seed: 7, asOf: COLLECTED_AT, archetypes: false })) {
  if ((r.signInEventTypes as string[])[0] === 'servicePrincipal') continue;
  const status = r.status as { errorCode: number };
  // CA01 covers ordinary users; Liam is excused at the trusted depots (CA07), Giovanni is excluded from CA01 (CA04 covers the portals only)
  const atDepot = r.userId === liam;
  const excluded = r.userId === giovanni && r.appId !== APPS.portal.appId;
  const single = atDepot || excluded;
  const row: Row = {
    ...r,
    authenticationRequirement: single ? 'singleFactorAuthentication' : 'multiFactorAuthentication',
    networkLocationDetails: atDepot ? [{ networkType: 'trustedNamedLocation', networkNames: [HQ] }] : [],
    appliedConditionalAccessPolicies: single ? [] : [
      { ...CA01, enforcedGrantControls: ['Mfa'], enforcedSessionControls: [], result: 'success' },
      { ...CA08, enforcedGrantControls: [], enforcedSessionControls: [], result: 'reportOnlyNotApplied' },
    ],
    conditionalAccessStatus: single ? 'notApplied' : 'success',
    // the generator's random "blocked by CA" failures would name no policy here: bad passwords instead
    status: status.errorCode === 53003 ? { errorCode: 50126, failureReason: 'Error validating credentials due to invalid username or password.', additionalDetails: null } : r.status,
  };
  // keeps demo/tenant.json small (Graph leaves properties out under $select too); the story rows have them
  for (const k of ['authenticationDetails', 'correlationId', 'incomingTokenType', 'servicePrincipalId']) delete row[k];
  noise.push(row);
}

/** Every demo sign-in, newest first (the order Graph lists them in). */
export const signIns: Row[] = [...stories, ...noise].sort((a, b) => String(b.createdDateTime).localeCompare(String(a.createdDateTime)) || String(a.id).localeCompare(String(b.id)));

/**
 * The demo snapshot as JSON text: pretty-printed like before, except that each sign-in is one line
 * (keeps demo/tenant.json readable in a diff and under 3 MB).
 */
export function demoJson(s: Snapshot): string {
  const { signIns: rows, signInsWindow: window, ...rest } = s;
  const head = JSON.stringify({ ...rest, ...(window ? { signInsWindow: window } : {}) }, null, 2);
  if (!rows) return `${head}\n`;
  const body = rows.map((r) => `    ${JSON.stringify(r)}`).join(',\n');
  return `${head.slice(0, -2)},\n  "signIns": [\n${body}\n  ]\n}\n`;
}
