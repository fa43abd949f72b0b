/**
 * mfaguard as a library: `import { scan } from 'mfaguard'`. Options in, values or streams out; nothing
 * here reads argv, writes to the terminal or exits. The CLI (src/cli) is one adapter over these.
 */
export { scan, type LiveSource, type ScanOptions, type ScanResult } from './app/scan.js';
export { loadSnapshotFrom, type LoadedSnapshot, type SnapshotSource, type WarningHandler } from './app/source.js';
export { REQUIRED_COLLECTIONS, collect, type CollectOptions, type CollectResult } from './app/collect.js';
export { FileDeltaStateStore, type DeltaStateStore, type IncrementalOptions, type IncrementalSummary } from './app/collect.js';
export { explainUser, explanationJson, explanationText, type ExplainOptions, type Explanation } from './app/explain.js';
export { readReport, type ReportSource } from './app/read-report.js';
export { validateReport } from './app/validate-report.js';
export { FORMATS, SEVERITIES, formatNamed, redactSavedReport } from './app/report.js';
export {
  DEFAULT_LIST_LIMIT, bufferedSink, checkOutputPaths, makeTempDir, pendingTempFiles, removePendingTempFiles, renderReport,
  writeFileAtomically, writeFilesTogether, writeReportFile, type FileOutput, type Sink,
} from './app/output.js';
export { gateResult, type GateOptions, type GateResult } from './app/gate.js';
export { runDemo, loadDevkitEmulator, loadDemoState, type DemoState, type DemoOptions, type DemoResult, type EmulatorHandle, type EmulatorModule } from './app/demo.js';
export { evaluateSnapshot, evaluateSnapshotAsync, type EvaluateOptions, type Evaluation } from './evaluate.js';
export { RULES } from './rules/registry.js';
export { InputError, UsageError } from './errors.js';
export { packageVersion, TOOL_NAME } from './package.js';
export { MemorySignInEvidence } from './evidence/memory.js';
export {
  defaultStateDir, diffScans, history, openStateStore, recordScan, reportTrends, resolveStateDir, trends,
  type DiffOptions, type HistoryOptions, type HistoryResult, type RecordScanOptions, type RecordedScan, type StateLocation, type TrendsOptions,
} from './app/state.js';
export { StateStore, type RecordStats, type ScanRecord, type TenantRecord } from './store/sqlite.js';
export { CHANGE_KINDS, changeKind, diffReports, type ChangeKind, type CellChange, type FindingChange, type PrincipalChange, type ReportDiff } from './report/diff.js';
export { DIFF_FORMATS, renderDiff, type DiffFormat } from './report/diff-formats.js';
export { TREND_FORMATS, renderTrends, trendChartSvg, type Trends, type RuleTrend, type TrendPoint, type TrendFormat } from './report/trends.js';
export { DuckDbSignInEvidence } from './signins/duckdb-evidence.js';
export { LogAnalyticsSignInEvidence, LogAnalyticsQueryError } from './signins/log-analytics-evidence.js';
export { logAnalyticsEvidence, type LogAnalyticsSourceOptions } from './app/log-analytics.js';
export {
  defaultStorePath, importSignInLogs, openSignInEvidence, signInEvidenceFor, type ImportResult, type ImportSignInLogsOptions, type ImportedSource,
  type SignInEvidenceOptions, type OpenedSignInEvidence,
} from './app/signins.js';
export type { SignInRow } from './evidence/row.js';
export { planRemediation, whatIfPolicyFiles, type PlanOptions, type PlanResult, type RemediationInputs, type WhatIfFilesOptions } from './app/remediation.js';
export { applyPlan, rollbackRun, listRuns, readAudit, readTenantForGuard, GuardRefusal, type AuditRecord, type GraphWriter, type RunOptions, type ApplyOptions, type LiveGuardOptions, type RunResult, type RunSummary } from './app/apply.js';
export { openGraphSession, type GraphSession, type SessionOptions } from './app/graph-session.js';
export { applyActionToSnapshot } from './remediation/apply-snapshot.js';
export { buildPlan, proposeActions, assessActions, recheckGuard } from './remediation/plan.js';
export { whatIf, type PolicyFile, type WhatIfOptions, type WhatIfResult } from './remediation/whatif.js';
export { runGuard } from './remediation/guard.js';
export { renderReview, reviewHtmlSection, REVIEW_FORMATS, type Review, type ReviewFormat } from './report/plan-review.js';
export type { Plan, PlanAction, Impact, GuardResult, GuardCheck, ActionKind, PlanActionKind } from './remediation/types.js';

export type { Format, RenderOptions } from './report/formats.js';
export type { Report, ReportPrincipal, ReportRuleInfo } from './report/report.js';
export type { Finding, FindingStatus, ResourceType, Rule, RuleContext, RuleMeta, Severity } from './rules/types.js';
export type { Snapshot } from './snapshot/types.js';
export type { DataGap } from './snapshot/model.js';
export type { CoverageCell, UserCoverage } from './coverage/types.js';
export type { CoverageState, Target } from './vocabulary.js';
export type {
  AutomationProfile, AutomationSignal, AzureTool, EvidenceQuery, EvidenceWindow, LegacyClientSignIns, SignInEvidence, ToolVersionSignIns, UserAppSignIns,
} from './evidence/types.js';
// Tenant configuration (spec/config.md): break-glass accounts and exemptions.
export { loadConfig, findDefaultConfig, DEFAULT_CONFIG_FILE } from './app/config.js';
export { addExemption, type ExemptOptions, type ExemptResult } from './app/exempt.js';
export { parseConfigText, parseConfigBytes, knownRuleIds, SIGN_IN_RULE_IDS, AZURE_RULE_IDS } from './config/parse.js';
export { applyExemptions, type ExemptionSummary, type ExemptionRef } from './config/exemptions.js';
export { EMPTY_CONFIG, type TenantConfig, type Exemption, type ExemptionCategory } from './config/types.js';
// Sign-in evidence: the MFA gaps workbook pivots and predicted vs observed (spec/signins.md)
export { signIns, type SignInsOptions, type SignInsResult } from './app/signins-workbook.js';
export { signInWorkbook, type SignInWorkbook, type WorkbookRow, type WorkbookDimension, type WorkbookOptions } from './evidence/workbook.js';
export { findContradictions, contradictionTarget, type Contradiction, type ContradictionCause } from './evidence/contradictions.js';

export { startDashboard, createDashboard, isLoopbackHost, CONTENT_SECURITY_POLICY } from './app/serve.js';
export type { DashboardOptions, ServeOptions, RunningDashboard, Dashboard } from './app/serve.js';
// Many tenants (scan --tenants): scanTenants, the roll-up and its formats, the roll-up of the state store's latest scans.
export {
  scanTenants, rollupFromStore, readTenantsFile, parseTenantsText, DEFAULT_TENANT_CONCURRENCY,
  type ScanTenantsOptions, type ScanTenantsResult, type TenantOutcome, type TenantProgress, type TenantEntry, type TenantsFile, type TenantAuth, type RollupFromStoreOptions,
} from './app/tenants.js';
export { buildRollup, rollupRow, type Rollup, type RollupTenant, type RollupFailure, type RollupRule, type RollupStage } from './report/rollup.js';
export { ROLLUP_FORMATS, findRollupFormat, type RollupFormat, type RollupRenderOptions } from './report/rollup-formats.js';
