/**
 * `collectTenant`: reads one tenant from Microsoft Graph and Azure Resource Manager into a directory
 * snapshot (spec/snapshot.md). Collection-level endpoints with `$select` and `$top=999`;
 * per-object endpoints only where Graph has nothing better, and then through `$batch` (20 per batch);
 * every collection runs at once, each endpoint family paced by its own limiter (limiter.ts).
 *
 * A collection that cannot be read (403, a missing licence, retries exhausted) goes into `unavailable`
 * with its status, code and message, and the rest carries on; the evaluator then reports the verdicts
 * that depend on it as `unknown`. Progress is checkpointed (store.ts), so `--resume` after a crash
 * continues where it stopped.
 */
import type { TokenCredential } from '@azure/identity';
import { InputError } from '../errors.js';
import type { TenantInfo, UnavailableEntry } from '../snapshot/types.js';
import { createCredential, secretsOf, TokenSource, type AuthMode } from '../azure/auth.js';
import { resolveEndpoints, type CloudName } from '../azure/clouds.js';
import { AzureClient, ApiError, errorInfo } from '../azure/client.js';
import { HttpTransport } from '../azure/http.js';
import { redactUrl } from '../azure/journal.js';
import { backoffMs, retryAfterMs, sleep } from '../azure/rate-budget.js';
import type { FamilyLimits, FamilyName } from '../azure/rate-limits.js';
import { Logger, type CollectionStatus, type Sink } from './log.js';
import { Stage, StageError, type DoneMarker } from './checkpoints.js';

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
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Test hook: called after each checkpoint (lets a test crash the collector half way). */
  onCheckpoint?: (key: string, count: number) => void;
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
}

const USER_SELECT = [
  'id', 'userPrincipalName', 'displayName', 'givenName', 'surname', 'mail', 'otherMails', 'userType', 'accountEnabled',
  'creationType', 'externalUserState', 'externalUserStateChangeDateTime', 'identities', 'onPremisesSyncEnabled',
  'createdDateTime', 'department', 'jobTitle',
];
const GROUP_SELECT = [
  'id', 'displayName', 'description', 'mailEnabled', 'mailNickname', 'securityEnabled', 'isAssignableToRole', 'groupTypes',
  'membershipRule', 'membershipRuleProcessingState', 'createdDateTime',
];
const SP_SELECT = ['id', 'appId', 'displayName', 'servicePrincipalType', 'accountEnabled', 'appOwnerOrganizationId', 'alternativeNames'];
const ROLE_DEF_SELECT = ['id', 'description', 'displayName', 'isBuiltIn', 'isEnabled', 'isPrivileged', 'resourceScopes', 'templateId', 'version'];
const ROLE_ASSIGNMENT_SELECT = ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId', 'condition'];

const ARM_ROLE_API = '2022-04-01';
const ARM_SUBSCRIPTIONS_API = '2022-12-01';
const ARM_CLASSIC_API = '2015-07-01';
const ARG_API = '2022-10-01';
const BATCH_MAX = 20;
const ARM_TYPES: Record<string, string> = {
  'microsoft.authorization/roleassignments': 'Microsoft.Authorization/roleAssignments',
  'microsoft.authorization/roledefinitions': 'Microsoft.Authorization/roleDefinitions',
};

/** Every collection the collector knows, in display order, with its endpoint family. */
export const COLLECTIONS: { key: string; family: FamilyName; azure?: boolean }[] = [
  { key: 'tenant', family: 'directory' },
  { key: 'users', family: 'directory' },
  { key: 'authenticationRequirements', family: 'directory' },
  { key: 'userRegistrationDetails', family: 'reports' },
  { key: 'groups', family: 'directory' },
  { key: 'groupMembers', family: 'directory' },
  { key: 'servicePrincipals', family: 'directory' },
  { key: 'roleDefinitions', family: 'directory' },
  { key: 'roleAssignments', family: 'directory' },
  { key: 'roleEligibilitySchedules', family: 'directory' },
  { key: 'conditionalAccessPolicies', family: 'ca' },
  { key: 'namedLocations', family: 'ca' },
  { key: 'authenticationStrengthPolicies', family: 'directory' },
  { key: 'securityDefaults', family: 'directory' },
  { key: 'authenticationMethods', family: 'directory' },
  { key: 'subscriptions', family: 'arm', azure: true },
  { key: 'azureRoleDefinitions', family: 'arg', azure: true },
  { key: 'azureRoleAssignments', family: 'arg', azure: true },
  { key: 'classicAdministrators', family: 'arm', azure: true },
];

