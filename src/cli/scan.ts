/** `mfaguard scan`: flags → library scan() → the report(s) on stdout or in files, exit code from the severity gate. */
import { parseArgs } from 'node:util';
import { scan, type ScanResult } from '../app/scan.js';
import { DEFAULT_LIST_LIMIT, renderReport } from '../app/output.js';
import { SEVERITIES, failsGate } from '../app/report.js';
import type { Report } from '../report/report.js';
import { FORMATS, findFormat, type Format } from '../report/formats.js';
import type { Severity } from '../vocabulary.js';
import { UsageError } from '../errors.js';
import { sourceFromArgs } from './load.js';
import { COLLECT_ARG_OPTIONS, COLLECT_OPTIONS_HELP, collectOptionsFrom } from './collect.js';
import { printWarning, useColor, withOutput } from './output.js';
import type { Command } from './command.js';

const SCAN_HELP = `Usage: mfaguard scan (--snapshot PATH | --demo | --tenant T) [options]

Evaluate MFA coverage of every user and run the rule catalog.

  --snapshot PATH       snapshot file (.json, .json.gz) or snapshot directory (manifest.json + *.ndjson)
  --demo                use the bundled demo tenant (Northwind Traders)
  --tenant T            collect tenant T live first (see "mfaguard help collect"), then evaluate
  --save-snapshot DIR   with --tenant: keep the collected snapshot in DIR (default: a temporary directory)
  --format FORMAT       ${FORMATS.map((f) => f.name).join(', ')} (default table); repeat for several
  --output FILE         where to write; pairs with --format in order ("-" or none = stdout)
  --fail-on SEVERITY    exit 1 if an unhealthy finding has this severity or higher (low, medium, high)
  --redact              replace names and UPNs with stable pseudonyms (object ids stay)
  --limit N             unhealthy accounts listed per rule in table and markdown (default 25)

Live collection options (with --tenant):
${COLLECT_OPTIONS_HELP}

Exit codes: 0 ok, 1 --fail-on threshold reached, 2 usage or input error.`;

async function runScanCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      snapshot: { type: 'string' },
      demo: { type: 'boolean' },
      format: { type: 'string', multiple: true },
      output: { type: 'string', multiple: true },
      'fail-on': { type: 'string' },
      redact: { type: 'boolean' },
      limit: { type: 'string' },
      'save-snapshot': { type: 'string' },
      ...COLLECT_ARG_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(SCAN_HELP + '\n');
    return 0;
  }
  const { targets, failOn, limit } = reportOptions(values);

  const live = values.tenant !== undefined;
  if (!live) {
    const onlyLive = Object.keys(COLLECT_ARG_OPTIONS).filter((k) => (values as Record<string, unknown>)[k] !== undefined);
    if (values['save-snapshot'] !== undefined) onlyLive.push('save-snapshot');
    if (onlyLive.length) throw new UsageError(`--${onlyLive[0]} needs --tenant (live collection)`);
  } else if (values.snapshot || values.demo) throw new UsageError('give one of --snapshot PATH, --demo or --tenant T');
  if (live && values.resume && !values['save-snapshot']) throw new UsageError('--resume needs --save-snapshot DIR (the directory of the interrupted collection)');
  const result = await scan({
    source: live ? { collect: collectOptionsFrom(values), saveSnapshot: values['save-snapshot'] } : sourceFromArgs(values),
    redact: !!values.redact,
    onWarning: printWarning,
  });
  return finishScan(result, targets, failOn, limit);
}

/** Writes the outputs, notes missing collections, and turns the --fail-on gate into the exit code. */
export async function finishScan(result: ScanResult, targets: OutputTarget[], failOn: Severity | undefined, limit: number): Promise<number> {
  const { report, dataGaps } = result;
  await writeOutputs(report, targets, limit);
  if (dataGaps.length) {
    process.stderr.write(`mfaguard: note: ${dataGaps.length} collection(s) missing (${dataGaps.map((g) => g.key).join(', ')}); verdicts that depend on them are "unknown"\n`);
  }
  return failsGate(report, failOn) ? 1 : 0;
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

export async function writeOutputs(report: Report, targets: OutputTarget[], limit: number): Promise<void> {
  for (const t of targets) {
    const toStdout = !t.output || t.output === '-';
    await withOutput(t.output, (write) => renderReport(report, t.format, write, { color: toStdout && useColor(process.stdout), limit }));
  }
}

/** The output options `scan`, `report` and `demo` share: --format/--output pairs, --fail-on, --limit. */
export function reportOptions(values: { format?: string[] | undefined; output?: string[] | undefined; 'fail-on'?: string | undefined; limit?: string | undefined }) {
  const targets = outputTargets(values.format, values.output);
  const failOn = values['fail-on'] as Severity | undefined;
  if (failOn !== undefined && !SEVERITIES.includes(failOn)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
  const limit = values.limit === undefined ? DEFAULT_LIST_LIMIT : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError('--limit must be a non-negative integer');
  return { targets, failOn, limit };
}

export const scanCommand: Command = {
  name: 'scan',
  usage: 'mfaguard scan (--snapshot PATH | --demo | --tenant T) [--format FORMAT] [--output FILE] ... [--fail-on SEVERITY] [--redact]',
  help: SCAN_HELP,
  run: runScanCommand,
};
