/**
 * Many tenants (`mfaguard scan --tenants FILE`): each tenant of a tenants file (tenants-file.ts) is
 * signed in to, collected, evaluated and recorded in the state store like `scan --tenant`, with bounded
 * concurrency. Each tenant gets its own Azure client, hence its own rate budgets per family (Graph's
 * limits are per app and tenant): tenants run in parallel while each is paced. A tenant's failure
 * (sign-in, network, permissions, a bad configuration) is caught, named with the stage it happened in,
 * and never stops the others. The result is a roll-up (src/report/rollup.ts).
 */
import { readFile } from 'node:fs/promises';
import type { TokenCredential } from '@azure/identity';
import { AuthConfigError, createCredential } from '../azure/auth.js';
import { resolveEndpoints } from '../azure/clouds.js';
import { InputError, UsageError } from '../errors.js';
import type { SignInEvidence } from '../evidence/types.js';
import type { Report } from '../report/report.js';
import { buildRollup, headerOf, rollupRow, type Rollup, type RollupFailure, type RollupStage, type RollupTenant } from '../report/rollup.js';
import { StateStore, STATE_FILE } from '../store/sqlite.js';
import { escapeControls } from '../vocabulary.js';
import { collect, type CollectResult } from './collect.js';
import { resolveConfig } from './config.js';
import { checkConfigTenant } from '../config/parse.js';
import { logAnalyticsEvidence } from './log-analytics.js';
import { makeTempDir } from './output.js';
import { scan, type ScanResult } from './scan.js';
import { recordScan, resolveStateDir, type RecordedScan } from './state.js';
import { readTenantsFile, type TenantEntry, type TenantsFile } from './tenants-file.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export { readTenantsFile, parseTenantsText, type TenantEntry, type TenantsFile, type TenantAuth } from './tenants-file.js';

export const DEFAULT_TENANT_CONCURRENCY = 4;

/** One progress event of one tenant (the CLI prints them on stderr). */
export interface TenantProgress {
  tenant: string;
  event: 'start' | 'signed-in' | 'collected' | 'evaluated' | 'recorded' | 'failed' | 'warning' | 'done';
  stage?: RollupStage;
  message: string;
  ms?: number;
}

export interface ScanTenantsOptions {
  /** A tenants file path, or one already parsed. */
  tenants: string | TenantsFile;
  /** Tenants in flight at once (default 4). */
  concurrency?: number;
  /** Record each tenant's scan (a directory, `false` for none, undefined for the default store). */
  state?: string | false;
  redact?: boolean;
  asOf?: Date | string;
  now?: Date;
  /** Environment the `…Env` keys are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Keep each tenant's full report in memory (default: only when not recording; otherwise read back from the store). */
  retainReports?: boolean;
  /** Called with each tenant's full report as soon as it is evaluated (e.g. to write it to a file). */
  onTenantReport?: (entry: TenantEntry, report: Report) => Promise<void>;
  onProgress?: (e: TenantProgress) => void;
  /** Test and embedding hooks: a credential per tenant instead of the file's auth. */
  credentialFor?: (entry: TenantEntry) => TokenCredential | undefined;
  /** Collection tuning for every tenant (request deadline, attempts, rate limits). */
  timeoutMs?: number;
  maxAttempts?: number;
  signal?: AbortSignal;
}

export interface TenantOutcome {
  entry: TenantEntry;
  status: 'ok' | 'incomplete' | 'failed';
  row?: RollupTenant;
  failure?: RollupFailure;
  recorded?: RecordedScan;
  /** From the tenant's start to its end in this run. */
  wallMs: number;
  collection?: Pick<CollectResult, 'requests' | 'retries' | 'throttled' | 'wallMs'>;
  warnings: string[];
}

export interface ScanTenantsResult {
  rollup: Rollup;
  outcomes: TenantOutcome[];
  wallMs: number;
  /** A tenant's full report: kept in memory (retainReports), else read back from the state store. */
  reportOf(tenant: RollupTenant): Promise<Report | undefined>;
}

class StageFailure extends Error {
  constructor(readonly stage: RollupStage, message: string) {
    super(message);
  }
}

