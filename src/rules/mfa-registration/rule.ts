import { disabledFinding, userFinding } from '../common.js';
import type { Finding, Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'mfa-registration',
    title: 'Every member user must be able to complete MFA (registered and allowed methods)',
    severity: 'medium',
    resourceType: 'user',
    protectsAgainst: 'an attacker with a password registering their own MFA method first, and lock-outs when enforcement arrives',
    origin: 'Secure Score "Ensure all users can complete multifactor authentication"',
    references: ['https://learn.microsoft.com/entra/identity/authentication/howto-registration-mfa-sspr-combined'],
    remediation: 'Run a registration campaign (Authentication methods > Registration campaign) or require registration through a CA policy on the "Register security information" user action from trusted locations; give users without a phone a FIDO2 key or Temporary Access Pass. Registration alone is not enforcement: pair it with a policy that requires MFA.',
  },
  evaluate(ctx) {
    const { model } = ctx;
    const out: Finding[] = [];
    const gap = model.gap('userRegistrationDetails');
    for (const user of model.users) {
      if (model.guestKind(user)) continue; // guests register MFA in their home tenant
      const perUser = model.perUserMfaState(user).state;
      const reg = model.registrationById.get(user.id.toLowerCase());
      const willForce = perUser === 'enabled' || model.snapshot.securityDefaults?.isEnabled === true;
      const evidence: Record<string, unknown> = {
        perUserMfaState: perUser,
        registrationForcedAtNextSignIn: willForce,
        ...(reg ? { isMfaCapable: reg.isMfaCapable ?? null, isMfaRegistered: reg.isMfaRegistered ?? null, methodsRegistered: reg.methodsRegistered ?? [] } : {}),
      };
      if (!model.isEnabled(user)) {
        out.push(disabledFinding(rule.meta, user, evidence));
        continue;
      }
      if (gap) {
        out.push(userFinding(rule.meta, user, 'unknown', gap.reason, evidence));
        continue;
      }
      if (!reg) {
        out.push(userFinding(rule.meta, user, 'unknown', 'no registration record for this user (the report can lag new accounts by up to 24 hours)', evidence));
        continue;
      }
      const capable = typeof reg.isMfaCapable === 'boolean' ? reg.isMfaCapable : reg.isMfaRegistered;
      if (typeof capable !== 'boolean') {
        out.push(userFinding(rule.meta, user, 'unknown', 'registration record has neither isMfaCapable nor isMfaRegistered', evidence));
      } else if (capable) {
        out.push(userFinding(rule.meta, user, 'healthy', `MFA capable (${(reg.methodsRegistered ?? []).join(', ') || 'methods not listed'})`, evidence));
      } else {
        const why = reg.isMfaRegistered && typeof reg.isMfaCapable === 'boolean'
          ? 'registered methods are not allowed by the authentication methods policy'
          : 'no MFA method registered';
        const next = willForce ? 'registration will be forced at next sign-in' : 'nothing will force registration at next sign-in';
        out.push(userFinding(rule.meta, user, 'unhealthy', `not MFA capable: ${why}; ${next}`, evidence));
      }
    }
    return out;
  },
};
export default rule;
