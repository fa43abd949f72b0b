/**
 * The dashboard's pages, rendered on the server as HTML strings. Every string that can come from a
 * tenant (names, UPNs, reasons, policy names, file contents) goes through escapeHtml (control and bidi
 * characters shown escaped, then HTML entities); attributes are always quoted. No inline script or
 * style: the CSP would refuse them (SVG presentation attributes are not styles).
 */
import type { Explanation } from '../explain.js';
import type { ReportDiff } from '../../report/diff.js';
import { CHANGE_KINDS, CHANGE_LABELS } from '../../report/diff.js';
import { escapeHtml as h } from '../../report/html-escape.js';
import { impactLines } from '../../report/plan-review.js';
import { trendChartSvg, type Trends } from '../../report/trends.js';
import type { Report, ReportPrincipal } from '../../report/report.js';
import type { Plan } from '../../remediation/types.js';
import type { Rollup } from '../../report/rollup.js';
import type { Finding } from '../../rules/types.js';
import type { ScanRecord, TenantRecord } from '../../store/sqlite.js';
import { describeGrant } from '../../rules/azure-tier.js';
import { SEVERITIES, STATES, STATE_LABELS, TARGETS, TARGET_NAMES, type Target } from '../../vocabulary.js';
import { FILTER_STATUSES, SORT_KEYS, type FindingsPage, type FindingsQuery } from './findings-index.js';
import type { PolicyCell } from './data.js';

export const NAV = [
  ['overview', '/', 'Overview'], ['findings', '/findings', 'Findings'], ['policies', '/policies', 'Policies'],
  ['diff', '/diff', 'Diff'], ['plans', '/plans', 'Plans'], ['exempt', '/exempt', 'Exempt'],
] as const;
export type NavKey = (typeof NAV)[number][0] | 'user' | 'tenants';

