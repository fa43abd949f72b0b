/**
 * Streams a synthetic tenant to the directory layout of spec/snapshot.md: `manifest.json` (scalar
 * and single-object keys) plus one `<key>.ndjson[.gz]` per collection (map-shaped keys as
 * `{"key": id, "value": ...}` lines).
 *
 * Memory stays bounded: users, registration details and group memberships are materialized one at a
 * time from the plan and written through ~1 MiB chunks with backpressure. The directory is built under
 * a temporary name next to `out` and renamed into place only when complete (manifest written last),
 * so an interrupted run never leaves something that looks like a whole tenant.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';
import { manifestOf, smallCollections } from './collections.js';
import { generateSignInsFor, signInUser, type SignInPopulation } from './signins.js';
import { SyntheticTenant, type GenerateOptions } from './synthetic-tenant.js';
import { pathExists } from '../../src/fs.js';

export interface WriteProgress {
  /** Collection being written. */
  phase: string;
  done: number;
  total: number;
}

export interface WriteOptions extends GenerateOptions {
  /** Target directory; created, or replaced if it already holds an mfaguard snapshot. */
  out: string;
  /** Gzip every NDJSON file (`.ndjson.gz`). */
  gzip?: boolean;
  /** zlib level when gzip is on (default 1: large tenants are I/O- and CPU-bound, level 1 is ~4x faster than 6). */
  gzipLevel?: number;
  onProgress?: (p: WriteProgress) => void;
  /** Aborting stops the run and removes the partial directory. */
  signal?: AbortSignal;
  /** Also write `signIns.ndjson` (devkit/gen/signins.ts) and `signInsWindow`: `count` rows over `days` (default 30) ending at `asOf` (default: the snapshot's collectedAt). */
  signIns?: { count: number; days?: number; asOf?: string };
}

export interface WriteResult {
  /** Paths of the files written (inside `out`). */
  files: string[];
  /** Items per collection (map-shaped collections: keys), plus `groupMemberships` (direct member entries). */
  counts: Record<string, number>;
  /** Total bytes on disk. */
  bytes: number;
}

const CHUNK = 1 << 20;
/** Bytes a file may have in flight before generation waits: lets the CPU work overlap the disk writes. */
const HIGH_WATER = 8 << 20;
const PROGRESS_EVERY = 1 << 15;

class NdjsonWriter {
  private buf = '';
  private readonly file: WriteStream;
  private readonly sink: WriteStream | Gzip;
  private readonly done: Promise<void>;
  private error: Error | undefined;
  count = 0;

  constructor(readonly path: string, gzip: boolean, level: number) {
    this.file = createWriteStream(path, { highWaterMark: HIGH_WATER });
    if (gzip) {
      const gz = createGzip({ level });
      this.sink = gz;
      this.done = pipeline(gz, this.file);
    } else {
      this.sink = this.file;
      this.done = finished(this.file);
    }
    this.done.catch((err: Error) => { this.error ??= err; });
  }

  /** Appends one line; resolves immediately unless a chunk had to wait for the disk. */
  line(text: string): Promise<void> | undefined {
    this.buf += text;
    this.buf += '\n';
    this.count++;
    return this.buf.length >= CHUNK ? this.flush() : undefined;
  }

  /** Appends part of a line (for lines too long to build as one string); `line('')` ends it. */
  part(text: string): Promise<void> | undefined {
    this.buf += text;
    return this.buf.length >= CHUNK ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.error) throw this.error;
    if (!this.buf) return;
    const chunk = this.buf;
    this.buf = '';
    if (!this.sink.write(chunk)) {
      await Promise.race([new Promise<void>((res) => { this.sink.once('drain', () => res()); }), this.done]);
      if (this.error) throw this.error;
    }
  }

  async close(): Promise<void> {
    await this.flush();
    this.sink.end();
    await this.done;
  }

  destroy(): void {
    this.sink.destroy();
    this.file.destroy();
  }
}

/** Throws unless `out` is absent, an empty directory, or a directory holding an mfaguard snapshot. */
async function checkReplaceable(out: string): Promise<void> {
  let info;
  try {
    info = await stat(out);
  } catch {
    return;
  }
  if (!info.isDirectory()) throw new Error(`${out} exists and is not a directory`);
  const names = await readdir(out);
  if (names.length && !names.includes('manifest.json') && !names.includes('manifest.json.gz')) {
    throw new Error(`${out} exists and is not an mfaguard snapshot directory; refusing to replace it`);
  }
}

async function moveIntoPlace(tmp: string, out: string): Promise<void> {
  await checkReplaceable(out);
  if (!(await pathExists(out))) {
    await rename(tmp, out);
    return;
  }
  const old = `${tmp}.old`;
  await rename(out, old);
  try {
    await rename(tmp, out);
  } catch (err) {
    await rename(old, out).catch(() => undefined);
    throw err;
  }
  await rm(old, { recursive: true, force: true });
}

