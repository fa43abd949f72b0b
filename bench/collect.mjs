#!/usr/bin/env node
// `npm run bench:collect`: collects a generated tenant (default 100k users) from the emulator under
// Graph's and ARM's published limits, over HTTPS with @azure/identity, exactly as `mfaguard collect`
// does. Prints wall time, request count and the theoretical minimum time the limits allow (the
// emulator's accounting: per token bucket max(0, (cost − capacity) / refill), the maximum over buckets),
// then times per-user MFA state the naive way (one request per user) and batched, against ours (the
// state comes with the user list).
//   node bench/collect.mjs [--users 100000] [--seed 1] [--no-naive] [--no-batch] [--faults 0]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    faults: { type: 'string', default: '0' },
    'no-naive': { type: 'boolean' },
    'no-batch': { type: 'boolean' },
  },
});
const users = Number(values.users.replace(/k$/i, '000'));
const { generateSnapshot } = await import('../dist/devkit/gen/generate.js');
const { collectTenant } = await import('../dist/src/collect/collect.js');
let emulatorModule;
for (const spec of ['../dist/devkit/emulator/index.js', '../dist/devkit/emulator/server.js']) {
  try {
    emulatorModule = await import(spec);
    if (emulatorModule.startEmulator) break;
  } catch (err) {
    if (err.code !== 'ERR_MODULE_NOT_FOUND') throw err;
  }
}
if (!emulatorModule?.startEmulator) throw new Error('the emulator (src/emulator) is not built');

const s = (ms) => (ms / 1000).toFixed(1);
process.stderr.write(`generating ${users.toLocaleString('en-US')} users (seed ${values.seed}) ...\n`);
const snapshot = generateSnapshot({ users, seed: values.seed });
const faults = Number(values.faults);
const emu = await emulatorModule.startEmulator({ snapshot, port: 0, tls: true, limits: 'graph', ...(faults ? { faults: { rate: faults } } : {}) });
const work = mkdtempSync(join(tmpdir(), 'mfaguard-bench-collect-'));
const base = {
  auth: 'client-secret', tenant: emu.tenantId, clientId: emu.clientId,
  env: { ...process.env, AZURE_CLIENT_SECRET: emu.clientSecret },
  authorityHost: emu.authorityHost, graphEndpoint: emu.graphUrl, armEndpoint: emu.armUrl, ca: emu.ca ? [emu.ca] : undefined,
  logFormat: 'text', quiet: true,
};
const ALL = ['tenant', 'users', 'authenticationRequirements', 'userRegistrationDetails', 'groups', 'groupMembers', 'servicePrincipals', 'roleDefinitions',
  'roleAssignments', 'roleEligibilitySchedules', 'conditionalAccessPolicies', 'namedLocations', 'authenticationStrengthPolicies', 'securityDefaults',
  'authenticationMethods', 'subscriptions', 'azureRoleDefinitions', 'azureRoleAssignments', 'classicAdministrators'];

try {
  // 1. The real thing.
  emu.resetStats();
  process.stderr.write('collecting the whole tenant ...\n');
  const r = await collectTenant({ ...base, out: join(work, 'full') });
  const st = emu.stats();
  const min = st.theoreticalMinSeconds;
  const binding = Object.entries(st.minSecondsByBucket).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ');
  const cpu = cpus();
  console.log(`\nmachine: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
  console.log(`tenant: ${users.toLocaleString('en-US')} users, ${snapshot.groups.length.toLocaleString('en-US')} groups, ${snapshot.conditionalAccessPolicies.length} CA policies, ${snapshot.subscriptions.length} subscriptions; limits: graph${faults ? `; faults ${faults}` : ''}`);
  console.log(`full collection: wall ${s(r.wallMs)} s, ${st.totalRequests.toLocaleString('en-US')} requests at the emulator (${r.requests.toLocaleString('en-US')} sent by the collector, ${r.retries} retried, ${st.throttled} throttled by the emulator)`);
  console.log(`theoretical minimum under the limits: ${min.toFixed(1)} s (binding buckets: ${binding})`);
  console.log(`wall / minimum: ${(r.wallMs / 1000 / Math.max(min, 0.001)).toFixed(3)}× (target ≤ 1.25×)`);
  console.log(`per collection (s): ${Object.entries(r.durations).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${s(v)}`).join(', ')}`);
  const usersMs = r.durations.users;

  // 2. Per-user MFA state, naive and batched, for comparison (only users + requirements collected).
  const perUser = async (mode) => {
    emu.resetStats();
    const rr = await collectTenant({ ...base, out: join(work, mode), perUserMfa: mode, skip: ALL.filter((k) => k !== 'users' && k !== 'authenticationRequirements'), authMethodsFor: 'none' });
    const es = emu.stats();
    return { ms: rr.durations.authenticationRequirements, requests: rr.requests, min: es.theoreticalMinSeconds };
  };
  console.log(`\nper-user MFA state, ours: read from the user list (perUserMfaState in $select): 0 extra requests; the user list took ${s(usersMs)} s`);
  if (!values['no-batch']) {
    process.stderr.write('per-user MFA state, batched ...\n');
    const b = await perUser('batch');
    console.log(`per-user MFA state, $batch of 20 per request: ${s(b.ms)} s, ${b.requests.toLocaleString('en-US')} requests (limits allow ≥ ${b.min.toFixed(1)} s for the run); ${(b.ms / usersMs).toFixed(1)}× ours`);
  }
  if (!values['no-naive']) {
    process.stderr.write('per-user MFA state, naive (one request per user) ...\n');
    const n = await perUser('naive');
    console.log(`per-user MFA state, naive one request per user: ${s(n.ms)} s, ${n.requests.toLocaleString('en-US')} requests (limits allow ≥ ${n.min.toFixed(1)} s); naive / ours = ${(n.ms / usersMs).toFixed(1)}×`);
  }
} finally {
  await emu.close();
  rmSync(work, { recursive: true, force: true });
}
