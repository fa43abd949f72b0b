/**
 * Remediation as a library (spec/remediation.md): `planRemediation` (findings → plan with impact and
 * guard) and `whatIfPolicyFiles` (hand-written policies → impact and guard). Read-only: neither
 * writes to a tenant. Break-glass accounts come from a TenantConfig (spec/config.md) or a plain list.
 */
import { readFile } from 'node:fs/promises';
import type { TenantConfig } from '../config/types.js';
import { InputError } from '../errors.js';
import { evaluateSnapshotAsync, type Evaluation } from '../evaluate.js';
import { MemorySignInEvidence } from '../evidence/memory.js';
import type { SignInEvidence } from '../evidence/types.js';
import { buildPlan } from '../remediation/plan.js';
import { indexReportOnlyResults, type ReportOnlyIndex } from '../remediation/report-only.js';
import { signInEvidenceFor } from './signins.js';
import { coverageMatrix, type CoverageMatrix } from '../remediation/impact.js';
import { whatIf, type WhatIfResult } from '../remediation/whatif.js';
import { ACTION_KINDS, type Plan, type PlanActionKind } from '../remediation/types.js';
import type { Snapshot } from '../snapshot/types.js';
import { UsageError } from '../errors.js';
import { loadSnapshotFrom, type SnapshotSource, type WarningHandler } from './source.js';
import { collect } from './collect.js';
import { makeTempDir } from './output.js';
import type { LiveSource } from './scan.js';

/** A snapshot source, or a live collection first (as `scan --tenant` does). */
async function loadSource(source: SnapshotSource | LiveSource, onWarning?: WarningHandler): Promise<{ snapshot: Snapshot; path?: string | undefined }> {
  if (!('collect' in source)) return loadSnapshotFrom(source, onWarning);
  const tempDir = source.saveSnapshot === undefined ? await makeTempDir('mfaguard-plan-') : undefined;
  try {
    const out = source.saveSnapshot ?? tempDir!.path;
    await collect({ ...source.collect, out });
    return await loadSnapshotFrom({ path: out }, onWarning);
  } finally {
    await tempDir?.remove();
  }
}

export interface RemediationInputs {
  /** A snapshot, or `{ collect }` to collect the tenant live first (read-only). */
  source: SnapshotSource | LiveSource;
  /** The tenant configuration; its breakGlassAccounts are merged with `breakGlassAccounts`. */
  config?: TenantConfig;
  breakGlassAccounts?: readonly string[];
  /** Sign-in evidence; default the snapshot's own sign-ins, if it has any. */
  evidence?: SignInEvidence;
  /**
   * Sign-in logs in any format the readers accept (Graph JSON / NDJSON, the admin center's CSV, Log
   * Analytics exports), imported with the snapshot's own into a DuckDB store (`database`, default a
   * temporary one), as `scan --signins` does; report-only outcomes come from the same store.
   */
  signIns?: { files?: readonly string[] | undefined; database?: string | undefined };
  /** One sign-in file: the same as `signIns: { files: [file] }`. */
  signInsFile?: string;
  acceptImpact?: readonly string[];
  onWarning?: WarningHandler;
}

export interface PlanOptions extends RemediationInputs {
  only?: readonly string[];
  now?: string;
}

export interface PlanResult {
  plan: Plan;
  snapshot: Snapshot;
  /** Users per state and target, before the plan and after it (report-only policies read as enabled). */
  matrix: { before: CoverageMatrix; after: CoverageMatrix };
  /** The scan the plan was made from (with the configuration's exemptions): `plan --format html` renders it as the HTML report with the plan as a section. */
  evaluation: Evaluation;
}

interface OpenedInputs {
  evidence?: SignInEvidence | undefined;
  reportOnly?: ReportOnlyIndex | undefined;
  close: () => Promise<void>;
}

/**
 * The sign-in evidence and the report-only outcomes: the caller's evidence; or sign-in files / a
 * database through the readers and the DuckDB store (every format); or the snapshot's own sign-ins in memory.
 */
