/**
 * The roll-up (rollup.ts) in every report format. Tenant names and rule titles come from tenants and
 * files people edit: hostile text, escaped per format as the single-tenant renderers do (escapeControls
 * first, then the format's own escaping). SARIF and OCSF carry findings, so they reuse the per-tenant
 * renderers over each tenant's full report (`reportOf`), one tenant at a time.
 */
import { chunked } from './chunk.js';
import { csvRow } from './csv.js';
import { escapeHtml } from './html-escape.js';
import type { Sink } from './json.js';
import { xmlAttr, xmlText } from './junit.js';
import { mdEscape } from './markdown.js';
import { writeOcsf } from './ocsf.js';
import type { Report } from './report.js';
import type { Rollup, RollupTenant } from './rollup.js';
import { SARIF_SCHEMA_URI, writeSarif } from './sarif.js';
import { TOOL_NAME } from '../package.js';
import { escapeControls, escapeJsonControls, FINDING_STATUSES, SEVERITIES_MOST_SEVERE_FIRST } from '../vocabulary.js';

export interface RollupRenderOptions {
  color?: boolean;
  /** A tenant's full report (SARIF, OCSF): from memory or the state store; undefined when there is none. */
  reportOf?: (tenant: RollupTenant) => Promise<Report | undefined>;
}

export interface RollupFormat {
  name: string;
  description: string;
  render(rollup: Rollup, write: Sink, opts: RollupRenderOptions): Promise<void>;
}

const pct = (s: number | null) => (s === null ? '–' : `${Math.round(s * 100)}%`);
const label = (t: RollupTenant) => (t.displayName && t.displayName !== t.name ? `${t.name} (${t.displayName})` : t.name);

export const ROLLUP_FORMATS: readonly RollupFormat[] = [
  { name: 'table', description: 'terminal summary per tenant, worst first', render: async (r, write) => write(rollupTable(r)) },
  { name: 'json', description: 'the roll-up document (mfaguardRollup: 1)', render: async (r, write) => write(escapeJsonControls(JSON.stringify(r, null, 2)) + '\n') },
  { name: 'csv', description: 'one row per tenant and rule (RFC 4180)', render: (r, write) => rollupCsv(r, write) },
  { name: 'junit', description: 'JUnit XML: a test suite per tenant, a test case per rule', render: (r, write) => rollupJunit(r, write) },
  { name: 'sarif', description: 'SARIF 2.1.0: a run per tenant', render: (r, write, o) => rollupSarif(r, write, o) },
  { name: 'ocsf', description: 'OCSF Detection Finding events of every tenant', render: (r, write, o) => rollupOcsf(r, write, o) },
  { name: 'markdown', description: 'summary table per tenant and rule', render: (r, write) => rollupMarkdown(r, write) },
  { name: 'html', description: 'one self-contained page', render: (r, write) => rollupHtml(r, write) },
];

export function findRollupFormat(name: string): RollupFormat | undefined {
  return ROLLUP_FORMATS.find((f) => f.name === name);
}

