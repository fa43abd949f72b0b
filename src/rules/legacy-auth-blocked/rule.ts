/**
 * Legacy authentication (Exchange ActiveSync, IMAP, POP, SMTP AUTH, other old protocols) cannot do
 * MFA, so it must be blocked (spec/signins.md). The verdict comes from the directory: security
 * defaults, or an enabled Conditional Access policy for All users and All resources whose
 * `clientAppTypes` include `exchangeActiveSync` and `other` and whose grant is `block`. Sign-ins are
 * evidence only — the successful legacy sign-ins in the window by client and user, also when the
 * tenant is healthy, because they show who got through an exclusion.
 */
import type { ConditionalAccessPolicy } from '../../snapshot/types.js';
import { norm } from '../../snapshot/model.js';
import { policyState } from '../../coverage/policy.js';
import type { LegacyClientSignIns } from '../../evidence/types.js';
import { tenantFinding } from '../common.js';
import { evidenceQuery, NO_SIGN_INS, plural, reportedWindow } from '../signin-evidence.js';
import type { Finding, Rule, RuleContext } from '../types.js';

/** Legacy users listed in the evidence (the rest are counted): a tenant finding stays readable. */
const MAX_USERS_LISTED = 100;

const has = (list: readonly (string | null | undefined)[] | null | undefined, value: string) => (list ?? []).some((x) => norm(x) === norm(value));

/** Why a policy is not a "block legacy authentication for everyone" policy, or undefined when it is one. */
function notABlockPolicy(p: ConditionalAccessPolicy): string | undefined {
  const c = p.conditions ?? {};
  if (!has(c.users?.includeUsers, 'All')) return 'does not include All users';
  if (!has(c.applications?.includeApplications, 'All')) return 'does not include All resources';
  const missing = ['exchangeActiveSync', 'other'].filter((t) => !has(c.clientAppTypes, t));
  if (missing.length) return `client app types do not include ${missing.join(' and ')}`;
  if (!has(p.grantControls?.builtInControls, 'block')) return 'does not block access';
  return undefined;
}

const summary = (p: ConditionalAccessPolicy) => ({ id: p.id, displayName: p.displayName ?? p.id, state: p.state ?? null });

/** Exclusions of a blocking policy: who legacy clients may still get through for. */
function exclusions(p: ConditionalAccessPolicy) {
  const u = p.conditions?.users;
  return {
    users: u?.excludeUsers ?? [], groups: u?.excludeGroups ?? [], roles: u?.excludeRoles ?? [],
    guestsOrExternalUsers: !!u?.excludeGuestsOrExternalUsers, applications: p.conditions?.applications?.excludeApplications ?? [],
  };
}

function legacyEvidence(rows: LegacyClientSignIns[]) {
  const byClient = new Map<string, { clientAppUsed: string; signIns: number; users: Set<string>; lastSeen: string }>();
  for (const r of rows) {
    let c = byClient.get(r.clientAppUsed);
    if (!c) byClient.set(r.clientAppUsed, (c = { clientAppUsed: r.clientAppUsed, signIns: 0, users: new Set(), lastSeen: r.lastSeen }));
    c.signIns += r.signIns;
    c.users.add(r.userId);
    if (r.lastSeen > c.lastSeen) c.lastSeen = r.lastSeen;
  }
  const users = [...rows].sort((a, b) => b.signIns - a.signIns || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.clientAppUsed < b.clientAppUsed ? -1 : 1));
  return {
    signIns: rows.reduce((n, r) => n + r.signIns, 0),
    users: new Set(rows.map((r) => r.userId)).size,
    byClient: [...byClient.values()].sort((a, b) => b.signIns - a.signIns || (a.clientAppUsed < b.clientAppUsed ? -1 : 1)).map((c) => ({ clientAppUsed: c.clientAppUsed, signIns: c.signIns, users: c.users.size, lastSeen: c.lastSeen })),
    byUser: users.slice(0, MAX_USERS_LISTED).map((r) => ({ userId: r.userId, userPrincipalName: r.userPrincipalName, clientAppUsed: r.clientAppUsed, signIns: r.signIns, lastSeen: r.lastSeen })),
    ...(users.length > MAX_USERS_LISTED ? { byUserOmitted: users.length - MAX_USERS_LISTED } : {}),
  };
}

