/** `mfaguard signins`: flags → library signIns() → the MFA gaps workbook pivots as tables or JSON. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { signIns } from '../app/signins-workbook.js';
import { renderWorkbookTable } from '../report/signins-table.js';
import { escapeJsonControls } from '../vocabulary.js';
import { UsageError } from '../errors.js';
import { sourceFromArgs } from './load.js';
import { printWarning, toStdout, useColor, withTempCleanupOnSignal } from './output.js';
import type { Command } from './command.js';
import { printImportProgress, signinsImportCommand } from './signins-import.js';
import { signInEvidenceFor } from '../app/signins.js';
import { loadSnapshotFrom } from '../app/source.js';

const SIGNINS_HELP = `Usage: mfaguard signins (--snapshot PATH | --signins FILE... | --signins-db FILE) [filters] [--format table|json] [--top N]

The pivots of Microsoft's MFA gaps workbook over successful user sign-ins: totals protected / not
protected by MFA, single-factor users per app, app x user, per user with the MFA percentage, by
operating system, by country, by client app. Interactive and non-interactive sign-ins are counted
(the workbook itself reads interactive only: --interactive-only for parity).

  --snapshot PATH            a snapshot that carries sign-ins (key signIns, + signInsWindow)
  --signins FILE             sign-in logs (Graph JSON/NDJSON, admin center JSON/CSV, Log Analytics
                             exports; .gz too); repeat for several; with --snapshot its sign-ins count too
  --signins-db FILE          a sign-in database ("mfaguard signins import"): read where it is (DuckDB)
  --exclude-graph            leave out sign-ins to Microsoft Graph
  --legacy-only              only legacy clients (clientAppUsed other than Browser / Mobile Apps and Desktop clients)
  --trusted-locations-only   only sign-ins from trusted named locations
  --interactive-only         only interactive sign-ins (what the workbook reads)
  --include-other-tenants    also sign-ins whose home tenant differs from the resource tenant
  --as-of TIME               end the window at TIME (ISO 8601)
  --format FMT               table (default) or json
  --top N                    rows per pivot, most single-factor first (default 25; 0 = all)

Exit codes: 0 ok, 2 usage or input error (also a snapshot without sign-ins), 3 internal error.`;

const SIGNINS_OPTIONS = {
  snapshot: { type: 'string' },
  signins: { type: 'string', multiple: true },
  'signins-db': { type: 'string' },
  'exclude-graph': { type: 'boolean' },
  'legacy-only': { type: 'boolean' },
  'trusted-locations-only': { type: 'boolean' },
  'interactive-only': { type: 'boolean' },
  'include-other-tenants': { type: 'boolean' },
  'as-of': { type: 'string' },
  format: { type: 'string' },
  top: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/**
 * Subcommands of `mfaguard signins` (e.g. `signins import`): `mfaguard signins NAME …` runs NAME's
 * command with the rest of the arguments; without one, the pivots run. Add a subcommand here.
 */
export const SIGNINS_SUBCOMMANDS: readonly Command[] = [signinsImportCommand];

async function runSignInsCommand(argv: string[]): Promise<number> {
  const sub = SIGNINS_SUBCOMMANDS.find((c) => c.name === argv[0]);
  if (sub) return sub.run(argv.slice(1));
  if (argv[0] !== undefined && !argv[0].startsWith('-')) {
    throw new UsageError(`unknown "signins" subcommand ${JSON.stringify(argv[0])} (subcommands: ${SIGNINS_SUBCOMMANDS.map((c) => c.name).join(', ')}; without one: the workbook pivots)`);
  }
  const { values } = parseArgs({ args: argv, options: SIGNINS_OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(SIGNINS_HELP + '\n');
    return 0;
  }
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError('--format must be table or json');
  const top = values.top === undefined ? 25 : Number(values.top);
  if (!/^\d+$/.test(values.top ?? '25')) throw new UsageError(`--top must be a whole number ≥ 0, got "${values.top}"`);
  // files or a database: imported into DuckDB and pivoted there; otherwise the snapshot's own sign-ins
  const opened = values.signins || values['signins-db']
    ? await withTempCleanupOnSignal(async () => signInEvidenceFor({
      files: values.signins ?? [], database: values['signins-db'], onProgress: printImportProgress,
      ...(values.snapshot ? { snapshot: (await loadSnapshotFrom({ path: values.snapshot }, printWarning)).snapshot, snapshotPath: values.snapshot } : {}),
    }))
    : undefined;
  if (!opened && !values.snapshot) throw new UsageError('give --snapshot PATH, --signins FILE or --signins-db FILE');
  const result = await signIns({
    ...(opened ? { evidence: opened.evidence } : { source: sourceFromArgs({ snapshot: values.snapshot }) }),
    filters: {
      homeTenantOnly: !values['include-other-tenants'], excludeGraph: !!values['exclude-graph'], legacyOnly: !!values['legacy-only'],
      trustedLocationsOnly: !!values['trusted-locations-only'], interactiveOnly: !!values['interactive-only'],
    },
    ...(values['as-of'] ? { asOf: values['as-of'] } : {}),
    limit: top,
    onWarning: printWarning,
  }).finally(() => opened?.close());
  const text = format === 'json'
    ? escapeJsonControls(JSON.stringify({ mfaguardSignIns: 1, ...(result.tenant ? { tenant: result.tenant } : {}), ...result.workbook }, null, 2)) + '\n'
    : renderWorkbookTable(result.workbook, { color: useColor(process.stdout), ...(result.tenant ? { tenant: result.tenant } : {}) });
  await toStdout(async (write) => { await write(text); });
  return 0;
}

export const signinsCommand: Command = {
  name: 'signins',
  usage: 'mfaguard signins (--snapshot PATH | --signins FILE... | --signins-db FILE) [--exclude-graph] [--legacy-only] [--format table|json]',
  help: SIGNINS_HELP,
  options: SIGNINS_OPTIONS,
  run: runSignInsCommand,
};
