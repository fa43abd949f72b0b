/**
 * `collectTenant`: reads one tenant from Microsoft Graph and Azure Resource Manager into a directory
 * snapshot (spec/snapshot.md). This file is the orchestration: sign-in, the Azure client, the
 * checkpoint stage, the runner over the collection descriptors (src/collections/, one file per
 * collection; runner.ts executes them) and the manifest at the end.
 *
 * A collection that cannot be read (403, a missing licence, retries exhausted) goes into `unavailable`
 * with its status, code and message, and the rest carries on; the evaluator then reports the verdicts
 * that depend on it as `unknown`. Progress is checkpointed (checkpoints.ts), so `--resume` after a
 * crash continues where it stopped.
 */
import type { TokenCredential } from '@azure/identity';
import { InputError } from '../errors.js';
import type { TenantInfo, UnavailableEntry } from '../snapshot/types.js';
import { AUTH_MODES, createCredential, secretsOf, TokenSource, type AuthMode } from '../azure/auth.js';
import { isCloudName, resolveEndpoints, type CloudName } from '../azure/clouds.js';
import { AzureClient } from '../azure/client.js';
import { HttpTransport } from '../azure/http.js';
import type { FamilyLimits, FamilyName } from '../azure/rate-limits.js';
import { COLLECTIONS, type CollectionDescriptor } from '../collections/index.js';
import { Stage, StageError } from './checkpoints.js';
import { Logger, type Sink } from './log.js';
import { CollectionRunner, type RunSummary } from './runner.js';
import { REQUIRED_COLLECTIONS } from './required.js';
import { IncrementalPlan, type IncrementalOptions, type IncrementalSummary } from './incremental.js';

export interface CollectOptions {
  /** Output directory (the snapshot; checkpoints live in OUT/.mfaguard-collect while collecting). */
  out: string;
  resume?: boolean;
  /** Tenant id or domain; default AZURE_TENANT_ID, else the credential's home tenant. */
  tenant?: string | undefined;
  auth?: AuthMode;
  clientId?: string | undefined;
  cloud?: CloudName;
  authorityHost?: string | undefined;
  graphEndpoint?: string | undefined;
  armEndpoint?: string | undefined;
  /** Extra trusted CA certificates (PEM). */
  ca?: (string | Buffer)[] | undefined;
  /** Use this credential instead of building one from `auth` (tests, embedding). */
  credential?: TokenCredential;
  logFormat?: 'text' | 'json';
  logSink?: Sink;
  verbose?: boolean;
  quiet?: boolean;
  /** Whole-request deadline, ms (default 100 s). */
  timeoutMs?: number;
  /** Attempts per request (default 10). */
  maxAttempts?: number;
  limits?: Partial<Record<FamilyName, Partial<FamilyLimits>>>;
  /** Collection keys to leave out, or `azure` for every ARM collection. */
  skip?: string[];
  /**
   * Per-user MFA state: `auto` reads `perUserMfaState` from the user list and asks
   * `/authentication/requirements` (batched) only for users the list did not answer for; `batch`
   * always uses the batched per-user endpoint; `naive` one request per user (benchmarks only).
   */
  perUserMfa?: 'auto' | 'batch' | 'naive';
  /** Users whose authentication methods are read: ids/UPNs, `auto` (break-glass-looking accounts, default) or `none`. */
  authMethodsFor?: string[] | 'auto' | 'none';
  /**
   * Sign-in logs (src/collections/sign-ins.ts): `days` of them (default 30) ending at `asOf` (default
   * now), `scope` `evidence` (default: mandatory-MFA apps, clients of ARM, legacy clients) or `all`;
   * `off` leaves them out.
   */
  signIns?: { days: number; scope: 'evidence' | 'all'; asOf?: string } | 'off';
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Test hook: called after each checkpoint (lets a test crash the collector half way). */
  onCheckpoint?: (key: string, count: number) => void;
  /**
   * Incremental collection (incremental.ts): users, groups and members through Graph delta links kept
   * in `state`, merged into the previous snapshot (default: the one in `out`); registration details
   * reused while younger than `registrationMaxAgeMs`. Without usable links (the first run) it is a
   * full collection that stores them.
   */
  incremental?: IncrementalOptions;
}

