/**
 * OCSF Detection Finding events (schema 1.3.0; class_uid 2004, category_uid 2 Findings) as JSON lines,
 * one event per unhealthy finding, for SIEMs and security data lakes.
 *
 * Per event:
 *   activity_id 1 (Create), type_uid = class_uid * 100 + activity_id = 200401
 *   severity_id from the rule severity: low 2, medium 3, high 4 (OCSF Low / Medium / High)
 *   status_id 1 (New); confidence_id 3 (High): the verdict is proven from the collected data
 *   time = report generation time (epoch ms): when the finding was generated, per the Finding class
 *   metadata { version "1.3.0", product { name, vendor_name, version }, profiles ["cloud"], log_name }
 *   finding_info { uid, title (rule title), desc (reason), types, analytic (the rule),
 *                  created_time, last_seen_time = snapshot collection time }
 *   resources [ { uid, name, type } ]  the user / tenant / CA policy
 *   cloud { provider "Azure", org { uid tenant id, name } }  (cloud profile)
 *   remediation { desc, references }    the rule's fix
 *   observables                         resource uid (type 10) and, for users, the UPN (type 4 User Name)
 *   unmapped.mfaguard                   rule id, status, resource type, tenant, snapshot time, evidence
 *
 * finding_info.uid = "mfaguard:<tenant id>:<rule id>:<resource id>" is stable across scans, so a SIEM
 * can correlate the same gap from one scan to the next. Unknown findings are not emitted: they are
 * data gaps, not detections (the JSON, CSV, JUnit and SARIF formats carry them).
 */
import { chunked } from './chunk.js';
import type { Sink } from './json.js';
import type { Report, ReportRuleInfo } from './report.js';
import { TOOL_NAME, packageVersion as toolVersion } from '../package.js';
import type { Finding } from '../rules/types.js';
import type { ChangeKind, ReportDiff } from './diff.js';
import { escapeJsonControls, type Severity } from '../vocabulary.js';

export const OCSF_VERSION = '1.3.0';
export const DETECTION_FINDING = { class_uid: 2004, class_name: 'Detection Finding', category_uid: 2, category_name: 'Findings' } as const;
const ACTIVITY_CREATE = 1;

const SEVERITY: Record<Severity, { id: number; name: string }> = {
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
};

const RESOURCE_TYPE: Record<string, string> = {
  user: 'Entra ID User',
  tenant: 'Entra ID Tenant',
  policy: 'Conditional Access Policy',
  servicePrincipal: 'Entra ID Service Principal',
};

export async function writeOcsf(report: Report, write: Sink): Promise<void> {
  const rules = new Map<string, ReportRuleInfo>();
  for (const r of report.rules) rules.set(r.id, r);
  const generated = epochMs(report.generatedAt) ?? Date.now();
  const collected = epochMs(report.snapshotCollectedAt);
  const version = report.generator?.version ?? toolVersion();
  const out = chunked(write);
  for (const f of report.findings) {
    if (f.status !== 'unhealthy') continue;
    await out.push(escapeJsonControls(JSON.stringify(detectionFinding(report, f, rules.get(f.ruleId), generated, collected, version))) + '\n');
  }
  await out.flush();
}

/**
 * OCSF events for a diff (`mfaguard diff --format ocsf`): only what changed state, so a SIEM that has the
 * earlier scan's events gets updates instead of everything again. Same finding_info.uid as writeOcsf:
 *   new, regressed, exemption expired → activity 1 Create, status_id 1 New
 *   fixed                             → activity 3 Close,  status_id 4 Resolved
 *   newly exempt                      → activity 2 Update, status_id 3 Suppressed
 * Unknown transitions are data gaps, not detections: not emitted (as in writeOcsf).
 */
