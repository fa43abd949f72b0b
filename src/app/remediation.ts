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
import { indexReportOnlyResults } from '../remediation/report-only.js';
import { coverageMatrix, type CoverageMatrix } from '../remediation/impact.js';
import { whatIf, type WhatIfResult } from '../remediation/whatif.js';
import { ACTION_KINDS, type Plan, type PlanActionKind } from '../remediation/types.js';
import { decodeText } from '../snapshot/decode.js';
import type { Snapshot } from '../snapshot/types.js';
import { UsageError } from '../errors.js';
import { loadSnapshotFrom, type SnapshotSource, type WarningHandler } from './source.js';
import { collect } from './collect.js';
import { makeTempDir } from './output.js';
import type { LiveSource } from './scan.js';

/** A snapshot source, or a live collection first (as `scan --tenant` does). */
async function loadSource(source: SnapshotSource | LiveSource, onWarning?: WarningHandler): Promise<{ snapshot: Snapshot }> {
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
  /** A file of Graph signIn objects (`[...]` or `{ "value": [...] }`), read into the in-memory evidence. */
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

/** Raw Graph signIn objects when we have them (a --signins file or the snapshot's own): report-only results need them. */
async function rawSignIns(opts: RemediationInputs, snapshot: Snapshot): Promise<Record<string, unknown>[] | undefined> {
  if (opts.evidence) return undefined;
  if (opts.signInsFile) {
    const doc = JSON.parse(decodeText(await readFile(opts.signInsFile))) as unknown;
    const rows = Array.isArray(doc) ? doc : (doc as { value?: unknown })?.value;
    return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : undefined;
  }
  return snapshot.signIns && !snapshot.unavailable?.signIns ? snapshot.signIns : undefined;
}

async function evidenceFor(opts: RemediationInputs, snapshot: Snapshot): Promise<SignInEvidence | undefined> {
  if (opts.evidence) return opts.evidence;
  if (opts.signInsFile) {
    let doc: unknown;
    try {
      doc = JSON.parse(decodeText(await readFile(opts.signInsFile)));
    } catch (err) {
      throw new InputError(`cannot read sign-ins: ${(err as Error).message}`, opts.signInsFile);
    }
    const rows = Array.isArray(doc) ? doc : (doc as { value?: unknown })?.value;
    if (!Array.isArray(rows)) throw new InputError('expected a list of Graph signIn objects ([...] or { "value": [...] })', opts.signInsFile);
    return new MemorySignInEvidence(rows as Record<string, unknown>[]);
  }
  return MemorySignInEvidence.fromSnapshot(snapshot);
}

const breakGlassOf = (opts: RemediationInputs) => [...(opts.config?.breakGlassAccounts ?? []), ...(opts.breakGlassAccounts ?? [])];

export async function planRemediation(opts: PlanOptions): Promise<PlanResult> {
  for (const k of opts.only ?? []) {
    if (!(ACTION_KINDS as readonly string[]).includes(k)) throw new UsageError(`unknown action kind "${k}" for --only (choose ${ACTION_KINDS.join(', ')})`);
  }
  const { snapshot } = await loadSource(opts.source, opts.onWarning);
  checkTenant(opts.config, snapshot);
  const evidence = await evidenceFor(opts, snapshot);
  // Exempt findings (spec/config.md) are not unhealthy, so no action is proposed for them.
  const evaluation = await evaluateSnapshotAsync(snapshot, { ...(evidence ? { evidence } : {}), ...(opts.config ? { config: opts.config } : {}) });
  const raw = await rawSignIns(opts, snapshot);
  const { plan, before, after } = await buildPlan(snapshot, evaluation.findings, {
    ...(raw ? { reportOnly: indexReportOnlyResults(raw) } : {}),
    config: { breakGlassAccounts: breakGlassOf(opts) }, only: (opts.only ?? []) as PlanActionKind[], acceptImpact: opts.acceptImpact ?? [],
    ...(evidence ? { evidence } : {}), ...(opts.now ? { now: opts.now } : {}),
  });
  return { plan, snapshot, matrix: { before: coverageMatrix(before), after: coverageMatrix(after) }, evaluation };
}

export interface WhatIfFilesOptions extends RemediationInputs {
  policyFiles: readonly string[];
}

/** The policy files' warnings come back in `warnings` (the review shows them), not through onWarning. */
export async function whatIfPolicyFiles(opts: WhatIfFilesOptions): Promise<WhatIfResult & { snapshot: Snapshot }> {
  if (!opts.policyFiles.length) throw new UsageError('missing --policy FILE');
  const { snapshot } = await loadSource(opts.source, opts.onWarning);
  checkTenant(opts.config, snapshot);
  const files = await Promise.all(opts.policyFiles.map(async (file) => {
    try {
      return { file, bytes: await readFile(file) };
    } catch (err) {
      throw new InputError(`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, file);
    }
  }));
  const evidence = await evidenceFor(opts, snapshot);
  const result = await whatIf(snapshot, files, { evidence, breakGlassAccounts: breakGlassOf(opts), acceptImpact: opts.acceptImpact ?? [] });
  return { ...result, snapshot };
}

function checkTenant(config: TenantConfig | undefined, snapshot: Snapshot): void {
  if (config?.tenant && config.tenant.toLowerCase() !== snapshot.tenant.id.toLowerCase()) {
    throw new InputError(`the configuration is for tenant ${config.tenant}, not ${snapshot.tenant.id}`, config.file, undefined, 'tenant');
  }
}
