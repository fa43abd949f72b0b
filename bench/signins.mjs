#!/usr/bin/env node
// Sign-in ingest benchmark (`npm run bench:signins`, which builds first):
//   node bench/signins.mjs [FILE.ndjson[.gz]] [--rows 200000] [--reader] [--keep]
//   (or MFAGUARD_BENCH_SIGNINS=FILE)
// FILE: Graph beta sign-ins, one per line (devkit/gen/signins.ts writes 10M-row files). Without one,
// a throwaway generator writes --rows realistic rows into a temporary file first.
// Measures, each in its own child process (so peak RSS is that of the work alone):
//   ingest — importSignIns() into a new DuckDB file (what `mfaguard signins import` does);
//   floor  — DuckDB reading the same file itself: CREATE TABLE AS SELECT * FROM read_json(...).
//   reader — with --reader: the same import through the JavaScript readers (what CSV, JSON arrays and
//            UTF-16 inputs take; DuckDB's fast path off).
// Prints the machine, rows, wall time, rows/s, peak RSS of each, and ingest / floor.
// Targets: ingest ≤ 1.5× the floor; 10M rows end to end ≤ 90 s and ≤ 4 GiB.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rows: { type: 'string', default: '200000' }, keep: { type: 'boolean' }, reader: { type: 'boolean' } } });
const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'mfaguard-bench-signins-'));
let file = positionals[0] ?? process.env.MFAGUARD_BENCH_SIGNINS;
const gib = (b) => (b / 2 ** 30).toFixed(2) + ' GiB';

