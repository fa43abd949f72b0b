/**
 * Microsoft Graph v1.0 and beta: the endpoints mfaguard collects from and the writes remediation
 * needs. Every request goes through the same steps as on the service: token → route → throttling →
 * licence/permission → handler, and answers in Graph's shapes (`@odata.context`, `value`,
 * `@odata.nextLink`, `@odata.count`, Graph error bodies).
 */
import type { DirectoryObjectRef } from '../../src/snapshot/types.js';
import type { Faults } from './faults.js';
import { GRAPH_AUDIENCES, type Identity, type TokenClaims } from './identity.js';
import { directoryCost, graphFamily, type Limiter } from './limits.js';
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
import { listSignIns } from './signins.js';
import type { Stats } from './stats.js';
import { TenantState, WriteError, type Obj } from './tenant-state.js';
import { deltaHandler } from './delta.js';
import type { DenySpec, EmuRequest, EmuResponse, Family, WriteRecord } from './types.js';
import { clone, graphError, JSON_ODATA } from './util.js';
import { defaultAuthenticationMethodsPolicy, patchAuthenticationMethodsPolicy, type WriteFaults } from './writes.js';

/** What the emulator's request handlers share (tenant state, identity, limits, stats, faults). */
export interface HandlerCtx {
  state: TenantState;
  identity: Identity;
  limiter: Limiter;
  stats: Stats;
  faults: Faults;
  deny: Map<string, DenySpec>;
  pageSizes: Record<string, number>;
}

export interface GraphCtx extends HandlerCtx {
  userListPerUserMfaState: 'yes' | 'omit' | 'error';
  /** Injected write failures (writes.ts). */
  writeFaults?: WriteFaults;
}

type Version = 'v1.0' | 'beta';
type Handler = (req: EmuRequest, p: string[], ctx: GraphCtx, v: Version) => EmuResponse;

interface RouteDef {
  pattern: string[];
  key: string;
  methods: Partial<Record<'GET' | 'POST' | 'PATCH' | 'DELETE', Handler>>;
  read: string[];
  write?: string[];
  betaOnly?: boolean;
}

// ---------------------------------------------------------------- permissions

const DIR_READ = ['Directory.Read.All', 'Directory.ReadWrite.All'];
const PERMS = {
  users: ['User.Read.All', 'User.ReadWrite.All', ...DIR_READ],
  groups: ['Group.Read.All', 'GroupMember.Read.All', 'Group.ReadWrite.All', ...DIR_READ],
  sps: ['Application.Read.All', 'Application.ReadWrite.All', ...DIR_READ],
  org: ['Organization.Read.All', 'Organization.ReadWrite.All', ...DIR_READ],
  roles: ['RoleManagement.Read.Directory', 'RoleManagement.Read.All', 'RoleManagement.ReadWrite.Directory', ...DIR_READ],
  eligibility: ['RoleEligibilitySchedule.Read.Directory', 'RoleEligibilitySchedule.ReadWrite.Directory', 'RoleManagement.Read.Directory', 'RoleManagement.Read.All', 'RoleManagement.ReadWrite.Directory'],
  policy: ['Policy.Read.All', 'Policy.ReadWrite.ConditionalAccess', 'Policy.ReadWrite.AuthenticationMethod', 'Policy.ReadWrite.SecurityDefaults'],
  requirements: ['Policy.Read.All', 'Policy.ReadWrite.AuthenticationMethod', 'UserAuthenticationMethod.Read.All', 'UserAuthenticationMethod.ReadWrite.All'],
  methods: ['UserAuthenticationMethod.Read.All', 'UserAuthenticationMethod.ReadWrite.All'],
  reports: ['AuditLog.Read.All'],
};

