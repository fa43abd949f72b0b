/**
 * The wire: node:http/https with keep-alive agents, a hard per-request deadline, gzip, and failures
 * sorted into what a retry can fix (timeouts, resets, refused connections) and what it cannot.
 * No fetch here: Node 20's fetch cannot take an extra CA or a per-host socket cap without undici.
 */
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string | undefined;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type TransportFailure = 'timeout' | 'reset' | 'refused' | 'dns' | 'tls' | 'other';

/** The request never produced a complete response. */
export class TransportError extends Error {
  override name = 'TransportError';
  constructor(message: string, readonly kind: TransportFailure, readonly errno?: string) {
    super(message);
  }
  get retryable(): boolean {
    return this.kind === 'timeout' || this.kind === 'reset' || this.kind === 'refused' || this.kind === 'other';
  }
}

export interface TransportOptions {
  /** Extra trusted CAs (PEM), added to Node's default roots. */
  ca?: (string | Buffer)[] | undefined;
  /** Whole-request deadline (connect + response + body), ms. */
  timeoutMs?: number;
  /** Sockets per host. */
  maxSockets?: number;
}

export class HttpTransport {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  readonly timeoutMs: number;
  /** Requests sent (including retries), for statistics. */
  sent = 0;

  constructor(opts: TransportOptions = {}) {
    const maxSockets = opts.maxSockets ?? 32;
    this.timeoutMs = opts.timeoutMs ?? 100_000;
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets,
      // Passing `ca` replaces Node's default roots: keep them and add the extra ones.
      ...(opts.ca?.length ? { ca: [...rootCertificates, ...opts.ca.map(String)] } : {}),
    });
  }

  request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    const isHttps = url.protocol === 'https:';
    const lib = isHttps ? https : http;
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const headers: Record<string, string> = { 'accept-encoding': 'gzip', ...req.headers };
    if (body) headers['content-length'] = String(body.length);
    this.sent++;
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const fail = (err: TransportError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        creq.destroy();
        reject(err);
      };
      const creq = lib.request(url, { method: req.method, headers, agent: isHttps ? this.httpsAgent : this.httpAgent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => fail(classify(err)));
        res.on('aborted', () => fail(new TransportError('connection reset while reading the response', 'reset')));
        res.on('end', () => {
          if (settled) return;
          if (!res.complete) return fail(new TransportError('connection closed before the response was complete', 'reset'));
          settled = true;
          clearTimeout(timer);
          const raw = Buffer.concat(chunks);
          const done = (b: Buffer) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b });
          if (/gzip/i.test(String(res.headers['content-encoding'] ?? ''))) {
            gunzipAsync(raw).then(done, () => reject(new TransportError('response body is not valid gzip', 'reset')));
          } else done(raw);
        });
      });
      const timer = setTimeout(() => fail(new TransportError(`no complete response within ${Math.round(this.timeoutMs / 1000)} s`, 'timeout')), this.timeoutMs);
      creq.on('error', (err) => fail(classify(err)));
      creq.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function classify(err: Error & { code?: string }): TransportError {
  const code = err.code ?? '';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || code === 'HPE_INVALID_CONSTANT' || /socket hang up/i.test(err.message)) {
    return new TransportError(`connection reset (${code || err.message})`, 'reset', code);
  }
  if (code === 'ECONNREFUSED') return new TransportError(`connection refused (${code})`, 'refused', code);
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return new TransportError(`timed out (${code})`, 'timeout', code);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TransportError(`host not found (${code})`, 'dns', code);
  if (/CERT|SSL|TLS|SELF_SIGNED/i.test(code) || /certificate/i.test(err.message)) {
    return new TransportError(`TLS failure (${code || err.message}); for a private CA pass --ca-file PEM or NODE_EXTRA_CA_CERTS`, 'tls', code);
  }
  return new TransportError(err.message || code || 'request failed', 'other', code);
}
