/**
 * A tiny Graph/ARM stand-in for collector unit tests (plain HTTP on loopback): serves a snapshot's
 * collections with paging and $batch, and can deny a path or throttle. The full emulator (src/emulator)
 * is what the round-trip tests use; this stub keeps the narrow tests independent of it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Snapshot } from '../../src/snapshot/types.js';

export interface StubOptions {
  snapshot: Snapshot;
  pageSize?: number;
  /** path prefix (after the version) → status/code */
  deny?: Record<string, { status: number; code: string }>;
  /** Every n-th request answers 429 (with Retry-After 0 unless noRetryAfter). */
  throttleEvery?: number;
  noRetryAfter?: boolean;
}

export interface Stub {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

type Item = Record<string, unknown>;

export async function startStub(opts: StubOptions): Promise<Stub> {
  const s = opts.snapshot;
  const page = opts.pageSize ?? 999;
  const requests: string[] = [];
  let n = 0;
  const lists: Record<string, () => Item[]> = {
    '/users': () => s.users ?? [],
    '/groups': () => s.groups ?? [],
    '/servicePrincipals': () => s.servicePrincipals ?? [],
    '/roleManagement/directory/roleDefinitions': () => s.roleDefinitions ?? [],
    '/roleManagement/directory/roleAssignments': () => s.roleAssignments ?? [],
    '/roleManagement/directory/roleEligibilitySchedules': () => s.roleEligibilitySchedules ?? [],
    '/identity/conditionalAccess/policies': () => s.conditionalAccessPolicies ?? [],
    '/identity/conditionalAccess/namedLocations': () => s.namedLocations ?? [],
    '/policies/authenticationStrengthPolicies': () => s.authenticationStrengthPolicies ?? [],
    '/reports/authenticationMethods/userRegistrationDetails': () => s.userRegistrationDetails ?? [],
    // no filtering here: the stub's tenants have no sign-ins (the emulator tests cover the sign-in queries)
    '/auditLogs/signIns': () => [],
    '/organization': () => [{ id: s.tenant.id, displayName: s.tenant.displayName, verifiedDomains: [{ name: s.tenant.defaultDomain, isInitial: true, isDefault: true, type: 'Managed' }] }],
  };
  const select = (item: Item, q: URLSearchParams): Item => {
    const sel = q.get('$select');
    if (!sel) return item;
    const out: Item = {};
    if (item['@odata.type']) out['@odata.type'] = item['@odata.type'];
    for (const f of sel.split(',')) if (f in item) out[f] = item[f];
    return out;
  };
  const graph = (origin: string, version: string, path: string, q: URLSearchParams): { status: number; body: unknown; headers?: Record<string, string> } => {
    for (const [prefix, d] of Object.entries(opts.deny ?? {})) {
      if (path.startsWith(prefix)) return { status: d.status, body: { error: { code: d.code, message: `denied ${prefix}` } } };
    }
    const skip = Number(q.get('$skiptoken') ?? 0);
    const top = Math.min(Number(q.get('$top') ?? page), page);
    const pageOf = (all: Item[]) => {
      const items = all.slice(skip, skip + top).map((i) => select(i, q));
      const next = skip + top < all.length ? new URLSearchParams(q) : undefined;
      next?.set('$skiptoken', String(skip + top));
      return { status: 200, body: { value: items, ...(next ? { '@odata.nextLink': `${origin}/${version}${path}?${next.toString()}` } : {}) } };
    };
    if (lists[path]) return pageOf(lists[path]!());
    if (path === '/policies/identitySecurityDefaultsEnforcementPolicy') return { status: 200, body: s.securityDefaults };
    let m = /^\/groups\/([^/]+)\/members$/.exec(path);
    if (m) return pageOf((s.groupMembers?.[m[1]!] ?? []) as Item[]);
    m = /^\/users\/([^/]+)\/authentication\/requirements$/.exec(path);
    if (m) {
      const u = s.users?.find((x) => x.id === m![1]);
      return u ? { status: 200, body: { perUserMfaState: u.perUserMfaState ?? 'disabled' } } : { status: 404, body: { error: { code: 'Request_ResourceNotFound', message: 'no user' } } };
    }
    m = /^\/users\/([^/]+)\/authentication\/methods$/.exec(path);
    if (m) return pageOf((s.authenticationMethods?.[m[1]!] ?? []) as Item[]);
    return { status: 404, body: { error: { code: 'ResourceNotFound', message: `no route ${path}` } } };
  };
  const arm = (path: string): { status: number; body: unknown } => {
    for (const [prefix, d] of Object.entries(opts.deny ?? {})) {
      if (path.startsWith(prefix)) return { status: d.status, body: { error: { code: d.code, message: `denied ${prefix}` } } };
    }
    if (path === '/subscriptions') return { status: 200, body: { value: s.subscriptions ?? [] } };
    let m = /^\/subscriptions\/([^/]+)\/providers\/Microsoft.Authorization\/(roleAssignments|roleDefinitions|classicAdministrators)$/.exec(path);
    if (m) {
      const sub = m[1]!;
      if (m[2] === 'roleDefinitions') return { status: 200, body: { value: s.azureRoleDefinitions ?? [] } };
      if (m[2] === 'roleAssignments') {
        return { status: 200, body: { value: (s.azureRoleAssignments ?? []).filter((a) => !a.properties.scope?.startsWith('/subscriptions/') || a.properties.scope.startsWith(`/subscriptions/${sub}`)) } };
      }
      return { status: 200, body: { value: (s.classicAdministrators ?? []).filter((c) => c.id.startsWith(`/subscriptions/${sub}/`)) } };
    }
    m = /^\/providers\/Microsoft.ResourceGraph\/resources$/.exec(path);
    if (m) return { status: 404, body: { error: { code: 'NotFound', message: 'no Resource Graph here' } } };
    return { status: 404, body: { error: { code: 'NotFound', message: path } } };
  };

  const handle = (req: IncomingMessage, body: string, origin: string): { status: number; body: unknown; headers?: Record<string, string> } => {
    const u = new URL(req.url ?? '/', origin);
    requests.push(`${req.method} ${u.pathname}`);
    n++;
    if (opts.throttleEvery && n % opts.throttleEvery === 0) {
      return { status: 429, body: { error: { code: 'TooManyRequests', message: 'slow down' } }, headers: opts.noRetryAfter ? {} : { 'retry-after': '0' } };
    }
    const vm = /^\/(v1\.0|beta)(\/.*)$/.exec(u.pathname);
    if (vm) {
      const [, version, path] = vm;
      if (path === '/$batch') {
        const reqs = (JSON.parse(body) as { requests: { id: string; url: string }[] }).requests;
        const responses = reqs.map((r) => {
          const iu = new URL(r.url, origin);
          const out = graph(origin, version!, iu.pathname, iu.searchParams);
          return { id: r.id, status: out.status, headers: {}, body: out.body };
        });
        return { status: 200, body: { responses } };
      }
      return graph(origin, version!, path!, u.searchParams);
    }
    return arm(u.pathname);
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const out = handle(req, Buffer.concat(chunks).toString('utf8'), `http://${req.headers.host}`);
      res.writeHead(out.status, { 'content-type': 'application/json', ...out.headers });
      res.end(out.body === undefined ? '' : JSON.stringify(out.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** A credential that hands out a fixed fake token (never a real secret). */
export const fakeCredential = {
  getToken: async () => ({ token: 'stub-token-not-a-secret', expiresOnTimestamp: Date.now() + 3600_000 }),
};
