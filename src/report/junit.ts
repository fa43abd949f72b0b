/**
 * JUnit XML for CI test views (GitLab, Jenkins, Azure Pipelines, GitHub test reporters): one
 * <testsuite> per rule, one <testcase> per (rule, resource) finding.
 *
 *   healthy        passing test case
 *   unhealthy      <failure type="unhealthy" message="reason">reason + the rule's fix</failure>
 *   unknown        <error type="unknown" message="reason"> — not <skipped>: CI systems count skipped
 *                  tests as green, and missing data must never read as a clean report (README, "What a
 *                  verdict means"). JUnit's <error> means "the test could not reach a verdict", which is
 *                  exactly an unknown; it stays distinct from <failure> (a proven MFA gap).
 *   notApplicable  <skipped message="reason"/> (e.g. disabled account: nothing to check)
 *   exempt         <skipped message="exempt: reason"/> (an accepted exception, deliberately not counted)
 *
 * Counts (tests, failures, errors, skipped) on each <testsuite> and on <testsuites> are computed from
 * the findings themselves in a first pass, so they always match the test cases written. The
 * findings are then read once per rule (for..of; no indexing), so a suite's cases are contiguous even
 * when findings arrive interleaved, and memory stays bounded for huge tenants.
 *
 * Escaping: control and bidi characters become visible escapes first (escapeControls: `\x1b`,
 * `\u202e`; in an element body the format's own LF and TAB stay); then & < > " ' become entities; in attributes TAB, LF and CR become character references so
 * attribute-value normalisation keeps them; characters XML 1.0 cannot carry at all (C0 controls
 * other than TAB/LF/CR, lone surrogates, U+FFFE/U+FFFF) are replaced by U+FFFD.
 */
import { chunked } from './chunk.js';
import type { Sink } from './json.js';
import type { Report, ReportRuleInfo } from './report.js';
import type { Finding } from '../rules/types.js';
import { escapeControls, escapeControlsKeepingLines } from '../vocabulary.js';

const INVALID_XML = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };
const ATTR_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '\t': '&#9;', '\n': '&#10;' };

/** Escape for element content. */
export function xmlText(s: string): string {
  return escapeControlsKeepingLines(s).replace(INVALID_XML, '\uFFFD').replace(/[&<>"'\r]/g, (c) => TEXT_ESCAPES[c]!);
}

/** Escape for a double-quoted attribute value. */
export function xmlAttr(s: string): string {
  return escapeControls(s).replace(INVALID_XML, '\uFFFD').replace(/[&<>"'\r\n\t]/g, (c) => ATTR_ESCAPES[c]!);
}

interface Counts { tests: number; failures: number; errors: number; skipped: number }
const zero = (): Counts => ({ tests: 0, failures: 0, errors: 0, skipped: 0 });

function countInto(c: Counts, f: Finding): void {
  c.tests++;
  if (f.status === 'unhealthy') c.failures++;
  else if (f.status === 'unknown') c.errors++;
  else if (f.status === 'notApplicable' || f.status === 'exempt') c.skipped++;
}

const countAttrs = (c: Counts) => `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}"`;

export async function writeJunit(report: Report, write: Sink): Promise<void> {
  // Pass 1: counts per rule, and rule ids that appear in findings but not in report.rules.
  const perRule = new Map<string, Counts>();
  for (const r of report.rules) perRule.set(r.id, zero());
  const total = zero();
  for (const f of report.findings) {
    let c = perRule.get(f.ruleId);
    if (!c) perRule.set(f.ruleId, (c = zero()));
    countInto(c, f);
    countInto(total, f);
  }
  const info = new Map<string, ReportRuleInfo>();
  for (const r of report.rules) info.set(r.id, r);

  const out = chunked(write);
  const t = report.tenant;
  await out.push('<?xml version="1.0" encoding="UTF-8"?>\n');
  await out.push(`<testsuites name="${xmlAttr(`mfaguard: ${t.displayName ?? t.id}`)}" ${countAttrs(total)} timestamp="${xmlAttr(report.generatedAt)}">\n`);
  for (const [ruleId, counts] of perRule) {
    const rule = info.get(ruleId);
    await out.push(`  <testsuite name="${xmlAttr(ruleId)}" ${countAttrs(counts)} timestamp="${xmlAttr(report.generatedAt)}">\n`);
    await out.push('    <properties>\n');
    const props: [string, string][] = [
      ['tenantId', t.id], ['tenantName', t.displayName ?? ''], ['snapshotCollectedAt', report.snapshotCollectedAt],
      ...(rule ? ([['title', rule.title], ['severity', rule.severity], ['resourceType', rule.resourceType], ['origin', rule.origin]] as [string, string][]) : []),
    ];
    for (const [name, value] of props) await out.push(`      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>\n`);
    await out.push('    </properties>\n');
    // Pass 2 (one per rule): the rule's test cases, contiguous.
    for (const f of report.findings) if (f.ruleId === ruleId) await out.push(testcase(f, rule));
    await out.push('  </testsuite>\n');
  }
  await out.push('</testsuites>\n');
  await out.flush();
}

function testcase(f: Finding, rule: ReportRuleInfo | undefined): string {
  const name = f.resourceName && f.resourceName !== f.resourceId ? `${f.resourceName} (${f.resourceId})` : f.resourceId;
  const open = `    <testcase classname="${xmlAttr(f.ruleId)}" name="${xmlAttr(name)}"`;
  switch (f.status) {
    case 'healthy':
      return `${open}/>\n`;
    case 'unhealthy': {
      // The tenant's text is escaped whole; only the line breaks between the parts are the format's.
      const body = rule ? `${escapeControls(f.reason)}\n\nFix: ${escapeControls(rule.remediation)}` : escapeControls(f.reason);
      return `${open}>\n      <failure type="unhealthy" message="${xmlAttr(f.reason)}">${xmlText(body)}</failure>\n    </testcase>\n`;
    }
    case 'unknown':
      return `${open}>\n      <error type="unknown" message="${xmlAttr(f.reason)}">${xmlText(`Cannot be decided from the data collected: ${escapeControls(f.reason)}`)}</error>\n    </testcase>\n`;
    case 'exempt':
      return `${open}>\n      <skipped message="${xmlAttr(`exempt: ${f.reason}`)}"/>\n    </testcase>\n`;
    case 'notApplicable':
      return `${open}>\n      <skipped message="${xmlAttr(`not applicable: ${f.reason}`)}"/>\n    </testcase>\n`;
  }
}