/** Query string from a record, leaving out empty values. */
export function qs(params: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export interface PageContext {
  tenants: TenantRecord[];
  tenant?: TenantRecord | undefined;
  scan?: ScanRecord | undefined;
}

/** A link inside the chosen tenant (the tenant travels as a query parameter: bookmarkable, no server state). */
export const link = (ctx: PageContext, path: string, params: Record<string, string | number | undefined> = {}) =>
  h(path + qs({ tenant: ctx.tenants.length > 1 ? ctx.tenant?.id : undefined, ...params }));

export function layout(ctx: PageContext, nav: NavKey, title: string, body: string): string {
  const tenantName = ctx.tenant ? ctx.tenant.displayName ?? ctx.tenant.id : 'no tenant';
  const switcher = ctx.tenants.length > 1
    ? `<form class="switch" method="get" action="/" data-autosubmit><label for="tenant-switch">Tenant</label><select id="tenant-switch" name="tenant">${ctx.tenants.map((t) =>
      `<option value="${h(t.id)}"${t.id === ctx.tenant?.id ? ' selected' : ''}>${h(t.displayName ?? t.id)}</option>`).join('')}</select><button type="submit">Switch</button> <a href="/tenants">all tenants</a></form>`
    : '';
  const scanLine = ctx.scan ? `<div class="meta"><span>Scan <b>#${ctx.scan.id}</b></span><span>collected <b>${h(ctx.scan.collectedAt)}</b></span><span>${ctx.scan.principals} users, ${ctx.scan.findings} findings</span></div>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)} · mfaguard dashboard</title><link rel="stylesheet" href="/assets/app.css"><script src="/assets/app.js" defer></script></head>
<body><a class="skip" href="#main">Skip to content</a>
<header class="top"><div class="brand">mfaguard dashboard</div><h1>${h(tenantName)}</h1>${scanLine}${switcher}</header>
<nav class="tabs" aria-label="Pages">${NAV.map(([key, path, label]) => `<a href="${link(ctx, path)}"${key === nav ? ' aria-current="page"' : ''}>${label}</a>`).join('')}</nav>
<main id="main"><h2 class="sr-only">${h(title)}</h2>${body}</main></body></html>
`;
}

export const badge = (cls: string, text: string) => `<span class="badge ${h(cls)}">${h(text)}</span>`;

export function messagePage(ctx: PageContext, title: string, message: string, kind: 'ok' | 'err' = 'err'): string {
  return layout(ctx, 'overview', title, `<div class="msg ${kind}" role="${kind === 'err' ? 'alert' : 'status'}">${h(message)}</div>`);
}

/** A tiny bar chart of unhealthy counts per scan (SVG attributes, no style). */
function spark(values: number[]): string {
  if (values.length < 2) return '';
  const max = Math.max(1, ...values);
  const w = 7;
  const bars = values.map((v, i) => { const bh = Math.max(1, Math.round((v / max) * 20)); return `<rect x="${i * w}" y="${22 - bh}" width="${w - 1}" height="${bh}" fill="#b42318"/>`; }).join('');
  return `<svg width="${values.length * w}" height="22" role="img" aria-label="unhealthy per scan: ${values.join(', ')}">${bars}</svg>`;
}

/** Share of decided findings that are healthy or exempt (notApplicable and unknown left out). */
export function score(report: Report): { percent: number | null; healthy: number; unhealthy: number; unknown: number } {
  let healthy = 0, unhealthy = 0, unknown = 0;
  for (const byStatus of Object.values(report.summary.rules)) {
    healthy += byStatus.healthy + byStatus.exempt;
    unhealthy += byStatus.unhealthy;
    unknown += byStatus.unknown;
  }
  return { percent: healthy + unhealthy ? Math.round((healthy / (healthy + unhealthy)) * 1000) / 10 : null, healthy, unhealthy, unknown };
}

export function tenantsPage(ctx: PageContext, rollup?: Rollup): string {
  const rows = ctx.tenants.map((t) => `<tr><td><a href="${h('/' + qs({ tenant: t.id }))}">${h(t.displayName ?? t.id)}</a></td><td class="mono">${h(t.id)}</td><td class="num">${t.scans}</td><td class="num">${t.lastScan ?? ''}</td></tr>`).join('');
  return layout(ctx, 'tenants', 'Tenants', `<section class="panel"><h3>Tenants in the state store</h3>${ctx.tenants.length
    ? `<div class="table-wrap"><table><thead><tr><th scope="col">tenant</th><th scope="col">id</th><th scope="col" class="num">scans</th><th scope="col" class="num">last scan</th></tr></thead><tbody>${rows}</tbody></table></div>`
    : '<p>No scans recorded yet. Run <code>mfaguard scan</code> first: every scan is recorded in the state store.</p>'}</section>${rollup ? rollupSection(rollup) : ''}`);
}

/** Every tenant's latest scan, worst first (the roll-up of `scan --tenants`), and the rules failing in most tenants. */
function rollupSection(r: Rollup): string {
  const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)}%`);
  const tenants = r.tenants.map((t) => `<tr><td><a href="${h('/' + qs({ tenant: t.tenantId }))}">${h(t.displayName ?? t.name)}</a></td><td class="num">${pct(t.score)}</td>`
    + `${SEVERITIES.map((s) => `<td class="num">${t.unhealthy[s] ?? 0}</td>`).join('')}<td class="num">${t.totals.unknown}</td><td class="num">${t.totals.exempt}</td></tr>`).join('');
  const rules = r.rules.filter((x) => x.tenantsUnhealthy > 0).map((x) => `<tr><td>${h(x.ruleId)}</td><td>${h(x.severity)}</td><td class="num">${x.tenantsUnhealthy}</td><td class="num">${x.counts.unhealthy}</td></tr>`).join('');
  return `<section class="panel"><h3>Roll-up: latest scan of each tenant, worst first</h3><div class="table-wrap"><table><thead><tr><th scope="col">tenant</th><th scope="col" class="num">score</th>${SEVERITIES.map((s) => `<th scope="col" class="num">unhealthy ${h(s)}</th>`).join('')}<th scope="col" class="num">unknown</th><th scope="col" class="num">exempt</th></tr></thead><tbody>${tenants}</tbody></table></div>`
    + (rules ? `<h3>Rules failing across tenants</h3><div class="table-wrap"><table><thead><tr><th scope="col">rule</th><th scope="col">severity</th><th scope="col" class="num">tenants</th><th scope="col" class="num">unhealthy findings</th></tr></thead><tbody>${rules}</tbody></table></div>` : '')
    + '</section>';
}

export function overviewPage(ctx: PageContext, report: Report, scans: ScanRecord[], trends: Trends): string {
  const s = score(report);
  const matrix = `<div class="table-wrap"><table class="matrix"><caption class="sr-only">Users per coverage state and target</caption><thead><tr><th scope="col">target</th>${STATES.map((st) => `<th scope="col" class="num">${h(STATE_LABELS[st])}</th>`).join('')}</tr></thead><tbody>${TARGETS.map((t) =>
    `<tr><th scope="row" class="tgt">${h(TARGET_NAMES[t])}</th>${STATES.map((st) => { const n = report.summary.coverage[t]?.[st] ?? 0; return `<td class="num${n ? '' : ' zero'}">${n}</td>`; }).join('')}</tr>`).join('')}</tbody></table></div>`;
  const byRule = new Map(trends.rules.map((r) => [r.ruleId, r]));
  const rules = report.rules.map((r) => {
    const c = report.summary.rules[r.id] ?? { healthy: 0, unhealthy: 0, exempt: 0, notApplicable: 0, unknown: 0 };
    const points = byRule.get(r.id)?.points.map((p) => p.counts.unhealthy) ?? [];
    const prev = points.length > 1 ? points.at(-2)! : undefined;
    const delta = prev === undefined ? '' : c.unhealthy - prev === 0 ? '±0' : `${c.unhealthy - prev > 0 ? '+' : ''}${c.unhealthy - prev}`;
    return `<tr><td><a href="${link(ctx, '/findings', { rule: r.id, status: 'unhealthy' })}">${h(r.id)}</a><br><small>${h(r.title)}</small></td><td>${badge(`sev-${r.severity}`, r.severity)}</td>`
      + `<td class="num">${c.unhealthy}</td><td class="num">${c.unknown}</td><td class="num">${c.exempt}</td><td class="num">${c.healthy}</td><td class="num">${h(delta)}</td><td>${spark(points)}</td></tr>`;
  }).join('');
  const chart = trendChartSvg(trends);
  return layout(ctx, 'overview', 'Overview', `
