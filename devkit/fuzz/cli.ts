/**
 * `npm run fuzz -- --cases N [--seed S] [--case I] [--cli-sample K] [--keep DIR] [--quiet]`
 *
 * Runs N fuzz cases (run.ts) and prints the count of each outcome and the first failures with the
 * seed and case number that replay them. Exit codes: 0 no internal error, 1 at least one internal
 * error or CLI misbehaviour (exit 3, a stack trace, a partial output), 2 bad arguments.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../../src/package.js';
import { pathExists } from '../../src/fs.js';
import { buildCase, loadCorpus, runCase, type CaseResult, type Outcome } from './run.js';

export const FUZZ_HELP = `Fuzz the snapshot loader, the scan and the report reader with mutated inputs.

Usage:
  npm run fuzz -- --cases N [--seed S] [--case I] [--cli-sample K] [--keep DIR] [--quiet]

  --cases N        number of cases (default 1000)
  --seed S         any string; the same seed gives the same cases (default "mfaguard")
  --case I         run only case I (replay a failure)
  --cli-sample K   also run K of the cases through the real CLI (default 20; 0 = none)
  --keep DIR       build cases in DIR and keep the last one (default: a temporary folder, removed)
  --quiet          only the summary`;

export interface FuzzOptions {
  cases: number;
  seed: string;
  only?: number;
  cliSample: number;
  dir?: string;
  onCase?: (r: CaseResult) => void;
}

export interface CliProblem {
  index: number;
  problem: string;
}

export interface FuzzSummary {
  seed: string;
  counts: Record<Outcome, number>;
  /** Internal errors (with their stacks), in case order. */
  internal: CaseResult[];
  /** Cases run through the real CLI, and what was wrong with them (exit 3, stack trace, partial output, disagreement). */
  cliRuns: number;
  cliProblems: CliProblem[];
  ms: number;
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzSummary> {
  const t0 = Date.now();
  const corpus = await loadCorpus();
  const base = opts.dir ?? (await mkdtemp(join(tmpdir(), 'mfaguard-fuzz-')));
  const counts: Record<Outcome, number> = { ok: 0, input: 0, internal: 0 };
  const internal: CaseResult[] = [];
  const cliProblems: CliProblem[] = [];
  const indices = opts.only !== undefined ? [opts.only] : Array.from({ length: opts.cases }, (_, i) => i);
  const every = opts.cliSample > 0 ? Math.max(1, Math.floor(indices.length / opts.cliSample)) : Infinity;
  let cliRuns = 0;
  try {
    for (const [n, index] of indices.entries()) {
      const dir = join(base, 'case');
      const built = await buildCase(corpus, opts.seed, index, dir);
      const { outcome, error } = await runCase(corpus, built.target, built.input);
      const result: CaseResult = { index, ...built, outcome, ...(error !== undefined ? { error } : {}) };
      counts[outcome]++;
      if (outcome === 'internal') internal.push(result);
      opts.onCase?.(result);
      if (n % every === 0 && cliRuns < opts.cliSample) {
        cliRuns++;
        const problem = await checkCli(result, join(base, 'out'));
        if (problem) cliProblems.push({ index, problem });
      }
    }
  } finally {
    if (!opts.dir) await rm(base, { recursive: true, force: true });
  }
  return { seed: opts.seed, counts, internal, cliRuns, cliProblems, ms: Date.now() - t0 };
}

const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

