/**
 * A small seeded generator of normalized sign-in rows (SignInRow) covering every signal the evidence
 * port reads: mandatory-MFA apps and ARM clients, Microsoft Graph, legacy clients, tool versions
 * (2.9.0 vs 2.10.0, 2.76 vs 2.76.0), ropc, scheduled jobs (some across midnight), scripted agents,
 * failures, service principals and managed identities, guests from other home tenants, trusted
 * locations, display names and UPNs that differ between rows, absent values and the literal "unknown".
 * Times are distinct to the millisecond: the reference orders equal instants by input order, which
 * no database reproduces, so the generator does not produce them.
 */
import { mulberry32 } from '../../devkit/demo/random.js';
import type { SignInRow } from '../../src/evidence/row.js';
import { ARM_RESOURCE_ID, AZURE_CLI_APP_ID, AZURE_POWERSHELL_APP_ID, MICROSOFT_GRAPH_APP_ID } from '../../src/evidence/signins.js';

/** The reference PRNG (mulberry32) over a non-zero seed. */
export function rng(seed: number): () => number {
  return mulberry32(seed >>> 0 || 1);
}

const PORTAL = 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c';
const MOBILE = '0c1307d4-29d6-4389-a11c-5cbe7f65d7fa';
const TEAMS = '1fec8e78-bce4-4aaf-ab1b-5451cc387264';
const OUTLOOK = '5d661950-3475-41cd-a2c3-d671a3162bc1';
const TERRAFORM = 'aaaaaaaa-0000-4000-8000-00000000beef';
const HOME = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

const APPS: [string, (string | null)[], (string | null)[]][] = [
  // appId, display names seen, resource ids seen
  [PORTAL, ['Azure Portal', 'Azure portal', null], [null, ARM_RESOURCE_ID, '00000002-0000-0000-c000-000000000000']],
  [AZURE_CLI_APP_ID, ['Microsoft Azure CLI', null], [ARM_RESOURCE_ID, MICROSOFT_GRAPH_APP_ID]],
  [AZURE_POWERSHELL_APP_ID, ['Microsoft Azure PowerShell'], [ARM_RESOURCE_ID, null]],
  [MOBILE, ['Azure Mobile App', null], [ARM_RESOURCE_ID]],
  [MICROSOFT_GRAPH_APP_ID, ['Microsoft Graph'], [MICROSOFT_GRAPH_APP_ID]],
  [TEAMS, ['Microsoft Teams', 'Teams'], ['00000003-0000-0ff1-ce00-000000000000', MICROSOFT_GRAPH_APP_ID]],
  [OUTLOOK, ['Outlook Mobile', null], ['00000002-0000-0ff1-ce00-000000000000']],
  [TERRAFORM, ['terraform-ci', null], [ARM_RESOURCE_ID]],
];
const AGENTS: (string | null)[] = [
  null, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'python-requests/2.31.0', 'AZURECLI/2.61.0 (MSI) azsdk-python-core/1.28.0',
  'AZURECLI/2.9.0 (DEB)', 'AZURECLI/2.10.0 (DEB)', 'AZURECLI/2.76 (RPM)', 'AZURECLI/2.76.0 (RPM)', 'AzurePowershell/v12.3.0 PSVersion/v7.4.1',
  'AzurePowershell/v14.3.0', 'azurepowershell/V9.0.1', 'curl/8.4.0', 'Go-http-client/1.1', 'okhttp/4.12.0', 'Java/17.0.2', 'node-fetch/1.0',
  'axios/1.6.0', 'Python-urllib/3.11', 'Mozilla/5.0 (Windows NT; Windows NT 10.0) WindowsPowerShell/5.1.22621', 'Wget/1.21', 'curlish-but-not/1.0',
];
const CLIENTS: (string | null)[] = [null, 'Browser', 'Mobile Apps and Desktop clients', 'Exchange ActiveSync', 'IMAP4', 'Other clients', 'Authenticated SMTP', 'browser'];
const REQ: (string | null)[] = ['singleFactorAuthentication', 'multiFactorAuthentication', null, 'SingleFactorAuthentication', 'multiFactorAuthentication'];
const PROTO: (string | null)[] = ['none', 'oAuth2', 'ropc', 'deviceCode', null, 'ROPC'];
const OS: (string | null)[] = ['Windows 10', 'MacOs', 'Linux', null, 'unknown', 'iOS'];
const COUNTRY: (string | null)[] = ['US', 'DE', 'FR', null, 'unknown'];
const EVENT: SignInRow['eventType'][] = ['interactiveUser', 'nonInteractiveUser', 'nonInteractiveUser', 'interactiveUser', 'servicePrincipal', 'managedIdentity'];

