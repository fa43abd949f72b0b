/**
 * What report-only policies did in the window (spec/remediation.md, enableCaPolicy): from Graph
 * signIn objects' `appliedConditionalAccessPolicies`, the users for whom a policy's result was
 * `reportOnlyFailure` or `reportOnlyInterrupted` — sign-ins it would have failed or interrupted had it
 * been enabled. Pure.
 */
import { norm } from '../snapshot/model.js';

export interface ReportOnlyOutcome {
  userId: string;
  userPrincipalName: string | null;
  failures: number;
  interruptions: number;
}

/** policy id (lower case) → user id (lower case) → outcome. */
export type ReportOnlyIndex = Map<string, Map<string, ReportOnlyOutcome>>;

export function indexReportOnlyResults(signIns: readonly Record<string, unknown>[]): ReportOnlyIndex {
  const index: ReportOnlyIndex = new Map();
  for (const s of signIns) {
    const applied = s.appliedConditionalAccessPolicies;
    const userId = typeof s.userId === 'string' ? s.userId : undefined;
    if (!Array.isArray(applied) || !userId) continue;
    for (const a of applied as { id?: unknown; result?: unknown }[]) {
      const result = norm(typeof a?.result === 'string' ? a.result : '');
      if ((result !== 'reportonlyfailure' && result !== 'reportonlyinterrupted') || typeof a.id !== 'string') continue;
      let users = index.get(norm(a.id));
      if (!users) index.set(norm(a.id), (users = new Map()));
      let o = users.get(norm(userId));
      if (!o) users.set(norm(userId), (o = { userId, userPrincipalName: typeof s.userPrincipalName === 'string' ? s.userPrincipalName : null, failures: 0, interruptions: 0 }));
      if (result === 'reportonlyfailure') o.failures++;
      else o.interruptions++;
    }
  }
  return index;
}
