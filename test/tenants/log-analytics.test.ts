/**
 * Sign-ins across many tenants: each tenant entry names its own Log Analytics workspace, and the
 * push-down queries of each tenant go to that tenant's workspace with that tenant's token (the emulator
 * routes a query by the token's tenant, so a query signed for the wrong tenant would be counted there).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { scanTenants } from '../../src/app/tenants.js';
import { startFleet, type Fleet } from './helpers.js';

let dir: string;
let fleet: Fleet | undefined;
afterAll(async () => {
  await fleet?.emu.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const workspace = (i: number) => `0000000${i}-aaaa-4bbb-8ccc-dddddddddddd`;

it("runs each tenant's sign-in analyses in that tenant's own workspace", async () => {
  dir = await mkdtemp(join(tmpdir(), 'mfaguard-tenants-la-'));
  fleet = await startFleet(dir, {
    count: 3, users: 20, failing: -1, limits: 'none',
    perTenant: (i) => (i === 2 ? ['signIns: off'] : [`logAnalyticsWorkspace: ${workspace(i)}`, 'logAnalyticsEndpoint: LA_ENDPOINT', 'signIns: off']),
  });
  const { readFile, writeFile } = await import('node:fs/promises');
  await writeFile(fleet.file, (await readFile(fleet.file, 'utf8')).replaceAll('LA_ENDPOINT', fleet.emu.logAnalyticsUrl));
  const r = await scanTenants({ tenants: fleet.file, state: false, env: fleet.env });
  expect(r.rollup.failures).toEqual([]);
  const [a, b, c] = fleet.snapshots.map((s) => fleet!.emu.tenants[s.tenant.id]!.logAnalyticsStats().queries);
  expect(a).toBeGreaterThan(0);
  expect(b).toBeGreaterThan(0);
  expect(c).toBe(0); // no workspace named: no push-down for that tenant
  // with a workspace the sign-in rules decide; without one (and sign-ins off) they stay unknown
  const row = (i: number) => r.rollup.tenants.find((t) => t.tenantId === fleet!.snapshots[i]!.tenant.id)!;
  const automation = (i: number) => row(i).rules.find((x) => x.ruleId === 'user-automation-account')!.counts;
  expect(automation(0).unknown).toBe(0);
  expect(automation(2).unknown).toBeGreaterThan(0);
}, 120_000);
