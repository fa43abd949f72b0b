/**
 * Acceptance suite for spec/config.md (issue 11), held-out style: purpose-built tenants and
 * configurations written from the contract's text — not from the implementation — run through the
 * built CLI exactly as the issue states it:
 *   mfaguard scan --snapshot F --config C --as-of T --format json
 * Each `it` quotes the sentence of spec/config.md it checks.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mfaguard } from '../cli/run.js';

// ---- the tenant (Graph / ARM shapes of spec/snapshot.md) ---------------------------------------

const TENANT = '7a0c1f2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const SUB1 = '/subscriptions/aaaaaaaa-0000-4000-8000-000000000001';
const SUB2 = '/subscriptions/aaaaaaaa-0000-4000-8000-000000000002';

let seq = 0;
const id = (tag: string) => `${tag.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${String(++seq).padStart(12, '0')}`;
const user = (name: string, extra: Record<string, unknown> = {}) => ({
  id: id('0e0e0e0e'), userPrincipalName: `${name}@fabrikam.example`, displayName: name, mail: `${name}@fabrikam.example`,
  userType: 'Member', accountEnabled: true, creationType: null,
  identities: [{ signInType: 'userPrincipalName', issuer: 'fabrikam.onmicrosoft.com', issuerAssignedId: `${name}@fabrikam.example` }],
  ...extra,
});
const group = (name: string) => ({ id: id('06060606'), displayName: name, securityEnabled: true, isAssignableToRole: false, groupTypes: [] });
const ref = (o: { id: string }, kind = 'user') => ({ '@odata.type': `#microsoft.graph.${kind}`, id: o.id });
const owner = (u: { id: string }, scope: string) => {
  const name = id('0a0a0a0a');
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`, name, type: 'Microsoft.Authorization/roleAssignments',
    properties: { principalId: u.id, principalType: 'User', roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`, scope },
  };
};

const U = {
  alice: user('alice'), // excluded from the baseline through Excl; exempt through a nested group
  bob: user('bob'), // covered: healthy, even though an exemption names him
  carol: user('carol'), // Owner inside SUB1 only, excluded from the baseline
  dave: user('dave'), // Owner in SUB1 and SUB2, excluded
  erin: user('erin'), // excluded; her exemption expired
  frank: user('frank'), // excluded; exemption expires 2027-03-02 (a date)
  gina: user('gina'), // excluded; exemption expires within 14 days
  hank: user('hank'), // excluded; exemption expires in a month
  bg1: user('bg1'), // declared break-glass, GA, excluded through BG, FIDO2 key
  bg2: user('bg2'), // declared break-glass (by object id), GA, excluded through BG, password only
  bgoff: user('bgoff', { accountEnabled: false }), // declared break-glass, disabled
  emergency: user('emergency-admin'), // GA excluded through BG but NOT declared: the name never silences it
};
const G = { excl: group('Excl'), bg: group('BG-Exclusions'), outer: group('Outer'), mid: group('Mid') };
const baseline = {
  id: id('0c0c0c0c'), displayName: 'Baseline: MFA for everyone', state: 'enabled',
  createdDateTime: '2025-01-01T00:00:00Z', modifiedDateTime: '2025-01-01T00:00:00Z',
  conditions: {
    clientAppTypes: ['all'], signInRiskLevels: [], userRiskLevels: [], platforms: null, locations: null, devices: null, clientApplications: null,
    users: {
      includeUsers: ['All'], excludeUsers: [U.carol.id, U.dave.id], includeGroups: [], excludeGroups: [G.excl.id, G.bg.id],
      includeRoles: [], excludeRoles: [], includeGuestsOrExternalUsers: null, excludeGuestsOrExternalUsers: null,
    },
    applications: { includeApplications: ['All'], excludeApplications: [], includeUserActions: [], includeAuthenticationContextClassReferences: [] },
  },
  grantControls: { operator: 'OR', builtInControls: ['mfa'], customAuthenticationFactors: [], termsOfUse: [], authenticationStrength: null },
};
const users = Object.values(U);
const registration = users.filter((u) => u.accountEnabled).map((u) => ({
  id: u.id, userPrincipalName: u.userPrincipalName, userDisplayName: u.displayName, userType: 'member', isAdmin: false,
  isMfaRegistered: true, isMfaCapable: true, isSsprRegistered: true, isSsprEnabled: true, isSsprCapable: true, isPasswordlessCapable: false,
  methodsRegistered: ['microsoftAuthenticatorPush'], defaultMfaMethod: 'microsoftAuthenticatorPush', lastUpdatedDateTime: '2027-02-01T00:00:00Z',
}));
const password = { '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: '28c10230-6103-485e-b985-444c60001490', password: null, createdDateTime: '2020-01-01T00:00:00Z' };

function tenant(opts: { policies?: boolean } = {}) {
  return {
    mfaguardSnapshot: 1,
    tenant: { id: TENANT, displayName: 'Fabrikam', defaultDomain: 'fabrikam.onmicrosoft.com' },
    collectedAt: '2027-03-01T06:00:00Z',
    users,
    groups: Object.values(G),
    groupMembers: {
      [G.excl.id]: [U.alice, U.erin, U.frank, U.gina, U.hank].map((u) => ref(u)),
      [G.bg.id]: [U.bg1, U.bg2, U.bgoff, U.emergency].map((u) => ref(u)),
      [G.outer.id]: [ref(G.mid, 'group')],
      [G.mid.id]: [ref(U.alice)],
    },
    servicePrincipals: [], roleDefinitions: [],
    roleAssignments: [U.bg1, U.bg2, U.bgoff, U.emergency].map((u) => ({ id: id('0d0d0d0d'), principalId: u.id, roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: '/' })),
    roleEligibilitySchedules: [],
    subscriptions: [], azureRoleDefinitions: [],
    azureRoleAssignments: [owner(U.carol, `${SUB1}/resourceGroups/rg-app`), owner(U.dave, `${SUB1}/resourceGroups/rg-app`), owner(U.dave, SUB2)],
    classicAdministrators: [],
    conditionalAccessPolicies: opts.policies === false ? [] : [baseline],
    namedLocations: [], authenticationStrengthPolicies: [],
    securityDefaults: { isEnabled: false },
    userRegistrationDetails: registration,
    authenticationMethods: {
      [U.bg1.id]: [password, { '@odata.type': '#microsoft.graph.fido2AuthenticationMethod', id: id('0f0f0f0f'), displayName: 'YubiKey', createdDateTime: '2024-01-01T00:00:00Z', aaGuid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8', model: 'YubiKey 5', attestationCertificates: [], attestationLevel: 'attested' }],
      [U.bg2.id]: [password],
      [U.bgoff.id]: [password],
    },
    unavailable: {},
  };
}

// ---- the configuration (line numbers matter: the expired exemption is named by file:line) ------

const CONFIG = `mfaguardConfig: 1
tenant: ${TENANT}
breakGlassAccounts:
  - bg1@fabrikam.example
  - ${U.bg2.id}
  - ghost-bg@fabrikam.example
  - bgoff@fabrikam.example
exemptions:
  - rules: nonprivileged-user-mfa
    group: ${G.outer.id}
    reason: alice signs in through the kiosk broker
    expires: 2030-01-01
  - rules: [nonprivileged-user-mfa]
    resource: bob@fabrikam.example
    reason: never needed
    expires: 2030-01-01
  - rules: azure-owner-mfa
    resource: carol@fabrikam.example
    scope: ${SUB1}
    category: mitigated
    reason: PAW with FIDO2 for SUB1
    expires: 2030-01-01
    approvedBy: ciso@fabrikam.example
    ticket: SEC-7
  - rules: azure-owner-mfa
    resource: ${U.dave.id}
    scope: ${SUB1}
    reason: dave only works in SUB1
    expires: 2030-01-01
  - rules: nonprivileged-user-mfa
    resource: erin@fabrikam.example
    reason: erin's old exemption
    expires: 2027-01-01
  - rules: "*"
    resource: frank@fabrikam.example
    reason: frank until the 2nd
    expires: 2027-03-02
  - rules: nonprivileged-user-mfa
    resource: gina@fabrikam.example
    reason: gina soon
    expires: 2027-03-10T12:00:00Z
  - rules: nonprivileged-user-mfa
    resource: hank@fabrikam.example
    reason: hank later
    expires: 2027-04-30
  - rules: nonprivileged-user-mfa
    resource: nobody@fabrikam.example
    reason: left last year
    expires: 2030-01-01
`;
const ERIN_LINE = CONFIG.split('\n').findIndex((l) => l.includes('resource: erin@')); // 1-based line of its "- rules:", the line before

interface Finding { ruleId: string; status: string; resourceId: string; resourceName: string; severity: string; reason: string; evidence: Record<string, unknown> }
interface Ref { resource?: string; group?: string; expires: string; source: string; why?: string }
interface Report { findings: Finding[]; exemptions?: { asOf: string; expiringSoon: Ref[]; unmatched: Ref[]; expired: Ref[] } }

let dir: string;
let snap: string;
let cfg: string;
let report: Report;
let stateEnv: Record<string, string>;
const AS_OF = '2027-03-01T12:00:00Z';

const scan = async (args: string[], env: Record<string, string> = stateEnv) => mfaguard(['scan', ...args], env);
const json = async (args: string[]) => {
  const r = await scan([...args, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
};
const find = (r: Report, rule: string, u: { id: string }) => r.findings.find((f) => f.ruleId === rule && f.resourceId === u.id);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mfaguard-acceptance-config-'));
  stateEnv = { MFAGUARD_STATE_DIR: join(dir, 'state') };
  snap = join(dir, 'tenant.json');
  cfg = join(dir, 'mfaguard.yaml');
  await writeFile(snap, JSON.stringify(tenant()));
  await writeFile(cfg, CONFIG);
  report = await json(['--snapshot', snap, '--config', cfg, '--as-of', AS_OF]);
}, 60_000);
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('spec/config.md semantics, through scan --snapshot F --config C --as-of T --format json', () => {
  it('without the configuration the gaps are unhealthy (the baseline the rest compares with)', async () => {
    const plain = await json(['--snapshot', snap, '--no-config']);
    for (const u of [U.alice, U.erin, U.frank, U.gina, U.hank]) expect(find(plain, 'nonprivileged-user-mfa', u)?.status).toBe('unhealthy');
    expect(find(plain, 'nonprivileged-user-mfa', U.bob)?.status).toBe('healthy');
    for (const u of [U.carol, U.dave]) expect(find(plain, 'azure-owner-mfa', u)?.status).toBe('unhealthy');
    for (const u of [U.bg1, U.bg2, U.emergency]) expect(find(plain, 'directory-admin-mfa', u)?.status).toBe('unhealthy');
    expect(plain.findings.some((f) => f.status === 'exempt')).toBe(false);
  });

  it('"An unhealthy finding matched by a valid exemption becomes exempt; its evidence carries the exemption"', () => {
    const f = find(report, 'azure-owner-mfa', U.carol)!;
    expect(f.status).toBe('exempt');
    expect(f.evidence.exemption).toMatchObject({
      category: 'mitigated', reason: 'PAW with FIDO2 for SUB1', approvedBy: 'ciso@fabrikam.example', ticket: 'SEC-7',
      expires: '2030-01-01T00:00:00.000Z', source: expect.stringMatching(new RegExp(`mfaguard\\.yaml:${CONFIG.split('\n').findIndex((l) => l.includes('resource: carol@'))}$`)),
    });
  });

  it('"group: members, transitive, at scan time"', () => {
    expect(find(report, 'nonprivileged-user-mfa', U.alice)?.status).toBe('exempt'); // Outer → Mid → alice
  });

  it('"Healthy, unknown and notApplicable findings are never changed by an exemption"', () => {
    expect(find(report, 'nonprivileged-user-mfa', U.bob)?.status).toBe('healthy');
  });

  it('"scope … the exemption holds only while all the user\'s access of that tier lies at or below this scope"', () => {
    expect(find(report, 'azure-owner-mfa', U.carol)?.status).toBe('exempt');
    expect(find(report, 'azure-owner-mfa', U.dave)?.status).toBe('unhealthy'); // also Owner on SUB2
  });

  it('"An expired exemption changes nothing: the finding stays unhealthy and its reason says which exemption expired when"', () => {
    const f = find(report, 'nonprivileged-user-mfa', U.erin)!;
    expect(f.status).toBe('unhealthy');
    expect(f.reason).toContain(`mfaguard.yaml:${ERIN_LINE}`);
    expect(f.reason).toContain('2027-01-01');
    expect(report.exemptions!.expired.map((e) => e.resource)).toEqual(['erin@fabrikam.example']);
  });

  it('"valid while now < expires … A date without a time means 00:00 UTC of that date"', async () => {
    expect(find(report, 'nonprivileged-user-mfa', U.frank)?.status).toBe('exempt');
    const lastSecond = await json(['--snapshot', snap, '--config', cfg, '--as-of', '2027-03-01T23:59:59Z']);
    expect(find(lastSecond, 'nonprivileged-user-mfa', U.frank)?.status).toBe('exempt');
    const atExpiry = await json(['--snapshot', snap, '--config', cfg, '--as-of', '2027-03-02T00:00:00Z']);
    expect(find(atExpiry, 'nonprivileged-user-mfa', U.frank)?.status).toBe('unhealthy');
    const asDate = await json(['--snapshot', snap, '--config', cfg, '--as-of', '2027-03-02']);
    expect(find(asDate, 'nonprivileged-user-mfa', U.frank)?.status).toBe('unhealthy');
    expect(asDate.exemptions!.asOf).toBe('2027-03-02T00:00:00.000Z');
  });

  it('"Exemptions expiring within 14 days are listed in the report header"', () => {
    const soon = report.exemptions!.expiringSoon.map((e) => e.resource).sort();
    expect(soon).toEqual(['frank@fabrikam.example', 'gina@fabrikam.example']);
    expect(find(report, 'nonprivileged-user-mfa', U.hank)?.status).toBe('exempt'); // valid, but not soon
  });

  it('"An exemption whose resource matches nothing in the snapshot is a warning in the report header, not an error"', async () => {
    expect(report.exemptions!.unmatched.map((e) => e.resource)).toEqual(['nobody@fabrikam.example']);
    const table = await scan(['--snapshot', snap, '--config', cfg, '--as-of', AS_OF, '--no-state']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('nobody@fabrikam.example');
    // the table's header also lists the exemptions expiring within 14 days
    const header = table.stdout.slice(0, table.stdout.indexOf('nobody@fabrikam.example') + 200);
    expect(header).toContain('gina@fabrikam.example');
    expect(header).not.toContain('hank@fabrikam.example');
  });

  it('break-glass: "exempt with category breakGlass when the only gap is a CA exclusion"; only declared accounts count', () => {
    for (const u of [U.bg1, U.bg2]) {
      const f = find(report, 'directory-admin-mfa', u)!;
      expect(f.status).toBe('exempt');
      expect(f.evidence.exemption).toMatchObject({ category: 'breakGlass' });
    }
    expect(find(report, 'directory-admin-mfa', U.emergency)?.status).toBe('unhealthy');
  });

  it('break-glass: "not when nothing at all requires MFA"', async () => {
    const bare = join(dir, 'no-policies.json');
    await writeFile(bare, JSON.stringify(tenant({ policies: false })));
    const r = await json(['--snapshot', bare, '--config', cfg, '--as-of', AS_OF]);
    for (const u of [U.bg1, U.bg2]) expect(find(r, 'directory-admin-mfa', u)?.status).toBe('unhealthy');
  });

  it('"breakglass-phishing-resistant checks that each has a phishing-resistant method registered; a declared account that does not exist or is disabled is an unhealthy finding"', () => {
    const bg = report.findings.filter((f) => f.ruleId === 'breakglass-phishing-resistant');
    const status = (needle: string) => bg.filter((f) => f.resourceName.includes(needle) || f.resourceId.includes(needle)).map((f) => f.status);
    expect(status('bg1@')).toEqual(['healthy']);
    expect(status('bg2@')).toEqual(['unhealthy']);
    expect(status('ghost-bg@')).toEqual(['unhealthy']);
    expect(status('bgoff@')).toEqual(['unhealthy']);
  });

  it('a JSON configuration with the same keys does the same', async () => {
    const asJson = join(dir, 'mfaguard.json');
    await writeFile(asJson, JSON.stringify({
      mfaguardConfig: 1, breakGlassAccounts: ['bg1@fabrikam.example'],
      exemptions: [{ rules: ['azure-owner-mfa'], resource: 'carol@fabrikam.example', scope: SUB1, reason: 'PAW', expires: '2030-01-01' }],
    }));
    const r = await json(['--snapshot', snap, '--config', asJson, '--as-of', AS_OF]);
    expect(find(r, 'azure-owner-mfa', U.carol)?.status).toBe('exempt');
    expect(find(r, 'directory-admin-mfa', U.bg1)?.evidence.exemption).toMatchObject({ category: 'breakGlass' });
    expect(find(r, 'directory-admin-mfa', U.bg2)?.status).toBe('unhealthy');
  });
});

describe('"Every report format shows them distinctly"', () => {
  const out: Record<string, string> = {};
  beforeAll(async () => {
    const formats = ['junit', 'sarif', 'ocsf', 'csv', 'html', 'markdown'];
    const args = formats.flatMap((f) => ['--format', f, '--output', join(dir, `r.${f}`)]);
    const r = await scan(['--snapshot', snap, '--config', cfg, '--as-of', AS_OF, '--no-state', ...args]);
    expect(r.code, r.stderr).toBe(0);
    for (const f of formats) out[f] = await readFile(join(dir, `r.${f}`), 'utf8');
  }, 60_000);

  it('JUnit: skipped with the reason', () => {
    const doc = new XMLParser({ ignoreAttributes: false }).parse(out.junit!) as { testsuites: { testsuite: { '@_name': string; testcase?: unknown }[] | { '@_name': string; testcase?: unknown } } };
    const suites = [doc.testsuites.testsuite].flat();
    const cases = suites.flatMap((s) => [s.testcase ?? []].flat().map((c) => ({ suite: s['@_name'], ...(c as object) }))) as { suite: string; '@_name': string; skipped?: { '@_message'?: string } | string; failure?: unknown }[];
    const carol = cases.filter((c) => c['@_name'].includes('carol@'));
    const exempt = carol.find((c) => c.skipped !== undefined && !c.failure);
    expect(exempt, JSON.stringify(carol)).toBeDefined();
    expect(JSON.stringify(exempt!.skipped)).toContain('PAW with FIDO2 for SUB1');
    // dave's finding with the same exemption text did not hold: a failure, not skipped
    expect(cases.some((c) => c['@_name'].includes('dave@') && c.failure !== undefined)).toBe(true);
  });

  it('SARIF: suppressions with kind external and the justification', () => {
    const results = (JSON.parse(out.sarif!) as { runs: { results: { ruleId: string; message: { text: string }; suppressions?: { kind: string; justification?: string }[]; properties?: Record<string, unknown> }[] }[] }).runs[0]!.results;
    const suppressed = results.filter((r) => r.suppressions?.length);
    expect(suppressed.length).toBeGreaterThanOrEqual(6); // alice, carol, frank (every rule), gina, hank, bg1, bg2
    for (const r of suppressed) expect(r.suppressions![0]!.kind).toBe('external');
    const carol = suppressed.find((r) => JSON.stringify(r).includes(U.carol.id) || r.message.text.includes('carol@'));
    expect(carol?.suppressions![0]!.justification).toContain('PAW with FIDO2 for SUB1');
    // an unhealthy finding is a result without a suppression
    expect(results.some((r) => !r.suppressions && JSON.stringify(r).includes(U.dave.id))).toBe(true);
  });

  it('OCSF: not emitted as new detections', () => {
    const uids = new Set(out.ocsf!.trim().split('\n').map((l) => (JSON.parse(l) as { finding_info: { uid: string } }).finding_info.uid));
    const uid = (f: Finding) => `mfaguard:${TENANT}:${f.ruleId}:${f.resourceId}`;
    const exempt = report.findings.filter((f) => f.status === 'exempt');
    const unhealthy = report.findings.filter((f) => f.status === 'unhealthy');
    expect(exempt.length).toBeGreaterThan(5);
    expect(exempt.filter((f) => uids.has(uid(f)))).toEqual([]);
    expect(unhealthy.filter((f) => !uids.has(uid(f)))).toEqual([]); // every unhealthy one is
  });

  it('CSV, HTML and Markdown: their own status', () => {
    const rows = parseCsv(out.csv!, { columns: true }) as Record<string, string>[];
    const statusOf = (rule: string, upn: string) => rows.filter((r) => Object.values(r).includes(rule) && Object.values(r).some((v) => v.startsWith(upn))).map((r) => r.status);
    expect(statusOf('azure-owner-mfa', 'carol@')).toEqual(['exempt']);
    expect(statusOf('azure-owner-mfa', 'dave@')).toEqual(['unhealthy']);
    expect(out.html).toMatch(/exempt/i);
    expect(out.html).toContain('carol@fabrikam.example');
    expect(out.markdown).toMatch(/exempt/i);
  });
});

describe('"exempt findings never count toward --fail-on"', () => {
  it('a tenant whose every unhealthy finding is exempt passes the gate; without the exemptions it fails', async () => {
    const plain = await json(['--snapshot', snap, '--no-config']);
    const unhealthy = [...new Set(plain.findings.filter((f) => f.status === 'unhealthy').map((f) => f.resourceId))];
    expect(unhealthy.length).toBeGreaterThan(0);
    const all = join(dir, 'all.yaml');
    await writeFile(all, `mfaguardConfig: 1\nexemptions:\n${unhealthy.map((r) => `  - rules: "*"\n    resource: "${r}"\n    reason: accepted\n    expires: 2030-01-01\n`).join('')}`);
    const without = await scan(['--snapshot', snap, '--no-config', '--fail-on', 'low', '--allow-unknown', '--no-state']);
    expect(without.code).toBe(1);
    const withAll = await scan(['--snapshot', snap, '--config', all, '--as-of', AS_OF, '--fail-on', 'low', '--allow-unknown', '--no-state', '--format', 'json']);
    expect(withAll.code, withAll.stderr).toBe(0);
    const rep = JSON.parse(withAll.stdout) as Report;
    expect(rep.findings.filter((f) => f.status === 'unhealthy')).toEqual([]);
    expect(rep.findings.filter((f) => f.status === 'exempt').length).toBeGreaterThan(0);
  });
});

describe('"Validation: … → exit 2 naming the file, line and key"; nothing written', () => {
  const ok = `mfaguardConfig: 1
exemptions:
  - rules: nonprivileged-user-mfa
    resource: alice@fabrikam.example
    reason: ok
    expires: 2030-01-01
`;
  it.each([
    ['an unknown top-level key', ok + 'colour: blue\n', 7, 'colour'],
    ['an unknown key in an exemption', ok.replace('    reason: ok', '    reasn: ok\n    reason: ok'), 5, 'exemptions[0].reasn'],
    ['an unknown rule id', ok.replace('rules: nonprivileged-user-mfa', 'rules: nonprivileged-users-mfa'), 3, 'exemptions[0].rules'],
    ['an unknown rule id in a list', ok.replace('rules: nonprivileged-user-mfa', 'rules: [azure-owner-mfa, no-such-rule]'), 3, 'exemptions[0].rules[1]'],
    ['a missing expires', ok.replace('    expires: 2030-01-01\n', ''), 3, 'exemptions[0].expires'],
    ['an impossible date', ok.replace('2030-01-01', '2030-02-30'), 6, 'exemptions[0].expires'],
    ['an unparsable date', ok.replace('2030-01-01', 'end of Q3'), 6, 'exemptions[0].expires'],
    ['resource and group together', ok.replace('    reason: ok', `    group: ${G.outer.id}\n    reason: ok`), 5, 'exemptions[0].group'],
    ['neither resource nor group', ok.replace('    resource: alice@fabrikam.example\n', ''), 3, 'exemptions[0].resource'],
    ['scope on a non-Azure rule', ok.replace('    reason: ok', `    scope: ${SUB1}\n    reason: ok`), 5, 'exemptions[0].scope'],
    ['a YAML syntax error', ok.replace('rules: nonprivileged-user-mfa', 'rules: [nonprivileged-user-mfa'), undefined, undefined],
    ['another tenant', `mfaguardConfig: 1\ntenant: 00000000-1111-4222-8333-444444444444\n`, 2, 'tenant'],
  ])('%s', async (_name, text, line, key) => {
    const bad = join(dir, 'bad-config.yaml');
    await writeFile(bad, text);
    const outDir = await mkdtemp(join(dir, 'out-'));
    const state = join(dir, `state-${++seq}`);
    const r = await mfaguard(['scan', '--snapshot', snap, '--config', bad, '--as-of', AS_OF, '--format', 'json', '--output', join(outDir, 'report.json')], { MFAGUARD_STATE_DIR: state });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('bad-config.yaml');
    if (line !== undefined) expect(r.stderr).toContain(`bad-config.yaml:${line}`);
    else expect(r.stderr).toMatch(/bad-config\.yaml:\d+/);
    if (key !== undefined) expect(r.stderr).toContain(`"${key}"`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // never a stack trace
    expect(await readdir(outDir)).toEqual([]);
    expect(existsSync(state)).toBe(false); // no scan recorded either
  });
});

describe('edges the contract implies', () => {
  // carol: Owner inside SUB1 (scope written in other letter case) plus Reader on SUB2 (another tier);
  // ivan: Owner on a subscription whose id merely starts with SUB1's; bg1 by UPN in other letter case
  const ivan = user('ivan');
  const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
  let r: Report;
  let atTen: Report;
  beforeAll(async () => {
    const t = tenant();
    const reader = owner(U.carol, SUB2);
    reader.properties.roleDefinitionId = `/providers/Microsoft.Authorization/roleDefinitions/${READER}`;
    const sibling = owner(ivan, `${SUB1}0`);
    const edge = {
      ...t,
      users: [...t.users, ivan],
      azureRoleAssignments: [owner(U.carol, `${SUB1.toUpperCase()}/resourceGroups/RG-App`), reader, sibling],
      conditionalAccessPolicies: [{ ...baseline, conditions: { ...baseline.conditions, users: { ...baseline.conditions.users, excludeUsers: [U.carol.id, ivan.id] } } }],
      authenticationMethods: {
        [U.bg1.id]: [password, { '@odata.type': '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod', id: id('0f0f0f0f'), displayName: 'PAW', createdDateTime: '2024-01-01T00:00:00Z', keyStrength: 'normal' }],
        [U.bg2.id]: [password, { '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod', id: id('0f0f0f0f'), displayName: 'Phone', createdDateTime: '2024-01-01T00:00:00Z' }],
      },
    };
    const file = join(dir, 'edges.json');
    await writeFile(file, JSON.stringify(edge));
    const conf = join(dir, 'edges.yaml');
    await writeFile(conf, `mfaguardConfig: 1
breakGlassAccounts: [BG1@Fabrikam.Example, ${U.bg2.id.toUpperCase()}]
exemptions:
  - rules: azure-owner-mfa
    resource: Carol@Fabrikam.Example
    scope: ${SUB1}
    reason: carol
    expires: 2027-03-10T12:00:00+02:00
  - rules: azure-owner-mfa
    resource: ivan@fabrikam.example
    scope: ${SUB1}
    reason: ivan
    expires: 2030-01-01
  - rules: nonprivileged-user-mfa
    group: 06060606-0000-4000-8000-999999999999
    reason: a group that was deleted
    expires: 2030-01-01
`);
    r = await json(['--snapshot', file, '--config', conf, '--as-of', '2027-03-10T09:59:59Z']);
    atTen = await json(['--snapshot', file, '--config', conf, '--as-of', '2027-03-10T10:00:00Z']);
  }, 60_000);

  it('ARM scopes compare without letter case, and only the tier the rule is about counts', () => {
    expect(find(r, 'azure-owner-mfa', U.carol)?.status).toBe('exempt');
  });

  it('a scope is a path: a sibling subscription whose id starts with the same characters is not below it', () => {
    expect(find(r, 'azure-owner-mfa', ivan)?.status).toBe('unhealthy');
  });

  it('a date-time with an offset is converted to UTC (12:00+02:00 = 10:00Z)', () => {
    expect(find(r, 'azure-owner-mfa', U.carol)?.status).toBe('exempt'); // 09:59:59Z
    expect(find(atTen, 'azure-owner-mfa', U.carol)?.status).toBe('unhealthy'); // 10:00Z
    expect(atTen.exemptions!.expired.map((e) => [e.resource, e.expires])).toEqual([['Carol@Fabrikam.Example', '2027-03-10T10:00:00.000Z']]);
  });

  it('UPNs and object ids match without letter case (break-glass accounts and resources)', () => {
    expect(find(r, 'directory-admin-mfa', U.bg1)?.evidence.exemption).toMatchObject({ category: 'breakGlass' });
    expect(find(r, 'directory-admin-mfa', U.bg2)?.evidence.exemption).toMatchObject({ category: 'breakGlass' });
  });

  it('Windows Hello for Business is phishing-resistant; the Authenticator app is not', () => {
    const bg = (u: { id: string }) => r.findings.find((f) => f.ruleId === 'breakglass-phishing-resistant' && f.resourceId === u.id)?.status;
    expect(bg(U.bg1)).toBe('healthy');
    expect(bg(U.bg2)).toBe('unhealthy');
  });

  it('an exemption naming a group that is not in the snapshot is an unmatched warning', () => {
    expect(r.exemptions!.unmatched.map((e) => e.group)).toEqual(['06060606-0000-4000-8000-999999999999']);
  });
});

describe('"Healthy, unknown and notApplicable findings are never changed by an exemption"', () => {
  it('an unknown (registration report not collected) and a not-applicable (disabled account) finding stay as they are', async () => {
    const t: Record<string, unknown> = { ...tenant() };
    delete t.userRegistrationDetails;
    const file = join(dir, 'no-registration.json');
    await writeFile(file, JSON.stringify(t));
    const conf = join(dir, 'everything.yaml');
    await writeFile(conf, `mfaguardConfig: 1
exemptions:
  - rules: "*"
    resource: alice@fabrikam.example
    reason: all of alice
    expires: 2030-01-01
  - rules: "*"
    resource: bgoff@fabrikam.example
    reason: all of bgoff
    expires: 2030-01-01
`);
    const plain = await json(['--snapshot', file, '--no-config']);
    const r = await json(['--snapshot', file, '--config', conf, '--as-of', AS_OF]);
    const unknown = find(plain, 'mfa-registration', U.alice);
    expect(unknown?.status).toBe('unknown');
    expect(find(r, 'mfa-registration', U.alice)?.status).toBe('unknown');
    const na = plain.findings.filter((f) => f.resourceId === U.bgoff.id && f.status === 'notApplicable');
    expect(na.length).toBeGreaterThan(0);
    for (const f of na) expect(find(r, f.ruleId, U.bgoff)?.status).toBe('notApplicable');
    expect(find(r, 'nonprivileged-user-mfa', U.alice)?.status).toBe('exempt'); // the unhealthy one does change
  });
});

describe('break-glass accounts across the rules spec/config.md names', () => {
  it('"directory-admin-mfa, nonprivileged-user-mfa and the azure-*-mfa rules report exempt with category breakGlass"', async () => {
    const bg3 = user('bg3'); // no directory role: in nonprivileged-user-mfa's scope
    const t = tenant();
    const withAzure = {
      ...t,
      users: [...t.users, bg3],
      groupMembers: { ...t.groupMembers, [G.bg.id]: [...t.groupMembers[G.bg.id]!, ref(bg3)] },
      azureRoleAssignments: [...t.azureRoleAssignments, owner(U.bg1, SUB2)],
      authenticationMethods: { ...t.authenticationMethods, [bg3.id]: [password] },
    };
    const file = join(dir, 'bg-azure.json');
    await writeFile(file, JSON.stringify(withAzure));
    const conf = join(dir, 'bg.yaml');
    await writeFile(conf, `mfaguardConfig: 1\nbreakGlassAccounts: [bg1@fabrikam.example, bg3@fabrikam.example]\n`);
    const plain = await json(['--snapshot', file, '--no-config']);
    expect(find(plain, 'azure-owner-mfa', U.bg1)?.status).toBe('unhealthy');
    expect(find(plain, 'nonprivileged-user-mfa', bg3)?.status).toBe('unhealthy');
    const r = await json(['--snapshot', file, '--config', conf, '--as-of', AS_OF]);
    for (const [rule, u] of [['azure-owner-mfa', U.bg1], ['directory-admin-mfa', U.bg1], ['nonprivileged-user-mfa', bg3]] as const) {
      const f = find(r, rule, u);
      expect(f?.status, `${rule} ${u.userPrincipalName}`).toBe('exempt');
      expect(f?.evidence.exemption).toMatchObject({ category: 'breakGlass' });
    }
  });
});
