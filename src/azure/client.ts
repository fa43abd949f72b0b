/**
 * The one client for Microsoft Graph, Azure Resource Manager and the Log Analytics query API, used by
 * collection (reads) and remediation (writes). Politeness and resilience live here once:
 * - every request is charged to the rate-limit family its URL belongs to (rate-limits.ts) and first
 *   takes a slot and budget from it (rate-budget.ts);
 * - 429 → the whole family pauses for `Retry-After` (or our own jittered backoff when the service sends
 *   none, as Conditional Access does), then the request is retried;
 * - 5xx, 408, timeouts and connection resets → jittered exponential backoff, bounded attempts;
 * - 401 → one token refresh, then give up;
 * - anything else (403, 400 licence errors, 404, 409, 412) is returned to the caller, who decides.
 * Writes are retried only when that cannot apply a change twice (see `retrySafe`). Every request
 * carries a fresh client request id; the service's request id comes back on the response, and every
 * write attempt is reported to the journal hook (journal.ts) before it is sent and after its outcome.
 * Tokens are only ever sent to the configured origins: a `nextLink` pointing elsewhere is re-based
 * onto the configured endpoint.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { TokenSource } from './auth.js';
import type { ResolvedEndpoints } from './clouds.js';
import { HttpTransport, TransportError, type HttpMethod, type HttpRequest } from './http.js';
import { redactUrl, type WriteJournal, type WriteJournalRecord } from './journal.js';
import { backoffMs, RateFamily, retryAfterMs, sleep, type ThrottleEvent } from './rate-budget.js';
import { familyOfUrl, RATE_LIMIT_FAMILIES, rateLimitFamily, type ApiName, type FamilyLimits, type FamilyName } from './rate-limits.js';

export interface ApiResponse {
  status: number;
  headers: IncomingHttpHeaders;
  json: unknown;
  /** The id we sent (`client-request-id` / `x-ms-client-request-id`). */
  clientRequestId: string;
  /** The service's id for the request (`request-id` / `x-ms-request-id`), when it sent one. */
  requestId?: string;
}

/** A call that failed for good: `status` 0 means no HTTP response (network). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(message: string, readonly status: number, readonly code: string, readonly transient: boolean, readonly requestId?: string) {
    super(message);
  }
}

export interface ClientEvents {
  retry?: (e: { family: FamilyName; attempt: number; reason: string; waitMs: number; url: string }) => void;
  throttle?: (e: ThrottleEvent) => void;
}

export interface ClientOptions {
  endpoints: ResolvedEndpoints;
  tokens: TokenSource;
  transport: HttpTransport;
  limits?: Partial<Record<FamilyName, Partial<FamilyLimits>>>;
  /** Attempts per request before giving up (429s and transient failures). */
  maxAttempts?: number;
  events?: ClientEvents;
  /** Called for every write attempt, before it is sent and after its outcome (audit records). */
  journal?: WriteJournal;
  /** Product token for the User-Agent header. */
  userAgent?: string;
  signal?: AbortSignal;
}

export interface CallSpec {
  method?: HttpMethod;
  url: string;
  body?: unknown;
  /** Resource units (directory) or 1. */
  cost?: number;
  headers?: Record<string, string>;
  /** ETag the change is conditional on (sent as If-Match). */
  ifMatch?: string;
  /** A POST that changes nothing (`$batch` of GETs, a Resource Graph or Log Analytics query): retried like a GET. */
  readOnly?: boolean;
}

export type WriteOptions = Pick<CallSpec, 'headers' | 'ifMatch' | 'cost'>;

/** `{"error": {"code", "message"}}` (Graph, ARM and Log Analytics), or whatever text came back. */
export function errorInfo(status: number, json: unknown, fallback = ''): { code: string; message: string } {
  const e = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof e?.code === 'string' ? e.code : `HTTP${status}`;
  const message = typeof e?.message === 'string' ? e.message : fallback || `HTTP ${status}`;
  return { code, message: message.length > 500 ? message.slice(0, 500) + '…' : message };
}

/**
 * Whether a failed attempt may be sent again. Reads (and read-only POSTs) always. A PATCH or DELETE
 * with If-Match is idempotent: if the first attempt was applied, the ETag changed and the retry gets a
 * 412 (or a 404 after a DELETE) instead of applying it twice. Any other write only when the service
 * said it did not process it: a 429, or a 503 with Retry-After (Graph and ARM reject those before
 * doing anything). A timeout, a reset or a plain 5xx leaves a non-idempotent write's outcome unknown,
 * so it is returned to the caller (who can read the object back) rather than repeated.
 */