export async function writeOcsfDiff(diff: ReportDiff, write: Sink): Promise<void> {
  const rules = new Map<string, ReportRuleInfo>();
  for (const r of diff.rules) rules.set(r.id, r);
  const generated = epochMs(diff.to.generatedAt) ?? Date.now();
  const collected = epochMs(diff.to.collectedAt);
  const ctx = { tenant: diff.tenant, snapshotCollectedAt: diff.to.collectedAt };
  const version = toolVersion();
  const out = chunked(write);
  for (const [i, c] of diff.changes.entries()) {
    const event = DIFF_EVENT[c.kind];
    if (!event) continue;
    const f = diff.findingsForEvents[i]!;
    await out.push(escapeJsonControls(JSON.stringify(detectionFinding(ctx, f, rules.get(f.ruleId), generated, collected, version, { ...event, change: c.kind }))) + '\n');
  }
  await out.flush();
}

interface EventKind { activity: number; activityName: string; status: number; statusName: string; change?: ChangeKind }
const DIFF_EVENT: Partial<Record<ChangeKind, EventKind>> = {
  new: { activity: ACTIVITY_CREATE, activityName: 'Create', status: 1, statusName: 'New' },
  regressed: { activity: ACTIVITY_CREATE, activityName: 'Create', status: 1, statusName: 'New' },
  exemptionExpired: { activity: ACTIVITY_CREATE, activityName: 'Create', status: 1, statusName: 'New' },
  fixed: { activity: 3, activityName: 'Close', status: 4, statusName: 'Resolved' },
  newlyExempt: { activity: 2, activityName: 'Update', status: 3, statusName: 'Suppressed' },
};
const CREATE_NEW: EventKind = { activity: ACTIVITY_CREATE, activityName: 'Create', status: 1, statusName: 'New' };

function detectionFinding(
  report: Pick<Report, 'tenant' | 'snapshotCollectedAt'>, f: Finding, rule: ReportRuleInfo | undefined, time: number, collected: number | undefined, version: string,
  kind: EventKind = CREATE_NEW,
): Record<string, unknown> {
  const sev = SEVERITY[f.severity] ?? { id: 0, name: 'Unknown' };
  const t = report.tenant;
  const title = rule?.title ?? f.ruleId;
  return {
    ...DETECTION_FINDING,
    activity_id: kind.activity,
    activity_name: kind.activityName,
    type_uid: DETECTION_FINDING.class_uid * 100 + kind.activity,
    type_name: `Detection Finding: ${kind.activityName}`,
    severity_id: sev.id,
    severity: sev.name,
    status_id: kind.status,
    status: kind.statusName,
    confidence_id: 3,
    confidence: 'High',
    time,
    message: `${f.resourceName}: ${title}`,
    metadata: {
      version: OCSF_VERSION,
      product: { name: TOOL_NAME, vendor_name: TOOL_NAME, version },
      profiles: ['cloud'],
      log_name: 'mfaguard-detection-findings',
    },
    finding_info: {
      uid: `${TOOL_NAME}:${t.id}:${f.ruleId}:${f.resourceId}`,
      title,
      desc: f.reason,
      types: ['MFA coverage gap'],
      analytic: { uid: f.ruleId, name: title, type_id: 1, type: 'Rule' },
      created_time: time,
      ...(collected !== undefined ? { last_seen_time: collected } : {}),
    },
    resources: [{ uid: f.resourceId, name: f.resourceName, type: RESOURCE_TYPE[f.resourceType] ?? f.resourceType }],
    cloud: { provider: 'Azure', org: { uid: t.id, ...(t.displayName !== null ? { name: t.displayName } : {}) } },
    ...(rule ? { remediation: { desc: rule.remediation, references: rule.references } } : {}),
    observables: [
      { name: 'resources[0].uid', type_id: 10, type: 'Resource UID', value: f.resourceId },
      ...(f.resourceType === 'user' ? [{ name: 'resources[0].name', type_id: 4, type: 'User Name', value: f.resourceName }] : []),
    ],
    unmapped: {
      mfaguard: {
        ruleId: f.ruleId,
        status: f.status,
        resourceType: f.resourceType,
        tenantId: t.id,
        snapshotCollectedAt: report.snapshotCollectedAt,
        evidence: f.evidence,
        ...(kind.change ? { change: kind.change } : {}),
      },
    },
  };
}

function epochMs(iso: string): number | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}
