/**
 * Where reports go: any chunk sink (a stream, a test buffer), or a file written atomically so a
 * failed run never leaves a partial report. Renderers stream (src/report/formats.ts); these adapters
 * batch their many small chunks into few large writes.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';
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
 * shipped rule explainers are loaded unless `opts.explainers` gives others (an empty map: none).
 */
export async function renderReport(report: Report, format: Format, sink: Sink, opts: Partial<RenderOptions> = {}): Promise<void> {
  const explainers = opts.explainers ?? (await loadExplainers(report.rules.map((r) => r.id)));
  await format.render(report, sink, { color: opts.color ?? false, limit: opts.limit ?? DEFAULT_LIST_LIMIT, explainers });
}

/**
 * Writes `path` atomically: `produce` writes into a temporary file beside it, renamed over `path` only
 * when everything was written. On any failure the temporary file is removed and `path` is untouched.
 */
export async function writeFileAtomically(path: string, produce: (write: Sink) => Promise<void>): Promise<void> {
  const dir = dirname(path);
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error();
  } catch {
    throw new InputError(`output directory does not exist`, dir);
  }
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const out = createWriteStream(tmp);
  const failed = new Promise<never>((_, reject) => out.on('error', reject));
  try {
    const sink = bufferedSink((chunk: Buffer) => new Promise<void>((resolve) => { if (out.write(chunk)) resolve(); else out.once('drain', () => resolve()); }));
    await Promise.race([produce(sink.write).then(sink.flush), failed]);
    await Promise.race([new Promise<void>((resolve) => out.end(resolve)), failed]);
    await rename(tmp, path);
  } catch (err) {
    // The stream may still be opening (creating) the file: remove it only once the stream is closed.
    if (!out.closed) await new Promise<void>((resolve) => { out.once('close', () => resolve()); out.destroy(); });
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Renders `report` in `format` into the file `path`, atomically. */
export function writeReportFile(path: string, report: Report, format: Format, opts: Partial<RenderOptions> = {}): Promise<void> {
  return writeFileAtomically(path, (write) => renderReport(report, format, write, opts));
}