/** Runs the case through bin/mfaguard.js and says what is wrong, if anything. */
async function checkCli(c: CaseResult, outDir: string): Promise<string | undefined> {
  await rm(outDir, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(outDir, { recursive: true }));
  const out = join(outDir, 'r.json');
  const isReport = c.target === 'report' || c.target === 'reportLines';
  const args = isReport ? ['report', '--from', c.input, '--format', 'json', '--output', out]
    : c.target === 'config' ? ['scan', '--snapshot', join(packageRoot(), 'demo', 'tenant.json'), '--no-state', '--config', c.input, '--as-of', '2027-12-20T00:00:00Z', '--format', 'json', '--output', out]
    : ['scan', '--snapshot', c.input, '--no-state', '--format', 'json', '--output', out];
  const { code, stderr } = await run(process.execPath, [join(packageRoot(), 'bin', 'mfaguard.js'), ...args]);
  if (code === 3) return `exit 3 (internal error): ${stderr.slice(0, 300)}`;
  if (STACK_LINE.test(stderr)) return `stack trace on stderr (exit ${code}): ${stderr.slice(0, 300)}`;
  const written = await pathExists(out);
  if (code === 2 || code === null || code > 2) {
    if (written) return `exit ${code} but the output was written (partial output)`;
  } else {
    if (!written) return `exit ${code} without the output file`;
    try {
      JSON.parse(await readFile(out, 'utf8'));
    } catch {
      return `exit ${code} with an output that is not complete JSON (partial output)`;
    }
  }
  // the library and the CLI must agree: an input error in process is exit 2 on the command line
  const expectInput = c.outcome === 'input';
  if (expectInput !== (code === 2)) return `in process "${c.outcome}" but the CLI exited ${code}: ${stderr.slice(0, 200)}`;
  return undefined;
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < 20_000) stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const firstLine = (s: string | undefined) => (s ?? '').split('\n').slice(0, 6).join('\n    ');

export async function fuzzMain(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        cases: { type: 'string' }, seed: { type: 'string' }, case: { type: 'string' }, 'cli-sample': { type: 'string' },
        keep: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${FUZZ_HELP}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${FUZZ_HELP}\n`);
    return 0;
  }
  const int = (raw: string | undefined, name: string, dflt: number): number => {
    if (raw === undefined) return dflt;
    if (!/^\d+$/.test(raw)) throw new Error(`--${name} must be a whole number, got "${raw}"`);
    return Number(raw);
  };
  let opts: FuzzOptions;
  try {
    opts = {
      cases: int(values.cases, 'cases', 1000),
      seed: values.seed ?? 'mfaguard',
      cliSample: int(values['cli-sample'], 'cli-sample', 20),
      ...(values.case !== undefined ? { only: int(values.case, 'case', 0) } : {}),
      ...(values.keep ? { dir: values.keep } : {}),
    };
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const quiet = values.quiet === true;
  let done = 0;
  const total = opts.only !== undefined ? 1 : opts.cases;
  const s = await runFuzz({
    ...opts,
    onCase: (r) => {
      done++;
      if (opts.only !== undefined) process.stdout.write(`case ${r.index} (${r.target}): ${r.mutations.join('; ')}\n  → ${r.outcome}${r.error ? `: ${firstLine(r.error)}` : ''}\n`);
      else if (!quiet && process.stderr.isTTY && done % 100 === 0) process.stderr.write(`\r${done}/${total}`);
    },
  });
  if (!quiet && process.stderr.isTTY) process.stderr.write('\r');
  const { counts } = s;
  process.stdout.write(
    `fuzz seed "${s.seed}": ${counts.ok + counts.input + counts.internal} cases in ${(s.ms / 1000).toFixed(1)} s — ` +
    `${counts.ok} ok, ${counts.input} clean input errors, ${counts.internal} INTERNAL errors; ` +
    `CLI sample: ${s.cliRuns} runs, ${s.cliProblems.length} problems (exit 3, stack trace or partial output)\n`,
  );
  for (const c of s.internal.slice(0, 10)) {
    process.stdout.write(`INTERNAL case ${c.index} (${c.target}; replay: npm run fuzz -- --seed ${JSON.stringify(s.seed)} --case ${c.index})\n  ${c.mutations.join('; ')}\n    ${firstLine(c.error)}\n`);
  }
  for (const p of s.cliProblems.slice(0, 10)) {
    process.stdout.write(`CLI case ${p.index} (replay: npm run fuzz -- --seed ${JSON.stringify(s.seed)} --case ${p.index} --cli-sample 1): ${p.problem}\n`);
  }
  return counts.internal || s.cliProblems.length ? 1 : 0;
}
