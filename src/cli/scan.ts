/** `mfaguard scan`: flags → library scan() → the report(s) on stdout or in files, exit code from the severity gate. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { scan, type ScanResult } from '../app/scan.js';
import { DEFAULT_LIST_LIMIT, checkOutputPaths, renderReport, writeFilesTogether, type Sink } from '../app/output.js';
import { gateResult } from '../app/gate.js';
import { SEVERITIES } from '../app/report.js';
import type { Report } from '../report/report.js';
import { FORMATS, findFormat, type Format } from '../report/formats.js';
import { escapeControls, escapeJsonControls, type Severity } from '../vocabulary.js';
import type { RenderOptions } from '../report/formats.js';
import { reportTrends } from '../app/state.js';
import { UsageError } from '../errors.js';
import { logAnalyticsEvidence } from '../app/log-analytics.js';
import { demoSnapshotPath } from '../package.js';
import { CONFIG_ARG_OPTIONS, CONFIG_OPTIONS_HELP, configOptions } from './config.js';
import { sourceFromArgs } from './load.js';
import { COLLECT_ARG_OPTIONS, COLLECT_OPTIONS_HELP, collectOptionsFrom, reportMissingRequired, signInOptionsFrom } from './collect.js';
import { printWarning, toStdout, useColor, withTempCleanupOnSignal } from './output.js';
import { printImportProgress } from './signins-import.js';
import type { Command } from './command.js';
import { runTenantsScan, TENANTS_HELP } from './scan-tenants.js';

const stateOption = (state: string | false | undefined) => (state === undefined ? {} : { state });

/** Recording in the state store (scan, demo): read by stateFromArgs(). */
export const STATE_ARG_OPTIONS = {
  state: { type: 'string' },
  'no-state': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

export const STATE_OPTIONS_HELP = `  --state DIR           record the scan in the state store in DIR (default $MFAGUARD_STATE_DIR, else
                        $XDG_DATA_HOME/mfaguard, ~/.local/share/mfaguard, %LOCALAPPDATA%\\mfaguard on Windows);
                        the scan's id is printed on stderr ("mfaguard history", "mfaguard diff")
  --no-state            do not record the scan`;

/** `--state DIR` / `--no-state` → ScanOptions.state. */
export function stateFromArgs(values: { state?: string | undefined; 'no-state'?: boolean | undefined }): string | false | undefined {
  if (values['no-state'] && values.state !== undefined) throw new UsageError('give --state DIR or --no-state, not both');
  return values['no-state'] ? false : values.state;
}

const SCAN_HELP = `Usage: mfaguard scan (--snapshot PATH | --demo | --tenant T | --tenants FILE) [options]

Evaluate MFA coverage of every user and run the rule catalog.

  --snapshot PATH       snapshot file (.json, .json.gz) or snapshot directory (manifest.json + *.ndjson)
  --demo                use the bundled demo tenant (Northwind Traders)
  --tenant T            collect tenant T live first (see "mfaguard help collect"), then evaluate
  --save-snapshot DIR   with --tenant: keep the collected snapshot in DIR (default: a temporary directory)
  --format FORMAT       ${FORMATS.map((f) => f.name).join(', ')} (default table); repeat for several
  --output FILE         where to write; pairs with --format in order ("-" or none = stdout)
  --fail-on SEVERITY    exit 1 if an unhealthy finding has this severity or higher (low, medium, high),
                        or an unknown one (data missing); one line on stderr says why
  --allow-unknown       with --fail-on: let unknown verdicts pass the gate
  --redact              replace names and UPNs with stable pseudonyms (object ids stay)
  --limit N             unhealthy accounts listed per rule in table and markdown (default 25)
${CONFIG_OPTIONS_HELP}
${STATE_OPTIONS_HELP}
  --log-analytics WORKSPACE_ID
                        sign-in evidence from a Log Analytics workspace: the analyses run there as KQL
                        over SigninLogs and AADNonInteractiveUserSignInLogs, only aggregates come back
                        (signs in with --auth, --client-id, --cloud, --authority-host, --ca-file; the tenant
                        is AZURE_TENANT_ID, or --tenant when collecting live)
  --log-analytics-endpoint URL
                        Log Analytics query API origin (default the cloud's, e.g. https://api.loganalytics.io)
  --signins FILE        sign-in logs for the sign-in rules (Graph JSON/NDJSON, admin center JSON/CSV,
                        Log Analytics exports; .gz too); repeat for several (see "mfaguard help signins")
  --signins-db FILE     the sign-in database to import them into and read (kept; default a temporary one);
                        alone: read sign-ins imported before with "mfaguard signins import"

Live collection options (with --tenant):
${COLLECT_OPTIONS_HELP}
  --signins-days N        sign-in logs to collect for the sign-in rules, e.g. 30 (default 30; Graph
                          keeps 30 days with P1/P2); scan's --signins names sign-in FILES, not days
  --signins-scope S       evidence (default: mandatory-MFA apps, Azure Resource Manager clients and
                          legacy clients — what the rules read) or all (every sign-in, for the pivots)
  --no-signins            do not collect sign-in logs (the sign-in rules then say the evidence is missing)

${TENANTS_HELP}

Outputs are written together or not at all: files into temporary files first, then standard output,
then the files renamed into place. An output may not be the snapshot (or inside it) nor given twice.

Exit codes: 0 ok, 1 --fail-on gate failed (or, with --tenant, a required collection could not be read),
2 usage or input error (also an output that cannot be written), 3 internal error.`;

/** The flags of every command that writes reports (scan, report, demo); read by reportOptions(). */
export const REPORT_OUTPUT_OPTIONS = {
  format: { type: 'string', multiple: true },
  output: { type: 'string', multiple: true },
  'fail-on': { type: 'string' },
  'allow-unknown': { type: 'boolean' },
  redact: { type: 'boolean' },
  limit: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const SCAN_OPTIONS = {
  snapshot: { type: 'string' },
  demo: { type: 'boolean' },
  ...REPORT_OUTPUT_OPTIONS,
  ...CONFIG_ARG_OPTIONS,
  'save-snapshot': { type: 'string' },
  ...STATE_ARG_OPTIONS,
  'log-analytics': { type: 'string' },
  'log-analytics-endpoint': { type: 'string' },
  signins: { type: 'string', multiple: true },
  'signins-db': { type: 'string' },
  ...COLLECT_ARG_OPTIONS,
  tenants: { type: 'string' },
  concurrency: { type: 'string' },
  'output-dir': { type: 'string' },
  // live sign-in collection: `collect --signins DAYS` is `--signins-days` here (scan's --signins is FILEs)
  'signins-days': { type: 'string' },
  'signins-scope': { type: 'string' },
  'no-signins': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

async function runScanCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: SCAN_OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(SCAN_HELP + '\n');
    return 0;
  }
  if (values.tenants !== undefined) return runTenantsScan(values);
  for (const k of ['concurrency', 'output-dir'] as const) if (values[k] !== undefined) throw new UsageError(`--${k} needs --tenants FILE`);
  const gate = reportOptions(values, [values.snapshot, values['save-snapshot'], values.demo ? demoSnapshotPath() : undefined, ...(values.signins ?? []), values['signins-db']]);

  const live = values.tenant !== undefined;
  if (!live) {
    // the sign-in flags also serve --log-analytics; --state names a state directory other commands read too
    const signInFlags = values['log-analytics'] !== undefined ? LOG_ANALYTICS_SIGN_IN_FLAGS : [];
    const onlyLive = Object.keys(COLLECT_ARG_OPTIONS).filter((k) => k !== 'state' && (values as Record<string, unknown>)[k] !== undefined && !signInFlags.includes(k));
    if (values['save-snapshot'] !== undefined) onlyLive.push('save-snapshot');
    for (const k of ['signins-days', 'signins-scope', 'no-signins'] as const) if (values[k] !== undefined) onlyLive.push(k);
    if (onlyLive.length) throw new UsageError(`--${onlyLive[0]} needs --tenant (live collection)`);
  } else if (values.snapshot || values.demo) throw new UsageError('give one of --snapshot PATH, --demo or --tenant T');
  if (live && values.incremental && !values['save-snapshot'] && !values.previous) throw new UsageError('--incremental needs --save-snapshot DIR (the snapshot it continues from and replaces)');
  if (live && values.resume && !values['save-snapshot']) throw new UsageError('--resume needs --save-snapshot DIR (the directory of the interrupted collection)');
  const cfg = await configOptions(values, { demo: !!values.demo && !live });
  const source = live ? { collect: { ...collectOptionsFrom(values), signIns: scanSignInOptions(values) }, saveSnapshot: values['save-snapshot'] } : sourceFromArgs(values);
  if (values['log-analytics-endpoint'] !== undefined && values['log-analytics'] === undefined) throw new UsageError('--log-analytics-endpoint needs --log-analytics WORKSPACE_ID');
  const evidence = values['log-analytics'] !== undefined ? await logAnalyticsEvidenceFromArgs(values) : undefined;
  const options = {
    source,
    ...cfg,
    redact: !!values.redact,
    onWarning: printWarning,
    ...stateOption(stateFromArgs(values)),
    ...(evidence ? { evidence } : {}),
    ...(values.signins || values['signins-db'] ? { signIns: { files: values.signins ?? [], database: values['signins-db'], onProgress: printImportProgress } } : {}),
  };
  // a live collection may go to a temporary directory, sign-ins (imported files, or a snapshot with many
  // of its own) to a temporary database: removed on Ctrl-C too
  const result = await withTempCleanupOnSignal(() => scan(options));
  const incomplete = result.collection ? reportMissingRequired(result.collection, values['log-format'] === 'json') : false;
  const code = await finishScan(result, gate, stateFromArgs(values), values['log-format'] === 'json');
  return code || (incomplete ? 1 : 0);
}

/** `--signins-days N` / `--signins-scope` / `--no-signins` → what a live scan collects of the sign-in logs. */
function scanSignInOptions(values: { 'signins-days'?: string | undefined; 'signins-scope'?: string | undefined; 'no-signins'?: boolean | undefined }) {
  if (values['no-signins'] && (values['signins-days'] !== undefined || values['signins-scope'] !== undefined)) {
    throw new UsageError('--no-signins cannot be combined with --signins-days or --signins-scope');
  }
  try {
    return signInOptionsFrom({ signins: values['signins-days'], 'signins-scope': values['signins-scope'], 'no-signins': values['no-signins'] });
  } catch (err) {
    // the shared parser names collect's flag
    if (err instanceof UsageError) throw new UsageError(err.message.replace(/^--signins must/, '--signins-days must'));
    throw err;
  }
}

const LOG_ANALYTICS_SIGN_IN_FLAGS = ['auth', 'client-id', 'cloud', 'authority-host', 'ca-file'];

/** `--log-analytics` evidence, signed in like live collection (collectOptionsFrom validates the shared flags). */
async function logAnalyticsEvidenceFromArgs(values: Parameters<typeof collectOptionsFrom>[0] & { 'log-analytics'?: string | undefined; 'log-analytics-endpoint'?: string | undefined }) {
  const c = collectOptionsFrom(values);
  return logAnalyticsEvidence({
    workspaceId: values['log-analytics']!, auth: c.auth, tenant: values.tenant, clientId: c.clientId, cloud: c.cloud, authorityHost: c.authorityHost,
    endpoint: values['log-analytics-endpoint'], ca: c.ca,
  });
}

/** What `scan`, `report` and `demo` do with a report: where it goes, and the --fail-on gate. */
export interface ReportOptions {
  targets: OutputTarget[];
  failOn: Severity | undefined;
  allowUnknown: boolean;
  limit: number;
}

/** Writes the outputs, notes missing collections, and turns the --fail-on gate into the exit code. */
export async function finishScan(result: ScanResult, opts: ReportOptions, state?: string | false, jsonLog = false): Promise<number> {
  const { report, dataGaps } = result;
  // the HTML report charts the tenant's history when the store has some
  const trends = state !== false && opts.targets.some((t) => t.format.name === 'html') ? reportTrends(report.tenant.id, { state }) : undefined;
  await writeOutputs(report, opts.targets, opts.limit, trends ? { trends } : {});
  if (result.recorded) {
    const { id, tenantId, path } = result.recorded;
    // under --log-format json every stderr line is a JSON object
    process.stderr.write(jsonLog
      ? escapeJsonControls(JSON.stringify({ time: new Date().toISOString(), level: 'info', event: 'recorded', scanId: id, tenantId, path })) + '\n'
      : `mfaguard: recorded as scan ${id} in ${escapeControls(path)}\n`);
  }
  if (dataGaps.length) {
    process.stderr.write(`mfaguard: note: ${dataGaps.length} collection(s) missing (${dataGaps.map((g) => g.key).join(', ')}); verdicts that depend on them are "unknown"\n`);
  }
  return applyGate(report, opts);
}

/** Prints why the --fail-on gate failed (one line, its causes joined) and returns the exit code. */
export function applyGate(report: Report, opts: Pick<ReportOptions, 'failOn' | 'allowUnknown'>): number {
  const gate = gateResult(report, opts.failOn, { allowUnknown: opts.allowUnknown });
  if (gate.failed) process.stderr.write(`mfaguard: gate: ${gate.reasons.join('; ')}\n`);
  return gate.failed ? 1 : 0;
}

export interface OutputTarget { format: Format; output: string | undefined }

/** Pairs each --format with its --output, in order; at most one may go to stdout. */
export function outputTargets(formatArgs: string[] | undefined, outputArgs: string[] | undefined): OutputTarget[] {
  const formats = formatArgs ?? ['table'];
  const outputs = outputArgs ?? [];
  if (outputs.length > formats.length) throw new UsageError('more --output than --format values: give one --format per --output');
  const targets = formats.map((name, i) => {
    const format = findFormat(name);
    if (!format) throw new UsageError(`unknown --format "${name}" (choose ${FORMATS.map((f) => f.name).join(', ')})`);
    return { format, output: outputs[i] };
  });
  if (targets.filter((t) => !t.output || t.output === '-').length > 1) throw new UsageError('only one format can go to stdout: add --output FILE for the others');
  return targets;
}

/**
 * Writes every output of the run together or not at all: each file is rendered completely into a
 * temporary file beside it, then standard output is written, and only then are the files renamed into
 * place. A failure anywhere (a full disk, a permission) leaves every target untouched.
 */
export async function writeOutputs(report: Report, targets: OutputTarget[], limit: number, extra: Partial<RenderOptions> = {}): Promise<void> {
  const render = (t: OutputTarget, color: boolean) => (write: Sink) => renderReport(report, t.format, write, { ...extra, color, limit });
  const files = targets.filter((t) => t.output && t.output !== '-').map((t) => ({ path: t.output!, produce: render(t, false) }));
  const stdout = targets.find((t) => !t.output || t.output === '-');
  await withTempCleanupOnSignal(() => writeFilesTogether(files, stdout ? () => toStdout(render(stdout, useColor(process.stdout))) : undefined));
}

/**
 * The output options `scan`, `report` and `demo` share: --format/--output pairs, --fail-on,
 * --allow-unknown, --limit. `inputs` are the run's input paths: an output may not overwrite one.
 */
export function reportOptions(
  values: { format?: string[] | undefined; output?: string[] | undefined; 'fail-on'?: string | undefined; 'allow-unknown'?: boolean | undefined; limit?: string | undefined },
  inputs: readonly (string | undefined)[] = [],
): ReportOptions {
  const targets = outputTargets(values.format, values.output);
  checkOutputPaths(targets.map((t) => t.output), inputs);
  const failOn = values['fail-on'] as Severity | undefined;
  if (failOn !== undefined && !SEVERITIES.includes(failOn)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
  if (values['allow-unknown'] && failOn === undefined) throw new UsageError('--allow-unknown only makes sense with --fail-on SEVERITY');
  const limit = values.limit === undefined ? DEFAULT_LIST_LIMIT : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError('--limit must be a non-negative integer');
  return { targets, failOn, allowUnknown: !!values['allow-unknown'], limit };
}

export const scanCommand: Command = {
  name: 'scan',
  usage: 'mfaguard scan (--snapshot PATH | --demo | --tenant T | --tenants FILE) [--format FORMAT] [--output FILE] ... [--fail-on SEVERITY] [--redact]',
  help: SCAN_HELP,
  options: SCAN_OPTIONS,
  run: runScanCommand,
};
