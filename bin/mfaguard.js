#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
//
// Big tenants need V8 settings Node cannot change once running: a heap limit sized to the machine
// (Node's default, ~4 GiB, makes a million-user scan thrash in garbage collection) and a larger young
// generation (halves GC time while loading and reporting). So the launcher re-runs itself once with
// them; MFAGUARD_NO_RESPAWN=1 (or passing --max-old-space-size yourself) skips that.
import { spawn } from 'node:child_process';
import { constants, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';

const wantMb = Math.floor((totalmem() / 2 ** 20) * 0.75);
const haveMb = getHeapStatistics().heap_size_limit / 2 ** 20;
const respawn = !process.env.MFAGUARD_NO_RESPAWN && !process.env.MFAGUARD_RESPAWNED && haveMb < wantMb * 0.9
  && !process.execArgv.some((a) => a.startsWith('--max-old-space-size'));

if (respawn) {
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${wantMb}`, '--max-semi-space-size=64', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit', env: { ...process.env, MFAGUARD_RESPAWNED: '1' } },
  );
  // Ctrl-C reaches the child through the terminal's process group; signals sent to this process alone
  // are passed on, and this process waits for the child to finish either way.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  // A child ended by a signal exits like a shell reports it: 128 + the signal number.
  child.on('exit', (code, signal) => process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : code ?? 1));
} else {
  if (process.env.MFAGUARD_RESPAWNED) {
    // If the launcher is killed outright (kill -9), die with it rather than run on as an orphan that
    // still holds locks and half-written output: the user's kill must mean what it says.
    // A watcher thread, because the main thread may be busy for minutes in synchronous evaluation.
    const watcher = new Worker(
      `const { workerData } = require('node:worker_threads');
       setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 250);`,
      { eval: true, workerData: process.ppid },
    );
    watcher.unref();
  }
  const { main } = await import('../dist/src/cli/main.js');
  process.exitCode = await main(process.argv.slice(2));
}
