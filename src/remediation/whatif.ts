/**
 * `whatif` (spec/remediation.md): hand-written policies evaluated against every user and the
 * window's sign-ins. A policy whose `id` matches an existing one is a change (`updateCaPolicy`), any
 * other one is created as written. Pure apart from awaiting the evidence port.
 */
import { InputError } from '../errors.js';
import { decodeText } from '../snapshot/decode.js';
import { norm } from '../snapshot/model.js';
import type { Snapshot } from '../snapshot/types.js';
import type { SignInEvidence } from '../evidence/types.js';
import { evaluateCoverage } from './impact.js';
import { assessActions } from './plan.js';
import { NameIndex, policiesInDocument, preparePolicy } from './policy-input.js';
import type { GuardResult, PlanAction } from './types.js';

export interface PolicyFile {
  file: string;
  bytes: Uint8Array;
}

export interface WhatIfOptions {
  evidence?: SignInEvidence | undefined;
  breakGlassAccounts?: readonly string[];
  acceptImpact?: readonly string[];
}

export interface WhatIfResult {
  actions: (PlanAction & { file: string })[];
  guard: GuardResult;
  /** Unresolved references and other things the files' authors should know, each naming file and key. */
  warnings: string[];
}

export async function whatIf(snapshot: Snapshot, files: readonly PolicyFile[], opts: WhatIfOptions = {}): Promise<WhatIfResult> {
  const before = evaluateCoverage(snapshot);
  const names = new NameIndex(before.model);
  const existing = new Map((snapshot.conditionalAccessPolicies ?? []).map((p) => [norm(p.id), p]));
  const warnings: string[] = [];
  const actions: (PlanAction & { file: string })[] = [];
  for (const { file, bytes } of files) {
    let doc: unknown;
    try {
      doc = JSON.parse(decodeText(bytes));
    } catch (err) {
      throw new InputError(`not valid JSON (${(err as Error).message})`, file);
    }
    for (const { at, policy: raw } of policiesInDocument(doc, file)) {
      const prepared = preparePolicy(raw, { file, at }, names);
      warnings.push(...prepared.warnings);
      const id = `w${actions.length + 1}`;
      const current = prepared.hadId ? existing.get(norm(prepared.policy.id)) : undefined;
      if (current) {
        actions.push({ id, file, kind: 'updateCaPolicy', target: current.id, before: { ...current }, after: { ...prepared.policy, id: current.id }, because: [] });
      } else {
        // An id that matches nothing is a new policy (Graph would assign its own id on POST).
        const after: Record<string, unknown> = { ...prepared.policy };
        if (prepared.hadId) warnings.push(`${file}: ${at ? `${at}.` : ''}id: ${JSON.stringify(prepared.policy.id)} matches no policy in the tenant: evaluated as a new policy`);
        delete after.id;
        actions.push({ id, file, kind: 'createCaPolicy', target: String(prepared.policy.displayName ?? file), before: null, after, because: [] });
      }
    }
  }
  const { actions: assessed, guard } = await assessActions(snapshot, actions, {
    evidence: opts.evidence, breakGlassAccounts: opts.breakGlassAccounts ?? [], acceptImpact: opts.acceptImpact ?? [], before,
  });
  return { actions: assessed.map((a, i) => ({ ...a, file: actions[i]!.file })), guard, warnings };
}
