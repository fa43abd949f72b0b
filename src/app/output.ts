/**
 * Where reports go: any chunk sink (a stream, a test buffer), or a file written atomically so a
 * failed run never leaves a partial report. Renderers stream (src/report/formats.ts); these adapters
 * batch their many small chunks into few large writes.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, realpathSync, rmSync } from 'node:fs';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import type { Format, RenderOptions } from '../report/formats.js';
import type { Sink } from '../report/json.js';
import { loadExplainers } from '../report/explainers.js';
import type { Report } from '../report/report.js';

export type { Sink };

/** Human summaries list this many unhealthy accounts per rule unless told otherwise. */
export const DEFAULT_LIST_LIMIT = 25;

/**
 * Gathers small chunks into ~4 MiB writes, encoding strings straight into one reusable buffer: a
 * million tiny writes, or joining strings and then encoding them, would dominate a big report.
 * Call `flush` after the last write.
 */
export function bufferedSink(raw: (chunk: Buffer) => Promise<void>): { write: Sink; flush: () => Promise<void> } {
  const SIZE = 4 << 20;
  let buf = Buffer.allocUnsafe(SIZE);
  let pos = 0;
  const flush = async () => {
    if (!pos) return;
    const chunk = buf.subarray(0, pos);
    buf = Buffer.allocUnsafe(SIZE); // the stream may still hold the old one
    pos = 0;
    await raw(chunk);
  };
  const write: Sink = (chunk) => {
    const max = typeof chunk === 'string' ? chunk.length * 3 : chunk.length; // UTF-8 worst case
    if (max > SIZE) {
      return flush().then(() => raw(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk)));
    }
    const room = () => (pos + max <= SIZE ? undefined : flush());
    const wait = room();
    const put = () => {
      if (typeof chunk === 'string') pos += buf.write(chunk, pos);
      else { buf.set(chunk, pos); pos += chunk.length; }
    };
    if (wait) return wait.then(put);
    put();
    return undefined;
  };
  return { write, flush };
}

/**
 * Renders `report` in `format` into `sink` (chunk by chunk; large reports are never one string). The
 * shipped rule explainers are loaded for the formats that show them, unless `opts.explainers` gives
 * others (an empty map: none).
 */
export async function renderReport(report: Report, format: Format, sink: Sink, opts: Partial<RenderOptions> = {}): Promise<void> {
  const explainers = opts.explainers ?? (format.showsExplainers ? await loadExplainers(report.rules.map((r) => r.id)) : undefined);
  await format.render(report, sink, { color: opts.color ?? false, limit: opts.limit ?? DEFAULT_LIST_LIMIT, ...(explainers ? { explainers } : {}), ...(opts.trends ? { trends: opts.trends } : {}) });
}

/**
 * Temporary files being written and temporary directories in use right now. A host that is
 * interrupted (the CLI on SIGINT/SIGTERM) calls `removePendingTempFiles` so a half-written report never
 * stays behind as `*.tmp-…`, nor a collected snapshot in the system's temporary directory.
 */
const pendingTemps = new Set<string>();

export function pendingTempFiles(): string[] {
  return [...pendingTemps];
}

/** Registers a temporary file another module creates (a database being built) while `active`; forgets it after. */
export function trackTemporary(path: string, active: boolean): void {
  if (active) pendingTemps.add(path);
  else pendingTemps.delete(path);
}

/** Removes every temporary file and directory still in use (synchronous: safe in a signal handler). */
export function removePendingTempFiles(): void {
  for (const tmp of pendingTemps) rmSync(tmp, { force: true, recursive: true });
  pendingTemps.clear();
}

/**
 * Creates a temporary directory (`prefix` + random) that `removePendingTempFiles` also removes when the
 * host is interrupted; `remove` deletes it at the end of normal use.
 */
export async function makeTempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  pendingTemps.add(path);
  return {
    path,
    remove: async () => {
      await rm(path, { recursive: true, force: true });
      pendingTemps.delete(path);
    },
  };
}

/** A file system failure on an output, as an input error naming the path (exit 2), not an internal error. */
function outputError(err: unknown, path: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    ENOSPC: 'no space left on the device', EDQUOT: 'disk quota exceeded', EACCES: 'permission denied', EPERM: 'operation not permitted',
    EISDIR: 'is a directory', ENOENT: 'directory does not exist', ENOTDIR: 'a parent is not a directory', EROFS: 'read-only file system', EIO: 'I/O error',
  };
  if (code && why[code]) return new InputError(`cannot write the output: ${why[code]} (${code})`, path);
  return err;
}

/** One file output of a run: its path and what writes it. */
export interface FileOutput {
  path: string;
  produce: (write: Sink) => Promise<void>;
}

