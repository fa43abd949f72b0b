/** `mfaguard apply`, `rollback` and `runs`: flags → library applyPlan / rollbackRun / listRuns → a line per action. */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { applyPlan, GuardRefusal, listRuns, readTenantForGuard, rollbackRun, type RunResult } from '../app/apply.js';
import { openGraphSession } from '../app/graph-session.js';
import { resolveStateDir } from '../app/state.js';
import { CONFIG_ARG_OPTIONS, configOptions } from './config.js';
import { InputError, UsageError } from '../errors.js';
import type { Plan } from '../remediation/types.js';
import { decodeText } from '../snapshot/decode.js';
import { escapeControls } from '../vocabulary.js';
import { COLLECT_ARG_OPTIONS, collectOptionsFrom } from './collect.js';
import { toStdout } from './output.js';
import type { Command } from './command.js';

const SESSION_HELP = `  --tenant T            tenant id or domain; the plan must be for this tenant
  --auth MODE           as for "mfaguard collect" (also --client-id, --cloud, --authority-host,
                        --graph-endpoint, --arm-endpoint, --ca-file, --timeout, --max-attempts)
  --yes                 do not ask for confirmation
  --state DIR           the state directory, where the append-only audit log (audit.jsonl) lives
                        (default MFAGUARD_STATE_DIR, else the user's data directory, as for
                        "mfaguard history"; --state-dir DIR is the same)
  --audit-log FILE      also append every audit record to FILE (JSON lines, for a SIEM)`;

const GUARD_HELP = `  --config FILE         tenant configuration whose breakGlassAccounts the lock-out guard protects, with
                        the plan's own (default ./mfaguard.yaml when present; --no-config: none)
  --break-glass ACCOUNT another break-glass account, UPN or object id; repeat for each
  --accept-impact ID    let action ID block sign-ins seen in the window (the plan's own are kept)`;

// Incremental collection is not for a session that writes (the guard's read of the tenant is always a full one); --state here is the state directory.
const { resume: _r, skip: _s, 'auth-methods-for': _a, 'log-format': _l, verbose: _v, quiet: _q, incremental: _i, state: _st, previous: _p, 'registration-max-age': _m, ...SESSION_FLAGS } = COLLECT_ARG_OPTIONS;
const RUN_OPTIONS = {
  ...SESSION_FLAGS, yes: { type: 'boolean' }, state: { type: 'string' }, 'state-dir': { type: 'string' }, 'audit-log': { type: 'string' }, help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];
const { 'as-of': _asOf, ...GUARD_CONFIG_FLAGS } = CONFIG_ARG_OPTIONS;
const APPLY_OPTIONS = {
  ...RUN_OPTIONS, ...GUARD_CONFIG_FLAGS, 'break-glass': { type: 'string', multiple: true }, 'accept-impact': { type: 'string', multiple: true },
} as const satisfies ParseArgsConfig['options'];

/** The audit log lives in the state store's directory (src/app/state.ts): --state, MFAGUARD_STATE_DIR, the user's data directory. */
export const stateDirOf = (values: { state?: string | undefined; 'state-dir'?: string | undefined }) => {
  if (values.state !== undefined && values['state-dir'] !== undefined) throw new UsageError('give --state or --state-dir, not both');
  return resolveStateDir({ state: values.state ?? values['state-dir'] }).dir;
};

async function confirm(question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) throw new UsageError('confirmation needed: run in a terminal, or pass --yes');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(`${question} Type "yes" to continue: `)).trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

async function printRun(run: RunResult): Promise<number> {
  const lines = run.records.map((r) => `${r.actionId}  ${r.kind}  ${escapeControls(r.target)}  ${r.result}${r.message ? `: ${escapeControls(r.message)}` : ''}${r.requestId ? `  (request-id ${r.requestId})` : ''}`);
  const changed = run.records.filter((r) => r.result === 'applied').length;
  lines.push(`${run.runId}: ${run.completed ? 'completed' : 'STOPPED'}; ${changed === 0 && run.completed ? 'nothing changed (already applied)' : `${changed} change(s)`}`);
  await toStdout(async (write) => { await write(lines.join('\n') + '\n'); });
  return run.completed ? 0 : 1;
}

async function session(values: Record<string, unknown>) {
  const c = collectOptionsFrom(values as never);
  if (!values.tenant) throw new UsageError('missing --tenant T');
  const s = await openGraphSession({ ...c, ...(values['ca-file'] ? { ca: [await readFile(String(values['ca-file']))] } : {}) });
  // The guard re-reads the tenant through the same credential (one sign-in), read-only.
  return { ...s, readTenant: () => readTenantForGuard({ ...c, credential: s.credential, tenant: s.tenantId }) };
}

const APPLY_HELP = `Usage: mfaguard apply PLAN.json --tenant T [--yes] [options]

Execute a plan made by "mfaguard plan": checks the tenant id; reads the tenant again (read-only) and
runs every lock-out guard check on the plan's actions applied to the tenant as it is now, refusing
with exit 4 and the check's name when one fails (nothing is written); then for each action re-reads the live
object and compares it with the plan's "before" (a drift stops the run before that action), writes,
and appends an audit record (run id, time, operator from the token, action, before, after, Graph
request id, result) flushed to disk before the next action. Applying the same plan again changes
nothing and says so. Withheld actions are skipped.

${SESSION_HELP}
${GUARD_HELP}

Exit codes: 0 done, 1 the run stopped (drift or a failed write; see the audit log), 2 usage or input
error, 3 internal error, 4 a lock-out guard check failed (in the plan, or on the tenant as it is now).`;

