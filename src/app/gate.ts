/**
 * The `--fail-on` gate as a value: adapters print the reasons and turn `failed` into the exit code.
 * An `unknown` verdict at or above the threshold fails the gate too (a missing permission must not
 * pass silently) unless the caller allows unknowns explicitly.
 */
import type { Report } from '../report/report.js';
import { SEVERITY_RANK, type Severity } from '../vocabulary.js';

export interface GateOptions {
  /** Pass even when in-scope verdicts are `unknown` (data missing). */
  allowUnknown?: boolean;
}

export interface GateResult {
  failed: boolean;
  /** One line per cause, e.g. "3 unhealthy findings at or above high (azure-owner-mfa 2, directory-admin-mfa 1)". */
  reasons: string[];
}

const byRule = (counts: Map<string, number>) => [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([id, n]) => `${id} ${n}`).join(', ');
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Decides the gate for `failOn` (undefined: no gate, never fails). */
export function gateResult(report: Report, failOn: Severity | undefined, opts: GateOptions = {}): GateResult {
  if (!failOn) return { failed: false, reasons: [] };
  const unhealthy = new Map<string, number>();
  const unknown = new Map<string, number>();
  for (const f of report.findings) {
    if (SEVERITY_RANK[f.severity] < SEVERITY_RANK[failOn]) continue;
    const counts = f.status === 'unhealthy' ? unhealthy : f.status === 'unknown' ? unknown : undefined;
    if (counts) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  }
  const reasons: string[] = [];
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  if (unhealthy.size) reasons.push(`${plural(total(unhealthy), 'unhealthy finding', 'unhealthy findings')} at or above ${failOn} (${byRule(unhealthy)})`);
  if (unknown.size && !opts.allowUnknown) {
    const missing = report.dataGaps.map((g) => g.key);
    reasons.push(`${plural(total(unknown), 'unknown verdict', 'unknown verdicts')} at or above ${failOn} (${byRule(unknown)}` +
      `${missing.length ? `; missing: ${missing.join(', ')}` : ''}); --allow-unknown to pass`);
  }
  return { failed: reasons.length > 0, reasons };
}
