/**
 * Each failure is named with its stage, and none stops the others: a configuration for another tenant
 * (config), a missing secret variable (auth), a required collection denied (collect: the tenant keeps
 * an incomplete row), while a healthy tenant completes beside them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { progressLine, scanTenants } from '../../src/app/tenants.js';
import { safeFileName } from '../../src/cli/scan-tenants.js';
import { startFleet, type Fleet } from './helpers.js';

let dir: string;
let fleet: Fleet | undefined;
afterAll(async () => {
  await fleet?.emu.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('names the stage of each failure and completes the healthy tenant', async () => {
  dir = await mkdtemp(join(tmpdir(), 'mfaguard-tenants-stages-'));
  await writeFile(join(dir, 'other.yaml'), 'mfaguardConfig: 1\ntenant: 00000000-0000-4000-8000-0000000000aa\n');
  fleet = await startFleet(dir, {
    count: 4, users: 20, failing: -1, limits: 'none',
    deny: (i) => (i === 3 ? { users: 'permission' } : undefined),
    perTenant: (i) => ['signIns: off', ...(i === 1 ? ['config: other.yaml'] : i === 2 ? ['clientSecretEnv: NOT_SET_ANYWHERE_MFAGUARD'] : [])],
  });
  const progress: string[] = [];
  const r = await scanTenants({ tenants: fleet.file, state: false, env: fleet.env, onProgress: (e) => progress.push(`${e.tenant} ${e.event} ${e.stage ?? ''}`) });
  const byName = Object.fromEntries(r.outcomes.map((o) => [o.entry.name, o]));
  expect(byName['customer-01']!.status).toBe('ok');
  expect(byName['customer-02']!.failure).toMatchObject({ stage: 'config', message: expect.stringContaining('this configuration is for tenant') });
  expect(byName['customer-03']!.failure).toMatchObject({ stage: 'auth', message: expect.stringContaining('NOT_SET_ANYWHERE_MFAGUARD') });
  expect(byName['customer-04']!.status).toBe('incomplete');
  expect(byName['customer-04']!.failure).toMatchObject({ stage: 'collect', message: expect.stringMatching(/users \(403/) });
  expect(r.rollup.tenants.map((t) => t.name).sort()).toEqual(['customer-01', 'customer-04']);
  expect(r.rollup.tenants.find((t) => t.name === 'customer-04')!.incomplete).toBe(true);
  expect(r.rollup.failures.map((f) => f.stage).sort()).toEqual(['auth', 'collect', 'config']);
  expect(progress).toContain('customer-03 failed auth');
  expect(progress).toContain('customer-01 done ');
  // the full report is kept in memory when nothing is recorded
  expect((await r.reportOf(r.rollup.tenants[0]!))?.tenant.id).toBe(r.rollup.tenants[0]!.tenantId);
}, 120_000);

it('makes safe file names from hostile tenant names', () => {
  expect(safeFileName('../../etc/passwd')).toBe('etc_passwd');
  expect(safeFileName('Contoso Ltd.')).toBe('Contoso_Ltd.');
  expect(safeFileName('\u202e<script>')).toBe('script_');
  expect(safeFileName('...')).toBe('tenant');
});

it('progress lines show hostile tenant names and messages escaped', () => {
  const line = progressLine({ tenant: '\x1b[2J\u202eevil\n', event: 'failed', stage: 'auth', message: 'bad\x1b]0;title\x07' });
  expect(line).toBe('mfaguard: [\\x1b[2J\\u202eevil\\n] FAILED (auth): bad\\x1b]0;title\\x07');
});
