import type { PolicyFacts } from '../../coverage/policy.js';
import type { PolicyHygieneWarning } from '../../coverage/dangling.js';
import { scopeGapFinding } from '../common.js';
import type { Finding, Rule, RuleContext } from '../types.js';

/** Report-only longer than this is "parked", not "being tested". */
export const REPORT_ONLY_MAX_DAYS = 30;
/** An excluded group this large (share of all users, with a floor) is a coverage hole, not an exception. */
export const LARGE_EXCLUSION_SHARE = 0.05;
export const LARGE_EXCLUSION_MIN_USERS = 10;

const NAME_SAYS_MFA = /\bmfa\b|multi[- ]?factor|\b2fa\b|two[- ]?factor|strong auth/i;

function looksLikeMfa(f: PolicyFacts): boolean {
  const g = f.policy.grantControls;
  return f.grant.mentionsMfa || NAME_SAYS_MFA.test(f.name) || (g?.customAuthenticationFactors ?? []).length > 0;
}

function problemsOf(f: PolicyFacts, ctx: RuleContext, dangling: PolicyHygieneWarning[]): { problems: string[]; unknown: string[]; notes: string[]; details: Record<string, unknown> } {
  const { model } = ctx;
  const notes: string[] = [];
  const problems: string[] = [];
  const unknown: string[] = [];
  const details: Record<string, unknown> = { state: f.state, grant: f.grant.description };
  const g = f.policy.grantControls;
  if (!g) problems.push('session-only policy (no grant controls): it never demands MFA despite its name');
  else if (f.grant.requiresMfa === 'no' && f.grant.weakness) problems.push(f.grant.weakness);
  else if (f.grant.requiresMfa === 'no' && !f.grant.blocks) problems.push(`grant "${f.grant.description}" does not require MFA despite the policy's name`);
  if (f.grant.requiresMfa === 'unknown') unknown.push(...f.grant.gaps.map((x) => x.reason));
  if (f.conditions.riskOnly) problems.push(`MFA only at elevated risk (${f.conditions.narrowing.join('; ')}): most sign-ins are not covered`);
  else if (f.conditions.kind === 'conditional' && f.grant.requiresMfa !== 'no') details.narrowingConditions = f.conditions.narrowing;
  if (f.ignoredBecause && f.grant.mentionsMfa) problems.push(`never applies at app sign-in: ${f.ignoredBecause}`);

  if (f.state === 'reportOnly') {
    const since = f.policy.modifiedDateTime ?? f.policy.createdDateTime;
    const t = since ? Date.parse(since) : NaN;
    if (!Number.isNaN(t)) {
      const days = Math.floor((model.collectedAt.getTime() - t) / 86_400_000);
      details.reportOnlyDays = days;
      // modifiedDateTime is the last change of any kind, not when report-only began: say which date it is.
      if (days >= REPORT_ONLY_MAX_DAYS) {
        problems.push(f.policy.modifiedDateTime
          ? `report-only, last modified ${days} days ago (${since!.slice(0, 10)}): not enforced since at least then`
          : `report-only since it was created ${days} days ago (${since!.slice(0, 10)}): never enforced`);
      }
    }
  }

  // Dangling references match nobody (as in Entra): an inclusion covers fewer than intended, an exclusion is only stale.
  if (dangling.length) details.danglingReferences = dangling.map(({ kind, field, side, reference }) => ({ kind, field, side, reference }));
  const refs = (side: 'include' | 'exclude') => dangling.filter((d) => d.side === side).map((d) => `${d.kind} '${d.reference}'`);
  if (refs('include').length) problems.push(`includes ${refs('include').join(', ')}, which do not exist in the tenant: they match nobody, so the policy covers fewer than intended`);
  if (refs('exclude').length) notes.push(`stale exclusions of ${refs('exclude').join(', ')}, which do not exist in the tenant (harmless to coverage)`);

  const users = f.policy.conditions?.users;
  if (users && (users.excludeGroups ?? []).length && !model.has('groupMembers')) {
    const gap = model.gap('groupMembers');
    if (gap) unknown.push(`the size of excluded groups cannot be checked: ${gap.reason}`);
  }
  if (users && model.has('groupMembers')) {
    const threshold = Math.max(LARGE_EXCLUSION_MIN_USERS, Math.ceil(model.users.length * LARGE_EXCLUSION_SHARE));
    const large = (users.excludeGroups ?? [])
      .map((id) => ({ id, displayName: model.groupName(id), users: model.transitiveUserMembers(id).size }))
      .filter((x) => x.users >= threshold);
    if (large.length) {
      details.largeExclusions = large;
      problems.push(`excludes large groups: ${large.map((x) => `'${x.displayName}' (${x.users} users)`).join(', ')}`);
    }
  }
  const inc = [...(users?.includeUsers ?? []), ...(users?.includeGroups ?? []), ...(users?.includeRoles ?? [])].filter((x) => x.toLowerCase() !== 'none');
  if (users && !inc.length && !users.includeGuestsOrExternalUsers && !f.ignoredBecause) problems.push('includes no users');
  return { problems, unknown, notes, details };
}

const rule: Rule = {
  meta: {
    id: 'ca-policy-quality',
    title: 'Policies that look like they require MFA must really require it for everyone in scope',
    severity: 'medium',
    resourceType: 'policy',
    protectsAgainst: 'a false sense of coverage: policies whose name or grant says MFA while the grant, conditions, state or exclusions let sign-ins through without it',
    origin: 'false-pass pitfalls of existing tools (shared/research/anchors.md §8)',
    references: [
      'https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-grant',
      'https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-report-only',
    ],
    remediation: 'Make the grant unavoidable (operator AND, or MFA / an authentication strength as the only control), do not gate baseline MFA on risk alone, move report-only policies to On after reviewing their sign-in impact, and keep exclusions to break-glass accounts and named, small, reviewed groups.',
  },
  evaluate(ctx) {
    // Without the policies there is nothing to judge: that is unknown, not a clean (empty) result.
    const missing = scopeGapFinding(rule.meta, ctx, [ctx.model.gap('conditionalAccessPolicies')], 'The quality of Conditional Access policies');
    if (missing.length) return missing;
    const out: Finding[] = [];
    const danglingOf = new Map<string, PolicyHygieneWarning[]>();
    for (const w of ctx.engine.policyHygiene) danglingOf.set(w.policyId, [...(danglingOf.get(w.policyId) ?? []), w]);
    for (const f of ctx.engine.policies) {
      if (f.state === 'disabled' || !looksLikeMfa(f)) continue;
      const { problems, unknown, notes, details } = problemsOf(f, ctx, danglingOf.get(f.id) ?? []);
      const status = problems.length ? 'unhealthy' : unknown.length ? 'unknown' : 'healthy';
      const base = problems.length ? problems.join('; ') : unknown.length ? unknown.join('; ') : `requires MFA (${f.grant.description}) without avoidable grants, risk-only conditions, long report-only or large exclusions`;
      const reason = notes.length ? `${base}; ${notes.join('; ')}` : base;
      out.push({
        ruleId: rule.meta.id, status, severity: rule.meta.severity, resourceType: 'policy',
        resourceId: f.id, resourceName: f.name, reason, evidence: { ...details, problems },
      });
    }
    return out;
  },
};
export default rule;
