/** `mfaguard diff [A] [B]`: flags → library diffScans() → what changed, as table, JSON, Markdown or OCSF. */
import { parseArgs } from 'node:util';
import { diffScans } from '../app/state.js';
import { DIFF_FORMATS, renderDiff } from '../report/diff-formats.js';
import { UsageError } from '../errors.js';
import { emit, pickFormat, STORE_READ_OPTIONS } from './history.js';
import type { Command } from './command.js';

const DIFF_HELP = `Usage: mfaguard diff [A] [B] [--tenant T] [--format table|json|markdown|ocsf] [--output FILE] [--state DIR]

What changed between two scans of a tenant. A and B are recorded scan ids ("mfaguard history") or
saved JSON reports ("scan --format json"); default: the tenant's last two recorded scans (A alone:
A against the last scan). Per finding: new, regressed, exemption expired, newly exempt, fixed, became
unknown, unknown resolved; with each user's coverage cells that changed (state and mechanism before →
after, and why).

  --tenant T        the tenant (id or display name) when the store holds several
  --format FMT      table (default), json, markdown, or ocsf (only the findings that changed state:
                    Create/New, Close/Resolved, Update/Suppressed events)
  --output FILE     write to FILE instead of standard output
  --state DIR       the state store's directory (default $MFAGUARD_STATE_DIR, else the user's data directory)

Exit codes: 0 ok, 2 usage or input error (an unknown scan id, fewer than two scans), 3 internal error.`;

async function runDiffCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: STORE_READ_OPTIONS, strict: true, allowPositionals: true });
  if (values.help) {
    process.stdout.write(DIFF_HELP + '\n');
    return 0;
  }
  if (positionals.length > 2) throw new UsageError('diff takes at most two scans (A B)');
  const format = pickFormat(values.format, DIFF_FORMATS, 'table');
  const diff = await diffScans({ state: values.state, tenant: values.tenant, from: positionals[0], to: positionals[1] });
  await emit(values.output, (write) => renderDiff(diff, format, write));
  return 0;
}

export const diffCommand: Command = {
  name: 'diff',
  usage: 'mfaguard diff [A] [B] [--tenant T] [--format table|json|markdown|ocsf] [--state DIR]',
  help: DIFF_HELP,
  options: STORE_READ_OPTIONS,
  run: runDiffCommand,
};
