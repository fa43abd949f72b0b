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
    // exemptions name users by UPN (resource, approvedBy) and carry free text
    ...(report.exemptions ? { exemptions: deep(report.exemptions) as typeof report.exemptions } : {}),
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

/**
 * The addresses a saved report itself ties to a user: the UPN, and the e-mail of a classic
 * subscription administrator (Azure evidence `{ kind: "classic", email }` in that user's findings;
 * the collector matched it to the user by mail, otherMails or guest address). With them a saved
 * report's pseudonyms are the ones `scan --redact` gives.
 */
export function savedReportAddresses(report: Report): { id: string; emails: string[] }[] {
  const byUser = new Map<string, { id: string; emails: string[] }>();
  const entry = (id: string) => {
    let e = byUser.get(id.toLowerCase());
    if (!e) byUser.set(id.toLowerCase(), (e = { id, emails: [] }));
    return e;
  };
  for (const p of report.principals) if (p.userPrincipalName) entry(p.id).emails.push(p.userPrincipalName);
  for (const f of report.findings) {
    if (f.resourceType !== 'user') continue;
    for (const email of classicEmails(f.evidence)) entry(f.resourceId).emails.push(email);
  }
  return [...byUser.values()];
}

function classicEmails(v: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 6 || !v || typeof v !== 'object') return out;
  if (Array.isArray(v)) {
    for (const x of v) classicEmails(x, out, depth + 1);
    return out;
  }
  const o = v as Record<string, unknown>;
  if (o.kind === 'classic' && typeof o.email === 'string') out.push(o.email);
  for (const x of Object.values(o)) classicEmails(x, out, depth + 1);
  return out;
}