/** A throwaway generator: Graph beta signIn objects with the variety the store sees (users, apps, agents, failures, policies). */
async function generate(path, n) {
  const apps = [
    ['04b07795-8ddb-461a-bbee-02f9e1bf7b46', 'Microsoft Azure CLI', '797f4846-ba00-4fd7-ba43-dac1f8f63013'],
    ['1950a258-227b-4e31-a9cf-717495945fc2', 'Microsoft Azure PowerShell', '797f4846-ba00-4fd7-ba43-dac1f8f63013'],
    ['c44b4083-3bb0-49c1-b47d-974e53cbdf3c', 'Azure Portal', '797f4846-ba00-4fd7-ba43-dac1f8f63013'],
    ['00000002-0000-0ff1-ce00-000000000000', 'Office 365 Exchange Online', '00000002-0000-0ff1-ce00-000000000000'],
    ['de8bc8b5-d9f9-48b1-a8ad-b748da725064', 'Graph Explorer', '00000003-0000-0000-c000-000000000000'],
  ];
  const agents = ['python-requests/2.31.0', 'python/3.11.8 (Linux) AZURECLI/2.61.0 (DEB)', 'AzurePowershell/v12.1.0 PSVersion/v7.4.1', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0', 'curl/8.4.0', 'Microsoft Office/16.0'];
  const clients = ['Browser', 'Mobile Apps and Desktop clients', 'Exchange ActiveSync', 'IMAP4', 'Authenticated SMTP'];
  const countries = ['FR', 'DE', 'US', 'NO', 'JP', 'BR'];
  const hex = (i, w = 12) => (i >>> 0).toString(16).padStart(w, '0').slice(-w);
  const out = createWriteStream(path);
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  let buf = '';
  for (let i = 0; i < n; i++) {
    const u = (i * 2654435761) % 50000;
    const a = apps[i % apps.length];
    const interactive = i % 7 === 0;
    const row = {
      id: `5e000000-0000-4000-8000-${hex(i)}`,
      createdDateTime: new Date(t0 + i * 1000).toISOString(),
      userDisplayName: `User ${u}`,
      userPrincipalName: `user${u}@tailspin.test`,
      userId: `0a000000-0000-4000-8000-${hex(u)}`,
      appId: a[0], appDisplayName: a[1], resourceId: a[2], resourceDisplayName: 'Windows Azure Service Management API',
      ipAddress: `198.51.${(i >> 8) & 255}.${i & 255}`,
      clientAppUsed: clients[i % 13 === 0 ? 2 + (i % 3) : i % 2],
      userAgent: agents[i % agents.length],
      correlationId: `c0000000-0000-4000-8000-${hex(i * 7)}`,
      conditionalAccessStatus: i % 3 ? 'success' : 'notApplied',
      isInteractive: interactive,
      signInEventTypes: [interactive ? 'interactiveUser' : 'nonInteractiveUser'],
      authenticationRequirement: i % 4 ? 'multiFactorAuthentication' : 'singleFactorAuthentication',
      authenticationProtocol: i % 97 === 0 ? 'ropc' : 'none',
      homeTenantId: '7e57a1f0-0000-4000-8000-000000000001', resourceTenantId: '7e57a1f0-0000-4000-8000-000000000001',
      status: { errorCode: i % 11 === 0 ? 50126 : 0, failureReason: i % 11 === 0 ? 'Invalid username or password.' : 'Other.', additionalDetails: null },
      deviceDetail: { deviceId: '', displayName: '', operatingSystem: ['Windows 10', 'MacOs', 'Linux', 'Ios'][i % 4], browser: 'Edge 126.0.0', isCompliant: false, isManaged: false, trustType: '' },
      location: { city: 'City', state: 'State', countryOrRegion: countries[u % countries.length], geoCoordinates: { latitude: 48.1, longitude: 11.5 } },
      networkLocationDetails: i % 5 === 0 ? [{ networkType: 'trustedNamedLocation', networkNames: ['Office'] }] : [],
      appliedConditionalAccessPolicies: [
        { id: 'c0000000-0000-4000-8000-000000000001', displayName: 'Require MFA for admins', enforcedGrantControls: ['Mfa'], enforcedSessionControls: [], result: i % 3 ? 'success' : 'notApplied' },
        { id: 'c0000000-0000-4000-8000-000000000002', displayName: 'Block legacy', enforcedGrantControls: ['Block'], enforcedSessionControls: [], result: 'reportOnlyNotApplied' },
      ],
    };
    buf += JSON.stringify(row) + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise((r) => out.on('finish', r));
}

function child(script) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`child failed (${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

if (!file) {
  file = join(work, 'signins.ndjson');
  const n = Number(values.rows.replace(/k$/i, '000').replace(/m$/i, '000000'));
  const t = Date.now();
  await generate(file, n);
  console.log(`generated ${n.toLocaleString('en')} rows (${gib(statSync(file).size)}) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
file = resolve(file);

const importChild = (db, readerOnly) => child(`
  const { importSignIns } = await import(${JSON.stringify(join(root, 'dist/src/signins/store.js'))});
  const t = performance.now();
  const r = await importSignIns(${JSON.stringify(join(work, 'DB'))}.replace(/DB$/, ${JSON.stringify(db)}), [{ path: ${JSON.stringify(file)} }], { readerOnly: ${readerOnly} });
  console.log(JSON.stringify({ ms: performance.now() - t, rows: r.totalRows, read: r.rowsRead, rss: process.resourceUsage().maxRSS * 1024 }));
`);
const ingest = importChild('ingest.duckdb', false);
const reader = values.reader ? importChild('reader.duckdb', true) : undefined;
const floor = child(`
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const t = performance.now();
  const db = await DuckDBInstance.create(${JSON.stringify(join(work, 'floor.duckdb'))});
  const c = await db.connect();
  await c.run("CREATE TABLE t AS SELECT * FROM read_json(${file.replace(/'/g, "''").replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/^/, "'").replace(/$/, "'")}, format = 'newline_delimited')");
  const n = (await (await c.runAndReadAll('SELECT count(*) FROM t')).getRowsJS())[0][0];
  await c.run('CHECKPOINT');
  c.closeSync(); db.closeSync();
  console.log(JSON.stringify({ ms: performance.now() - t, rows: Number(n), rss: process.resourceUsage().maxRSS * 1024 }));
`);

const line = (label, r) => `${label.padEnd(7)} ${String(r.rows).padStart(11)} rows  ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${Math.round(r.rows / (r.ms / 1000)).toLocaleString('en').padStart(10)} rows/s  peak RSS ${gib(r.rss)}`;
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${gib(totalmem())} RAM, Node ${process.version}`);
console.log(`input:   ${file} (${gib(statSync(file).size)})`);
console.log(line('ingest', ingest));
console.log(line('floor', floor));
if (reader) console.log(line('reader', reader));
console.log(`ingest / floor: ${(ingest.ms / floor.ms).toFixed(2)}× (target ≤ 1.5×)`);
if (!values.keep) rmSync(work, { recursive: true, force: true });
else console.log(`kept ${work}`);
