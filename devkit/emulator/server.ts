/**
 * `startEmulator`: one loopback port serving the Microsoft identity platform, Microsoft Graph (v1.0
 * and beta) and Azure Resource Manager from an mfaguard snapshot, with Graph's throttling and
 * injected faults. With `tls`, the port answers HTTPS (self-signed certificate made at start: MSAL
 * only accepts an https authority) and, on the same port, plain HTTP for clients that cannot be told
 * to trust a new CA (the first byte of a connection tells a TLS ClientHello from HTTP).
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, isIP, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { loadSnapshot } from '../../src/snapshot/load.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { dispatchArm, type ArmCtx } from './arm.js';
import { handleBatch } from './batch.js';
import { Faults } from './faults.js';
import { dispatchGraph, isGraphVersion, throttled429, type GraphCtx, type HandlerCtx } from './graph.js';
import { WriteFaults } from './writes.js';
import { ALL_ROLES, DEFAULT_CLIENT, Identity, LOG_ANALYTICS_AUDIENCE } from './identity.js';
import { graphFamily, Limiter } from './limits.js';
import { LogAnalyticsEmulator } from './log-analytics.js';
import { Stats } from './stats.js';
import { TenantState } from './tenant-state.js';
import { tenantMutator } from './delta.js';
import type { DenySpec, EmulatorClient, EmulatorHandle, EmulatorOptions, EmulatorTenantHandle, EmuRequest, EmuResponse, Family, FaultKind, LimitsOptions, TenantEmulatorOptions } from './types.js';
import { armError, graphError } from './util.js';

const MAX_BODY = 4 * 1024 * 1024;

/** Only loopback addresses: the emulator never listens on (or advertises) anything else. */
export function loopbackHost(host: string | undefined): string {
  const h = (host ?? '127.0.0.1').trim();
  if (h === 'localhost') return '127.0.0.1';
  if (isIP(h) === 4 && h.startsWith('127.')) return h;
  if (h === '::1' || h === '[::1]') return '::1';
  throw new Error(`mfaguard emulator: host '${h}' is not a loopback address (use 127.0.0.1, another 127.x.y.z, ::1 or localhost)`);
}

