/**
 * `GET /beta/auditLogs/signIns` and `GET /v1.0/auditLogs/signIns`, served from the tenant's `signIns`
 * the way Graph serves them (GD `api/signin-list.md`, beta `resources/signin.md`;
 * shared/research/graph-and-ca.md §5):
 *
 * - newest first (descending `createdDateTime`); default and maximum page 1,000; `$top`, `$select`;
 *   `@odata.nextLink` with a `$skiptoken` bound to its query;
 * - `$filter` on the documented properties: `createdDateTime` (ge/gt/le/lt), `appId eq` (or-chains and
 *   `in`), `resourceId`, `userId`, `userPrincipalName`, `clientAppUsed`, `status/errorCode`, ... with
 *   `and` / `or` / parentheses;
 * - beta returns **interactive** user sign-ins only unless the filter names `signInEventTypes`
 *   (`signInEventTypes/any(t: t eq 'nonInteractiveUser')`); v1.0 only interactive ones and knows no
 *   `signInEventTypes` (nor the other beta-only properties, which it leaves out).
 *
 * Throttling (the reports limit, 5 requests / 10 s per app and tenant, shared with
 * `reports/authenticationMethods`), permission (AuditLog.Read.All) and licence errors are applied by
 * the Graph dispatcher before this handler runs (graph.ts, limits.ts).
 */
import {
  decodeSkipToken,
  encodeSkipToken,
  evalFilter,
  filterInfo,
  getCI,
  ODataError,
  parseFilter,
  parseSelect,
  qp,
  queryFingerprint,
  rawQueryWithout,
  type FilterNode,
} from './odata.js';
import type { Obj } from './tenant-state.js';
import type { EmuRequest, EmuResponse } from './types.js';
import { graphError, JSON_ODATA } from './util.js';

type Version = 'v1.0' | 'beta';

const MAX_PAGE = 1000;

/** Lower-case property paths `$filter` accepts on sign-ins (Graph documents these as filterable). */
const FILTERABLE = new Set([
  'id', 'createddatetime', 'userid', 'userprincipalname', 'userdisplayname', 'appid', 'appdisplayname', 'status/errorcode', 'ipaddress',
  'conditionalaccessstatus', 'isinteractive', 'resourceid', 'resourcedisplayname', 'clientappused', 'correlationid',
  'location/city', 'location/state', 'location/countryorregion', 'signineventtypes', 'authenticationrequirement', 'usertype',
]);
/** Beta-only properties: v1.0 neither returns nor filters on them. */
const BETA_ONLY = [
  'signInEventTypes', 'authenticationRequirement', 'authenticationProtocol', 'userType', 'homeTenantId', 'homeTenantName', 'crossTenantAccessType',
  'incomingTokenType', 'authenticationRequirementPolicies', 'authenticationDetails', 'networkLocationDetails', 'servicePrincipalName', 'servicePrincipalId',
  'uniqueTokenIdentifier', 'signInIdentifier', 'authenticationProcessingDetails', 'authenticationMethodsUsed', 'sessionLifetimePolicies', 'tokenIssuerType',
  'tokenIssuerName', 'processingTimeInMilliseconds', 'flaggedForReview', 'isTenantRestricted', 'autonomousSystemNumber', 'originalRequestId', 'resourceTenantId',
];
const BETA_ONLY_LOWER = new Set(BETA_ONLY.map((p) => p.toLowerCase()));