const LICENCE: Record<string, { code: string; message: string }> = {
  userRegistrationDetails: { code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', message: "Neither tenant is B2C or tenant doesn't have premium license" },
  signIns: { code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', message: "Neither tenant is B2C or tenant doesn't have premium license" },
  roleEligibilitySchedules: { code: 'AadPremiumLicenseRequired', message: 'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.' },
  conditionalAccessPolicies: { code: 'AadPremiumLicenseRequired', message: 'The tenant needs to have Microsoft Entra ID P1 or P2 license to use Conditional Access.' },
  namedLocations: { code: 'AadPremiumLicenseRequired', message: 'The tenant needs to have Microsoft Entra ID P1 or P2 license to use Conditional Access.' },
  authenticationStrengthPolicies: { code: 'AadPremiumLicenseRequired', message: 'The tenant needs to have Microsoft Entra ID P1 or P2 license.' },
};

// ---------------------------------------------------------------- users' properties

/** v1.0's default user property set (GD api/user-list.md). */
const USER_DEFAULT = ['businessPhones', 'displayName', 'givenName', 'id', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName'];
/** Properties of microsoft.graph.user that $select accepts (the common ones; data keys are accepted too). */
const USER_PROPS = [
  ...USER_DEFAULT,
  'accountEnabled', 'ageGroup', 'assignedLicenses', 'assignedPlans', 'city', 'companyName', 'consentProvidedForMinor', 'country',
  'createdDateTime', 'creationType', 'deletedDateTime', 'department', 'employeeHireDate', 'employeeId', 'employeeType',
  'externalUserState', 'externalUserStateChangeDateTime', 'faxNumber', 'identities', 'imAddresses', 'isResourceAccount',
  'lastPasswordChangeDateTime', 'legalAgeGroupClassification', 'mailNickname', 'onPremisesDistinguishedName',
  'onPremisesDomainName', 'onPremisesImmutableId', 'onPremisesLastSyncDateTime', 'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled', 'onPremisesUserPrincipalName', 'otherMails', 'passwordPolicies',
  'postalCode', 'preferredDataLocation', 'proxyAddresses', 'securityIdentifier', 'showInAddressList', 'signInActivity',
  'signInSessionsValidFromDateTime', 'state', 'streetAddress', 'usageLocation', 'userType', 'perUserMfaState', 'employeeOrgData',
];
const USER_PROP_CANON = new Map(USER_PROPS.map((p) => [p.toLowerCase(), p]));

// ---------------------------------------------------------------- list machinery

interface ListSpec {
  key: string;
  /** Resource name in Graph's error messages ("... of resource 'User'"). */
  entity: string;
  context: string;
  defaultPage: number;
  maxPage: number;
  directoryObject?: boolean;
  /** Lower-case property paths `$filter` may use (a/b for nested); undefined: any. */
  filterable?: string[];
  orderable?: string[];
  project: (item: Obj, select: string[] | undefined) => Obj;
  validateSelect?: (select: string[]) => EmuResponse | undefined;
}

const ALL = Number.MAX_SAFE_INTEGER;

function pageSizeOf(ctx: GraphCtx, spec: ListSpec): number {
  return ctx.pageSizes[spec.key] ?? spec.defaultPage;
}

function eventual(req: EmuRequest): boolean {
  return (req.headers['consistencylevel'] ?? '').toLowerCase() === 'eventual';
}

function odataOk(body: unknown, status = 200, headers: Record<string, string> = {}): EmuResponse {
  return { status, headers: { 'content-type': JSON_ODATA, 'odata-version': '4.0', 'cache-control': 'no-cache', ...headers }, body };
}

function contextUrl(req: EmuRequest, v: Version, name: string, select?: string[], isEntity = false): string {
  void req;
  return `https://graph.microsoft.com/${v}/$metadata#${name}${select ? `(${select.join(',')})` : ''}${isEntity ? '/$entity' : ''}`;
}

function list(req: EmuRequest, ctx: GraphCtx, v: Version, spec: ListSpec, items: Obj[]): EmuResponse {
  const q = req.query;
  const select = parseSelect(q);
  if (select && spec.validateSelect) {
    const err = spec.validateSelect(select);
    if (err) return err;
  }
  if (qp(q, '$expand') !== null) {
    return graphError(req, 400, 'Request_UnsupportedQuery', `$expand is not supported on '${spec.context}' by the mfaguard emulator.`);
  }
  if (qp(q, '$skip') !== null && spec.directoryObject) {
    return graphError(req, 400, 'Request_BadRequest', "'$skip' is not supported by the service.");
  }
  let pageSize = pageSizeOf(ctx, spec);
  const topRaw = qp(q, '$top');
  if (topRaw !== null) {
    const top = Number(topRaw);
    if (!Number.isInteger(top) || top < 1 || top > spec.maxPage) {
      return graphError(req, 400, 'Request_BadRequest', `Invalid page size specified: '${topRaw}'. Must be between 1 and ${spec.maxPage === ALL ? 999 : spec.maxPage} inclusive.`);
    }
    pageSize = top;
  }
  const wantCount = (qp(q, '$count') ?? '').toLowerCase() === 'true';
  const isEventual = eventual(req);
  let filter: FilterNode | undefined;
  const filterText = qp(q, '$filter');
  if (filterText !== null) {
    try {
      filter = parseFilter(filterText);
    } catch (e) {
      return graphError(req, 400, (e as ODataError).code ?? 'BadRequest', (e as Error).message);
    }
    const info = filterInfo(filter);
    if (spec.filterable) {
      for (const path of info.paths) {
        const p = path.join('/').toLowerCase();
        if (!spec.filterable.includes(p)) {
          return graphError(req, 400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${path.join('/')}' of resource '${spec.entity}'.`);
        }
      }
    }
    if (spec.directoryObject && info.advanced && !(isEventual && wantCount)) {
      return graphError(req, 400, 'Request_UnsupportedQuery', `Operator '${info.advanced}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`);
    }
  }
  const search = qp(q, '$search');
  if (search !== null && !isEventual) {
    return graphError(req, 400, 'Request_UnsupportedQuery', "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'");
  }
  const orderby = qp(q, '$orderby');
  let orderKey: { prop: string; desc: boolean } | undefined;
  if (orderby !== null) {
    const m = /^\s*([A-Za-z]+)(?:\s+(asc|desc))?\s*$/i.exec(orderby);
    if (!m || !(spec.orderable ?? []).includes(m[1]!.toLowerCase())) {
      return graphError(req, 400, 'Request_UnsupportedQuery', 'Sorting not supported for current query.');
    }
    orderKey = { prop: m[1]!, desc: (m[2] ?? '').toLowerCase() === 'desc' };
  }

  let rows = items;
  if (filter) {
    const f = filter;
    const get = spec.key === 'users' ? userGetter(ctx) : getCI;
    rows = rows.filter((it) => evalFilter(f, it, get));
  }
  if (search !== null) {
    const terms = [...search.matchAll(/"?([A-Za-z]+):([^"]*)"?/g)].map((m) => ({ prop: m[1]!, text: m[2]!.toLowerCase() }));
    rows = rows.filter((it) => terms.length === 0 || terms.some((t) => String(getCI(it, t.prop) ?? '').toLowerCase().split(/\s+|@|\./).some((w) => w.startsWith(t.text))));
  }
  if (orderKey) {
    const { prop, desc } = orderKey;
    rows = [...rows].sort((a, b) => String(getCI(a, prop) ?? '').localeCompare(String(getCI(b, prop) ?? '')) * (desc ? -1 : 1));
  }

  const fp = queryFingerprint(req.path, q, ['$skiptoken']);
  let offset = 0;
  const tok = qp(q, '$skiptoken');
  if (tok !== null) {
    try {
      offset = decodeSkipToken(tok, fp);
    } catch (e) {
      return graphError(req, 400, (e as ODataError).code, (e as Error).message);
    }
  }
  const page = rows.slice(offset, offset + pageSize);
  const body: Obj = { '@odata.context': contextUrl(req, v, spec.context, select) };
  if (wantCount && isEventual && offset === 0) body['@odata.count'] = rows.length;
  if (offset + pageSize < rows.length) {
    const rest = rawQueryWithout(req.rawQuery, ['$skiptoken', 'skiptoken']);
    body['@odata.nextLink'] = `${req.origin}${req.path}?${rest ? `${rest}&` : ''}$skiptoken=${encodeSkipToken(offset + pageSize, fp)}`;
  }
  body.value = page.map((it) => spec.project(it, select));
  return odataOk(body);
}

/** Users' filter reads perUserMfaState from the MFA table. */
function userGetter(ctx: GraphCtx) {
  return (o: Obj, k: string): unknown => (k.toLowerCase() === 'perusermfastate' && typeof o.id === 'string' ? ctx.state.mfaStateOf(o.id) : getCI(o, k));
}

function pick(obj: Obj, select: string[], canon?: Map<string, string>): Obj {
  const out: Obj = {};
  for (const name of select) {
    let key = name;
    if (!(key in obj)) {
      const l = name.toLowerCase();
      key = Object.keys(obj).find((k) => k.toLowerCase() === l) ?? canon?.get(l) ?? name;
    }
    out[key] = obj[key] ?? null;
  }
  return out;
}

function projectAll(select?: string[]) {
  return (it: Obj, sel: string[] | undefined): Obj => (sel ?? select ? pick(it, (sel ?? select)!) : it);
}

function userProjector(ctx: GraphCtx, v: Version) {
  return (u: Obj, select: string[] | undefined): Obj => {
    if (!select) {
      if (v === 'v1.0') return pick(u, USER_DEFAULT, USER_PROP_CANON);
      const { perUserMfaState: _drop, ...rest } = u;
      return rest;
    }
    const out: Obj = {};
    for (const name of select) {
      const l = name.toLowerCase();
      if (l === 'perusermfastate') {
        if (ctx.userListPerUserMfaState === 'yes') out.perUserMfaState = ctx.state.mfaStateOf(String(u.id));
        continue;
      }
      const key = name in u ? name : (Object.keys(u).find((k) => k.toLowerCase() === l) ?? USER_PROP_CANON.get(l) ?? name);
      out[key] = u[key] ?? null;
    }
    return out;
  };
}

function validateUserSelect(req: EmuRequest, ctx: GraphCtx) {
  return (select: string[]): EmuResponse | undefined => {
    for (const name of select) {
      const l = name.toLowerCase();
      if (l === 'perusermfastate' && ctx.userListPerUserMfaState === 'error') {
        return graphError(req, 400, 'BadRequest', "Parsing OData Select and Expand failed: Could not find a property named 'perUserMfaState' on type 'microsoft.graph.user'.");
      }
      if (!USER_PROP_CANON.has(l) && !ctx.state.users.slice(0, 50).some((u) => Object.keys(u).some((k) => k.toLowerCase() === l))) {
        return graphError(req, 400, 'BadRequest', `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type 'microsoft.graph.user'.`);
      }
    }
    return undefined;
  };
}

const usersSpec = (req: EmuRequest, ctx: GraphCtx, v: Version): ListSpec => ({
  key: 'users',
  entity: 'User',
  context: 'users',
  defaultPage: 100,
  maxPage: 999,
  directoryObject: true,
  filterable: ['id', 'userprincipalname', 'displayname', 'mail', 'usertype', 'accountenabled', 'createddatetime', 'onpremisessyncenabled', 'creationtype', 'externaluserstate', 'givenname', 'surname', 'department', 'jobtitle', 'othermails', 'identities/issuer', 'perusermfastate'],
  orderable: ['displayname', 'userprincipalname'],
  project: userProjector(ctx, v),
  validateSelect: validateUserSelect(req, ctx),
});

function memberProjector(ctx: GraphCtx, v: Version) {
  const users = userProjector(ctx, v);
  return (ref: Obj, select: string[] | undefined): Obj => {
    const type = ref['@odata.type'];
    const target = ctx.state.resolveMember(ref as DirectoryObjectRef);
    const isUser = String(type ?? '').toLowerCase().endsWith('.user');
    let body: Obj;
    if (!target) body = select ? pick(ref, select) : { ...ref };
    else if (isUser) body = users(target, select);
    else body = select ? pick(target, select) : { ...target };
    return { '@odata.type': type ?? '#microsoft.graph.directoryObject', ...body };
  };
}

// ---------------------------------------------------------------- handlers

function byId(items: Obj[], id: string): Obj | undefined {
  const l = decodeURIComponent(id).toLowerCase();
  return items.find((x) => String(x.id).toLowerCase() === l);
}

function notFound(req: EmuRequest, id: string): EmuResponse {
  return graphError(req, 404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
}

function entity(req: EmuRequest, v: Version, name: string, obj: Obj, project?: (o: Obj, s: string[] | undefined) => Obj): EmuResponse {
  const select = parseSelect(req.query);
  const body = project ? project(obj, select) : select ? pick(obj, select) : clone(obj);
  return odataOk({ '@odata.context': contextUrl(req, v, name, select, true), ...body });
}

const simpleList = (key: string, entity: string, context: string, items: (c: GraphCtx) => Obj[], opts: Partial<ListSpec> = {}): Handler => (req, _p, ctx, v) =>
  list(req, ctx, v, { key, entity, context, defaultPage: ALL, maxPage: 999, project: projectAll(), ...opts }, items(ctx));

const simpleGet = (name: string, items: (c: GraphCtx) => Obj[]): Handler => (req, p, ctx, v) => {
  const obj = byId(items(ctx), p[0]!);
  return obj ? entity(req, v, name, obj) : notFound(req, p[0]!);
};

function writeLog(ctx: GraphCtx, req: EmuRequest, res: EmuResponse, extra: Partial<WriteRecord>): void {
  ctx.stats.write({
    time: new Date().toISOString(), method: req.method, path: req.path, status: res.status, requestId: req.requestId,
    ...(req.clientRequestId ? { clientRequestId: req.clientRequestId } : {}),
    ...(req.headers['if-match'] ? { ifMatch: req.headers['if-match'] } : {}),
    body: clone(req.body), ...extra,
  });
}

function doWrite(req: EmuRequest, ctx: GraphCtx, fn: () => { res: EmuResponse; before?: unknown; after?: unknown }): EmuResponse {
  if (req.body === undefined && req.method !== 'DELETE') {
    const res = graphError(req, 400, 'BadRequest', 'Empty Payload. JSON content expected.');
    writeLog(ctx, req, res, { error: 'empty payload' });
    return res;
  }
  if (ctx.writeFaults?.next()) {
    const res = graphError(req, 500, 'InternalServerError', 'The service failed to process the request (injected write fault).');
    writeLog(ctx, req, res, { error: 'injected write fault' });
    return res;
  }
  try {
    const { res, before, after } = fn();
    writeLog(ctx, req, res, { before, after });
    return res;
  } catch (e) {
    if (e instanceof WriteError) {
      const res = graphError(req, e.status, e.code, e.message);
      writeLog(ctx, req, res, { error: e.message });
      return res;
    }
    throw e;
  }
}

const AUTH_METHODS_POLICY = new WeakMap<object, Obj>();
function authMethodsPolicy(ctx: GraphCtx): Obj {
  let p = AUTH_METHODS_POLICY.get(ctx.state);
  if (!p) AUTH_METHODS_POLICY.set(ctx.state, (p = defaultAuthenticationMethodsPolicy()));
  return p;
}

/** `GET /{collection}/$count`: a plain-text number, only with `ConsistencyLevel: eventual` (like Graph). */
function countRoute(key: 'users' | 'groups'): RouteDef {
  return {
    pattern: [key, '$count'],
    key,
    read: PERMS[key],
    methods: {
      GET: (req, _p, ctx) => {
        if (!eventual(req)) return graphError(req, 400, 'Request_BadRequest', '$count is not currently supported. Add the ConsistencyLevel: eventual header.');
        return { status: 200, headers: { 'content-type': 'text/plain' }, body: String(ctx.state[key].length) };
      },
    },
  };
}

/** `GET /{users|groups}/delta` (delta.ts); listed before `/{collection}/{id}`. */
function deltaRoute(key: 'users' | 'groups'): RouteDef {
  return {
    pattern: [key, 'delta'],
    key,
    read: PERMS[key],
    methods: {
      GET: (req, _p, ctx, v) =>
        deltaHandler(key, req, ctx.state, v, { user: userProjector(ctx, v), validateUserSelect: validateUserSelect(req, ctx) }, ctx.pageSizes[`${key}Delta`] ?? 100),
    },
  };
}

const ROUTES: RouteDef[] = [
  deltaRoute('users'),
  deltaRoute('groups'),
  {
    pattern: ['organization'],
    key: 'organization',
    read: PERMS.org,
    methods: {
      GET: (req, _p, ctx, v) => {
        const t = ctx.state.tenant;
        const { cloud: _c, defaultDomain, ...rest } = t;
        const org: Obj = { ...rest, id: t.id, displayName: t.displayName ?? null };
        if (!org.verifiedDomains && defaultDomain) org.verifiedDomains = [{ name: defaultDomain, isDefault: true, isInitial: true, type: 'Managed', capabilities: 'Email, OfficeCommunicationsOnline' }];
        return list(req, ctx, v, { key: 'organization', entity: 'Organization', context: 'organization', defaultPage: ALL, maxPage: 999, project: projectAll() }, [org]);
      },
    },
  },
  countRoute('users'),
  { pattern: ['users'], key: 'users', read: PERMS.users, methods: { GET: (req, _p, ctx, v) => list(req, ctx, v, usersSpec(req, ctx, v), ctx.state.users as Obj[]) } },
  {
    pattern: ['users', '{id}'],
    key: 'users',
    read: PERMS.users,
    methods: {
      GET: (req, p, ctx, v) => {
        const u = ctx.state.findUser(p[0]!);
        if (!u) return notFound(req, p[0]!);
        const select = parseSelect(req.query);
        if (select) {
          const err = validateUserSelect(req, ctx)(select);
          if (err) return err;
        }
        return entity(req, v, 'users', u as Obj, userProjector(ctx, v));
      },
    },
  },
  {
    pattern: ['users', '{id}', 'authentication', 'requirements'],
    key: 'authenticationRequirements',
    betaOnly: true,
    read: PERMS.requirements,
    write: ['Policy.ReadWrite.AuthenticationMethod'],
    methods: {
      GET: (req, p, ctx) => {
        const u = ctx.state.findUser(p[0]!);
        if (!u) return notFound(req, p[0]!);
        return odataOk({ perUserMfaState: ctx.state.mfaStateOf(u.id) });
      },
      PATCH: (req, p, ctx) =>
        doWrite(req, ctx, () => {
          const r = ctx.state.setPerUserMfa(p[0]!, req.body);
          return { res: { status: 204, headers: {} }, ...r };
        }),
    },
  },
  {
    pattern: ['users', '{id}', 'authentication', 'methods'],
    key: 'authenticationMethods',
    read: PERMS.methods,
    methods: {
      GET: (req, p, ctx, v) => {
        const u = ctx.state.findUser(p[0]!);
        if (!u) return notFound(req, p[0]!);
        const methods = ctx.state.authMethods.get(u.id.toLowerCase()) ?? [];
        return list(req, ctx, v, { key: 'authenticationMethods', entity: 'AuthenticationMethod', context: `users('${u.id}')/authentication/methods`, defaultPage: ALL, maxPage: 999, project: projectAll() }, methods);
      },
    },
  },
  countRoute('groups'),
  {
    pattern: ['groups'],
    key: 'groups',
    read: PERMS.groups,
    methods: {
      GET: simpleList('groups', 'Group', 'groups', (c) => c.state.groups, {
        defaultPage: 100,
        directoryObject: true,
        filterable: ['id', 'displayname', 'securityenabled', 'mailenabled', 'isassignabletorole', 'grouptypes', 'mailnickname', 'membershiprule'],
        orderable: ['displayname'],
      }),
    },
  },
  {
    pattern: ['groups', '{id}'],
    key: 'groups',
    read: PERMS.groups,
    methods: {
      GET: (req, p, ctx, v) => {
        const g = ctx.state.groupById.get(decodeURIComponent(p[0]!).toLowerCase());
        return g ? entity(req, v, 'groups', g) : notFound(req, p[0]!);
      },
    },
  },
  ...(['members', 'transitiveMembers'] as const).map(
    (rel): RouteDef => ({
      pattern: ['groups', '{id}', rel],
      key: 'groupMembers',
      read: PERMS.groups,
      methods: {
        GET: (req, p, ctx, v) => {
          const g = ctx.state.groupById.get(decodeURIComponent(p[0]!).toLowerCase());
          if (!g) return notFound(req, p[0]!);
          const gid = String(g.id).toLowerCase();
          const refs = (rel === 'members' ? (ctx.state.groupMembers.get(gid) ?? []) : ctx.state.transitiveMembers(gid)) as Obj[];
          return list(req, ctx, v, {
            key: 'groupMembers',
            entity: 'DirectoryObject',
            context: 'directoryObjects',
            defaultPage: 100,
            maxPage: 999,
            directoryObject: true,
            filterable: ['id', 'displayname', 'usertype', 'accountenabled'],
            project: memberProjector(ctx, v),
          }, refs);
        },
      },
    }),
  ),
  {
    pattern: ['servicePrincipals'],
    key: 'servicePrincipals',
    read: PERMS.sps,
    methods: {
      GET: simpleList('servicePrincipals', 'ServicePrincipal', 'servicePrincipals', (c) => c.state.servicePrincipals, {
        defaultPage: 100,
        directoryObject: true,
        filterable: ['id', 'appid', 'displayname', 'serviceprincipaltype', 'accountenabled', 'apporganizationid', 'appownerorganizationid'],
        orderable: ['displayname'],
      }),
    },
  },
  { pattern: ['servicePrincipals', '{id}'], key: 'servicePrincipals', read: PERMS.sps, methods: { GET: simpleGet('servicePrincipals', (c) => c.state.servicePrincipals) } },
  {
    pattern: ['roleManagement', 'directory', 'roleDefinitions'],
    key: 'roleDefinitions',
    read: PERMS.roles,
    methods: { GET: simpleList('roleDefinitions', 'UnifiedRoleDefinition', 'roleManagement/directory/roleDefinitions', (c) => c.state.roleDefinitions, { filterable: ['id', 'displayname', 'isbuiltin', 'templateid', 'isprivileged', 'isenabled'] }) },
  },
  { pattern: ['roleManagement', 'directory', 'roleDefinitions', '{id}'], key: 'roleDefinitions', read: PERMS.roles, methods: { GET: simpleGet('roleManagement/directory/roleDefinitions', (c) => c.state.roleDefinitions) } },
  {
    pattern: ['roleManagement', 'directory', 'roleAssignments'],
    key: 'roleAssignments',
    read: PERMS.roles,
    methods: { GET: simpleList('roleAssignments', 'UnifiedRoleAssignment', 'roleManagement/directory/roleAssignments', (c) => c.state.roleAssignments, { defaultPage: 100, filterable: ['id', 'principalid', 'roledefinitionid', 'directoryscopeid', 'appscopeid'] }) },
  },
  { pattern: ['roleManagement', 'directory', 'roleAssignments', '{id}'], key: 'roleAssignments', read: PERMS.roles, methods: { GET: simpleGet('roleManagement/directory/roleAssignments', (c) => c.state.roleAssignments) } },
  {
    pattern: ['roleManagement', 'directory', 'roleEligibilitySchedules'],
    key: 'roleEligibilitySchedules',
    read: PERMS.eligibility,
    methods: { GET: simpleList('roleEligibilitySchedules', 'UnifiedRoleEligibilitySchedule', 'roleManagement/directory/roleEligibilitySchedules', (c) => c.state.roleEligibilitySchedules, { defaultPage: 100, filterable: ['id', 'principalid', 'roledefinitionid', 'directoryscopeid', 'status', 'membertype'] }) },
  },
  { pattern: ['roleManagement', 'directory', 'roleEligibilitySchedules', '{id}'], key: 'roleEligibilitySchedules', read: PERMS.eligibility, methods: { GET: simpleGet('roleManagement/directory/roleEligibilitySchedules', (c) => c.state.roleEligibilitySchedules) } },
  {
    pattern: ['identity', 'conditionalAccess', 'policies'],
    key: 'conditionalAccessPolicies',
    read: PERMS.policy,
    write: ['Policy.ReadWrite.ConditionalAccess'],
    methods: {
      GET: simpleList('conditionalAccessPolicies', 'ConditionalAccessPolicy', 'identity/conditionalAccess/policies', (c) => c.state.caPolicies, { filterable: ['id', 'displayname', 'state', 'templateid'] }),
      POST: (req, _p, ctx, v) =>
        doWrite(req, ctx, () => {
          const created = ctx.state.createPolicy(req.body);
          const res = odataOk({ '@odata.context': contextUrl(req, v, 'identity/conditionalAccess/policies', undefined, true), ...created }, 201, { location: `${req.origin}/${v}/identity/conditionalAccess/policies/${String(created.id)}` });
          return { res, after: created };
        }),
    },
  },
  {
    pattern: ['identity', 'conditionalAccess', 'policies', '{id}'],
    key: 'conditionalAccessPolicies',
    read: PERMS.policy,
    write: ['Policy.ReadWrite.ConditionalAccess'],
    methods: {
      GET: (req, p, ctx, v) => {
        const pol = ctx.state.findPolicy(decodeURIComponent(p[0]!));
        return pol ? entity(req, v, 'identity/conditionalAccess/policies', pol) : notFound(req, p[0]!);
      },
      PATCH: (req, p, ctx) =>
        doWrite(req, ctx, () => {
          const r = ctx.state.updatePolicy(decodeURIComponent(p[0]!), req.body);
          return { res: { status: 204, headers: {} }, ...r };
        }),
      DELETE: (req, p, ctx) =>
        doWrite(req, ctx, () => {
          const before = ctx.state.deletePolicy(decodeURIComponent(p[0]!));
          return { res: { status: 204, headers: {} }, before };
        }),
    },
  },
  {
    pattern: ['identity', 'conditionalAccess', 'namedLocations'],
    key: 'namedLocations',
    read: PERMS.policy,
    methods: { GET: simpleList('namedLocations', 'NamedLocation', 'identity/conditionalAccess/namedLocations', (c) => c.state.namedLocations, { filterable: ['id', 'displayname', 'istrusted', 'createddatetime', 'modifieddatetime'] }) },
  },
  { pattern: ['identity', 'conditionalAccess', 'namedLocations', '{id}'], key: 'namedLocations', read: PERMS.policy, methods: { GET: simpleGet('identity/conditionalAccess/namedLocations', (c) => c.state.namedLocations) } },
  {
    pattern: ['policies', 'authenticationStrengthPolicies'],
    key: 'authenticationStrengthPolicies',
    read: PERMS.policy,
    methods: { GET: simpleList('authenticationStrengthPolicies', 'AuthenticationStrengthPolicy', 'policies/authenticationStrengthPolicies', (c) => c.state.authStrengths, { filterable: ['id', 'policytype', 'displayname', 'requirementssatisfied'] }) },
  },
  { pattern: ['policies', 'authenticationStrengthPolicies', '{id}'], key: 'authenticationStrengthPolicies', read: PERMS.policy, methods: { GET: simpleGet('policies/authenticationStrengthPolicies', (c) => c.state.authStrengths) } },
  {
    pattern: ['policies', 'identitySecurityDefaultsEnforcementPolicy'],
    key: 'securityDefaults',
    read: PERMS.policy,
    write: ['Policy.ReadWrite.SecurityDefaults', 'Policy.ReadWrite.ConditionalAccess'],
    methods: {
      GET: (req, _p, ctx, v) => {
        const { '@odata.context': _ctx, ...sd } = ctx.state.securityDefaults;
        return entity(req, v, 'policies/identitySecurityDefaultsEnforcementPolicy', sd);
      },
      PATCH: (req, _p, ctx) =>
        doWrite(req, ctx, () => {
          const r = ctx.state.patchSecurityDefaults(req.body);
          return { res: { status: 204, headers: {} }, ...r };
        }),
    },
  },
  {
    // Remediation's registration campaign (writes.ts). Kept per tenant state object, created on first use.
    pattern: ['policies', 'authenticationMethodsPolicy'],
    key: 'securityDefaults',
    read: PERMS.policy,
    write: ['Policy.ReadWrite.AuthenticationMethod'],
    methods: {
      GET: (req, _p, ctx, v) => entity(req, v, 'policies/authenticationMethodsPolicy', authMethodsPolicy(ctx)),
      PATCH: (req, _p, ctx) => doWrite(req, ctx, () => ({ res: { status: 204, headers: {} }, ...patchAuthenticationMethodsPolicy(authMethodsPolicy(ctx), req.body) })),
    },
  },
  {
    pattern: ['reports', 'authenticationMethods', 'userRegistrationDetails'],
    key: 'userRegistrationDetails',
    read: PERMS.reports,
    methods: {
      GET: simpleList('userRegistrationDetails', 'UserRegistrationDetails', 'reports/authenticationMethods/userRegistrationDetails', (c) => c.state.registration, {
        defaultPage: 100,
        filterable: ['id', 'userprincipalname', 'userdisplayname', 'usertype', 'isadmin', 'ismfacapable', 'ismfaregistered', 'ispasswordlesscapable', 'isssprregistered', 'isssprenabled', 'isssprcapable', 'methodsregistered', 'defaultmfamethod', 'lastupdateddatetime'],
        orderable: ['userprincipalname', 'userdisplayname'],
      }),
    },
  },
  {
    pattern: ['reports', 'authenticationMethods', 'userRegistrationDetails', '{id}'],
    key: 'userRegistrationDetails',
    read: PERMS.reports,
    methods: {
      GET: (req, p, ctx, v) => {
        const r = ctx.state.registrationById.get(decodeURIComponent(p[0]!).toLowerCase());
        return r ? entity(req, v, 'reports/authenticationMethods/userRegistrationDetails', r) : notFound(req, p[0]!);
      },
    },
  },
  {
    pattern: ['auditLogs', 'signIns'],
    key: 'signIns',
    read: PERMS.reports,
    methods: {
      GET: (req, _p, ctx, v) => listSignIns(req, ctx.state.signIns, v, ctx.pageSizes.signIns),
    },
  },
];

function matchRoute(rest: string[]): { route: RouteDef; params: string[] } | undefined {
  for (const route of ROUTES) {
    if (route.pattern.length !== rest.length) continue;
    const params: string[] = [];
    let ok = true;
    for (let i = 0; i < rest.length; i++) {
      const pat = route.pattern[i]!;
      const seg = rest[i]!;
      if (pat === '{id}') {
        if (!seg || seg.startsWith('$')) { ok = false; break; }
        params.push(seg);
      } else if (pat.toLowerCase() !== seg.toLowerCase()) { ok = false; break; }
    }
    if (ok) return { route, params };
  }
  return undefined;
}

// ---------------------------------------------------------------- auth, throttling, errors

export function bearer(req: EmuRequest): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1]?.trim();
}

export function authGraph(req: EmuRequest, identity: Identity): { claims: TokenClaims } | { res: EmuResponse } {
  const token = bearer(req);
  const www = { 'www-authenticate': `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"` };
  if (!token) return { res: graphError(req, 401, 'InvalidAuthenticationToken', 'Access token is empty.', www) };
  const r = identity.verifyAccessToken(token);
  if ('error' in r) return { res: graphError(req, 401, 'InvalidAuthenticationToken', `Access token validation failure. ${r.error}`, www) };
  const aud = String(r.claims.aud).toLowerCase().replace(/\/$/, '');
  if (!GRAPH_AUDIENCES.has(aud) && aud !== req.origin.toLowerCase()) {
    return { res: graphError(req, 401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.', www) };
  }
  return { claims: r.claims };
}

export function hasPermission(claims: TokenClaims, anyOf: string[]): boolean {
  const granted = claims.idtyp === 'user' ? String(claims.scp ?? '').split(' ') : (claims.roles ?? []);
  const set = new Set(granted.map((x) => x.toLowerCase()));
  return anyOf.some((p) => set.has(p.toLowerCase()));
}

export function throttled429(req: EmuRequest, headers: Record<string, string>): EmuResponse {
  const res = graphError(req, 429, 'TooManyRequests', 'Please retry again later.', headers);
  (res.body as { error: { innerError: Obj } }).error.innerError = { code: '429', ...(res.body as { error: { innerError: Obj } }).error.innerError, message: 'Please retry after', status: '429' };
  return res;
}

/** The error a denied or unavailable collection answers with. */
function denial(req: EmuRequest, ctx: GraphCtx, key: string): EmuResponse | undefined {
  const d = ctx.deny.get(key);
  if (d === 'permission') return graphError(req, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  if (d === 'license') {
    const l = LICENCE[key] ?? { code: 'Forbidden', message: 'The tenant does not have a license required for this request.' };
    return graphError(req, 403, l.code, l.message);
  }
  if (d) return graphError(req, d.status, d.code, d.message);
  const u = ctx.state.unavailable[key];
  if (u) return graphError(req, typeof u.status === 'number' ? u.status : 403, typeof u.code === 'string' ? u.code : 'Authorization_RequestDenied', typeof u.message === 'string' ? u.message : 'Insufficient privileges to complete the operation.');
  return undefined;
}

/**
 * One Graph request (top level or a $batch item) after fault injection. `req.segments` starts with the
 * version. Returns the response with Graph's headers.
 */
export function dispatchGraph(req: EmuRequest, ctx: GraphCtx): { res: EmuResponse; family: Family } {
  const v = req.segments[0] as Version;
  const rest = req.segments.slice(1);
  const method = req.method.toUpperCase();
  const family = graphFamily(rest, method);
  const auth = authGraph(req, ctx.identity);
  const m = matchRoute(rest);
  const template = m ? m.route.pattern.join('/') : rest.join('/');
  ctx.stats.request(family, `${method} /${v}/${m ? template : '(unknown)'}`);
  if ('res' in auth) return { res: auth.res, family };
  if (!m || (m.route.betaOnly && v !== 'beta')) {
    const seg = rest[rest.length - 1] ?? '';
    return { res: graphError(req, 400, 'BadRequest', `Resource not found for the segment '${seg}'.`), family };
  }
  const handler = m.route.methods[method as keyof RouteDef['methods']];
  if (!handler) return { res: graphError(req, 405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.'), family };

  // throttling
  const headers: Record<string, string> = {};
  let bucket: 'directory' | 'directoryWrite' | 'reports' | 'ca';
  let cost = 1;
  if (family === 'directory') {
    bucket = 'directory';
    cost = directoryCost(rest, req.query);
    headers['x-ms-resource-unit'] = String(cost);
  } else if (family === 'directoryWrite') bucket = 'directoryWrite';
  else if (family === 'reports') bucket = 'reports';
  else bucket = 'ca';
  const charge = ctx.limiter.charge(bucket, '', cost);
  if (!charge.ok) {
    ctx.stats.throttle(family);
    const h: Record<string, string> = { ...headers };
    if (bucket !== 'ca') h['retry-after'] = String(charge.retryAfter);
    if (bucket === 'directory' || bucket === 'directoryWrite') {
      h['x-ms-throttle-scope'] = `Tenant_Application/${bucket === 'directory' ? 'ReadWrite' : 'Write'}/${String(auth.claims.appid)}/${ctx.state.tenant.id}`;
      h['x-ms-throttle-information'] = bucket === 'directory' ? 'ResourceUnitLimitExceeded' : 'WriteLimitExceeded';
      h['x-ms-throttle-limit-percentage'] = '1.0';
    }
    return { res: throttled429(req, h), family };
  }
  ctx.stats.cost(family, cost);
  if ((bucket === 'directory' || bucket === 'directoryWrite') && charge.used > 0.8) headers['x-ms-throttle-limit-percentage'] = charge.used.toFixed(2);

  const denied = denial(req, ctx, m.route.key);
  if (denied) return { res: withHeaders(denied, headers), family };
  const isWrite = method !== 'GET';
  const perms = isWrite ? (m.route.write ?? []) : m.route.read;
  if (!hasPermission(auth.claims, perms)) {
    return { res: withHeaders(graphError(req, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'), headers), family };
  }
  let res: EmuResponse;
  try {
    res = handler(req, m.params, ctx, v);
  } catch (e) {
    if (e instanceof ODataError) res = graphError(req, e.status, e.code, e.message);
    else throw e;
  }
  return { res: withHeaders(res, headers), family };
}

function withHeaders(res: EmuResponse, headers: Record<string, string>): EmuResponse {
  return { ...res, headers: { ...res.headers, ...headers } };
}

export const isGraphVersion = (s: string | undefined): s is Version => s === 'v1.0' || s === 'beta';