export interface CollectResult {
  out: string;
  files: string[];
  tenant: TenantInfo;
  counts: Record<string, number>;
  unavailable: Record<string, UnavailableEntry>;
  /** Collections taken from an earlier, interrupted run. */
  resumed: string[];
  wallMs: number;
  requests: number;
  retries: number;
  throttled: number;
  families: Record<FamilyName, { requests: number; throttled: number; waitedMs: number }>;
  /** ms each collection took (from its start to its end in this run). */
  durations: Record<string, number>;
  /** REQUIRED_COLLECTIONS that could not be read (they are in `unavailable`): the snapshot is incomplete. */
  missingRequired: string[];
  /** With `incremental`: how each collection was obtained, and what was reused from an earlier read. */
  incremental?: IncrementalSummary;
}

export { REQUIRED_COLLECTIONS };

/** `opts` completed with what an interrupted collection in `opts.out` remembers; options given again win. */
async function withRemembered(opts: CollectOptions): Promise<CollectOptions> {
  if (!opts.resume) return opts;
  const r = await Stage.rememberedOptions(opts.out);
  const merged: CollectOptions = { ...opts };
  const fill = <K extends 'tenant' | 'clientId' | 'authorityHost' | 'graphEndpoint' | 'armEndpoint'>(k: K) => { if (merged[k] === undefined && r[k] !== undefined) merged[k] = r[k]; };
  fill('tenant'); fill('clientId'); fill('authorityHost'); fill('graphEndpoint'); fill('armEndpoint');
  if (merged.auth === undefined && r.auth && (AUTH_MODES as readonly string[]).includes(r.auth)) merged.auth = r.auth as AuthMode;
  if (merged.cloud === undefined && r.cloud && isCloudName(r.cloud)) merged.cloud = r.cloud;
  if (merged.ca === undefined && r.ca?.length) merged.ca = r.ca;
  return merged;
}