/** The tenant's sign-ins newest first, sorted once per array (the tenant's list does not change while served). */
const sortedCache = new WeakMap<Obj[], Obj[]>();
function newestFirst(rows: Obj[]): Obj[] {
  let sorted = sortedCache.get(rows);
  if (!sorted) {
    const keyed = rows.map((r) => ({ r, t: Date.parse(String(r.createdDateTime)) || 0, id: String(r.id ?? '') }));
    keyed.sort((a, b) => b.t - a.t || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    sorted = keyed.map((k) => k.r);
    sortedCache.set(rows, sorted);
  }
  return sorted;
}

function eventTypes(r: Obj): string[] {
  const t = r.signInEventTypes;
  if (Array.isArray(t) && t.length) return t.map(String);
  return [r.isInteractive === false ? 'nonInteractiveUser' : 'interactiveUser'];
}

const interactiveOnly: FilterNode = { t: 'any', path: ['signInEventTypes'], op: 'eq', v: 'interactiveUser' };

/** Every sign-in's event types read through the same getter (v1.0 rows may only have isInteractive). */
function getter(o: Obj, k: string): unknown {
  return k.toLowerCase() === 'signineventtypes' ? eventTypes(o) : getCI(o, k);
}

function project(r: Obj, v: Version, select: string[] | undefined): Obj {
  let out: Obj = r;
  if (v === 'v1.0') {
    out = {};
    for (const [k, val] of Object.entries(r)) if (!BETA_ONLY_LOWER.has(k.toLowerCase())) out[k] = val;
    if (out.isInteractive === undefined) out.isInteractive = eventTypes(r).includes('interactiveUser');
  }
  if (!select) return out;
  const picked: Obj = {};
  for (const name of select) {
    const key = name in out ? name : (Object.keys(out).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name);
    picked[key] = out[key] ?? null;
  }
  return picked;
}

/** The sign-in list handler (registered in graph.ts's routes). */
export function listSignIns(req: EmuRequest, rows: Obj[], v: Version, pageSizeOverride: number | undefined): EmuResponse {
  const q = req.query;
  const select = parseSelect(q);
  if (select && v === 'v1.0') {
    const beta = select.find((s) => BETA_ONLY_LOWER.has(s.toLowerCase()));
    if (beta) return graphError(req, 400, 'BadRequest', `Could not find a property named '${beta}' on type 'microsoft.graph.signIn'.`);
  }
  if (qp(q, '$expand') !== null) return graphError(req, 400, 'Request_UnsupportedQuery', "$expand is not supported on 'auditLogs/signIns'.");
  let pageSize = Math.min(pageSizeOverride ?? MAX_PAGE, MAX_PAGE);
  const topRaw = qp(q, '$top');
  if (topRaw !== null) {
    const top = Number(topRaw);
    if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE) {
      return graphError(req, 400, 'Request_BadRequest', `Invalid page size specified: '${topRaw}'. Must be between 1 and ${MAX_PAGE} inclusive.`);
    }
    pageSize = Math.min(top, pageSizeOverride ?? top);
  }
  let filter: FilterNode | undefined;
  let typesNamed = false;
  const filterText = qp(q, '$filter');
  if (filterText !== null) {
    try {
      filter = parseFilter(filterText);
    } catch (e) {
      return graphError(req, 400, (e as ODataError).code ?? 'BadRequest', (e as Error).message);
    }
    for (const path of filterInfo(filter).paths) {
      const p = path.join('/').toLowerCase();
      if (!FILTERABLE.has(p) || (v === 'v1.0' && BETA_ONLY_LOWER.has(p))) {
        return graphError(req, 400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${path.join('/')}' of resource 'SignIn'.`);
      }
      if (p === 'signineventtypes') typesNamed = true;
    }
  }
  // beta: interactive only unless the caller asks for event types; v1.0: interactive only, always
  if (!typesNamed) filter = filter ? { t: 'and', a: filter, b: interactiveOnly } : interactiveOnly;
  let ascending = false;
  const orderby = qp(q, '$orderby');
  if (orderby !== null) {
    const m = /^\s*createdDateTime(?:\s+(asc|desc))?\s*$/i.exec(orderby);
    if (!m) return graphError(req, 400, 'Request_UnsupportedQuery', 'Sorting not supported for current query.');
    ascending = (m[1] ?? 'asc').toLowerCase() === 'asc';
  }

  const sorted = newestFirst(rows);
  // the skip token holds the position in the sorted list where the next page's scan starts
  const fp = queryFingerprint(req.path, q, ['$skiptoken']);
  let pos = 0;
  const tok = qp(q, '$skiptoken');
  if (tok !== null) {
    try {
      pos = decodeSkipToken(tok, fp);
    } catch (e) {
      return graphError(req, 400, (e as ODataError).code, (e as Error).message);
    }
  }
  const n = sorted.length;
  const at = (i: number) => sorted[ascending ? n - 1 - i : i]!;
  const page: Obj[] = [];
  const f: FilterNode = filter!;
  let i = pos;
  for (; i < n && page.length < pageSize; i++) if (evalFilter(f, at(i), getter)) page.push(at(i));
  // a next page only when another match exists (Graph may also send a last empty page; callers cope either way)
  let more = false;
  for (let j = i; j < n; j++) {
    if (evalFilter(f, at(j), getter)) { more = true; break; }
  }
  const body: Obj = { '@odata.context': `https://graph.microsoft.com/${v}/$metadata#auditLogs/signIns${select ? `(${select.join(',')})` : ''}` };
  if (more) {
    const rest = rawQueryWithout(req.rawQuery, ['$skiptoken', 'skiptoken']);
    body['@odata.nextLink'] = `${req.origin}${req.path}?${rest ? `${rest}&` : ''}$skiptoken=${encodeSkipToken(i, fp)}`;
  }
  body.value = page.map((r) => project(r, v, select));
  return { status: 200, headers: { 'content-type': JSON_ODATA, 'odata-version': '4.0', 'cache-control': 'no-cache' }, body };
}
