/** `scan`: a snapshot (from a file, memory, the demo, or a live collection) evaluated into a report. */
import { evaluateSnapshotAsync, type Evaluation } from '../evaluate.js';
import type { SignInEvidence } from '../evidence/types.js';
import { MemorySignInEvidence } from '../evidence/memory.js';
import { signInWorkbook } from '../evidence/workbook.js';
import { pseudonymTable, redactReport } from '../report/redact.js';
import { buildReport, type Report } from '../report/report.js';
import type { Rule } from '../rules/types.js';
import type { DataGap } from '../snapshot/model.js';
import { makeTempDir } from './output.js';
import type { TenantConfig } from '../config/types.js';
import { parseAsOf } from '../config/parse.js';
import { resolveConfig } from './config.js';
import { collect, type CollectOptions, type CollectResult } from './collect.js';
import { loadSnapshotFrom, type SnapshotSource, type WarningHandler } from './source.js';
import { recordScan, resolveStateDir, type RecordedScan } from './state.js';
import { signInEvidenceFor, snapshotSignInRows, type SignInEvidenceOptions } from './signins.js';

/** Collect the tenant live first; the snapshot goes to `saveSnapshot`, or to a temporary directory removed after loading. */
export interface LiveSource {
  collect: Omit<CollectOptions, 'out'>;
  saveSnapshot?: string | undefined;
}

export interface ScanOptions {
  source: SnapshotSource | LiveSource;
  /** Replace names and UPNs with stable pseudonyms (object ids stay). */
  redact?: boolean;
  /** The rule catalog to run (default: every built-in rule). */
  rules?: readonly Rule[];
  /** Sign-in facts for rules that need them; without it those rules report `unknown`. */
  evidence?: SignInEvidence;
  /** Sign-in logs to build the evidence from (when `evidence` is not given): files imported into `database` (default a temporary one), with the snapshot's own `signIns`. */
  signIns?: { files?: readonly string[] | undefined; database?: string | undefined; onProgress?: SignInEvidenceOptions['onProgress'] };
  /**
   * Above this many sign-ins in the loaded snapshot (a large live collection, say), its own `signIns`
   * are analysed in a temporary DuckDB database instead of the JavaScript heap (default
   * MEMORY_SIGN_IN_LIMIT); at or below it the plain in-memory evidence reads them.
   */
  memorySignInLimit?: number;
  /** Called with each warning as soon as it is known (they are also returned). */
  onWarning?: WarningHandler;
  /** The report's `generatedAt` (default: now). */
  now?: Date;
  /**
   * The tenant configuration (spec/config.md): an object, or the path of a YAML/JSON file. Absent: no
   * break-glass accounts and no exemptions (the library never looks for a default file; the CLI does).
   */
  config?: TenantConfig | string | undefined;
  /** The instant exemption expiry is judged at (a Date, or a date / date-time in text; default: `now`). */
  asOf?: Date | string | undefined;
  /**
   * Record the report in the local state store (history, diff, trends): a directory, `false` for no
   * recording, or undefined for the default (`$MFAGUARD_STATE_DIR`, else the user's data directory).
   * Failing to record in a directory the caller named is an error; in the default one, a warning.
   */
  state?: string | false;
  /** The `source` label stored with the scan (default: snapshot, demo, memory or live, from `source`). */
  stateSource?: string;
}

export interface ScanResult {
  report: Report;
  evaluation: Evaluation;
  /** Things a user should know that did not stop the scan (unknown snapshot keys, ignored files). */
  warnings: string[];
  /** Collections missing from the snapshot; verdicts that depend on them are `unknown`. */
  dataGaps: DataGap[];
  /** The live collection's statistics, when the source was `{ collect }`. */
  collection?: CollectResult;
  /** Where the report was recorded in the state store (absent with `state: false` or when recording failed with a warning). */
  recorded?: RecordedScan;
}

/** Sign-ins a snapshot may carry before scan() analyses them in DuckDB rather than in memory. */
export const MEMORY_SIGN_IN_LIMIT = 200_000;

/** Rows per workbook pivot kept in a scan report. */
export const REPORT_PIVOT_ROWS = 25;