export async function collectTenant(givenOpts: CollectOptions): Promise<CollectResult> {
  const t0 = Date.now();
  const opts = await withRemembered(givenOpts);
  const env = opts.env ?? process.env;
  const endpoints = (() => {
    try {
      return resolveEndpoints(opts.cloud ?? 'AzureCloud', { authorityHost: opts.authorityHost, graph: opts.graphEndpoint, arm: opts.armEndpoint });
    } catch (err) {
      throw new InputError((err as Error).message);
    }
  })();
  const logger = new Logger({
    format: opts.logFormat ?? 'text',
    sink: opts.logSink ?? process.stderr,
    secrets: secretsOf(env),
    verbose: !!opts.verbose,
    quiet: !!opts.quiet,
  });
  const tenantArg = opts.tenant ?? env.AZURE_TENANT_ID;
  const credential = opts.credential ?? (await createCredential({
    mode: opts.auth ?? 'default', tenant: tenantArg, clientId: opts.clientId, endpoints, ca: opts.ca, env,
    prompt: (m) => logger.log({ level: 'warn', event: 'device-code', message: m }),
  }).catch((err: Error) => {
    throw new InputError(err.message);
  }));
  const tokens = new TokenSource(credential, tenantArg);
  const transport = new HttpTransport({ ca: opts.ca, timeoutMs: opts.timeoutMs ?? 100_000 });
  const client = new AzureClient({
    endpoints, tokens, transport, limits: opts.limits ?? {}, maxAttempts: opts.maxAttempts ?? 10,
    ...(opts.signal ? { signal: opts.signal } : {}),
    events: {
      // every retry is in the JSON log; in text only with --verbose
      retry: (e) => logger.log({
        level: 'info', event: 'retry', family: e.family, attempt: e.attempt, reason: e.reason, waitMs: e.waitMs, url: e.url,
        ...(opts.verbose ? { message: `retry ${e.attempt} in ${(e.waitMs / 1000).toFixed(1)} s after ${e.reason}: ${e.url}` } : {}),
      }),
      throttle: (e) => logger.throttled(e.family, e.waitMs, e.reason),
    },
  });

  try {
    await Stage.check(opts.out);
  } catch (err) {
    transport.close();
    if (err instanceof StageError) throw new InputError(err.message);
    throw err;
  }
  // Fail fast on sign-in problems: one token before anything else, with the SDK's message.
  try {
    await tokens.get(endpoints.graphScope);
  } catch (err) {
    transport.close();
    throw new InputError(`sign-in failed (--auth ${opts.auth ?? 'default'}): ${logger.scrub((err as Error).message.split('\n')[0] ?? '')}`);
  }

  let stage: Stage;
  try {
    stage = await Stage.open(opts.out, {
      resume: !!opts.resume,
      fingerprint: { tenant: tenantArg ?? null, graph: endpoints.graph, arm: endpoints.arm, perUserMfa: opts.perUserMfa ?? 'auto' },
      options: {
        ...(tenantArg !== undefined ? { tenant: tenantArg } : {}), auth: opts.auth ?? 'default', cloud: endpoints.name,
        ...(opts.clientId !== undefined ? { clientId: opts.clientId } : {}),
        ...(opts.authorityHost !== undefined ? { authorityHost: opts.authorityHost } : {}),
        ...(opts.graphEndpoint !== undefined ? { graphEndpoint: opts.graphEndpoint } : {}),
        ...(opts.armEndpoint !== undefined ? { armEndpoint: opts.armEndpoint } : {}),
        ...(opts.ca?.length ? { ca: opts.ca.map((c) => c.toString()) } : {}),
      },
      onNote: (m) => logger.log({ level: 'info', event: 'stage', message: m }),
    });
  } catch (err) {
    transport.close();
    if (err instanceof StageError) throw new InputError(err.message);
    throw err;
  }

  const skip = new Set(opts.skip ?? []);
  const isSkipped = (c: CollectionDescriptor) => skip.has(c.key) || (skip.has('azure') && !!c.azure);
  for (const c of COLLECTIONS) if (!isSkipped(c)) logger.status(c.key, c.family);
  logger.start();
  logger.log({ level: 'info', event: 'start', message: `collecting into ${opts.out}${stage.resumed ? ' (resuming)' : ''}`, graph: endpoints.graph, arm: endpoints.arm, resume: stage.resumed });

  let plan: IncrementalPlan | undefined;
  if (opts.incremental) {
    try {
      plan = await IncrementalPlan.create(opts.incremental, {
        graphEndpoint: endpoints.graph, tenantHint: tenantArg, out: opts.out, perUserMfaAuto: (opts.perUserMfa ?? 'auto') === 'auto',
        log: (event, message, level = 'info') => logger.log({ level, event, message }),
      });
    } catch (err) {
      transport.close();
      logger.stop();
      throw err;
    }
    logger.log({ level: 'info', event: 'incremental', mode: plan.summary.mode, message: plan.summary.mode === 'incremental' ? 'incremental: users, groups and members through Graph delta links' : `incremental: full collection (${plan.summary.reason ?? ''})` });
  }

  const runner = new CollectionRunner({
    client, stage, logger, verbose: !!opts.verbose, signal: opts.signal, onCheckpoint: opts.onCheckpoint, overrides: plan?.overrides,
    options: { perUserMfa: opts.perUserMfa ?? 'auto', authMethodsFor: opts.authMethodsFor ?? 'auto', cloud: endpoints.name, ...(opts.signIns !== undefined ? { signIns: opts.signIns } : {}) },
  }, COLLECTIONS, isSkipped);
  let run: RunSummary;
  try {
    run = await runner.runAll();
  } finally {
    logger.stop();
    transport.close();
  }
  const { results, unavailable, resumed, durations } = run;

  // ---- finish ---------------------------------------------------------------------------------
  let tenant = results.get('tenant')?.value as TenantInfo | undefined;
  if (!tenant) {
    // The organization could not be read: the token says which tenant this is.
    const tid = tenantIdFromToken(await tokens.get(endpoints.graphScope).catch(() => '')) ?? tenantArg;
    if (!tid) throw new InputError('could not determine the tenant id (GET /organization failed); pass --tenant');
    tenant = { id: tid, displayName: null, cloud: endpoints.name };
  }
  const counts: Record<string, number> = {};
  const fileKeys: string[] = [];
  const manifest: Record<string, unknown> = { mfaguardSnapshot: 1, tenant, collectedAt: new Date().toISOString() };
  for (const c of COLLECTIONS) {
    const m = results.get(c.key);
    if (!m || m.unavailable || m.skipped) continue;
    counts[c.key] = m.count;
    if (c.key === 'tenant') continue; // the manifest's own `tenant`, above
    if (c.storage === 'manifest') manifest[c.key] = m.value;
    else fileKeys.push(c.key);
    // a time-sliced log also records the window it covers (signInsWindow)
    if (c.source.kind === 'graphTimeSliced' && m.value !== undefined) manifest[c.source.windowKey] = m.value;
  }
  manifest.unavailable = unavailable;
  if (plan) Object.assign(manifest, plan.manifestFields(results));
  const files = await stage.finalize(manifest, fileKeys);
  // only now: the stored links continue from the snapshot that was just written
  if (plan) {
    await plan.finish(results, { collectedAt: manifest.collectedAt as string, tenantId: tenant.id });
    const how = Object.entries(plan.summary.collections).filter(([, v]) => v.how !== 'full').map(([k, v]) => `${k} ${v.how}${v.changed !== undefined ? ` (${v.changed} changed${v.removed !== undefined ? `, ${v.removed} removed` : ''})` : ''}`);
    const reused = Object.entries(plan.summary.reused).map(([k, v]) => `${k} reused from ${v.collectedAt} (${(v.ageMs / 3_600_000).toFixed(1)} h old)`);
    logger.log({ level: 'info', event: 'incremental-summary', mode: plan.summary.mode, collections: plan.summary.collections, reused: plan.summary.reused,
      message: `incremental: ${plan.summary.mode === 'incremental' ? how.join(', ') || 'no collection by delta' : `full collection (${plan.summary.reason ?? ''}); delta links stored for the next run`}${reused.length ? `; ${reused.join(', ')}` : ''}` });
  }
  const fam = client.families;
  const families = Object.fromEntries(Object.entries(fam).map(([k, f]) => [k, { requests: f.requests, throttled: f.throttled, waitedMs: f.waitedMs }])) as CollectResult['families'];
  const missingRequired = REQUIRED_COLLECTIONS.filter((k) => unavailable[k] !== undefined);
  const result: CollectResult = {
    out: stage.out, files, tenant, counts, unavailable, resumed, wallMs: Date.now() - t0, missingRequired,
    requests: transport.sent, retries: client.retries, throttled: Object.values(fam).reduce((a, f) => a + f.throttled, 0), families, durations,
    ...(plan ? { incremental: plan.summary } : {}),
  };
  logger.log({
    level: Object.keys(unavailable).length ? 'warn' : 'info', event: 'finished', requests: result.requests, retries: result.retries, throttled: result.throttled, ms: result.wallMs, counts, unavailable,
    message: `snapshot written to ${opts.out} in ${(result.wallMs / 1000).toFixed(1)} s (${result.requests.toLocaleString('en-US')} requests, ${result.retries} retried, ${result.throttled} throttling waits)` +
      (Object.keys(unavailable).length ? `; UNAVAILABLE: ${Object.entries(unavailable).map(([k, v]) => `${k} (${v.status ?? ''} ${v.code ?? ''})`).join(', ')} — verdicts that depend on them will be "unknown"` : ''),
  });
  return result;
}

/** The `tid` claim of a JWT access token (no validation: only used to name the tenant). */
export function tenantIdFromToken(token: string): string | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { tid?: unknown };
    return typeof claims.tid === 'string' ? claims.tid : undefined;
  } catch {
    return undefined;
  }
}

