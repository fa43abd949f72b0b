/**
 * `signins`: the MFA gaps workbook pivots (spec/signins.md, Workbook parity) over any sign-in
 * evidence. The evidence is a `SignInEvidence` — the sign-ins a snapshot carries (`source`), or any
 * other implementation passed as `evidence` (a file import, a DuckDB store, a Log Analytics
 * workspace): the pivots are asked of the port, so each answers where its rows are.
 */
import { MemorySignInEvidence } from '../evidence/memory.js';
import type { SignInEvidence, WorkbookFilters } from '../evidence/types.js';
import { signInWorkbook, type SignInWorkbook } from '../evidence/workbook.js';
import { InputError, UsageError } from '../errors.js';
import { loadSnapshotFrom, type SnapshotSource, type WarningHandler } from './source.js';

export interface SignInsOptions {
  /** The sign-in evidence to pivot; wins over `source`. */
  evidence?: SignInEvidence;
  /** A snapshot whose `signIns` (+ `signInsWindow`) are the evidence. */
  source?: SnapshotSource;
  filters?: WorkbookFilters;
  /** Ends the window (ISO 8601). */
  asOf?: string;
  /** Rows kept per pivot, most single-factor first (default: all). */
  limit?: number;
  onWarning?: WarningHandler;
}

export interface SignInsResult {
  workbook: SignInWorkbook;
  /** The tenant, when the evidence came from a snapshot. */
  tenant?: { id: string; displayName: string | null };
}

export async function signIns(opts: SignInsOptions): Promise<SignInsResult> {
  if (opts.asOf !== undefined && Number.isNaN(Date.parse(opts.asOf))) throw new UsageError(`--as-of "${opts.asOf}" is not an ISO 8601 date or date-time`);
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 0)) throw new UsageError('limit must be a whole number ≥ 0 (0 = every row)');
  let evidence = opts.evidence;
  let tenant: SignInsResult['tenant'];
  if (!evidence) {
    if (!opts.source) throw new UsageError('give sign-in evidence: a snapshot with sign-ins (--snapshot PATH)');
    const loaded = await loadSnapshotFrom(opts.source, opts.onWarning);
    tenant = { id: loaded.snapshot.tenant.id, displayName: loaded.snapshot.tenant.displayName ?? null };
    evidence = MemorySignInEvidence.fromSnapshot(loaded.snapshot);
    if (!evidence) {
      const why = loaded.snapshot.unavailable.signIns ? 'its sign-ins could not be read' : 'it has no sign-ins (key signIns)';
      throw new InputError(`${why}: collect them, or import sign-in logs`, loaded.path ?? 'snapshot');
    }
  }
  const workbook = await signInWorkbook(evidence, {
    ...(opts.filters ? { filters: opts.filters } : {}), ...(opts.asOf ? { asOf: opts.asOf } : {}), ...(opts.limit ? { limit: opts.limit } : {}),
  });
  return { workbook, ...(tenant ? { tenant } : {}) };
}
