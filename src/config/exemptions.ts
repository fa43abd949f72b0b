/**
 * Applying the exemptions of the tenant configuration (spec/config.md) to the findings, after the
 * rules ran. Pure. Only an `unhealthy` finding changes: matched by a valid exemption (asOf < expires)
 * it becomes `exempt` with the exemption in its evidence; matched only by expired ones it stays
 * unhealthy and its reason says which exemption expired when. Healthy, unknown and notApplicable
 * findings are never touched: an exemption must not hide missing data.
 */
import type { Finding } from '../rules/types.js';
import { norm, type DirectoryModel } from '../snapshot/model.js';
import type { AzureTier } from '../snapshot/azure.js';
import { AZURE_RULE_IDS } from './parse.js';
import type { Exemption, TenantConfig } from './types.js';

/** Exemptions expiring within this many days are listed in the report header. */
export const EXPIRING_SOON_DAYS = 14;

/** An exemption as the report header and finding evidence show it. */
export interface ExemptionRef {
  rules: readonly string[] | '*';
  resource?: string;
  group?: string;
  scope?: string;
  category: string;
  reason: string;
  expires: string;
  approvedBy?: string;
  ticket?: string;
  /** "file:line" where it is written. */
  source: string;
}

/** The report header's view of the configuration (report field `exemptions`). */
export interface ExemptionSummary {
  /** The configuration file applied, when it came from one. */
  file?: string;
  /** The instant expiry was judged at (`--as-of`, default the scan time). */
  asOf: string;
  /** Valid exemptions that expire within EXPIRING_SOON_DAYS days of asOf. */
  expiringSoon: ExemptionRef[];
  /** Exemptions whose resource or group is not in the snapshot: a warning (a typo, or an object that was deleted). */
  unmatched: (ExemptionRef & { why: string })[];
  /** Exemptions already expired at asOf (the findings they covered are unhealthy again). */
  expired: ExemptionRef[];
  /** How many findings each kind of exemption turned into `exempt`. */
  applied: { exemptions: number; breakGlass: number };
}

export function exemptionRef(e: Exemption): ExemptionRef {
  return {
    rules: e.rules,
    ...(e.resource !== undefined ? { resource: e.resource } : {}),
    ...(e.group !== undefined ? { group: e.group } : {}),
    ...(e.scope !== undefined ? { scope: e.scope } : {}),
    category: e.category, reason: e.reason, expires: e.expires,
    ...(e.approvedBy !== undefined ? { approvedBy: e.approvedBy } : {}),
    ...(e.ticket !== undefined ? { ticket: e.ticket } : {}),
    source: `${e.source.file}:${e.source.line}`,
  };
}

const coversRule = (e: Exemption, ruleId: string) => e.rules === '*' || e.rules.includes(ruleId);

/** Is `inner` the same Azure scope as `outer`, or below it (a path prefix at a segment boundary)? */
export function scopeWithin(inner: string, outer: string): boolean {
  const i = norm(inner).replace(/\/+$/, '');
  const o = norm(outer).replace(/\/+$/, '');
  if (o === '') return true; // "/": the root scope holds everything
  return i === o || i.startsWith(`${o}/`);
}

/**
 * The exemptions that name a finding's resource (by id, UPN, mail or name) or a group its user is in,
 * in file order. Indexed once per run: a large tenant has many findings and a file many exemptions.
 */
function resourceIndex(exemptions: readonly Exemption[], model: DirectoryModel): (f: Finding) => Exemption[] {
  const byResource = new Map<string, number[]>();
  const groups: number[] = [];
  exemptions.forEach((e, i) => {
    if (e.resource !== undefined) {
      const k = norm(e.resource);
      const list = byResource.get(k);
      if (list) list.push(i);
      else byResource.set(k, [i]);
    } else if (e.group !== undefined) groups.push(i);
  });
  const tenantDomain = norm(model.snapshot.tenant.defaultDomain ?? '');
  return (f) => {
    const keys = new Set([norm(f.resourceId), norm(f.resourceName)]);
    let userGroups: Set<string> | undefined;
    if (f.resourceType === 'user') {
      const u = model.userById.get(norm(f.resourceId));
      if (u) {
        if (u.userPrincipalName) keys.add(norm(u.userPrincipalName));
        if (u.mail) keys.add(norm(u.mail));
      }
      if (groups.length) userGroups = model.transitiveGroups(f.resourceId);
    } else if (f.resourceType === 'tenant' && tenantDomain) keys.add(tenantDomain);
    const hits = new Set<number>();
    for (const k of keys) for (const i of byResource.get(k) ?? []) hits.add(i);
    if (userGroups) for (const i of groups) if (userGroups.has(norm(exemptions[i]!.group!))) hits.add(i);
    return [...hits].sort((a, b) => a - b).map((i) => exemptions[i]!);
  };
}

/**
 * For an Azure rule with `scope`: undefined when every grant of the finding's tier lies at or below
 * the scope, else the grants outside it (the exemption then does not hold).
 */
