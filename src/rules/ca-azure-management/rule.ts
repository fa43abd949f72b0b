import type { PolicyFacts } from '../../coverage/policy.js';
import { norm } from '../../snapshot/model.js';
import { tenantFinding } from '../common.js';
import type { Rule } from '../types.js';

const summary = (f: PolicyFacts) => ({ id: f.id, displayName: f.name, state: f.state });

/** Defender credits a policy that reaches users by user, group or All users; role-only policies are not credited. */
function roleOnly(f: PolicyFacts): boolean {
  const u = f.policy.conditions?.users;
  const real = (l: string[] | null | undefined) => (l ?? []).some((x) => norm(x) !== 'none');
  return !!u && real(u.includeRoles) && !real(u.includeUsers) && !real(u.includeGroups) && !u.includeGuestsOrExternalUsers;
}
function nobody(f: PolicyFacts): boolean {
  const u = f.policy.conditions?.users;
  const real = (l: string[] | null | undefined) => (l ?? []).some((x) => norm(x) !== 'none');
  return !u || (!real(u.includeUsers) && !real(u.includeGroups) && !real(u.includeRoles) && !u.includeGuestsOrExternalUsers);
}

const rule: Rule = {
  meta: {
    id: 'ca-azure-management',
    title: 'A Conditional Access policy must require MFA for Azure management',
    severity: 'high',
    resourceType: 'tenant',
    protectsAgainst: 'Azure CLI, PowerShell, IaC and REST access to Azure Resource Manager with a password alone',
    origin: 'Defender for Cloud Conditional Access criteria (MFA, includes Windows Azure Service Management API or All resources, does not exclude it)',
    references: [
      'https://learn.microsoft.com/entra/identity/conditional-access/policy-old-require-mfa-azure-mgmt',
      'https://learn.microsoft.com/azure/defender-for-cloud/multi-factor-authentication-enforcement',
    ],
    remediation: 'Create (report-only first, then enable) a CA policy: users All (exclude break-glass accounts), target resources "Windows Azure Service Management API" or All resources, grant "Require multifactor authentication" or an authentication strength. Do not rely on "Microsoft Admin Portals": it covers portal sign-ins, not CLI/PowerShell/REST.',
  },
  evaluate(ctx) {
    const { engine } = ctx;
    const meta = rule.meta;
    if (engine.securityDefaults === 'yes') {
      return [tenantFinding(meta, ctx, 'notApplicable', 'security defaults are on: they require MFA for everyone accessing Azure management', { securityDefaults: true })];
    }
    if (engine.caGap) return [tenantFinding(meta, ctx, 'unknown', engine.caGap.reason, { missing: ['conditionalAccessPolicies'] })];
    const credited: PolicyFacts[] = [];
    const uncertain: PolicyFacts[] = [];
    const reportOnly: PolicyFacts[] = [];
    const notCredited: { id: string; displayName: string; why: string }[] = [];
    for (const f of engine.policies) {
      if (f.state === 'disabled' || f.ignoredBecause) continue;
      const reach = f.reach.azureManagement;
      if (f.grant.requiresMfa === 'no') {
        if (f.grant.mentionsMfa && f.grant.weakness && reach !== 'no') notCredited.push({ ...summary(f), why: f.grant.weakness });
        continue;
      }
      if (reach === 'no') {
        if (f.reach.adminPortals === 'included') notCredited.push({ ...summary(f), why: 'targets Microsoft Admin Portals, which covers interactive portal sign-ins but not Azure CLI, PowerShell or REST' });
        continue;
      }
      if (reach === 'excludedApp') { notCredited.push({ ...summary(f), why: 'excludes Windows Azure Service Management API' }); continue; }
      if (roleOnly(f)) { notCredited.push({ ...summary(f), why: 'targets directory roles only (Defender does not credit role-scoped policies; eligible holders are not covered)' }); continue; }
      if (nobody(f)) { notCredited.push({ ...summary(f), why: 'includes no users' }); continue; }
      if (f.state === 'reportOnly') { reportOnly.push(f); continue; }
      if (f.grant.requiresMfa === 'unknown') uncertain.push(f);
      else credited.push(f);
    }
    const evidence = {
      creditedPolicies: credited.map(summary),
      reportOnlyCandidates: reportOnly.map(summary),
      notCredited,
      conditionalCredited: credited.filter((f) => f.conditions.kind !== 'unconditional').map((f) => ({ ...summary(f), conditions: f.conditions.narrowing })),
    };
    if (credited.length) {
      return [tenantFinding(meta, ctx, 'healthy', `MFA for Azure management is required by ${credited.map((f) => `'${f.name}'`).join(', ')}`, evidence)];
    }
    if (uncertain.length || engine.securityDefaults === 'unknown') {
      const why = [
        ...uncertain.map((f) => `'${f.name}' uses an authentication strength that could not be resolved`),
        ...(engine.securityDefaultsGap ? [engine.securityDefaultsGap.reason] : []),
      ];
      return [tenantFinding(meta, ctx, 'unknown', `no policy is proven to require MFA for Azure management: ${why.join('; ')}`, evidence)];
    }
    const parts = ['no enabled CA policy requires MFA for Windows Azure Service Management API or All resources'];
    if (reportOnly.length) parts.push(`report-only candidates: ${reportOnly.map((f) => `'${f.name}'`).join(', ')}`);
    if (notCredited.length) parts.push(`not credited: ${notCredited.map((n) => `'${n.displayName}' (${n.why})`).join(', ')}`);
    return [tenantFinding(meta, ctx, 'unhealthy', parts.join('; '), evidence)];
  },
};
export default rule;
