/**
 * `serve`: the local web dashboard over the state store (Hono on Node's HTTP server).
 *
 * Security model (README, "Dashboard"): it listens on loopback unless told otherwise (a non-loopback
 * address needs `allowRemote` and comes back with a warning); a random access token (256 bits) is
 * printed as a URL and exchanged, once per browser, for an HttpOnly SameSite=Strict session cookie;
 * anything without the cookie is 401. The Host header must name the loopback listener (DNS-rebinding
 * defence). Writes are POST only and need the session's CSRF token in the form AND a same-origin
 * Origin / Sec-Fetch-Site when the browser sends them (403 otherwise). Every response carries a strict
 * Content-Security-Policy (no inline script or style, nothing external, no framing), nosniff and
 * no-referrer. Pages render tenant text through escapeHtml.
 *
 * Routes are in one place (`createDashboard`); the multi-tenant roll-up goes on /tenants (the tenant
 * switcher already links there).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIPv4, isIPv6 } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { serve as honoServe, type ServerType } from '@hono/node-server';
import { InputError, UsageError } from '../errors.js';
import { diffReports } from '../report/diff.js';
import type { Plan } from '../remediation/types.js';
import { EXEMPTION_CATEGORIES } from '../config/parse.js';
import type { ExemptionCategory } from '../config/types.js';
import { decodeText } from '../snapshot/decode.js';
import { addExemption } from './exempt.js';
import { explainModelUser, type Explanation } from './explain.js';
import type { SnapshotSource } from './source.js';
import { resolveStateDir, type StateLocation } from './state.js';
import { rollupFromStore } from './tenants.js';
import type { Rollup } from '../report/rollup.js';
import { DASHBOARD_CSS, DASHBOARD_JS } from './dashboard/assets.js';
import { DashboardData, type LoadedScan } from './dashboard/data.js';
import { SORT_KEYS, type FindingsQuery, type SortKey } from './dashboard/findings-index.js';
import * as pages from './dashboard/pages.js';
import type { Trends } from '../report/trends.js';

/**
 * The session cookie's name prefix. Each dashboard adds its own suffix: browsers do not separate
 * cookies by port, so two dashboards on 127.0.0.1 would otherwise overwrite each other's session.
 */
export const SESSION_COOKIE = 'mfaguard_session';

export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface DashboardOptions extends StateLocation {
  /** The access token (default: 32 random bytes, base64url). */
  token?: string;
  /** The configuration file the exempt flow writes (as `mfaguard exempt --config`); without it the flow is off. */
  config?: string | undefined;
  /** A plan file (`mfaguard plan --out`) to review on the plans page. */
  plan?: string | undefined;
  /** A snapshot of one of the tenants: the user page's groups/roles/Azure chain and the policy page's assignment. */
  snapshot?: SnapshotSource | undefined;
  /** Host header values accepted (default: any; `startDashboard` sets the loopback listener's names). */
  allowedHosts?: ReadonlySet<string> | undefined;
}