async function runApply(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: APPLY_OPTIONS, strict: true, allowPositionals: true });
  if (values.help) { process.stdout.write(APPLY_HELP + '\n'); return 0; }
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('give one PLAN.json');
  let plan: Plan;
  try {
    plan = JSON.parse(decodeText(await readFile(file))) as Plan;
  } catch (err) {
    throw new InputError(`cannot read the plan: ${(err as Error).message}`, file);
  }
  if (plan?.mfaguardPlan !== 1) throw new InputError('not an mfaguard plan (mfaguardPlan: 1)', file, undefined, 'mfaguardPlan');
  if (!plan.guard?.passed) {
    process.stderr.write(`mfaguard: lock-out guard failed: ${(plan.guard?.checks ?? []).filter((c) => !c.passed).map((c) => c.id).join(', ')}\n`);
    return 4;
  }
  const stateDir = stateDirOf(values);
  const { config } = await configOptions(values);
  const s = await session(values);
  try {
    const n = plan.actions.filter((a) => !a.withheld).length;
    if (!(await confirm(`Apply ${n} action(s) of ${file} to tenant ${s.tenantId} as ${s.operator}?`, values.yes))) return 2;
    const run = await applyPlan(plan, {
      api: s.api, tenantId: s.tenantId, operator: s.operator, stateDir, ...(values['audit-log'] ? { auditLog: values['audit-log'] } : {}),
      liveGuard: { readTenant: s.readTenant, breakGlassAccounts: [...(config?.breakGlassAccounts ?? []), ...(values['break-glass'] ?? [])], acceptImpact: values['accept-impact'] ?? [] },
    });
    return await printRun(run);
  } catch (err) {
    if (err instanceof GuardRefusal) { process.stderr.write(`mfaguard: ${err.message}\n`); return 4; }
    throw err;
  } finally {
    s.close();
  }
}

const ROLLBACK_HELP = `Usage: mfaguard rollback RUN_ID --tenant T [--yes] [options]

Restore every object an apply run changed to its "before" (created policies are deleted), in reverse
order, each after a drift check, each with its own audit record.

${SESSION_HELP}

Exit codes: 0 done, 1 the rollback stopped (drift or a failed write), 2 usage or input error, 3 internal error.`;

async function runRollback(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: RUN_OPTIONS, strict: true, allowPositionals: true });
  if (values.help) { process.stdout.write(ROLLBACK_HELP + '\n'); return 0; }
  const runId = positionals[0];
  if (!runId || positionals.length > 1) throw new UsageError('give one RUN_ID (see "mfaguard runs")');
  const s = await session(values);
  try {
    if (!(await confirm(`Roll back ${runId} in tenant ${s.tenantId} as ${s.operator}?`, values.yes))) return 2;
    return await printRun(await rollbackRun(runId, { api: s.api, tenantId: s.tenantId, operator: s.operator, stateDir: stateDirOf(values), ...(values['audit-log'] ? { auditLog: values['audit-log'] } : {}) }));
  } finally {
    s.close();
  }
}

const RUNS_HELP = `Usage: mfaguard runs [--state DIR] [--format text|json]

List apply and rollback runs from the audit log (audit.jsonl in the state directory).

  --state DIR           as for "mfaguard apply" (--state-dir DIR is the same)
  --format FMT          text (default) or json

Exit codes: 0 ok, 2 usage or input error, 3 internal error.`;

const RUNS_OPTIONS = { state: { type: 'string' }, 'state-dir': { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const satisfies ParseArgsConfig['options'];

async function runRuns(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: RUNS_OPTIONS, strict: true });
  if (values.help) { process.stdout.write(RUNS_HELP + '\n'); return 0; }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('--format must be text or json');
  const runs = listRuns(stateDirOf(values));
  const text = format === 'json' ? JSON.stringify(runs, null, 2) + '\n'
    : runs.length ? runs.map((r) => `${r.runId}  ${r.type}${r.rollbackOf ? ` of ${r.rollbackOf}` : ''}  ${r.started}  ${escapeControls(r.operator)}  ${Object.entries(r.results).map(([k, n]) => `${n} ${k}`).join(', ')}`).join('\n') + '\n' : 'No runs.\n';
  await toStdout(async (write) => { await write(text); });
  return 0;
}

export const applyCommand: Command = { name: 'apply', usage: 'mfaguard apply PLAN.json --tenant T [--yes]', help: APPLY_HELP, options: APPLY_OPTIONS, run: runApply };
export const rollbackCommand: Command = { name: 'rollback', usage: 'mfaguard rollback RUN_ID --tenant T [--yes]', help: ROLLBACK_HELP, options: RUN_OPTIONS, run: runRollback };
export const runsCommand: Command = { name: 'runs', usage: 'mfaguard runs [--state DIR]', help: RUNS_HELP, options: RUNS_OPTIONS, run: runRuns };
