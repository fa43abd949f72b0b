/**
 * `mfaguard report --from REPORT.json`: render a saved JSON report (from `scan --format json`) again,
 * in any format, without the snapshot and without re-evaluating. The library's readReport validates
 * it against the report contract first; a bad file exits 2 with a message naming the file and the key.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readReport } from '../app/read-report.js';
import { redactSavedReport } from '../app/report.js';
import { FORMATS } from '../report/formats.js';
import { UsageError } from '../errors.js';
import { REPORT_OUTPUT_OPTIONS, applyGate, reportOptions, writeOutputs } from './scan.js';
import type { Command } from './command.js';

const REPORT_HELP = `Usage: mfaguard report --from REPORT.json [options]

Render a saved JSON report (mfaguard scan --format json) again, without re-evaluating.

  --from FILE           the saved report (.json or .json.gz; "-" = standard input)
  --format FORMAT       ${FORMATS.map((f) => f.name).join(', ')} (default table); repeat for several
  --output FILE         where to write; pairs with --format in order ("-" or none = stdout)
  --fail-on SEVERITY    exit 1 if an unhealthy finding has this severity or higher (low, medium, high),
                        or an unknown one (data missing); one line on stderr says why
  --allow-unknown       with --fail-on: let unknown verdicts pass the gate
  --redact              replace names and UPNs with stable pseudonyms (object ids stay)
  --limit N             unhealthy accounts listed per rule in table and markdown (default 25)

Exit codes: 0 ok, 1 --fail-on gate failed, 2 usage or input error (also an output that cannot be
written, or that is the --from file), 3 internal error.`;

const REPORT_OPTIONS = {
  from: { type: 'string' },
  ...REPORT_OUTPUT_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

async function runReportCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: REPORT_OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(REPORT_HELP + '\n');
    return 0;
  }
  if (!values.from) throw new UsageError('missing --from REPORT.json (a report saved with: mfaguard scan --format json --output REPORT.json)');
  const opts = reportOptions(values, [values.from]);

  let report = await readReport(values.from === '-' ? { stream: process.stdin, name: 'stdin' } : values.from);
  if (values.redact) report = redactSavedReport(report);
  await writeOutputs(report, opts.targets, opts.limit);
  return applyGate(report, opts);
}

export const reportCommand: Command = {
  name: 'report',
  usage: 'mfaguard report --from REPORT.json [--format FORMAT] [--output FILE] ... [--fail-on SEVERITY] [--redact]',
  help: REPORT_HELP,
  options: REPORT_OPTIONS,
  run: runReportCommand,
};
