/** Report-level operations shared by every adapter: severity gate, redaction of a saved report, formats. */
import { FORMATS, findFormat, type Format } from '../report/formats.js';
import { pseudonymTable, redactReport, savedReportAddresses } from '../report/redact.js';
import type { Report } from '../report/report.js';
import { SEVERITIES } from '../vocabulary.js';
import { UsageError } from '../errors.js';

export { FORMATS, SEVERITIES };

/** The output format called `name`; a UsageError listing the formats when there is none. */
export function formatNamed(name: string): Format {
  const format = findFormat(name);
  if (!format) throw new UsageError(`unknown format "${name}" (choose ${FORMATS.map((f) => f.name).join(', ')})`);
  return format;
}

/**
 * Replaces names and UPNs of a saved report with stable pseudonyms (object ids stay), the same ones
 * `scan({ redact: true })` gives: a saved report knows each user by UPN, and a classic subscription
 * administrator's e-mail by the user whose findings name it (savedReportAddresses).
 */
export function redactSavedReport(report: Report): Report {
  const table = pseudonymTable(savedReportAddresses(report));
  return redactReport(report, table);
}
