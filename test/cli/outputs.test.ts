/**
 * Issue 10, outputs that cannot be lost: write errors fail the run (exit 2 naming the path, never
 * "internal error"), all outputs of a run are committed together or not at all, an output may not be
 * an input or another output, and temporary files and directories do not outlive the run (not even a
 * Ctrl-C).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingTempFiles, removePendingTempFiles, writeFilesTogether } from '../../src/app/output.js';
import { BIN, DEMO, mfaguard } from './run.js';

let dir: string;
let snap: string;
let snapBytes: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mfaguard-outputs-'));
  snapBytes = await readFile(DEMO, 'utf8');
  snap = join(dir, 'tenant.json');
  await writeFile(snap, snapBytes);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const cleanError = (r: { code: number; stderr: string }, pattern: RegExp) => {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
};

/** Runs the CLI with its standard output on the file `stdoutPath` (e.g. /dev/full). */
async function withStdoutTo(stdoutPath: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  const fh = await open(stdoutPath, 'w');
  try {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', fh.fd, 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    return { code, stderr };
  } finally {
    await fh.close();
  }
}

const tmpLeftovers = async (d: string) => (await readdir(d)).filter((f) => f.includes('.tmp-'));

describe('write errors exit non-zero', () => {
  it('--output /dev/full: exit 2 naming the path; the device stays a device', async () => {
    cleanError(await mfaguard(['scan', '--snapshot', snap, '--output', '/dev/full']), /^mfaguard: error: \/dev\/full: cannot write the output: no space left on the device \(ENOSPC\)$/m);
    expect((await stat('/dev/full')).isCharacterDevice()).toBe(true);
  });

  it('standard output on a full disk: exit 2', async () => {
    const r = await withStdoutTo('/dev/full', ['scan', '--snapshot', snap, '--format', 'json']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/standard output: cannot write the output: ENOSPC/);
  });

  it('explain on a full disk: exit 2 too', async () => {
    const upn = (JSON.parse(snapBytes) as { users: { userPrincipalName: string }[] }).users[0]!.userPrincipalName;
    const r = await withStdoutTo('/dev/full', ['explain', '--snapshot', snap, '--user', upn]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/ENOSPC/);
  });

  it('a directory, or a missing parent: input errors (exit 2), not internal errors', async () => {
    cleanError(await mfaguard(['scan', '--snapshot', snap, '--output', dir]), /is a directory/);
    cleanError(await mfaguard(['scan', '--snapshot', snap, '--output', join(dir, 'nope', 'r.txt')]), /output directory does not exist/);
  });
});

describe('all outputs of one run, or none', () => {
  it('the second output fails: the first is not written, an earlier file stays as it was, no temporary is left', async () => {
    const good = join(dir, 'good.json');
    await writeFile(good, 'earlier');
    cleanError(await mfaguard(['scan', '--snapshot', snap, '--format', 'json', '--output', good, '--format', 'csv', '--output', '/dev/full']), /\/dev\/full/);
    expect(await readFile(good, 'utf8')).toBe('earlier');
    expect(await tmpLeftovers(dir)).toEqual([]);
  });

  it('standard output fails (it is written last, before the files are renamed): no file is committed', async () => {
    const good = join(dir, 'with-stdout.json');
    const r = await withStdoutTo('/dev/full', ['scan', '--snapshot', snap, '--format', 'json', '--output', good, '--format', 'table']);
    expect(r.code, r.stderr).toBe(2);
    await expect(stat(good)).rejects.toThrow();
    expect(await tmpLeftovers(dir)).toEqual([]);
  });

  it('both succeed: both written', async () => {
    const r = await mfaguard(['scan', '--snapshot', snap, '--format', 'json', '--output', join(dir, 'ok.json'), '--format', 'csv', '--output', join(dir, 'ok.csv')]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'ok.json'), 'utf8'))).toMatchObject({ mfaguardReport: 1 });
    expect(await readFile(join(dir, 'ok.csv'), 'utf8')).toMatch(/^\S+/);
  });
});

