/** `scan`: a snapshot (from a file, memory, the demo, or a live collection) evaluated into a report. */
import { evaluateSnapshotAsync, type Evaluation } from '../evaluate.js';
import type { SignInEvidence } from '../evidence/types.js';
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
  /**
   * The tenant configuration (spec/config.md): an object, or the path of a YAML/JSON file. Absent: no
   * break-glass accounts and no exemptions (the library never looks for a default file; the CLI does).
   */
  config?: TenantConfig | string | undefined;
  /** The instant exemption expiry is judged at (a Date, or a date / date-time in text; default: `now`). */
  asOf?: Date | string | undefined;
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
  const evaluation = await evaluateSnapshotAsync(loaded.snapshot, {
    ...(opts.rules ? { rules: opts.rules } : {}),
    ...(opts.evidence ? { evidence: opts.evidence } : {}),
    ...(config ? { config } : {}),
    ...(config || opts.asOf !== undefined ? { asOf } : {}),
  });
  let report = buildReport(evaluation, opts.now);
  if (opts.redact) {
    const { model } = evaluation;
    report = redactReport(report, pseudonymTable(model.users.map((u) => ({ id: u.id, emails: model.emailsOf(u) }))));
  }
  return { report, evaluation, warnings: loaded.warnings, dataGaps: report.dataGaps, ...(collection ? { collection } : {}) };
}
