/**
 * SARIF 2.1.0 (OASIS, errata 01) for GitHub code scanning and other SARIF viewers. Valid against the
 * official JSON schema (vendored as test/fixtures/sarif-schema-2.1.0.json and checked in the tests).
 *
 * - tool.driver.rules: one reportingDescriptor per rule in the report (id, PascalCase name, title as
 *   shortDescription, help with the remediation as text and Markdown, helpUri = first reference,
 *   properties.severity and GitHub's properties["security-severity"]: high 8.0, medium 5.0, low 3.0).
 * - results, one per finding that needs attention:
 *     unhealthy → kind "fail", level from severity (high → error, medium → warning, low → note);
 *     unknown   → kind "review", level "none": a human has to look because the data needed was
 *                 missing. SARIF §3.27.9 requires level "none" for any kind other than "fail", so the
 *                 rule's severity is carried in properties (and GitHub ranks alerts by the rule's
 *                 security-severity anyway);
 *     exempt    → kind "fail" with an accepted external suppression (the exemption), so viewers show
 *                 it as dismissed rather than dropping it;
 *   healthy and notApplicable findings are not results (the JSON/JUnit/CSV formats carry them).
 * - Each result has logicalLocations naming the resource (user, tenant or CA policy) and, because
 *   GitHub rejects a SARIF file with any result that lacks a physical location, a pseudo artifact
 *   location "mfaguard/<tenant id>/<resource type>/<resource id>" (no such file exists; the
 *   artifactLocation description says so).
 * - partialFingerprints["mfaguardFinding/v1"] = "<ruleId>/<resource id, lower case>": stable across
 *   scans and redaction, so an alert keeps its identity when an unknown turns into a failure.
 * - run.properties: tenant, snapshot collection time, report time, data gaps; data gaps are also
 *   toolExecutionNotifications (level warning). automationDetails.id = "mfaguard/<tenant id>/" so
 *   several tenants can upload into one repository without replacing each other's alerts.
 *
 * Messages, descriptions and location names are text a viewer shows: control and bidi characters in
 * them become visible escapes (escapeControls); everywhere else they are written as \uXXXX JSON
 * escapes (escapeJsonControls), so the file carries no raw control byte.
 *
 * Written in chunks: the run header, then one result per finding (for..of), then the closing brackets.
 */
import { chunked } from './chunk.js';
import type { Sink } from './json.js';
import type { Report, ReportRuleInfo } from './report.js';
import { TOOL_NAME, packageVersion as toolVersion } from '../package.js';
import type { Finding } from '../rules/types.js';
import { escapeControls, escapeJsonControls, type Severity } from '../vocabulary.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const FINGERPRINT_KEY = 'mfaguardFinding/v1';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { high: 'error', medium: 'warning', low: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { high: '8.0', medium: '5.0', low: '3.0' };
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

export async function writeSarif(report: Report, write: Sink): Promise<void> {
  const ruleIndex = new Map<string, number>();
  report.rules.forEach((r, i) => ruleIndex.set(r.id, i));
  const t = report.tenant;
  const version = report.generator?.version ?? toolVersion();

  const run: Record<string, unknown> = {
    tool: {
      driver: {
        name: TOOL_NAME,
        fullName: `${TOOL_NAME} ${version}`,
        version,
        semanticVersion: version,
        rules: report.rules.map(ruleDescriptor),
      },
    },
    invocations: [{
      executionSuccessful: true,
      ...(RFC3339.test(report.generatedAt) ? { endTimeUtc: report.generatedAt } : {}),
      ...(report.dataGaps.length ? {
        toolExecutionNotifications: report.dataGaps.map((g) => ({ level: 'warning', message: { text: escapeControls(g.reason) }, properties: { collection: g.key } })),
      } : {}),
    }],
    automationDetails: { id: `${TOOL_NAME}/${t.id}/` },
    properties: {
      tenant: { id: t.id, displayName: t.displayName },
      snapshotCollectedAt: report.snapshotCollectedAt,
      generatedAt: report.generatedAt,
      mfaguardReport: report.mfaguardReport,
      dataGaps: report.dataGaps,
    },
  };

  const out = chunked((chunk) => write(typeof chunk === 'string' ? escapeJsonControls(chunk) : chunk));
  const head = JSON.stringify({ $schema: SARIF_SCHEMA_URI, version: '2.1.0' }, null, 2).slice(0, -2);
  const runJson = JSON.stringify(run);
  await out.push(`${head},\n  "runs": [\n    ${runJson.slice(0, -1)},\n    "results": [`);
  let first = true;
  for (const f of report.findings) {
    const result = sarifResult(f, ruleIndex.get(f.ruleId), t.id);
    if (!result) continue;
    await out.push(`${first ? '' : ','}\n      ${JSON.stringify(result)}`);
    first = false;
  }
  await out.push(`${first ? '' : '\n    '}]\n    }\n  ]\n}\n`);
  await out.flush();
}