<section class="block"><div class="kpis">
<div class="kpi"><div class="label">Score</div><div class="value">${s.percent === null ? '–' : `${s.percent}%`}</div><div class="sub">healthy or exempt of decided findings</div></div>
<div class="kpi bad"><div class="label">Unhealthy</div><div class="value">${s.unhealthy}</div><div class="sub"><a href="${link(ctx, '/findings', { status: 'unhealthy' })}">show them</a></div></div>
<div class="kpi unk"><div class="label">Unknown</div><div class="value">${s.unknown}</div><div class="sub">data missing</div></div>
<div class="kpi"><div class="label">Scans recorded</div><div class="value">${scans.length}</div><div class="sub"><a href="${link(ctx, '/diff')}">compare two</a></div></div>
</div></section>
${report.dataGaps.length ? `<div class="gaps" role="note"><h3>Data gaps</h3><ul>${report.dataGaps.map((g) => `<li>${h(`${g.key}: ${(g as { message?: string }).message ?? ''}`)}</li>`).join('')}</ul></div>` : ''}
<section class="block panel"><h3>Coverage matrix</h3><p class="hint">Users per target and state.</p>${matrix}</section>
<section class="block panel"><h3>Rules</h3><div class="table-wrap"><table class="rules"><thead><tr><th scope="col">rule</th><th scope="col">severity</th><th scope="col" class="num">unhealthy</th><th scope="col" class="num">unknown</th><th scope="col" class="num">exempt</th><th scope="col" class="num">healthy</th><th scope="col" class="num">since last scan</th><th scope="col">trend</th></tr></thead><tbody>${rules}</tbody></table></div></section>
<section class="block panel"><h3>Trend</h3>${chart || '<p>Fewer than two scans recorded: no trend yet.</p>'}</section>`);
}

const userLink = (ctx: PageContext, id: string, text: string) => `<a href="${link(ctx, `/users/${encodeURIComponent(id)}`)}">${h(text)}</a>`;

function findingRow(ctx: PageContext, f: Finding): string {
  const res = f.resourceType === 'user' ? userLink(ctx, f.resourceId, f.resourceName)
    : f.resourceType === 'policy' ? `<a href="${link(ctx, `/policies/${encodeURIComponent(f.resourceId)}`)}">${h(f.resourceName)}</a>` : h(f.resourceName);
  const exempt = f.status === 'unhealthy' ? ` <a href="${link(ctx, '/exempt', { rule: f.ruleId, account: f.resourceType === 'user' ? f.resourceName : f.resourceId })}">exempt…</a>` : '';
  return `<tr><td>${badge(`st-${f.status}`, f.status)}</td><td>${h(f.severity)}</td><td>${h(f.ruleId)}</td><td>${res}<br><small class="mono">${h(f.resourceId)}</small></td><td>${h(f.reason)}${exempt}</td></tr>`;
}

export function findingsPage(ctx: PageContext, ruleIds: readonly string[], q: FindingsQuery, page: FindingsPage, ms: number): string {
  const opt = (v: string, cur: string | undefined, label = v) => `<option value="${h(v)}"${v === (cur ?? '') ? ' selected' : ''}>${h(label)}</option>`;
  const sel = (name: string, label: string, values: readonly string[], cur: string | undefined) =>
    `<label for="f-${name}">${label}<select id="f-${name}" name="${name}">${opt('', cur, 'any')}${values.map((v) => opt(v, cur)).join('')}</select></label>`;
  const hidden = ctx.tenants.length > 1 && ctx.tenant ? `<input type="hidden" name="tenant" value="${h(ctx.tenant.id)}">` : '';
  const form = `<form class="filters" method="get" action="/findings" data-autosubmit role="search">${hidden}
