/** The tenants file: what it accepts, and errors that name the file, the line and the key. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTenantsText, readTenantsFile } from '../../src/app/tenants-file.js';
import { InputError } from '../../src/errors.js';
import { mfaguard } from '../cli/run.js';

const ID1 = '11111111-1111-4111-8111-111111111111';
const WS = '22222222-2222-4222-8222-222222222222';

const errorOf = (text: string): InputError => {
  try {
    parseTenantsText(text, '/msp/tenants.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('no error');
};

describe('tenants file', () => {
  it('merges the defaults (one multi-tenant app) with per-tenant overrides; paths are relative to the file', () => {
    const f = parseTenantsText([
      'mfaguardTenants: 1',
      'defaults:',
      '  auth: client-secret',
      '  clientId: app-1',
      '  clientSecretEnv: MSP_SECRET',
      '  signIns: 7d',
      'tenants:',
      `  - tenant: ${ID1}`,
      '    name: Contoso',
      '    config: contoso/mfaguard.yaml',
      `    logAnalyticsWorkspace: ${WS}`,
      '  - tenant: fabrikam.onmicrosoft.com',
      '    auth: certificate',
      '    certificatePath: certs/fabrikam.pem',
      '    cloud: AzureUSGovernment',
      '    signIns: { days: 14, scope: all }',
      '    skip: [azure]',
    ].join('\n'), '/msp/tenants.yaml');
    expect(f.tenants).toHaveLength(2);
    expect(f.tenants[0]).toMatchObject({ name: 'Contoso', tenant: ID1, auth: 'client-secret', clientId: 'app-1', clientSecretEnv: 'MSP_SECRET', config: '/msp/contoso/mfaguard.yaml', logAnalyticsWorkspace: WS, signIns: { days: 7, scope: 'evidence' }, source: { line: 8 } });
    expect(f.tenants[1]).toMatchObject({ name: 'fabrikam.onmicrosoft.com', auth: 'certificate', clientId: 'app-1', certificatePath: '/msp/certs/fabrikam.pem', cloud: 'AzureUSGovernment', signIns: { days: 14, scope: 'all' }, skip: ['azure'] });
  });

  it.each([
    ['a missing version', 'tenants:\n  - tenant: a\n', 1, 'mfaguardTenants', /missing/],
    ['another version', 'mfaguardTenants: 2\ntenants:\n  - tenant: a\n', 1, 'mfaguardTenants', /unsupported format version 2/],
    ['no tenants', 'mfaguardTenants: 1\ntenants: []\n', 2, 'tenants', /non-empty list/],
    ['an unknown key', 'mfaguardTenants: 1\ntenants:\n  - tenant: a\n    clientid: x\n', 4, 'tenants[0].clientid', /unknown key "clientid"/],
    ['a secret written inline', 'mfaguardTenants: 1\ndefaults:\n  clientSecret: hunter2hunter2\ntenants:\n  - tenant: a\n', 3, 'defaults.clientSecret', /never written in the tenants file.*clientSecretEnv/],
    ['a secret value in an …Env key', 'mfaguardTenants: 1\ntenants:\n  - tenant: a\n    clientSecretEnv: "abc~DEF.123-secret"\n', 4, 'tenants[0].clientSecretEnv', /NAME of an environment variable/],
    ['an unknown auth mode', 'mfaguardTenants: 1\ntenants:\n  - tenant: a\n    auth: password\n', 4, 'tenants[0].auth', /expected one of default, device-code/],
    ['an unknown cloud', 'mfaguardTenants: 1\ndefaults:\n  cloud: Mars\ntenants:\n  - tenant: a\n', 3, 'defaults.cloud', /AzureCloud/],
    ['a missing tenant', 'mfaguardTenants: 1\ntenants:\n  - name: a\n', 3, 'tenants[0].tenant', /missing "tenant"/],
    ['a tenant twice', 'mfaguardTenants: 1\ntenants:\n  - tenant: a\n    name: A\n  - tenant: A\n    name: B\n', 5, 'tenants[1].tenant', /already listed as tenants\[0\]/],
    ['a name twice', 'mfaguardTenants: 1\ntenants:\n  - tenant: a\n    name: Same\n  - tenant: b\n    name: same\n', 6, 'tenants[1].name', /already used/],
    ['a workspace that is not a GUID', 'mfaguardTenants: 1\ntenants:\n  - tenant: a\n    logAnalyticsWorkspace: my-workspace\n', 4, 'tenants[0].logAnalyticsWorkspace', /GUID/],
    ['a bad URL', 'mfaguardTenants: 1\ndefaults:\n  authorityHost: login.example\ntenants:\n  - tenant: a\n', 3, 'defaults.authorityHost', /http\(s\) URL/],
    ['an unknown collection to skip', 'mfaguardTenants: 1\ntenants:\n  - tenant: a\n    skip: [users, nope]\n', 4, 'tenants[0].skip[1]', /unknown collection "nope"/],
    ['bad sign-in days', 'mfaguardTenants: 1\ntenants:\n  - tenant: a\n    signIns: { days: 400 }\n', 4, 'tenants[0].signIns.days', /1–365/],
    ['a number where text belongs', 'mfaguardTenants: 1\ntenants:\n  - tenant: 12345\n', 3, 'tenants[0].tenant', /quote it/],
  ])('refuses %s, naming the line and key', (_what, text, line, key, msg) => {
    const e = errorOf(text);
    expect(e.file).toBe('/msp/tenants.yaml');
    expect(e.line).toBe(line);
    expect(e.key).toBe(key);
    expect(e.message).toMatch(msg);
  });

  it('never echoes a secret pasted into an …Env key', () => {
    const e = errorOf('mfaguardTenants: 1\ntenants:\n  - tenant: a\n    clientSecretEnv: "Zq8~verylongsecretvalue-that-is-not-a-name.0123456789"\n');
    expect(e.message).not.toContain('verylongsecretvalue');
  });

  it('reports YAML syntax errors with the line; JSON works too', () => {
    const e = errorOf('mfaguardTenants: 1\ntenants:\n  - tenant: a\n   name: [unclosed\n');
    expect(e.line).toBeGreaterThanOrEqual(3);
    expect(e.message).toMatch(/not valid YAML or JSON/);
    expect(parseTenantsText(JSON.stringify({ mfaguardTenants: 1, tenants: [{ tenant: ID1 }] }), 't.json').tenants[0]!.tenant).toBe(ID1);
  });

  describe('on the command line', () => {
    let dir: string;
    beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mfaguard-tenants-file-')); });
    afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

    it('a bad tenants file exits 2 with file:line: key, before any tenant is contacted', async () => {
      const file = join(dir, 'tenants.yaml');
      await writeFile(file, 'mfaguardTenants: 1\ntenants:\n  - tenant: a\n    auth: password\n');
      const r = await mfaguard(['scan', '--tenants', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${file}:4: key "tenants[0].auth": expected one of`);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
      const missing = await mfaguard(['scan', '--tenants', join(dir, 'nope.yaml')]);
      expect(missing.code).toBe(2);
      await expect(readTenantsFile(join(dir, 'nope.yaml'))).rejects.toThrow(/cannot read the tenants file/);
    });

    it('single-tenant flags are refused with --tenants, and --concurrency needs it', async () => {
      const file = join(dir, 'ok.yaml');
      await writeFile(file, `mfaguardTenants: 1\ntenants:\n  - tenant: ${ID1}\n`);
      expect((await mfaguard(['scan', '--tenants', file, '--snapshot', 'x.json'])).stderr).toMatch(/--snapshot cannot be combined with --tenants/);
      expect((await mfaguard(['scan', '--tenants', file, '--concurrency', '0'])).code).toBe(2);
      const r = await mfaguard(['scan', '--demo', '--concurrency', '3']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--concurrency needs --tenants/);
    });
  });
});