async function makeCertificate(host: string): Promise<{ key: string; cert: string }> {
  const selfsigned = (await import('selfsigned')) as unknown as { generate: typeof import('selfsigned').generate; default?: { generate: typeof import('selfsigned').generate } };
  const generate = selfsigned.generate ?? selfsigned.default!.generate;
  const notBeforeDate = new Date(Date.now() - 60 * 60 * 1000);
  const notAfterDate = new Date(Date.now() + 7 * 24 * 60 * 60 * 1000);
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (host !== '127.0.0.1' && host !== '::1') altNames.push({ type: 7, ip: host });
  const pems = await generate([{ name: 'commonName', value: 'mfaguard emulator (loopback)' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

function familyOfPath(segments: string[], method: string): Family {
  if (isGraphVersion(segments[0])) return graphFamily(segments.slice(1), method);
  const low = segments.map((s) => s.toLowerCase());
  if (low[0] === 'providers' && low[1] === 'microsoft.resourcegraph') return 'arg';
  if (low[0] === 'subscriptions' || low.includes('microsoft.authorization')) return method === 'GET' ? 'arm' : 'armWrite';
  return 'identity';
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve('too-large');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  let snapshot: Snapshot;
  if (options.snapshot) snapshot = options.snapshot;
  else if (options.snapshotPath) snapshot = (await loadSnapshot(options.snapshotPath)).snapshot;
  else throw new Error('mfaguard emulator: pass snapshot or snapshotPath');

  const host = loopbackHost(options.host);
  // One process may serve several tenants (MSP runs): each has its own state, identity (signing key),
  // limits, stats, faults and denials; requests are routed by the tenant in the token authority's path
  // or the access token's `tid`, as Entra ID and Graph do (tenantRuntime below).
  const primary = await tenantRuntime(snapshot, options, options);
  const runtimes: TenantRuntime[] = [primary];
  for (const t of options.tenants ?? []) {
    const snap = t.snapshot ?? (t.snapshotPath ? (await loadSnapshot(t.snapshotPath)).snapshot : undefined);
    if (!snap) throw new Error('mfaguard emulator: each of tenants needs snapshot or snapshotPath');
    const rt = await tenantRuntime(snap, { ...options, ...t }, options);
    if (runtimes.some((r) => r.state.tenant.id.toLowerCase() === rt.state.tenant.id.toLowerCase())) throw new Error(`mfaguard emulator: tenant ${rt.state.tenant.id} given twice`);
    runtimes.push(rt);
  }
  const byName = new Map<string, TenantRuntime>();
  // ids first, then domains: a domain two generated tenants share goes to the first
  for (const rt of runtimes) byName.set(rt.state.tenant.id.toLowerCase(), rt);
  for (const rt of runtimes) for (const n of rt.names) if (!byName.has(n)) byName.set(n, rt);
  const pick = (segments: string[], headers: Record<string, string>, query: URLSearchParams): TenantRuntime => {
    const seg = segments[0]?.toLowerCase();
    if (seg && byName.has(seg)) return byName.get(seg)!;
    if (seg === '_emulator' && query.get('tenant')) return byName.get(query.get('tenant')!.toLowerCase()) ?? primary;
    const tid = tidOf(headers.authorization);
    return (tid && byName.get(tid.toLowerCase())) || primary;
  };
  const { state, identity, limiter, stats, faults, deny, clients, logAnalytics } = primary;
  const latency = Math.max(0, options.latencyMs ?? 0);
  const tlsOn = options.tls === true;
  const pems = tlsOn ? await makeCertificate(host) : undefined;

  let baseUrl = '';

  function route(rt: TenantRuntime, req: EmuRequest): EmuResponse {
    const { state, identity, stats, graphCtx, armCtx } = rt;
    const s = req.segments;
    if (s[0] === '_emulator') {
      if (s[1] === 'stats') return { status: 200, headers: { 'content-type': 'application/json' }, body: stats.snapshot() };
      if (s[1] === 'ca.pem' && pems) return { status: 200, headers: { 'content-type': 'application/x-pem-file' }, body: pems.cert };
      if (s[1] === 'snapshot') return { status: 200, headers: { 'content-type': 'application/json' }, body: state.toSnapshot() };
    }
    if (isGraphVersion(s[0])) {
      if (s[1] === '$batch' && s.length === 2) return handleBatch(req, graphCtx);
      return dispatchGraph(req, graphCtx).res;
    }
    const arm = dispatchArm(req, armCtx);
    if (arm) return arm.res;
    const id = identity.handle(req);
    if (id) {
      stats.request('identity', `${req.method} ${routeName(s)}`);
      return id;
    }
    stats.request('other', `${req.method} (unknown)`);
    if (s.length === 0 && req.method === 'GET') {
      return { status: 200, headers: { 'content-type': 'application/json' }, body: { service: 'mfaguard emulator', tenantId: state.tenant.id, graph: `${req.origin}/v1.0`, arm: req.origin, authorityHost: req.origin } };
    }
    return graphError(req, 404, 'NotFound', `The mfaguard emulator does not serve '${req.path}'.`);
  }

  async function handle(inReq: IncomingMessage, res: ServerResponse): Promise<void> {
    const secure = (inReq.socket as { encrypted?: boolean }).encrypted === true;
    const hostHeader = inReq.headers.host ?? `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const origin = `${secure ? 'https' : 'http'}://${hostHeader}`;
    const url = inReq.url ?? '/';
    const qi = url.indexOf('?');
    const path = qi >= 0 ? url.slice(0, qi) : url;
    const rawQuery = qi >= 0 ? url.slice(qi + 1) : '';
    const segments = path.split('/').filter(Boolean).map((x) => {
      try {
        return decodeURIComponent(x);
      } catch {
        return x;
      }
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(inReq.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    const method = (inReq.method ?? 'GET').toUpperCase();
    const emuReq: EmuRequest = {
      method,
      path,
      segments,
      query: new URLSearchParams(rawQuery),
      rawQuery,
      headers,
      body: undefined,
      requestId: randomUUID(),
      ...(headers['client-request-id'] ? { clientRequestId: headers['client-request-id'] } : {}),
      origin,
    };
    const rt = pick(segments, headers, emuReq.query);
    const { stats, faults } = rt;
    stats.totalRequests++;
    const raw = await readBody(inReq);
    const family = familyOfPath(segments, method);
    const isArmLike = family === 'arm' || family === 'armWrite' || family === 'arg';
    if (raw === 'too-large') return send(res, graphError(emuReq, 413, 'RequestEntityTooLarge', 'The request body is too large.'), method);
    if (raw.length) {
      const ct = (headers['content-type'] ?? '').toLowerCase();
      const text = raw.toString('utf8');
      if (ct.includes('application/x-www-form-urlencoded')) emuReq.body = new URLSearchParams(text);
      else if (ct.includes('json') || /^\s*[{[]/.test(text)) {
        try {
          emuReq.body = JSON.parse(text);
        } catch {
          const bad = isArmLike ? armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.') : graphError(emuReq, 400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
          return send(res, bad, method);
        }
      } else emuReq.body = text;
    }

    // faults: Graph and ARM (and the token endpoint when asked), decided per method + URL occurrence
    const faultable = family !== 'identity' && family !== 'other' ? segments[0] !== '_emulator' : options.faultIdentity === true && family === 'identity';
    let fault: FaultKind | undefined = faultable ? faults.decide(`${method} ${url}`) : undefined;
    if (fault) {
      stats.fault(family, fault);
      if (fault === 'reset') {
        stats.request(family, `${method} (reset)`);
        inReq.socket.destroy();
        return;
      }
      if (fault === '429' || fault === '503') {
        stats.request(family, `${method} (fault ${fault})`);
        if (latency) await sleep(latency);
        const r = fault === '429'
          ? isArmLike ? armError(429, 'TooManyRequests', 'The request was throttled (injected fault).', { 'retry-after': '1' }) : throttled429(emuReq, family === 'ca' ? {} : { 'retry-after': '1' })
          : isArmLike ? armError(503, 'ServiceUnavailable', 'The service is temporarily unavailable (injected fault).', { 'retry-after': '1' }) : graphError(emuReq, 503, 'serviceNotAvailable', 'The service is temporarily unavailable. Please retry.', { 'retry-after': '1' });
        return send(res, r, method);
      }
      if (fault === 'slow') {
        await sleep(faults.slowMs);
        fault = undefined;
      }
    }
    let out: EmuResponse;
    try {
      out = (await rt.logAnalytics.handle(emuReq)) ?? route(rt, emuReq);
    } catch (e) {
      out = graphError(emuReq, 500, 'InternalServerError', `mfaguard emulator error: ${(e as Error).message}`);
    }
    if (latency) await sleep(latency);
    if (isGraphVersion(segments[0])) {
      out.headers['request-id'] ??= emuReq.requestId;
      if (emuReq.clientRequestId) out.headers['client-request-id'] ??= emuReq.clientRequestId;
      out.headers['x-ms-ags-diagnostic'] ??= JSON.stringify({ ServerInfo: { DataCenter: 'Loopback', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'mfaguard-emulator' } });
    }
    if (fault === 'truncate') {
      const text = typeof out.body === 'string' ? out.body : JSON.stringify(out.body ?? {});
      const buf = Buffer.from(text);
      res.writeHead(out.status, { ...out.headers, 'content-length': String(buf.length) });
      res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => inReq.socket.destroy());
      return;
    }
    send(res, out, method);
  }

  function send(res: ServerResponse, out: EmuResponse, method: string): void {
    if (res.destroyed) return;
    const headers = { ...out.headers };
    let buf: Buffer | undefined;
    if (out.body !== undefined && out.status !== 204) buf = Buffer.from(typeof out.body === 'string' ? out.body : JSON.stringify(out.body));
    headers['content-length'] = String(buf?.length ?? 0);
    res.writeHead(out.status, headers);
    res.end(method === 'HEAD' ? undefined : buf);
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'InternalServerError', message: String((e as Error)?.message ?? e) } }));
      }
    });
  };
  const plain = createHttpServer({ keepAliveTimeout: 5000 }, onRequest);
  const secure = pems ? createHttpsServer({ key: pems.key, cert: pems.cert, keepAliveTimeout: 5000 }, onRequest) : undefined;
  const sockets = new Set<Socket>();
  const front = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('readable', () => {
      const first = socket.read(1) as Buffer | null;
      if (!first) {
        socket.destroy();
        return;
      }
      socket.unshift(first);
      (first[0] === 0x16 && secure ? secure : plain).emit('connection', socket);
    });
  });
  secure?.on('tlsClientError', (_err, s) => s.destroy());

  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(options.port ?? 0, host, () => {
      front.off('error', reject);
      resolve();
    });
  });
  const addr = front.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  baseUrl = `${tlsOn ? 'https' : 'http'}://${hostForUrl}:${port}`;
  const httpUrl = `http://${hostForUrl}:${port}`;

  let closed = false;
  const handle2: EmulatorHandle = {
    url: baseUrl,
    httpUrl,
    graphUrl: baseUrl,
    armUrl: baseUrl,
    logAnalyticsUrl: baseUrl,
    logAnalyticsStats: () => logAnalytics.stats,
    authorityHost: baseUrl,
    tenantId: state.tenant.id,
    clientId: clients[0]!.clientId,
    clientSecret: clients[0]!.clientSecret ?? '',
    port,
    ...(pems ? { ca: pems.cert } : {}),
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        front.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    stats: () => stats.snapshot(),
    resetStats: () => {
      stats.reset();
      limiter.reset();
      faults.reset();
    },
    issueToken: (opts = {}) =>
      identity.issueAccessToken({
        audience: opts.resource === 'arm' ? 'https://management.azure.com/' : opts.resource === 'logAnalytics' ? LOG_ANALYTICS_AUDIENCE : 'https://graph.microsoft.com',
        clientId: opts.clientId ?? clients[0]!.clientId,
        ...(opts.roles ? { roles: opts.roles } : {}),
        ...(opts.expiresInSeconds !== undefined ? { lifetime: opts.expiresInSeconds } : {}),
      }),
    approveDeviceCode: (code, user) => identity.approveDeviceCode(code, user),
    setDeny: (collection, spec) => {
      if (spec === undefined) deny.delete(collection);
      else deny.set(collection, spec);
    },
    currentSnapshot: () => state.toSnapshot(),
    mutate: tenantMutator(state),
    tenants: Object.fromEntries(runtimes.map((rt) => [rt.state.tenant.id, tenantHandle(rt)])),
  };
  return handle2;
}

