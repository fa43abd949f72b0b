import { withBreakGlass } from '../break-glass.js';
import { coverageEvidence, disabledFinding, scopeGapFinding, userFinding, verdictFor, verdictReason } from '../common.js';
import type { Finding, Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'directory-admin-mfa',
    title: 'Holders of privileged directory roles (active or PIM-eligible) must be required to do MFA',
    severity: 'high',
    resourceType: 'user',
    protectsAgainst: 'takeover of the tenant through an administrator account signed in with a password alone',
    origin: 'Secure Score "Require MFA for administrative roles"',
    references: [
      'https://learn.microsoft.com/entra/identity/conditional-access/policy-old-require-mfa-admin',
      'https://learn.microsoft.com/entra/identity/role-based-access-control/privileged-roles-permissions',
    ],
    remediation: 'Cover administrators with a policy that does not depend on an active role: include them by user or group (or All users) in a CA policy requiring phishing-resistant MFA for All resources. Role-targeted policies only apply once a PIM-eligible role is activated, so the account signs in without MFA until then.',
  },
  evaluate(ctx) {
    const { model } = ctx;
    const out: Finding[] = scopeGapFinding(rule.meta, ctx, [model.gap('roleAssignments'), model.gap('roleEligibilitySchedules')], 'Some holders of privileged directory roles');
    for (const user of model.users) {
      const holdings = model.privilegedHoldings(user.id);
      if (!holdings.active.length && !holdings.eligible.length) continue;
      const roles = [
        ...holdings.active.map((h) => ({ role: h.roleName, templateId: h.templateId, assignment: 'active', directoryScopeId: h.directoryScopeId, ...(h.viaGroupId ? { viaGroup: model.groupName(h.viaGroupId) } : {}) })),
        ...holdings.eligible.map((h) => ({ role: h.roleName, templateId: h.templateId, assignment: 'eligible', directoryScopeId: h.directoryScopeId, ...(h.viaGroupId ? { viaGroup: model.groupName(h.viaGroupId) } : {}) })),
      ];
      const evidence: Record<string, unknown> = { roles, perUserMfaState: model.perUserMfaState(user).state };
      if (!model.isEnabled(user)) {
        out.push(disabledFinding(rule.meta, user, evidence));
        continue;
      }
      const v = verdictFor(ctx, user, ['anyApp', 'adminPortals']);
      evidence.coverage = coverageEvidence(v);
      const onlyEligible = !holdings.active.length;
      const roleText = onlyEligible
        ? `PIM-eligible (not active) for ${[...new Set(holdings.eligible.map((h) => h.roleName))].join(', ')}: role-targeted policies do not cover the account until activation`
        : `holds ${[...new Set(holdings.active.map((h) => h.roleName))].join(', ')}${holdings.eligible.length ? ` and is eligible for ${[...new Set(holdings.eligible.map((h) => h.roleName))].join(', ')}` : ''}`;
      out.push(withBreakGlass(ctx, user, v, userFinding(rule.meta, user, v.status, `${roleText}; ${verdictReason(v)}`, evidence)));
    }
    return out;
  },
};
export default rule;
