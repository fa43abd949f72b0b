/**
 * --redact: stable pseudonyms for names and UPNs (object ids stay), as Defender shows object ids "to
 * protect the privacy of the account holders". The same input always gives the same pseudonym, so
 * redacted reports can still be diffed across scans.
 */
import { createHash } from 'node:crypto';
import type { Report } from './report.js';

const short = (s: string) => createHash('sha256').update(s.toLowerCase()).digest('hex').slice(0, 10);
const pseudonymFor = (userId: string) => `user-${short(userId)}`;

const EMAIL = /[^\s'"(),;<>[\]{}|]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

export function redactReport(report: Report, knownEmails: Map<string, string>): Report {
  const scrub = (s: string) => s.replace(EMAIL, (m) => knownEmails.get(m.toLowerCase()) ?? `email-${short(m)}@redacted.invalid`);
  const deep = (v: unknown): unknown => {
    if (typeof v === 'string') return scrub(v);
    if (Array.isArray(v)) return v.map(deep);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]));
    return v;
  };
  const names = new Map(report.principals.map((p) => [p.id.toLowerCase(), pseudonymFor(p.id)]));
  return {
    ...report,
    principals: report.principals.map((p) => ({
      ...p,
      userPrincipalName: p.userPrincipalName === null ? null : `${names.get(p.id.toLowerCase())}@redacted.invalid`,
      displayName: p.displayName === null ? null : names.get(p.id.toLowerCase())!,
      coverage: deep(p.coverage) as typeof p.coverage,
    })),
    ...(report.policyHygiene ? { policyHygiene: deep(report.policyHygiene) as typeof report.policyHygiene } : {}),
    findings: report.findings.map((f) => ({
      ...f,
      resourceName: f.resourceType === 'user' ? `${names.get(f.resourceId.toLowerCase()) ?? pseudonymFor(f.resourceId)}@redacted.invalid` : scrub(f.resourceName),
      reason: scrub(f.reason),
      evidence: deep(f.evidence) as Record<string, unknown>,
    })),
  };
}

/** Every address a user is known by -> that user's pseudonymous UPN. */
export function pseudonymTable(users: { id: string; emails: string[] }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const u of users) for (const e of u.emails) out.set(e.toLowerCase(), `${pseudonymFor(u.id)}@redacted.invalid`);
  return out;
}
