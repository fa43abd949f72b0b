/** The CLI's output adapters: stdout (tolerating a reader that goes away), or a file written atomically. */
import { bufferedSink, removePendingTempFiles, type Sink } from '../app/output.js';
import { InputError } from '../errors.js';
import { escapeControls } from '../vocabulary.js';

let stdoutClosed = false;
let installed = false;

/**
 * `mfaguard scan | head`: a reader that goes away is not an error; stop writing quietly. Progress and
 * notes go to stderr; a closed stderr (`2>&1 | head`) must not fail the run either. Other stdout
 * errors (a full disk behind `> file`) reach the pending write's callback and fail the run (exit 2).
 * Installed by main(), not on import, so embedding the library never changes a host process's stream
 * handling.
 */
export function installStdioErrorHandlers(): void {
  if (installed) return;
  installed = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      stdoutClosed = true;
      process.stdout.emit('drain');
    }
    // anything else: reported to the write's callback (writeStdout)
  });
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

/**
 * Runs `fn` with SIGINT/SIGTERM handlers that remove the library's temporary files and directories,
 * then end the process as the signal would. Only around phases that create them (writing outputs, a
 * live collection into a temporary directory): a handler delays Ctrl-C until the event loop is free,
 * which a long synchronous evaluation should not pay for.
 */
export async function withTempCleanupOnSignal<T>(fn: () => Promise<T>): Promise<T> {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((sig) => {
    const handler = () => {
      removePendingTempFiles();
      process.removeListener(sig, handler);
      process.kill(process.pid, sig); // no handler left: this time the default action ends the process
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  try {
    return await fn();
  } finally {
    for (const [sig, handler] of handlers) process.removeListener(sig, handler);
  }
}

/** One chunk to stdout; rejects with an InputError on a write error other than a reader gone away. */
function writeStdout(chunk: Buffer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (stdoutClosed) return resolve();
    process.stdout.write(chunk, (err) => {
      if (!err || (err as NodeJS.ErrnoException).code === 'EPIPE') resolve();
      else reject(new InputError(`cannot write the output: ${(err as NodeJS.ErrnoException).code ?? err.message}`, 'standard output'));
    });
  });
}

/** Runs `produce` against stdout. */
export async function toStdout(produce: (write: Sink) => Promise<void>): Promise<void> {
  const out = bufferedSink(writeStdout);
  await produce(out.write);
  await out.flush();
}

export function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  return !!stream.isTTY;
}

/** Prints a warning the library reported (it may quote the tenant's data: shown escaped). */
export const printWarning = (message: string): void => {
  process.stderr.write(`mfaguard: warning: ${escapeControls(message)}\n`);
};
