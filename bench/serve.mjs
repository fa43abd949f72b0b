#!/usr/bin/env node
// `npm run bench:serve`: the dashboard's findings page at scale. A generated tenant (default 100k
// users) is evaluated and its report recorded in a fresh state store (two scans, so the overview has
// a trend); the dashboard loads the latest scan once (timed), then answers a set of findings-page
// requests — filters, text search, sorts, deep pages — each a real HTTP request through Hono's Node
// server. Prints per request the server's query time (Server-Timing) and the whole request's time.
// Acceptance (issue 13): a filter answered in ≤ 300 ms server time.
//   node bench/serve.mjs [--users 100000] [--seed 1] [--repeat 5]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: {
  users: { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' }, repeat: { type: 'string', default: '5' },
} });
const users = Number(values.users);
const repeat = Number(values.repeat);
const LIMIT_MS = 300;

const { generateSnapshot } = await import('../dist/devkit/gen/generate.js');
const { evaluateSnapshot, StateStore, startDashboard } = await import('../dist/src/index.js');
const { buildReport } = await import('../dist/src/report/report.js');

const s = (ms) => (ms / 1000).toFixed(2);
let t = performance.now();
const report = buildReport(evaluateSnapshot(generateSnapshot({ users, seed: values.seed })), new Date('2026-11-01T09:00:00Z'));
process.stderr.write(`report of ${users} users, ${report.findings.length} findings in ${s(performance.now() - t)} s\n`);

const dir = mkdtempSync(join(tmpdir(), 'mfaguard-bench-serve-'));
const store = StateStore.open(dir);
t = performance.now();
store.record(report, 'bench', new Date('2026-11-01T09:00:00Z'));
store.record({ ...report, generatedAt: '2026-11-02T09:00:00.000Z' }, 'bench', new Date('2026-11-02T09:00:00Z'));
store.close();
process.stderr.write(`two scans recorded in ${s(performance.now() - t)} s\n`);

t = performance.now();
const running = await startDashboard({ state: dir });
const startMs = performance.now() - t;
process.stderr.write(`dashboard started (the latest scan loaded from the store and indexed): ${s(startMs)} s\n`);
const base = `http://127.0.0.1:${running.port}`;
const first = await fetch(running.url, { redirect: 'manual' });
const cookie = first.headers.get('set-cookie').split(';')[0];
const get = async (path) => {
  const t0 = performance.now();
  const res = await fetch(base + path, { headers: { cookie } });
  const body = await res.text();
  const wall = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  const server = Number(/query;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1] ?? NaN);
  const total = Number(/data-total="(\d+)"/.exec(body)?.[1] ?? NaN);
  return { wall, server, total, bytes: body.length };
};

t = performance.now();
await get('/findings');
const loadMs = performance.now() - t;
process.stderr.write(`first findings page: ${s(loadMs)} s\n`);

const someUser = report.findings.find((f) => f.resourceType === 'user' && f.status === 'unhealthy');
const needle = someUser.resourceName.slice(0, 8);
const queries = [
  ['every finding, default sort', '/findings'],
  ['status=unhealthy', '/findings?status=unhealthy'],
  [`rule=${someUser.ruleId}, status=unhealthy`, `/findings?rule=${someUser.ruleId}&status=unhealthy`],
  ['severity=high, sort by resource', '/findings?severity=high&sort=resource'],
  [`search "${needle}"`, `/findings?q=${encodeURIComponent(needle)}`],
  ['search matching nothing', '/findings?q=zz-no-such-text'],
  ['status=unhealthy, sort by status desc', '/findings?status=unhealthy&sort=status&dir=desc'],
  ['deep page (page 1000, 100 per page)', '/findings?page=1000&pageSize=100&sort=rule'],
  ['overview', '/'],
];
const rows = [];
for (const [label, path] of queries) {
  const runs = [];
  for (let i = 0; i < repeat; i++) runs.push(await get(path));
  const server = runs.map((r) => r.server).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const wall = runs.map((r) => r.wall).sort((a, b) => a - b);
  rows.push({ label, total: runs[0].total, serverMedian: server[Math.floor(server.length / 2)], serverMax: server.at(-1), wallMedian: wall[Math.floor(wall.length / 2)], wallMax: wall.at(-1), kib: runs[0].bytes / 1024 });
}
await running.close();
rmSync(dir, { recursive: true, force: true });

const f = (x) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(1));
process.stdout.write(`\nDashboard findings page, ${users} users, ${report.findings.length} findings (${cpus().length} cores, ${repeat} runs each; start, loading and indexing the latest scan: ${s(startMs)} s; first page after it: ${loadMs.toFixed(0)} ms)\n\n`);
process.stdout.write('| request | matches | server ms (median / max) | request ms (median / max) | page KiB |\n|---|---:|---:|---:|---:|\n');
for (const r of rows) process.stdout.write(`| ${r.label} | ${Number.isNaN(r.total) ? '–' : r.total} | ${f(r.serverMedian)} / ${f(r.serverMax)} | ${f(r.wallMedian)} / ${f(r.wallMax)} | ${r.kib.toFixed(0)} |\n`);
const worst = Math.max(...rows.filter((r) => r.serverMax !== undefined && !Number.isNaN(r.serverMax)).map((r) => r.serverMax));
process.stdout.write(`\nslowest filter: ${worst.toFixed(1)} ms server time (limit ${LIMIT_MS} ms): ${worst <= LIMIT_MS ? 'ok' : 'TOO SLOW'}\n`);
if (worst > LIMIT_MS) process.exitCode = 1;
