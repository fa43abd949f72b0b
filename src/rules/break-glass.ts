/**
 * Declared break-glass (emergency-access) accounts (spec/config.md): they are expected to be excluded
 * from Conditional Access. The MFA rules (directory-admin-mfa, nonprivileged-user-mfa, azure-*-mfa)
 * report such an account `exempt` with category `breakGlass` when the ONLY gap is a CA exclusion:
 * for every target that is not healthy, an enabled policy would require MFA (always, or outside
 * trusted locations) were the account not definitely excluded from it. Not when nothing at all
 * requires MFA: then the account is unprotected for another reason and stays unhealthy.
 *
 * Only accounts declared in the configuration count; the name heuristic of src/snapshot/break-glass.ts
 * never silences a finding.
 */
import type { TenantConfig } from '../config/types.js';
import { evaluateUser } from '../coverage/engine.js';
import { matchAssignment } from '../coverage/assignment.js';
import { breakGlassMatcher } from '../snapshot/break-glass.js';
import type { GraphUser } from '../snapshot/types.js';
import type { Verdict } from './common.js';
import type { Finding, RuleContext } from './types.js';

const matchers = new WeakMap<TenantConfig, (u: GraphUser) => boolean>();

/** Is `user` a break-glass account declared in the configuration? */
export function isDeclaredBreakGlass(ctx: RuleContext, user: GraphUser): boolean {
  const config = ctx.config;
  if (!config?.breakGlassAccounts.length) return false;
  let m = matchers.get(config);
  if (!m) matchers.set(config, (m = breakGlassMatcher(config.breakGlassAccounts)));
  return m(user);
}

/** The policies the account is excluded from that would otherwise make each unhealthy target healthy; undefined if some gap is not such an exclusion. */
function exclusionOnlyGap(ctx: RuleContext, user: GraphUser, v: Verdict): { target: string; policies: { id: string; name: string }[] }[] | undefined {
  const trace = evaluateUser(ctx.engine, user, { trace: true }).trace!;
  const out: { target: string; policies: { id: string; name: string }[] }[] = [];
  for (const { target } of v.cells) {
    const policies: { id: string; name: string }[] = [];
    trace[target].forEach((step, i) => {
      if (step.outcome !== 'userExcluded') return;
      const facts = ctx.engine.policies[i]!;
      if (facts.conditions.kind === 'conditional') return; // would not make the target healthy anyway
      if (matchAssignment(ctx.model, facts.policy, user).excluded.tri !== 'yes') return;
      policies.push({ id: facts.id, name: facts.name });
    });
    if (!policies.length) return undefined;
    out.push({ target, policies });
  }
  return out;
}

/** The finding as the rule built it, or `exempt` (category breakGlass) when the account is a declared break-glass account whose only gap is a CA exclusion. */
export function withBreakGlass(ctx: RuleContext, user: GraphUser, v: Verdict, finding: Finding): Finding {
  if (finding.status !== 'unhealthy' || v.status !== 'unhealthy' || !isDeclaredBreakGlass(ctx, user)) return finding;
  const gaps = exclusionOnlyGap(ctx, user, v);
  if (!gaps) {
    return { ...finding, reason: `${finding.reason} (declared break-glass account, but its gap is not only a Conditional Access exclusion, so it is not exempt)` };
  }
  const names = [...new Set(gaps.flatMap((g) => g.policies.map((p) => `'${p.name}'`)))];
  const source = ctx.config?.file ? `${ctx.config.file} breakGlassAccounts` : 'breakGlassAccounts';
  const reason = `declared break-glass account (${source}), excluded from ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''} as emergency access should be`;
  return {
    ...finding,
    status: 'exempt',
    reason: `exempt (breakGlass): ${reason} | ${finding.reason}`,
    evidence: { ...finding.evidence, exemption: { category: 'breakGlass', reason, excludedFrom: gaps, source } },
  };
}
