/** `mfaguard history`: flags → library history() → recorded scans per tenant with counts per rule and status. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { history } from '../app/state.js';
import { writeFileAtomically, type Sink } from '../app/output.js';
import { csvRow } from '../report/csv.js';
import type { ScanRecord } from '../store/sqlite.js';
import { UsageError } from '../errors.js';
import { escapeControls, escapeJsonControls, FINDING_STATUSES, STATUS_COLUMNS } from '../vocabulary.js';
import { toStdout } from './output.js';
import type { Command } from './command.js';

const HISTORY_HELP = `Usage: mfaguard history [--tenant T] [--format table|json|csv] [--output FILE] [--state DIR]

List the scans recorded in the state store (every "mfaguard scan" records one unless --no-state),
oldest first, with the number of findings per rule and status.

  --tenant T        only this tenant (id or display name); default every tenant
  --format FMT      table (default), json or csv (one row per scan and rule)
  --output FILE     write to FILE instead of standard output
  --state DIR       the state store's directory (default $MFAGUARD_STATE_DIR, else the user's data
                    directory: $XDG_DATA_HOME/mfaguard, ~/.local/share/mfaguard, %LOCALAPPDATA%\\mfaguard)

Exit codes: 0 ok, 2 usage or input error (also an unknown tenant), 3 internal error.`;

export const STORE_READ_OPTIONS = {
  state: { type: 'string' }, tenant: { type: 'string' }, format: { type: 'string' }, output: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** Writes `produce` to --output (atomically) or standard output. */
export async function emit(output: string | undefined, produce: (write: Sink) => Promise<void>): Promise<void> {
  if (output && output !== '-') await writeFileAtomically(output, produce);
  else await toStdout(produce);
}

export function pickFormat<T extends string>(value: string | undefined, formats: readonly T[], fallback: T): T {
  const f = (value ?? fallback) as T;
  if (!formats.includes(f)) throw new UsageError(`--format must be one of ${formats.join(', ')}`);
  return f;
}

const HISTORY_FORMATS = ['table', 'json', 'csv'] as const;

async function runHistoryCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: STORE_READ_OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(HISTORY_HELP + '\n');
    return 0;
  }
  const format = pickFormat(values.format, HISTORY_FORMATS, 'table');
  const result = history({ state: values.state, tenant: values.tenant });
  await emit(values.output, async (write) => {
    if (format === 'json') await write(escapeJsonControls(JSON.stringify({ store: result.path, scans: result.scans }, null, 2)) + '\n');
    else if (format === 'csv') await write(historyCsv(result.scans));
    else await write(historyTable(result.scans, result.path));
  });
  return 0;
}

function historyCsv(scans: ScanRecord[]): string {
  const rows = [csvRow(['scanId', 'tenantId', 'tenantName', 'collectedAt', 'generatedAt', 'recordedAt', 'source', 'toolVersion', 'ruleId', ...FINDING_STATUSES])];
  for (const s of scans) {
    for (const [rule, c] of Object.entries(s.counts)) {
      rows.push(csvRow([String(s.id), s.tenantId, s.tenantName ?? '', s.collectedAt, s.generatedAt, s.recordedAt, s.source, s.toolVersion ?? '', rule, ...FINDING_STATUSES.map((st) => String(c[st]))]));
    }
  }
  return rows.join('');
}

function historyTable(scans: ScanRecord[], path: string): string {
  if (!scans.length) return `No scans recorded in ${escapeControls(path)}.\n`;
  const lines: string[] = [];
  let tenant: string | undefined;
  for (const s of scans) {
    if (s.tenantId !== tenant) {
      tenant = s.tenantId;
      lines.push(`${lines.length ? '\n' : ''}Tenant ${escapeControls(s.tenantName ?? s.tenantId)} (${escapeControls(s.tenantId)})`);
    }
    const total = Object.fromEntries(FINDING_STATUSES.map((st) => [st, 0])) as Record<(typeof FINDING_STATUSES)[number], number>;
    for (const c of Object.values(s.counts)) for (const st of FINDING_STATUSES) total[st] += c[st];
    lines.push(`  scan ${String(s.id).padStart(4)}  collected ${s.collectedAt}  ${escapeControls(s.source).padEnd(8)}  ${s.principals} users  ${FINDING_STATUSES.map((st) => `${total[st]} ${STATUS_COLUMNS[st]}`).join(', ')}`);
    for (const [rule, c] of Object.entries(s.counts).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!c.unhealthy && !c.unknown && !c.exempt) continue;
      lines.push(`      ${escapeControls(rule).padEnd(28)} ${FINDING_STATUSES.filter((st) => c[st]).map((st) => `${c[st]} ${STATUS_COLUMNS[st]}`).join(', ')}`);
    }
  }
  return lines.join('\n') + '\n';
}

export const historyCommand: Command = {
  name: 'history',
  usage: 'mfaguard history [--tenant T] [--format table|json|csv] [--state DIR]',
  help: HISTORY_HELP,
  options: STORE_READ_OPTIONS,
  run: runHistoryCommand,
};
