/** The CLI's output adapters: stdout (tolerating a reader that goes away), or a file written atomically. */
import { bufferedSink, removePendingTempFiles, writeFileAtomically, type Sink } from '../app/output.js';
import { InputError } from '../errors.js';

let stdoutClosed = false;
let installed = false;

/**
 * `mfaguard scan | head`: a reader that goes away is not an error; stop writing quietly. Progress and
 * notes go to stderr; a closed stderr (`2>&1 | head`) must not fail the run either. Other stdout
 * errors (a full disk behind `> file`) reach the pending write's callback and fail the run (exit 2).
 * SIGINT/SIGTERM remove the temporary files of outputs being written, then end the process as the
 * signal would. Installed by main(), not on import, so embedding the library never changes a host
 * process's stream or signal handling.
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
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      removePendingTempFiles();
      process.kill(process.pid, sig); // the handler was once(): this time the default action ends the process
    });
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

/** Runs `produce` against stdout (no file, or "-") or against `file`, written atomically. */
export async function withOutput(file: string | undefined, produce: (write: Sink) => Promise<void>): Promise<void> {
  if (file && file !== '-') return writeFileAtomically(file, produce);
  return toStdout(produce);
}

export function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  return !!stream.isTTY;
}

/** Prints a warning the library reported. */
export const printWarning = (message: string): void => {
  process.stderr.write(`mfaguard: warning: ${message}\n`);
};