export interface GenOptions {
  users?: number;
  signIns?: number;
  /** Start of the generated window (default 2026-03-01T00:00:00Z); sign-ins spread over `days`. */
  start?: number;
  days?: number;
}

export function generateSignInRows(seed: number, opts: GenOptions = {}): SignInRow[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const start = opts.start ?? Date.parse('2026-03-01T00:00:00Z');
  const days = opts.days ?? 14;
  const nUsers = opts.users ?? 12;
  const users = Array.from({ length: nUsers }, (_, i) => {
    const id = `${(seed * 7919 + i).toString(16).padStart(8, '0').slice(-8)}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    return { id, upns: [`user${i}@contoso.com`, `User${i}@Contoso.com`, null], guest: r() < 0.2 };
  });
  const used = new Set<number>();
  const uniqueAt = (t: number) => {
    let x = Math.floor(t);
    while (used.has(x)) x++;
    used.add(x);
    return x;
  };
  const rows: SignInRow[] = [];
  const push = (u: (typeof users)[number], at: number, over: Partial<SignInRow> = {}) => {
    const [appId, names, resources] = pick(APPS);
    const home = u.guest ? pick([OTHER, OTHER.toUpperCase(), null]) : pick([HOME, HOME, HOME.toUpperCase(), null]);
    rows.push({
      id: `si-${seed}-${rows.length}`,
      createdDateTime: new Date(uniqueAt(at)).toISOString(),
      eventType: pick(EVENT),
      userId: u.id,
      userPrincipalName: pick(u.upns),
      userDisplayName: null,
      appId,
      appDisplayName: pick(names),
      resourceId: pick(resources),
      resourceDisplayName: null,
      errorCode: r() < 0.85 ? 0 : pick([50126, 50074, 53003]),
      authenticationRequirement: pick(REQ),
      authenticationProtocol: pick(PROTO),
      clientAppUsed: pick(CLIENTS),
      userAgent: pick(AGENTS),
      // up to 24 addresses: some users exceed the evidence list (first 10, with the count)
      ipAddress: r() < 0.8 ? `203.0.113.${Math.floor(r() * 24)}` : null,
      countryOrRegion: pick(COUNTRY),
      operatingSystem: pick(OS),
      homeTenantId: home,
      resourceTenantId: pick([HOME, HOME, null]),
      conditionalAccessStatus: pick(['success', 'notApplied', null]),
      trustedLocation: r() < 0.3,
      appliedPolicies: null,
      ...over,
    });
  };
  const n = opts.signIns ?? 400;
  // user 0 is a pure automation account (no interactive sign-in of its own): nonInteractiveOnly
  const people = users.length > 1 ? users.slice(1) : users;
  for (let i = 0; i < n; i++) push(pick(people), start + r() * days * 86_400_000);
  // automation: some users run a job at one time of day on many days (some across midnight), non-interactively, through the CLI or ARM
  for (const u of users) {
    if (u === users[0] || r() < 0.4) {
      const minute = pick([23 * 60 + 57, 23 * 60 + 59, 0, 2, 7 * 60 + 30, 12 * 60]);
      const nDays = u === users[0] ? 6 : 3 + Math.floor(r() * 5);
      for (let d = 0; d < nDays; d++) {
        const jitter = Math.floor((r() - 0.5) * 8) * 60_000 + Math.floor(r() * 59_000);
        const at = start + d * 86_400_000 + minute * 60_000 + jitter;
        push(u, at, {
          eventType: 'nonInteractiveUser', errorCode: 0,
          appId: pick([AZURE_CLI_APP_ID, AZURE_POWERSHELL_APP_ID, TERRAFORM]), resourceId: ARM_RESOURCE_ID,
          userAgent: pick(AGENTS), authenticationProtocol: pick(['ropc', 'none', 'none']),
        });
      }
    }
  }
  // a service principal "user" and a row without a user: never user evidence
  rows.push({ ...rows[0]!, id: `si-${seed}-sp`, eventType: 'servicePrincipal', userId: null, createdDateTime: new Date(uniqueAt(start + 1234)).toISOString() });
  return rows;
}