/** Runs `fn` with the failure, if any, attributed to `stage`. */
async function inStage<T>(stage: RollupStage, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StageFailure) throw err;
    throw new StageFailure(stage, (err as Error).message.split('\n')[0] ?? String(err));
  }
}

/** A small counting semaphore: at most `n` holders at once. */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

export async function scanTenants(opts: ScanTenantsOptions): Promise<ScanTenantsResult> {
  const t0 = Date.now();
  const file = typeof opts.tenants === 'string' ? await readTenantsFile(opts.tenants) : opts.tenants;
  const concurrency = opts.concurrency ?? DEFAULT_TENANT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError('concurrency must be a whole number ≥ 1');
  // A named state directory must be writable before any tenant is collected (a failure there would hit every tenant).
  if (opts.state !== false && resolveStateDir({ state: opts.state }).explicit) StateStore.open(resolveStateDir({ state: opts.state }).dir).close();
  const retain = opts.retainReports ?? opts.state === false;
  const env = opts.env ?? process.env;
  const slot = limiter(concurrency);
  // Evaluation is CPU and memory bound (one JS thread): at most two tenants evaluate at once, however many collect.
  const evalSlot = limiter(Math.min(concurrency, 2));
  const kept = new Map<string, Report>();
  const progress = (e: TenantProgress) => opts.onProgress?.(e);

  const one = async (entry: TenantEntry): Promise<TenantOutcome> => {
    const started = Date.now();
    const warnings: string[] = [];
    let recorded: RecordedScan | undefined;
    let collection: CollectResult | undefined;
    let tenantId: string | undefined;
    progress({ tenant: entry.name, event: 'start', message: `${entry.tenant}` });
    const temp = await makeTempDir('mfaguard-tenant-');
    try {
      const config = await inStage('config', () => resolveConfig(entry.config));
      const tenantEnv = envFor(entry, env);
      const endpoints = await inStage('config', async () => resolveEndpoints(entry.cloud ?? 'AzureCloud', { authorityHost: entry.authorityHost, graph: entry.graphEndpoint, arm: entry.armEndpoint, logAnalytics: entry.logAnalyticsEndpoint }));
      const ca = entry.caFile ? [await inStage('config', () => readFile(entry.caFile!, 'utf8'))] : undefined;
      // sign-in first, on its own: a wrong secret or an unknown tenant is an `auth` failure, named as such
      const credential = opts.credentialFor?.(entry) ?? await inStage('auth', async () => {
        try {
          return await createCredential({ mode: entry.auth ?? 'default', tenant: entry.tenant, clientId: entry.clientId, endpoints, ca, env: tenantEnv });
        } catch (err) {
          throw err instanceof AuthConfigError ? new Error(err.message.replace('AZURE_CLIENT_SECRET', entry.clientSecretEnv ?? 'AZURE_CLIENT_SECRET')) : err;
        }
      });
      await inStage('auth', async () => {
        const token = await credential.getToken(endpoints.graphScope, { tenantId: entry.tenant });
        if (!token) throw new Error('no access token');
      });
      progress({ tenant: entry.name, event: 'signed-in', message: 'signed in' });
      const out = join(temp.path, 'snapshot');
      const am = config?.breakGlassAccounts.length ? [...config.breakGlassAccounts] : undefined;
      collection = await inStage('collect', () => collect({
        out, tenant: entry.tenant, auth: entry.auth ?? 'default', clientId: entry.clientId, ...(entry.cloud ? { cloud: entry.cloud } : {}),
        authorityHost: entry.authorityHost, graphEndpoint: entry.graphEndpoint, armEndpoint: entry.armEndpoint, ca, credential, env: tenantEnv,
        ...(entry.skip ? { skip: entry.skip } : {}), ...(entry.signIns ? { signIns: entry.signIns } : {}), ...(am ? { authMethodsFor: am } : {}),
        ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}), ...(opts.signal ? { signal: opts.signal } : {}),
        // the collector's own log as JSON lines: warnings become this tenant's progress, the rest is summarised
        logFormat: 'json', logSink: { write: (text: string) => forwardLog(entry.name, text, progress, warnings) },
      }));
      tenantId = collection.tenant.id;
      // a configuration written for another tenant is this tenant's `config` problem, named before evaluating
      if (config) await inStage('config', async () => checkConfigTenant(config, collection!.tenant));
      progress({ tenant: entry.name, event: 'collected', message: `collected in ${(collection.wallMs / 1000).toFixed(1)} s (${collection.requests} requests, ${collection.throttled} throttling waits)`, ms: collection.wallMs });
      let evidence: SignInEvidence | undefined;
      if (entry.logAnalyticsWorkspace) {
        evidence = await inStage('signins', () => logAnalyticsEvidence({ workspaceId: entry.logAnalyticsWorkspace!, credential, cloud: entry.cloud, authorityHost: entry.authorityHost, endpoint: entry.logAnalyticsEndpoint, ca, env: tenantEnv }));
      }
      const result: ScanResult = await evalSlot(() => inStage('evaluate', () => scan({
        source: { path: out }, state: false, ...(config ? { config } : {}), ...(evidence ? { evidence } : {}),
        ...(opts.redact ? { redact: true } : {}), ...(opts.asOf !== undefined ? { asOf: opts.asOf } : {}), ...(opts.now ? { now: opts.now } : {}),
        onWarning: (m) => { warnings.push(m); progress({ tenant: entry.name, event: 'warning', message: m }); },
      })));
      const report = result.report;
      const unhealthy = report.findings.reduce((n, f) => n + (f.status === 'unhealthy' ? 1 : 0), 0);
      progress({ tenant: entry.name, event: 'evaluated', message: `${unhealthy} unhealthy finding(s)` });
      const state = opts.state;
      if (state !== false) {
        recorded = await inStage('record', async () => recordScan({ report, source: 'live', state }));
        progress({ tenant: entry.name, event: 'recorded', message: `recorded as scan ${recorded.id}` });
      }
      if (retain) kept.set(entry.name, report);
      if (opts.onTenantReport) await inStage('output', () => opts.onTenantReport!(entry, report));
      const incomplete = collection.missingRequired.length > 0;
      const row = rollupRow(entry.name, headerOf(report), { ...(recorded ? { scanId: recorded.id } : {}), ...(incomplete ? { incomplete } : {}) });
      const wallMs = Date.now() - started;
      const stats = { requests: collection.requests, retries: collection.retries, throttled: collection.throttled, wallMs: collection.wallMs };
      if (incomplete) {
        const message = `required collection could not be read: ${collection.missingRequired.map((k) => `${k} (${[collection!.unavailable[k]?.status, collection!.unavailable[k]?.code].filter(Boolean).join(' ')})`).join(', ')}`;
        progress({ tenant: entry.name, event: 'failed', stage: 'collect', message, ms: wallMs });
        return { entry, status: 'incomplete', row, failure: { tenant: entry.name, tenantId: report.tenant.id, stage: 'collect', message }, ...(recorded ? { recorded } : {}), wallMs, collection: stats, warnings };
      }
      progress({ tenant: entry.name, event: 'done', message: `done in ${(wallMs / 1000).toFixed(1)} s`, ms: wallMs });
      return { entry, status: 'ok', row, ...(recorded ? { recorded } : {}), wallMs, collection: stats, warnings };
    } catch (err) {
      const stage: RollupStage = err instanceof StageFailure ? err.stage : 'evaluate';
      const message = scrub((err as Error).message, entry, env);
      const wallMs = Date.now() - started;
      progress({ tenant: entry.name, event: 'failed', stage, message, ms: wallMs });
      return { entry, status: 'failed', failure: { tenant: entry.name, ...(tenantId ? { tenantId } : {}), stage, message }, wallMs, warnings };
    } finally {
      await temp.remove();
    }
  };

  const outcomes = await Promise.all(file.tenants.map((entry) => slot(() => one(entry))));
  const rollup = buildRollup(outcomes.flatMap((o) => (o.row ? [o.row] : [])), outcomes.flatMap((o) => (o.failure ? [o.failure] : [])), opts.now);
  return {
    rollup, outcomes, wallMs: Date.now() - t0,
    reportOf: async (t) => kept.get(t.name) ?? (t.scanId !== undefined && opts.state !== false ? loadRecorded(opts.state || undefined, t.scanId) : undefined),
  };
}

