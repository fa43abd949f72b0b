#!/usr/bin/env node
// `npm run bench:tenants`: many small generated tenants behind ONE emulator process (each with Graph's
// and ARM's published limits, its own token buckets), one of them refusing the shared app's secret,
// scanned with `scanTenants` (what `mfaguard scan --tenants` runs). Prints the wall time of the whole
// run, the slowest single tenant in it, and — for comparison — each tenant scanned alone, one after
// another (the sum the parallel run avoids, and the slowest alone).
//   node bench/tenants.mjs [--tenants 20] [--users 200] [--concurrency 20] [--no-alone]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: {
  tenants: { type: 'string', default: '20' }, users: { type: 'string', default: '200' }, concurrency: { type: 'string' }, 'no-alone': { type: 'boolean' },
} });
const count = Number(values.tenants);
const users = Number(values.users);
const concurrency = Number(values.concurrency ?? count);
const failing = Math.min(7, count - 1);
const { generateSnapshot } = await import('../dist/devkit/gen/generate.js');
const { startEmulator, DEFAULT_CLIENT } = await import('../dist/devkit/emulator/index.js');
const { scanTenants } = await import('../dist/src/app/tenants.js');
const { scan } = await import('../dist/src/app/scan.js');

const s = (ms) => (ms / 1000).toFixed(1);
const dir = mkdtempSync(join(tmpdir(), 'mfaguard-bench-tenants-'));
try {
  process.stderr.write(`generating ${count} tenants of ${users} users ...\n`);
  const snapshots = Array.from({ length: count }, (_, i) => generateSnapshot({ users, seed: `bench-tenant-${i + 1}` }));
  const emu = await startEmulator({
    snapshot: snapshots[0], tls: true,
    tenants: snapshots.slice(1).map((snapshot, j) => ({ snapshot, ...(j + 1 === failing ? { clients: [{ clientId: DEFAULT_CLIENT.clientId, clientSecret: 'not-the-shared-secret' }] } : {}) })),
  });
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, emu.ca);
  const file = join(dir, 'tenants.yaml');
  writeFileSync(file, ['mfaguardTenants: 1', 'defaults:', '  auth: client-secret', `  clientId: ${emu.clientId}`, '  clientSecretEnv: BENCH_MSP_SECRET',
    `  authorityHost: ${emu.authorityHost}`, `  graphEndpoint: ${emu.graphUrl}`, `  armEndpoint: ${emu.armUrl}`, `  caFile: ${ca}`, 'tenants:',
    ...snapshots.map((x, i) => `  - tenant: ${x.tenant.id}\n    name: tenant-${String(i + 1).padStart(2, '0')}`)].join('\n') + '\n');
  const env = { ...process.env, BENCH_MSP_SECRET: emu.clientSecret };
  delete env.AZURE_TENANT_ID;

  const run = await scanTenants({ tenants: file, concurrency, state: join(dir, 'state'), env });
  const slowest = run.outcomes.reduce((a, o) => (o.wallMs > a.wallMs ? o : a));
  const sum = run.outcomes.reduce((a, o) => a + o.wallMs, 0);
  const floor = Math.max(...Object.values(emu.tenants).map((t) => t.stats().theoreticalMinSeconds));

  let alone;
  if (!values['no-alone']) {
    const times = [];
    for (const [i, x] of snapshots.entries()) {
      if (i === failing) continue;
      for (const t of Object.values(emu.tenants)) t.resetStats();
      const t0 = Date.now();
      await scan({ source: { collect: { tenant: x.tenant.id, auth: 'client-secret', clientId: emu.clientId, authorityHost: emu.authorityHost, graphEndpoint: emu.graphUrl, armEndpoint: emu.armUrl, ca: [emu.ca], env: { ...env, AZURE_CLIENT_SECRET: emu.clientSecret }, quiet: true, logSink: { write: () => true } } }, state: false });
      times.push(Date.now() - t0);
    }
    alone = { sum: times.reduce((a, b) => a + b, 0), max: Math.max(...times) };
  }
  await emu.close();
  console.log(`mfaguard bench:tenants — ${count} tenants × ${users} users behind one emulator (Graph limits per tenant), concurrency ${concurrency}, ${cpus().length} CPUs`);
  console.log(`  completed ${run.rollup.tenants.length}, failed ${run.rollup.failures.length} (${run.rollup.failures.map((f) => `${f.tenant}: ${f.stage}`).join(', ')})`);
  console.log(`  wall time of the whole run:        ${s(run.wallMs)} s`);
  console.log(`  slowest single tenant in the run:  ${s(slowest.wallMs)} s (${slowest.entry.name})`);
  console.log(`  sum of the tenants' times in it:   ${s(sum)} s`);
  console.log(`  floor the limits allow per tenant: ${floor.toFixed(1)} s (the slowest tenant's buckets)`);
  if (alone) console.log(`  each tenant alone, one after another: ${s(alone.sum)} s in all, slowest ${s(alone.max)} s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
