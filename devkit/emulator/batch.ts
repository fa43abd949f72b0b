/**
 * JSON batching (`POST /v1.0/$batch`, `/beta/$batch`) as documented in Graph's json-batching concept:
 * at most 20 requests, unique ids, `headers` with Content-Type when a body is present, `dependsOn`
 * (a failed prerequisite gives 424), each item throttled on its own (inner 429 with its own
 * Retry-After inside a 200 envelope), responses in no particular order.
 */
import { authGraph, dispatchGraph, isGraphVersion, throttled429, type GraphCtx } from './graph.js';
import { graphFamily } from './limits.js';
import type { EmuRequest, EmuResponse } from './types.js';
import { graphError, isObject, JSON_PLAIN, unitHash } from './util.js';

export const MAX_BATCH = 20;

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

export function handleBatch(req: EmuRequest, ctx: GraphCtx): EmuResponse {
  const version = req.segments[0]!;
  ctx.stats.request('batch', `POST /${version}/$batch`);
  if (req.method !== 'POST') return graphError(req, 405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
  const auth = authGraph(req, ctx.identity);
  if ('res' in auth) return auth.res;
  const body = req.body;
  if (!isObject(body) || !Array.isArray(body.requests)) return graphError(req, 400, 'BadRequest', 'Invalid batch payload format.');
  const raw = body.requests as unknown[];
  if (raw.length === 0) return graphError(req, 400, 'BadRequest', 'Invalid batch payload format: no requests.');
  if (raw.length > MAX_BATCH) return graphError(req, 400, 'BadRequest', `The number of batch requests (${raw.length}) exceeds the maximum of ${MAX_BATCH}.`);
  const items: BatchItem[] = [];
  const ids = new Set<string>();
  for (const r of raw) {
    if (!isObject(r) || typeof r.id !== 'string' && typeof r.id !== 'number' || typeof r.method !== 'string' || typeof r.url !== 'string') {
      return graphError(req, 400, 'BadRequest', 'Invalid batch payload format: each request needs id, method and url.');
    }
    const id = String(r.id);
    if (ids.has(id)) return graphError(req, 400, 'BadRequest', `Batch request contains a duplicate id '${id}'.`);
    ids.add(id);
    const headers: Record<string, string> = {};
    if (r.headers !== undefined) {
      if (!isObject(r.headers)) return graphError(req, 400, 'BadRequest', 'Invalid batch payload format: headers must be an object.');
      for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
    }
    if (r.body !== undefined && !headers['content-type']) {
      return graphError(req, 400, 'BadRequest', `Write request id : ${id} does not contain Content-Type header or body.`);
    }
    const dependsOn = r.dependsOn === undefined ? [] : Array.isArray(r.dependsOn) ? r.dependsOn.map(String) : null;
    if (!dependsOn) return graphError(req, 400, 'BadRequest', 'Invalid batch payload format: dependsOn must be an array.');
    items.push({ id, method: r.method.toUpperCase(), url: r.url, headers, body: r.body, dependsOn });
  }
  for (const it of items) {
    for (const d of it.dependsOn) {
      if (!ids.has(d) || d === it.id) return graphError(req, 400, 'BadRequest', `Request id ${it.id} depends on an unknown request id '${d}'.`);
    }
  }

  const results = new Map<string, { id: string; status: number; headers: Record<string, string>; body?: unknown }>();
  const pending = [...items];
  while (pending.length) {
    const idx = pending.findIndex((it) => it.dependsOn.every((d) => results.has(d)));
    if (idx < 0) return graphError(req, 400, 'BadRequest', 'Batch requests contain a dependency cycle.');
    const it = pending.splice(idx, 1)[0]!;
    const failedDep = it.dependsOn.find((d) => {
      const s = results.get(d)!.status;
      return s < 200 || s >= 300;
    });
    if (failedDep) {
      results.set(it.id, { id: it.id, status: 424, headers: { 'Content-Type': 'application/json' }, body: { error: { code: 'FailedDependency', message: `The request depends on request id ${failedDep}, which failed.` } } });
      continue;
    }
    const res = runItem(req, ctx, version, it);
    const out: { id: string; status: number; headers: Record<string, string>; body?: unknown } = { id: it.id, status: res.status, headers: canonicalHeaders(res.headers) };
    if (res.body !== undefined) out.body = res.body;
    results.set(it.id, out);
  }
  // Graph answers in any order: a stable shuffle keeps clients honest about matching by id
  const responses = [...results.values()].sort((a, b) => unitHash(a.id, 7) - unitHash(b.id, 7));
  return { status: 200, headers: { 'content-type': JSON_PLAIN, 'odata-version': '4.0', 'cache-control': 'no-cache' }, body: { responses } };
}

function runItem(outer: EmuRequest, ctx: GraphCtx, batchVersion: string, it: BatchItem): EmuResponse {
  let url = it.url;
  if (/^[a-z]+:\/\//i.test(url)) {
    const bad = graphError(outer, 400, 'BadRequest', 'Invalid request URL: batch request URLs must be relative.');
    return bad;
  }
  if (!url.startsWith('/')) url = `/${url}`;
  const qi = url.indexOf('?');
  const pathPart = qi >= 0 ? url.slice(0, qi) : url;
  const rawQuery = qi >= 0 ? url.slice(qi + 1) : '';
  let segments = pathPart.split('/').filter(Boolean).map((s) => safeDecode(s));
  // The JavaScript SDK keeps the version in item URLs ("/v1.0/users/..."); Graph accepts both forms.
  let version = batchVersion;
  if (isGraphVersion(segments[0])) {
    version = segments[0]!;
    segments = segments.slice(1);
  }
  const inner: EmuRequest = {
    method: it.method,
    path: `/${version}/${segments.map(encodeURIComponent).join('/')}`,
    segments: [version, ...segments],
    query: new URLSearchParams(rawQuery),
    rawQuery,
    headers: { ...it.headers, authorization: outer.headers.authorization ?? '' },
    body: it.body,
    requestId: outer.requestId,
    clientRequestId: outer.clientRequestId,
    origin: outer.origin,
    inBatch: true,
  };
  if (segments[0] === '$batch') return graphError(outer, 400, 'BadRequest', 'Nested batch requests are not supported.');
  const fault = ctx.faults.decide(`BATCH ${it.method} ${url}`, ['429', '503']);
  if (fault) {
    const family = graphFamily(segments, it.method);
    ctx.stats.request(family, `${it.method} /${version}/(faulted batch item)`);
    ctx.stats.fault(family, fault);
    if (fault === '429') return throttled429(inner, family === 'ca' ? {} : { 'retry-after': '1' }); // CA never sends Retry-After
    return graphError(inner, 503, 'serviceNotAvailable', 'The service is temporarily unavailable. Please retry.', { 'retry-after': '1' });
  }
  return dispatchGraph(inner, ctx).res;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Batch item headers use Graph's casing ("Content-Type", as in the documented response; the JS SDK matches it exactly). */
const CANONICAL: Record<string, string> = {
  'content-type': 'Content-Type',
  'cache-control': 'Cache-Control',
  'odata-version': 'OData-Version',
  'retry-after': 'Retry-After',
  location: 'Location',
};

function canonicalHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[CANONICAL[k.toLowerCase()] ?? k] = v;
  return out;
}
