/**
 * Azure Resource Manager (`/subscriptions`, role definitions, role assignments, classic
 * administrators) and Azure Resource Graph (`POST /providers/Microsoft.ResourceGraph/resources`,
 * `authorizationresources` table). ARM pages with `nextLink`, Resource Graph with `$skipToken`.
 *
 * Scope semantics (ARM's): listing role assignments at a scope returns those at, above and below it
 * (`$filter=atScope()`: at and above). The tenant root `/` and every management group count as above
 * every subscription (the snapshot has no management-group tree). Role definitions listed at a
 * subscription get subscription-qualified ids (`/subscriptions/{id}/providers/...`), as on the real
 * service; list at the tenant root to get `/providers/...` ids.
 */
import { ARM_AUDIENCES, type Identity, type TokenClaims } from './identity.js';
import { hash53 } from './util.js';
import type { Obj } from './tenant-state.js';
import type { EmuRequest, EmuResponse, Family } from './types.js';
import { armError, clone, isObject, JSON_PLAIN } from './util.js';
import { rawQueryWithout } from './odata.js';
import type { HandlerCtx } from './graph.js';
import { randomUUID } from 'node:crypto';

/** ARM handlers need exactly what every emulator handler gets. */
export type ArmCtx = HandlerCtx;

const ALL = Number.MAX_SAFE_INTEGER;
const AUTHZ = 'microsoft.authorization';

// ---------------------------------------------------------------- scopes

export function normScope(s: string): string {
  const t = s.replace(/\/+$/, '').toLowerCase();
  return t === '' ? '/' : t;
}

const isMg = (s: string) => s.startsWith('/providers/microsoft.management/managementgroups/');

/** True when `a` is `b` or above it. */
export function ancestorOrSelf(a: string, b: string): boolean {
  if (a === '/' || a === b) return true;
  if (b.startsWith(`${a}/`)) return true;
  return isMg(a) && b !== '/' && !isMg(b);
}

function scopeOfAssignment(ra: Obj): string {
  const props = isObject(ra.properties) ? ra.properties : {};
  if (typeof props.scope === 'string') return normScope(props.scope);
  const id = String(ra.id ?? '');
  const i = id.toLowerCase().indexOf('/providers/microsoft.authorization/');
  return normScope(i >= 0 ? id.slice(0, i) : '/');
}

function subscriptionOf(scope: string): string {
  return /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? '';
}

function resourceGroupOf(scope: string): string {
  return /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)/i.exec(scope)?.[1]?.toLowerCase() ?? '';
}

// ---------------------------------------------------------------- auth and headers