/** Everything one tenant of the emulator has to itself. */
interface TenantRuntime extends Omit<HandlerCtx, 'pageSizes'> {
  clients: EmulatorClient[];
  graphCtx: GraphCtx;
  armCtx: ArmCtx;
  logAnalytics: LogAnalyticsEmulator;
  /** Lower-case id and domains the token authority's path may name it by. */
  names: Set<string>;
}

/** A tenant's state and services; `o` is its options (the top-level ones, or a `tenants` entry over them). */
async function tenantRuntime(snapshot: Snapshot, o: EmulatorOptions & TenantEmulatorOptions, top: EmulatorOptions): Promise<TenantRuntime> {
  const state = new TenantState(snapshot);
  const clients: EmulatorClient[] = o.clients?.length ? o.clients : top.clients?.length ? top.clients : [{ ...DEFAULT_CLIENT, roles: ALL_ROLES }];
  const names = new Set<string>([state.tenant.id.toLowerCase()]);
  if (state.tenant.defaultDomain) names.add(state.tenant.defaultDomain.toLowerCase());
  for (const d of (state.tenant as { verifiedDomains?: { name?: string }[] }).verifiedDomains ?? []) if (d?.name) names.add(d.name.toLowerCase());
  const identity = new Identity({
    tenantId: state.tenant.id,
    tenantNames: names,
    clients,
    tokenLifetime: top.tokenLifetimeSeconds ?? 3599,
    deviceCodeInterval: top.deviceCodeInterval ?? 5,
    deviceCodeAutoApprove: top.deviceCodeAutoApprove ?? false,
    findUser: (idOrUpn) => {
      if (idOrUpn) return state.findUser(idOrUpn);
      return state.users.find((u) => u.accountEnabled !== false && (u.userType ?? 'Member') === 'Member');
    },
  });
  const limitsOpts: LimitsOptions = typeof o.limits === 'object' ? o.limits : { mode: o.limits ?? 'graph' };
  const limiter = new Limiter(limitsOpts, state.users.length);
  const stats = new Stats(limiter);
  const faults = new Faults(o.faults);
  const deny = new Map<string, DenySpec>(Object.entries(o.deny ?? {}));
  const pageSizes = o.pageSizes ?? {};
  const graphCtx: GraphCtx = { state, identity, limiter, stats, faults, deny, pageSizes, userListPerUserMfaState: o.userListPerUserMfaState ?? 'yes',
    ...(top.failWrites?.length ? { writeFaults: new WriteFaults(new Set(top.failWrites)) } : {}) };
  const armCtx: ArmCtx = { state, identity, limiter, stats, faults, deny, pageSizes };
  const logAnalytics = new LogAnalyticsEmulator(identity, () => state.signIns, o.logAnalytics);
  return { state, identity, limiter, stats, faults, deny, clients, graphCtx, armCtx, logAnalytics, names };
}