${sel('rule', 'Rule', ruleIds, q.rule)}${sel('status', 'Status', FILTER_STATUSES, q.status)}${sel('severity', 'Severity', [...SEVERITIES].reverse(), q.severity)}
<label for="f-q">Search<input id="f-q" type="search" name="q" value="${h(q.q ?? '')}" placeholder="name, id or reason"></label>
${sel('sort', 'Sort by', SORT_KEYS, q.sort)}<label for="f-dir">Order<select id="f-dir" name="dir">${opt('asc', q.dir ?? 'asc', 'ascending')}${opt('desc', q.dir, 'descending')}</select></label>
<button type="submit">Apply</button></form>`;
  const base = { rule: q.rule, status: q.status, severity: q.severity, q: q.q, sort: q.sort, dir: q.dir, pageSize: q.pageSize && q.pageSize !== 50 ? q.pageSize : undefined };
  const pager = `<nav class="pager" aria-label="Pages of findings">${page.page > 1 ? `<a href="${link(ctx, '/findings', { ...base, page: page.page - 1 })}" rel="prev">previous</a>` : ''}<span>page ${page.page} of ${page.pages}</span>${page.page < page.pages ? `<a href="${link(ctx, '/findings', { ...base, page: page.page + 1 })}" rel="next">next</a>` : ''}</nav>`;
  return layout(ctx, 'findings', 'Findings', `<section class="panel">${form}
<p class="hint" id="count"><span data-total="${page.total}">${page.total}</span> findings match; answered in ${ms.toFixed(1)} ms.</p>
<div class="table-wrap"><table><caption class="sr-only">Findings</caption><thead><tr><th scope="col">status</th><th scope="col">severity</th><th scope="col">rule</th><th scope="col">resource</th><th scope="col">reason</th></tr></thead>
<tbody>${page.rows.map((f) => findingRow(ctx, f)).join('')}</tbody></table></div>${pager}</section>`);
}

function evidenceList(e: Record<string, unknown>): string {
  const entries = Object.entries(e ?? {});
  if (!entries.length) return '';
  return `<dl class="kv">${entries.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(typeof v === 'string' ? v : JSON.stringify(v))}</dd>`).join('')}</dl>`;
}

const SIGNIN_RULES = new Set(['azure-tooling-version', 'user-automation-account', 'mandatory-mfa-readiness', 'legacy-auth-blocked']);

