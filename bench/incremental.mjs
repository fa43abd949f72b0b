#!/usr/bin/env node
// `npm run bench:incremental`: a generated tenant (default 100k users) behind the emulator with Graph's
// and ARM's published limits, over HTTPS with @azure/identity as `mfaguard collect` does:
//   1. a full collection with --incremental (the first run: it also stores delta links);
//   2. 0.5 % of the users and 20 groups change (emulator mutation API);
//   3. an incremental collection (within the registration max age, so the report is reused);
//   4. a full re-collection of the changed tenant, compared object for object with the incremental
//      snapshot (equal apart from the reused registration details).
// Prints wall time, request count and the floor the limits allow (the emulator's accounting) for each.
//   node bench/incremental.mjs [--users 100000] [--seed 1] [--user-changes 0.005] [--group-changes 20] [--no-compare]
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    'user-changes': { type: 'string', default: '0.005' },
    'group-changes': { type: 'string', default: '20' },
    'no-compare': { type: 'boolean' },
  },
});
const users = Number(values.users.replace(/k$/i, '000'));
const { generateSnapshot } = await import('../dist/devkit/gen/generate.js');
const { collectTenant } = await import('../dist/src/collect/collect.js');
const { FileDeltaStateStore } = await import('../dist/src/collect/delta-state.js');
const { startEmulator } = await import('../dist/devkit/emulator/index.js');

const s = (ms) => (ms / 1000).toFixed(1);
process.stderr.write(`generating ${users.toLocaleString('en-US')} users (seed ${values.seed}) ...\n`);
const snapshot = generateSnapshot({ users, seed: values.seed });
const emu = await startEmulator({ snapshot, port: 0, tls: true, limits: 'graph' });
const work = mkdtempSync(join(tmpdir(), 'mfaguard-bench-incremental-'));
const state = new FileDeltaStateStore(join(work, 'state'));
const base = {
  auth: 'client-secret', tenant: emu.tenantId, clientId: emu.clientId,
  env: { ...process.env, AZURE_CLIENT_SECRET: emu.clientSecret },
  authorityHost: emu.authorityHost, graphEndpoint: emu.graphUrl, armEndpoint: emu.armUrl, ca: emu.ca ? [emu.ca] : undefined,
  logFormat: 'text', quiet: true,
};

/** One collection with fresh limiter buckets; wall, requests at the emulator and the floor. */
async function run(label, opts) {
  emu.resetStats();
  process.stderr.write(`${label} ...\n`);
  const r = await collectTenant({ ...base, ...opts });
  const st = emu.stats();
  const binding = Object.entries(st.minSecondsByBucket).sort((a, b) => b[1] - a[1]).slice(0, 2).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ');
  return { r, wallS: r.wallMs / 1000, requests: st.totalRequests, floor: st.theoreticalMinSeconds, binding };
}

/** Canonical JSON (sorted keys; arrays of members sorted) for comparing objects regardless of order. */
function canon(v) {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])]));
  return v;
}
async function lineSet(path, key) {
  const set = new Set();
  try {
    for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      const o = JSON.parse(line);
      if (key === 'groupMembers' || key === 'authenticationMethods') o.value = [...o.value].map((m) => JSON.stringify(canon(m))).sort();
      set.add(JSON.stringify(canon(o)));
    }
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  return set;
}
async function compare(a, b, keys) {
  const diffs = [];
  for (const key of keys) {
    const [x, y] = [await lineSet(join(a, `${key}.ndjson`), key), await lineSet(join(b, `${key}.ndjson`), key)];
    let only = 0;
    for (const l of x) if (!y.has(l)) only++;
    if (only || x.size !== y.size) diffs.push(`${key}: ${x.size} vs ${y.size} objects, ${only} differ`);
  }
  return diffs;
}