function authArm(req: EmuRequest, identity: Identity): { claims: TokenClaims } | { res: EmuResponse } {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return { res: armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", { 'www-authenticate': 'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."' }) };
  const r = identity.verifyAccessToken(m[1]!.trim());
  if ('error' in r) {
    const expired = /expired/i.test(r.error);
    return { res: armError(401, expired ? 'ExpiredAuthenticationToken' : 'InvalidAuthenticationToken', expired ? 'The access token expiry UTC time is earlier than current UTC time.' : 'The access token is invalid.') };
  }
  const aud = String(r.claims.aud).toLowerCase();
  if (!ARM_AUDIENCES.has(aud) && aud.replace(/\/$/, '') !== req.origin.toLowerCase()) {
    return { res: armError(401, 'InvalidAuthenticationTokenAudience', `The access token has been obtained for wrong audience or resource '${String(r.claims.aud)}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`) };
  }
  return { claims: r.claims };
}

function ok(body: unknown, headers: Record<string, string> = {}): EmuResponse {
  return { status: 200, headers: { 'content-type': JSON_PLAIN, 'cache-control': 'no-cache', ...headers }, body };
}

function denial(ctx: ArmCtx, key: string, claims: TokenClaims, action: string, scope: string): EmuResponse | undefined {
  const d = ctx.deny.get(key);
  const u = ctx.state.unavailable[key];
  if (d === 'permission' || d === 'license') {
    return armError(403, 'AuthorizationFailed', `The client '${String(claims.appid)}' with object id '${String(claims.oid)}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
  }
  if (d) return armError(d.status, d.code, d.message);
  if (u) return armError(typeof u.status === 'number' ? u.status : 403, typeof u.code === 'string' ? u.code : 'AuthorizationFailed', typeof u.message === 'string' ? u.message : 'Authorization failed.');
  return undefined;
}

// ---------------------------------------------------------------- paging

function page(req: EmuRequest, rows: Obj[], size: number, project: (o: Obj) => Obj = (o) => o, extra: Obj = {}): EmuResponse {
  const fp = hash53(`${req.path.toLowerCase()}?${rawQueryWithout(req.rawQuery, ['$skiptoken'])}`).toString(36);
  let offset = 0;
  const tok = [...req.query].find(([k]) => k.toLowerCase() === '$skiptoken')?.[1];
  if (tok !== undefined) {
    const m = /^(\d+)\.(.+)$/.exec(Buffer.from(tok, 'base64url').toString('utf8'));
    if (!m || m[2] !== fp) return armError(400, 'InvalidSkipToken', 'The skip token is invalid or does not belong to this request.');
    offset = Number(m[1]);
  }
  const body: Obj = { value: rows.slice(offset, offset + size).map(project), ...extra };
  if (offset + size < rows.length) {
    const rest = rawQueryWithout(req.rawQuery, ['$skiptoken']);
    body.nextLink = `${req.origin}${req.path}?${rest ? `${rest}&` : ''}$skipToken=${Buffer.from(`${offset + size}.${fp}`).toString('base64url')}`;
  }
  return ok(body);
}

// ---------------------------------------------------------------- filters

interface RaFilter {
  atScope: boolean;
  principalId?: string;
}

function parseRaFilter(f: string | null): RaFilter | string {
  const out: RaFilter = { atScope: false };
  if (!f) return out;
  for (const part of f.split(/\s+and\s+/i)) {
    const p = part.trim();
    let m: RegExpExecArray | null;
    if (/^atScope\(\)$/i.test(p)) out.atScope = true;
    else if ((m = /^principalId\s+eq\s+'([^']+)'$/i.exec(p))) out.principalId = m[1]!.toLowerCase();
    else if ((m = /^assignedTo\('([^']+)'\)$/i.exec(p))) out.principalId = m[1]!.toLowerCase();
    else return p;
  }
  return out;
}

// ---------------------------------------------------------------- handler

export function dispatchArm(req: EmuRequest, ctx: ArmCtx): { res: EmuResponse; family: Family } | undefined {
  const segs = req.segments;
  const low = segs.map((s) => s.toLowerCase());
  const isArg = low[0] === 'providers' && low[1] === 'microsoft.resourcegraph' && low[2] === 'resources' && segs.length === 3;
  const authzAt = low.findIndex((s, i) => s === 'providers' && low[i + 1] === AUTHZ);
  const isSubs = low[0] === 'subscriptions';
  if (!isArg && !isSubs && authzAt < 0) return undefined;
  const method = req.method.toUpperCase();
  const family: Family = isArg ? 'arg' : method === 'GET' ? 'arm' : 'armWrite';

  let route = '(unknown)';
  if (isArg) route = 'POST /providers/Microsoft.ResourceGraph/resources';
  else if (authzAt >= 0) route = `GET {scope}/providers/Microsoft.Authorization/${segs[authzAt + 2] ?? ''}${segs.length > authzAt + 3 ? '/{id}' : ''}`;
  else if (segs.length === 1) route = 'GET /subscriptions';
  else if (segs.length === 2) route = 'GET /subscriptions/{id}';
  ctx.stats.request(family, route);

  const auth = authArm(req, ctx.identity);
  if ('res' in auth) return { res: auth.res, family };
  const apiVersion = [...req.query].find(([k]) => k.toLowerCase() === 'api-version')?.[1];
  if (!apiVersion) return { res: armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.'), family };
  if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion)) {
    return { res: armError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are '2022-04-01,2022-01-01,2021-01-01,2020-01-01,2019-11-01,2016-06-01,2015-11-01,2015-01-01'.`), family };
  }

  // throttling: ARM reads per subscription (or tenant), Resource Graph per user
  const scopeSub = isSubs ? (segs[1] ?? '') : authzAt >= 0 ? subscriptionOf(`/${segs.slice(0, authzAt).join('/')}`) : '';
  const headers: Record<string, string> = { 'x-ms-request-id': randomUUID(), 'x-ms-correlation-request-id': randomUUID() };
  if (isArg) {
    const c = ctx.limiter.charge('arg', '', 1);
    const resets = `00:00:${String(Math.max(0, Math.ceil((1 - c.remaining / ctx.limiter.specs.arg.capacity) * (ctx.limiter.specs.arg.capacity / ctx.limiter.specs.arg.refillPerSecond)))).padStart(2, '0')}`;
    headers['x-ms-user-quota-remaining'] = String(c.remaining);
    headers['x-ms-user-quota-resets-after'] = resets;
    if (!c.ok) {
      ctx.stats.throttle(family);
      return { res: armError(429, 'RateLimiting', 'Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.', { ...headers, 'retry-after': String(c.retryAfter) }), family };
    }
  } else {
    const bucket = method === 'GET' ? 'arm' : 'armWrite';
    const key = scopeSub ? `sub:${scopeSub.toLowerCase()}` : 'tenant';
    const c = ctx.limiter.charge(bucket, key, 1);
    const kind = method === 'GET' ? 'reads' : 'writes';
    headers[scopeSub ? `x-ms-ratelimit-remaining-subscription-${kind}` : `x-ms-ratelimit-remaining-tenant-${kind}`] = String(c.remaining);
    if (!c.ok) {
      ctx.stats.throttle(family);
      const msg = scopeSub
        ? `Number of '${kind === 'reads' ? 'read' : 'write'}' requests for subscription '${scopeSub}' actor '${String(auth.claims.oid)}' exceeded. Please try again after '${c.retryAfter}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`
        : `Number of '${kind === 'reads' ? 'read' : 'write'}' requests for tenant actor '${String(auth.claims.oid)}' exceeded. Please try again after '${c.retryAfter}' seconds. Refer to https://aka.ms/arm-throttling for additional information.`;
      return { res: armError(429, scopeSub ? 'SubscriptionRequestsThrottled' : 'TenantRequestsThrottled', msg, { ...headers, 'retry-after': String(c.retryAfter) }), family };
    }
  }
  ctx.stats.cost(family, 1);

  const res = isArg ? resourceGraph(req, ctx, auth.claims) : method !== 'GET' ? armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`) : isSubs && authzAt < 0 ? subscriptions(req, ctx, auth.claims, segs) : authorization(req, ctx, auth.claims, segs, authzAt, apiVersion);
  return { res: { ...res, headers: { ...res.headers, ...headers } }, family };
}

function subscriptions(req: EmuRequest, ctx: ArmCtx, claims: TokenClaims, segs: string[]): EmuResponse {
  const denied = denial(ctx, 'subscriptions', claims, 'Microsoft.Resources/subscriptions/read', '/');
  if (denied) return denied;
  const subs = ctx.state.subscriptions;
  if (segs.length === 1) return page(req, subs, ctx.pageSizes.subscriptions ?? ALL, (o) => o, { count: { type: 'Total', value: subs.length } });
  if (segs.length === 2) {
    const s = subs.find((x) => String(x.subscriptionId).toLowerCase() === segs[1]!.toLowerCase());
    return s ? ok(s) : armError(404, 'SubscriptionNotFound', `The subscription '${segs[1]}' could not be found.`);
  }
  return armError(404, 'InvalidResourceType', `The resource type '${segs[2]}' could not be found in the namespace 'Microsoft.Resources'.`);
}

function authorization(req: EmuRequest, ctx: ArmCtx, claims: TokenClaims, segs: string[], at: number, apiVersion: string): EmuResponse {
  const scopeRaw = `/${segs.slice(0, at).join('/')}`;
  const scope = normScope(scopeRaw);
  const sub = subscriptionOf(scope);
  if (sub && !ctx.state.subscriptions.some((s) => String(s.subscriptionId).toLowerCase() === sub.toLowerCase())) {
    return armError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
  }
  const type = (segs[at + 2] ?? '').toLowerCase();
  const id = segs[at + 3];
  if (segs.length > at + 4) return armError(400, 'InvalidResourceType', 'Unsupported resource path.');
  const filter = [...req.query].find(([k]) => k.toLowerCase() === '$filter')?.[1] ?? null;
  const scopeOut = scope === '/' ? '' : scopeRaw.replace(/\/+$/, '');

  if (type === 'roleassignments') {
    const denied = denial(ctx, 'azureRoleAssignments', claims, 'Microsoft.Authorization/roleAssignments/read', scopeRaw);
    if (denied) return denied;
    const all = ctx.state.azureRoleAssignments;
    if (id) {
      const ra = all.find((x) => String(x.name).toLowerCase() === id.toLowerCase() && scopeOfAssignment(x) === scope);
      return ra ? ok(ra) : armError(404, 'RoleAssignmentNotFound', `The role assignment '${id}' is not found.`);
    }
    const f = parseRaFilter(filter);
    if (typeof f === 'string') return armError(400, 'UnsupportedQuery', `The filter '${f}' is not supported. Supported: atScope(), principalId eq '{id}', assignedTo('{id}').`);
    const rows = all.filter((ra) => {
      const s = scopeOfAssignment(ra);
      const rel = f.atScope ? ancestorOrSelf(s, scope) : ancestorOrSelf(s, scope) || ancestorOrSelf(scope, s);
      if (!rel) return false;
      if (f.principalId) return String((ra.properties as Obj | undefined)?.principalId ?? '').toLowerCase() === f.principalId;
      return true;
    });
    return page(req, rows, ctx.pageSizes.azureRoleAssignments ?? 1000);
  }

  if (type === 'roledefinitions') {
    const denied = denial(ctx, 'azureRoleDefinitions', claims, 'Microsoft.Authorization/roleDefinitions/read', scopeRaw);
    if (denied) return denied;
    const withScopeId = (d: Obj): Obj => ({ ...d, id: `${scopeOut}/providers/Microsoft.Authorization/roleDefinitions/${String(d.name ?? String(d.id).split('/').pop())}` });
    const all = ctx.state.azureRoleDefinitions;
    if (id) {
      const d = all.find((x) => String(x.name ?? String(x.id).split('/').pop()).toLowerCase() === id.toLowerCase());
      return d ? ok(withScopeId(d)) : armError(404, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${id}' does not exist.`);
    }
    let typeFilter: string | undefined;
    let nameFilter: string | undefined;
    if (filter) {
      for (const part of filter.split(/\s+and\s+/i)) {
        let m: RegExpExecArray | null;
        if ((m = /^type\s+eq\s+'([^']+)'$/i.exec(part.trim()))) typeFilter = m[1]!.toLowerCase();
        else if ((m = /^roleName\s+eq\s+'([^']+)'$/i.exec(part.trim()))) nameFilter = m[1]!.toLowerCase();
        else if (/^atScopeAndBelow\(\)$/i.test(part.trim())) { /* default here */ }
        else return armError(400, 'UnsupportedQuery', `The filter '${part}' is not supported. Supported: type eq 'CustomRole'|'BuiltInRole', roleName eq '...', atScopeAndBelow().`);
      }
    }
    const rows = all.filter((d) => {
      const p = isObject(d.properties) ? d.properties : {};
      const scopes = (Array.isArray(p.assignableScopes) ? p.assignableScopes : ['/']).map((s) => normScope(String(s)));
      if (!scopes.some((s) => ancestorOrSelf(s, scope) || ancestorOrSelf(scope, s))) return false;
      if (typeFilter && String(p.type ?? d.roleType ?? '').toLowerCase() !== typeFilter) return false;
      if (nameFilter && String(p.roleName ?? d.roleName ?? '').toLowerCase() !== nameFilter) return false;
      return true;
    });
    return page(req, rows, ctx.pageSizes.azureRoleDefinitions ?? ALL, withScopeId);
  }

  if (type === 'classicadministrators') {
    if (!sub || scope !== `/subscriptions/${sub.toLowerCase()}`) return armError(400, 'InvalidScope', 'Classic administrators are listed per subscription.');
    if (!['2015-06-01', '2015-07-01'].includes(apiVersion)) {
      return armError(400, 'NoRegisteredProviderFound', `No registered resource provider found for location 'global' and API version '${apiVersion}' for type 'classicAdministrators'. The supported api-versions are '2015-06-01, 2015-07-01'.`);
    }
    const denied = denial(ctx, 'classicAdministrators', claims, 'Microsoft.Authorization/classicAdministrators/read', scopeRaw);
    if (denied) return denied;
    const rows = ctx.state.classicAdministrators.filter((c) => String(c.id).toLowerCase().startsWith(`${scope}/`));
    return page(req, rows, ctx.pageSizes.classicAdministrators ?? ALL);
  }

  return armError(400, 'InvalidResourceType', `The resource type '${segs[at + 2] ?? ''}' could not be found in the namespace 'Microsoft.Authorization' for api version '${apiVersion}'.`);
}