const rule: Rule = {
  meta: {
    id: 'legacy-auth-blocked',
    title: 'Legacy authentication must be blocked',
    severity: 'high',
    resourceType: 'tenant',
    protectsAgainst: 'password spray and credential stuffing through protocols that cannot do MFA (Exchange ActiveSync, IMAP, POP, SMTP AUTH, older Office clients): one password is enough, whatever MFA policy exists',
    origin: 'Secure Score "Enable policy to block legacy authentication"; Conditional Access template "Block legacy authentication"',
    references: [
      'https://learn.microsoft.com/entra/identity/conditional-access/policy-block-legacy-authentication',
      'https://learn.microsoft.com/entra/identity/conditional-access/block-legacy-authentication',
    ],
    remediation: 'Create a Conditional Access policy (report-only first, check the sign-ins it would block, then On): Users All users (exclude only the break-glass accounts), Target resources All resources, Conditions → Client apps: Exchange ActiveSync clients and Other clients, Grant: Block access. Or enable security defaults. Move the users listed in the evidence to modern authentication first.',
    notes: 'Healthy when security defaults are on, or an enabled Conditional Access policy includes All users and All resources, has client app types exchangeActiveSync and other, and blocks. The sign-in evidence (successful legacy sign-ins by client app and user) does not change the verdict: it shows who still uses legacy clients, and through an exclusion who gets past the block.',
  },
  evaluate(ctx: RuleContext): Finding[] | Promise<Finding[]> {
    const { engine, model } = ctx;
    const meta = rule.meta;
    const policies = engine.caGap ? [] : model.snapshot.conditionalAccessPolicies ?? [];
    const blocking = policies.filter((p) => policyState(p) === 'enabled' && !notABlockPolicy(p));
    const reportOnly = policies.filter((p) => policyState(p) === 'reportOnly' && !notABlockPolicy(p));
    // Policies that block legacy clients for some users or apps only: named, so a reader sees why they do not count.
    const partial = policies
      .filter((p) => policyState(p) === 'enabled' && notABlockPolicy(p) && has(p.grantControls?.builtInControls, 'block') && ['exchangeActiveSync', 'other'].some((t) => has(p.conditions?.clientAppTypes, t)))
      .map((p) => ({ ...summary(p), why: notABlockPolicy(p)! }));
    let status: 'healthy' | 'unhealthy' | 'unknown';
    let reason: string;
    const ev: Record<string, unknown> = {
      securityDefaults: engine.securityDefaults === 'yes' ? true : engine.securityDefaults === 'no' ? false : null,
      blockingPolicies: blocking.map((p) => ({ ...summary(p), excludes: exclusions(p) })),
      reportOnlyCandidates: reportOnly.map(summary),
      partialPolicies: partial,
    };
    if (engine.securityDefaults === 'yes') {
      status = 'healthy';
      reason = 'security defaults are on: they block legacy authentication';
    } else if (blocking.length) {
      status = 'healthy';
      reason = `legacy authentication is blocked by ${blocking.map((p) => `'${p.displayName ?? p.id}'`).join(', ')}`;
    } else {
      const gaps = [engine.caGap, engine.securityDefaultsGap].filter((g) => g !== undefined);
      status = gaps.length ? 'unknown' : 'unhealthy';
      const missing = gaps.map((g) => g.reason);
      if (gaps.length) ev.missing = gaps.map((g) => g.key);
      reason = gaps.length
        ? `cannot tell whether legacy authentication is blocked: ${missing.join('; ')}`
        : 'neither security defaults nor an enabled Conditional Access policy blocks legacy clients (Exchange ActiveSync, other) for All users and All resources';
      if (reportOnly.length) reason += `; report-only candidate: ${reportOnly.map((p) => `'${p.displayName ?? p.id}'`).join(', ')}`;
      if (partial.length) reason += `; partial: ${partial.map((p) => `'${p.displayName}' ${p.why}`).join(', ')}`;
    }

    const finish = (legacy: ReturnType<typeof legacyEvidence> | undefined, window: unknown): Finding[] => {
      if (!legacy) {
        const missing = model.snapshot.unavailable.signIns ? model.gap('signIns')!.reason : NO_SIGN_INS;
        return [tenantFinding(meta, ctx, status, `${reason}. Legacy sign-ins: unknown, ${missing}`, { ...ev, legacySignIns: 'missing', legacySignInsReason: missing })];
      }
      const seen = legacy.signIns
        ? `${plural(legacy.signIns, 'successful legacy sign-in')} by ${plural(legacy.users, 'user')} in the window (${legacy.byClient.map((c) => `${c.clientAppUsed}: ${c.signIns}`).join(', ')})${status === 'healthy' ? ': they got through an exclusion or predate the block' : ''}`
        : 'no successful legacy sign-in in the window';
      return [tenantFinding(meta, ctx, status, `${reason}. ${seen}`, { ...ev, legacySignIns: legacy, window })];
    };
    if (!ctx.evidence) return finish(undefined, null);
    const evidence = ctx.evidence;
    return Promise.all([evidence.legacyClientSignIns(evidenceQuery(ctx)), reportedWindow(ctx, evidence)])
      .then(([rows, window]) => finish(legacyEvidence(rows), window ?? null));
  },
};

export default rule;
