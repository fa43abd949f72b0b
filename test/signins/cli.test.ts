/** `mfaguard signins import` and `scan --signins` through the built CLI (test/cli/run.ts). */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, mfaguard } from '../cli/run.js';
import { snapshot, user } from '../helpers/snapshot-builder.js';
import { fixture, tempDir } from './helpers.js';

describe('mfaguard signins import', () => {
  it('imports every format, says what it read, and a second run changes nothing', async () => {
    const dir = tempDir();
    const db = join(dir, 'logs.duckdb');
    const files = ['graph-beta.ndjson', 'graph-v1-pages.json', 'InteractiveSignIns_2026-11-05_2026-11-06.csv', 'la-noninteractive.csv'].map(fixture);
    const r = await mfaguard(['signins', 'import', ...files, '--db', db]);
    expect(r.stderr).toMatch(/signins: .*graph-beta\.ndjson: 4 rows/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Imported 9 sign-ins into .*logs\.duckdb: 9 new, 9 in total, 2026-11-02T08:00:00\.000Z to 2026-11-06T11:00:00\.250Z/);
    expect(r.stdout).toMatch(/la-noninteractive\.csv: 1 row \(log-analytics-csv\)/);
    const again = await mfaguard(['signins', 'import', files[0]!, fixture('graph-array.json'), '--db', db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/: 1 new, 10 in total/);
    expect(again.stdout).toMatch(/graph-beta\.ndjson: already imported, skipped/);
  });

  it('a bad file: exit 2 naming file, line and column; the database is untouched and no temporary is left', async () => {
    const dir = tempDir();
    const db = join(dir, 'logs.duckdb');
    expect((await mfaguard(['signins', 'import', fixture('graph-beta.ndjson'), '--db', db])).code).toBe(0);
    const before = readFileSync(db);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '[\n  {"id": "x", "createdDateTime": "2026-11-02T08:00:00Z", "appId": "a", "status": {"errorCode": 0}, "isInteractive": true}\n]');
    const r = await mfaguard(['signins', 'import', fixture('graph-array.json'), bad, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/mfaguard: error: .*bad\.json:2:3: key "userId": missing: a user sign-in needs the user id/);
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['bad.json', 'logs.duckdb']);
  });

  it('usage errors: no file, no database, an unknown subcommand', async () => {
    expect((await mfaguard(['signins', 'import', fixture('graph-beta.ndjson')])).stderr).toMatch(/usage error: give --db FILE/);
    expect((await mfaguard(['signins', 'import', '--db', 'x.duckdb'])).code).toBe(2);
    expect((await mfaguard(['signins', 'frobnicate'])).stderr).toMatch(/unknown "signins" subcommand "frobnicate"/);
  });

  it('killed half way (SIGKILL), the previous database is intact and still opens', async () => {
    const dir = tempDir();
    const db = join(dir, 'logs.duckdb');
    expect((await mfaguard(['signins', 'import', fixture('graph-beta.ndjson'), '--db', db])).code).toBe(0);
    const before = readFileSync(db);
    // a large JSON array takes the reader (not DuckDB's fast path): long enough to be killed in the middle
    const big = join(dir, 'big.json');
    const row = (i: number) => JSON.stringify({ id: `k${i}`, createdDateTime: '2026-11-02T08:00:00Z', userId: 'u', appId: 'a', status: { errorCode: 0 }, isInteractive: true, userAgent: 'x'.repeat(200) });
    writeFileSync(big, `[${Array.from({ length: 300_000 }, (_, i) => row(i)).join(',\n')}]`);
    // no respawn: the process killed is the one importing (else its launcher, and the importer dies ~250 ms later)
    const child = spawn(process.execPath, [BIN, 'signins', 'import', big, '--db', db], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MFAGUARD_NO_RESPAWN: '1' } });
    await new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => {
      if (/100,000 rows/.test(String(d))) resolve();
    }));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(readdirSync(dir).some((f) => f.startsWith('logs.duckdb.tmp-'))).toBe(true); // nothing can remove it after SIGKILL…
    const r = await mfaguard(['scan', '--snapshot', writeSnapshot(dir), '--signins-db', db, '--format', 'json']);
    expect(r.code).toBe(0);
    expect((await mfaguard(['signins', 'import', fixture('graph-array.json'), '--db', db])).stdout).toMatch(/1 new, 5 in total/);
    expect(readdirSync(dir).sort()).toEqual(['big.json', 'logs.duckdb', 'tenant.json']); // …the next import does
  }, 60_000);
});