// ---------------------------------------------------------------- Resource Graph

const ARG_TYPES: Record<string, string> = {
  'microsoft.authorization/roleassignments': 'azureRoleAssignments',
  'microsoft.authorization/roledefinitions': 'azureRoleDefinitions',
  'microsoft.authorization/classicadministrators': 'classicAdministrators',
};

function argRows(ctx: ArmCtx): Obj[] {
  const row = (o: Obj, type: string, scope: string): Obj => ({
    id: o.id,
    name: o.name,
    type,
    tenantId: ctx.state.tenant.id,
    kind: '',
    location: '',
    resourceGroup: resourceGroupOf(scope),
    subscriptionId: subscriptionOf(scope),
    managedBy: '',
    sku: null,
    plan: null,
    properties: clone(o.properties ?? null),
    tags: null,
    identity: null,
    zones: null,
    extendedLocation: null,
  });
  const rows: Obj[] = [];
  for (const ra of ctx.state.azureRoleAssignments) rows.push(row(ra, 'microsoft.authorization/roleassignments', scopeOfAssignment(ra)));
  for (const d of ctx.state.azureRoleDefinitions) {
    const i = String(d.id).toLowerCase().indexOf('/providers/microsoft.authorization/');
    rows.push(row(d, 'microsoft.authorization/roledefinitions', normScope(i > 0 ? String(d.id).slice(0, i) : '/')));
  }
  for (const c of ctx.state.classicAdministrators) rows.push(row(c, 'microsoft.authorization/classicadministrators', normScope(String(c.id).replace(/\/providers\/.*$/i, ''))));
  return rows;
}