export function userPage(ctx: PageContext, p: ReportPrincipal, findings: Finding[], explanation: Explanation | undefined, snapshotNote: string): string {
  const cells = TARGETS.map((t) => {
    const c = p.coverage[t];
    const trace = explanation?.coverage[t]?.trace ?? [];
    return `<tr><th scope="row">${h(TARGET_NAMES[t])}</th><td>${c ? badge(`s-${c.state}`, STATE_LABELS[c.state] ?? c.state) : ''}</td><td>${h(c?.mechanisms.join(', ') ?? '')}</td>
<td>${h(c?.reason ?? '')}${c?.uncertain ? `<br><small>could be ${h(c.uncertain.optimisticState)} with the missing data: ${h(c.uncertain.missing.join('; '))}</small>` : ''}
${trace.length ? `<ul class="trace">${trace.map((s) => `<li><a href="${link(ctx, `/policies/${encodeURIComponent(s.policyId)}`)}">${h(s.policyName)}</a> [${h(s.policyState)}] <b>${h(s.outcome)}</b>: ${h(s.detail)}</li>`).join('')}</ul>` : ''}</td></tr>`;
  }).join('');
  let chain = `<p class="hint">${h(snapshotNote)}</p>`;
  if (explanation) {
    const e = explanation;
    const roles = (list: typeof e.roles.active) => list.map((r) => `${r.roleName}${r.directoryScopeId !== '/' ? ` [scope ${r.directoryScopeId}]` : ''}${r.viaGroupId ? ` via group ${e.groupNames[r.viaGroupId] ?? r.viaGroupId}` : ''}`).join(', ') || 'none';
    const grants = e.azure?.grants.map((g) => {
      const c = g.via.kind === 'group' ? e.azureGroupChains[g.via.groupId] : undefined;
      return c && c.length > 1 ? `${g.roleName} at ${g.scope} through group '${c[0]}'${c.slice(1).map((n) => `, nested in '${n}'`).join('')}` : describeGrant(g);
    }) ?? [];
    chain = `<dl class="kv">
<dt>Groups</dt><dd>${e.groups.length ? `<ul>${e.groups.map((g) => `<li>${h(g.displayName)}${g.path.length > 1 ? ` <small>(via ${h(g.path.slice(0, -1).join(' > '))})</small>` : ''}</li>`).join('')}</ul>` : 'none'}</dd>
<dt>Directory roles (active)</dt><dd>${h(roles(e.roles.active))}</dd>
<dt>Directory roles (PIM-eligible)</dt><dd>${h(roles(e.roles.eligible))}</dd>
<dt>Azure access</dt><dd>${e.azure ? `${h(e.azure.tier ?? 'unknown')}<ul>${grants.map((g) => `<li>${h(g)}</li>`).join('')}</ul>` : 'none'}</dd>
<dt>Per-user MFA</dt><dd>${h(`${e.perUserMfa.state} (from ${e.perUserMfa.source})`)}</dd>
<dt>Security defaults</dt><dd>${e.securityDefaults === null ? 'unknown' : e.securityDefaults ? 'on' : 'off'}</dd>
<dt>Registration</dt><dd>${e.registration ? h(`${e.registration.isMfaCapable ? 'MFA capable' : 'not MFA capable'} (${(e.registration.methodsRegistered ?? []).join(', ') || 'no methods'})`) : 'no record'}</dd></dl>`;
  }
  const signIn = findings.filter((f) => SIGNIN_RULES.has(f.ruleId));
  return layout(ctx, 'user', p.userPrincipalName ?? p.id, `
<section class="block panel"><h3>${h(p.displayName ?? p.userPrincipalName ?? p.id)}</h3>
<dl class="kv"><dt>UPN</dt><dd>${h(p.userPrincipalName ?? '')}</dd><dt>Object id</dt><dd class="mono">${h(p.id)}</dd><dt>Type</dt><dd>${h(p.userType ?? 'Member')}</dd><dt>Account</dt><dd>${p.accountEnabled ? 'enabled' : 'disabled'}</dd></dl>
<p><a href="${link(ctx, '/exempt', { account: p.userPrincipalName ?? p.id })}">Exempt this account…</a></p></section>
<section class="block panel"><h3>Verdict per target</h3><div class="table-wrap"><table><thead><tr><th scope="col">target</th><th scope="col">state</th><th scope="col">mechanisms</th><th scope="col">why (policy trace)</th></tr></thead><tbody>${cells}</tbody></table></div></section>
<section class="block panel"><h3>Groups, roles and Azure access</h3>${chain}</section>
<section class="block panel"><h3>Findings</h3><div class="table-wrap"><table><thead><tr><th scope="col">status</th><th scope="col">severity</th><th scope="col">rule</th><th scope="col">resource</th><th scope="col">reason</th></tr></thead><tbody>${findings.map((f) => findingRow(ctx, f)).join('')}</tbody></table></div></section>
<section class="block panel"><h3>Sign-in evidence</h3>${signIn.length ? signIn.map((f) => `<h4>${h(f.ruleId)}: ${h(f.status)}</h4><p>${h(f.reason)}</p>${evidenceList(f.evidence)}`).join('') : '<p class="hint">No sign-in findings for this user in this scan (scans without sign-in logs report the sign-in rules unknown at tenant level).</p>'}</section>`);
}