/** Writes `produce` into a fresh temporary file beside `path`; returns the temporary's name (removed on failure). */
async function writeTemp(path: string, produce: (write: Sink) => Promise<void>): Promise<string> {
  const dir = dirname(path);
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error();
  } catch {
    throw new InputError(`output directory does not exist`, dir);
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new InputError('cannot write the output: is a directory', path);
  // A device or a pipe (/dev/stdout, /dev/null, a FIFO) is written in place: never replaced by a file.
  const direct = !!existing && !existing.isFile();
  const tmp = direct ? path : `${path}.tmp-${randomBytes(6).toString('hex')}`;
  if (!direct) pendingTemps.add(tmp);
  const out = createWriteStream(tmp, direct ? { flags: 'a' } : {});
  const failed = new Promise<never>((_, reject) => out.on('error', reject));
  failed.catch(() => undefined); // observed through the races below
  try {
    const sink = bufferedSink((chunk: Buffer) => new Promise<void>((resolve) => { if (out.write(chunk)) resolve(); else out.once('drain', () => resolve()); }));
    await Promise.race([produce(sink.write).then(sink.flush), failed]);
    await Promise.race([new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve()))), failed]);
    return tmp;
  } catch (err) {
    // The stream may still be opening (creating) the file: remove it only once the stream is closed.
    if (!out.closed) await new Promise<void>((resolve) => { out.once('close', () => resolve()); out.destroy(); });
    if (!direct) await rm(tmp, { force: true });
    pendingTemps.delete(tmp);
    throw outputError(err, path);
  }
}

/**
 * Writes several files together or not at all: each is written completely into a temporary file
 * beside it; `beforeCommit` runs next (the CLI writes standard output there); only when all of that
 * succeeded are the temporaries renamed into place. On any failure every temporary is removed and no
 * target is touched.
 */
export async function writeFilesTogether(files: readonly FileOutput[], beforeCommit?: () => Promise<void>): Promise<void> {
  const temps: { tmp: string; path: string }[] = [];
  try {
    for (const f of files) temps.push({ tmp: await writeTemp(f.path, f.produce), path: f.path });
    await beforeCommit?.();
    for (const t of temps) {
      if (t.tmp === t.path) continue; // written in place (a device or a pipe)
      try {
        await rename(t.tmp, t.path);
      } catch (err) {
        throw outputError(err, t.path);
      }
      pendingTemps.delete(t.tmp);
    }
  } finally {
    for (const t of temps) {
      if (pendingTemps.delete(t.tmp)) await rm(t.tmp, { force: true });
    }
  }
}

/**
 * Writes `path` atomically: `produce` writes into a temporary file beside it, renamed over `path` only
 * when everything was written. On any failure the temporary file is removed and `path` is untouched;
 * file system failures (no space, permission, a directory) are InputErrors naming the path.
 */
export function writeFileAtomically(path: string, produce: (write: Sink) => Promise<void>): Promise<void> {
  return writeFilesTogether([{ path, produce }]);
}

/**
 * Refuses output paths that would destroy an input or each other: an output that is an input file,
 * lies inside an input directory (a snapshot directory), or is named twice. Paths are compared after
 * resolving symbolic links. Standard output ("-" or undefined) is not a path.
 */
export function checkOutputPaths(outputs: readonly (string | undefined)[], inputs: readonly (string | undefined)[]): void {
  const canonical = (p: string) => {
    const abs = resolve(p);
    try {
      return realpathSync(abs);
    } catch {
      // not there yet: resolve its directory (which may be a link) and keep the name
      try {
        return join(realpathSync(dirname(abs)), basename(abs));
      } catch {
        return abs;
      }
    }
  };
  const seen = new Map<string, string>();
  const ins = inputs.filter((p): p is string => !!p && p !== '-').map((p) => ({ given: p, path: canonical(p) }));
  for (const o of outputs) {
    if (!o || o === '-') continue;
    const path = canonical(o);
    const twice = seen.get(path);
    if (twice !== undefined) throw new UsageError(`--output ${o} is given twice${twice !== o ? ` (also as ${twice})` : ''}: one file per format`);
    seen.set(path, o);
    for (const i of ins) {
      if (path === i.path || path.startsWith(i.path + sep)) throw new UsageError(`--output ${o} would overwrite the input ${i.given}`);
    }
  }
}

/** Renders `report` in `format` into the file `path`, atomically. */
export function writeReportFile(path: string, report: Report, format: Format, opts: Partial<RenderOptions> = {}): Promise<void> {
  return writeFileAtomically(path, (write) => renderReport(report, format, write, opts));
}