type KqlCond = (r: Obj) => boolean;

function kqlPath(r: Obj, path: string): unknown {
  let cur: unknown = r;
  for (const part of path.split(/\.|\[['"]|['"]\]/).filter(Boolean)) {
    if (!isObject(cur)) return undefined;
    const l = part.toLowerCase();
    const k = Object.keys(cur).find((x) => x.toLowerCase() === l);
    cur = k === undefined ? undefined : cur[k];
  }
  return cur;
}

function kqlString(s: string): string | undefined {
  const m = /^(['"])(.*)\1$/s.exec(s.trim());
  return m ? m[2]! : undefined;
}

/**
 * The Resource Graph query subset: `authorizationresources` followed by `| where` clauses joined with
 * `and`/`or` (operators `==`, `=~`, `!=`, `!~`, `in`, `in~`, `contains`, `startswith`, `has`),
 * `| project` (plain columns or `alias = path`), `| order by` / `| sort by`, `| limit` / `| take`.
 */
export function parseKql(query: string): { conds: KqlCond[]; project?: [string, string][]; order?: { col: string; desc: boolean }; limit?: number } | string {
  const parts = query.split('|').map((p) => p.trim()).filter(Boolean);
  if (!parts.length || parts[0]!.toLowerCase() !== 'authorizationresources') return `Table '${parts[0] ?? ''}' is not supported by the mfaguard emulator (only authorizationresources).`;
  const conds: KqlCond[] = [];
  let project: [string, string][] | undefined;
  let order: { col: string; desc: boolean } | undefined;
  let limit: number | undefined;
  for (const p of parts.slice(1)) {
    let m: RegExpExecArray | null;
    if ((m = /^where\s+(.+)$/is.exec(p))) {
      const orParts = m[1]!.split(/\s+or\s+/i);
      const ors: KqlCond[] = [];
      for (const op of orParts) {
        const ands: KqlCond[] = [];
        for (const term of op.split(/\s+and\s+/i)) {
          const t = term.trim().replace(/^\((.*)\)$/s, '$1').trim();
          const tm = /^([A-Za-z_][\w.[\]'"]*)\s*(==|=~|!=|!~|in~|in|contains|startswith|has)\s*(.+)$/is.exec(t);
          if (!tm) return `Unsupported where clause '${t}'.`;
          const [, path, oper, rhs] = tm as unknown as [string, string, string, string];
          const operator = oper.toLowerCase();
          if (operator === 'in' || operator === 'in~') {
            const lm = /^\((.*)\)$/s.exec(rhs.trim());
            if (!lm) return `Unsupported in-list '${rhs}'.`;
            const vals = lm[1]!.split(',').map((x) => kqlString(x));
            if (vals.some((x) => x === undefined)) return `Unsupported in-list '${rhs}'.`;
            const ci = operator === 'in~';
            const set = new Set((vals as string[]).map((x) => (ci ? x.toLowerCase() : x)));
            ands.push((r) => {
              const v = kqlPath(r, path);
              return typeof v === 'string' && set.has(ci ? v.toLowerCase() : v);
            });
            continue;
          }
          const val = kqlString(rhs);
          if (val === undefined) return `Unsupported value '${rhs}'.`;
          ands.push((r) => {
            const v = kqlPath(r, path);
            const s = v === undefined || v === null ? '' : String(v);
            switch (operator) {
              case '==': return s === val;
              case '=~': return s.toLowerCase() === val.toLowerCase();
              case '!=': return s !== val;
              case '!~': return s.toLowerCase() !== val.toLowerCase();
              case 'contains': case 'has': return s.toLowerCase().includes(val.toLowerCase());
              default: return s.toLowerCase().startsWith(val.toLowerCase());
            }
          });
        }
        ors.push((r) => ands.every((c) => c(r)));
      }
      conds.push((r) => ors.some((c) => c(r)));
    } else if ((m = /^project\s+(.+)$/is.exec(p))) {
      project = [];
      for (const col of m[1]!.split(',')) {
        const cm = /^\s*(?:([A-Za-z_]\w*)\s*=\s*)?([A-Za-z_][\w.[\]'"]*)\s*$/.exec(col);
        if (!cm) return `Unsupported project column '${col.trim()}'.`;
        project.push([cm[1] ?? cm[2]!.replace(/[.[\]'"]+/g, '_').replace(/_$/, ''), cm[2]!]);
      }
    } else if ((m = /^(?:order|sort)\s+by\s+([A-Za-z_][\w.]*)(?:\s+(asc|desc))?$/i.exec(p))) {
      order = { col: m[1]!, desc: (m[2] ?? 'desc').toLowerCase() === 'desc' };
    } else if ((m = /^(?:limit|take)\s+(\d+)$/i.exec(p))) {
      limit = Number(m[1]);
    } else {
      return `Unsupported query operator '${p.split(/\s/)[0]}' (the emulator supports where, project, order by, limit).`;
    }
  }
  return { conds, ...(project ? { project } : {}), ...(order ? { order } : {}), ...(limit !== undefined ? { limit } : {}) };
}

function resourceGraph(req: EmuRequest, ctx: ArmCtx, claims: TokenClaims): EmuResponse {
  const body = req.body;
  const corr = randomUUID();
  const badQuery = (detail: string) =>
    ({ status: 400, headers: { 'content-type': JSON_PLAIN }, body: { error: { code: 'BadRequest', message: `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = ${corr}.`, details: [{ code: 'InvalidQuery', message: 'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.' }, { code: 'UnsupportedQuery', message: detail }] } } }) satisfies EmuResponse;
  if (!isObject(body) || typeof body.query !== 'string') return badQuery('The request body must contain a query.');
  const opts = isObject(body.options) ? body.options : {};
  if (opts.resultFormat !== undefined && opts.resultFormat !== 'objectArray') return badQuery("Only resultFormat 'objectArray' is supported by the mfaguard emulator.");
  const parsed = parseKql(body.query);
  if (typeof parsed === 'string') return badQuery(parsed);
  let rows = argRows(ctx).filter((r) => parsed.conds.every((c) => c(r)));
  // permission per row type
  for (const [type, key] of Object.entries(ARG_TYPES)) {
    if (!rows.some((r) => r.type === type)) continue;
    const d = denial(ctx, key, claims, `${type}/read`, '/');
    if (d) rows = rows.filter((r) => r.type !== type);
  }
  const subs = Array.isArray(body.subscriptions) ? new Set(body.subscriptions.map((s) => String(s).toLowerCase())) : undefined;
  const above = ['atscopeandabove', 'atscopeaboveandbelow'].includes(String(opts.authorizationScopeFilter ?? '').toLowerCase());
  if (subs) rows = rows.filter((r) => (r.subscriptionId ? subs.has(String(r.subscriptionId).toLowerCase()) : above));
  if (parsed.order) {
    const { col, desc } = parsed.order;
    rows = [...rows].sort((a, b) => String(kqlPath(a, col) ?? '').localeCompare(String(kqlPath(b, col) ?? '')) * (desc ? -1 : 1));
  }
  if (parsed.limit !== undefined) rows = rows.slice(0, parsed.limit);
  const total = rows.length;
  const top = opts.$top === undefined ? 100 : Number(opts.$top);
  if (!Number.isInteger(top) || top < 1 || top > 1000) return badQuery('$top must be between 1 and 1000.');
  let offset = opts.$skip === undefined ? 0 : Number(opts.$skip);
  const fp = hash53(`${body.query}|${[...(subs ?? [])].sort().join(',')}`).toString(36);
  if (typeof opts.$skipToken === 'string') {
    const m = /^(\d+)\.(.+)$/.exec(Buffer.from(opts.$skipToken, 'base64url').toString('utf8'));
    if (!m || m[2] !== fp) return badQuery('The $skipToken is invalid for this query.');
    offset = Number(m[1]);
  }
  const slice = rows.slice(offset, offset + top);
  const data = parsed.project ? slice.map((r) => Object.fromEntries(parsed.project!.map(([alias, path]) => [alias, kqlPath(r, path) ?? null]))) : slice;
  const out: Obj = { totalRecords: total, count: data.length, data, facets: [], resultTruncated: 'false' };
  if (offset + top < total) out.$skipToken = Buffer.from(`${offset + top}.${fp}`).toString('base64url');
  return ok(out);
}
