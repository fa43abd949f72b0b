/**
 * Shared normalization of every sign-in input to `SignInRow` (src/evidence/row.ts): ids lower case,
 * times UTC ISO 8601, Graph's spelling for enumerations that exports write differently
 * ("Single-factor authentication", "Not Applied", "ROPC"), and the checks that make a row usable
 * (an id, a time, an app, a status, and a user for user sign-ins). Every failure names the file, the
 * line (and column for JSON) and the key or column.
 */
import { InputError } from '../errors.js';
import type { SignInEventType, SignInRow } from '../evidence/row.js';

/** Where a record is in its file: what an InputError names. */
export interface Where {
  file: string;
  line?: number | undefined;
  column?: number | undefined;
}

export function fail(where: Where, key: string, message: string): never {
  throw new InputError(message, where.file, where.line, key, where.column);
}

/** A non-empty string, or null; numbers are written out (CSV and Log Analytics give text, Graph numbers). */
export function text(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

export const lowerId = (v: unknown): string | null => text(v)?.trim().toLowerCase() || null;

export const ISO_NO_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
export const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
/**
 * Log Analytics' portal export: `1/5/2024, 10:11:12.123 AM` (en-US, UTC). Only with AM/PM: a 24-hour
 * `06/11/2026 10:00` may be day-first (en-GB), and a date that could be read two ways is refused.
 */
const US_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)? ?(AM|PM)$/i;

/**
 * A sign-in time as epoch milliseconds, or NaN. Every export states UTC, so a time without a zone is
 * UTC (Date.parse would take it as local time). Other layouts are refused rather than guessed.
 */
export function parseUtc(v: unknown): number {
  const s = text(v)?.trim();
  if (!s) return NaN;
  if (ISO_WITH_ZONE.test(s)) return Date.parse(s.replace(' ', 'T').toUpperCase());
  if (ISO_NO_ZONE.test(s)) return Date.parse(s.replace(' ', 'T') + 'Z');
  const m = US_TIME.exec(s);
  if (!m) return NaN;
  let hour = Number(m[4]);
  if (hour < 1 || hour > 12) return NaN;
  hour = (hour % 12) + (m[8]!.toUpperCase() === 'PM' ? 12 : 0);
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  const t = Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), hour, Number(m[5]), Number(m[6] ?? 0), ms);
  const d = new Date(t);
  return d.getUTCMonth() === Number(m[1]) - 1 && d.getUTCDate() === Number(m[2]) ? t : NaN;
}

export const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Graph's spelling of an enumeration value written another way (case, spaces, hyphens); unknown values are kept. */
function graphSpelling(values: readonly string[], aliases: Record<string, string> = {}): (v: unknown) => string | null {
  const known = new Map(values.map((x) => [squash(x), x]));
  for (const [alias, value] of Object.entries(aliases)) known.set(alias, value);
  return (v) => {
    const s = text(v)?.trim();
    if (!s) return null;
    return known.get(squash(s)) ?? s;
  };
}

/** Graph's spellings, and other spellings (squashed: lower case, letters and digits only) of the same values; the SQL fast path uses them too. */
export const SPELLINGS = {
  authenticationRequirement: { values: ['singleFactorAuthentication', 'multiFactorAuthentication'], aliases: {} },
  conditionalAccessStatus: { values: ['success', 'failure', 'notApplied', 'unknownFutureValue'], aliases: {} },
  authenticationProtocol: {
    values: ['none', 'oAuth2', 'ropc', 'wsFederation', 'saml20', 'deviceCode', 'unknownFutureValue', 'authenticationTransfer', 'nativeAuth', 'implicitAccessTokenAndGetResponseMode'],
    aliases: { resourceownerpasswordcredential: 'ropc', resourceownerpasswordcredentials: 'ropc' },
  },
} as const satisfies Record<string, { values: readonly string[]; aliases: Record<string, string> }>;