export interface PolicyAssignment { state: string; include: string[]; exclude: string[] }

export function policiesPage(ctx: PageContext, policies: { id: string; name: string; cells: number; excluded: number }[]): string {
  return layout(ctx, 'policies', 'Policies', `<section class="panel"><h3>Conditional Access policies named by a verdict</h3>
<p class="hint">From the recorded report: every policy that produced or excluded some user's verdict.</p>
<div class="table-wrap"><table><thead><tr><th scope="col">policy</th><th scope="col" class="num">verdicts naming it</th><th scope="col" class="num">of them excluded</th></tr></thead><tbody>${policies.map((p) =>
    `<tr><td><a href="${link(ctx, `/policies/${encodeURIComponent(p.id)}`)}">${h(p.name)}</a><br><small class="mono">${h(p.id)}</small></td><td class="num">${p.cells}</td><td class="num">${p.excluded}</td></tr>`).join('')}</tbody></table></div></section>`);
}

/** The clause of a cell's reason that is about this policy ("… excluded through group 'X'"). */
export function clauseAbout(reason: string, policyName: string | undefined): string {
  if (!policyName) return reason;
  const clauses = reason.split(/; |\. Near misses: /);
  return clauses.find((c) => c.includes(`'${policyName}'`)) ?? reason;
}

export function policyPage(ctx: PageContext, id: string, name: string | undefined, cells: PolicyCell[], assignment: PolicyAssignment | undefined, findings: Finding[], limit = 500): string {
  const covered = cells.filter((c) => c.state !== 'excluded');
  const excluded = cells.filter((c) => c.state === 'excluded');
  const rows = (list: PolicyCell[]) => list.slice(0, limit).map((c) => `<tr><td>${userLink(ctx, c.principal.id, c.principal.userPrincipalName ?? c.principal.id)}</td><td>${h(TARGET_NAMES[c.target as Target] ?? c.target)}</td><td>${badge(`s-${c.state}`, c.state)}</td><td>${h(clauseAbout(c.reason, name))}</td></tr>`).join('')
    + (list.length > limit ? `<tr><td colspan="4">… and ${list.length - limit} more</td></tr>` : '');
  const table = (list: PolicyCell[]) => `<div class="table-wrap"><table><thead><tr><th scope="col">user</th><th scope="col">target</th><th scope="col">state</th><th scope="col">how</th></tr></thead><tbody>${rows(list)}</tbody></table></div>`;
  return layout(ctx, 'policies', name ?? id, `
<section class="block panel"><h3>${h(name ?? id)}</h3><p class="mono">${h(id)}</p>
${assignment ? `<dl class="kv"><dt>State</dt><dd>${h(assignment.state)}</dd><dt>Includes</dt><dd>${h(assignment.include.join(', ') || 'nobody')}</dd><dt>Excludes</dt><dd>${h(assignment.exclude.join(', ') || 'nobody')}</dd></dl>`
    : '<p class="hint">The state store keeps reports, not snapshots: the assignment (who the policy includes and excludes) is shown when the dashboard is started with --snapshot of this tenant. Below: every recorded verdict that names this policy.</p>'}
${findings.length ? `<h4>Findings about this policy</h4><ul>${findings.map((f) => `<li>${badge(`st-${f.status}`, f.status)} ${h(f.ruleId)}: ${h(f.reason)}</li>`).join('')}</ul>` : ''}</section>
<section class="block panel"><h3>Excluded (${excluded.length} verdicts)</h3>${table(excluded)}</section>
<section class="block panel"><h3>Covered or otherwise named (${covered.length} verdicts)</h3>${table(covered)}</section>`);
}