/** The environment a tenant signs in with: its own secret variables mapped onto the SDK's names. */
function envFor(entry: TenantEntry, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  // the tenant is named in the file: a tenant from the environment must not win over it
  delete out.AZURE_TENANT_ID;
  if (entry.clientSecretEnv) {
    if (env[entry.clientSecretEnv] === undefined) delete out.AZURE_CLIENT_SECRET;
    else out.AZURE_CLIENT_SECRET = env[entry.clientSecretEnv];
  }
  if (entry.certificatePath) out.AZURE_CLIENT_CERTIFICATE_PATH = entry.certificatePath;
  if (entry.certificatePasswordEnv) {
    if (env[entry.certificatePasswordEnv] === undefined) delete out.AZURE_CLIENT_CERTIFICATE_PASSWORD;
    else out.AZURE_CLIENT_CERTIFICATE_PASSWORD = env[entry.certificatePasswordEnv];
  }
  return out;
}

/** No secret in a failure message: the SDK's errors can quote request bodies. */
function scrub(message: string, entry: TenantEntry, env: NodeJS.ProcessEnv): string {
  let m = message.replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '[redacted-token]');
  for (const k of [entry.clientSecretEnv, entry.certificatePasswordEnv, 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PASSWORD']) {
    const v = k ? env[k] : undefined;
    if (v && v.length >= 4) m = m.split(v).join('[redacted]');
  }
  return m;
}