function grantsOutsideScope(e: Exemption, f: Finding, model: DirectoryModel): string[] | undefined {
  if (e.scope === undefined || !AZURE_RULE_IDS.includes(f.ruleId)) return undefined;
  const tier = typeof f.evidence.tier === 'string' ? (f.evidence.tier as AzureTier) : undefined;
  const access = model.azure.byUser.get(norm(f.resourceId));
  // The model's grants, not the evidence's: evidence may be trimmed, and the rule is about all the access.
  const grants = (access?.grants ?? []).filter((g) => g.tier === tier || (g.tier === null && access?.tier === null));
  const outside = grants.filter((g) => !scopeWithin(g.scope, e.scope!)).map((g) => `${g.roleName} at ${g.scope}`);
  return outside.length ? outside : undefined;
}

/** Whether a resource or group named by an exemption exists in the snapshot. */
function existsInSnapshot(e: Exemption, model: DirectoryModel): string | undefined {
  if (e.group !== undefined) {
    if (!model.has('groups')) return undefined; // cannot tell: do not warn
    return model.groupById.has(norm(e.group)) ? undefined : `group ${e.group} is not among the tenant's groups`;
  }
  const r = norm(e.resource!);
  const t = model.snapshot.tenant;
  if (r === norm(t.id) || r === norm(t.defaultDomain ?? '')) return undefined;
  if (model.findUser(r)) return undefined;
  if ((model.snapshot.conditionalAccessPolicies ?? []).some((p) => norm(p.id) === r)) return undefined;
  if (!model.has('users')) return undefined;
  return `resource ${e.resource} is not a user, Conditional Access policy or the tenant in this snapshot`;
}

const day = (iso: string) => iso.replace(/T00:00:00\.000Z$/, '').replace(/\.000Z$/, 'Z');

/**
 * Applies `config.exemptions` at `asOf` to `findings` (returned as a new array; unchanged findings
 * are the same objects). First valid exemption in file order wins.
 */
export function applyExemptions(
  findings: readonly Finding[], config: TenantConfig, asOf: string, model: DirectoryModel,
): { findings: Finding[]; summary: ExemptionSummary } {
  const now = Date.parse(asOf);
  const candidates = resourceIndex(config.exemptions, model);
  const isValid = (e: Exemption) => now < Date.parse(e.expires);
  let applied = 0;
  const out = findings.map((f) => {
    if (f.status !== 'unhealthy' || !config.exemptions.length) return f;
    const expired: Exemption[] = [];
    const outOfScope: string[] = [];
    for (const e of candidates(f)) {
      if (!coversRule(e, f.ruleId)) continue;
      if (!isValid(e)) {
        expired.push(e);
        continue;
      }
      const outside = grantsOutsideScope(e, f, model);
      if (outside) {
        outOfScope.push(`the exemption at ${e.source.file}:${e.source.line} is limited to ${e.scope}, but the account also has ${outside.slice(0, 3).join('; ')}${outside.length > 3 ? `; +${outside.length - 3} more` : ''}`);
        continue;
      }
      applied++;
      return {
        ...f,
        status: 'exempt' as const,
        reason: `exempt (${e.category}, until ${day(e.expires)}, ${e.source.file}:${e.source.line}): ${e.reason} | ${f.reason}`,
        evidence: { ...f.evidence, exemption: exemptionRef(e) },
      };
    }
    if (!expired.length && !outOfScope.length) return f;
    const notes = [
      ...expired.map((e) => `the exemption at ${e.source.file}:${e.source.line} expired ${day(e.expires)}`),
      ...outOfScope,
    ];
    return {
      ...f,
      reason: `${f.reason} (${notes.join('; ')})`,
      evidence: {
        ...f.evidence,
        ...(expired.length ? { expiredExemptions: expired.map(exemptionRef) } : {}),
        ...(outOfScope.length ? { exemptionsOutOfScope: outOfScope } : {}),
      },
    };
  });

  const soon = now + EXPIRING_SOON_DAYS * 86_400_000;
  const summary: ExemptionSummary = {
    ...(config.file !== undefined ? { file: config.file } : {}),
    asOf: new Date(now).toISOString(),
    expiringSoon: config.exemptions.filter((e) => isValid(e) && Date.parse(e.expires) <= soon).map(exemptionRef),
    unmatched: config.exemptions.flatMap((e) => {
      const why = existsInSnapshot(e, model);
      return why ? [{ ...exemptionRef(e), why }] : [];
    }),
    expired: config.exemptions.filter((e) => !isValid(e)).map(exemptionRef),
    applied: { exemptions: applied, breakGlass: out.filter((f) => f.status === 'exempt' && (f.evidence.exemption as { category?: string } | undefined)?.category === 'breakGlass').length },
  };
  return { findings: out, summary };
}

/** One-line descriptions of the header warnings (table, Markdown, HTML). */
export function exemptionHeaderLines(s: ExemptionSummary | undefined): { expiringSoon: string[]; unmatched: string[] } {
  if (!s) return { expiringSoon: [], unmatched: [] };
  const what = (e: ExemptionRef) => `${e.rules === '*' ? 'all rules' : e.rules.join(', ')} for ${e.resource ?? `group ${e.group}`}`;
  return {
    expiringSoon: s.expiringSoon.map((e) => `${what(e)} expires ${day(e.expires)} (${e.source})`),
    unmatched: s.unmatched.map((e) => `${what(e)} (${e.source}): ${e.why}`),
  };
}
