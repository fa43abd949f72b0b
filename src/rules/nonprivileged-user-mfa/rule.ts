import { isPrivilegedAzureRoleName } from '../../snapshot/azure.js';
import { withBreakGlass } from '../break-glass.js';
import { coverageEvidence, disabledFinding, userFinding, verdictFor, verdictReason } from '../common.js';
import type { Finding, Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'nonprivileged-user-mfa',
    title: 'Non-privileged users must be required to do MFA',
    severity: 'high',
    resourceType: 'user',
    protectsAgainst: 'password spray and phishing of ordinary accounts, the usual first foothold in a tenant',
    origin: 'Trend Conformity ActiveDirectory-002 ("MFA for non-privileged users")',
    references: ['https://learn.microsoft.com/entra/identity/conditional-access/policy-all-users-mfa-strength'],
    remediation: 'Create a Conditional Access policy for All users and All resources that requires MFA (or an authentication strength), excluding only the break-glass accounts; start it in report-only, check the sign-in impact, then enable it. Tenants without Entra ID P1 can enable security defaults instead.',
  },
  evaluate(ctx) {
    const { model } = ctx;
    const out: Finding[] = [];
    for (const user of model.users) {
      const id = user.id.toLowerCase();
      const azure = model.azure.byUser.get(id);
      if (azure?.grants.some((g) => isPrivilegedAzureRoleName(g.roleName))) continue;
      const roles = model.privilegedHoldings(id);
      if (roles.active.length || roles.eligible.length) continue;
      const perUser = model.perUserMfaState(user).state;
      const evidence: Record<string, unknown> = { perUserMfaState: perUser, userType: user.userType ?? null, guestKind: model.guestKind(user) };
      if (!model.isEnabled(user)) {
        out.push(disabledFinding(rule.meta, user, evidence));
        continue;
      }
      const v = verdictFor(ctx, user, ['anyApp']);
      evidence.coverage = coverageEvidence(v);
      out.push(withBreakGlass(ctx, user, v, userFinding(rule.meta, user, v.status, `${verdictReason(v)}; per-user MFA: ${perUser}`, evidence)));
    }
    return out;
  },
};
export default rule;
