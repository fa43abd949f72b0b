/**
 * Streaming writer and `npm run gen`: the directory layout loads to exactly the in-memory tenant, writes
 * are atomic (temp dir + rename; nothing left behind on failure), bad arguments exit 2.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSnapshot, writeSnapshotDir } from '../../devkit/gen/generate.js';
import { genMain, parseCount } from '../../devkit/gen/cli.js';
import { loadSnapshot } from '../../src/snapshot/load.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mfaguard-gen-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('writeSnapshotDir', () => {
  it('writes the directory layout that loads to the same tenant as generateSnapshot', async () => {
    const out = join(dir, 'tenant');
    const progress: string[] = [];
    const res = await writeSnapshotDir({ users: 500, seed: 11, out, onProgress: (p) => progress.push(p.phase) });
    const names = (await readdir(out)).sort();
    expect(names).toContain('manifest.json');
    expect(names).toContain('users.ndjson');
    expect(names).toContain('groupMembers.ndjson');
    expect(res.files.map((f) => f.slice(out.length + 1)).sort()).toEqual(names);
    expect(res.counts.users).toBe(500);
    expect(res.counts.groupMembers).toBe(res.counts.groups);
    expect(res.bytes).toBeGreaterThan(100_000);
    expect(progress).toContain('users');
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(manifest).sort()).toEqual(['collectedAt', 'counts', 'mfaguardSnapshot', 'securityDefaults', 'tenant', 'unavailable']);
    // line counts per NDJSON file (issue 10: a file cut at a line boundary must not load as a smaller tenant)
    expect(manifest.counts).toMatchObject({ users: 500, groups: res.counts.groups, groupMembers: res.counts.groups });
    const firstMemberLine = (await readFile(join(out, 'groupMembers.ndjson'), 'utf8')).split('\n')[0]!;
    expect(Object.keys(JSON.parse(firstMemberLine) as object)).toEqual(['key', 'value']);

    const { snapshot, warnings } = await loadSnapshot(out);
    expect(warnings).toEqual([]);
    expect(snapshot).toEqual(generateSnapshot({ users: 500, seed: 11 }));
  });

  it('gzips every collection on request and still loads to the same tenant', async () => {
    const out = join(dir, 'gz');
    await writeSnapshotDir({ users: 120, seed: 'gz', out, gzip: true, policies: 60, securityDefaults: true });
    const names = await readdir(out);
    expect(names.filter((n) => n.endsWith('.ndjson'))).toEqual([]);
    expect(names.filter((n) => n.endsWith('.ndjson.gz')).length).toBeGreaterThan(10);
    const { snapshot } = await loadSnapshot(out);
    expect(snapshot).toEqual(generateSnapshot({ users: 120, seed: 'gz', policies: 60, securityDefaults: true }));
  });

  it('replaces an earlier snapshot in place and leaves no temporary directories', async () => {
    const out = join(dir, 't');
    await writeSnapshotDir({ users: 30, seed: 1, out, gzip: true });
    await writeSnapshotDir({ users: 40, seed: 2, out });
    expect((await loadSnapshot(out)).snapshot).toEqual(generateSnapshot({ users: 40, seed: 2 }));
    expect((await readdir(out)).some((n) => n.endsWith('.gz'))).toBe(false);
    expect(await readdir(dir)).toEqual(['t']);
  });

  it('refuses to replace a directory that is not a snapshot, and a file', async () => {
    const keep = join(dir, 'precious');
    await mkdir(keep);
    await writeFile(join(keep, 'notes.txt'), 'do not delete');
    await expect(writeSnapshotDir({ users: 10, seed: 1, out: keep })).rejects.toThrow(/not an mfaguard snapshot directory/);
    expect(await readdir(keep)).toEqual(['notes.txt']);
    await writeFile(join(dir, 'file'), 'x');
    await expect(writeSnapshotDir({ users: 10, seed: 1, out: join(dir, 'file') })).rejects.toThrow(/not a directory/);
    expect((await readdir(dir)).sort()).toEqual(['file', 'precious']);
  });

  it('an aborted run leaves nothing that looks like a tenant', async () => {
    const out = join(dir, 'aborted');
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(writeSnapshotDir({ users: 50, seed: 1, out, signal: ac.signal })).rejects.toThrow('stop');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('npm run gen (genMain)', () => {
  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => { out.push(String(c)); return true; });
    vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => { err.push(String(c)); return true; });
    return { out, err };
  }

  it('parses counts with k/m suffixes', () => {
    expect(parseCount('100k', 'users')).toBe(100_000);
    expect(parseCount('1M', 'users')).toBe(1_000_000);
    expect(parseCount('1_000', 'users')).toBe(1000);
    expect(() => parseCount('1.5k', 'users')).toThrow(/whole number/);
  });

  it.each([
    [['--seed', '1', '--out', 'x'], /--users is required/],
    [['--users', 'many', '--seed', '1', '--out', 'x'], /--users must be a whole number/],
    [['--users', '0', '--seed', '1', '--out', 'x'], /between 1 and 50,000,000/],
    [['--users', '10', '--out', 'x'], /--seed is required/],
    [['--users', '10', '--seed', '1'], /--out is required/],
    [['--users', '10', '--seed', '1', '--out', 'x', '--policies', '-3'], /--policies/],
    [['--users', '10', '--seed', '1', '--out', 'x', '--colour'], /Unknown option/],
  ])('exits 2 with a clear message for %j', async (argv, message) => {
    const { err } = capture();
    expect(await genMain(argv)).toBe(2);
    expect(err.join('')).toMatch(message);
    expect(err.join('')).toMatch(/Usage:/);
  });

  it('exits 2 when the output exists and is not a snapshot', async () => {
    const { err } = capture();
    await writeFile(join(dir, 'f'), 'x');
    expect(await genMain(['--users', '5', '--seed', '1', '--out', join(dir, 'f')])).toBe(2);
    expect(err.join('')).toMatch(/not a directory/);
  });

  it('writes a tenant and prints a summary', async () => {
    const { out } = capture();
    const target = join(dir, 'cli');
    expect(await genMain(['--users', '25', '--seed', 'cli', '--out', target, '--policies', '55', '--security-defaults'])).toBe(0);
    expect(out.join('')).toMatch(/25 users, .* 55 CA policies/);
    expect(out.join('')).toMatch(/files, .* in [\d.]+ s/);
    const { snapshot } = await loadSnapshot(target);
    expect(snapshot.securityDefaults?.isEnabled).toBe(true);
    expect(snapshot).toEqual(generateSnapshot({ users: 25, seed: 'cli', policies: 55, securityDefaults: true }));
    expect(await genMain(['--help'])).toBe(0);
  });
});
