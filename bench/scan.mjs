#!/usr/bin/env node
// `npm run bench`: generates (or reuses) synthetic tenants and times load, evaluate and report
// separately for each size, each in a fresh process with the CLI's V8 flags (see bin/mfaguard.js);
// prints a table with the machine it ran on.
//   node bench/scan.mjs [--sizes 10000,100000,1000000] [--seed 1] [--policies 300] [--cache .bench-cache]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    seed: { type: 'string', default: '1' },
    policies: { type: 'string', default: '300' },
    cache: { type: 'string', default: '.bench-cache' },
  },
});
const root = resolve(import.meta.dirname, '..');
const sizes = values.sizes.split(',').map(Number);
const cache = resolve(root, values.cache);
mkdirSync(cache, { recursive: true });
const { writeSnapshotDir } = await import('../dist/devkit/gen/generate.js');

const rows = [];
for (const users of sizes) {
  const dir = join(cache, `tenant-${users}-s${values.seed}-p${values.policies}`);
  if (!existsSync(join(dir, 'manifest.json'))) {
    process.stderr.write(`generating ${users} users into ${dir} ...\n`);
    const t = performance.now();
    await writeSnapshotDir({ users, seed: values.seed, policies: Number(values.policies), out: dir });
    process.stderr.write(`  generated in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  }
  const out = join(cache, `report-${users}.json`);
  process.stderr.write(`scanning ${users} users ...\n`);
  const t = performance.now();
  const line = execFileSync(process.execPath, ['--max-old-space-size=16384', '--max-semi-space-size=64', join(root, 'bench', 'phases.mjs'), dir, out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const wall = performance.now() - t;
  const r = JSON.parse(line.trim().split('\n').pop());
  rows.push({ ...r, wallMs: wall, reportBytes: statSync(out).size });
  rmSync(out, { force: true });
}

const cpu = cpus();
console.log(`\nmachine: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
const head = ['users', 'policies', 'signatures', 'findings', 'load s', 'evaluate s', 'report s', 'total s', 'wall s', 'µs/user', 'peak RSS MiB', 'report MiB'];
const table = rows.map((r) => {
  const total = r.loadMs + r.evaluateMs + r.reportMs;
  return [r.users, r.policies, r.signatures, r.findings, (r.loadMs / 1000).toFixed(2), (r.evaluateMs / 1000).toFixed(2), (r.reportMs / 1000).toFixed(2),
    (total / 1000).toFixed(2), (r.wallMs / 1000).toFixed(2), ((total * 1000) / r.users).toFixed(1), r.peakRssMb.toFixed(0), (r.reportBytes / 2 ** 20).toFixed(0)].map(String);
});
const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const fmt = (row) => row.map((c, i) => c.padStart(widths[i])).join('  ');
console.log(fmt(head));
for (const row of table) console.log(fmt(row));
const per = (n) => { const r = rows.find((x) => x.users === n); return r && (r.loadMs + r.evaluateMs + r.reportMs) / r.users; };
if (per(100000) && per(1000000)) console.log(`\ncost per user at 1M / at 100k: ${(per(1000000) / per(100000)).toFixed(2)}× (target ≤ 1.5×)`);