try {
  const out = join(work, 'snap');
  const full = await run('full collection (first --incremental run: stores delta links)', { out, incremental: { state } });

  // 0.5 % of users and 20 groups change
  const rnd = (() => { let x = 12345; return () => ((x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32); })();
  const cur = emu.currentSnapshot();
  const ids = cur.users.map((u) => u.id);
  const nUsers = Math.round(ids.length * Number(values['user-changes']));
  const changed = new Set();
  while (changed.size < nUsers) changed.add(ids[Math.floor(rnd() * ids.length)]);
  let i = 0;
  for (const id of changed) {
    const k = i++ % 10;
    if (k === 0) emu.mutate.deleteUser(id);
    else if (k === 1) emu.mutate.updateUser(id, { accountEnabled: false });
    else emu.mutate.updateUser(id, { jobTitle: `Changed ${i}`, department: `Dept ${i % 7}` });
  }
  const groupIds = cur.groups.map((g) => g.id);
  const nGroups = Number(values['group-changes']);
  const live = emu.currentSnapshot().users.map((u) => u.id);
  for (let g = 0; g < nGroups; g++) {
    const gid = groupIds[Math.floor(rnd() * groupIds.length)];
    const members = emu.currentSnapshot().groupMembers[gid.toLowerCase()] ?? [];
    for (let j = 0; j < 3; j++) emu.mutate.addMember(gid, { '@odata.type': '#microsoft.graph.user', id: live[Math.floor(rnd() * live.length)] });
    if (members.length) emu.mutate.removeMember(gid, members[Math.floor(rnd() * members.length)].id);
  }

  // and users register methods: the report the incremental run reuses does not show that yet
  const regs = emu.currentSnapshot().userRegistrationDetails ?? [];
  let registered = 0;
  const liveSet = new Set(emu.currentSnapshot().users.map((u) => u.id));
  for (const r of regs) {
    if (registered >= Math.round(ids.length * 0.001)) break;
    if (r.isMfaRegistered === false && liveSet.has(r.id)) {
      emu.mutate.setRegistration(r.id, { ...r, isMfaRegistered: true, isMfaCapable: true, methodsRegistered: ['microsoftAuthenticatorPush'] });
      registered++;
    }
  }

  const inc = await run('incremental collection', { out, incremental: { state } });
  const reg = inc.r.incremental?.reused?.userRegistrationDetails;

  const cpu = cpus();
  console.log(`\nmachine: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
  console.log(`tenant: ${users.toLocaleString('en-US')} users, ${snapshot.groups.length.toLocaleString('en-US')} groups, ${snapshot.conditionalAccessPolicies.length} CA policies, ${snapshot.subscriptions.length} subscriptions; limits: graph`);
  console.log(`changes: ${changed.size} users (${(Number(values['user-changes']) * 100).toFixed(1)} %: a tenth deleted, a tenth disabled, the rest edited), ${nGroups} groups (3 members added, 1 removed each), ${registered} users newly registered for MFA (registration report)`);
  console.log(`full collection:        wall ${s(full.wallS * 1000)} s, ${full.requests.toLocaleString('en-US')} requests; floor under the limits ${full.floor.toFixed(1)} s (binding: ${full.binding})`);
  console.log(`incremental collection: wall ${s(inc.wallS * 1000)} s, ${inc.requests.toLocaleString('en-US')} requests; floor under the limits ${inc.floor.toFixed(1)} s (binding: ${inc.binding})`);
  console.log(`  how: ${Object.entries(inc.r.incremental.collections).filter(([, v]) => v.how !== 'full').map(([k, v]) => `${k} ${v.how}${v.changed !== undefined ? ` (${v.changed} changed${v.removed !== undefined ? `, ${v.removed} removed` : ''})` : ''}`).join(', ')}`);
  console.log(`  per collection (s): ${Object.entries(inc.r.durations).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${s(v)}`).join(', ')}`);
  console.log(`  registration details reused: ${reg ? `read ${(reg.ageMs / 1000).toFixed(0)} s before (${reg.collectedAt})` : 'no'}`);
  console.log(`speed-up: ${(full.wallS / inc.wallS).toFixed(1)}× (target ≥ 10×); incremental ${inc.wallS <= 20 ? '≤' : '>'} 20 s (target ≤ 20 s)`);

  if (!values['no-compare']) {
    const again = await run('full re-collection of the changed tenant (for the comparison)', { out: join(work, 'full') });
    const keys = Object.keys(again.r.counts).filter((k) => k !== 'tenant' && k !== 'userRegistrationDetails');
    const diffs = await compare(join(work, 'full'), out, keys.filter((k) => !['securityDefaults'].includes(k)));
    const regDiff = await compare(join(work, 'full'), out, ['userRegistrationDetails']);
    console.log(`full re-collection:     wall ${s(again.wallS * 1000)} s, ${again.requests.toLocaleString('en-US')} requests`);
    console.log(`comparison, incremental vs full re-collection: ${diffs.length ? `DIFFERENT: ${diffs.join('; ')}` : `equal (${keys.length} collections)`}; userRegistrationDetails (reused, so stale by design): ${regDiff.length ? regDiff.join('') : 'equal'}`);
    if (diffs.length) process.exitCode = 1;
  }
} finally {
  await emu.close();
  rmSync(work, { recursive: true, force: true });
}
