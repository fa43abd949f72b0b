#!/usr/bin/env node
// Sign-in evidence benchmark (`npm run bench:signins`, which builds first) — issue 9's acceptance:
//   node bench/signins.mjs [--sizes 1000000,10000000] [--rows N] [--users U] [--reader] [--keep] [FILE.ndjson]
//   --sizes 100000 for a quick run; --rows N = --sizes N; FILE (or MFAGUARD_BENCH_SIGNINS) = an existing
//   Graph beta NDJSON file instead of generated ones.
// Per size: devkit/gen/signins.ts writes N sign-ins (Graph beta JSON lines) for a generated tenant of
// --users users (NOT timed; cached in $TMPDIR/mfaguard-bench-signins-cache/ and reused; deleted after use
// unless --keep). Then, each in its own child process so peak RSS is that of the work alone:
//   ingest   — importSignIns() into a new DuckDB file (what `mfaguard signins import` does);
//   analyses — every SignInEvidence method through DuckDbSignInEvidence on the loaded database
//              (window, userAppSignIns both scopes, legacy, tool versions, automation, single-factor,
//              every pivot dimension and each workbook filter), as `openSignInEvidence` opens it;
//   floor    — DuckDB reading the same file itself: CREATE TABLE AS SELECT * FROM read_json(...);
//   reader   — with --reader: the import through the JavaScript readers (CSV / JSON array path).
// Targets (issue 9): 10M end to end (ingest + analyses) ≤ 90 s and ≤ 4 GiB; analyses ≤ 5 s; ingest ≤ 1.5× floor.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { sizes: { type: 'string' }, rows: { type: 'string' }, users: { type: 'string', default: '50000' }, keep: { type: 'boolean' }, reader: { type: 'boolean' }, verbose: { type: 'boolean' } },
});
const root = join(import.meta.dirname, '..');
const count = (s) => Number(String(s).trim().replace(/k$/i, '000').replace(/m$/i, '000000'));
const sizes = (values.sizes ?? values.rows ?? '1000000,10000000').split(',').map(count);
if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`bad --sizes: ${values.sizes ?? values.rows}`);
const cache = join(tmpdir(), 'mfaguard-bench-signins-cache');
const gib = (b) => (b / 2 ** 30).toFixed(2) + ' GiB';
const sec = (ms) => (ms / 1000).toFixed(2) + ' s';

function child(script) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`child failed (${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

function gen(args) {
  const r = spawnSync(process.execPath, [join(root, 'devkit/bin/gen.mjs'), ...args, '--quiet'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`gen ${args.join(' ')} failed (${r.status})`);
}

/** The generated tenant and N sign-ins for it (cached: generation is not what we measure). */
function input(n) {
  mkdirSync(cache, { recursive: true });
  const tenant = join(cache, `tenant-${values.users}`);
  if (!existsSync(join(tenant, 'manifest.json')) && !existsSync(tenant)) gen(['--users', values.users, '--seed', '9', '--out', tenant]);
  const file = join(cache, `signins-${values.users}-${n}.ndjson`);
  if (!existsSync(file)) {
    const t = Date.now();
    gen(['--signins-only', String(n), '--snapshot', tenant, '--out', `${file}.part`, '--seed', '9']);
    renameSync(`${file}.part`, file);
    console.log(`generated ${n.toLocaleString('en')} sign-ins (${gib(statSync(file).size)}) in ${sec(Date.now() - t)} (not timed)`);
  }
  return file;
}

const ingestChild = (file, db, readerOnly) => child(`
  const { importSignIns } = await import(${JSON.stringify(join(root, 'dist/src/signins/store.js'))});
  const t = performance.now();
  const r = await importSignIns(${JSON.stringify(db)}, [{ path: ${JSON.stringify(file)} }], { readerOnly: ${readerOnly} });
  console.log(JSON.stringify({ ms: performance.now() - t, rows: r.totalRows, rss: process.resourceUsage().maxRSS * 1024 }));
`);

// Every evidence method, as the rules and `mfaguard signins` call them, on the database opened read-only.
const analysesChild = (db) => child(`
  const { openSignInEvidence } = await import(${JSON.stringify(join(root, 'dist/src/app/signins.js'))});
  const t0 = performance.now();
  const opened = await openSignInEvidence(${JSON.stringify(db)});
  const ev = opened.evidence;
  const w = await ev.window();
  const asOf = w?.to;
  const calls = [
    ['window', () => ev.window()],
    ['userAppSignIns', () => ev.userAppSignIns({ asOf })],
    ['userAppSignIns(all)', () => ev.userAppSignIns({ asOf, apps: 'all' })],
    ['legacyClientSignIns', () => ev.legacyClientSignIns({ asOf })],
    ['toolVersions', () => ev.toolVersions({ asOf })],
    ['automationProfiles', () => ev.automationProfiles({ asOf })],
    ['singleFactorSignIns', () => ev.singleFactorSignIns({ asOf })],
    ...['total', 'app', 'user', 'appUser', 'operatingSystem', 'country', 'clientApp'].map((d) => ['pivot(' + d + ')', () => ev.pivot(d, { asOf })]),
    ['pivot(total, excludeGraph)', () => ev.pivot('total', { asOf, excludeGraph: true })],
    ['pivot(user, legacyOnly)', () => ev.pivot('user', { asOf, legacyOnly: true })],
    ['pivot(app, trustedLocationsOnly)', () => ev.pivot('app', { asOf, trustedLocationsOnly: true })],
    ['pivot(clientApp, interactiveOnly)', () => ev.pivot('clientApp', { asOf, interactiveOnly: true })],
    ['pivot(country, all tenants)', () => ev.pivot('country', { asOf, homeTenantOnly: false })],
  ];
  const each = [];
  for (const [name, call] of calls) {
    const t = performance.now();
    const out = await call();
    each.push({ name, ms: performance.now() - t, out: Array.isArray(out) ? out.length : 1 });
  }
  await opened.close();
  console.log(JSON.stringify({ ms: performance.now() - t0, rows: opened.rows, each, rss: process.resourceUsage().maxRSS * 1024 }));