function tenantHandle(rt: TenantRuntime): EmulatorTenantHandle {
  return {
    tenantId: rt.state.tenant.id,
    clientId: rt.clients[0]!.clientId,
    clientSecret: rt.clients[0]!.clientSecret ?? '',
    stats: () => rt.stats.snapshot(),
    resetStats: () => {
      rt.stats.reset();
      rt.limiter.reset();
      rt.faults.reset();
    },
    logAnalyticsStats: () => rt.logAnalytics.stats,
    setDeny: (collection, spec) => {
      if (spec === undefined) rt.deny.delete(collection);
      else rt.deny.set(collection, spec);
    },
    currentSnapshot: () => rt.state.toSnapshot(),
  };
}

/** The `tid` claim of a bearer token, unverified: it only picks the tenant whose identity then verifies the token. */
function tidOf(authorization: string | undefined): string | undefined {
  const m = /^Bearer\s+([^.\s]+)\.([^.\s]+)\./i.exec(authorization ?? '');
  if (!m) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(m[2]!, 'base64url').toString('utf8')) as { tid?: unknown };
    return typeof claims.tid === 'string' ? claims.tid : undefined;
  } catch {
    return undefined;
  }
}

function routeName(s: string[]): string {
  if (s.length >= 2 && !['common', 'devicelogin'].includes(s[0]!.toLowerCase())) return `/{tenant}/${s.slice(1).join('/')}`;
  return `/${s.join('/')}`;
}