function retrySafe(spec: CallSpec, status: number, headers: IncomingHttpHeaders | undefined): boolean {
  const method = spec.method ?? 'GET';
  if (method === 'GET' || spec.readOnly) return true;
  if ((method === 'PATCH' || method === 'DELETE') && spec.ifMatch) return true;
  return status === 429 || (status === 503 && retryAfterMs(headers) !== undefined);
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export class AzureClient {
  readonly families: Record<FamilyName, RateFamily>;
  readonly maxAttempts: number;
  retries = 0;
  constructor(private readonly opts: ClientOptions) {
    this.maxAttempts = opts.maxAttempts ?? 10;
    this.families = Object.fromEntries(RATE_LIMIT_FAMILIES.map((f) => [
      f.name, new RateFamily(f.name, { ...f.limits, ...opts.limits?.[f.name] }, f.headers, opts.events?.throttle),
    ])) as Record<FamilyName, RateFamily>;
  }

  get endpoints(): ResolvedEndpoints {
    return this.opts.endpoints;
  }

  graphUrl(version: 'v1.0' | 'beta', path: string): string {
    return `${this.opts.endpoints.graph}/${version}${path}`;
  }

  armUrl(path: string): string {
    return `${this.opts.endpoints.arm}${path}`;
  }

  private base(api: ApiName): string {
    return this.opts.endpoints[api];
  }

  /** The rate-limit family a URL is charged to (rate-limits.ts decides, from its table). */
  familyOf(url: string): FamilyName {
    const family = familyOfUrl(url, this.opts.endpoints);
    if (!family) throw new ApiError(`not a Graph, ARM or Log Analytics URL under the configured endpoints: ${redactUrl(url)}`, 0, 'UnknownEndpoint', false);
    return family;
  }

  /** Keeps a service-provided link on the configured origin of `family`'s API (tokens never travel to another host). */
  rebase(link: string, family: FamilyName): string {
    const base = this.base(rateLimitFamily(family).api);
    const b = new URL(base);
    let u: URL;
    try {
      u = new URL(link, base + '/');
    } catch {
      return link;
    }
    if (u.origin === b.origin) return u.toString();
    // Same path under our endpoint (a gateway or emulator may hand out canonical host names).
    const prefix = b.pathname.replace(/\/+$/, '');
    return `${b.origin}${prefix}${u.pathname.startsWith(prefix + '/') ? u.pathname.slice(prefix.length) : u.pathname}${u.search}`;
  }

  /**
   * One logical request with retries. Returns the final response for any status a retry cannot fix
   * (2xx, 4xx other than 408/429, and what `retrySafe` forbids repeating); throws ApiError once
   * attempts are used up.
   */
  async call(spec: CallSpec): Promise<ApiResponse> {
    const familyName = this.familyOf(spec.url);
    const family = this.families[familyName];
    const api = rateLimitFamily(familyName).api;
    const scope = this.opts.endpoints[`${api}Scope`];
    const method = spec.method ?? 'GET';
    const isWrite = method !== 'GET' && !spec.readOnly;
    const clientRequestId = randomUUID();
    const journal = isWrite ? this.opts.journal : undefined;
    const record = (e: Partial<WriteJournalRecord> & Pick<WriteJournalRecord, 'phase' | 'attempt'>) =>
      journal?.({ method, url: redactUrl(spec.url), clientRequestId, ...(spec.ifMatch ? { ifMatch: spec.ifMatch } : {}), ...e });
    let refreshed = false;
    let forceRefresh = false;
    let last: { status: number; code: string; message: string; requestId?: string } = { status: 0, code: 'NoAttempt', message: '' };
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const release = await family.acquire(spec.cost ?? 1, this.opts.signal);
      let status = 0;
      let headers: IncomingHttpHeaders = {};
      let json: unknown;
      let text = '';
      try {
        const token = await this.opts.tokens.get(scope, forceRefresh);
        forceRefresh = false;
        const req: HttpRequest = {
          method,
          url: spec.url,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            'user-agent': this.opts.userAgent ?? 'mfaguard-collector',
            [api === 'graph' ? 'client-request-id' : 'x-ms-client-request-id']: clientRequestId,
            ...(spec.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(spec.ifMatch ? { 'if-match': spec.ifMatch } : {}),
            ...spec.headers,
          },
          body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        };
        record({ phase: 'sending', attempt });
        const res = await this.opts.transport.request(req);
        status = res.status;
        headers = res.headers;
        text = res.body.toString('utf8');
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
      } catch (err) {
        release();
        if (err instanceof TransportError) record({ phase: 'outcome', attempt, status: 0, code: err.kind, message: err.message });
        // A refused connection never reached the service: safe to send again, even a write.
        if (err instanceof TransportError && err.retryable && (err.kind === 'refused' || retrySafe(spec, 0, undefined))) {
          last = { status: 0, code: err.kind, message: err.message };
          const wait = backoffMs(attempt, 500);
          this.noteRetry(familyName, spec, attempt, err.message, wait);
          await sleep(wait, this.opts.signal);
          continue;
        }
        if (err instanceof TransportError) {
          const unknownOutcome = err.retryable ? `; the ${method} may or may not have been applied` : '';
          throw new ApiError(`${err.message}${unknownOutcome}`, 0, err.kind, false);
        }
        throw err;
      }
      release();
      family.observe(headers);
      const requestId = header(headers, 'request-id') ?? header(headers, 'x-ms-request-id');
      const response: ApiResponse = { status, headers, json, clientRequestId, ...(requestId ? { requestId } : {}) };
      if (journal) {
        const failed = status >= 300 ? errorInfo(status, json, text) : undefined;
        record({ phase: 'outcome', attempt, status, ...(requestId ? { requestId } : {}), ...(failed ? { code: failed.code, message: failed.message } : {}) });
      }
      const canRetry = retrySafe(spec, status, headers);
      if (status === 429 && canRetry) {
        const info = errorInfo(status, json, text);
        last = { status, ...info, ...(requestId ? { requestId } : {}) };
        const ra = retryAfterMs(headers);
        const wait = ra !== undefined ? ra + Math.round(Math.random() * 250) : backoffMs(attempt, family.limits.backoffBaseMs);
        const scopeHdr = headers['x-ms-throttle-scope'] ? ` scope=${String(headers['x-ms-throttle-scope'])}` : '';
        const infoHdr = headers['x-ms-throttle-information'] ? ` info=${String(headers['x-ms-throttle-information'])}` : '';
        family.pause(wait, `429 ${ra !== undefined ? 'Retry-After' : 'no Retry-After, own backoff'}${scopeHdr}${infoHdr}`);
        this.noteRetry(familyName, spec, attempt, `429${scopeHdr}`, wait);
        continue; // acquire() waits for the pause
      }
      if ((status >= 500 || status === 408) && canRetry) {
        const info = errorInfo(status, json, text);
        last = { status, ...info, ...(requestId ? { requestId } : {}) };
        const ra = retryAfterMs(headers);
        const wait = ra ?? backoffMs(attempt, 500);
        this.noteRetry(familyName, spec, attempt, `${status} ${info.code}`, wait);
        await sleep(wait, this.opts.signal);
        continue;
      }
      if (status === 401 && !refreshed) {
        refreshed = true;
        forceRefresh = true;
        last = { status, ...errorInfo(status, json, text) };
        attempt--; // a refresh is not a retry
        continue;
      }
      return response;
    }
    throw new ApiError(
      `gave up after ${this.maxAttempts} attempts: ${last.status ? `HTTP ${last.status} ${last.code}` : last.code}${last.message ? ` (${last.message})` : ''}`,
      last.status, last.status === 429 ? 'TooManyRequests' : last.code, true, last.requestId,
    );
  }

  private noteRetry(family: FamilyName, spec: CallSpec, attempt: number, reason: string, waitMs: number): void {
    this.retries++;
    this.opts.events?.retry?.({ family, attempt, reason, waitMs, url: redactUrl(spec.url) });
  }

  /** A call that must succeed: non-2xx becomes an ApiError carrying the service's code, message and request id. */
  async request(spec: CallSpec): Promise<ApiResponse> {
    const res = await this.call(spec);
    if (res.status < 200 || res.status > 299) {
      const { code, message } = errorInfo(res.status, res.json);
      throw new ApiError(message, res.status, code, false, res.requestId);
    }
    return res;
  }

  /** GET that must succeed and return a JSON object. */
  async getJson(spec: CallSpec): Promise<Record<string, unknown>> {
    const res = await this.request(spec);
    if (typeof res.json !== 'object' || res.json === null) throw new ApiError(`unexpected response body from ${redactUrl(spec.url)}`, res.status, 'UnexpectedResponse', true, res.requestId);
    return res.json as Record<string, unknown>;
  }

  get(url: string, opts: Omit<CallSpec, 'url' | 'method' | 'body'> = {}): Promise<ApiResponse> {
    return this.request({ ...opts, url });
  }

  post(url: string, body: unknown, opts: WriteOptions = {}): Promise<ApiResponse> {
    return this.request({ ...opts, method: 'POST', url, body });
  }

  patch(url: string, body: unknown, opts: WriteOptions = {}): Promise<ApiResponse> {
    return this.request({ ...opts, method: 'PATCH', url, body });
  }

  delete(url: string, opts: WriteOptions = {}): Promise<ApiResponse> {
    return this.request({ ...opts, method: 'DELETE', url });
  }
}