`);

const sqlString = (s) => "'" + s.replace(/'/g, "''") + "'";
const floorChild = (file, db) => child(`
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const t = performance.now();
  const db = await DuckDBInstance.create(${JSON.stringify(db)});
  const c = await db.connect();
  await c.run(${JSON.stringify(`CREATE TABLE t AS SELECT * FROM read_json(${sqlString(file)}, format = 'newline_delimited')`)});
  const n = (await (await c.runAndReadAll('SELECT count(*) FROM t')).getRowsJS())[0][0];
  await c.run('CHECKPOINT');
  c.closeSync(); db.closeSync();
  console.log(JSON.stringify({ ms: performance.now() - t, rows: Number(n), rss: process.resourceUsage().maxRSS * 1024 }));
`);

const given = positionals[0] ?? process.env.MFAGUARD_BENCH_SIGNINS;
const runs = given ? [{ file: resolve(given), given: true }] : sizes.map((n) => ({ n }));
const results = [];
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${gib(totalmem())} RAM, Node ${process.version}, ${process.platform}`);
for (const run of runs) {
  const file = run.file ?? input(run.n);
  const work = mkdtempSync(join(tmpdir(), 'mfaguard-bench-signins-'));
  try {
    const ingest = ingestChild(file, join(work, 'ingest.duckdb'), false);
    const analyses = analysesChild(join(work, 'ingest.duckdb'));
    rmSync(join(work, 'ingest.duckdb'), { force: true });
    const floor = floorChild(file, join(work, 'floor.duckdb'));
    rmSync(join(work, 'floor.duckdb'), { force: true });
    const reader = values.reader ? ingestChild(file, join(work, 'reader.duckdb'), true) : undefined;
    results.push({ rows: ingest.rows, bytes: statSync(file).size, ingest, analyses, floor, reader });
    if (values.verbose || runs.length === 1) {
      console.log(`\nanalyses on ${ingest.rows.toLocaleString('en')} rows:`);
      for (const e of analyses.each) console.log(`  ${e.name.padEnd(34)} ${sec(e.ms).padStart(9)}  ${String(e.out).padStart(8)} rows out`);
    } else {
      const slow = [...analyses.each].sort((a, b) => b.ms - a.ms).slice(0, 3);
      console.log(`\n${ingest.rows.toLocaleString('en')} rows — slowest analyses: ${slow.map((e) => `${e.name} ${sec(e.ms)}`).join(', ')}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (!run.given && !values.keep) rmSync(file, { force: true });
  }
}

const pad = (s, n) => String(s).padStart(n);
console.log('\n| rows | input | ingest | ingest RSS | analyses | analyses RSS | end to end | floor read_json | floor RSS | ingest / floor |' + (values.reader ? ' JS readers |' : ''));
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|' + (values.reader ? '---:|' : ''));
for (const r of results) {
  console.log(`| ${r.rows.toLocaleString('en')} | ${gib(r.bytes)} | ${sec(r.ingest.ms)} | ${gib(r.ingest.rss)} | ${sec(r.analyses.ms)} | ${gib(r.analyses.rss)} | ${sec(r.ingest.ms + r.analyses.ms)} | ${sec(r.floor.ms)} | ${gib(r.floor.rss)} | ${(r.ingest.ms / r.floor.ms).toFixed(2)}× |` + (r.reader ? ` ${sec(r.reader.ms)} |` : ''));
}
console.log('\ntargets: 10M end to end ≤ 90 s and ≤ 4 GiB peak RSS; analyses on the loaded database ≤ 5 s; ingest ≤ 1.5× the floor');
for (const r of results) {
  const peak = Math.max(r.ingest.rss, r.analyses.rss);
  const checks = [
    [`analyses ${sec(r.analyses.ms)} ≤ 5 s`, r.analyses.ms <= 5000],
    [`ingest / floor ${(r.ingest.ms / r.floor.ms).toFixed(2)}× ≤ 1.5×`, r.ingest.ms <= 1.5 * r.floor.ms],
    ...(r.rows >= 10_000_000 ? [[`end to end ${sec(r.ingest.ms + r.analyses.ms)} ≤ 90 s`, r.ingest.ms + r.analyses.ms <= 90_000], [`peak RSS ${gib(peak)} ≤ 4 GiB`, peak <= 4 * 2 ** 30]] : []),
  ];
  console.log(`${pad(r.rows.toLocaleString('en'), 11)} rows: ${checks.map(([t, ok]) => `${ok ? 'ok' : 'MISSED'} ${t}`).join('; ')}`);
}
