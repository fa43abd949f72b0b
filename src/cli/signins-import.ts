/** `mfaguard signins import FILE… [--db FILE] [--snapshot S]`: sign-in logs into the DuckDB store. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { importSignInLogs, type ImportProgress, type ImportResult } from '../app/signins.js';
import { UsageError } from '../errors.js';
import { escapeControls } from '../vocabulary.js';
import { withTempCleanupOnSignal } from './output.js';
import type { Command } from './command.js';

const SIGNINS_HELP = `Usage: mfaguard signins import FILE... [--db FILE] [--snapshot S]

Import sign-in logs into a local sign-in database (DuckDB), for "mfaguard scan --signins-db FILE".

  FILE                  sign-in logs, the format detected from the content (gzip too, UTF-8 or UTF-16):
                        Graph JSON (an array, a page { "value": [...] } or several, NDJSON), v1.0 or beta;
                        the Entra admin center's downloads (JSON; CSV: InteractiveSignIns_*.csv,
                        NonInteractiveSignIns_*.csv — the file name says which); Log Analytics exports of
                        SigninLogs / AADNonInteractiveUserSignInLogs (JSON or CSV)
  --db FILE             the database (created if missing; default <snapshot>.signins.duckdb beside --snapshot)
  --snapshot S          also import the snapshot's own signIns and signInsWindow

The same sign-in (its id) counts once, whichever files carry it; importing a file again changes
nothing. The import is all or nothing: a bad file leaves the database as it was.

Exit codes: 0 ok, 2 usage or input error (the message names file, line, column and key), 3 internal error.`;

const IMPORT_OPTIONS = {
  db: { type: 'string' },
  snapshot: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const fmt = (n: number) => n.toLocaleString('en-US');
const rows = (n: number) => `${fmt(n)} ${n === 1 ? 'row' : 'rows'}`;

/** One stderr line per input read (and every 100,000 rows of a long one), with the rate so far. */
export function printImportProgress(p: ImportProgress): void {
  if (p.phase === 'facts') {
    process.stderr.write(`mfaguard: signins: preparing ${rows(p.rows)} for the analyses\n`);
    return;
  }
  // a rate over less than a second is mostly start-up time: only long imports show one
  const rate = p.elapsedMs >= 1000 ? ` (${fmt(Math.round(p.rows / (p.elapsedMs / 1000)))} rows/s)` : '';
  process.stderr.write(`mfaguard: signins: ${escapeControls(p.source)}: ${rows(p.rows)}${rate}\n`);
}

function summary(r: ImportResult): string {
  const lines = r.sources.map((s) => `  ${escapeControls(s.name)}: ${s.skipped ? 'already imported, skipped' : `${rows(s.rows)} (${s.format})`}`);
  const window = r.window ? `, ${r.window.from} to ${r.window.to}` : '';
  return [`Imported ${fmt(r.rowsRead)} sign-ins into ${escapeControls(r.database)}: ${fmt(r.rowsAdded)} new, ${fmt(r.totalRows)} in total${window}`, ...lines].join('\n');
}

async function runImport(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: IMPORT_OPTIONS, strict: true, allowPositionals: true });
  if (values.help) {
    process.stdout.write(SIGNINS_HELP + '\n');
    return 0;
  }
  if (!positionals.length && !values.snapshot) throw new UsageError(`give at least one sign-in file\n\n${SIGNINS_HELP}`);
  if (!values.db && !values.snapshot) throw new UsageError('give --db FILE (or --snapshot S: the database then goes beside it)');
  const result = await withTempCleanupOnSignal(() => importSignInLogs({ files: positionals, database: values.db, snapshot: values.snapshot, onProgress: printImportProgress }));
  process.stdout.write(summary(result) + '\n');
  return 0;
}

/** `mfaguard signins import …`: a subcommand of `mfaguard signins` (src/cli/signins.ts). */
export const signinsImportCommand: Command = {
  name: 'import',
  usage: 'mfaguard signins import FILE... [--db FILE] [--snapshot S]',
  help: SIGNINS_HELP,
  options: IMPORT_OPTIONS,
  run: runImport,
};