describe('mfaguard signins import, interrupted or pointed at the wrong file', () => {
  it('Ctrl-C (SIGINT) removes the temporary database and leaves the old one as it was', async () => {
    const dir = tempDir();
    const db = join(dir, 'logs.duckdb');
    expect((await mfaguard(['signins', 'import', fixture('graph-beta.ndjson'), '--db', db])).code).toBe(0);
    const before = readFileSync(db);
    const big = join(dir, 'big.json');
    writeFileSync(big, `[${Array.from({ length: 300_000 }, (_, i) => JSON.stringify({ id: `k${i}`, createdDateTime: '2026-11-02T08:00:00Z', userId: 'u', appId: 'a', status: { errorCode: 0 }, isInteractive: true, userAgent: 'x'.repeat(200) })).join(',\n')}]`);
    const child = spawn(process.execPath, [BIN, 'signins', 'import', big, '--db', db], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MFAGUARD_NO_RESPAWN: '1' } });
    await new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => {
      if (/100,000 rows/.test(String(d))) resolve();
    }));
    child.kill('SIGINT');
    const [, signal] = await new Promise<[number | null, string | null]>((r) => child.on('exit', (code, sig) => r([code, sig])));
    expect(signal).toBe('SIGINT');
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['big.json', 'logs.duckdb']);
  }, 60_000);

  it('--db naming a file that is not a DuckDB database: exit 2, the file untouched', async () => {
    const dir = tempDir();
    const notDb = join(dir, 'notes.txt');
    writeFileSync(notDb, 'my notes\n');
    const r = await mfaguard(['signins', 'import', fixture('graph-beta.ndjson'), '--db', notDb]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/notes\.txt: not a sign-in database DuckDB can open/);
    expect(readFileSync(notDb, 'utf8')).toBe('my notes\n');
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    const scan = await mfaguard(['scan', '--snapshot', writeSnapshot(dir), '--signins-db', join(dir, 'missing.duckdb')]);
    expect(scan.code).toBe(2);
    expect(scan.stderr).toMatch(/missing\.duckdb: sign-in database not found/);
  });
});

function writeSnapshot(dir: string): string {
  const path = join(dir, 'tenant.json');
  writeFileSync(path, JSON.stringify(snapshot({ users: [user('alice@tailspin.test', { id: '0a11ce00-0000-4000-8000-000000000001' })] })));
  return path;
}

describe('mfaguard scan --signins', () => {
  it('imports the files (into --signins-db when given, kept) and scans; a bad sign-in file is exit 2', async () => {
    const dir = tempDir();
    const snap = writeSnapshot(dir);
    const db = join(dir, 'scan.duckdb');
    const r = await mfaguard(['scan', '--snapshot', snap, '--signins', fixture('graph-beta.ndjson'), '--signins', fixture('la-signinlogs.json'), '--signins-db', db, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0);
    const list = await mfaguard(['signins', 'import', fixture('la-signinlogs.json'), '--db', db]);
    expect(list.stdout).toMatch(/0 new, 5 in total/);
    const temp = await mfaguard(['scan', '--snapshot', snap, '--signins', fixture('graph-beta.ndjson'), '--format', 'json']);
    expect(temp.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['scan.duckdb', 'tenant.json']);
    const bad = join(dir, 'InteractiveSignIns.csv');
    writeFileSync(bad, 'Date (UTC),Request ID,User ID,Application ID,Status\nnot a date,r1,u1,a1,Success\n');
    const b = await mfaguard(['scan', '--snapshot', snap, '--signins', bad]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/InteractiveSignIns\.csv:2: key "Date \(UTC\)": expected an ISO 8601 UTC time/);
    expect((await mfaguard(['scan', '--snapshot', snap, '--signins', fixture('graph-beta.ndjson'), '--output', fixture('graph-beta.ndjson'), '--format', 'json'])).code).toBe(2);
  }, 60_000);
});