function rollupTable(r: Rollup): string {
  const rows = [['tenant', 'score', 'high', 'medium', 'low', 'unknown', 'users', 'notes']];
  for (const t of r.tenants) {
    rows.push([escapeControls(label(t)), pct(t.score), ...SEVERITIES_MOST_SEVERE_FIRST.map((s) => String(t.unhealthy[s])), String(t.totals.unknown), String(t.principals),
      [t.incomplete ? 'INCOMPLETE' : '', t.dataGaps.length ? `missing: ${t.dataGaps.join(', ')}` : ''].filter(Boolean).join('; ')]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const lines = [`mfaguard roll-up: ${r.tenants.length} tenant(s) scanned, ${r.failures.length} failed (unhealthy findings by severity, worst first)`, ''];
  for (const row of rows) lines.push(row.map((cell, c) => (c === 0 || c === row.length - 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
  if (r.failures.length) {
    lines.push('', 'FAILED:');
    for (const f of r.failures) lines.push(`  ${escapeControls(f.tenant)}: ${f.stage}: ${escapeControls(f.message)}`);
  }
  if (r.rules.length) {
    lines.push('', 'Rules (tenants failing / unhealthy findings):');
    for (const rule of r.rules) if (rule.counts.unhealthy || rule.counts.unknown) lines.push(`  ${rule.severity.padEnd(6)} ${escapeControls(rule.ruleId)}: ${rule.tenantsUnhealthy} tenant(s), ${rule.counts.unhealthy} unhealthy, ${rule.counts.unknown} unknown`);
  }
  return lines.join('\n') + '\n';
}

async function rollupCsv(r: Rollup, write: Sink): Promise<void> {
  const out = chunked(write);
  await out.push(csvRow(['tenant', 'tenantId', 'tenantDisplayName', 'scanId', 'ruleId', 'severity', ...FINDING_STATUSES, 'failedStage', 'failure']));
  for (const t of r.tenants) {
    for (const rule of t.rules) await out.push(csvRow([t.name, t.tenantId, t.displayName ?? '', t.scanId === undefined ? '' : String(t.scanId), rule.ruleId, rule.severity, ...FINDING_STATUSES.map((s) => String(rule.counts[s])), '', '']));
  }
  for (const f of r.failures) await out.push(csvRow([f.tenant, f.tenantId ?? '', '', '', '', '', ...FINDING_STATUSES.map(() => ''), f.stage, f.message]));
  await out.flush();
}

async function rollupJunit(r: Rollup, write: Sink): Promise<void> {
  const out = chunked(write);
  const total = { tests: 0, failures: 0, errors: 0 };
  const suites: string[] = [];
  for (const t of r.tenants) {
    const cases: string[] = [];
    let failures = 0;
    let errors = 0;
    for (const rule of t.rules) {
      const open = `    <testcase classname="${xmlAttr(t.name)}" name="${xmlAttr(rule.ruleId)}"`;
      if (rule.counts.unhealthy) {
        failures++;
        const msg = `${rule.counts.unhealthy} unhealthy finding(s) of ${rule.ruleId} (${rule.severity})`;
        cases.push(`${open}>\n      <failure type="unhealthy" message="${xmlAttr(msg)}">${xmlText(`${msg}: ${escapeControls(rule.title)}`)}</failure>\n    </testcase>\n`);
      } else if (rule.counts.unknown) {
        errors++;
        cases.push(`${open}>\n      <error type="unknown" message="${xmlAttr(`${rule.counts.unknown} verdict(s) could not be decided from the data collected`)}"/>\n    </testcase>\n`);
      } else cases.push(`${open}/>\n`);
    }
    total.tests += t.rules.length;
    total.failures += failures;
    total.errors += errors;
    suites.push(`  <testsuite name="${xmlAttr(t.name)}" tests="${t.rules.length}" failures="${failures}" errors="${errors}" skipped="0" timestamp="${xmlAttr(t.generatedAt)}">\n` +
      `    <properties>\n      <property name="tenantId" value="${xmlAttr(t.tenantId)}"/>\n      <property name="tenantName" value="${xmlAttr(t.displayName ?? '')}"/>\n    </properties>\n${cases.join('')}  </testsuite>\n`);
  }
  for (const f of r.failures) {
    total.tests++;
    total.errors++;
    suites.push(`  <testsuite name="${xmlAttr(f.tenant)}" tests="1" failures="0" errors="1" skipped="0">\n    <testcase classname="${xmlAttr(f.tenant)}" name="scan">\n` +
      `      <error type="${xmlAttr(f.stage)}" message="${xmlAttr(f.message)}">${xmlText(`the tenant could not be scanned (${f.stage}): ${escapeControls(f.message)}`)}</error>\n    </testcase>\n  </testsuite>\n`);
  }
  await out.push('<?xml version="1.0" encoding="UTF-8"?>\n');
  await out.push(`<testsuites name="mfaguard roll-up" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" skipped="0" timestamp="${xmlAttr(r.generatedAt)}">\n`);
  for (const s of suites) await out.push(s);
  await out.push('</testsuites>\n');
  await out.flush();
}

/** A SARIF log with one run per tenant: each run is the tenant's own SARIF run (writeSarif), so alerts keep their fingerprints. */
async function rollupSarif(r: Rollup, write: Sink, o: RollupRenderOptions): Promise<void> {
  const out = chunked(write);
  await out.push(`{\n  "$schema": ${JSON.stringify(SARIF_SCHEMA_URI)},\n  "version": "2.1.0",\n  "runs": [`);
  let first = true;
  for (const t of r.tenants) {
    const report = await o.reportOf?.(t);
    if (!report) throw new Error(`the report of tenant ${t.name} is not available for the SARIF roll-up`);
    let text = '';
    await writeSarif(report, (c) => { text += typeof c === 'string' ? c : Buffer.from(c).toString('utf8'); });
    const run = (JSON.parse(text) as { runs: Record<string, unknown>[] }).runs[0]!;
    run.properties = { ...(run.properties as object), rollupTenant: t.name };
    await out.push(`${first ? '' : ','}\n    ${escapeJsonControls(JSON.stringify(run))}`);
    first = false;
  }
  // a tenant that could not be scanned is a run that did not succeed, with why
  for (const f of r.failures) {
    const run = {
      tool: { driver: { name: TOOL_NAME, rules: [] } },
      invocations: [{ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: escapeControls(`${f.tenant}: ${f.stage}: ${f.message}`) }, properties: { stage: f.stage } }] }],
      automationDetails: { id: `${TOOL_NAME}/${f.tenantId ?? f.tenant}/` },
      properties: { rollupTenant: f.tenant, ...(f.tenantId ? { tenant: { id: f.tenantId } } : {}), failedStage: f.stage },
      results: [],
    };
    await out.push(`${first ? '' : ','}\n    ${escapeJsonControls(JSON.stringify(run))}`);
    first = false;
  }
  await out.push(`${first ? '' : '\n  '}]\n}\n`);
  await out.flush();
}

/** Every tenant's OCSF events (the tenant is in each event's cloud.org), one tenant after another. */
async function rollupOcsf(r: Rollup, write: Sink, o: RollupRenderOptions): Promise<void> {
  for (const t of r.tenants) {
    const report = await o.reportOf?.(t);
    if (!report) throw new Error(`the report of tenant ${t.name} is not available for the OCSF roll-up`);
    await writeOcsf(report, write);
  }
}

async function rollupMarkdown(r: Rollup, write: Sink): Promise<void> {
  const row = (cells: string[]) => `| ${cells.join(' | ')} |\n`;
  let s = `## mfaguard roll-up\n\n${r.tenants.length} tenant(s) scanned, ${r.failures.length} failed. Unhealthy findings by severity, worst tenant first.\n\n`;
  s += row(['Tenant', 'Score', 'High', 'Medium', 'Low', 'Unknown', 'Users']) + row(['---', '---:', '---:', '---:', '---:', '---:', '---:']);
  for (const t of r.tenants) s += row([mdEscape(label(t)) + (t.incomplete ? ' (incomplete)' : ''), pct(t.score), ...SEVERITIES_MOST_SEVERE_FIRST.map((x) => String(t.unhealthy[x])), String(t.totals.unknown), String(t.principals)]);
  if (r.failures.length) {
    s += '\n### Failed\n\n' + row(['Tenant', 'Stage', 'Message']) + row(['---', '---', '---']);
    for (const f of r.failures) s += row([mdEscape(f.tenant), f.stage, mdEscape(f.message)]);
  }
  s += '\n### Rules\n\n' + row(['Rule', 'Severity', 'Tenants failing', 'Unhealthy', 'Unknown']) + row(['---', '---', '---:', '---:', '---:']);
  for (const rule of r.rules) s += row([`\`${rule.ruleId}\``, rule.severity, String(rule.tenantsUnhealthy), String(rule.counts.unhealthy), String(rule.counts.unknown)]);
  await write(s);
}

async function rollupHtml(r: Rollup, write: Sink): Promise<void> {
  const ruleIds = r.rules.map((x) => x.ruleId);
  const head = `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>mfaguard roll-up</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#1b1b1b}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}.bad{background:#fde2e1;font-weight:600}.unk{background:#fff4ce}.fail{color:#a4262c}caption{text-align:left;font-weight:600}</style></head><body>
<h1>mfaguard roll-up</h1><p>${r.tenants.length} tenant(s) scanned, ${r.failures.length} failed; generated ${escapeHtml(r.generatedAt)}. Worst tenant first (unhealthy findings of high, then medium, then low severity).</p>\n`;
  let s = head + '<table><caption>Tenants</caption><thead><tr><th scope="col">Tenant</th><th scope="col">Score</th><th scope="col">High</th><th scope="col">Medium</th><th scope="col">Low</th><th scope="col">Unknown</th><th scope="col">Users</th></tr></thead><tbody>\n';
  for (const t of r.tenants) {
    s += `<tr><th scope="row">${escapeHtml(label(t))}${t.incomplete ? ' <span class="fail">(incomplete)</span>' : ''}<br><small>${escapeHtml(t.tenantId)}</small></th><td>${pct(t.score)}</td>${SEVERITIES_MOST_SEVERE_FIRST.map((x) => `<td${t.unhealthy[x] ? ' class="bad"' : ''}>${t.unhealthy[x]}</td>`).join('')}<td${t.totals.unknown ? ' class="unk"' : ''}>${t.totals.unknown}</td><td>${t.principals}</td></tr>\n`;
  }
  s += '</tbody></table>\n';
  if (r.failures.length) {
    s += '<h2 class="fail">Failed</h2><ul>\n';
    for (const f of r.failures) s += `<li><strong>${escapeHtml(f.tenant)}</strong> (${escapeHtml(f.stage)}): ${escapeHtml(f.message)}</li>\n`;
    s += '</ul>\n';
  }
  s += `<table><caption>Unhealthy findings per tenant and rule</caption><thead><tr><th scope="col">Tenant</th>${ruleIds.map((id) => `<th scope="col">${escapeHtml(id)}</th>`).join('')}</tr></thead><tbody>\n`;
  for (const t of r.tenants) {
    const by = new Map(t.rules.map((x) => [x.ruleId, x.counts]));
    s += `<tr><th scope="row">${escapeHtml(t.name)}</th>${ruleIds.map((id) => { const c = by.get(id); return c ? `<td${c.unhealthy ? ' class="bad"' : c.unknown ? ' class="unk"' : ''}>${c.unhealthy}${c.unknown ? ` <small>(${c.unknown} unknown)</small>` : ''}</td>` : '<td>–</td>'; }).join('')}</tr>\n`;
  }
  s += '</tbody></table>\n</body></html>\n';
  await write(s);
}
