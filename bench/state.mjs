#!/usr/bin/env node
// `npm run bench:state`: records a synthetic tenant's report in a fresh state store `--scans` times,
// changing `--change` of the users between scans (their coverage cells and findings' statuses), and
// prints the time of each recording, of reading it back and of a diff, and the store's size after each
// scan (database + WAL), next to the JSON report's size.
//   node bench/state.mjs [--users 100000] [--scans 10] [--change 0.005] [--seed 1]
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: {
  users: { type: 'string', default: '100000' }, scans: { type: 'string', default: '10' },
  change: { type: 'string', default: '0.005' }, seed: { type: 'string', default: '1' }, keep: { type: 'boolean' },
} });
const users = Number(values.users);
const scans = Number(values.scans);
const change = Number(values.change);

const { generateSnapshot } = await import('../dist/devkit/gen/generate.js');
const { evaluateSnapshot, StateStore, diffReports, renderReport, formatNamed } = await import('../dist/src/index.js');
const { buildReport } = await import('../dist/src/report/report.js');

const s = (ms) => (ms / 1000).toFixed(2);
const mib = (b) => (b / 2 ** 20).toFixed(1);
let t = performance.now();
const report = buildReport(evaluateSnapshot(generateSnapshot({ users, seed: values.seed })), new Date('2026-11-01T09:00:00Z'));
process.stderr.write(`report of ${users} users, ${report.findings.length} findings in ${s(performance.now() - t)} s\n`);
let jsonBytes = 0;
await renderReport(report, formatNamed('json'), (c) => { jsonBytes += Buffer.byteLength(c); });

// a deterministic random stream
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

/** Changes `change` of the users: one coverage cell each (a new state and reason) and their findings' statuses. */
function mutate(r, n) {
  const picked = new Set();
  while (picked.size < Math.round(r.principals.length * change)) picked.add(Math.floor(rand() * r.principals.length));
  const ids = new Set();
  const principals = r.principals.map((p, i) => {
    if (!picked.has(i)) return p;
    ids.add(p.id.toLowerCase());
    const cell = p.coverage.anyApp;
    const state = cell.state === 'enforced' ? 'excluded' : 'enforced';
    return { ...p, coverage: { ...p.coverage, anyApp: { ...cell, state, reason: `changed in scan ${n}` } } };
  });
  const findings = r.findings.map((f) => {
    if (!ids.has(f.resourceId.toLowerCase())) return f;
    const status = f.status === 'unhealthy' ? 'healthy' : f.status === 'healthy' ? 'unhealthy' : f.status;
    return { ...f, status, reason: `${f.reason} (scan ${n})` };
  });
  return { ...r, generatedAt: new Date(Date.parse(r.generatedAt) + 86_400_000).toISOString(), principals, findings };
}

const dir = mkdtempSync(join(tmpdir(), 'mfaguard-bench-state-'));
const size = () => readdirSync(dir).reduce((a, f) => a + statSync(join(dir, f)).size, 0);
const rows = [];
let current = report;
let previous;
for (let n = 1; n <= scans; n++) {
  if (n > 1) current = mutate(current, n);
  t = performance.now();
  const cpu0 = process.cpuUsage();
  const store = StateStore.open(dir);
  const rec = store.record(current, 'bench');
  const recordMs = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const stats = store.lastRecordStats();
  store.close();
  const row = { scan: rec.id, recordMs, cpuMs, ...stats, bytes: size() };
  if (n === scans) {
    const reader = StateStore.open(dir);
    t = performance.now();
    const back = reader.loadReport(rec.id);
    row.loadMs = performance.now() - t;
    const prev = reader.loadReport(previous.id);
    t = performance.now();
    const d = diffReports(prev, back);
    row.diffMs = performance.now() - t;
    row.changes = d.changes.length;
    reader.close();
  }
  previous = rec;
  rows.push(row);
  process.stderr.write(`scan ${n}: recorded in ${s(recordMs)} s (CPU ${s(cpuMs)} s), ${stats.changedFindings} findings and ${stats.changedPrincipals} principals written, store ${mib(row.bytes)} MiB\n`);
}
const cpu = cpus();
console.log(`\nmachine: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
console.log(`${users} users, ${report.findings.length} findings; JSON report ${mib(jsonBytes)} MiB; ${scans} scans, ${(change * 100).toFixed(2)} % of users changed between scans`);
console.log('| scan | record s (wall) | record s (CPU) | findings written | principals written | new blobs | store MiB | growth MiB |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
rows.forEach((r, i) => console.log(`| ${r.scan} | ${s(r.recordMs)} | ${s(r.cpuMs)} | ${r.changedFindings} | ${r.changedPrincipals} | ${r.newBlobs} | ${mib(r.bytes)} | ${i ? mib(r.bytes - rows[i - 1].bytes) : '—'} |`));
const last = rows.at(-1);
console.log(`\nlast scan read back in ${s(last.loadMs)} s; diff against the previous scan in ${s(last.diffMs)} s (${last.changes} finding changes)`);
if (!values.keep) rmSync(dir, { recursive: true, force: true });
else console.log(`store kept in ${dir}`);