export function diffPage(ctx: PageContext, scans: ScanRecord[], from: number | undefined, to: number | undefined, diff: ReportDiff | undefined): string {
  const opts = (cur: number | undefined) => scans.map((s) => `<option value="${s.id}"${s.id === cur ? ' selected' : ''}>#${s.id} ${h(s.collectedAt)}</option>`).join('');
  const hidden = ctx.tenants.length > 1 && ctx.tenant ? `<input type="hidden" name="tenant" value="${h(ctx.tenant.id)}">` : '';
  const form = `<form class="filters" method="get" action="/diff">${hidden}<label for="d-from">From<select id="d-from" name="from">${opts(from)}</select></label><label for="d-to">To<select id="d-to" name="to">${opts(to)}</select></label><button type="submit">Compare</button></form>`;
  if (!diff) return layout(ctx, 'diff', 'Diff', `<section class="panel">${form}<p>${scans.length < 2 ? 'A diff needs two recorded scans of this tenant.' : 'Choose two scans.'}</p></section>`);
  const counts = CHANGE_KINDS.map((k) => `<div class="kpi"><div class="label">${h(CHANGE_LABELS[k])}</div><div class="value">${diff.counts[k] ?? 0}</div></div>`).join('');
  const rows = diff.changes.slice(0, 1000).map((c) => `<tr><td>${h(CHANGE_LABELS[c.kind])}</td><td>${h(c.ruleId)}</td><td>${c.resourceType === 'user' ? userLink(ctx, c.resourceId, c.resourceName) : h(c.resourceName)}</td><td>${h(c.before?.status ?? '–')} → ${h(c.after?.status ?? '–')}</td><td>${h(c.after?.reason ?? c.before?.reason ?? '')}</td></tr>`).join('');
  return layout(ctx, 'diff', 'Diff', `<section class="block panel">${form}<p>Scan #${h(String(from))} → #${h(String(to))}</p><div class="kpis">${counts}</div></section>
<section class="block panel"><h3>Changed findings (${diff.changes.length})</h3><div class="table-wrap"><table><thead><tr><th scope="col">change</th><th scope="col">rule</th><th scope="col">resource</th><th scope="col">status</th><th scope="col">reason</th></tr></thead><tbody>${rows}</tbody></table></div>${diff.changes.length > 1000 ? `<p>… and ${diff.changes.length - 1000} more (mfaguard diff prints them all)</p>` : ''}</section>`);
}

export function plansPage(ctx: PageContext, file: string | undefined, plan: Plan | undefined, error: string | undefined): string {
  if (!file) return layout(ctx, 'plans', 'Plans', '<section class="panel"><p>No plan loaded. Start the dashboard with <code>--plan PLAN.json</code> (written by <code>mfaguard plan --out</code>) to review its impact here. Applying it stays a command-line step: <code>mfaguard apply PLAN.json</code>, with its confirmation.</p></section>');
  if (!plan) return layout(ctx, 'plans', 'Plans', `<div class="msg err" role="alert">${h(`cannot read the plan ${file}: ${error ?? ''}`)}</div>`);
  const actions = plan.actions.map((a) => `<tr><td>${h(a.id)}</td><td>${h(a.kind)}</td><td>${h(a.target)}</td><td>${h(a.because?.length ? `${a.because.length} finding(s): ${[...new Set(a.because.map((b) => b.ruleId))].join(', ')}` : 'hand-written policy')}${a.withheld ? `<br><b>withheld:</b> ${h(a.withheld)}` : ''}</td><td>${impactLines(a.impact).map(h).join('<br>')}</td></tr>`).join('');
  return layout(ctx, 'plans', 'Plan review', `<section class="block panel"><h3>${h(file)}</h3>
<dl class="kv"><dt>Tenant</dt><dd class="mono">${h(plan.tenantId)}</dd><dt>Created</dt><dd>${h(plan.createdAt)}</dd><dt>Snapshot</dt><dd>${h(plan.snapshotCollectedAt)}</dd><dt>Guard</dt><dd>${plan.guard.passed ? badge('st-healthy', 'passed') : badge('st-unhealthy', 'failed')}</dd></dl>
<p class="hint">Review only: apply it from the command line with <code>mfaguard apply ${h(file)}</code> (it asks for confirmation and keeps an audit log).</p></section>
<section class="block panel"><h3>Actions (${plan.actions.length})</h3><div class="table-wrap"><table><thead><tr><th scope="col">id</th><th scope="col">action</th><th scope="col">target</th><th scope="col">why</th><th scope="col">impact</th></tr></thead><tbody>${actions}</tbody></table></div></section>
<section class="block panel"><h3>Lock-out guard</h3><ul>${plan.guard.checks.map((c) => `<li>${c.passed ? badge('st-healthy', 'ok') : badge('st-unhealthy', 'fail')} <code>${h(c.id)}</code>: ${h(c.detail)}</li>`).join('')}</ul></section>`);
}

