/**
 * End to end through the built CLI: `mfaguard scan --snapshot F --config C --as-of T --format json`,
 * the default ./mfaguard.yaml, --no-config, and the exit-2 cases (bad file, wrong tenant) that write
 * nothing.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, mfaguard } from '../cli/run.js';

interface Finding { ruleId: string; status: string; resourceName: string; reason: string; evidence: Record<string, unknown> }
interface Rep { findings: Finding[]; exemptions?: { asOf: string; expiringSoon: unknown[]; unmatched: unknown[] } }

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mfaguard-cfg-cli-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const CONFIG = `mfaguardConfig: 1
tenant: 5c1a6d3e-7b2f-4e8a-9d41-0b6c2f8e9a17
breakGlassAccounts: [breakglass1@northwindtraders.com]
exemptions:
  - rules: [azure-owner-mfa, directory-admin-mfa]
    resource: adm-jleverling@northwindtraders.com
    category: mitigated
    reason: Sandbox owner; FIDO2 enforced by the PAW
    expires: 2027-03-31
`;
const svc = (r: Rep, rule: string, upn: string) => r.findings.find((f) => f.ruleId === rule && f.resourceName.startsWith(upn))!;

describe('scan --config --as-of', () => {
  it('applies exemptions and break-glass accounts, and reports the header fields', async () => {
    const cfg = join(dir, 'c.yaml');
    await writeFile(cfg, CONFIG);
    const r = await mfaguard(['scan', '--snapshot', DEMO, '--config', cfg, '--as-of', '2027-03-20', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as Rep;
    expect(svc(rep, 'azure-owner-mfa', 'adm-jleverling@').status).toBe('exempt');
    expect(svc(rep, 'directory-admin-mfa', 'adm-jleverling@').status).toBe('exempt');
    expect(svc(rep, 'directory-admin-mfa', 'breakglass1@')).toMatchObject({ status: 'exempt', evidence: { exemption: { category: 'breakGlass' } } });
    expect(svc(rep, 'directory-admin-mfa', 'breakglass2@').status).toBe('unhealthy'); // not declared here
    expect(rep.exemptions).toMatchObject({ asOf: '2027-03-20T00:00:00.000Z', unmatched: [] });
    expect(rep.exemptions!.expiringSoon).toHaveLength(1);

    // after expiry: unhealthy again, and the reason says which exemption expired when
    const later = JSON.parse((await mfaguard(['scan', '--snapshot', DEMO, '--config', cfg, '--as-of', '2027-03-31T00:00:00Z', '--format', 'json'])).stdout) as Rep;
    const f = svc(later, 'azure-owner-mfa', 'adm-jleverling@');
    expect(f.status).toBe('unhealthy');
    expect(f.reason).toContain('expired 2027-03-31');
  });

  it('--fail-on does not count exempt findings', async () => {
    const cfg = join(dir, 'tenant.yaml');
    // every tenant-level finding exempt: the gate's causes no longer name the unhealthy tenant rule
    await writeFile(cfg, 'mfaguardConfig: 1\nexemptions:\n  - rules: "*"\n    resource: 5c1a6d3e-7b2f-4e8a-9d41-0b6c2f8e9a17\n    reason: r\n    expires: 2030-01-01\n');
    const without = await mfaguard(['scan', '--snapshot', DEMO, '--no-config', '--fail-on', 'low', '--allow-unknown', '--format', 'json']);
    expect(without.stderr).toMatch(/gate: .*mfa-mechanism-consistency 1/);
    const withCfg = await mfaguard(['scan', '--snapshot', DEMO, '--config', cfg, '--fail-on', 'low', '--allow-unknown', '--format', 'json', '--as-of', '2027-01-01']);
    expect(withCfg.code).toBe(1); // user findings remain
    expect(withCfg.stderr).toMatch(/gate: /);
    expect(withCfg.stderr).not.toMatch(/mfa-mechanism-consistency/);
    const rep = JSON.parse(withCfg.stdout) as Rep;
    expect(rep.findings.find((f) => f.ruleId === 'mfa-mechanism-consistency')!.status).toBe('exempt');
  });

  it('reads ./mfaguard.yaml by default, and --no-config ignores it', async () => {
    const cwd = await mkdtemp(join(dir, 'cwd-'));
    await writeFile(join(cwd, 'mfaguard.yaml'), CONFIG);
    const withDefault = JSON.parse((await mfaguard(['scan', '--snapshot', DEMO, '--as-of', '2027-01-01', '--format', 'json'], {}, { cwd })).stdout) as Rep;
    expect(svc(withDefault, 'azure-owner-mfa', 'adm-jleverling@').status).toBe('exempt');
    const without = JSON.parse((await mfaguard(['scan', '--snapshot', DEMO, '--no-config', '--format', 'json'], {}, { cwd })).stdout) as Rep;
    expect(svc(without, 'azure-owner-mfa', 'adm-jleverling@').status).toBe('unhealthy');
    expect(without.exemptions).toBeUndefined();
  });

  it('scan --demo uses the demo tenant\'s own configuration', async () => {
    const rep = JSON.parse((await mfaguard(['scan', '--demo', '--as-of', '2027-01-01', '--format', 'json'], {}, { cwd: dir })).stdout) as Rep;
    expect(svc(rep, 'directory-admin-mfa', 'breakglass2@').status).toBe('exempt');
    expect(svc(rep, 'azure-write-mfa', 'svc-deploy@').status).toBe('exempt');
  });
});

describe('bad configurations exit 2, naming file, line and key, and write nothing', () => {
  it.each([
    ['unknown rule', CONFIG.replace('directory-admin-mfa]', 'directory-admin-mfaa]'), /c-bad\.yaml:5: key "exemptions\[0\]\.rules\[1\]": unknown rule id/],
    ['missing expiry', CONFIG.replace('    expires: 2027-03-31\n', ''), /c-bad\.yaml:5: key "exemptions\[0\]\.expires": missing/],
    ['bad date', CONFIG.replace('2027-03-31', '2027-31-03'), /c-bad\.yaml:9: key "exemptions\[0\]\.expires": not a date/],
    ['unknown key', CONFIG + 'extra: 1\n', /c-bad\.yaml:10: key "extra": unknown key/],
    ['YAML syntax', CONFIG.replace('breakGlassAccounts: [breakglass1@northwindtraders.com]', 'breakGlassAccounts: [breakglass1@northwindtraders.com'), /c-bad\.yaml:\d+: not valid YAML/],
    ['resource and group', CONFIG.replace('    category:', '    group: 00000000-0000-4000-8000-000000000001\n    category:'), /key "exemptions\[0\]\.group": give either/],
    ['scope on a non-Azure rule', CONFIG.replace('    category:', '    scope: /subscriptions/x\n    category:'), /c-bad\.yaml:7: key "exemptions\[0\]\.scope": "scope" applies to the Azure rules only/],
    ['wrong tenant', CONFIG.replace('5c1a6d3e-7b2f-4e8a-9d41-0b6c2f8e9a17', '11111111-1111-4111-8111-111111111111'), /c-bad\.yaml:2: key "tenant": this configuration is for tenant 1111/],
  ])('%s', async (_name, text, message) => {
    const cfg = join(dir, 'c-bad.yaml');
    await writeFile(cfg, text);
    const outDir = await mkdtemp(join(dir, 'out-'));
    const r = await mfaguard(['scan', '--snapshot', DEMO, '--config', cfg, '--format', 'json', '--output', join(outDir, 'r.json')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await readdir(outDir)).toEqual([]);
  });

  it('a missing --config file and a bad --as-of are exit 2 too', async () => {
    expect((await mfaguard(['scan', '--snapshot', DEMO, '--config', join(dir, 'nope.yaml')])).stderr).toMatch(/nope\.yaml: no such configuration file/);
    const r = await mfaguard(['scan', '--snapshot', DEMO, '--as-of', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--as-of: not a date/);
    expect((await mfaguard(['scan', '--snapshot', DEMO, '--config', 'x', '--no-config'])).code).toBe(2);
  });
});
