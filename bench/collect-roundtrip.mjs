#!/usr/bin/env node
// The collector acceptance round trip, by hand (`npm run build` first):
//   node bench/collect-roundtrip.mjs [--users 20000] [--faults 0.05] [--seed 1]
// 1. a generated tenant served by the emulator with injected faults, collected by the CLI in a child
//    process (`mfaguard collect`, @azure/identity client secret over HTTPS): objects must equal the source;
// 2. the same, with the child killed (`kill -9`) half way through and `mfaguard collect --resume`.
// Prints wall times, request counts, faults met, and whether every object matched.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { users: { type: 'string', default: '20000' }, faults: { type: 'string', default: '0.05' }, seed: { type: 'string', default: '1' } } });
const users = Number(values.users.replace(/k$/i, '000'));
const rate = Number(values.faults);
const root = join(import.meta.dirname, '..');
const BIN = join(root, 'bin', 'mfaguard.js');
const { generateSnapshot } = await import('../dist/devkit/gen/generate.js');
const { loadSnapshot } = await import('../dist/src/snapshot/load.js');
const { startEmulator } = await import('../dist/devkit/emulator/index.js');

const canon = (v) => {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v).sort()) if (k !== '@odata.context' && v[k] !== null && v[k] !== undefined) o[k] = canon(v[k]);
    return o;
  }
  return v;
};
const bag = (a) => (a ?? []).map((x) => JSON.stringify(canon(x))).sort();
const ARRAYS = ['users', 'groups', 'servicePrincipals', 'roleDefinitions', 'roleAssignments', 'roleEligibilitySchedules', 'subscriptions', 'azureRoleDefinitions',
  'azureRoleAssignments', 'classicAdministrators', 'conditionalAccessPolicies', 'namedLocations', 'authenticationStrengthPolicies', 'userRegistrationDetails'];
function diff(src, got) {
  const out = [];
  for (const k of ARRAYS) {
    const a = bag(src[k]);
    const b = bag(got[k]);
    if (a.length !== b.length || a.some((x, i) => x !== b[i])) out.push(`${k} (${a.length} vs ${b.length})`);
  }
  for (const k of ['groupMembers', 'authenticationMethods']) {
    const norm = (m) => JSON.stringify(Object.keys(m ?? {}).sort().map((id) => [id, bag(m[id])]));
    if (norm(src[k]) !== norm(got[k])) out.push(k);
  }
  if (JSON.stringify(canon(src.securityDefaults)) !== JSON.stringify(canon(got.securityDefaults))) out.push('securityDefaults');
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'mfaguard-acceptance-'));
process.stderr.write(`generating ${users.toLocaleString('en-US')} users ...\n`);
const source = generateSnapshot({ users, seed: values.seed });
const emu = await startEmulator({ snapshot: source, port: 0, tls: true, limits: 'graph', faults: { rate, seed: 3 } });
const caFile = join(work, 'ca.pem');
writeFileSync(caFile, emu.ca);
const env = { ...process.env, AZURE_CLIENT_SECRET: emu.clientSecret };
const args = (out) => ['collect', '--out', out, '--tenant', emu.tenantId, '--auth', 'client-secret', '--client-id', emu.clientId, '--authority-host', emu.authorityHost,
  '--graph-endpoint', emu.graphUrl, '--arm-endpoint', emu.armUrl, '--ca-file', caFile, '--log-format', 'json'];
const run = (a, onSpawn) => new Promise((resolve) => {
  const t = performance.now();
  const child = spawn(process.execPath, [BIN, ...a], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => { err += c; });
  onSpawn?.(child);
  child.on('exit', (code, signal) => resolve({ code, signal, ms: performance.now() - t, stderr: err }));
});
const finished = (stderr) => stderr.trim().split('\n').map((l) => { try { return JSON.parse(l); } catch { return {}; } }).find((e) => e.event === 'finished') ?? {};

try {
  // 1. straight through
  emu.resetStats();
  const out1 = join(work, 'straight');
  const r1 = await run(args(out1));
  const s1 = emu.stats();
  if (r1.code !== 0) console.log(`straight run failed (exit ${r1.code}):\n${r1.stderr.split('\n').slice(-15).join('\n')}`);
  const d1 = diff(source, (await loadSnapshot(out1)).snapshot);
  console.log(`straight run: exit ${r1.code}, wall ${(r1.ms / 1000).toFixed(1)} s, ${s1.totalRequests} requests at the emulator, ${s1.faults.total} faults injected (${['429', '503', 'reset', 'slow'].map((k) => `${k} ${s1.faults[k] ?? 0}`).join(', ')}), ${finished(r1.stderr).retries ?? '?'} retries; theoretical minimum ${s1.theoreticalMinSeconds.toFixed(1)} s; objects ${d1.length ? `DIFFER: ${d1.join(', ')}` : 'all equal to the source'}`);

  // 2. kill -9 half way (when half the registration details are in), then --resume
  emu.resetStats();
  const out2 = join(work, 'killed');
  let killedAt = '';
  const r2 = await run(args(out2), (child) => {
    const timer = setInterval(() => {
      try {
        const c = JSON.parse(readFileSync(join(out2, '.mfaguard-collect', 'userRegistrationDetails.cursor.json'), 'utf8'));
        if (c.count >= users / 2) {
          clearInterval(timer);
          killedAt = `${c.count} of ${users} registration details`;
          child.kill('SIGKILL');
        }
      } catch { /* not yet */ }
    }, 20);
    child.on('exit', () => clearInterval(timer));
  });
  const s2a = emu.stats();
  emu.resetStats();
  const r3 = await run([...args(out2), '--resume']);
  const s2b = emu.stats();
  if (r3.code !== 0) console.log(`resumed run failed (exit ${r3.code}):\n${r3.stderr.split('\n').slice(-15).join('\n')}`);
  const d2 = r3.code === 0 ? diff(source, (await loadSnapshot(out2)).snapshot) : ['(no snapshot)'];
  console.log(`killed run: ${r2.signal ?? `exit ${r2.code}`} after ${(r2.ms / 1000).toFixed(1)} s (at ${killedAt}), ${s2a.totalRequests} requests; resumed run: exit ${r3.code}, wall ${(r3.ms / 1000).toFixed(1)} s, ${s2b.totalRequests} requests, ${s2b.faults.total} faults; total ${((r2.ms + r3.ms) / 1000).toFixed(1)} s, ${s2a.totalRequests + s2b.totalRequests} requests; objects ${d2.length ? `DIFFER: ${d2.join(', ')}` : 'all equal to the source'}`);
  if (d1.length || d2.length || r1.code !== 0 || r3.code !== 0) process.exitCode = 1;
} finally {
  await emu.close();
  rmSync(work, { recursive: true, force: true });
}
