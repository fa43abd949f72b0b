/** `mfaguard trends`: flags → library trends() → finding counts per rule over the recorded scans. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { trends } from '../app/state.js';
import { renderTrends, TREND_FORMATS } from '../report/trends.js';
import { UsageError } from '../errors.js';
import { emit, pickFormat, STORE_READ_OPTIONS } from './history.js';
import type { Command } from './command.js';

const TRENDS_HELP = `Usage: mfaguard trends [--rule R] [--tenant T] [--format table|json|csv|html] [--output FILE] [--state DIR]

Findings per rule and status over a tenant's recorded scans, oldest first. The HTML page (and the
HTML report of "mfaguard scan" once two scans are recorded) charts unhealthy findings per rule as an
inline SVG (no external assets).

  --rule R          only this rule
  --last N          only the last N scans
  --tenant T        the tenant (id or display name) when the store holds several
  --format FMT      table (default), json, csv or html
  --output FILE     write to FILE instead of standard output
  --state DIR       the state store's directory (default $MFAGUARD_STATE_DIR, else the user's data directory)

Exit codes: 0 ok, 2 usage or input error, 3 internal error.`;

const TRENDS_OPTIONS = { ...STORE_READ_OPTIONS, rule: { type: 'string' }, last: { type: 'string' } } as const satisfies ParseArgsConfig['options'];

async function runTrendsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: TRENDS_OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(TRENDS_HELP + '\n');
    return 0;
  }
  const format = pickFormat(values.format, TREND_FORMATS, 'table');
  const last = values.last === undefined ? undefined : Number(values.last);
  if (last !== undefined && (!Number.isInteger(last) || last < 1)) throw new UsageError('--last must be a positive integer');
  const t = trends({ state: values.state, tenant: values.tenant, rule: values.rule, last });
  await emit(values.output, (write) => renderTrends(t, format, write));
  return 0;
}

export const trendsCommand: Command = {
  name: 'trends',
  usage: 'mfaguard trends [--rule R] [--tenant T] [--format table|json|csv|html] [--state DIR]',
  help: TRENDS_HELP,
  options: TRENDS_OPTIONS,
  run: runTrendsCommand,
};
