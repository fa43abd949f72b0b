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
import { collect, type CollectOptions, type CollectResult } from './collect.js';
import { loadSnapshotFrom, type SnapshotSource, type WarningHandler } from './source.js';

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
  /** Called with each warning as soon as it is known (they are also returned). */
  onWarning?: WarningHandler;
  /** The report's `generatedAt` (default: now). */
  now?: Date;
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
}

/** Rows per workbook pivot kept in a scan report. */
export const REPORT_PIVOT_ROWS = 25;

export async function scan(opts: ScanOptions): Promise<ScanResult> {
  const { source } = opts;
  let loaded;
  let collection: CollectResult | undefined;
  if ('collect' in source) {
    const tempDir = source.saveSnapshot === undefined ? await makeTempDir('mfaguard-scan-') : undefined;
    try {
      const out = source.saveSnapshot ?? tempDir!.path;
      collection = await collect({ ...source.collect, out });
      loaded = await loadSnapshotFrom({ path: out }, opts.onWarning);
    } finally {
      await tempDir?.remove();
    }
  } else {
    loaded = await loadSnapshotFrom(source, opts.onWarning);
  }
  // Sign-ins given explicitly win; otherwise those the snapshot carries (key `signIns`, spec/signins.md).
  const evidence = opts.evidence ?? MemorySignInEvidence.fromSnapshot(loaded.snapshot);
  const evaluation = await evaluateSnapshotAsync(loaded.snapshot, {
    ...(opts.rules ? { rules: opts.rules } : {}),
    ...(evidence ? { evidence } : {}),
  });
  let report = buildReport(evaluation, opts.now);
  // The MFA gaps workbook pivots for the HTML report's sign-in section (top rows only: the full pivots are `mfaguard signins`).
  if (evidence) report.signIns = await signInWorkbook(evidence, { limit: REPORT_PIVOT_ROWS });
  if (opts.redact) {
    const { model } = evaluation;
    report = redactReport(report, pseudonymTable(model.users.map((u) => ({ id: u.id, emails: model.emailsOf(u) }))));
  }
  return { report, evaluation, warnings: loaded.warnings, dataGaps: report.dataGaps, ...(collection ? { collection } : {}) };
}
