#!/usr/bin/env node
// Sign-in evidence benchmark (`npm run bench:signins`, which builds first) — issue 9's acceptance:
//   node bench/signins.mjs [--sizes 1000000,10000000] [--rows N] [--users U] [--reader] [--keep] [FILE.ndjson]
//   node bench/signins.mjs --db FILE.duckdb [--as-of T]   (the analyses only, on an existing sign-in database)
//   --sizes 100000 for a quick run; --rows N = --sizes N; FILE (or MFAGUARD_BENCH_SIGNINS) = an existing
//   Graph beta NDJSON file instead of generated ones.
// Per size: devkit/gen/signins.ts writes N sign-ins (Graph beta JSON lines) for a generated tenant of
// --users users (NOT timed; cached in $TMPDIR/mfaguard-bench-signins-cache/ and reused; deleted after use
// unless --keep). Then, each in its own child process so peak RSS is that of the work alone:
//   ingest   — importSignIns() into a new DuckDB file (what `mfaguard signins import` does);
//   analyses — what the product asks of the loaded database (DuckDbSignInEvidence, opened as
//              `openSignInEvidence` opens it): the sign-in rules' questions (at once, as a scan asks) and the contradictions,
//              the `mfaguard signins` workbook (default and one filtered view), a what-if's per-user questions;
//   floor    — DuckDB reading the same file itself: CREATE TABLE AS SELECT * FROM read_json(...);
//   reader   — with --reader: the import through the JavaScript readers (CSV / JSON array path).
// Targets (issue 9): 10M end to end (ingest + analyses) ≤ 90 s and ≤ 4 GiB; analyses ≤ 5 s; ingest ≤ 1.5× floor.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { db: { type: 'string' }, 'as-of': { type: 'string' }, sizes: { type: 'string' }, rows: { type: 'string' }, users: { type: 'string', default: '50000' }, keep: { type: 'boolean' }, reader: { type: 'boolean' }, verbose: { type: 'boolean' } },
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

/** The generated tenant's collectedAt: the end of the window the scan asks about. */
function collectedAt() {
  return JSON.parse(readFileSync(join(cache, `tenant-${values.users}`, 'manifest.json'), 'utf8')).collectedAt;
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

// What the product asks of the evidence, on the database opened read-only as `openSignInEvidence` opens it:
// the sign-in rules (asked at once, as a scan asks) and then the contradictions of `mfaguard scan` (window
// ending at the snapshot's collectedAt),
// the workbook of `mfaguard signins` (default --top 25; plus one filtered view), and a remediation
// what-if's per-user questions (100 users).
const analysesScript = (db, asOf) => `
  const { openSignInEvidence } = await import(${JSON.stringify(join(root, 'dist/src/app/signins.js'))});
  const { signInWorkbook } = await import(${JSON.stringify(join(root, 'dist/src/evidence/workbook.js'))});
  const t0 = performance.now();
  const opened = await openSignInEvidence(${JSON.stringify(db)});
  const ev = opened.evidence;
  const w = await ev.window();
  const asOf = ${JSON.stringify(asOf ?? null)} ?? (w ? new Date(Date.parse(w.to) + 1).toISOString() : undefined);
  // the what-if's 100 users (picking them is the bench's own work: not counted)
  const picking = performance.now();
  const some = (await ev.pivots(['user'], { asOf, limit: 100 }))[0].rows.map((r) => r.keys[0]);
  const picked = performance.now() - picking;
  // a scan runs its rules at once (evaluateSnapshotAsync: Promise.all), then asks for the contradictions' sign-ins
  const rules = () => Promise.all([ev.window(), ev.userAppSignIns({ asOf }), ev.legacyClientSignIns({ asOf }), ev.toolVersions({ asOf }), ev.automationProfiles({ asOf })]).then((r) => r.slice(1).flat());
  const calls = [
    ['scan: the sign-in rules (asked at once)', rules],
    ['singleFactorSignIns (contradictions)', () => ev.singleFactorSignIns({ asOf })],
    ['workbook (mfaguard signins)', () => signInWorkbook(ev, { asOf, limit: 25 }).then((wb) => Object.values(wb.pivots).flat())],
    ['workbook --exclude-graph --interactive-only', () => signInWorkbook(ev, { asOf, limit: 25, filters: { excludeGraph: true, interactiveOnly: true } }).then((wb) => Object.values(wb.pivots).flat())],
    ['what-if: userAppSignIns(all), 100 users', () => ev.userAppSignIns({ asOf, userIds: some, apps: 'all' })],
    ['what-if: singleFactorSignIns, 100 users', () => ev.singleFactorSignIns({ asOf, userIds: some })],
    ['what-if: legacyClientSignIns, 100 users', () => ev.legacyClientSignIns({ asOf, userIds: some })],
  ];
  const each = [];
  for (const [name, call] of calls) {
    const t = performance.now();
    const out = await call();
    each.push({ name, ms: performance.now() - t, out: Array.isArray(out) ? out.length : 1 });
  }
  await opened.close();
  console.log(JSON.stringify({ ms: performance.now() - t0 - picked, rows: opened.rows, each, rss: process.resourceUsage().maxRSS * 1024 }));
`;
const analysesChild = (db, asOf) => child(analysesScript(db, asOf));

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

/** One line per measured call of an analyses run. */
function printCalls(analyses) {
  for (const e of analyses.each) console.log(`  ${e.name.padEnd(46)} ${sec(e.ms).padStart(9)}  ${String(e.out).padStart(8)} rows out`);
}

if (values.db) {
  const a = analysesChild(resolve(values.db), values['as-of']);
  console.log(`analyses on ${a.rows.toLocaleString('en')} rows: ${sec(a.ms)}, peak RSS ${gib(a.rss)}`);
  printCalls(a);
  process.exit(0);
}

const given = positionals[0] ?? process.env.MFAGUARD_BENCH_SIGNINS;
const runs = given ? [{ file: resolve(given), given: true }] : sizes.map((n) => ({ n }));
const results = [];
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${gib(totalmem())} RAM, Node ${process.version}, ${process.platform}`);
for (const run of runs) {
  const file = run.file ?? input(run.n);
  const work = mkdtempSync(join(tmpdir(), 'mfaguard-bench-signins-'));
  try {
    const ingest = ingestChild(file, join(work, 'ingest.duckdb'), false);
    const analyses = analysesChild(join(work, 'ingest.duckdb'), run.file ? undefined : collectedAt());
    rmSync(join(work, 'ingest.duckdb'), { force: true });
    const floor = floorChild(file, join(work, 'floor.duckdb'));
    rmSync(join(work, 'floor.duckdb'), { force: true });
    const reader = values.reader ? ingestChild(file, join(work, 'reader.duckdb'), true) : undefined;
    results.push({ rows: ingest.rows, bytes: statSync(file).size, ingest, analyses, floor, reader });
    if (values.verbose || runs.length === 1) {
      console.log(`\nanalyses on ${ingest.rows.toLocaleString('en')} rows (+ ${sec(analyses.ms - analyses.each.reduce((t, e) => t + e.ms, 0))} opening the database):`);
      printCalls(analyses);
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
