/** `mfaguard scan`: flags → library scan() → the report(s) on stdout or in files, exit code from the severity gate. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { scan, type ScanResult } from '../app/scan.js';
import { DEFAULT_LIST_LIMIT, checkOutputPaths, renderReport, writeFilesTogether, type Sink } from '../app/output.js';
import { gateResult } from '../app/gate.js';
import { SEVERITIES } from '../app/report.js';
import type { Report } from '../report/report.js';
import { FORMATS, findFormat, type Format } from '../report/formats.js';
import type { Severity } from '../vocabulary.js';
import { UsageError } from '../errors.js';
import { demoSnapshotPath } from '../package.js';
import { CONFIG_ARG_OPTIONS, CONFIG_OPTIONS_HELP, configOptions } from './config.js';
import { sourceFromArgs } from './load.js';
import { COLLECT_ARG_OPTIONS, COLLECT_OPTIONS_HELP, collectOptionsFrom, reportMissingRequired } from './collect.js';
import { printWarning, toStdout, useColor, withTempCleanupOnSignal } from './output.js';
import type { Command } from './command.js';

const SCAN_HELP = `Usage: mfaguard scan (--snapshot PATH | --demo | --tenant T) [options]

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

Live collection options (with --tenant):
${COLLECT_OPTIONS_HELP}

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
  ...COLLECT_ARG_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

async function runScanCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: SCAN_OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(SCAN_HELP + '\n');
    return 0;
  }
  const gate = reportOptions(values, [values.snapshot, values['save-snapshot'], values.demo ? demoSnapshotPath() : undefined]);

  const live = values.tenant !== undefined;
  if (!live) {
    const onlyLive = Object.keys(COLLECT_ARG_OPTIONS).filter((k) => (values as Record<string, unknown>)[k] !== undefined);
    if (values['save-snapshot'] !== undefined) onlyLive.push('save-snapshot');
    if (onlyLive.length) throw new UsageError(`--${onlyLive[0]} needs --tenant (live collection)`);
  } else if (values.snapshot || values.demo) throw new UsageError('give one of --snapshot PATH, --demo or --tenant T');
  if (live && values.resume && !values['save-snapshot']) throw new UsageError('--resume needs --save-snapshot DIR (the directory of the interrupted collection)');
  const cfg = await configOptions(values, { demo: !!values.demo && !live });
  const source = live ? { collect: collectOptionsFrom(values), saveSnapshot: values['save-snapshot'] } : sourceFromArgs(values);
  const options = {
    source,
    ...cfg,
    redact: !!values.redact,
    onWarning: printWarning,
  };
  // a live collection may go to a temporary directory: removed on Ctrl-C too
  const result = live ? await withTempCleanupOnSignal(() => scan(options)) : await scan(options);
  const incomplete = result.collection ? reportMissingRequired(result.collection, values['log-format'] === 'json') : false;
  const code = await finishScan(result, gate);
  return code || (incomplete ? 1 : 0);
}

/** What `scan`, `report` and `demo` do with a report: where it goes, and the --fail-on gate. */
export interface ReportOptions {
  targets: OutputTarget[];
  failOn: Severity | undefined;
  allowUnknown: boolean;
  limit: number;
}

/** Writes the outputs, notes missing collections, and turns the --fail-on gate into the exit code. */
export async function finishScan(result: ScanResult, opts: ReportOptions): Promise<number> {
  const { report, dataGaps } = result;
  await writeOutputs(report, opts.targets, opts.limit);
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
export async function writeOutputs(report: Report, targets: OutputTarget[], limit: number): Promise<void> {
  const render = (t: OutputTarget, color: boolean) => (write: Sink) => renderReport(report, t.format, write, { color, limit });
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
  usage: 'mfaguard scan (--snapshot PATH | --demo | --tenant T) [--format FORMAT] [--output FILE] ... [--fail-on SEVERITY] [--redact]',
  help: SCAN_HELP,
  options: SCAN_OPTIONS,
  run: runScanCommand,
};