describe('an output may not be an input or another output', () => {
  it('--output = --snapshot: exit 2, the snapshot untouched (also through a symbolic link)', async () => {
    cleanError(await mfaguard(['scan', '--snapshot', snap, '--format', 'json', '--output', snap]), /usage error: --output .* would overwrite the input/);
    const link = join(dir, 'link.json');
    await symlink(snap, link);
    cleanError(await mfaguard(['scan', '--snapshot', snap, '--output', link]), /would overwrite the input/);
    expect(await readFile(snap, 'utf8')).toBe(snapBytes);
  });

  it('a file inside the snapshot directory, or inside --save-snapshot', async () => {
    const snapDir = join(dir, 'snapdir');
    await mkdir(snapDir, { recursive: true });
    cleanError(await mfaguard(['scan', '--snapshot', snapDir, '--output', join(snapDir, 'users.ndjson')]), /would overwrite the input/);
    cleanError(await mfaguard(['scan', '--tenant', 't', '--save-snapshot', snapDir, '--output', join(snapDir, 'r.json')]), /would overwrite the input/);
    cleanError(await mfaguard(['demo', '--save-snapshot', snapDir, '--output', join(snapDir, 'r.json')]), /would overwrite the input/);
    expect(await readdir(snapDir)).toEqual([]);
  });

  it('scan --demo may not overwrite the bundled demo tenant', async () => {
    const before = await readFile(DEMO, 'utf8');
    cleanError(await mfaguard(['scan', '--demo', '--format', 'json', '--output', DEMO]), /would overwrite the input/);
    expect(await readFile(DEMO, 'utf8')).toBe(before);
  });

  it('report --output = --from: exit 2', async () => {
    const saved = join(dir, 'saved.json');
    expect((await mfaguard(['scan', '--snapshot', snap, '--format', 'json', '--output', saved])).code).toBe(0);
    const before = await readFile(saved, 'utf8');
    cleanError(await mfaguard(['report', '--from', saved, '--format', 'json', '--output', saved]), /would overwrite the input/);
    expect(await readFile(saved, 'utf8')).toBe(before);
  });

  it('two formats to one file: exit 2 (the last one used to win silently)', async () => {
    cleanError(await mfaguard(['scan', '--snapshot', snap, '--format', 'json', '--output', join(dir, 'same'), '--format', 'csv', '--output', join(dir, '.', 'same')]), /given twice/);
  });
});

describe('temporary files and directories', () => {
  it('the library registers the temporaries it writes; removePendingTempFiles (the CLI signal handler) deletes them', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const target = join(dir, 'slow.txt');
    const writing = writeFilesTogether([{ path: target, produce: async (write) => { await write('x'.repeat(1000)); await gate; } }]);
    await new Promise((r) => setTimeout(r, 50));
    const pending = pendingTempFiles();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatch(/slow\.txt\.tmp-/);
    removePendingTempFiles();
    await expect(stat(pending[0]!)).rejects.toThrow();
    release();
    await writing.catch(() => undefined);
    expect(pendingTempFiles()).toEqual([]);
  });

  it('demo and scan --tenant leave no folder in the temporary directory, on success, failure or Ctrl-C', async () => {
    const tmp = join(dir, 'tmp');
    await mkdir(tmp);
    const env = { TMPDIR: tmp };
    expect((await mfaguard(['demo', '--quiet', '--output', join(dir, 'demo.txt')], env)).code).toBe(0);
    expect(await readdir(tmp)).toEqual([]);
    const failed = await mfaguard(['scan', '--tenant', '11111111-1111-1111-1111-111111111111', '--auth', 'client-secret', '--authority-host', 'https://127.0.0.1:9', '--quiet'], { ...env, AZURE_CLIENT_ID: 'x', AZURE_CLIENT_SECRET: 'y' });
    expect(failed.code, failed.stderr).toBe(2);
    expect(await readdir(tmp)).toEqual([]);

    // Ctrl-C while the demo collects: the temporary snapshot directory goes too
    const child = spawn(process.execPath, [BIN, 'demo', '--faults', '0.3', '--output', join(dir, 'never.txt')], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env, NO_COLOR: '1' } });
    let stderr = '';
    const started = new Promise<void>((resolve) => child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); if (stderr.includes('collecting')) resolve(); }));
    const exited = new Promise<unknown>((r) => child.on('close', (code, signal) => r(signal ?? code)));
    await started;
    await new Promise((r) => setTimeout(r, 150));
    expect((await readdir(tmp)).length).toBe(1); // the demo's snapshot directory, while collecting
    child.kill('SIGINT');
    expect([130, 'SIGINT']).toContain(await exited);
    expect(await readdir(tmp)).toEqual([]);
  }, 90_000);
});
