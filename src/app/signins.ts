/**
 * Sign-in logs as evidence: `importSignInLogs` loads sign-in files (and a snapshot's own `signIns`)
 * into the DuckDB store (src/signins/store.ts); `openSignInEvidence` gives the rules their evidence
 * over a store; `signInEvidenceFor` does both for `scan --signins`.
 *
 * `openSignInEvidence` is the one place that picks the evidence implementation: the DuckDB one, so the
 * analyses run as SQL where the rows are and only aggregates reach JavaScript. The evidence holds the
 * database open until `close()`.
 */
import { reportOnlyResultsFromStore } from '../signins/report-only.js';
import type { ReportOnlyIndex } from '../remediation/report-only.js';
import { createHash } from 'node:crypto';
import { DuckDbSignInEvidence } from '../signins/duckdb-evidence.js';
import type { SignInRow } from '../evidence/row.js';
import type { EvidenceWindow, SignInEvidence } from '../evidence/types.js';
import { UsageError } from '../errors.js';
import { graphSignInToRow } from '../signins/graph.js';
import { SignInStore, defaultStorePath, importSignIns, type ImportInput, type ImportProgress, type ImportResult } from '../signins/store.js';
import type { Snapshot } from '../snapshot/types.js';
import { makeTempDir, trackTemporary } from './output.js';
import { loadSnapshotFrom } from './source.js';

export type { ImportProgress, ImportResult, ImportedSource } from '../signins/store.js';
export { defaultStorePath } from '../signins/store.js';

export interface ImportSignInLogsOptions {
  /** Sign-in files, any supported format (spec/signins.md), detected from their content. */
  files: readonly string[];
  /** The database file (created if missing); default `<snapshot>.signins.duckdb` beside `snapshot`. */
  database?: string | undefined;
  /** A snapshot whose `signIns` (and `signInsWindow`) are imported too, and beside which the default database lives. */
  snapshot?: string | undefined;
  onProgress?: (p: ImportProgress) => void;
}

/** The database being built is registered as a temporary: removed if the host is interrupted (removePendingTempFiles). */
function temporaries(): (path: string | undefined) => void {
  let current: string | undefined;
  return (path) => {
    if (current) for (const p of [current, `${current}.wal`, `${current}.tmp`]) trackTemporary(p, false);
    current = path;
    if (path) {
      trackTemporary(path, true);
      trackTemporary(`${path}.wal`, true);
      trackTemporary(`${path}.tmp`, true);
    }
  };
}

/** The rows of a snapshot's `signIns` (Graph beta objects), validated like a file's: errors name the key. */
export function snapshotSignInRows(snapshot: Snapshot, file: string): Iterable<SignInRow> {
  const list = snapshot.signIns ?? [];
  return {
    *[Symbol.iterator]() {
      for (const [i, raw] of list.entries()) yield graphSignInToRow(raw, { file }, `signIns[${i}].`);
    },
  };
}

/** The snapshot's sign-ins as an import input (recognised when imported again: tenant, time, count and ids). */
export function snapshotSignInInput(snapshot: Snapshot, file: string): ImportInput | undefined {
  if (!snapshot.signIns?.length) return undefined;
  const hash = createHash('sha256').update(`${snapshot.tenant.id} ${snapshot.collectedAt} ${snapshot.signIns.length}`);
  for (const s of snapshot.signIns) hash.update(String(s.id ?? ''));
  return { rows: snapshotSignInRows(snapshot, file), name: `${file} (signIns)`, fingerprint: `snapshot:${hash.digest('hex')}` };
}

export async function importSignInLogs(opts: ImportSignInLogsOptions): Promise<ImportResult> {
  if (!opts.files.length && !opts.snapshot) throw new UsageError('give at least one sign-in file (or --snapshot with sign-ins)');
  const database = opts.database ?? (opts.snapshot ? defaultStorePath(opts.snapshot) : undefined);
  if (!database) throw new UsageError('give --db FILE (or --snapshot S: the database then goes beside it)');
  const inputs: ImportInput[] = [];
  let window: Snapshot['signInsWindow'];
  if (opts.snapshot) {
    const { snapshot } = await loadSnapshotFrom({ path: opts.snapshot });
    const input = snapshotSignInInput(snapshot, opts.snapshot);
    if (input) inputs.push(input);
    window = snapshot.signInsWindow;
  }
  inputs.push(...opts.files.map((path) => ({ path })));
  return importSignIns(database, inputs, { window, onTemporary: temporaries(), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
}

/** The evidence the rules read, over a sign-in database (opened read-only; `close()` when done). */
export async function openSignInEvidence(database: string): Promise<OpenedSignInEvidence> {
  const store = await SignInStore.open(database);
  try {
    const window = await store.window();
    const rows = await store.count();
    const evidence = await DuckDbSignInEvidence.over(store.connection, window ? { window } : {});
    return { evidence, window, rows, reportOnlyResults: () => reportOnlyResultsFromStore(store.connection), close: async () => store.close() };
  } catch (err) {
    store.close();
    throw err;
  }
}

export interface OpenedSignInEvidence {
  evidence: SignInEvidence;
  window: EvidenceWindow | undefined;
  /** Sign-ins in the database (all of them, failed and non-user ones too). */
  rows: number;
  /** Report-only policy outcomes per policy and user (remediation's enableCaPolicy), one SQL aggregate over the store. */
  reportOnlyResults: () => Promise<ReportOnlyIndex>;
  /** Closes the database (and removes a temporary one). */
  close: () => Promise<void>;
}

export interface SignInEvidenceOptions {
  /** Sign-in files to import first. */
  files?: readonly string[] | undefined;
  /** The database to import into and read (kept); without it a temporary one, removed afterwards. */
  database?: string | undefined;
  /** The scanned snapshot: its own `signIns` and `signInsWindow` are part of the evidence. */
  snapshot?: Snapshot | undefined;
  snapshotPath?: string | undefined;
  onProgress?: ImportSignInLogsOptions['onProgress'];
}

/** `scan --signins FILE… [--signins-db FILE]`: import what is given, then open the evidence. */
export async function signInEvidenceFor(opts: SignInEvidenceOptions): Promise<OpenedSignInEvidence & { import?: ImportResult }> {
  const files = opts.files ?? [];
  const snapshotInput = opts.snapshot ? snapshotSignInInput(opts.snapshot, opts.snapshotPath ?? 'snapshot') : undefined;
  if (!files.length && !snapshotInput && opts.database) return openSignInEvidence(opts.database);
  const temp = opts.database ? undefined : await makeTempDir('mfaguard-signins-');
  try {
    const database = opts.database ?? `${temp!.path}/signins.duckdb`;
    const inputs: ImportInput[] = [...(snapshotInput ? [snapshotInput] : []), ...files.map((path) => ({ path }))];
    const result = await importSignIns(database, inputs, { window: opts.snapshot?.signInsWindow, onTemporary: temporaries(), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    const opened = await openSignInEvidence(database);
    return { ...opened, import: result, close: async () => { await opened.close(); await temp?.remove(); } };
  } catch (err) {
    await temp?.remove();
    throw err;
  }
}