export interface ExemptForm { rule?: string; account?: string; kind?: string; scope?: string; category?: string; reason?: string; expires?: string; approvedBy?: string; ticket?: string }

export function exemptPage(ctx: PageContext, ruleIds: readonly string[], csrf: string, configFile: string | undefined, form: ExemptForm, message?: { kind: 'ok' | 'err'; text: string }): string {
  const v = (k: keyof ExemptForm) => h(form[k] ?? '');
  const hidden = ctx.tenants.length > 1 && ctx.tenant ? `<input type="hidden" name="tenant" value="${h(ctx.tenant.id)}">` : '';
  const body = configFile
    ? `<form class="exempt" method="post" action="/exempt">
<input type="hidden" name="csrf" value="${h(csrf)}">${hidden}
<label for="x-rule">Rule<select id="x-rule" name="rule" required>${['*', ...ruleIds].map((r) => `<option value="${h(r)}"${r === form.rule ? ' selected' : ''}>${r === '*' ? 'every rule (*)' : h(r)}</option>`).join('')}</select></label>
<label for="x-kind">Account kind<select id="x-kind" name="kind">${[['resource', 'user, policy or tenant'], ['group', 'group (its members)']].map(([k, l]) => `<option value="${k}"${k === (form.kind ?? 'resource') ? ' selected' : ''}>${l}</option>`).join('')}</select></label>
<label for="x-account">Account (UPN or object id)<input id="x-account" name="account" required value="${v('account')}"></label>
<label for="x-scope">Scope (Azure rules only, optional)<input id="x-scope" name="scope" value="${v('scope')}" placeholder="/subscriptions/…"></label>
<label for="x-category">Category<select id="x-category" name="category">${['riskAccepted', 'mitigated'].map((c) => `<option value="${c}"${c === (form.category ?? 'riskAccepted') ? ' selected' : ''}>${c}</option>`).join('')}</select></label>
<label for="x-expires">Expires (date)<input id="x-expires" name="expires" type="date" required value="${v('expires')}"></label>
<label for="x-approved">Approved by (optional)<input id="x-approved" name="approvedBy" value="${v('approvedBy')}"></label>
<label for="x-ticket">Ticket (optional)<input id="x-ticket" name="ticket" value="${v('ticket')}"></label>
<label class="wide" for="x-reason">Reason<textarea id="x-reason" name="reason" rows="3" required>${v('reason')}</textarea></label>
<div class="wide"><button type="submit">Add exemption</button></div></form>
<p class="hint">Written to <code>${h(configFile)}</code> exactly as <code>mfaguard exempt</code> writes it (comments and layout kept, validated first, written atomically). It takes effect at the next scan.</p>`
    : '<p>No configuration file: start the dashboard with <code>--config mfaguard.yaml</code> to add exemptions from here.</p>';
  return layout(ctx, 'exempt', 'Exempt an account', `${message ? `<div class="msg ${message.kind}" role="${message.kind === 'err' ? 'alert' : 'status'}">${h(message.text)}</div>` : ''}<section class="panel"><h3>Exempt an account</h3>${body}</section>`);
}
