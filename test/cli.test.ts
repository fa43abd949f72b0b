/**
 * The CLI as a user runs it: the built bin in a child process, real files, real exit codes.
 * (`npm test` builds first.)
 */
import { mkdtemp, readFile, rm, writeFile, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mfaguard } from './cli/run.js';
import { OWNER_ROLE, azureAssignment, group, memberRef, policy, snapshot, user } from './helpers/snapshot-builder.js';


let dir: string;
const alice = user('alice@contoso.com');
const bob = user('bob@contoso.com', { perUserMfaState: 'enforced' });
const contractors = group('Contractors', [memberRef(alice)]);
const exclusions = group('CA-Exclusions', [memberRef(contractors.group, 'group')]);
const tenant = snapshot({
  users: [alice, bob],
  groups: [contractors.group, exclusions.group],
  groupMembers: { [contractors.group.id]: contractors.members, [exclusions.group.id]: exclusions.members },
  azureRoleAssignments: [azureAssignment(alice, OWNER_ROLE, '/subscriptions/s1')],
  conditionalAccessPolicies: [policy('CA01 MFA all', { users: { excludeGroups: [exclusions.group.id] } })],
  userRegistrationDetails: [{ id: alice.id, isMfaCapable: true }, { id: bob.id, isMfaCapable: true }],
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mfaguard-cli-'));
  await writeFile(join(dir, 'tenant.json'), JSON.stringify(tenant, null, 2));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const expectCleanInputError = (r: { code: number; stdout: string; stderr: string }) => {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^mfaguard: error: /);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
};

describe('mfaguard scan', () => {
  it('writes the JSON report contract', async () => {
    const r = await mfaguard(['scan', '--snapshot', join(dir, 'tenant.json'), '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ mfaguardReport: 1, tenant: { id: tenant.tenant.id, displayName: 'Contoso' }, snapshotCollectedAt: tenant.collectedAt });
    expect(Date.parse(report.generatedAt)).not.toBeNaN();
    expect(report.principals.map((p: { id: string }) => p.id)).toEqual([alice.id, bob.id]);
    const cell = report.principals[0].coverage.azureManagement;
    expect(cell).toMatchObject({ state: 'excluded', mechanisms: ['conditionalAccess'], policies: [tenant.conditionalAccessPolicies![0]!.id] });
    expect(cell.reason).toContain("through group 'Contractors', nested in 'CA-Exclusions'");
    expect(Object.keys(report.principals[0].coverage)).toEqual(['azureManagement', 'azurePortal', 'adminPortals', 'office365', 'anyApp']);
    expect(report.summary.rules['azure-owner-mfa']).toEqual({ healthy: 0, unhealthy: 1, exempt: 0, notApplicable: 0, unknown: 0 });
    const owner = report.findings.find((f: { ruleId: string }) => f.ruleId === 'azure-owner-mfa');
    expect(Object.keys(owner).sort()).toEqual(['evidence', 'reason', 'resourceId', 'resourceName', 'resourceType', 'ruleId', 'severity', 'status']);
    // rules.md: the Azure tier algorithm is ours and is stated in reports.
    expect(report.rules.find((r: { id: string }) => r.id === 'azure-owner-mfa').notes).toMatch(/owner = a role whose actions include \*/);
  });

  it('exits 1 only when --fail-on meets an unhealthy finding', async () => {
    const f = join(dir, 'tenant.json');
    expect((await mfaguard(['scan', '--snapshot', f, '--fail-on', 'high', '--format', 'json'])).code).toBe(1);
    const healthy = snapshot({ users: [{ ...bob, perUserMfaState: 'disabled' }], securityDefaults: { isEnabled: true }, userRegistrationDetails: [{ id: bob.id, isMfaCapable: true }] });
    await writeFile(join(dir, 'healthy.json'), JSON.stringify(healthy));
    expect((await mfaguard(['scan', '--snapshot', join(dir, 'healthy.json'), '--fail-on', 'low'])).code).toBe(0);
    expect((await mfaguard(['scan', '--snapshot', f])).code).toBe(0);
  });

  it('writes --output atomically and several formats at once', async () => {
    const out = join(dir, 'out');
    await mkdir(out);
    const r = await mfaguard(['scan', '--snapshot', join(dir, 'tenant.json'), '--format', 'json', '--output', join(out, 'r.json'), '--format', 'table', '--output', join(out, 'r.txt')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(await readFile(join(out, 'r.json'), 'utf8')).mfaguardReport).toBe(1);
    expect(await readFile(join(out, 'r.txt'), 'utf8')).toContain('azure-owner-mfa');
    expect((await readdir(out)).sort()).toEqual(['r.json', 'r.txt']); // no temp files left behind
  });

  it('prints a table without colour when not on a terminal, with colour when forced', async () => {
    const plain = await mfaguard(['scan', '--snapshot', join(dir, 'tenant.json')]);
    expect(plain.stdout).toContain('UNHEALTHY alice@contoso.com');
    expect(plain.stdout).not.toContain('\x1b[');
    const colored = await mfaguard(['scan', '--snapshot', join(dir, 'tenant.json')], { FORCE_COLOR: '1' });
    expect(colored.stdout).toContain('\x1b[31m');
  });

  it('--redact replaces UPNs and names with stable pseudonyms and keeps object ids', async () => {
    const a = await mfaguard(['scan', '--snapshot', join(dir, 'tenant.json'), '--format', 'json', '--redact']);
    const b = await mfaguard(['scan', '--snapshot', join(dir, 'tenant.json'), '--format', 'json', '--redact']);
    expect(a.stdout).not.toMatch(/alice|bob@/i);
    expect(a.stdout).toContain(alice.id);
    const ra = JSON.parse(a.stdout);
    const rb = JSON.parse(b.stdout);
    expect(ra.principals[0].userPrincipalName).toMatch(/^user-[0-9a-f]{10}@redacted\.invalid$/);
    expect(ra.principals[0].userPrincipalName).toBe(rb.principals[0].userPrincipalName);
    expect(ra.principals[0].userPrincipalName).not.toBe(ra.principals[1].userPrincipalName);
  });

  it('rejects bad usage with exit 2', async () => {
    expect((await mfaguard(['scan'])).code).toBe(2);
    expect((await mfaguard(['scan', '--snapshot', 'x', '--bogus'])).code).toBe(2);
    expect((await mfaguard(['scan', '--demo', '--format', 'pdf'])).code).toBe(2);
    expect((await mfaguard(['scan', '--demo', '--fail-on', 'critical-ish'])).code).toBe(2);
    expect((await mfaguard(['frobnicate'])).code).toBe(2);
  });
});

describe('bad input: exit 2, a message naming file/line/key, no stack, no partial report', () => {
  it('not JSON', async () => {
    await writeFile(join(dir, 'bad.json'), '{\n  "mfaguardSnapshot": 1,\n  "tenant": {\n}}}\n');
    const r = await mfaguard(['scan', '--snapshot', join(dir, 'bad.json'), '--output', join(dir, 'never.json'), '--format', 'json']);
    expectCleanInputError(r);
    expect(r.stderr).toMatch(/bad\.json:4: not valid JSON/);
    await expect(readFile(join(dir, 'never.json'))).rejects.toThrow();
  });

  it('wrong mfaguardSnapshot version', async () => {
    await writeFile(join(dir, 'v2.json'), JSON.stringify({ ...tenant, mfaguardSnapshot: 2 }));
    const r = await mfaguard(['scan', '--snapshot', join(dir, 'v2.json')]);
    expectCleanInputError(r);
    expect(r.stderr).toContain('key "mfaguardSnapshot"');
  });

  it('wrong types name the key', async () => {
    const bad = JSON.parse(JSON.stringify(tenant));
    bad.users[1].accountEnabled = 'yes';
    await writeFile(join(dir, 'types.json'), JSON.stringify(bad));
    const r = await mfaguard(['scan', '--snapshot', join(dir, 'types.json')]);
    expectCleanInputError(r);
    expect(r.stderr).toContain('types.json: key "users[1].accountEnabled": expected boolean, got string');
  });

  it('truncated NDJSON names the file and the line', async () => {
    const d = join(dir, 'snapdir');
    await mkdir(d);
    const { users, ...rest } = tenant;
    await writeFile(join(d, 'manifest.json'), JSON.stringify(rest));
    await writeFile(join(d, 'users.ndjson'), users!.map((u) => JSON.stringify(u)).join('\n').slice(0, -20));
    const r = await mfaguard(['scan', '--snapshot', d]);
    expectCleanInputError(r);
    expect(r.stderr).toMatch(/users\.ndjson:2: not valid JSON/);
  });

  it('truncated gzip', async () => {
    const gz = gzipSync(Buffer.from(JSON.stringify(tenant)));
    await writeFile(join(dir, 'cut.json.gz'), gz.subarray(0, gz.length - 30));
    const r = await mfaguard(['scan', '--snapshot', join(dir, 'cut.json.gz')]);
    expectCleanInputError(r);
    expect(r.stderr).toContain('cut.json.gz');
  });

  it('missing file', async () => {
    expectCleanInputError(await mfaguard(['scan', '--snapshot', join(dir, 'nope.json')]));
  });
});

describe('mfaguard explain', () => {
  it('prints the chain of reasoning for one user and target', async () => {
    const r = await mfaguard(['explain', '--snapshot', join(dir, 'tenant.json'), '--user', 'ALICE@contoso.com', '--target', 'azureManagement']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('groups: Contractors, CA-Exclusions (via Contractors)');
    expect(r.stdout).toContain('Azure access: owner');
    expect(r.stdout).toContain('azureManagement');
    expect(r.stdout).toContain('EXCLUDED');
    expect(r.stdout).toContain("CA01 MFA all [enabled] userExcluded: would require MFA, but the user is excluded through group 'Contractors', nested in 'CA-Exclusions'");
    expect(r.stdout).not.toContain('office365');
  });

  it('explains as JSON with a per-policy trace', async () => {
    const r = await mfaguard(['explain', '--snapshot', join(dir, 'tenant.json'), '--user', bob.id, '--format', 'json']);
    const out = JSON.parse(r.stdout);
    expect(out.coverage.anyApp).toMatchObject({ state: 'enforced', mechanisms: ['perUserMfa', 'conditionalAccess'] });
    expect(out.coverage.anyApp.trace[0]).toMatchObject({ policyName: 'CA01 MFA all', outcome: 'enforces' });
  });

  it('says clearly when the user does not exist', async () => {
    const r = await mfaguard(['explain', '--snapshot', join(dir, 'tenant.json'), '--user', 'nobody@contoso.com']);
    expectCleanInputError(r);
    expect(r.stderr).toContain('no user with UPN, mail or id "nobody@contoso.com"');
  });
});

describe('mfaguard scan --demo', () => {
  it('scans the bundled demo tenant end to end', async () => {
    const r = await mfaguard(['scan', '--demo', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.tenant.displayName).toBe('Northwind Traders');
    expect(report.principals.length).toBeGreaterThanOrEqual(140);
    expect(report.dataGaps).toEqual([]);
    const unhealthy = report.findings.filter((f: { status: string }) => f.status === 'unhealthy').map((f: { ruleId: string; resourceName: string }) => `${f.ruleId} ${f.resourceName}`);
    expect(unhealthy).toContain('directory-admin-mfa adm-jleverling@northwindtraders.com');
    // demo/mfaguard.yaml (the demo's own configuration) exempts svc-deploy's scoped write access and the break-glass accounts
    const exempt = report.findings.filter((f: { status: string }) => f.status === 'exempt').map((f: { ruleId: string; resourceName: string }) => `${f.ruleId} ${f.resourceName}`);
    expect(exempt).toContain('azure-write-mfa svc-deploy@northwindtraders.com');
    expect(exempt).toContain('directory-admin-mfa breakglass1@northwindtraders.com');
    const plain = JSON.parse((await mfaguard(['scan', '--demo', '--no-config', '--format', 'json'])).stdout);
    expect(plain.findings.filter((f: { status: string }) => f.status === 'exempt')).toEqual([]);
    const table = await mfaguard(['scan', '--demo']);
    expect(table.stdout).toContain('Coverage by target');
  });
});
