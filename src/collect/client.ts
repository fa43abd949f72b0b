/**
 * Graph / ARM calls with the politeness and resilience rules in one place:
 * - every request first takes a slot and tokens from its family (limiter.ts);
 * - 429 → the whole family pauses for `Retry-After` (or our own jittered backoff when the service sends
 *   none, as Conditional Access does), then the request is retried;
 * - 5xx, 408, timeouts and connection resets → jittered exponential backoff, bounded attempts;
 * - 401 → one token refresh, then give up;
 * - anything else (403, 400 licence errors, 404) is returned to the caller, who decides.
 * Tokens are only ever sent to the configured Graph / ARM origins: a `nextLink` pointing elsewhere is
 * re-based onto the configured endpoint.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { TokenSource } from './auth.js';
import type { ResolvedEndpoints } from './clouds.js';
import { HttpTransport, TransportError, type HttpRequest } from './http.js';
import { backoffMs, DEFAULT_LIMITS, Family, retryAfterMs, sleep, type FamilyLimits, type FamilyName, type ThrottleEvent } from './limiter.js';

export interface ApiResponse {
  status: number;
  headers: IncomingHttpHeaders;
  json: unknown;
}

/** A call that failed for good: `status` 0 means no HTTP response (network). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(message: string, readonly status: number, readonly code: string, readonly transient: boolean) {
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
  signal?: AbortSignal;
}

export interface CallSpec {
  family: FamilyName;
  method?: 'GET' | 'POST';
  url: string;
  body?: unknown;
  /** Resource units (directory) or 1. */
  cost?: number;
  headers?: Record<string, string>;
}

/** `{"error": {"code", "message"}}` (Graph and ARM), or whatever text came back. */
export function errorInfo(status: number, json: unknown, fallback = ''): { code: string; message: string } {
  const e = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof e?.code === 'string' ? e.code : `HTTP${status}`;
  const message = typeof e?.message === 'string' ? e.message : fallback || `HTTP ${status}`;
  return { code, message: message.length > 500 ? message.slice(0, 500) + '…' : message };
}

export class ApiClient {
  readonly families: Record<FamilyName, Family>;
  readonly maxAttempts: number;
  retries = 0;
  constructor(private readonly opts: ClientOptions) {
    this.maxAttempts = opts.maxAttempts ?? 10;
    const mk = (name: FamilyName) => new Family(name, { ...DEFAULT_LIMITS[name], ...opts.limits?.[name] }, opts.events?.throttle);
    this.families = { directory: mk('directory'), reports: mk('reports'), ca: mk('ca'), arm: mk('arm'), arg: mk('arg') };
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

  /** Keeps a service-provided link on the configured origin (tokens never travel to another host). */
  rebase(link: string, family: FamilyName): string {
    const base = family === 'arm' || family === 'arg' ? this.opts.endpoints.arm : this.opts.endpoints.graph;
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
   * (2xx, 4xx other than 408/429); throws ApiError once attempts are used up.
   */
  async call(spec: CallSpec): Promise<ApiResponse> {
    const family = this.families[spec.family];
    const scope = spec.family === 'arm' || spec.family === 'arg' ? this.opts.endpoints.armScope : this.opts.endpoints.graphScope;
    let refreshed = false;
    let forceRefresh = false;
    let last: { status: number; code: string; message: string } = { status: 0, code: 'NoAttempt', message: '' };
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
          method: spec.method ?? 'GET',
          url: spec.url,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            'user-agent': 'mfaguard-collector',
            ...(spec.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...spec.headers,
          },
          body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        };
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
        if (err instanceof TransportError && err.retryable) {
          last = { status: 0, code: err.kind, message: err.message };
          const wait = backoffMs(attempt, 500);
          this.noteRetry(spec, attempt, err.message, wait);
          await sleep(wait, this.opts.signal);
          continue;
        }
        if (err instanceof TransportError) throw new ApiError(err.message, 0, err.kind, false);
        throw err;
      }
      release();
      family.observe(headers);
      if (status === 429) {
        const info = errorInfo(status, json, text);
        last = { status, ...info };
        const ra = retryAfterMs(headers);
        const wait = ra !== undefined ? ra + Math.round(Math.random() * 250) : backoffMs(attempt, family.limits.backoffBaseMs);
        const scopeHdr = headers['x-ms-throttle-scope'] ? ` scope=${String(headers['x-ms-throttle-scope'])}` : '';
        const infoHdr = headers['x-ms-throttle-information'] ? ` info=${String(headers['x-ms-throttle-information'])}` : '';
        family.pause(wait, `429 ${ra !== undefined ? 'Retry-After' : 'no Retry-After, own backoff'}${scopeHdr}${infoHdr}`);
        this.noteRetry(spec, attempt, `429${scopeHdr}`, wait);
        continue; // acquire() waits for the pause
      }
      if (status >= 500 || status === 408) {
        const info = errorInfo(status, json, text);
        last = { status, ...info };
        const ra = retryAfterMs(headers);
        const wait = ra ?? backoffMs(attempt, 500);
        this.noteRetry(spec, attempt, `${status} ${info.code}`, wait);
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
      return { status, headers, json };
    }
    throw new ApiError(`gave up after ${this.maxAttempts} attempts: ${last.status ? `HTTP ${last.status} ${last.code}` : last.code}${last.message ? ` (${last.message})` : ''}`, last.status, last.status === 429 ? 'TooManyRequests' : last.code, true);
  }

  private noteRetry(spec: CallSpec, attempt: number, reason: string, waitMs: number): void {
    this.retries++;
    this.opts.events?.retry?.({ family: spec.family, attempt, reason, waitMs, url: redactUrl(spec.url) });
  }

  /** GET that must succeed: non-2xx becomes an ApiError carrying the service's code. */
  async getJson(spec: CallSpec): Promise<Record<string, unknown>> {
    const res = await this.call(spec);
    if (res.status < 200 || res.status > 299) {
      const { code, message } = errorInfo(res.status, res.json);
      throw new ApiError(message, res.status, code, false);
    }
    if (typeof res.json !== 'object' || res.json === null) throw new ApiError(`unexpected response body from ${redactUrl(spec.url)}`, res.status, 'UnexpectedResponse', true);
    return res.json as Record<string, unknown>;
  }
}

/** Paths and query keys are safe to log; values of `$skiptoken` and friends are opaque and long. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const k of [...u.searchParams.keys()]) if (/token|sig|code|secret|key/i.test(k)) u.searchParams.set(k, '…');
    return u.pathname + (u.search ? decodeURIComponent(u.search) : '');
  } catch {
    return url.slice(0, 200);
  }
}
