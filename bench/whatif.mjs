#!/usr/bin/env node
// `npm run bench:whatif`: what-if of a one-policy change on a generated tenant (default 100,000 users):
// load the snapshot, then time whatIf() (coverage of every user before and after, impact, guard).
// Target (spec, issue 12): ≤ 10 s at 100k users.
//   node bench/whatif.mjs [--users 100000] [--seed 1] [--policies 300] [--cache .bench-cache]
import { existsSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' },
    policies: { type: 'string', default: '300' }, cache: { type: 'string', default: '.bench-cache' },
  },
});
const root = resolve(import.meta.dirname, '..');
const users = Number(values.users);
const cache = resolve(root, values.cache);
mkdirSync(cache, { recursive: true });
const { writeSnapshotDir } = await import('../dist/devkit/gen/generate.js');
const { loadSnapshot } = await import('../dist/src/snapshot/load.js');
const { whatIf } = await import('../dist/src/remediation/whatif.js');

const dir = join(cache, `tenant-${users}-s${values.seed}-p${values.policies}`);
if (!existsSync(join(dir, 'manifest.json'))) {
  process.stderr.write(`generating ${users} users into ${dir} ...\n`);
  await writeSnapshotDir({ users, seed: values.seed, policies: Number(values.policies), out: dir });
}
let t = performance.now();
const { snapshot } = await loadSnapshot(dir);
const loadMs = performance.now() - t;
const admin = snapshot.users.find((u) => u.accountEnabled !== false);
// The one-policy change, worst case for the what-if: a new enabled policy that blocks every user but
// one (every user's state changes, so the diff and the guard see all of them).
const policy = {
  displayName: 'bench: block everyone but one account', state: 'enabled',
  conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], excludeUsers: [admin.id] } },
  grantControls: { operator: 'OR', builtInControls: ['block'] },
};
t = performance.now();
const result = await whatIf(snapshot, [{ file: 'bench.json', bytes: Buffer.from(JSON.stringify(policy)) }], { breakGlassAccounts: [admin.id] });
const whatIfMs = performance.now() - t;
const changed = Object.values(result.actions[0].impact.targets).reduce((n, x) => n + x.changed, 0);
const cpu = cpus();
console.log(`machine: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), node ${process.version}`);
console.log(`users ${snapshot.users.length}, policies ${snapshot.conditionalAccessPolicies.length}, change: '${policy.displayName}': load ${(loadMs / 1000).toFixed(2)} s, what-if ${(whatIfMs / 1000).toFixed(2)} s (target ≤ 10 s), ${changed} user-target changes, guard ${result.guard.passed ? "passed" : "failed"}`);
for (const c of result.guard.checks) console.log(`  ${c.passed ? "ok  " : "FAIL"} ${c.id}: ${c.detail.slice(0, 160)}`);
if (whatIfMs > 10_000) process.exitCode = 1;
