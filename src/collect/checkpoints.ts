/**
 * Checkpoints and the atomic finish.
 *
 * While collecting, `OUT/.mfaguard-collect/` holds everything: `state.json` (which tenant and
 * endpoints), one `<key>.ndjson` per collection as it is fetched, `<key>.cursor.json` (the nextLink to
 * continue from and how many bytes of the NDJSON it covers) and `<key>.done.json` once a collection is
 * finished (or known to be unavailable). `--resume` truncates each unfinished file back to its last
 * cursor and continues from there; finished collections are not fetched again. Map-shaped collections
 * (group members per group, per-user requirements) write one complete `{"key","value"}` line per
 * object, so a resume skips the keys already present.
 *
 * Finishing: the files move into a fresh sibling directory, `manifest.json` is written last, and that
 * directory is renamed over OUT. OUT never holds a manifest next to partial data: a reader either sees
 * the previous complete snapshot, nothing, or the new complete one (the loader rejects a directory
 * without manifest.json).
 */
import { closeSync, createReadStream, existsSync, openSync, readSync, writeSync, ftruncateSync, fstatSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { UnavailableEntry } from '../snapshot/types.js';

export const STAGE_DIR = '.mfaguard-collect';

export interface DoneMarker {
  key: string;
  count: number;
  /** Set when the collection could not be read (403, licence, ...). */
  unavailable?: UnavailableEntry;
  /** Single-object keys (tenant, securityDefaults) keep their value here. */
  value?: unknown;
  /** True when nothing was needed (no file is written). */
  skipped?: boolean;
  note?: string;
  /** The Graph delta link that continues from this collection's data (incremental collection). */
  delta?: string;
  /** Set when the data was taken over from an earlier read (its time) rather than read now. */
  reusedAt?: string;
  finishedAt: string;
}

export interface Cursor {
  next: string | null;
  count: number;
  bytes: number;
}

/** What `--resume` remembers of the interrupted run's options (no secret among them). */
export interface RememberedOptions {
  tenant?: string; auth?: string; clientId?: string; cloud?: string;
  authorityHost?: string; graphEndpoint?: string; armEndpoint?: string;
  /** Extra trusted CA certificates (PEM: public). */
  ca?: string[];
}
const REMEMBERED_KEYS = ['tenant', 'auth', 'clientId', 'cloud', 'authorityHost', 'graphEndpoint', 'armEndpoint', 'ca'] as const;

export class StageError extends Error {
  override name = 'StageError';
}

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

export class Stage {
  private readonly done = new Map<string, DoneMarker>();
  private constructor(readonly out: string, readonly dir: string, readonly resumed: boolean) {}

  /** The checks `open` makes, without creating anything (run before an interactive sign-in). */
  static async check(outArg: string): Promise<void> {
    const out = resolve(outArg);
    let entries: string[];
    try {
      const st = await stat(out);
      if (!st.isDirectory()) throw new StageError(`${outArg} exists and is not a directory`);
      entries = await readdir(out);
    } catch (err) {
      if (err instanceof StageError) throw err;
      try {
        await stat(dirname(out));
      } catch {
        throw new StageError(`the parent directory of ${outArg} does not exist`);
      }
      return;
    }
    const known = entries.includes(STAGE_DIR) || entries.includes('manifest.json') || entries.includes('manifest.json.gz');
    if (!known && entries.length) throw new StageError(`${outArg} is not empty and holds no mfaguard snapshot; choose a new or empty directory`);
  }

  /**
   * Opens (or starts) the stage under `out`. Without `resume` an interrupted stage is discarded.
   * `fingerprint` must match on resume (same tenant and endpoints).
   */
  static async open(outArg: string, opts: { resume: boolean; fingerprint: Record<string, unknown>; options?: RememberedOptions; onNote?: (m: string) => void }): Promise<Stage> {
    const out = resolve(outArg);
    const dir = join(out, STAGE_DIR);
    let outExists = false;
    try {
      const st = await stat(out);
      if (!st.isDirectory()) throw new StageError(`${outArg} exists and is not a directory`);
      outExists = true;
    } catch (err) {
      if (err instanceof StageError) throw err;
    }
    if (!outExists) {
      try {
        await stat(dirname(out));
      } catch {
        throw new StageError(`the parent directory of ${outArg} does not exist`);
      }
    }
    let resumed = false;
    if (outExists) {
      const entries = await readdir(out);
      const hasStage = entries.includes(STAGE_DIR);
      const hasManifest = entries.includes('manifest.json') || entries.includes('manifest.json.gz');
      if (!hasStage && !hasManifest && entries.length) {
        throw new StageError(`${outArg} is not empty and holds no mfaguard snapshot; choose a new or empty directory`);
      }
      if (hasStage) {
        await Stage.takeLock(dir);
        let state: { fingerprint?: Record<string, unknown> } | undefined;
        try {
          state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as typeof state;
        } catch {
          state = undefined;
        }
        if (opts.resume && state) {
          const want = JSON.stringify(opts.fingerprint);
          const have = JSON.stringify(state.fingerprint);
          if (want !== have) {
            throw new StageError(`the interrupted collection in ${outArg} was for ${describe(state.fingerprint)}, not ${describe(opts.fingerprint)}; run without --resume to start over`);
          }
          resumed = true;
        } else {
          opts.onNote?.(opts.resume ? 'nothing usable to resume; starting over' : `discarding an interrupted collection in ${outArg} (use --resume to continue it)`);
          await rm(dir, { recursive: true, force: true });
        }
      } else if (opts.resume) {
        opts.onNote?.('nothing to resume; starting a new collection');
      }
    }
    await mkdir(dir, { recursive: true });
    await Stage.takeLock(dir);
    const stage = new Stage(out, dir, resumed);
    if (resumed) {
      for (const f of await readdir(dir)) {
        if (!f.endsWith('.done.json')) continue;
        try {
          const m = JSON.parse(await readFile(join(dir, f), 'utf8')) as DoneMarker;
          stage.done.set(m.key, m);
        } catch {
          /* a marker cut short: the collection is fetched again */
        }
      }
    } else {
      await writeAtomic(join(dir, 'state.json'), JSON.stringify({ version: 1, fingerprint: opts.fingerprint, options: opts.options ?? {}, startedAt: new Date().toISOString() }, null, 2));
    }
    return stage;
  }

  /**
   * The sign-in and endpoint options an interrupted collection in `outArg` was started with (never a
   * secret: those come from the environment), so `--resume` alone continues it; {} when there is none.
   */
  static async rememberedOptions(outArg: string): Promise<RememberedOptions> {
    try {
      const state = JSON.parse(await readFile(join(resolve(outArg), STAGE_DIR, 'state.json'), 'utf8')) as { options?: unknown };
      const o = state.options;
      if (!o || typeof o !== 'object') return {};
      const picked: RememberedOptions = {};
      for (const k of REMEMBERED_KEYS) {
        const v = (o as Record<string, unknown>)[k];
        if (k === 'ca' ? Array.isArray(v) && v.every((x) => typeof x === 'string') : typeof v === 'string') (picked as Record<string, unknown>)[k] = v;
      }
      return picked;
    } catch {
      return {};
    }
  }

  /** One collector per output directory; a lock left by a killed process is taken over. */
  private static async takeLock(dir: string): Promise<void> {
    const lock = join(dir, 'lock');
    let pid = 0;
    try {
      pid = Number((await readFile(lock, 'utf8')).trim());
    } catch {
      pid = 0;
    }
    if (pid && pid !== process.pid) {
      // A collector whose launcher was just killed dies within a moment (bin/mfaguard.js watches its
      // parent): give it a few seconds before calling the directory busy.
      const deadline = Date.now() + 5000;
      while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (pidAlive(pid)) throw new StageError(`another mfaguard collect (pid ${pid}) is writing to this directory`);
    }
    try {
      await writeFile(lock, String(process.pid));
    } catch {
      /* the directory does not exist yet: taken again after mkdir */
    }
  }

  finished(key: string): DoneMarker | undefined {
    return this.done.get(key);
  }

  async markDone(marker: Omit<DoneMarker, 'finishedAt'>): Promise<void> {
    const m: DoneMarker = { ...marker, finishedAt: new Date().toISOString() };
    if (m.unavailable || m.skipped) await rm(this.dataPath(m.key), { force: true });
    await writeAtomic(join(this.dir, `${m.key}.done.json`), JSON.stringify(m));
    await rm(join(this.dir, `${m.key}.cursor.json`), { force: true });
    this.done.set(m.key, m);
  }

  /** Forget a collection entirely (its parent changed, or a resumed cursor no longer works). */
  async reset(key: string): Promise<void> {
    this.done.delete(key);
    await rm(join(this.dir, `${key}.done.json`), { force: true });
    await rm(join(this.dir, `${key}.cursor.json`), { force: true });
    await rm(this.dataPath(key), { force: true });
  }

  dataPath(key: string): string {
    return join(this.dir, `${key}.ndjson`);
  }

  /** Appender for a collection, positioned after its last checkpoint. */
  async writer(key: string, kind: 'paged' | 'map'): Promise<NdjsonAppender> {
    let cursor: Cursor | undefined;
    if (this.resumed) {
      try {
        cursor = JSON.parse(await readFile(join(this.dir, `${key}.cursor.json`), 'utf8')) as Cursor;
      } catch {
        cursor = undefined;
      }
    }
    return new NdjsonAppender(this.dataPath(key), join(this.dir, `${key}.cursor.json`), cursor, this.resumed && kind === 'map');
  }

  /** Streams the `{"key": ...}` of every complete line of a map-shaped collection (for resume). */
  async *lines(key: string): AsyncGenerator<string> {
    const path = this.dataPath(key);
    if (!existsSync(path)) return;
    let pending = '';
    for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const text = pending + (chunk as string);
      const parts = text.split('\n');
      pending = parts.pop() ?? '';
      for (const p of parts) if (p) yield p;
    }
    // a trailing line without "\n" is cut short: NdjsonAppender truncates it away
  }

  /**
   * Moves the finished collections into a new directory, writes the manifest last, and swaps it in for
   * OUT. Returns the list of files.
   */
  async finalize(manifest: Record<string, unknown>, keys: string[]): Promise<string[]> {
    const parent = dirname(this.out);
    const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
    const tmp = join(parent, `.${basename(this.out)}.final-${tag}`);
    const old = join(parent, `.${basename(this.out)}.old-${tag}`);
    await mkdir(tmp);
    const files: string[] = [];
    // line counts let the loader refuse a file cut at a line boundary later (spec/snapshot.md `counts`)
    const counts: Record<string, number> = {};
    for (const key of keys) counts[key] = await countLines(this.dataPath(key));
    manifest = { ...manifest, counts };
    try {
      for (const key of keys) {
        await rename(this.dataPath(key), join(tmp, `${key}.ndjson`));
        files.push(`${key}.ndjson`);
      }
      await writeFile(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
      files.push('manifest.json');
      await rename(this.out, old);
      await rename(tmp, this.out);
    } catch (err) {
      // put the data back so --resume can finish the job
      for (const f of files) if (f.endsWith('.ndjson')) await rename(join(tmp, f), join(this.dir, f)).catch(() => undefined);
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
    await rm(old, { recursive: true, force: true });
    return files;
  }
}

function describe(fp: Record<string, unknown> | undefined): string {
  if (!fp) return 'an unknown tenant';
  return `tenant ${String(fp.tenant ?? '?')} at ${String(fp.graph ?? '?')}`;
}

/**
 * Appends NDJSON lines with synchronous writes (a `kill -9` loses at most what was never written) and
 * saves a cursor after each page: `{next, count, bytes}`. On resume the file is cut back to the cursor's
 * byte count (or to its last complete line for map collections, which carry no cursor).
 */
export class NdjsonAppender {
  private fd: number;
  bytes: number;
  count: number;
  readonly cursor: Cursor | undefined;

  /** `keepLines`: a map collection resumed without cursor keeps its complete lines. */
  constructor(readonly path: string, private readonly cursorPath: string, cursor: Cursor | undefined, keepLines: boolean) {
    this.fd = openSync(path, existsSync(path) ? 'r+' : 'w');
    const size = fstatSync(this.fd).size;
    if (cursor && cursor.bytes <= size) {
      ftruncateSync(this.fd, cursor.bytes);
      this.bytes = cursor.bytes;
      this.count = cursor.count;
      this.cursor = cursor;
    } else if (keepLines && size > 0 && !cursor) {
      // map collection: keep whole lines only
      this.bytes = lastNewline(this.fd, size);
      ftruncateSync(this.fd, this.bytes);
      this.count = 0;
      this.cursor = undefined;
    } else {
      if (size) ftruncateSync(this.fd, 0);
      this.bytes = 0;
      this.count = 0;
      this.cursor = undefined;
    }
  }

  /** Writes whole lines in one call. */
  append(lines: string[]): void {
    if (!lines.length) return;
    const buf = Buffer.from(lines.join('\n') + '\n');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off, this.bytes + off);
    this.bytes += buf.length;
    this.count += lines.length;
  }

  async checkpoint(next: string | null): Promise<void> {
    await writeAtomic(this.cursorPath, JSON.stringify({ next, count: this.count, bytes: this.bytes } satisfies Cursor));
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Newlines in a file, streamed (the staged NDJSON ends every line with one). */
async function countLines(path: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) n++;
  }
  return n;
}

function lastNewline(fd: number, size: number): number {
  const chunk = Buffer.alloc(Math.min(size, 1 << 16));
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const n = readSync(fd, chunk, 0, end - start, start);
    const i = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (i >= 0) return start + i + 1;
    end = start;
  }
  return 0;
}