export interface Dashboard {
  /** The Hono application (`app.fetch`, `app.request` in tests). */
  app: Hono;
  token: string;
  /** This dashboard's session cookie (`mfaguard_session_<random>`). */
  cookieName: string;
  data: DashboardData;
  /** Sets the Host values accepted (after the port is known). */
  setAllowedHosts(hosts: ReadonlySet<string> | undefined): void;
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (isIPv6(h)) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

interface Session { csrf: string }

export function createDashboard(opts: DashboardOptions = {}): Dashboard {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const cookieName = `${SESSION_COOKIE}_${randomBytes(6).toString('hex')}`;
  const data = new DashboardData(opts, opts.snapshot);
  const sessions = new Map<string, Session>();
  let allowedHosts = opts.allowedHosts;
  const app = new Hono<{ Variables: { session: Session } }>();

  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    c.res.headers.set('Referrer-Policy', 'no-referrer');
    c.res.headers.set('X-Frame-Options', 'DENY');
    c.res.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    c.res.headers.set('Cross-Origin-Resource-Policy', 'same-origin');
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  });

  // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends Host: evil.example
  app.use('*', async (c, next) => {
    const host = c.req.header('host') ?? '';
    if (allowedHosts && !allowedHosts.has(host.toLowerCase())) return c.text('unexpected Host header', 421);
    return next();
  });

  // The static assets hold no tenant data; served without a session so the 401 page is styled too.
  app.get('/assets/app.css', (c) => c.body(DASHBOARD_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'max-age=300' }));
  app.get('/assets/app.js', (c) => c.body(DASHBOARD_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'max-age=300' }));

  app.use('*', async (c, next) => {
    const offered = c.req.query('token');
    if (offered !== undefined && c.req.method === 'GET') {
      if (!sameSecret(offered, token)) return unauthorized(c);
      const id = randomBytes(32).toString('base64url');
      sessions.set(id, { csrf: randomBytes(32).toString('base64url') });
      setCookie(c, cookieName, id, { httpOnly: true, sameSite: 'Strict', path: '/' });
      // the token leaves the address bar (and the history) at once
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      return c.redirect(url.pathname + url.search, 303);
    }
    const id = getCookie(c, cookieName);
    const session = id !== undefined ? sessions.get(id) : undefined;
    if (!session) return unauthorized(c);
    c.set('session', session);
    return next();
  });

  // a form is a few hundred bytes; nothing a client sends is buffered beyond this
  app.post('*', bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text('request body too large', 413) }));

  app.use('*', async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    if (c.req.method !== 'POST') return c.text('method not allowed', 405);
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin') return forbidden(c, `cross-site request refused (Sec-Fetch-Site: ${site})`);
    // Under Referrer-Policy no-referrer Chromium sends `Origin: null` with same-origin form posts, so
    // `null` is accepted only when Sec-Fetch-Site (which a page cannot forge) vouches for the request.
    const origin = c.req.header('origin');
    if (origin === 'null' && site !== 'same-origin') return forbidden(c, 'cross-origin request refused (Origin: null)');
    if (origin !== undefined && origin !== 'null') {
      let host: string | undefined;
      try {
        host = new URL(origin).host;
      } catch {
        host = undefined;
      }
      if (host === undefined || host.toLowerCase() !== (c.req.header('host') ?? '').toLowerCase()) return forbidden(c, 'cross-origin request refused (Origin)');
    }
    const body = await c.req.parseBody();
    const csrf = typeof body.csrf === 'string' ? body.csrf : '';
    if (!sameSecret(csrf, c.get('session').csrf)) return forbidden(c, 'missing or wrong CSRF token: reload the page and try again');
    return next();
  });

  /** The tenant asked for (`?tenant=`), or the only one; the first when several and none asked for. */
  const context = (c: Context, scanParam = true): pages.PageContext & { loaded?: LoadedScan } => {
    const tenants = data.tenants().sort((a, b) => (a.displayName ?? a.id).localeCompare(b.displayName ?? b.id) || a.id.localeCompare(b.id));
    const wanted = c.req.query('tenant');
    // default: the tenant scanned most recently
    const latest = tenants.reduce<typeof tenants[number] | undefined>((m, t) => (!m || (t.lastScan ?? 0) > (m.lastScan ?? 0) ? t : m), undefined);
    const tenant = (wanted ? tenants.find((t) => t.id.toLowerCase() === wanted.toLowerCase()) : undefined) ?? latest;
    if (!tenant || tenant.lastScan === null) return { tenants, tenant };
    const scanId = scanParam && /^\d+$/.test(c.req.query('scan') ?? '') ? Number(c.req.query('scan')) : tenant.lastScan;
    const loaded = data.scan(scanId);
    if (!loaded || loaded.record.tenantId !== tenant.id) return { tenants, tenant };
    return { tenants, tenant, scan: loaded.record, loaded };
  };

  const noScans = (c: Context, ctx: pages.PageContext) => c.html(pages.tenantsPage(ctx), ctx.tenants.length ? 404 : 200);

  app.get('/', (c) => {
    const ctx = context(c);
    if (!ctx.loaded) return noScans(c, ctx);
    const scans = data.scansOf(ctx.tenant!.id);
    return c.html(pages.overviewPage(ctx, ctx.loaded.report, scans, trendsOf(ctx, scans)));
  });

  // the roll-up of every tenant's latest scan (as `scan --tenants` writes it), worst first
  app.get('/tenants', (c) => {
    const ctx = context(c, false);
    let rollup: Rollup | undefined;
    try {
      if (ctx.tenants.length) rollup = rollupFromStore(resolveStateDir(opts).dir).rollup;
    } catch {
      rollup = undefined; // no store yet: the page says so
    }
    return c.html(pages.tenantsPage(ctx, rollup));
  });

  app.get('/findings', (c) => {
    const ctx = context(c);
    if (!ctx.loaded) return noScans(c, ctx);
    const q = findingsQuery(c);
    const t0 = performance.now();
    const page = ctx.loaded.findings.query(q);
    const ms = performance.now() - t0;
    c.header('Server-Timing', `query;dur=${ms.toFixed(2)}`);
    return c.html(pages.findingsPage(ctx, ctx.loaded.findings.ruleIds, q, page, ms));
  });

  app.get('/users/:id', async (c) => {
    const ctx = context(c);
    if (!ctx.loaded) return noScans(c, ctx);
    const id = c.req.param('id');
    const p = ctx.loaded.principalById.get(id.toLowerCase()) ?? ctx.loaded.report.principals.find((x) => (x.userPrincipalName ?? '').toLowerCase() === id.toLowerCase());
    if (!p) return c.html(pages.messagePage(ctx, 'No such user', `no user "${id}" in scan #${ctx.scan!.id}`), 404);
    let explanation: Explanation | undefined;
    let note = 'The state store keeps each user\'s verdicts, not the directory: start the dashboard with --snapshot of this tenant to see groups (with nesting), directory roles, Azure access and the per-policy trace.';
    const m = await data.modelFor(ctx.tenant!.id);
    if (m) {
      const user = m.model.findUser(p.id);
      if (user) explanation = explainModelUser(m.model, m.engine, user);
      else note = 'This user is not in the snapshot given with --snapshot (it may be older or newer than this scan).';
    }
    return c.html(pages.userPage(ctx, p, ctx.loaded.findings.forResource(p.id), explanation, note));
  });

  app.get('/policies', (c) => {
    const ctx = context(c);
    if (!ctx.loaded) return noScans(c, ctx);
    const names = ctx.loaded.policyNames();
    const list = [...ctx.loaded.cellsByPolicy()].map(([id, cells]) => ({ id, name: names.get(id) ?? id, cells: cells.length, excluded: cells.filter((x) => x.state === 'excluded').length }))
      .sort((a, b) => b.excluded - a.excluded || a.name.localeCompare(b.name));
    return c.html(pages.policiesPage(ctx, list));
  });

  app.get('/policies/:id', async (c) => {
    const ctx = context(c);
    if (!ctx.loaded) return noScans(c, ctx);
    const id = c.req.param('id').toLowerCase();
    const cells = ctx.loaded.cellsByPolicy().get(id) ?? [];
    let name = ctx.loaded.policyNames().get(id);
    let assignment: pages.PolicyAssignment | undefined;
    const m = await data.modelFor(ctx.tenant!.id);
    const policy = m?.model.snapshot.conditionalAccessPolicies?.find((p) => p.id.toLowerCase() === id);
    if (m && policy) {
      name = policy.displayName ?? name;
      const u = policy.conditions?.users ?? {};
      const user = (x: string) => (/^(All|None|GuestsOrExternalUsers)$/.test(x) ? x : `user ${m.model.userById.get(x.toLowerCase())?.userPrincipalName ?? x}`);
      const side = (users?: string[] | null, groups?: string[] | null, roles?: string[] | null) => [
        ...(users ?? []).map(user), ...(groups ?? []).map((g) => `group '${m.model.groupName(g)}'`), ...(roles ?? []).map((r) => `role '${m.model.roleName(r)}'`)];
      assignment = { state: policy.state ?? 'unknown', include: side(u.includeUsers, u.includeGroups, u.includeRoles), exclude: side(u.excludeUsers, u.excludeGroups, u.excludeRoles) };
    }
    if (!cells.length && !assignment && !name) return c.html(pages.messagePage(ctx, 'No such policy', `no verdict in scan #${ctx.scan!.id} names policy ${id}`), 404);
    return c.html(pages.policyPage(ctx, id, name, cells, assignment, ctx.loaded.findings.forResource(id)));
  });

  app.get('/diff', (c) => {
    const ctx = context(c, false);
    if (!ctx.loaded) return noScans(c, ctx);
    const scans = data.scansOf(ctx.tenant!.id);
    const num = (k: string) => (/^\d+$/.test(c.req.query(k) ?? '') ? Number(c.req.query(k)) : undefined);
    const from = num('from') ?? scans.at(-2)?.id;
    const to = num('to') ?? scans.at(-1)?.id;
    if (from === undefined || to === undefined || scans.length < 2) return c.html(pages.diffPage(ctx, scans, from, to, undefined));
    const a = data.scan(from);
    const b = data.scan(to);
    if (!a || !b || a.record.tenantId !== ctx.tenant!.id || b.record.tenantId !== ctx.tenant!.id) return c.html(pages.messagePage(ctx, 'Diff', 'both scans must be recorded scans of this tenant'), 404);
    return c.html(pages.diffPage(ctx, scans, from, to, diffReports(a.report, b.report, { scanId: from }, { scanId: to })));
  });

  app.get('/plans', async (c) => {
    const ctx = context(c);
    if (!opts.plan) return c.html(pages.plansPage(ctx, undefined, undefined, undefined));
    try {
      const plan = JSON.parse(decodeText(await readFile(opts.plan))) as Plan;
      if (plan?.mfaguardPlan !== 1 || !Array.isArray(plan.actions) || !plan.guard) throw new Error('not an mfaguard plan (mfaguardPlan: 1)');
      return c.html(pages.plansPage(ctx, opts.plan, plan, undefined));
    } catch (err) {
      return c.html(pages.plansPage(ctx, opts.plan, undefined, (err as Error).message), 422);
    }
  });

  const ruleIdsOf = (ctx: { loaded?: LoadedScan }) => ctx.loaded?.report.rules.map((r) => r.id) ?? [];

  app.get('/exempt', (c) => {
    const ctx = context(c);
    const q = c.req.query();
    return c.html(pages.exemptPage(ctx, ruleIdsOf(ctx), c.get('session').csrf, opts.config, { rule: q.rule, account: q.account, kind: q.kind }));
  });

  app.post('/exempt', async (c) => {
    const ctx = context(c);
    const body = await c.req.parseBody();
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
    const form: pages.ExemptForm = {
      rule: str('rule'), account: str('account'), kind: str('kind') || 'resource', scope: str('scope'), category: str('category'),
      reason: str('reason'), expires: str('expires'), approvedBy: str('approvedBy'), ticket: str('ticket'),
    };
    const fail = (text: string, status: 400 | 422 = 400) => c.html(pages.exemptPage(ctx, ruleIdsOf(ctx), c.get('session').csrf, opts.config, form, { kind: 'err', text }), status);
    if (!opts.config) return fail('no configuration file: start the dashboard with --config FILE');
    if (!form.rule) return fail('choose a rule');
    if (!form.account) return fail('name the account (UPN or object id)');
    if (!form.reason) return fail('give a reason');
    if (!form.expires) return fail('give an expiry date: every exemption expires');
    if (form.kind !== 'resource' && form.kind !== 'group') return fail('the account kind is a user/policy/tenant or a group');
    if (form.category && !EXEMPTION_CATEGORIES.includes(form.category as ExemptionCategory)) return fail(`the category is one of ${EXEMPTION_CATEGORIES.join(', ')}`);
    try {
      const result = await addExemption({
        file: opts.config,
        rules: form.rule === '*' ? '*' : [form.rule!],
        ...(form.kind === 'group' ? { group: form.account } : { resource: form.account }),
        ...(form.scope ? { scope: form.scope } : {}),
        ...(form.category ? { category: form.category as ExemptionCategory } : {}),
        reason: form.reason!, expires: form.expires!,
        ...(form.approvedBy ? { approvedBy: form.approvedBy } : {}),
        ...(form.ticket ? { ticket: form.ticket } : {}),
      });
      const e = result.exemption;
      const text = `${result.created ? 'created' : 'updated'} ${result.file}: exemption at line ${e.source.line} (${e.rules === '*' ? 'all rules' : e.rules.join(', ')} for ${e.resource ?? `group ${e.group}`}, ${e.category}, expires ${e.expires}). It takes effect at the next scan.`;
      return c.html(pages.exemptPage(ctx, ruleIdsOf(ctx), c.get('session').csrf, opts.config, {}, { kind: 'ok', text }));
    } catch (err) {
      if (err instanceof InputError || err instanceof UsageError) return fail(err.message, 422);
      throw err;
    }
  });

  app.notFound((c) => c.text('not found', 404));
  app.onError((err, c) => {
    // no stack trace to the browser; the server's caller sees it through onError
    return c.text(`internal error: ${err.message}`, 500);
  });

  return {
    app: app as unknown as Hono, token, cookieName, data,
    setAllowedHosts: (hosts) => { allowedHosts = hosts; },
  };
}