function ruleDescriptor(r: ReportRuleInfo): Record<string, unknown> {
  const helpUri = r.references.find(isAbsoluteUri);
  const refsText = r.references.length ? `\n\nReferences:\n${r.references.map((u) => `- ${u}`).join('\n')}` : '';
  return {
    id: r.id,
    name: pascal(r.id),
    shortDescription: { text: r.title },
    fullDescription: { text: `${r.title}. ${r.protectsAgainst ? `Protects against ${r.protectsAgainst}. ` : ""}Checked per ${r.resourceType}. Origin: ${r.origin}.` },
    help: {
      text: `Fix: ${r.remediation}\n\nOrigin: ${r.origin}${refsText}`,
      markdown: `**Fix:** ${r.remediation}\n\n**Origin:** ${r.origin}${r.references.length ? `\n\n**References:**\n${r.references.map((u) => `- <${u}>`).join('\n')}` : ''}`,
    },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: LEVEL[r.severity] ?? 'warning' },
    properties: {
      severity: r.severity,
      'security-severity': SECURITY_SEVERITY[r.severity] ?? '5.0',
      resourceType: r.resourceType,
      tags: ['security', 'mfa', 'entra-id', r.resourceType],
      precision: 'high',
    },
  };
}

function sarifResult(f: Finding, ruleIndex: number | undefined, tenantId: string): Record<string, unknown> | undefined {
  let kind: 'fail' | 'review';
  let level: 'error' | 'warning' | 'note' | 'none';
  let text: string;
  switch (f.status) {
    case 'unhealthy':
    case 'exempt':
      kind = 'fail';
      level = LEVEL[f.severity] ?? 'warning';
      text = `${f.resourceName}: ${f.reason}`;
      break;
    case 'unknown':
      kind = 'review';
      level = 'none';
      text = `${f.resourceName}: cannot be decided from the data collected: ${f.reason}`;
      break;
    default:
      return undefined;
  }
  const kindLabel = f.resourceType === 'user' ? 'user' : f.resourceType === 'policy' ? 'Conditional Access policy' : f.resourceType;
  return {
    ruleId: f.ruleId,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    kind,
    level,
    message: { text: escapeControls(text) },
    locations: [{
      physicalLocation: {
        artifactLocation: {
          uri: `${TOOL_NAME}/${encodeURIComponent(tenantId)}/${encodeURIComponent(f.resourceType)}/${encodeURIComponent(f.resourceId)}`,
          description: { text: escapeControls(`Entra ID ${kindLabel} ${f.resourceName} (${f.resourceId}); a directory object, not a file`) },
        },
      },
      logicalLocations: [{
        name: escapeControls(f.resourceName),
        fullyQualifiedName: `${tenantId}/${f.resourceType}/${f.resourceId}`,
        kind: 'resource',
        properties: { resourceType: f.resourceType, resourceId: f.resourceId },
      }],
    }],
    partialFingerprints: { [FINGERPRINT_KEY]: `${f.ruleId}/${f.resourceId.toLowerCase()}` },
    ...(f.status === 'exempt' ? { suppressions: [{ kind: 'external', status: 'accepted', justification: escapeControls(justification(f)) }] } : {}),
    properties: {
      status: f.status,
      severity: f.severity,
      resourceType: f.resourceType,
      resourceId: f.resourceId,
      evidence: f.evidence,
    },
  };
}

/** The exemption's own words (category, reason, expiry, ticket, where it is written), else the finding's reason. */
function justification(f: Finding): string {
  const e = f.evidence?.exemption as { category?: unknown; reason?: unknown; expires?: unknown; ticket?: unknown; approvedBy?: unknown; source?: unknown } | undefined;
  if (!e || typeof e !== 'object' || typeof e.reason !== 'string') return f.reason;
  const parts = [typeof e.category === 'string' ? `${e.category}: ${e.reason}` : e.reason];
  if (typeof e.expires === 'string') parts.push(`expires ${e.expires}`);
  if (typeof e.approvedBy === 'string') parts.push(`approved by ${e.approvedBy}`);
  if (typeof e.ticket === 'string') parts.push(`ticket ${e.ticket}`);
  if (typeof e.source === 'string') parts.push(e.source);
  return parts.join('; ');
}

function pascal(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

function isAbsoluteUri(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
