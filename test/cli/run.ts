/** Runs the built CLI (bin/mfaguard.js → dist/) as a child process; `npm test` builds first. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'mfaguard.js');
export const DEMO = join(import.meta.dirname, '..', '..', 'demo', 'tenant.json');

export async function mfaguard(args: string[], env: Record<string, string> = {}, opts: { cwd?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env }, maxBuffer: 64 << 20, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