/** Keys written to the manifest rather than to an NDJSON file. */
const OBJECT_KEYS = new Set(['tenant', 'securityDefaults']);

class Unavailable extends Error {
  constructor(readonly entry: UnavailableEntry, readonly final: boolean) {
    super(entry.message ?? 'unavailable');
  }
}

const BREAK_GLASS = /break.?glass|emergency|bg-?admin/i;

export async function collectTenant(opts: CollectOptions): Promise<CollectResult> {
  const t0 = Date.now();
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
      onNote: (m) => logger.log({ level: 'info', event: 'stage', message: m }),
    });
  } catch (err) {
    transport.close();
    if (err instanceof StageError) throw new InputError(err.message);
    throw err;
  }

  const skip = new Set(opts.skip ?? []);
  const isSkipped = (key: string) => skip.has(key) || (skip.has('azure') && !!COLLECTIONS.find((c) => c.key === key)?.azure);
  for (const c of COLLECTIONS) if (!isSkipped(c.key)) logger.status(c.key, c.family);
  logger.start();
  logger.log({ level: 'info', event: 'start', message: `collecting into ${opts.out}${stage.resumed ? ' (resuming)' : ''}`, graph: endpoints.graph, arm: endpoints.arm, resume: stage.resumed });

  const results = new Map<string, DoneMarker>();
  const unavailable: Record<string, UnavailableEntry> = {};
  const durations: Record<string, number> = {};
  const resumed: string[] = [];

  /** Runs one collection unless an earlier run finished it; turns failures into `unavailable`. */
  const run = async (key: string, body: (st: CollectionStatus) => Promise<Omit<DoneMarker, 'finishedAt' | 'key'>>): Promise<DoneMarker | undefined> => {
    if (isSkipped(key)) return undefined;
    const st = logger.status(key, COLLECTIONS.find((c) => c.key === key)?.family ?? 'directory');
    const earlier = stage.finished(key);
    if (earlier) {
      st.state = earlier.unavailable ? 'unavailable' : earlier.skipped ? 'skipped' : 'resumed';
      st.items = earlier.count;
      if (earlier.unavailable) {
        unavailable[key] = earlier.unavailable;
        st.note = `${earlier.unavailable.status ?? ''} ${earlier.unavailable.code ?? ''}`.trim();
      }
      resumed.push(key);
      results.set(key, earlier);
      return earlier;
    }
    st.state = 'running';
    st.startedAt = Date.now();
    logger.log({ level: 'debug', event: 'collection-start', collection: key, message: 'started' });
    try {
      const marker = { key, ...(await body(st)) };
      await stage.markDone(marker);
      st.state = marker.skipped ? 'skipped' : 'done';
      st.items = marker.count;
      if (marker.note) st.note = marker.note;
      st.endedAt = Date.now();
      durations[key] = st.endedAt - st.startedAt;
      results.set(key, stage.finished(key)!);
      logger.log({
        level: 'info', event: marker.skipped ? 'collection-skipped' : 'collection-done', collection: key, count: marker.count, ms: durations[key],
        message: marker.skipped ? `not needed (${marker.note ?? ''})` : `${marker.count.toLocaleString('en-US')} in ${(durations[key]! / 1000).toFixed(1)} s`,
      });
      return stage.finished(key);
    } catch (err) {
      st.endedAt = Date.now();
      durations[key] = st.endedAt - (st.startedAt ?? st.endedAt);
      let entry: UnavailableEntry;
      let final = true;
      if (err instanceof Unavailable) {
        entry = err.entry;
        final = err.final;
      } else if (err instanceof ApiError) {
        if (err.status === 0 && !err.transient) throw new InputError(`cannot reach ${key === 'subscriptions' || COLLECTIONS.find((c) => c.key === key)?.azure ? endpoints.arm : endpoints.graph}: ${err.message}`);
        entry = { status: err.status, code: err.code, message: err.message };
        final = !err.transient;
      } else if ((err as Error).name === 'AbortError' || opts.signal?.aborted) {
        throw err;
      } else {
        throw err;
      }
      unavailable[key] = entry;
      st.state = 'unavailable';
      st.note = `${entry.status ?? ''} ${entry.code ?? ''}`.trim();
      // A permission or licence answer is final; a transient failure is tried again by --resume.
      if (final) await stage.markDone({ key, count: 0, unavailable: entry });
      else await stage.reset(key);
      logger.log({ level: 'warn', event: 'collection-unavailable', collection: key, status: entry.status, code: entry.code, message: `could not be read: ${entry.status ?? ''} ${entry.code ?? ''} ${entry.message ?? ''}`.replace(/\s+/g, ' ').trim() });
      return undefined;
    }
  };

  /** Follows `@odata.nextLink` / `nextLink`, writing each page and checkpointing after it. */
  const paged = async (key: string, st: CollectionStatus, family: FamilyName, firstUrl: string, cost: number, map?: (item: Record<string, unknown>) => Record<string, unknown>): Promise<number> => {
    const w = await stage.writer(key, 'paged');
    try {
      let url: string | null = w.cursor ? w.cursor.next : firstUrl;
      st.items = w.count;
      let resumedCursor = !!w.cursor;
      while (url) {
        let page: Record<string, unknown>;
        try {
          page = await client.getJson({ url, cost });
        } catch (err) {
          // A stored skiptoken may have expired: start the collection over once.
          if (resumedCursor && err instanceof ApiError && !err.transient && (err.status === 400 || err.status === 404 || err.status === 410)) {
            logger.log({ level: 'info', event: 'cursor-expired', collection: key, message: 'saved page link no longer valid; starting this collection over' });
            w.close();
            await stage.reset(key);
            return paged(key, st, family, firstUrl, cost, map);
          }
          throw err;
        }
        resumedCursor = false;
        const items = Array.isArray(page.value) ? (page.value as Record<string, unknown>[]) : [];
        w.append(items.map((it) => JSON.stringify(map ? map(it) : it)));
        const next = (page['@odata.nextLink'] ?? page.nextLink) as string | undefined;
        url = next ? client.rebase(next, family) : null;
        await w.checkpoint(url);
        st.items = w.count;
        opts.onCheckpoint?.(key, w.count);
      }
      return w.count;
    } finally {
      w.close();
    }
  };

  /** A small collection fetched whole (possibly from several URLs) and written at once. */
  const whole = async (key: string, items: unknown[]): Promise<number> => {
    await stage.reset(key); // an earlier run may have written it without reaching its done marker
    const w = await stage.writer(key, 'paged');
    try {
      w.append(items.map((i) => JSON.stringify(i)));
      await w.checkpoint(null);
      return w.count;
    } finally {
      w.close();
    }
  };

  const listAll = async (family: FamilyName, firstUrl: string, cost = 1): Promise<Record<string, unknown>[]> => {
    const out: Record<string, unknown>[] = [];
    let url: string | undefined = firstUrl;
    while (url) {
      const page = await client.getJson({ url, cost });
      if (Array.isArray(page.value)) out.push(...(page.value as Record<string, unknown>[]));
      const next = (page['@odata.nextLink'] ?? page.nextLink) as string | undefined;
      url = next ? client.rebase(next, family) : undefined;
    }
    return out;
  };

  /**
   * Per-object reads (`/groups/{id}/members`, `/users/{id}/authentication/requirements`, ...) through
   * `$batch`, 20 per batch, many batches in flight. Inner 429s pause the family for their Retry-After
   * and only those items are sent again; 404 means the object went away meanwhile and is skipped; any
   * other 4xx makes the whole collection unavailable (a partial map would read as "no members").
   */
  const perObject = async (key: string, st: CollectionStatus, spec: {
    version: 'v1.0' | 'beta';
    ids: string[];
    path: (id: string) => string;
    cost: number;
    /** Paged list (`value` + nextLink) or a single object (its body minus `@odata.*`). */
    shape: 'list' | 'object';
    batch: boolean;
  }): Promise<number> => {
    const w = await stage.writer(key, 'map');
    const family = client.families.directory;
    try {
      const have = new Set<string>();
      if (w.bytes > 0) {
        for await (const line of stage.lines(key)) {
          const m = /^\{"key":"([^"]*)"/.exec(line);
          if (m) have.add(m[1]!);
        }
        w.count = have.size;
      }
      st.total = spec.ids.length;
      st.items = have.size;
      interface Task { id: string; url: string; acc: unknown[]; attempts: number; notBefore: number }
      const queue: Task[] = spec.ids.filter((id) => !have.has(id)).map((id) => ({ id, url: spec.path(id), acc: [], attempts: 0, notBefore: 0 }));
      let inFlight = 0;
      let failure: Unavailable | undefined;
      let wake: (() => void) | undefined;
      const notify = () => { const f = wake; wake = undefined; f?.(); };
      const prefix = `${client.endpoints.graph}/${spec.version}`;
      const relative = (link: string): string | undefined => {
        const abs = client.rebase(link, 'directory');
        return abs.startsWith(prefix + '/') ? abs.slice(prefix.length) : undefined;
      };
      const complete = (t: Task, value: unknown) => {
        w.append([JSON.stringify({ key: t.id, value })]);
        st.items = w.count;
      };
      /** One inner response: returns true when the task is finished. */
      const settle = (t: Task, status: number, headers: Record<string, string> | undefined, body: unknown): void => {
        if (status >= 200 && status < 300) {
          const b = (body ?? {}) as Record<string, unknown>;
          if (spec.shape === 'object') {
            const v: Record<string, unknown> = {};
            for (const [k, val] of Object.entries(b)) if (!k.startsWith('@odata.')) v[k] = val;
            return complete(t, v);
          }
          if (Array.isArray(b.value)) t.acc.push(...(b.value as unknown[]));
          const next = b['@odata.nextLink'];
          if (typeof next === 'string') {
            t.url = relative(next) ?? next;
            t.attempts = 0;
            queue.unshift(t);
            return;
          }
          return complete(t, t.acc);
        }
        if (status === 404) return; // deleted meanwhile
        if (status === 429 || status >= 500 || status === 408 || status === 0) {
          t.attempts++;
          if (t.attempts >= client.maxAttempts) {
            failure ??= new Unavailable({ status, code: status === 429 ? 'TooManyRequests' : errorInfo(status, body).code, message: `gave up on ${spec.path(t.id).split('?')[0]} after ${t.attempts} attempts` }, false);
            return;
          }
          const ra = retryAfterMs(headers);
          if (status === 429) {
            const wait = ra !== undefined ? ra + Math.round(Math.random() * 250) : backoffMs(t.attempts, family.limits.backoffBaseMs);
            family.pause(wait, `429 inside $batch${ra !== undefined ? '' : ' (no Retry-After)'}`);
            t.notBefore = Date.now() + wait;
          } else t.notBefore = Date.now() + (ra ?? backoffMs(t.attempts, 500));
          client.retries++;
          logger.log({
            level: 'info', event: 'retry', collection: key, family: 'directory', attempt: t.attempts, reason: `${status || 'no response'} for a $batch item`, waitMs: Math.max(0, t.notBefore - Date.now()),
            ...(opts.verbose ? { message: `retry ${t.attempts} after ${status || 'no response'} for ${spec.path(t.id).split('?')[0]}` } : {}),
          });
          queue.push(t);
          return;
        }
        const { code, message } = errorInfo(status, body);
        failure ??= new Unavailable({ status, code, message: `${message} (${spec.path(t.id).split('?')[0]})` }, true);
      };

      const takeReady = (n: number): Task[] => {
        const now = Date.now();
        const out: Task[] = [];
        for (let i = 0; i < queue.length && out.length < n; ) {
          if (queue[i]!.notBefore <= now) out.push(...queue.splice(i, 1));
          else i++;
        }
        return out;
      };

      const worker = async () => {
        for (;;) {
          if (failure || opts.signal?.aborted) return;
          const tasks = takeReady(spec.batch ? BATCH_MAX : 1);
          if (!tasks.length) {
            if (!queue.length && inFlight === 0) return;
            const soonest = queue.length ? Math.min(...queue.map((t) => t.notBefore)) - Date.now() : Infinity;
            await Promise.race([new Promise<void>((r) => { const prev = wake; wake = () => { prev?.(); r(); }; }), sleep(Math.max(5, Math.min(soonest, 1000)))]);
            continue;
          }
          inFlight++;
          try {
            if (!spec.batch) {
              const t = tasks[0]!;
              const url = t.url.startsWith('/') ? `${prefix}${t.url}` : client.rebase(t.url, 'directory');
              const res = await client.call({ url, cost: spec.cost });
              settle(t, res.status, res.headers as Record<string, string>, res.json);
            } else {
              const requests = tasks.map((t, i) => ({ id: String(i + 1), method: 'GET', url: t.url }));
              const res = await client.call({ method: 'POST', readOnly: true, url: `${prefix}/$batch`, body: { requests }, cost: spec.cost * tasks.length });
              if (res.status !== 200) {
                const { code, message } = errorInfo(res.status, res.json);
                if (res.status === 401 || res.status === 403) failure ??= new Unavailable({ status: res.status, code, message }, true);
                else for (const t of tasks) settle(t, res.status, res.headers as Record<string, string>, res.json);
              } else {
                const responses = ((res.json as { responses?: unknown[] } | undefined)?.responses ?? []) as { id?: string; status?: number; headers?: Record<string, string>; body?: unknown }[];
                const byId = new Map(responses.map((r) => [String(r.id), r]));
                tasks.forEach((t, i) => {
                  const r = byId.get(String(i + 1));
                  if (!r) settle(t, 0, undefined, undefined);
                  else settle(t, r.status ?? 0, r.headers, typeof r.body === 'string' ? tryJson(r.body) : r.body);
                });
              }
            }
          } catch (err) {
            if (err instanceof ApiError) {
              if (!err.transient) failure ??= new Unavailable({ status: err.status, code: err.code, message: err.message }, true);
              else for (const t of tasks) settle(t, err.status || 0, undefined, undefined);
            } else throw err;
          } finally {
            inFlight--;
            notify();
          }
        }
      };
      const workers = Math.max(1, spec.batch ? family.limits.concurrency : family.limits.concurrency * 2);
      await Promise.all(Array.from({ length: workers }, worker));
      if (failure) throw failure;
      await w.checkpoint(null);
      opts.onCheckpoint?.(key, w.count);
      return w.count;
    } finally {
      w.close();
    }
  };

  // ---- the collections ------------------------------------------------------------------------

  const g = (version: 'v1.0' | 'beta', path: string) => client.graphUrl(version, path);
  const sel = (fields: string[]) => `$select=${fields.join(',')}`;
  const perUserMode = opts.perUserMfa ?? 'auto';

  const tenantP = run('tenant', async () => {
    const org = await client.getJson({ url: g('v1.0', `/organization?${sel(['id', 'displayName', 'verifiedDomains'])}`) });
    const o = (Array.isArray(org.value) ? org.value[0] : undefined) as Record<string, unknown> | undefined;
    if (!o || typeof o.id !== 'string') throw new ApiError('GET /organization returned no organization', 200, 'UnexpectedResponse', false);
    const domains = (Array.isArray(o.verifiedDomains) ? o.verifiedDomains : []) as Record<string, unknown>[];
    const initial = domains.find((d) => d.isInitial === true)?.name ?? domains.find((d) => d.isDefault === true)?.name;
    const tenant: TenantInfo = {
      id: o.id,
      displayName: (o.displayName as string | null | undefined) ?? null,
      ...(typeof initial === 'string' ? { defaultDomain: initial } : {}),
      cloud: endpoints.name,
      ...(domains.length ? { verifiedDomains: domains.map((d) => ({ name: d.name, isInitial: d.isInitial, isDefault: d.isDefault, type: d.type })) } : {}),
    };
    return { count: 1, value: tenant };
  });

  const countOf = async (what: string): Promise<number | undefined> => {
    try {
      const res = await client.call({ url: g('v1.0', `/${what}/$count`), headers: { ConsistencyLevel: 'eventual', accept: 'text/plain' } });
      const n = Number(typeof res.json === 'number' ? res.json : NaN);
      return res.status === 200 && Number.isFinite(n) ? n : undefined;
    } catch {
      return undefined;
    }
  };

  const usersP = run('users', async (st) => {
    if (logger.live) void countOf('users').then((n) => { if (n !== undefined) st.total = n; }, () => undefined);
    const withState = perUserMode === 'auto';
    const url = (fields: string[]) => g('beta', `/users?${sel(fields)}&$top=999`);
    try {
      return { count: await paged('users', st, 'directory', url(withState ? [...USER_SELECT, 'perUserMfaState'] : USER_SELECT), 1) };
    } catch (err) {
      // A Graph that does not know perUserMfaState in $select: list without it, ask per user.
      if (withState && err instanceof ApiError && err.status === 400 && /perUserMfaState/i.test(err.message)) {
        logger.log({ level: 'info', event: 'feature-detect', collection: 'users', message: 'perUserMfaState not selectable on the user list; reading it per user' });
        await stage.reset('users');
        return { count: await paged('users', st, 'directory', url(USER_SELECT), 1), note: 'perUserMfaState not in list' };
      }
      throw err;
    }
  });

  const groupsP = run('groups', async (st) => {
    if (logger.live) void countOf('groups').then((n) => { if (n !== undefined) st.total = n; }, () => undefined);
    return { count: await paged('groups', st, 'directory', g('v1.0', `/groups?${sel(GROUP_SELECT)}&$top=999`), 1) };
  });

  const simple = (key: string, family: FamilyName, url: string) => run(key, async () => {
    const items = await listAll(family, url);
    return { count: await whole(key, items) };
  });

  const registrationP = run('userRegistrationDetails', async (st) => {
    usersP.then((m) => { if (m && !st.total) st.total = m.count; }, () => undefined);
    return { count: await paged('userRegistrationDetails', st, 'reports', g('beta', '/reports/authenticationMethods/userRegistrationDetails?$top=999'), 1) };
  });
  const spP = run('servicePrincipals', async (st) => ({ count: await paged('servicePrincipals', st, 'directory', g('v1.0', `/servicePrincipals?${sel(SP_SELECT)}&$top=999`), 1) }));
  const smallP = [
    simple('roleDefinitions', 'directory', g('beta', `/roleManagement/directory/roleDefinitions?${sel(ROLE_DEF_SELECT)}`)),
    simple('roleAssignments', 'directory', g('v1.0', `/roleManagement/directory/roleAssignments?${sel(ROLE_ASSIGNMENT_SELECT)}`)),
    simple('roleEligibilitySchedules', 'directory', g('v1.0', '/roleManagement/directory/roleEligibilitySchedules')),
    // Conditional Access: 1 request/s per tenant for all apps, so one at a time (the `ca` family).
    simple('conditionalAccessPolicies', 'ca', g('beta', '/identity/conditionalAccess/policies')),
    simple('namedLocations', 'ca', g('v1.0', '/identity/conditionalAccess/namedLocations')),
    simple('authenticationStrengthPolicies', 'directory', g('v1.0', '/policies/authenticationStrengthPolicies')),
    run('securityDefaults', async () => {
      const v = await client.getJson({ url: g('v1.0', '/policies/identitySecurityDefaultsEnforcementPolicy') });
      return { count: 1, value: v };
    }),
  ];

  const membersP = groupsP.then((groups) => run('groupMembers', async (st) => {
    if (!groups || groups.unavailable) throw new Unavailable({ status: 424, code: 'DependencyUnavailable', message: 'groups could not be read' }, true);
    const ids: string[] = [];
    for await (const line of stage.lines('groups')) ids.push((JSON.parse(line) as { id: string }).id);
    const count = await perObject('groupMembers', st, { version: 'v1.0', ids, path: (id) => `/groups/${id}/members?$select=id&$top=999`, cost: 2, shape: 'list', batch: true });
    return { count };
  }));

  /** One pass over the stored users: who lacks perUserMfaState, who looks like a break-glass account. */
  const userFacts = usersP.then(async (users) => {
    const missingState: string[] = [];
    const byName = new Map<string, string>();
    const breakGlass: string[] = [];
    if (users && !users.unavailable) {
      for await (const line of stage.lines('users')) {
        const u = JSON.parse(line) as { id: string; userPrincipalName?: string; displayName?: string; perUserMfaState?: unknown };
        if (typeof u.perUserMfaState !== 'string' || perUserMode !== 'auto') missingState.push(u.id);
        if (u.userPrincipalName) byName.set(u.userPrincipalName.toLowerCase(), u.id);
        byName.set(u.id.toLowerCase(), u.id);
        if (BREAK_GLASS.test(u.userPrincipalName ?? '') || BREAK_GLASS.test(u.displayName ?? '')) breakGlass.push(u.id);
      }
    }
    return { users, missingState, byName, breakGlass };
  });

  const requirementsP = userFacts.then(({ users, missingState }) => run('authenticationRequirements', async (st) => {
    if (!users || users.unavailable) throw new Unavailable({ status: 424, code: 'DependencyUnavailable', message: 'users could not be read' }, true);
    if (!missingState.length) return { count: 0, skipped: true, note: 'perUserMfaState came with the user list' };
    const count = await perObject('authenticationRequirements', st, {
      version: 'beta', ids: missingState, path: (id) => `/users/${id}/authentication/requirements`, cost: 1, shape: 'object', batch: perUserMode !== 'naive',
    });
    return { count };
  }));

  const methodsP = userFacts.then(({ users, byName, breakGlass }) => run('authenticationMethods', async (st) => {
    const spec = opts.authMethodsFor ?? 'auto';
    if (spec === 'none') return { count: 0, skipped: true, note: 'not requested' };
    if (!users || users.unavailable) throw new Unavailable({ status: 424, code: 'DependencyUnavailable', message: 'users could not be read' }, true);
    const ids = spec === 'auto' ? breakGlass : spec.map((s) => byName.get(s.toLowerCase())).filter((x): x is string => !!x);
    if (!ids.length) return { count: 0, skipped: true, note: 'no break-glass accounts recognised; name them with --auth-methods-for' };
    const count = await perObject('authenticationMethods', st, { version: 'v1.0', ids, path: (id) => `/users/${id}/authentication/methods`, cost: 1, shape: 'list', batch: true });
    return { count };
  }));

  // ---- Azure Resource Manager ------------------------------------------------------------------

  const subsP = run('subscriptions', async () => {
    const subs = await listAll('arm', client.armUrl(`/subscriptions?api-version=${ARM_SUBSCRIPTIONS_API}`));
    return { count: await whole('subscriptions', subs) };
  });
  const subscriptionIds = subsP.then(async (m) => {
    if (!m || m.unavailable) return undefined;
    const ids: string[] = [];
    for await (const line of stage.lines('subscriptions')) ids.push((JSON.parse(line) as { subscriptionId: string }).subscriptionId);
    return ids;
  });

  /** Resource Graph over `authorizationresources` (all subscriptions and management groups in one query); undefined when unusable. */
  const viaResourceGraph = async (type: string): Promise<Record<string, unknown>[] | undefined> => {
    const rows: Record<string, unknown>[] = [];
    let skipToken: string | undefined;
    try {
      do {
        const res = await client.call({
          method: 'POST', readOnly: true, url: client.armUrl(`/providers/Microsoft.ResourceGraph/resources?api-version=${ARG_API}`),
          body: {
            query: `authorizationresources | where type =~ '${type}' | project id, name, properties`,
            options: { resultFormat: 'objectArray', $top: 1000, authorizationScopeFilter: 'AtScopeAboveAndBelow', ...(skipToken ? { $skipToken: skipToken } : {}) },
          },
        });
        if (res.status !== 200) {
          const { code, message } = errorInfo(res.status, res.json);
          logger.log({ level: 'info', event: 'resource-graph-unavailable', collection: type, status: res.status, code, message: `Resource Graph not usable (${res.status} ${code}: ${message}); listing per subscription` });
          return undefined;
        }
        const body = res.json as { data?: unknown; $skipToken?: string; resultTruncated?: string };
        if (!Array.isArray(body.data)) return undefined;
        // Resource Graph's `type` column is lower-case; the ARM object says Microsoft.Authorization/roleAssignments.
        const armType = ARM_TYPES[type] ?? type;
        for (const r of body.data as Record<string, unknown>[]) rows.push({ id: r.id, type: armType, name: r.name, properties: r.properties });
        skipToken = body.$skipToken;
      } while (skipToken);
    } catch (err) {
      if (err instanceof ApiError) {
        logger.log({ level: 'info', event: 'resource-graph-unavailable', message: `Resource Graph failed (${err.message}); listing per subscription` });
        return undefined;
      }
      throw err;
    }
    return rows;
  };

  /** The same list from every subscription, de-duplicated (inherited items appear under each). */
  const perSubscription = async (ids: string[], path: (sub: string) => string, dedupe: (item: Record<string, unknown>) => string): Promise<Record<string, unknown>[]> => {
    const seen = new Map<string, Record<string, unknown>>();
    await Promise.all(ids.map(async (sub) => {
      let items: Record<string, unknown>[];
      try {
        items = await listAll('arm', client.armUrl(path(sub)));
      } catch (err) {
        if (err instanceof ApiError) throw new ApiError(`${err.message} (subscription ${sub})`, err.status, err.code, err.transient);
        throw err;
      }
      for (const it of items) {
        const k = dedupe(it).toLowerCase();
        if (!seen.has(k)) seen.set(k, it);
      }
    }));
    return [...seen.values()];
  };

  const armKeyed = (key: string, type: string, path: (sub: string) => string, dedupe: (item: Record<string, unknown>) => string) =>
    run(key, async () => {
      let items = await viaResourceGraph(type);
      if (!items) {
        const ids = await subscriptionIds;
        if (!ids) throw new Unavailable({ status: 424, code: 'DependencyUnavailable', message: 'Resource Graph unusable and subscriptions could not be read' }, true);
        items = await perSubscription(ids, path, dedupe);
      } else {
        const seen = new Set<string>();
        items = items.filter((i) => { const k = dedupe(i).toLowerCase(); return seen.has(k) ? false : (seen.add(k), true); });
      }
      return { count: await whole(key, items) };
    });

  const armP = [
    subsP,
    armKeyed('azureRoleDefinitions', 'microsoft.authorization/roledefinitions', (s) => `/subscriptions/${s}/providers/Microsoft.Authorization/roleDefinitions?api-version=${ARM_ROLE_API}`, (d) => String(d.name ?? d.id)),
    armKeyed('azureRoleAssignments', 'microsoft.authorization/roleassignments', (s) => `/subscriptions/${s}/providers/Microsoft.Authorization/roleAssignments?api-version=${ARM_ROLE_API}`, (a) => String(a.id)),
    subscriptionIds.then((ids) => run('classicAdministrators', async () => {
      if (!ids) throw new Unavailable({ status: 424, code: 'DependencyUnavailable', message: 'subscriptions could not be read' }, true);
      const items = await perSubscription(ids, (s) => `/subscriptions/${s}/providers/Microsoft.Authorization/classicAdministrators?api-version=${ARM_CLASSIC_API}`, (c) => String(c.id));
      return { count: await whole('classicAdministrators', items) };
    })),
  ];

  let failed: unknown;
  try {
    await Promise.all([tenantP, usersP, groupsP, registrationP, spP, ...smallP, membersP, requirementsP, methodsP, ...armP]);
  } catch (err) {
    failed = err;
  }
  logger.stop();
  transport.close();
  if (failed) throw failed;

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
    if (c.key === 'tenant') continue;
    if (OBJECT_KEYS.has(c.key)) manifest[c.key] = m.value;
    else fileKeys.push(c.key);
  }
  manifest.unavailable = unavailable;
  const files = await stage.finalize(manifest, fileKeys);
  const fam = client.families;
  const families = Object.fromEntries(Object.entries(fam).map(([k, f]) => [k, { requests: f.requests, throttled: f.throttled, waitedMs: f.waitedMs }])) as CollectResult['families'];
  const result: CollectResult = {
    out: stage.out, files, tenant, counts, unavailable, resumed, wallMs: Date.now() - t0,
    requests: transport.sent, retries: client.retries, throttled: Object.values(fam).reduce((a, f) => a + f.throttled, 0), families, durations,
  };
  logger.log({
    level: Object.keys(unavailable).length ? 'warn' : 'info', event: 'finished', requests: result.requests, retries: result.retries, throttled: result.throttled, ms: result.wallMs, counts, unavailable,
    message: `snapshot written to ${opts.out} in ${(result.wallMs / 1000).toFixed(1)} s (${result.requests.toLocaleString('en-US')} requests, ${result.retries} retried, ${result.throttled} throttling waits)` +
      (Object.keys(unavailable).length ? `; UNAVAILABLE: ${Object.entries(unavailable).map(([k, v]) => `${k} (${v.status ?? ''} ${v.code ?? ''})`).join(', ')} — verdicts that depend on them will be "unknown"` : ''),
  });
  return result;
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
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

export { redactUrl };
