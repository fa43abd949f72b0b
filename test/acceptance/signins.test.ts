/**
 * Held-out-style acceptance suite for sign-in evidence, written from spec/signins.md and spec/config.md
 * alone: small tenants as plain snapshot JSON (no test builders), run through the built CLI
 * `mfaguard scan --snapshot F [--config C] --as-of T --format json`, asserting the JSON report.
 * Each block names the spec row it checks. Bad sign-in input must exit 2 naming file, line and
 * column or key, and leave nothing half-written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mfaguard } from '../cli/run.js';

const dir = mkdtempSync(join(tmpdir(), 'mfaguard-accept-signins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TENANT = '7a1e0000-0000-4000-8000-000000000001';
const PORTAL = 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c';
const CLI = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const PWSH = '1950a258-227b-4e31-a9cf-717495945fc2';
const MOBILE = '0c1307d4-29d6-4389-a11c-5cbe7f65d7fa';
const ARM = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
const TERRAFORM = '7f59a773-2eaf-429c-a059-50fc5bb28b44';
const OUTLOOK = '5d661950-3475-41cd-a2c3-d671a3162bc1';
const OWNER_ROLE = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const READER_ROLE = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const SUB = '/subscriptions/5b0c0000-0000-4000-8000-000000000001';
const ASOF = '2026-11-01T00:00:00Z';

type Obj = Record<string, any>;
let n = 0;
const uid = () => `0a000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
const user = (local: string, extra: Obj = {}): Obj => ({
  id: uid(), userPrincipalName: `${local}@contoso.com`, displayName: local, mail: `${local}@contoso.com`, userType: 'Member', accountEnabled: true, ...extra,
});
let s = 0;
/** A successful interactive MFA sign-in to the Azure portal at `at`, with `extra` on top (Graph beta shape). */
const signIn = (u: Obj, at: string, extra: Obj = {}): Obj => ({
  id: `5e000000-0000-4000-8000-${String(++s).padStart(12, '0')}`, createdDateTime: at, userId: u.id, userPrincipalName: u.userPrincipalName,
  appId: PORTAL, appDisplayName: 'Azure Portal', resourceId: ARM, clientAppUsed: 'Browser', userAgent: 'Mozilla/5.0', ipAddress: '203.0.113.7',
  isInteractive: true, signInEventTypes: ['interactiveUser'], authenticationRequirement: 'multiFactorAuthentication', authenticationProtocol: 'none',
  homeTenantId: TENANT, resourceTenantId: TENANT, conditionalAccessStatus: 'success', status: { errorCode: 0 }, networkLocationDetails: [],
  ...extra,
});
const single = { authenticationRequirement: 'singleFactorAuthentication' };
const nonInteractive = { isInteractive: false, signInEventTypes: ['nonInteractiveUser'] };
const cli = (agent = 'python-requests/2.31.0'): Obj => ({ appId: CLI, appDisplayName: 'Microsoft Azure CLI', resourceId: ARM, clientAppUsed: 'Mobile Apps and Desktop clients', userAgent: agent });
const mfaAll = (extra: Obj = {}): Obj => ({
  id: 'c0000000-0000-4000-8000-000000000001', displayName: 'MFA for everyone', state: 'enabled',
  conditions: { users: { includeUsers: ['All'], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [] }, applications: { includeApplications: ['All'], excludeApplications: [] }, clientAppTypes: ['all'] },
  grantControls: { operator: 'OR', builtInControls: ['mfa'] }, ...extra,
});
const blockLegacy = (clientAppTypes: string[], state = 'enabled'): Obj => ({
  id: 'c0000000-0000-4000-8000-000000000002', displayName: 'Block legacy', state,
  conditions: { users: { includeUsers: ['All'], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [] }, applications: { includeApplications: ['All'], excludeApplications: [] }, clientAppTypes },
  grantControls: { operator: 'OR', builtInControls: ['block'] },
});
const azureRole = (u: Obj, role: string): Obj => ({
  id: `${SUB}/providers/Microsoft.Authorization/roleAssignments/${u.id}`, properties: { principalId: u.id, principalType: 'User', roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${role}`, scope: SUB },
});

function tenant(patch: Obj): Obj {
  return {
    mfaguardSnapshot: 1, tenant: { id: TENANT, displayName: 'Contoso', defaultDomain: 'contoso.com' }, collectedAt: ASOF,
    users: [], groups: [], groupMembers: {}, servicePrincipals: [], roleDefinitions: [], roleAssignments: [], roleEligibilitySchedules: [],
    subscriptions: [{ subscriptionId: SUB.split('/')[2], displayName: 'Prod', state: 'Enabled' }], azureRoleDefinitions: [], azureRoleAssignments: [], classicAdministrators: [],
    conditionalAccessPolicies: [], namedLocations: [], authenticationStrengthPolicies: [], securityDefaults: { isEnabled: false }, userRegistrationDetails: [], unavailable: {},
    ...patch,
  };
}

async function scanJson(snap: Obj, opts: { config?: string; asOf?: string; extra?: string[] } = {}): Promise<Obj> {
  const file = join(dir, `t${++n}.json`);
  writeFileSync(file, JSON.stringify(snap));
  const args = ['scan', '--snapshot', file, '--as-of', opts.asOf ?? ASOF, '--format', 'json', '--no-state'];
  if (opts.config) {
    const c = join(dir, `c${n}.yaml`);
    writeFileSync(c, opts.config);
    args.push('--config', c);
  } else args.push('--no-config');
  const r = await mfaguard([...args, ...(opts.extra ?? [])]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Obj;
}
const findings = (report: Obj, rule: string): Obj[] => report.findings.filter((f: Obj) => f.ruleId === rule);
const statusOf = (report: Obj, rule: string, u: Obj): string[] => findings(report, rule).filter((f) => f.resourceId === u.id).map((f) => f.status);

describe('mandatory-mfa-readiness (signins.md Rules, Definitions)', () => {
  it('a successful single-factor sign-in to each mandatory-MFA app makes the user unhealthy, with the per-app evidence', async () => {
    const [portal, cliU, pwsh, mobile, tf, outlook] = ['portal', 'cli', 'pwsh', 'mobile', 'tf', 'outlook'].map((x) => user(x)) as Obj[];
    const signIns = [
      signIn(portal!, '2026-10-10T09:00:00Z'),
      signIn(portal!, '2026-10-11T09:00:00Z', single),
      signIn(portal!, '2026-10-12T09:00:00Z', { ...single, ...nonInteractive }),
      signIn(cliU!, '2026-10-10T09:00:00Z', { ...cli(), ...single, ...nonInteractive }),
      signIn(pwsh!, '2026-10-10T09:00:00Z', { appId: PWSH, appDisplayName: 'Microsoft Azure PowerShell', ...single }),
      signIn(mobile!, '2026-10-10T09:00:00Z', { appId: MOBILE, appDisplayName: 'Azure Mobile App', resourceId: null, ...single }),
      // any client of Azure Resource Manager is phase 2 (IaC tools, SDKs)
      signIn(tf!, '2026-10-10T09:00:00Z', { appId: TERRAFORM, appDisplayName: 'Terraform', resourceId: ARM, ...single }),
      // not a mandatory-MFA app: no finding
      signIn(outlook!, '2026-10-10T09:00:00Z', { appId: OUTLOOK, appDisplayName: 'Outlook', resourceId: '00000002-0000-0ff1-ce00-000000000000', ...single }),
    ];
    const report = await scanJson(tenant({ users: [portal, cliU, pwsh, mobile, tf, outlook], signIns }));
    for (const u of [portal, cliU, pwsh, mobile, tf]) expect(statusOf(report, 'mandatory-mfa-readiness', u!)).toEqual(['unhealthy']);
    expect(statusOf(report, 'mandatory-mfa-readiness', outlook!)).toEqual([]);
    const f = findings(report, 'mandatory-mfa-readiness').find((x) => x.resourceId === portal!.id)!;
    expect(f.severity).toBe('high');
    expect(f.evidence.apps).toEqual([expect.objectContaining({
      appId: PORTAL, phase: 1, signIns: 3, singleFactor: 2, lastSingleFactor: '2026-10-12T09:00:00.000Z', interactive: 2, nonInteractive: 1,
    })]);
    expect(f.evidence).toHaveProperty('mfaCapable');
    const phases = Object.fromEntries(findings(report, 'mandatory-mfa-readiness').map((x) => [x.resourceId, x.evidence.apps[0].phase]));
    expect([cliU, pwsh, mobile, tf].map((u) => phases[u!.id])).toEqual([2, 2, 2, 2]);
  });

  it('only successful user sign-ins count: a failed one, a service principal and a managed identity are not evidence', async () => {
    const u = user('bob');
    const signIns = [
      signIn(u, '2026-10-10T09:00:00Z'),
      signIn(u, '2026-10-11T09:00:00Z', { ...single, status: { errorCode: 50126, failureReason: 'Invalid username or password' } }),
      signIn(u, '2026-10-12T09:00:00Z', { ...single, isInteractive: false, signInEventTypes: ['servicePrincipal'] }),
      signIn(u, '2026-10-13T09:00:00Z', { ...single, isInteractive: false, signInEventTypes: ['managedIdentity'] }),
    ];
    const report = await scanJson(tenant({ users: [u], signIns }));
    expect(statusOf(report, 'mandatory-mfa-readiness', u)).toEqual(['healthy']);
  });

  it('single-factor is matched case-insensitively; disabled users are out of scope', async () => {
    const u = user('casey');
    const off = user('gone', { accountEnabled: false });
    const signIns = [signIn(u, '2026-10-10T09:00:00Z', { authenticationRequirement: 'SingleFactorAuthentication' }), signIn(off, '2026-10-10T09:00:00Z', single)];
    const report = await scanJson(tenant({ users: [u, off], signIns }));
    expect(statusOf(report, 'mandatory-mfa-readiness', u)).toEqual(['unhealthy']);
    expect(statusOf(report, 'mandatory-mfa-readiness', off)).toEqual([]);
  });

  it('--as-of ends the window: a later single-factor sign-in does not count', async () => {
    const u = user('dana');
    const snap = tenant({ users: [u], signIns: [signIn(u, '2026-10-01T09:00:00Z'), signIn(u, '2026-10-05T09:00:00Z', single)] });
    expect(statusOf(await scanJson(snap, { asOf: '2026-10-05T09:00:00Z' }), 'mandatory-mfa-readiness', u)).toEqual(['healthy']);
    expect(statusOf(await scanJson(snap, { asOf: '2026-10-05T09:00:01Z' }), 'mandatory-mfa-readiness', u)).toEqual(['unhealthy']);
  });

  it('write/owner access without healthy azureManagement coverage is unhealthy even with no sign-ins; a user with no sign-in and only read access is out of scope', async () => {
    const owner = user('owner');
    const reader = user('reader');
    const other = user('other');
    const report = await scanJson(tenant({
      users: [owner, reader, other], azureRoleAssignments: [azureRole(owner, OWNER_ROLE), azureRole(reader, READER_ROLE)],
      signIns: [signIn(other, '2026-10-10T09:00:00Z')],
    }));
    expect(statusOf(report, 'mandatory-mfa-readiness', owner)).toEqual(['unhealthy']);
    expect(statusOf(report, 'mandatory-mfa-readiness', reader)).toEqual([]);
    expect(statusOf(report, 'mandatory-mfa-readiness', other)).toEqual(['healthy']);
  });
});

describe('No sign-in data (signins.md)', () => {
  const owner = user('nsd-owner');
  const reader = user('nsd-reader');
  const plain = user('nsd-plain');
  const base = { users: [owner, reader, plain], azureRoleAssignments: [azureRole(owner, OWNER_ROLE), azureRole(reader, READER_ROLE)] };

  for (const [name, patch] of [['not collected', {}], ['listed in unavailable', { unavailable: { signIns: { status: 403, code: 'Authorization_RequestDenied', message: 'no AuditLog.Read.All' } } }]] as const) {
    it(`${name}: directory-decided users unhealthy, other Azure users unknown with the reason, others no finding, one missing-evidence finding per evidence rule`, async () => {
      const report = await scanJson(tenant({ ...base, ...patch }));
      expect(statusOf(report, 'mandatory-mfa-readiness', owner)).toEqual(['unhealthy']);
      expect(statusOf(report, 'mandatory-mfa-readiness', reader)).toEqual(['unknown']);
      expect(findings(report, 'mandatory-mfa-readiness').find((f) => f.resourceId === reader.id)!.reason).toMatch(/sign-in/i);
      expect(statusOf(report, 'mandatory-mfa-readiness', plain)).toEqual([]);
      for (const rule of ['user-automation-account', 'azure-tooling-version']) {
        const f = findings(report, rule);
        expect(f.map((x) => x.status)).toEqual(['unknown']);
        expect(JSON.stringify(f[0])).toMatch(/signIns|sign-in/);
      }
    });
  }
});

describe('user-automation-account (signins.md signals)', () => {
  it('ropc, nonInteractiveOnly (≥ 5), scheduled (5 days ± 5 min), scriptedClient; python-requests alone is not a signal', async () => {
    const ropc = user('ropc');
    const quiet = user('quiet');
    const four = user('four');
    const cron = user('cron');
    const curl = user('curl');
    const human = user('human');
    const days = [10, 11, 13, 15, 17];
    const signIns = [
      signIn(ropc, '2026-10-10T09:00:00Z', { ...cli(), authenticationProtocol: 'ropc' }),
      ...days.map((d, i) => signIn(quiet, `2026-10-${d}T0${i}:17:00Z`, { ...cli(), ...nonInteractive })),
      ...days.slice(0, 4).map((d, i) => signIn(four, `2026-10-${d}T0${i}:17:00Z`, { ...cli(), ...nonInteractive })),
      // the same time of day ± 5 minutes on 5 distinct UTC days, with an interactive sign-in so only "scheduled" fires
      ...days.map((d, i) => signIn(cron, `2026-10-${d}T03:0${i}:00Z`, cli())),
      signIn(curl, '2026-10-10T09:00:00Z', { appId: TERRAFORM, appDisplayName: 'something', resourceId: ARM, userAgent: 'curl/8.5.0' }),
      signIn(curl, '2026-10-10T10:00:00Z', cli()),
      ...days.map((d, i) => signIn(human, `2026-10-${d}T${10 + i}:00:00Z`, cli())),
    ];
    const report = await scanJson(tenant({ users: [ropc, quiet, four, cron, curl, human], signIns }));
    const signals = (u: Obj) => {
      const f = findings(report, 'user-automation-account').find((x) => x.resourceId === u.id);
      return f ? [f.status, [...(f.evidence.signals as string[])].sort()] : undefined;
    };
    expect(signals(ropc)).toEqual(['unhealthy', ['ropc']]);
    expect(signals(quiet)).toEqual(['unhealthy', ['nonInteractiveOnly']]);
    expect(signals(four)).toEqual(['healthy', []]);
    expect(signals(cron)).toEqual(['unhealthy', ['scheduled']]);
    expect(signals(curl)).toEqual(['unhealthy', ['scriptedClient']]);
    expect(signals(human)).toEqual(['healthy', []]);
    const f = findings(report, 'user-automation-account').find((x) => x.resourceId === curl.id)!;
    expect(f.severity).toBe('medium');
    expect(JSON.stringify(f.evidence)).toContain('curl/8.5.0');
    expect(JSON.stringify(f.evidence)).toContain('203.0.113.7');
  });
});

describe('azure-tooling-version (signins.md)', () => {
  it('Azure CLI < 2.76.0 or Az PowerShell < 14.3.0 is unhealthy; exactly those versions are fine; no version in the agent means no finding', async () => {
    const [oldCli, newCli, oldPs, newPs, unknown] = ['oldcli', 'newcli', 'oldps', 'newps', 'unknownver'].map((x) => user(x)) as Obj[];
    const ps = (v: string) => ({ appId: PWSH, appDisplayName: 'Microsoft Azure PowerShell', resourceId: ARM, userAgent: `AzurePowershell/v${v} PSVersion/v7.4.1` });
    const signIns = [
      signIn(oldCli!, '2026-10-10T09:00:00Z', cli('python/3.11 (Linux) AZURECLI/2.75.0 (DEB)')),
      signIn(newCli!, '2026-10-10T09:00:00Z', cli('python/3.11 (Linux) AZURECLI/2.76.0 (DEB)')),
      signIn(oldPs!, '2026-10-10T09:00:00Z', ps('14.2.9')),
      signIn(newPs!, '2026-10-10T09:00:00Z', ps('14.3.0')),
      signIn(unknown!, '2026-10-10T09:00:00Z', cli('python-requests/2.31.0')),
    ];
    const report = await scanJson(tenant({ users: [oldCli, newCli, oldPs, newPs, unknown], signIns }));
    expect([oldCli, newCli, oldPs, newPs, unknown].map((u) => statusOf(report, 'azure-tooling-version', u!))).toEqual([['unhealthy'], ['healthy'], ['unhealthy'], ['healthy'], []]);
  });
});

describe('legacy-auth-blocked (signins.md)', () => {
  const imap = user('imap');
  const signIns = [
    signIn(imap, '2026-10-10T09:00:00Z', { appId: '00000002-0000-0ff1-ce00-000000000000', appDisplayName: 'Office 365 Exchange Online', resourceId: null, clientAppUsed: 'IMAP4', ...single }),
    signIn(imap, '2026-10-11T09:00:00Z', { appId: '00000002-0000-0ff1-ce00-000000000000', appDisplayName: 'Office 365 Exchange Online', resourceId: null, clientAppUsed: 'IMAP4', ...single }),
    // a failed legacy sign-in is not evidence that it got through
    signIn(imap, '2026-10-12T09:00:00Z', { clientAppUsed: 'Exchange ActiveSync', status: { errorCode: 53003 } }),
  ];
  const verdict = async (patch: Obj) => {
    const f = findings(await scanJson(tenant({ users: [imap], signIns, ...patch })), 'legacy-auth-blocked');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ resourceType: 'tenant', resourceId: TENANT, severity: 'high' });
    return f[0]!;
  };

  it('unhealthy without a blocking policy; the evidence lists successful legacy sign-ins by client and user', async () => {
    const f = await verdict({});
    expect(f.status).toBe('unhealthy');
    const text = JSON.stringify(f.evidence);
    expect(text).toContain('IMAP4');
    expect(text).toContain(imap.userPrincipalName);
    expect(text).not.toContain('Exchange ActiveSync');
  });

  it('healthy with security defaults, or an enabled All/All policy blocking exchangeActiveSync and other — the evidence still shows who got through', async () => {
    expect((await verdict({ securityDefaults: { isEnabled: true } })).status).toBe('healthy');
    const f = await verdict({ conditionalAccessPolicies: [blockLegacy(['exchangeActiveSync', 'other'])] });
    expect(f.status).toBe('healthy');
    expect(JSON.stringify(f.evidence)).toContain('IMAP4');
  });

  it('a policy missing "other", or only report-only / disabled, does not count', async () => {
    expect((await verdict({ conditionalAccessPolicies: [blockLegacy(['exchangeActiveSync'])] })).status).toBe('unhealthy');
    expect((await verdict({ conditionalAccessPolicies: [blockLegacy(['exchangeActiveSync', 'other'], 'enabledForReportingButNotEnforced')] })).status).toBe('unhealthy');
    expect((await verdict({ conditionalAccessPolicies: [blockLegacy(['exchangeActiveSync', 'other'], 'disabled')] })).status).toBe('unhealthy');
  });
});

describe('breakglass-phishing-resistant (signins.md, config.md breakGlassAccounts)', () => {
  it('declared accounts by UPN or object id: FIDO2 healthy; password only, missing or disabled unhealthy', async () => {
    const key = user('bg-key');
    const pwd = user('bg-pwd');
    const off = user('bg-off', { accountEnabled: false });
    const methods = {
      [key.id]: [{ '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: 'p1' }, { '@odata.type': '#microsoft.graph.fido2AuthenticationMethod', id: 'f1', model: 'YubiKey 5' }],
      [pwd.id]: [{ '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: 'p2' }],
      [off.id]: [{ '@odata.type': '#microsoft.graph.fido2AuthenticationMethod', id: 'f2' }],
    };
    const config = `mfaguardConfig: 1\nbreakGlassAccounts:\n  - ${key.userPrincipalName}\n  - ${pwd.id}\n  - ${off.userPrincipalName}\n  - nobody@contoso.com\n`;
    const report = await scanJson(tenant({ users: [key, pwd, off], authenticationMethods: methods }), { config });
    const f = findings(report, 'breakglass-phishing-resistant');
    expect(f.every((x) => x.severity === 'high')).toBe(true);
    expect(statusOf(report, 'breakglass-phishing-resistant', key)).toEqual(['healthy']);
    expect(statusOf(report, 'breakglass-phishing-resistant', pwd)).toEqual(['unhealthy']);
    expect(statusOf(report, 'breakglass-phishing-resistant', off)).toEqual(['unhealthy']);
    const missing = f.filter((x) => ![key.id, pwd.id, off.id].includes(x.resourceId));
    expect(missing.map((x) => x.status)).toEqual(['unhealthy']);
    expect(JSON.stringify(missing[0])).toContain('nobody@contoso.com');
  });

  it('without declared accounts the rule has nothing in scope', async () => {
    const report = await scanJson(tenant({ users: [user('x')] }));
    expect(findings(report, 'breakglass-phishing-resistant').filter((f) => f.status === 'unhealthy')).toEqual([]);
  });
});

describe('Predicted vs observed (signins.md contradictions)', () => {
  it('a single-factor sign-in to an app the engine calls covered is a contradiction, one entry per (user, target), with the fields the spec lists', async () => {
    const eve = user('eve');
    const fine = user('fine');
    const signIns = [
      signIn(eve, '2026-10-10T09:00:00Z', single),
      signIn(eve, '2026-10-12T09:00:00Z', single),
      signIn(eve, '2026-10-11T09:00:00Z', { ...cli(), ...single }),
      signIn(fine, '2026-10-11T09:00:00Z'),
    ];
    const report = await scanJson(tenant({ users: [eve, fine], conditionalAccessPolicies: [mfaAll()], signIns }));
    const c = report.contradictions as Obj[];
    expect(c.map((x) => [x.userId, x.target]).sort()).toEqual([[eve.id, 'azureManagement'], [eve.id, 'azurePortal']]);
    const portal = c.find((x) => x.target === 'azurePortal')!;
    expect(portal).toMatchObject({
      userId: eve.id, userPrincipalName: eve.userPrincipalName, engineState: 'enforced', signIns: 2,
      firstSeen: '2026-10-10T09:00:00.000Z', lastSeen: '2026-10-12T09:00:00.000Z', appIds: [PORTAL],
    });
    expect(portal.sampleSignInIds).toHaveLength(2);
    expect(Array.isArray(portal.likelyCauses)).toBe(true);
    // the engine's verdict stands elsewhere; the rule follows what happened
    expect(statusOf(report, 'mandatory-mfa-readiness', eve)).toEqual(['unhealthy']);
  });

  it('no contradiction where the engine already says MFA is not required', async () => {
    const u = user('loose');
    const report = await scanJson(tenant({ users: [u], signIns: [signIn(u, '2026-10-10T09:00:00Z', single)] }));
    expect(report.contradictions ?? []).toEqual([]);
  });
});

describe('Window (signins.md)', () => {
  it('signInsWindow when given, else min/max createdDateTime of the rows; reports state it', async () => {
    const u = user('win');
    const signIns = [signIn(u, '2026-10-10T09:00:00Z'), signIn(u, '2026-10-20T09:00:00Z')];
    const derived = await scanJson(tenant({ users: [u], signIns }));
    expect(derived.signIns.window).toEqual({ from: '2026-10-10T09:00:00.000Z', to: '2026-10-20T09:00:00.000Z' });
    const declared = await scanJson(tenant({ users: [u], signIns, signInsWindow: { from: '2026-10-02T00:00:00Z', to: '2026-11-01T00:00:00Z' } }));
    const w = declared.signIns.window as { from: string; to: string };
    expect([Date.parse(w.from), Date.parse(w.to)]).toEqual([Date.parse('2026-10-02T00:00:00Z'), Date.parse('2026-11-01T00:00:00Z')]);
  });
});

describe('Inputs (signins.md): the same sign-ins as a snapshot key or as --signins FILE', () => {
  it('give the same findings and contradictions (the file goes through the sign-in database)', async () => {
    const [a, b, c] = ['in-a', 'in-b', 'in-c'].map((x) => user(x)) as Obj[];
    const signIns = [
      signIn(a!, '2026-10-10T09:00:00Z', single),
      signIn(a!, '2026-10-11T09:00:00Z', { ...cli('python/3.11 AZURECLI/2.70.0'), ...single }),
      ...[10, 11, 12, 13, 14].map((d) => signIn(b!, `2026-10-${d}T04:00:00Z`, { ...cli(), ...nonInteractive })),
      signIn(c!, '2026-10-10T09:00:00Z', { clientAppUsed: 'POP3', appId: '00000002-0000-0ff1-ce00-000000000000', resourceId: null }),
    ];
    const directory = { users: [a, b, c], conditionalAccessPolicies: [mfaAll()] };
    const inSnapshot = await scanJson(tenant({ ...directory, signIns }));
    const file = join(dir, 'inputs.ndjson');
    writeFileSync(file, signIns.map((x) => JSON.stringify(x)).join('\n') + '\n');
    const fromFile = await scanJson(tenant(directory), { extra: ['--signins', file] });
    const pick = (r: Obj) => r.findings.filter((f: Obj) => ['mandatory-mfa-readiness', 'user-automation-account', 'azure-tooling-version', 'legacy-auth-blocked'].includes(f.ruleId))
      .map((f: Obj) => `${f.ruleId} ${f.resourceName} ${f.status}`).sort();
    expect(pick(fromFile)).toEqual(pick(inSnapshot));
    expect(pick(fromFile)).toEqual(expect.arrayContaining([
      `mandatory-mfa-readiness ${a!.userPrincipalName} unhealthy`, `azure-tooling-version ${a!.userPrincipalName} unhealthy`,
      `user-automation-account ${b!.userPrincipalName} unhealthy`, 'legacy-auth-blocked Contoso unhealthy',
    ]));
    expect(fromFile.contradictions).toEqual(inSnapshot.contradictions);
  });
});

describe('bad sign-in input → exit 2 naming file, line and column or key; nothing half-written', () => {
  const u = user('bad');
  const snapFile = join(dir, 'bad-tenant.json');
  writeFileSync(snapFile, JSON.stringify(tenant({ users: [u] })));
  const good = JSON.stringify(signIn(u, '2026-10-10T09:00:00Z'));

  async function rejects(name: string, content: string, expected: RegExp) {
    const file = join(dir, name);
    writeFileSync(file, content);
    const db = join(dir, `${name}.duckdb`);
    // an existing database stays byte for byte as it was
    const seed = await mfaguard(['signins', 'import', '--db', db, join(dir, 'seed.ndjson')]);
    expect(seed.code, seed.stderr).toBe(0);
    const before = readFileSync(db);
    const r = await mfaguard(['scan', '--snapshot', snapFile, '--no-state', '--no-config', '--format', 'json', '--signins', file, '--signins-db', db]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(name);
    expect(r.stderr).toMatch(expected);
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(existsSync(`${db}.wal`)).toBe(false);
    // and a database that did not exist is not created
    const fresh = join(dir, `${name}.fresh.duckdb`);
    const r2 = await mfaguard(['scan', '--snapshot', snapFile, '--no-state', '--no-config', '--format', 'json', '--signins', file, '--signins-db', fresh]);
    expect(r2.code).toBe(2);
    expect(existsSync(fresh)).toBe(false);
  }

  writeFileSync(join(dir, 'seed.ndjson'), JSON.stringify(signIn(u, '2026-10-01T09:00:00Z')) + '\n');

  it('malformed JSON lines: line and column', async () => {
    await rejects('broken.ndjson', `${good}\n{"id": "x", "createdDateTime": 12,,}\n${good}\n`, /line 2\b.*column \d+|line 2, column \d+|:2:\d+/);
    // a line cut short at the end of the file (a truncated download) names the end
    await rejects('cut.ndjson', `${good}\n{"id": "x", "createdDateTime": \n`, /:3\b.*truncated|line 3/);
  });

  it('malformed JSON array: line and column', async () => {
    await rejects('broken.json', `[\n${good},\n{"id": oops}\n]`, /line 3\b|:3:\d+/);
  });

  it('a sign-in with no user id: the key', async () => {
    const { userId: _drop, ...noUser } = signIn(u, '2026-10-11T09:00:00Z');
    await rejects('nouser.ndjson', `${good}\n${JSON.stringify(noUser)}\n`, /userId/);
  });

  it('a CSV with the wrong columns: names what is missing', async () => {
    await rejects('wrong.csv', 'Date,Name,Colour\n2026-10-10,Bob,blue\n', /column|header/i);
  });

  it('malformed CSV (an unterminated quote): line', async () => {
    const header = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'signins', 'InteractiveSignIns_2026-11-05_2026-11-06.csv'), 'utf8').split(/\r?\n/)[0]!;
    const cols = header.split(',').length;
    await rejects('broken.csv', `${header}\n"unterminated${','.repeat(cols - 1)}\n`, /line \d+|:\d+/);
  });

  it('a snapshot whose own signIns entry has no user id names the key, and the scan writes nothing', async () => {
    const { userId: _drop, ...noUser } = signIn(u, '2026-10-11T09:00:00Z');
    const file = join(dir, 'snap-nouser.json');
    writeFileSync(file, JSON.stringify(tenant({ users: [u], signIns: [signIn(u, '2026-10-10T09:00:00Z'), noUser] })));
    const out = join(dir, 'never.json');
    const r = await mfaguard(['scan', '--snapshot', file, '--no-state', '--no-config', '--format', 'json', '--output', out]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('snap-nouser.json');
    expect(r.stderr).toMatch(/signIns\[1\]\.userId|signIns\[1\]/);
    expect(existsSync(out)).toBe(false);
    void statSync;
  });
});
