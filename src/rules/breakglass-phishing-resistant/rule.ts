/**
 * Declared break-glass (emergency-access) accounts must have a phishing-resistant method registered:
 * they are excluded from Conditional Access by design, and Microsoft's mandatory MFA applies to them
 * too, so FIDO2/passkey, Windows Hello for Business or certificate-based authentication is what keeps
 * them both usable and safe (spec/config.md, spec/signins.md). Only the accounts the tenant's admins
 * declared (`breakGlassAccounts`) are in scope: a name that looks like "breakglass" is a hint, not a
 * declaration.
 */
import type { GraphUser } from '../../snapshot/types.js';
import { findBreakGlassAccounts } from '../../snapshot/break-glass.js';
import { isPhishingResistantMethod } from '../../snapshot/auth-methods.js';
import { tenantFinding, userFinding } from '../common.js';
import type { Finding, Rule, RuleContext } from '../types.js';

/** The method kind of an `@odata.type` (`#microsoft.graph.fido2AuthenticationMethod` → `fido2`). */
const methodKind = (type: string | undefined) => (type ?? 'unknown').replace(/^#microsoft\.graph\./, '').replace(/AuthenticationMethod$/, '') || 'unknown';

const rule: Rule = {
  meta: {
    id: 'breakglass-phishing-resistant',
    title: 'Break-glass accounts must have a phishing-resistant method registered',
    severity: 'high',
    resourceType: 'user',
    protectsAgainst: 'an emergency-access account that is excluded from every policy and protected by a password alone (or a phishable method) — the one account an attacker most wants, and one that cannot sign in once Microsoft enforces MFA',
    origin: 'Mandatory MFA for Azure guidance for emergency access accounts; Entra "Manage emergency access accounts"',
    references: [
      'https://learn.microsoft.com/entra/identity/role-based-access-control/security-emergency-access',
      'https://learn.microsoft.com/entra/identity/authentication/concept-mandatory-multifactor-authentication',
      'https://learn.microsoft.com/entra/identity/authentication/how-to-enable-passkey-fido2',
    ],
    remediation: 'Register a FIDO2 security key (passkey) — ideally two, kept in separate safes — or certificate-based authentication for each break-glass account, and test a sign-in. Keep the accounts enabled, cloud-only, excluded from Conditional Access, and monitored. A declared account that no longer exists or is disabled: create/enable it or remove it from breakGlassAccounts.',
    notes: 'Scope: the accounts declared in breakGlassAccounts (mfaguard.yaml, by UPN or object id). Phishing-resistant: FIDO2 security key or passkey, Windows Hello for Business, certificate-based authentication (and platform credentials). With no account declared, one tenant-level notApplicable finding says so and names the accounts whose names suggest emergency access.',
  },
  evaluate(ctx: RuleContext): Finding[] {
    const { model } = ctx;
    const meta = rule.meta;
    const declared = ctx.config?.breakGlassAccounts ?? [];
    if (!declared.length) {
      const candidates = findBreakGlassAccounts(model.users).map((u) => model.label(u));
      return [tenantFinding(meta, ctx, 'notApplicable',
        `no break-glass accounts are declared (breakGlassAccounts in mfaguard.yaml), so none was checked${candidates.length ? `; accounts whose names suggest emergency access: ${candidates.slice(0, 10).join(', ')}${candidates.length > 10 ? ` and ${candidates.length - 10} more` : ''}` : ''}`,
        { declared: [], nameCandidates: candidates })];
    }
    // Without the user list nobody can be found: the evaluator reports that gap once for the rule.
    if (model.gap('users')) return [];
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const entry of declared) {
      // By object id or UPN, as spec/config.md declares them (not by mail).
      const user = model.userById.get(entry.toLowerCase()) ?? model.users.find((u) => u.userPrincipalName?.toLowerCase() === entry.toLowerCase());
      if (!user) {
        out.push({
          ruleId: meta.id, status: 'unhealthy', severity: meta.severity, resourceType: 'user', resourceId: entry, resourceName: entry,
          reason: `declared break-glass account '${entry}' does not exist in the tenant`, evidence: { declaredAs: entry, exists: false },
        });
        continue;
      }
      if (seen.has(user.id.toLowerCase())) continue; // declared twice (UPN and object id): one finding
      seen.add(user.id.toLowerCase());
      out.push(check(ctx, user, entry));
    }
    return out;
  },
};

function check(ctx: RuleContext, user: GraphUser, entry: string): Finding {
  const { model } = ctx;
  const meta = rule.meta;
  const methods = model.authenticationMethodsOf(user);
  const ev: Record<string, unknown> = { declaredAs: entry, exists: true, accountEnabled: model.isEnabled(user) };
  if (methods) {
    ev.methods = methods.map((m) => methodKind(m['@odata.type']));
    ev.phishingResistant = methods.filter(isPhishingResistantMethod).map((m) => methodKind(m['@odata.type']));
  }
  if (!model.isEnabled(user)) {
    return userFinding(meta, user, 'unhealthy', 'declared break-glass account is disabled (accountEnabled: false): it cannot be used in an emergency', ev);
  }
  if (!methods) {
    const gap = model.gap('authenticationMethods');
    return userFinding(meta, user, 'unknown', gap ? `registered methods cannot be determined: ${gap.reason}` : 'registered methods cannot be determined: they were not read for this account (collect again with this account declared as break-glass)', { ...ev, missing: ['authenticationMethods'] });
  }
  const strong = ev.phishingResistant as string[];
  if (strong.length) return userFinding(meta, user, 'healthy', `phishing-resistant method registered (${[...new Set(strong)].join(', ')})`, ev);
  const kinds = [...new Set(ev.methods as string[])];
  return userFinding(meta, user, 'unhealthy', `no phishing-resistant method registered (${kinds.length ? `registered: ${kinds.join(', ')}` : 'no method registered'})`, ev);
}

export default rule;