function trendsOf(ctx: pages.PageContext, scans: import('../store/sqlite.js').ScanRecord[]): Trends {
  const last = scans.slice(-30);
  const ruleIds = [...new Set(last.flatMap((s) => Object.keys(s.counts)))].sort();
  return {
    tenant: { id: ctx.tenant!.id, displayName: ctx.tenant!.displayName },
    scans: last.map((s) => ({ scanId: s.id, collectedAt: s.collectedAt })),
    rules: ruleIds.map((r) => ({ ruleId: r, points: last.filter((s) => s.counts[r]).map((s) => ({ scanId: s.id, collectedAt: s.collectedAt, counts: s.counts[r]! })) })),
  };
}

function findingsQuery(c: Context): FindingsQuery {
  const q = c.req.query();
  const num = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
  return {
    rule: q.rule || undefined, status: q.status || undefined, severity: q.severity || undefined, q: q.q || undefined,
    sort: SORT_KEYS.includes(q.sort as SortKey) ? (q.sort as SortKey) : undefined,
    dir: q.dir === 'desc' ? 'desc' : q.dir === 'asc' ? 'asc' : undefined,
    page: num(q.page), pageSize: num(q.pageSize),
  };
}

function unauthorized(c: Context) {
  return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>mfaguard dashboard: sign in</title><link rel="stylesheet" href="/assets/app.css"></head>
<body><main id="main"><h1>Not signed in</h1><p>Open the address <code>mfaguard serve</code> printed when it started (it carries the access token).</p></main></body></html>\n`, 401);
}

function forbidden(c: Context, message: string) {
  return c.text(message, 403);
}

export interface ServeOptions extends DashboardOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Needed to listen on an address that is not loopback. */
  allowRemote?: boolean;
}

export interface RunningDashboard {
  /** The address to open: `http://HOST:PORT/?token=…`. */
  url: string;
  host: string;
  port: number;
  token: string;
  /** What the user should know (listening beyond loopback). */
  warnings: string[];
  dashboard: Dashboard;
  close(): Promise<void>;
}

/** Starts the dashboard; resolves once it is listening. */
export async function startDashboard(opts: ServeOptions = {}): Promise<RunningDashboard> {
  const host = opts.host ?? '127.0.0.1';
  const loopback = isLoopbackHost(host);
  const warnings: string[] = [];
  if (!loopback) {
    if (!opts.allowRemote) throw new UsageError(`refusing to listen on ${host}, which is not a loopback address: anyone who can reach it could try the dashboard (give --allow-remote to do it anyway)`);
    warnings.push(`listening on ${host}, beyond this machine: the dashboard is plain HTTP, so the token and the tenant data cross the network unencrypted; anyone who has the URL can read and add exemptions`);
  }
  const dashboard = createDashboard(opts);
  await dashboard.data.check();
  dashboard.data.preload();
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = honoServe({ fetch: dashboard.app.fetch, hostname: host.replace(/^\[|\]$/g, ''), port: opts.port ?? 0 }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port ?? 0;
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  if (loopback) {
    dashboard.setAllowedHosts(new Set([`${urlHost}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`].map((x) => x.toLowerCase())));
  }
  return {
    url: `http://${urlHost}:${port}/?token=${dashboard.token}`, host, port, token: dashboard.token, warnings, dashboard,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    }),
  };
}
