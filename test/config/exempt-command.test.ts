/**
 * `mfaguard exempt` / addExemption: appends a valid entry keeping comments and layout, creates the
 * file when missing, validates before writing (a bad entry writes nothing), writes atomically.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addExemption } from '../../src/app/exempt.js';
import { loadConfig } from '../../src/app/config.js';
import { InputError } from '../../src/errors.js';
import { mfaguard } from '../cli/run.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'mfaguard-exempt-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const EXISTING = `# Northwind's reviewed exceptions — owner: security team
mfaguardConfig: 1
tenant: 5c1a6d3e-7b2f-4e8a-9d41-0b6c2f8e9a17  # production tenant

breakGlassAccounts:
  - breakglass1@northwindtraders.com   # FIDO2 key in the safe

exemptions:
  # legacy pipeline, see SEC-1
  - rules: azure-write-mfa
    resource: svc-deploy@northwindtraders.com
    reason: pipeline
    expires: 2027-12-31
`;

describe('addExemption', () => {
  it('appends to an existing file, keeping its comments and layout', async () => {
    const file = join(dir, 'mfaguard.yaml');
    await writeFile(file, EXISTING);
    const r = await addExemption({
      file, rules: ['directory-admin-mfa'], resource: 'adm-pwilson@northwindtraders.com', reason: 'AU-scoped admin: covered by the Duo proxy',
      expires: '2027-06-30', category: 'mitigated', approvedBy: 'ciso@northwindtraders.com', ticket: 'SEC-77',
    });
    expect(r.created).toBe(false);
    const text = await readFile(file, 'utf8');
    // everything that was there is still there, byte for byte
    expect(text.startsWith(EXISTING)).toBe(true);
    expect(text).toContain('# FIDO2 key in the safe');
    expect(text).toContain('# legacy pipeline, see SEC-1');
    const config = await loadConfig(file);
    expect(config.exemptions).toHaveLength(2);
    expect(config.exemptions[1]).toMatchObject({
      rules: ['directory-admin-mfa'], resource: 'adm-pwilson@northwindtraders.com', category: 'mitigated',
      expires: '2027-06-30T00:00:00.000Z', approvedBy: 'ciso@northwindtraders.com', ticket: 'SEC-77',
    });
    expect(r.exemption.source.line).toBeGreaterThan(13);
  });

  it('creates the file with mfaguardConfig: 1 when missing', async () => {
    const file = join(dir, 'new.yaml');
    const r = await addExemption({ file, rules: '*', group: '6b1f0000-0000-4000-8000-000000000001', reason: 'lab', expires: '2027-01-01T12:00:00Z' });
    expect(r.created).toBe(true);
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^mfaguardConfig: 1\n/);
    expect((await loadConfig(file)).exemptions[0]).toMatchObject({ rules: '*', group: '6b1f0000-0000-4000-8000-000000000001' });
  });

  it('extends an empty flow list and an empty key', async () => {
    for (const start of ['mfaguardConfig: 1\nexemptions: []\n', 'mfaguardConfig: 1 # v1\nexemptions:\n']) {
      const file = join(dir, 'flow.yaml');
      await writeFile(file, start);
      await addExemption({ file, rules: ['nonprivileged-user-mfa'], resource: 'u@contoso.com', reason: 'r', expires: '2027-01-01' });
      expect((await loadConfig(file)).exemptions, start).toHaveLength(1);
    }
  });

  it('keeps a JSON configuration JSON', async () => {
    const file = join(dir, 'mfaguard.json');
    await writeFile(file, JSON.stringify({ mfaguardConfig: 1, breakGlassAccounts: ['bg@contoso.com'] }));
    await addExemption({ file, rules: ['nonprivileged-user-mfa'], resource: 'u@contoso.com', reason: 'r', expires: '2027-01-01' });
    const doc = JSON.parse(await readFile(file, 'utf8'));
    expect(doc.exemptions).toHaveLength(1);
    expect(doc.breakGlassAccounts).toEqual(['bg@contoso.com']);
  });

  it.each([
    ['an unknown rule', { rules: ['no-such-rule'] }, /unknown rule id/],
    ['a bad date', { expires: '2027-02-30' }, /not a date/],
    ['scope on a non-Azure rule', { rules: ['directory-admin-mfa'], scope: '/subscriptions/x' }, /Azure rules only/],
  ] as const)('refuses %s and writes nothing', async (_n, patch, message) => {
    const file = join(dir, 'mfaguard.yaml');
    await writeFile(file, EXISTING);
    await expect(addExemption({ file, rules: ['azure-write-mfa'], resource: 'u@contoso.com', reason: 'r', expires: '2027-01-01', ...patch }))
      .rejects.toThrow(message);
    expect(await readFile(file, 'utf8')).toBe(EXISTING);
    expect(await readdir(dir)).toEqual(['mfaguard.yaml']); // no temporary left behind
  });

  it('refuses to build on an invalid file', async () => {
    const file = join(dir, 'mfaguard.yaml');
    await writeFile(file, 'mfaguardConfig: 1\nexemptons: []\n');
    await expect(addExemption({ file, rules: ['azure-write-mfa'], resource: 'u@contoso.com', reason: 'r', expires: '2027-01-01' })).rejects.toBeInstanceOf(InputError);
    expect(await readFile(file, 'utf8')).toBe('mfaguardConfig: 1\nexemptons: []\n');
  });
});

describe('mfaguard exempt (CLI)', () => {
  it('appends with the default file in the working directory, then scan applies it', async () => {
    const r = await mfaguard(['exempt', '--rule', 'azure-write-mfa', '--user', 'svc-deploy@northwindtraders.com', '--reason', 'pipeline', '--expires', '2030-01-01', '--ticket', 'SEC-9'], {}, { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/created .*mfaguard\.yaml: exemption at line \d+/);
    expect(await readFile(join(dir, 'mfaguard.yaml'), 'utf8')).toMatch(/^mfaguardConfig: 1\n/);
    const s = await mfaguard(['scan', '--snapshot', join(import.meta.dirname, '..', '..', 'demo', 'tenant.json'), '--format', 'json', '--as-of', '2027-01-01'], {}, { cwd: dir });
    expect(s.code, s.stderr).toBe(0);
    const report = JSON.parse(s.stdout);
    expect(report.findings.find((f: { ruleId: string; resourceName: string }) => f.ruleId === 'azure-write-mfa' && f.resourceName.startsWith('svc-deploy@')).status).toBe('exempt');
  });

  it('usage errors exit 2 and write nothing', async () => {
    for (const args of [
      ['exempt', '--user', 'u', '--reason', 'r', '--expires', '2027-01-01'],
      ['exempt', '--rule', 'azure-write-mfa', '--reason', 'r', '--expires', '2027-01-01'],
      ['exempt', '--rule', 'azure-write-mfa', '--user', 'u', '--reason', 'r'],
      ['exempt', '--rule', 'azure-write-mfa', '--user', 'u', '--reason', 'r', '--expires', 'soon'],
      ['exempt', '--rule', 'azure-wrte-mfa', '--user', 'u', '--reason', 'r', '--expires', '2027-01-01'],
    ]) {
      const r = await mfaguard(args, {}, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(await readdir(dir)).toEqual([]);
  });
});