/** The collector's JSON log lines → this tenant's warnings (the progress table of one tenant would be noise for twenty). */
function forwardLog(tenant: string, text: string, progress: (e: TenantProgress) => void, warnings: string[]): void {
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let e: { level?: string; message?: unknown };
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      continue;
    }
    if ((e.level === 'warn' || e.level === 'error') && typeof e.message === 'string') {
      warnings.push(e.message);
      progress({ tenant, event: 'warning', message: e.message });
    }
  }
}

function loadRecorded(state: string | undefined, scanId: number): Report | undefined {
  const store = StateStore.open(resolveStateDir({ state }).dir, { create: false });
  try {
    return store.loadReport(scanId);
  } finally {
    store.close();
  }
}

export interface RollupFromStoreOptions {
  /** Only these tenants (ids); default every tenant with a recorded scan. */
  tenants?: readonly string[];
  now?: Date;
}

/**
 * The roll-up of the latest recorded scan of every tenant in the state store (the dashboard's roll-up
 * page): read from each scan's header and counts, never its findings. `reportOf` reads a tenant's full
 * report back when a format needs it (SARIF, OCSF).
 */
export function rollupFromStore(stateDir?: string, opts: RollupFromStoreOptions = {}): { rollup: Rollup; reportOf: (t: RollupTenant) => Promise<Report | undefined> } {
  const dir = resolveStateDir({ state: stateDir }).dir;
  if (!existsSync(join(dir, STATE_FILE))) throw new InputError('no scans recorded yet (no state store)', join(dir, STATE_FILE));
  const store = StateStore.open(dir, { create: false });
  try {
    const want = opts.tenants ? new Set(opts.tenants.map((t) => t.toLowerCase())) : undefined;
    const rows: RollupTenant[] = [];
    for (const t of store.tenants()) {
      if (t.lastScan === null || (want && !want.has(t.id.toLowerCase()))) continue;
      const h = store.loadHeader(t.lastScan);
      if (h) rows.push(rollupRow(t.displayName ?? t.id, h, { scanId: t.lastScan }));
    }
    return { rollup: buildRollup(rows, [], opts.now), reportOf: async (t) => (t.scanId !== undefined ? loadRecorded(dir, t.scanId) : undefined) };
  } finally {
    store.close();
  }
}

/** One line per progress event, escaped (tenant names are text people typed). */
export function progressLine(e: TenantProgress): string {
  return `mfaguard: [${escapeControls(e.tenant)}] ${e.event === 'failed' ? `FAILED (${e.stage}): ` : ''}${escapeControls(e.message)}`;
}