export async function writeSnapshotDir(opts: WriteOptions): Promise<WriteResult> {
  const t = new SyntheticTenant(opts);
  const out = resolve(opts.out);
  const gzip = opts.gzip === true;
  const level = opts.gzipLevel ?? 1;
  const ext = gzip ? '.ndjson.gz' : '.ndjson';
  const signal = opts.signal;
  const progress = opts.onProgress;
  await checkReplaceable(out);
  await mkdir(dirname(out), { recursive: true });
  // a plain mkdir (not mkdtemp, which makes it 0700): the finished directory gets the usual umask permissions
  const tmp = join(dirname(out), `.${basename(out)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp);
  const open: NdjsonWriter[] = [];
  const counts: Record<string, number> = {};
  const lineCounts: Record<string, number> = {}; // per file, for the manifest's `counts` (spec/snapshot.md)
  const names: string[] = [];
  const writer = (key: string) => {
    const w = new NdjsonWriter(join(tmp, key + ext), gzip, level);
    open.push(w);
    names.push(key + ext);
    return w;
  };
  const close = async (key: string, w: NdjsonWriter) => {
    await w.close();
    counts[key] = w.count;
    lineCounts[key] = w.count;
  };
  const checkAbort = () => {
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
  };

  try {
    // users and their registration details: one pass, two files
    const users = writer('users');
    const regs = writer('userRegistrationDetails');
    let i = 0;
    // sign-ins need each user's id, UPN and MFA capability: kept compactly during this one pass
    const population: SignInPopulation | undefined = opts.signIns
      ? { tenantId: t.tenant.id, users: [], trustedLocations: [], policies: [], servicePrincipals: [] }
      : undefined;
    for (const [u, r] of t.usersWithRegistration()) {
      if (population) population.users.push(signInUser(u, t.seed, r.isMfaCapable ?? undefined));
      const a = users.line(JSON.stringify(u));
      const b = regs.line(JSON.stringify(r));
      if (a) await a;
      if (b) await b;
      if (++i % PROGRESS_EVERY === 0) {
        checkAbort();
        progress?.({ phase: 'users', done: i, total: t.n });
      }
    }
    progress?.({ phase: 'users', done: t.n, total: t.n });
    await close('users', users);
    await close('userRegistrationDetails', regs);

    const groups = writer('groups');
    for (const g of t.groups()) {
      const p = groups.line(JSON.stringify(g));
      if (p) await p;
    }
    await close('groups', groups);

    const gm = writer('groupMembers');
    let memberships = 0;
    // Built piecewise: a department-wide dynamic group of a 1M-user tenant is a 16 MB line, and
    // 200k member objects per line would only feed the garbage collector.
    for (let g = 0; g < t.groupCount; ) {
      let sep = '';
      const head = gm.part(`{"key":${JSON.stringify(t.groupPlans[g]!.id)},"value":[`);
      if (head) await head;
      for (const ref of t.memberRefs(g)) {
        const p = gm.part(sep + t.refJson(ref));
        sep = ',';
        memberships++;
        if (p) await p;
      }
      const tail = gm.line(']}');
      if (tail) await tail;
      if (++g % 4096 === 0) {
        checkAbort();
        progress?.({ phase: 'groupMembers', done: g, total: t.groupCount });
      }
    }
    progress?.({ phase: 'groupMembers', done: t.groupCount, total: t.groupCount });
    await close('groupMembers', gm);
    counts.groupMemberships = memberships;

    for (const [key, items] of Object.entries(smallCollections(t))) {
      const w = writer(key);
      for (const item of items as unknown[]) {
        const p = w.line(JSON.stringify(item));
        if (p) await p;
      }
      await close(key, w);
    }
    const am = writer('authenticationMethods');
    for (const [key, value] of Object.entries(t.authenticationMethods)) {
      const p = am.line(JSON.stringify({ key, value }));
      if (p) await p;
    }
    await close('authenticationMethods', am);
    checkAbort();

    let signInsWindow: { from: string; to: string } | undefined;
    if (opts.signIns && population) {
      const asOf = opts.signIns.asOf ?? t.collectedAt;
      const days = opts.signIns.days ?? 30;
      population.trustedLocations = t.namedLocations.filter((l) => (l as { isTrusted?: unknown }).isTrusted === true).map((l) => String(l.displayName ?? l.id));
      population.policies = t.conditionalAccessPolicies.map((p) => ({ id: p.id, displayName: String(p.displayName ?? p.id), state: String(p.state) }));
      population.servicePrincipals = t.servicePrincipals.filter((s) => s.appId).map((s) => ({ id: s.id, appId: s.appId!, displayName: String(s.displayName ?? s.appId) }));
      const w = writer('signIns');
      const total = opts.signIns.count;
      let n = 0;
      for (const row of generateSignInsFor(population, { count: total, seed: t.seed, asOf, days })) {
        const p = w.line(JSON.stringify(row));
        if (p) await p;
        if (++n % PROGRESS_EVERY === 0) {
          checkAbort();
          progress?.({ phase: 'signIns', done: n, total });
        }
      }
      progress?.({ phase: 'signIns', done: total, total });
      await close('signIns', w);
      signInsWindow = { from: new Date(Date.parse(asOf) - days * 86_400_000).toISOString(), to: new Date(Date.parse(asOf)).toISOString() };
    }

    // manifest last: a directory without it is not a snapshot
    const manifest = createWriteStream(join(tmp, 'manifest.json'));
    manifest.end(`${JSON.stringify({ ...manifestOf(t), ...(signInsWindow ? { signInsWindow } : {}), counts: lineCounts }, null, 2)}\n`);
    await finished(manifest);
    names.push('manifest.json');

    let bytes = 0;
    for (const name of names) bytes += (await stat(join(tmp, name))).size;
    await moveIntoPlace(tmp, out);
    return { files: names.map((n) => join(out, n)), counts, bytes };
  } catch (err) {
    for (const w of open) w.destroy();
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
