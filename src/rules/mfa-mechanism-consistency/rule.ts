import { tenantFinding } from '../common.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'mfa-mechanism-consistency',
    title: 'MFA should come from one coherent mechanism',
    severity: 'low',
    resourceType: 'tenant',
    protectsAgainst: 'gaps and surprises from overlapping mechanisms (per-user MFA ignores CA exclusions and conditions; security defaults and CA cannot both be enforced)',
    origin: 'Microsoft Entra deployment guidance (do not combine per-user MFA with Conditional Access)',
    references: [
      'https://learn.microsoft.com/entra/identity/authentication/howto-mfa-userstates',
      'https://learn.microsoft.com/entra/fundamentals/security-defaults',
    ],
    remediation: 'Pick one mechanism: Conditional Access (Entra ID P1) or security defaults. Migrate per-user MFA users to CA (convert per-user MFA to CA, then set their per-user state to disabled).',
  },
  evaluate(ctx) {
    const { engine, model } = ctx;
    const enabledCa = engine.policies.filter((f) => f.state === 'enabled');
    const caMfa = enabledCa.filter((f) => !f.ignoredBecause && f.grant.requiresMfa === 'yes');
    let perUserCount = 0;
    let perUserUnknown = 0;
    for (const u of model.users) {
      const s = model.perUserMfaState(u).state;
      if (s === 'enabled' || s === 'enforced') perUserCount++;
      else if (s === 'unknown') perUserUnknown++;
    }
    const evidence = {
      securityDefaults: engine.securityDefaults,
      enabledCaPolicies: enabledCa.length,
      caPoliciesRequiringMfa: caMfa.map((f) => ({ id: f.id, displayName: f.name })),
      perUserMfaUsers: perUserCount,
      ...(perUserUnknown ? { perUserMfaUnknown: perUserUnknown } : {}),
    };
    const problems: string[] = [];
    if (perUserCount && caMfa.length) problems.push(`per-user MFA (${perUserCount} users) is mixed with Conditional Access (${caMfa.length} policies requiring MFA); Microsoft advises against combining them`);
    if (engine.securityDefaults === 'yes' && enabledCa.length) problems.push(`security defaults are on alongside ${enabledCa.length} enabled CA policies`);
    const nothing = engine.securityDefaults === 'no' && !engine.caGap && !caMfa.length && !perUserCount && !perUserUnknown;
    if (nothing) problems.push('no MFA mechanism at all: security defaults off, no CA policy requires MFA, no user has per-user MFA');
    if (problems.length) return [tenantFinding(rule.meta, ctx, 'unhealthy', problems.join('; '), evidence)];
    const gaps = [engine.securityDefaultsGap, engine.caGap, perUserUnknown ? model.gap('authenticationRequirements') : undefined].filter((g) => !!g);
    if (gaps.length) return [tenantFinding(rule.meta, ctx, 'unknown', `cannot tell which mechanisms are in use: ${gaps.map((g) => g!.reason).join('; ')}`, evidence)];
    const using = engine.securityDefaults === 'yes' ? 'security defaults' : caMfa.length ? 'Conditional Access' : 'per-user MFA';
    return [tenantFinding(rule.meta, ctx, 'healthy', `MFA comes from ${using} alone`, evidence)];
  },
};
export default rule;