export const authenticationRequirement = graphSpelling(SPELLINGS.authenticationRequirement.values, SPELLINGS.authenticationRequirement.aliases);
export const conditionalAccessStatus = graphSpelling(SPELLINGS.conditionalAccessStatus.values, SPELLINGS.conditionalAccessStatus.aliases);
export const authenticationProtocol = graphSpelling(SPELLINGS.authenticationProtocol.values, SPELLINGS.authenticationProtocol.aliases);

/** A dynamic value: an object/array as is, or its JSON text (CSV, and Log Analytics' string-typed columns). */
export function dynamic(v: unknown, where: Where, key: string): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (t === '') return null;
  if (t[0] !== '{' && t[0] !== '[') return v;
  try {
    return JSON.parse(t);
  } catch (err) {
    return fail(where, key, `not valid JSON in a dynamic column (${(err as Error).message})`);
  }
}

export function field(obj: unknown, name: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[name] : undefined;
}

/** `networkLocationDetails` names a trusted named network (the workbook's trusted-location filter). */
export function isTrustedLocation(details: unknown): boolean {
  if (!Array.isArray(details)) return false;
  return details.some((d) => {
    const t = String(field(d, 'networkType') ?? '').toLowerCase();
    return t === 'trustednamedlocation' || t === 'trusted';
  });
}

/** `appliedConditionalAccessPolicies` reduced to `[{ "id", "result" }]` JSON text; null when absent. */
export function appliedPolicies(policies: unknown, where: Where, key: string): string | null {
  if (policies === undefined || policies === null) return null;
  if (!Array.isArray(policies)) return fail(where, key, 'expected an array of applied Conditional Access policies');
  return JSON.stringify(policies.map((p) => ({ id: lowerId(field(p, 'id')) ?? '', result: text(field(p, 'result')) ?? 'unknown' })));
}

export function eventTypeFromList(types: unknown): SignInEventType | undefined {
  if (!Array.isArray(types) || !types.length) return undefined;
  const set = new Set(types.map((t) => String(t).toLowerCase()));
  if (set.has('interactiveuser')) return 'interactiveUser';
  if (set.has('noninteractiveuser')) return 'nonInteractiveUser';
  if (set.has('serviceprincipal')) return 'servicePrincipal';
  if (set.has('managedidentity')) return 'managedIdentity';
  return 'unknown';
}

/** An error code (`status.errorCode`, `ResultType`, "Sign-in error code"): a whole number, else bad input. */
export function errorCode(v: unknown, where: Where, key: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  const s = text(v)?.trim();
  if (s && /^-?\d+$/.test(s)) return Number(s);
  if (v === undefined || v === null || s === null) return fail(where, key, 'missing: a sign-in needs its status (error code 0 = success)');
  return fail(where, key, `expected a whole-number error code, got ${JSON.stringify(v)}`);
}

export type RowDraft = Omit<SignInRow, 'createdDateTime'> & { createdDateTime: unknown };

/** The checks every row passes, whatever its format; `keys` are the names this format uses for the checked fields. */
export function finishRow(d: RowDraft, where: Where, keys: { id: string; time: string; userId: string; appId: string }): SignInRow {
  if (!d.id) fail(where, keys.id, 'missing: a sign-in needs its id (the same sign-in in two inputs must count once)');
  const at = parseUtc(d.createdDateTime);
  if (Number.isNaN(at)) {
    fail(where, keys.time, d.createdDateTime === undefined || d.createdDateTime === null || d.createdDateTime === ''
      ? 'missing: a sign-in needs its time'
      : `expected an ISO 8601 UTC time, got ${JSON.stringify(d.createdDateTime)}`);
  }
  if (!d.appId) fail(where, keys.appId, 'missing: a sign-in needs its application id');
  if ((d.eventType === 'interactiveUser' || d.eventType === 'nonInteractiveUser') && !d.userId) {
    fail(where, keys.userId, 'missing: a user sign-in needs the user id');
  }
  return { ...d, createdDateTime: new Date(at).toISOString() };
}