export async function scan(opts: ScanOptions): Promise<ScanResult> {
  const { source } = opts;
  // Options first: a bad --as-of or configuration fails before any collection or loading.
  const asOf = opts.asOf !== undefined ? parseAsOf(opts.asOf) : (opts.now ?? new Date()).toISOString();
  // An empty configuration (no tenant, accounts or exemptions) is no configuration: the report stays as before.
  const given = await resolveConfig(opts.config);
  const config = given && (given.tenant || given.breakGlassAccounts.length || given.exemptions.length) ? given : undefined;
  let loaded;
  let collection: CollectResult | undefined;
  if ('collect' in source) {
    const tempDir = source.saveSnapshot === undefined ? await makeTempDir('mfaguard-scan-') : undefined;
    try {
      const out = source.saveSnapshot ?? tempDir!.path;
      // the declared break-glass accounts are the ones whose methods to read, unless named explicitly
      const am = source.collect.authMethodsFor;
      const authMethodsFor = config?.breakGlassAccounts.length && (am === undefined || am === 'auto') ? [...config.breakGlassAccounts] : am;
      collection = await collect({ ...source.collect, ...(authMethodsFor !== undefined ? { authMethodsFor } : {}), out });
      loaded = await loadSnapshotFrom({ path: out }, opts.onWarning);
    } finally {
      await tempDir?.remove();
    }
  } else {
    loaded = await loadSnapshotFrom(source, opts.onWarning);
  }
  // sign-in files or a database: imported, then read where they are (DuckDB) until the rules are done;
  // so are a snapshot's own sign-ins when there are too many to aggregate on the heap (a live collection)
  const many = (loaded.snapshot.signIns?.length ?? 0) > (opts.memorySignInLimit ?? MEMORY_SIGN_IN_LIMIT);
  const opened = !opts.evidence && (opts.signIns || many)
    ? await signInEvidenceFor({ ...opts.signIns, snapshot: loaded.snapshot, snapshotPath: loaded.path })
    : undefined;
  // otherwise the sign-ins the snapshot carries (key `signIns`, spec/signins.md): already in memory with it,
  // validated as the DuckDB path validates them (a user sign-in without its user id is bad input, exit 2,
  // whichever path the snapshot's size picks)
  if (!opts.evidence && !opened) for (const _row of snapshotSignInRows(loaded.snapshot, loaded.path ?? 'snapshot'));
  const evidence = opts.evidence ?? opened?.evidence ?? MemorySignInEvidence.fromSnapshot(loaded.snapshot);
  let evaluation;
  let report;
  try {
    evaluation = await evaluateSnapshotAsync(loaded.snapshot, {
      ...(opts.rules ? { rules: opts.rules } : {}),
      ...(config ? { config } : {}),
      ...(config || opts.asOf !== undefined ? { asOf } : {}),
      ...(evidence ? { evidence } : {}),
    });
    report = buildReport(evaluation, opts.now);
    // The MFA gaps workbook pivots for the HTML report's sign-in section (top rows only: the full pivots are `mfaguard signins`).
    if (evidence) report.signIns = await signInWorkbook(evidence, { limit: REPORT_PIVOT_ROWS, ...(opts.asOf !== undefined ? { asOf } : {}) });
  } finally {
    await opened?.close();
  }
  if (opts.redact) {
    const { model } = evaluation;
    report = redactReport(report, pseudonymTable(model.users.map((u) => ({ id: u.id, emails: model.emailsOf(u) }))));
  }
  const warnings = [...loaded.warnings];
  let recorded: RecordedScan | undefined;
  if (opts.state !== false) {
    const label = opts.stateSource ?? ('collect' in source ? 'live' : 'demo' in source ? 'demo' : 'snapshot' in source ? 'memory' : 'snapshot');
    try {
      recorded = recordScan({ report, source: label, state: opts.state });
    } catch (err) {
      if (resolveStateDir({ state: opts.state }).explicit) throw err;
      const message = `the scan was not recorded in the state store (${(err as Error).message}); --no-state to skip recording`;
      warnings.push(message);
      opts.onWarning?.(message);
    }
  }
  return { report, evaluation, warnings, dataGaps: report.dataGaps, ...(collection ? { collection } : {}), ...(recorded ? { recorded } : {}) };
}
