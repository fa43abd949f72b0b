/**
 * What the sign-in rules (spec/signins.md) share: the query that ends the window at `asOf`, the window
 * a finding reports, and the directory user a sign-in aggregate belongs to.
 */
import type { GraphUser } from '../snapshot/types.js';
import { norm } from '../snapshot/model.js';
import type { EvidenceQuery, EvidenceWindow, SignInEvidence } from '../evidence/types.js';
import type { RuleContext } from './types.js';

/** Queries end at `asOf` when the run sets one (`--as-of`), otherwise they cover the whole evidence window. */
export function evidenceQuery(ctx: RuleContext): EvidenceQuery {
  return ctx.asOf ? { asOf: ctx.asOf } : {};
}

/** The window findings state: the evidence's own, cut at `asOf` when that is earlier. Undefined without sign-ins. */
export async function reportedWindow(ctx: RuleContext, evidence: SignInEvidence): Promise<EvidenceWindow | undefined> {
  const w = await evidence.window();
  if (!w || !ctx.asOf) return w;
  return Date.parse(ctx.asOf) < Date.parse(w.to) ? { from: w.from, to: ctx.asOf } : w;
}

/** The directory user a sign-in aggregate names (sign-ins of deleted or foreign users have none: no verdict without the account). */
export function signInUser(ctx: RuleContext, userId: string): GraphUser | undefined {
  return ctx.model.userById.get(norm(userId));
}

/** "3 sign-ins", "1 sign-in". */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Sign-in facts, for the reason of a finding made without them (spec/signins.md, "No sign-in data"). */
export const NO_SIGN_INS = 'no sign-in evidence was given (sign-in logs not collected or imported)';
