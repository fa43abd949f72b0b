/** The CLI's output adapters: stdout (tolerating a reader that goes away), or a file written atomically. */
import { bufferedSink, writeFileAtomically, type Sink } from '../app/output.js';
import { escapeControls } from '../vocabulary.js';

let stdoutClosed = false;
let installed = false;

/**
 * `mfaguard scan | head`: a reader that goes away is not an error; stop writing quietly. Progress and
 * notes go to stderr; a closed stderr (`2>&1 | head`) must not fail the run either. Installed by main(),
 * not on import, so embedding the library never changes a host process's stream handling.
 */
export function installStdioErrorHandlers(): void {
  if (installed) return;
  installed = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      stdoutClosed = true;
      process.stdout.emit('drain');
    } else throw err;
  });
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

/** Runs `produce` against stdout (no file, or "-") or against `file`, written atomically. */
export async function withOutput(file: string | undefined, produce: (write: Sink) => Promise<void>): Promise<void> {
  if (file && file !== '-') return writeFileAtomically(file, produce);
  const out = bufferedSink((chunk: Buffer) => new Promise<void>((resolve) => {
    if (stdoutClosed) return resolve();
    if (process.stdout.write(chunk)) resolve();
    else process.stdout.once('drain', () => resolve());
  }));
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