async function signInInputs(opts: RemediationInputs, snapshot: Snapshot, snapshotPath: string | undefined): Promise<OpenedInputs> {
  if (opts.evidence) return { evidence: opts.evidence, close: async () => undefined };
  const files = [...(opts.signIns?.files ?? []), ...(opts.signInsFile ? [opts.signInsFile] : [])];
  if (files.length || opts.signIns?.database) {
    const opened = await signInEvidenceFor({ files, database: opts.signIns?.database, snapshot, snapshotPath });
    try {
      return { evidence: opened.evidence, reportOnly: await opened.reportOnlyResults(), close: opened.close };
    } catch (err) {
      await opened.close();
      throw err;
    }
  }
  const own = snapshot.signIns && !snapshot.unavailable?.signIns ? snapshot.signIns : undefined;
  return { evidence: MemorySignInEvidence.fromSnapshot(snapshot), ...(own ? { reportOnly: indexReportOnlyResults(own) } : {}), close: async () => undefined };
}

const breakGlassOf = (opts: RemediationInputs) => [...(opts.config?.breakGlassAccounts ?? []), ...(opts.breakGlassAccounts ?? [])];

export async function planRemediation(opts: PlanOptions): Promise<PlanResult> {
  for (const k of opts.only ?? []) {
    if (!(ACTION_KINDS as readonly string[]).includes(k)) throw new UsageError(`unknown action kind "${k}" for --only (choose ${ACTION_KINDS.join(', ')})`);
  }
  const { snapshot, path } = await loadSource(opts.source, opts.onWarning);
  checkTenant(opts.config, snapshot);
  const inputs = await signInInputs(opts, snapshot, path);
  try {
    const { evidence, reportOnly } = inputs;
    // Exempt findings (spec/config.md) are not unhealthy, so no action is proposed for them.
    const evaluation = await evaluateSnapshotAsync(snapshot, { ...(evidence ? { evidence } : {}), ...(opts.config ? { config: opts.config } : {}) });
    const { plan, before, after } = await buildPlan(snapshot, evaluation.findings, {
      ...(reportOnly ? { reportOnly } : {}),
      config: { breakGlassAccounts: breakGlassOf(opts) }, only: (opts.only ?? []) as PlanActionKind[], acceptImpact: opts.acceptImpact ?? [],
      ...(evidence ? { evidence } : {}), ...(opts.now ? { now: opts.now } : {}),
    });
    return { plan, snapshot, matrix: { before: coverageMatrix(before), after: coverageMatrix(after) }, evaluation };
  } finally {
    await inputs.close();
  }
}

export interface WhatIfFilesOptions extends RemediationInputs {
  policyFiles: readonly string[];
}

/** The policy files' warnings come back in `warnings` (the review shows them), not through onWarning. */
export async function whatIfPolicyFiles(opts: WhatIfFilesOptions): Promise<WhatIfResult & { snapshot: Snapshot }> {
  if (!opts.policyFiles.length) throw new UsageError('missing --policy FILE');
  const { snapshot, path } = await loadSource(opts.source, opts.onWarning);
  checkTenant(opts.config, snapshot);
  const files = await Promise.all(opts.policyFiles.map(async (file) => {
    try {
      return { file, bytes: await readFile(file) };
    } catch (err) {
      throw new InputError(`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, file);
    }
  }));
  const inputs = await signInInputs(opts, snapshot, path);
  try {
    const result = await whatIf(snapshot, files, { evidence: inputs.evidence, breakGlassAccounts: breakGlassOf(opts), acceptImpact: opts.acceptImpact ?? [] });
    return { ...result, snapshot };
  } finally {
    await inputs.close();
  }
}

function checkTenant(config: TenantConfig | undefined, snapshot: Snapshot): void {
  if (config?.tenant && config.tenant.toLowerCase() !== snapshot.tenant.id.toLowerCase()) {
    throw new InputError(`the configuration is for tenant ${config.tenant}, not ${snapshot.tenant.id}`, config.file, undefined, 'tenant');
  }
}
