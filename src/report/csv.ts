/**
 * CSV: one row per finding (healthy ones included, as in the JSON report), for the help desk and
 * spreadsheets. RFC 4180: comma separated, CRLF line ends, a header row, fields that contain a comma,
 * a double quote, CR or LF are enclosed in double quotes with inner quotes doubled. UTF-8 without BOM.
 *
 * Columns, in order:
 *   ruleId            rule id (stable API, spec/rules.md)
 *   severity          low | medium | high
 *   status            healthy | unhealthy | exempt | notApplicable | unknown
 *   resourceType      user | tenant | policy | servicePrincipal
 *   resourceId        object id (tenant id for tenant findings, policy id for policy findings)
 *   resourceName      UPN, tenant or policy name
 *   reason            why, in one sentence (the engine's explanation)
 *   coverage          coverage state of each target that decided the verdict: "anyApp: excluded; adminPortals: none"
 *   mechanisms        MFA mechanisms behind those states: "anyApp: conditionalAccess+perUserMfa" ("none" if none)
 *   policies          ids of the CA policies behind those states: "anyApp: <id> <id>"
 *   missingData       collections whose absence makes the verdict unknown, "; " separated
 *   perUserMfaState   legacy per-user MFA state (disabled | enabled | enforced | unknown) where the rule reports it
 *   azureTier         highest Azure permission tier (owner | write | read) for the Azure rules
 *   directoryRoles    privileged directory roles with assignment kind: "Global Administrator (eligible)"
 *   mfaCapable        true | false from the registration report (mfa-registration)
 *   methodsRegistered registered authentication methods, "; " separated
 * A column that does not apply to a rule is empty.
 *
 * Formula injection (CWE-1236): a cell that starts with =, +, -, @, TAB or CR would be run as a
 * formula by Excel / LibreOffice / Sheets when the file is opened, and names and reasons come from the
 * directory (attacker-controllable display names). Such cells get a leading apostrophe, the
 * OWASP-recommended neutralisation: spreadsheets show the text, never evaluate it.
 *
 * Control and bidi characters in any field become visible escapes first (escapeControls: a tenant
 * line break is the two characters `\n`), so no raw control byte reaches a terminal that `cat`s the file.
 */
import { chunked } from './chunk.js';
import type { Sink } from './json.js';
import type { Report } from './report.js';
import type { Finding } from '../rules/types.js';
import { escapeControls } from '../vocabulary.js';

export const CSV_COLUMNS = [
  'ruleId', 'severity', 'status', 'resourceType', 'resourceId', 'resourceName', 'reason',
  'coverage', 'mechanisms', 'policies', 'missingData', 'perUserMfaState', 'azureTier', 'directoryRoles',
  'mfaCapable', 'methodsRegistered',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One RFC 4180 field, neutralised against formula injection. */
export function csvField(value: string): string {
  const shown = escapeControls(value);
  // The guard looks at the raw value too: a leading TAB or CR is a formula start even once escaped.
  const safe = FORMULA_START.test(value) || FORMULA_START.test(shown) ? `'${shown}` : shown;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(values: readonly string[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

export async function writeCsv(report: Report, write: Sink): Promise<void> {
  const out = chunked(write);
  await out.push(csvRow(CSV_COLUMNS));
  for (const f of report.findings) await out.push(csvRow(findingRow(f)));
  await out.flush();
}

function findingRow(f: Finding): string[] {
  const ev = isObject(f.evidence) ? f.evidence : {};
  const cells = coverageCells(ev.coverage);
  const missing = new Set<string>();
  for (const m of stringList(ev.missing)) missing.add(m);
  for (const c of cells) for (const m of c.missing) missing.add(m);
  const row: Record<(typeof CSV_COLUMNS)[number], string> = {
    ruleId: f.ruleId,
    severity: f.severity,
    status: f.status,
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    resourceName: f.resourceName,
    reason: f.reason,
    coverage: cells.map((c) => `${c.target}: ${c.state}`).join('; '),
    mechanisms: cells.map((c) => `${c.target}: ${c.mechanisms.length ? c.mechanisms.join('+') : 'none'}`).join('; '),
    policies: cells.map((c) => `${c.target}: ${c.policies.length ? c.policies.join(' ') : 'none'}`).join('; '),
    missingData: [...missing].join('; '),
    perUserMfaState: scalar(ev.perUserMfaState),
    azureTier: scalar(ev.tier),
    directoryRoles: roles(ev.roles),
    mfaCapable: typeof ev.isMfaCapable === 'boolean' ? String(ev.isMfaCapable) : '',
    methodsRegistered: stringList(ev.methodsRegistered).join('; '),
  };
  return CSV_COLUMNS.map((c) => row[c]);
}

interface FlatCell { target: string; state: string; mechanisms: string[]; policies: string[]; missing: string[] }

function coverageCells(v: unknown): FlatCell[] {
  if (!isObject(v)) return [];
  return Object.entries(v).flatMap(([target, cell]) => {
    if (!isObject(cell)) return [];
    const uncertain = isObject(cell.uncertain) ? stringList(cell.uncertain.missing) : [];
    return [{ target, state: scalar(cell.state), mechanisms: stringList(cell.mechanisms), policies: stringList(cell.policies), missing: uncertain }];
  });
}

function roles(v: unknown): string {
  if (!Array.isArray(v)) return '';
  return v.flatMap((r) => (isObject(r) && typeof r.role === 'string' ? [`${r.role}${typeof r.assignment === 'string' ? ` (${r.assignment})` : ''}`] : [])).join('; ');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const scalar = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');
