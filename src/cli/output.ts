/** Output adapters: stdout, or a file written atomically so a failed run never leaves a partial report. */
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';
import type { Sink } from '../report/json.js';

/**
 * Gathers small chunks into ~4 MiB writes, encoding strings straight into one reusable buffer: a
 * million tiny writes, or joining strings and then encoding them, would dominate a big report.
 */
function buffered(raw: (chunk: Buffer) => Promise<void>): { write: Sink; flush: () => Promise<void> } {
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

/** `mfaguard scan | head`: a reader that goes away is not an error; stop writing quietly. */
let stdoutClosed = false;
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') {
    stdoutClosed = true;
    process.stdout.emit('drain');
  } else throw err;
});
// Progress and notes go to stderr; a closed stderr (`2>&1 | head`) must not fail the run either.
process.stderr.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});

export async function withOutput(file: string | undefined, produce: (write: Sink) => Promise<void>): Promise<void> {
  if (!file || file === '-') {
    const out = buffered((chunk: Buffer) => new Promise<void>((resolve) => {
      if (stdoutClosed) return resolve();
      if (process.stdout.write(chunk)) resolve();
      else process.stdout.once('drain', () => resolve());
    }));
    await produce(out.write);
    await out.flush();
    return;
  }
  const dir = dirname(file);
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error();
  } catch {
    throw new InputError(`output directory does not exist`, dir);
  }
  const tmp = `${file}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  const failed = new Promise<never>((_, reject) => out.on('error', reject));
  try {
    const sink = buffered((chunk: Buffer) => new Promise<void>((resolve) => { if (out.write(chunk)) resolve(); else out.once('drain', () => resolve()); }));
    await Promise.race([produce(sink.write).then(sink.flush), failed]);
    await Promise.race([new Promise<void>((resolve) => out.end(resolve)), failed]);
    await rename(tmp, file);
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    throw err;
  }
}

export function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  return !!stream.isTTY;
}
