/**
 * The HTML report's static markup: <head> (with the Content-Security-Policy that admits only the
 * inline client script), the overview (overall and per-rule scores, coverage matrix), the per-rule
 * "accounts to fix" cards, the empty list and drill-down shells the client script fills, and the
 * footer. Readable and printable without script. The data blocks are html.ts's concern.
 */
import { trendChartSvg, type Trends } from './trends.js';
import { createHash } from 'node:crypto';
import {
  FINDING_STATUSES, SEVERITIES_MOST_SEVERE_FIRST, SEVERITY_RANK, STATUS_COLUMNS, STATES, STATE_HELP, STATE_LABELS, TARGETS, TARGET_HINTS, TARGET_LABELS, TARGET_NAMES, isHealthy, severityCounts,
  type CoverageState, type FindingStatus, type Severity,
} from '../vocabulary.js';
import { exemptionLines, hygieneLines, type Report, type ReportRuleInfo } from './report.js';
import { escapeHtml } from './html-escape.js';
import { HTML_CLIENT_JS } from './html-client.js';
import { EXPLAINER_CSS, HTML_CSS } from './html-style.js';
import { explainerHtml, type Explainers } from './explainers.js';
import { signInsSection } from './html-signins.js';

const CSP_SCRIPT_HASH = createHash('sha256').update(HTML_CLIENT_JS).digest('base64');
const CSP = `default-src 'none'; script-src 'sha256-${CSP_SCRIPT_HASH}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;

/** Aggregates html.ts counts while it streams the data blocks, for the overview. */
export interface HtmlStats {
  principals: number;
  enabled: number;
  guests: number;
  usersWithUnhealthy: number;
  findings: number;
}

/** Count columns of the per-rule score table, in the order a reader checks them. */
const SCORE_COLUMNS: readonly FindingStatus[] = ['healthy', 'unhealthy', 'unknown', 'exempt', 'notApplicable'];

const num = (n: number) => n.toLocaleString('en-US');
const pct = (part: number, whole: number) => (whole ? (100 * part) / whole : 0);

export function pageHead(report: Report, explainers: Explainers | undefined): string {
  const name = report.tenant.displayName ?? report.tenant.id;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="mfaguard">
<title>MFA coverage report — ${escapeHtml(name)}</title>
<style>${HTML_CSS}${explainers?.size ? EXPLAINER_CSS : ''}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
`;
}

interface RuleScore {
  rule: ReportRuleInfo;
  counts: Record<FindingStatus, number>;
  inScope: number;
  score: number | null;
}

function ruleScores(report: Report, rules: ReportRuleInfo[]): RuleScore[] {
  return rules.map((rule) => {
    const counts = { healthy: 0, unhealthy: 0, exempt: 0, notApplicable: 0, unknown: 0, ...(report.summary.rules[rule.id] ?? {}) };
    // Secure-score style: exempt and not-applicable resources are out of scope; unknown counts against.
    const inScope = counts.healthy + counts.unhealthy + counts.unknown;
    return { rule, counts, inScope, score: inScope ? counts.healthy / inScope : null };
  });
}

const scoreClass = (s: number | null) => (s === null ? '' : s >= 0.9 ? 'good' : s >= 0.7 ? 'fair' : 'poor');
const pctText = (s: number | null) => (s === null ? '—' : `${Math.floor(s * 1000) / 10}%`.replace('.0%', '%'));

function scoreRing(score: number | null): string {
  const r = 54;
  const circ = 2 * Math.PI * r;
  const len = score === null ? 0 : circ * score;
  const colour = score === null ? '#aab2bb' : score >= 0.9 ? '#2f9e55' : score >= 0.7 ? '#d9a21b' : '#c0281c';
  return `<svg class="ring" width="132" height="132" viewBox="0 0 132 132" aria-hidden="true" focusable="false">
<circle cx="66" cy="66" r="${r}" fill="none" stroke="#eef1f4" stroke-width="13"/>
<circle cx="66" cy="66" r="${r}" fill="none" stroke="${colour}" stroke-width="13" stroke-linecap="${score && score < 1 ? 'round' : 'butt'}" stroke-dasharray="${len.toFixed(2)} ${circ.toFixed(2)}" transform="rotate(-90 66 66)"/>
<text x="66" y="72" text-anchor="middle" font-size="27" font-weight="700" fill="#1b1f24">${pctText(score)}</text>
<text x="66" y="92" text-anchor="middle" font-size="11" fill="#57606a">healthy</text>
</svg>`;
}

const generatorName = (r: Report) => (r.generator ? `${r.generator.name} ${r.generator.version}` : 'mfaguard');

function sevBadge(s: Severity): string {
  return `<span class="sev sev-${s}">${s}</span>`;
}

/** A rule's explainer as a collapsed section, or '' when it has none. */
function aboutRule(explainers: Explainers | undefined, ruleId: string): string {
  const markdown = explainers?.get(ruleId);
  return markdown === undefined ? '' : `<details class="explainer"><summary>About this rule / how to fix</summary><div class="xbody">${explainerHtml(markdown)}</div></details>`;
}

/** A section another part of mfaguard adds to the report (e.g. the remediation plan's review): its HTML is escaped by its producer. */
export interface HtmlSection {
  id: string;
  title: string;
  count?: number;
  html: string;
}

export function pageBody(report: Report, rules: ReportRuleInfo[], stats: HtmlStats, explainers: Explainers | undefined, trends?: Trends, sections: readonly HtmlSection[] = []): string {
  const about = rules.map((r) => aboutRule(explainers, r.id));
  const t = report.tenant;
  const tenantName = t.displayName ?? t.id;
  const scores = ruleScores(report, rules);
  const totHealthy = scores.reduce((a, s) => a + s.counts.healthy, 0);
  const totInScope = scores.reduce((a, s) => a + s.inScope, 0);
  const overall = totInScope ? totHealthy / totInScope : null;
  const unhealthyBySev = severityCounts();
  let unknown = 0;
  for (const s of scores) {
    unhealthyBySev[s.rule.severity] += s.counts.unhealthy;
    unknown += s.counts.unknown;
  }
  const unhealthy = SEVERITIES_MOST_SEVERE_FIRST.reduce((a, sev) => a + unhealthyBySev[sev], 0);
  const h: string[] = [];

  h.push(`<header class="top">
<div class="brand"><svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="#7fb2f0" d="M12 2 4 5v6c0 5 3.4 9.7 8 11 4.6-1.3 8-6 8-11V5l-8-3Z"/><path fill="#0d1b2a" d="m10.6 15.6-3.3-3.3 1.4-1.4 1.9 1.9 4.6-4.6 1.4 1.4z"/></svg>${escapeHtml(generatorName(report))} · MFA coverage report</div>
<h1>${escapeHtml(tenantName)}</h1>
<div class="meta"><span>Tenant <b class="mono">${escapeHtml(t.id)}</b></span><span>Snapshot collected <b>${escapeHtml(report.snapshotCollectedAt)}</b></span><span>Report generated <b>${escapeHtml(report.generatedAt)}</b></span><span><b>${num(stats.principals)}</b> users · <b>${num(rules.length)}</b> rules · <b>${num(stats.findings)}</b> findings</span></div>
</header>
<nav class="tabs" aria-label="Report sections"><a href="#overview">Overview</a><a href="#fix">Accounts to fix<span class="n">${num(unhealthy + unknown)}</span></a><a href="#findings">Findings<span class="n">${num(stats.findings)}</span></a><a href="#users">Users<span class="n">${num(stats.principals)}</span></a>${report.contradictions || report.signIns ? `<a href="#signins">Sign-ins${report.contradictions?.length ? `<span class="n">${num(report.contradictions.length)}</span>` : ''}</a>` : ''}${sections.map((x) => `<a href="#${escapeHtml(x.id)}">${escapeHtml(x.title)}${x.count !== undefined ? `<span class="n">${num(x.count)}</span>` : ''}</a>`).join('')}</nav>
<main id="main">
<noscript><div class="gaps"><b>JavaScript is off.</b> The overview below is complete; the lists of accounts, search, filters and drill-down need the report's inline script.</div></noscript>
<p id="js-status" class="hint no-print" role="status">Loading ${num(stats.principals)} users and ${num(stats.findings)} findings…</p>
`);

  if (report.dataNotes?.length) {
    h.push(`<div class="gaps" role="note"><h2>Data age</h2><ul>${report.dataNotes.map((n) => `<li><code>${escapeHtml(n.key)}</code>: ${escapeHtml(n.message)}</li>`).join('')}</ul></div>\n`);
  }
  if (report.dataGaps.length) {
    h.push(`<div class="gaps" role="note"><h2>Data gaps: some verdicts are <em>unknown</em>, never healthy</h2><ul>${report.dataGaps.map((g) => `<li><code>${escapeHtml(g.key)}</code>: ${escapeHtml(g.reason)}</li>`).join('')}</ul></div>\n`);
  }

  const hygiene = hygieneLines(report);
  if (hygiene.length) {
    h.push(`<div class="gaps" role="note"><h2>Policy hygiene: policies name objects that do not exist (they match nobody; verdicts unchanged)</h2><ul>${hygiene.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul></div>\n`);
  }

  const ex = exemptionLines(report);
  if (ex.expiringSoon.length) {
    h.push(`<div class="gaps" role="note" id="exemptions-expiring"><h2>Exemptions expiring within 14 days</h2><ul>${ex.expiringSoon.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul></div>\n`);
  }
  if (ex.unmatched.length) {
    h.push(`<div class="gaps" role="note" id="exemptions-unmatched"><h2>Exemptions that match nothing in this tenant (check the configuration)</h2><ul>${ex.unmatched.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul></div>\n`);
  }

  // Overview: score + KPIs
  h.push(`<section class="block" id="overview" aria-labelledby="overview-h">
<div class="section-head"><h2 id="overview-h">Overview</h2><p>Score = healthy ÷ (healthy + unhealthy + unknown) resources, summed over all rules; exempt and not-applicable resources are out of scope.</p></div>
<div class="overview">
<div class="panel score" id="overall-score" data-score="${overall === null ? '' : (overall * 100).toFixed(1)}">${scoreRing(overall)}
<div><h2>Overall score</h2><div class="big"><b>${num(totHealthy)}</b> of <b>${num(totInScope)}</b> in-scope checks are healthy across ${num(scores.filter((s) => s.inScope).length)} rules</div></div></div>
<div class="kpis">
<div class="kpi"><div class="label">Users evaluated</div><div class="value">${num(stats.principals)}</div><div class="sub">${num(stats.enabled)} enabled · ${num(stats.guests)} guests</div></div>
<div class="kpi bad"><div class="label">Unhealthy findings</div><div class="value">${num(unhealthy)}</div><div class="sub">${SEVERITIES_MOST_SEVERE_FIRST.map((sev) => `${num(unhealthyBySev[sev])} ${sev}`).join(' · ')}</div></div>
<div class="kpi bad"><div class="label">Users with a gap</div><div class="value">${num(stats.usersWithUnhealthy)}</div><div class="sub">at least one unhealthy finding</div></div>
<div class="kpi unk"><div class="label">Unknown</div><div class="value">${num(unknown)}</div><div class="sub">${report.dataGaps.length ? `${num(report.dataGaps.length)} collection(s) missing` : 'no data gaps'}</div></div>
</div>
</div>
`);

  // Coverage matrix
  const legend = STATES.map((s) => `<span><i class="sw f-${s}"></i>${STATE_LABELS[s]}${isHealthy(s) ? '' : ''}</span>`).join('');
  h.push(`<div class="panel" id="matrix">
<div class="section-head"><h3>Coverage matrix: users per target and state</h3><p>Solid = healthy (blocked, enforced, trusted-location bypass); hatched = not healthy.</p></div>
<div class="legend" aria-hidden="true">${legend}</div>
<div class="table-wrap"><table class="matrix">
<caption class="sr-only">Number of users in each coverage state, per target</caption>
<thead><tr><th scope="col">Target</th><th scope="col">Distribution</th>${STATES.map((s) => `<th scope="col" class="num" title="${escapeHtml(STATE_HELP[s])}">${STATE_LABELS[s]}</th>`).join('')}<th scope="col" class="num" title="cells whose state missing data could change">uncertain</th><th scope="col" class="num">healthy</th></tr></thead>
<tbody>
`);
  TARGETS.forEach((target, ti) => {
    const row = report.summary.coverage[target] ?? ({} as Record<CoverageState, number>);
    const total = STATES.reduce((a, s) => a + (row[s] ?? 0), 0);
    const healthy = STATES.filter(isHealthy).reduce((a, s) => a + (row[s] ?? 0), 0);
    const segs = STATES.filter((s) => row[s]).map((s) => `<span class="f-${s}" style="width:${pct(row[s], total).toFixed(3)}%" title="${STATE_LABELS[s]}: ${num(row[s])} (${pct(row[s], total).toFixed(1)}%)"></span>`).join('');
    const counts = STATES.map((s) => {
      const n = row[s] ?? 0;
      return n ? `<td class="num"><a href="#users" data-go="users" data-target="${ti}" data-state="${STATES.indexOf(s)}" aria-label="${num(n)} users ${STATE_LABELS[s]} for ${TARGET_NAMES[target]}">${num(n)}</a></td>` : '<td class="num zero">0</td>';
    }).join('');
    h.push(`<tr><th scope="row" class="tgt">${TARGET_NAMES[target]}<small>${escapeHtml(TARGET_HINTS[target])}</small></th><td class="dist"><div class="bar" role="img" aria-label="${escapeHtml(STATES.filter((s) => row[s]).map((s) => `${STATE_LABELS[s]} ${row[s]}`).join(', ') || 'no users')}">${segs}</div></td>${counts}<td class="num" id="unc-${ti}">—</td><td class="num"><b>${pctText(total ? healthy / total : null)}</b></td></tr>\n`);
  });
  h.push(`</tbody></table></div></div>
`);

  // Rules
  h.push(`<div class="panel" id="rule-scores">
<div class="section-head"><h3>Score per rule</h3><p>Click a count to list those findings.</p></div>
<div class="table-wrap"><table class="rules">
<caption class="sr-only">Healthy share and finding counts per rule</caption>
<thead><tr><th scope="col">Rule</th><th scope="col">Severity</th><th scope="col">Score</th>${SCORE_COLUMNS.map((st) => `<th scope="col" class="num">${STATUS_COLUMNS[st]}</th>`).join('')}</tr></thead>
<tbody>
`);
  scores.forEach((s, ri) => {
    const cnt = (st: FindingStatus) => {
      const n = s.counts[st];
      return n ? `<td class="num"><a href="#findings" data-go="findings" data-rule="${ri}" data-status="${FINDING_STATUSES.indexOf(st)}">${num(n)}</a></td>` : '<td class="num zero">0</td>';
    };
    h.push(`<tr data-rule="${escapeHtml(s.rule.id)}"><th scope="row"><span class="title">${escapeHtml(s.rule.title)}</span><span class="rid">${escapeHtml(s.rule.id)}</span></th><td>${sevBadge(s.rule.severity)}</td><td><div class="scorebar"><div class="track"><div class="fill ${scoreClass(s.score)}" style="width:${((s.score ?? 0) * 100).toFixed(1)}%"></div></div><span class="pct">${pctText(s.score)}</span></div></td>${SCORE_COLUMNS.map(cnt).join('')}</tr>\n`);
  });
  h.push(`</tbody></table></div></div>
`);
  // Trend over the recorded scans (state store), inline SVG: only when there is history
  const chart = trends ? trendChartSvg(trends) : '';
  if (chart) {
    h.push(`<div class="panel" id="trends">
<div class="section-head"><h3>Trend: unhealthy findings per rule</h3><p>Over the last ${num(trends!.scans.length)} recorded scans of this tenant (mfaguard history).</p></div>
<div class="table-wrap">${chart}</div></div>
`);
  }
  h.push(`</section>
`);

  // Accounts to fix, per rule
  const failing = scores
    .map((s, ri) => ({ ...s, ri }))
    .filter((s) => s.counts.unhealthy + s.counts.unknown > 0)
    .sort((a, b) => SEVERITY_RANK[b.rule.severity] - SEVERITY_RANK[a.rule.severity] || b.counts.unhealthy - a.counts.unhealthy || a.ri - b.ri);
  const passing = scores.filter((s) => s.counts.unhealthy + s.counts.unknown === 0);
  h.push(`<section class="block" id="fix" aria-labelledby="fix-h">
<div class="section-head"><h2 id="fix-h">Accounts to fix, by rule</h2><p>Unhealthy and unknown resources per rule, with the reason and how to fix it. Click an account for its full explanation.</p></div>
<div class="rulecards">
`);
  for (const s of failing) {
    const r = s.rule;
    h.push(`<article class="rulecard sev-card-${r.severity}" id="rule-${escapeHtml(r.id)}" aria-labelledby="rule-h-${s.ri}">
<header><h3 id="rule-h-${s.ri}">${escapeHtml(r.title)}</h3>${sevBadge(r.severity)}<code class="hint">${escapeHtml(r.id)}</code></header>
<div class="counts"><b>${num(s.counts.unhealthy)}</b> unhealthy · <b>${num(s.counts.unknown)}</b> unknown · ${num(s.counts.healthy)} healthy · score <b>${pctText(s.score)}</b> · resource: ${escapeHtml(r.resourceType)}</div>
${r.protectsAgainst ? `<div class="origin"><b>Why it matters:</b> ${escapeHtml(r.protectsAgainst)}</div>` : ''}
${r.origin ? `<div class="origin">Origin: ${escapeHtml(r.origin)}</div>` : ''}
${r.notes ? `<div class="origin">Note: ${escapeHtml(r.notes)}</div>` : ''}
${r.remediation ? `<div class="fix"><b>How to fix:</b> ${escapeHtml(r.remediation)}${r.references.length ? `<div class="refs">References: ${r.references.map((u) => `<span class="mono">${escapeHtml(u)}</span>`).join(' · ')}</div>` : ''}</div>` : ''}
${about[s.ri] ? `${about[s.ri]}\n` : ''}<div class="rule-list" id="rule-list-${s.ri}"><p class="hint">The list of accounts needs the report's inline script.</p></div>
</article>
`);
  }
  if (!failing.length) h.push('<div class="panel">No unhealthy or unknown findings: every resource in scope of every rule is healthy.</div>\n');
  h.push(`</div>
${passing.length ? `<div class="passing"><b>Passing rules</b> (no unhealthy or unknown resource):<ul>${passing.map((s) => `<li>${escapeHtml(s.rule.title)} <code>${escapeHtml(s.rule.id)}</code> — ${num(s.counts.healthy)} healthy${s.counts.notApplicable ? `, ${num(s.counts.notApplicable)} not applicable` : ''}</li>`).join('')}</ul></div>` : ''}
</section>
`);

  h.push(signInsSection(report));
  for (const x of sections) {
    h.push(`<section class="block" id="${escapeHtml(x.id)}" aria-labelledby="${escapeHtml(x.id)}-h">\n<div class="section-head"><h2 id="${escapeHtml(x.id)}-h">${escapeHtml(x.title)}</h2></div>\n<div class="panel">${x.html}</div>\n</section>\n`);
  }

  // Findings
  h.push(`<section class="block" id="findings" aria-labelledby="findings-h">
<div class="section-head"><h2 id="findings-h">Findings</h2><p>One per (rule, resource) in the rule's scope, healthy ones included.</p></div>
<div class="panel">
<div class="filters" role="search" aria-label="Filter findings">
<label for="f-q">Search<input type="search" id="f-q" placeholder="account, object id, rule or reason" autocomplete="off"></label>
<label for="f-rule">Rule<select id="f-rule"><option value="">all rules</option></select></label>
<label for="f-status">Status<select id="f-status"><option value="@attention" selected>unhealthy + unknown</option><option value="">all statuses</option></select></label>
<label for="f-sev">Severity<select id="f-sev"><option value="">all</option></select></label>
<label for="f-size">Per page<select id="f-size"><option>25</option><option selected>50</option><option>100</option><option>250</option></select></label>
<button type="button" id="f-reset">Reset</button>
</div>
<div class="table-wrap"><table class="list" id="f-table">
<caption class="sr-only">Findings matching the filters, one page at a time</caption>
<thead><tr><th scope="col">Account / resource</th><th scope="col">Status</th><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Reason</th></tr></thead>
<tbody id="f-body"></tbody></table></div>
<div class="listbar"><span class="status" id="f-count" role="status" aria-live="polite"></span><div class="pager" id="f-pager" role="navigation" aria-label="Pages of findings"></div></div>
</div>
</section>
`);

  // Users
  h.push(`<section class="block" id="users" aria-labelledby="users-h">
<div class="section-head"><h2 id="users-h">Users</h2><p>Coverage of every user on every target. Open an account for the explanation chain: mechanisms, policies and reasons.</p></div>
<div class="panel">
<div class="filters" role="search" aria-label="Filter users">
<label for="u-q">Search<input type="search" id="u-q" placeholder="name, UPN or object id" autocomplete="off"></label>
<label for="u-target">Target<select id="u-target"><option value="">any target</option></select></label>
<label for="u-state">Coverage state<select id="u-state"><option value="">any state</option><option value="@unhealthy">not healthy</option><option value="@uncertain">uncertain (missing data)</option></select></label>
<label for="u-rule">Rule<select id="u-rule"><option value="">any rule</option></select></label>
<label for="u-status">Finding status<select id="u-status"><option value="">any status</option></select></label>
<label for="u-sort">Sort<select id="u-sort"><option value="attention">most findings first</option><option value="name">name</option></select></label>
<label for="u-size">Per page<select id="u-size"><option>25</option><option selected>50</option><option>100</option><option>250</option></select></label>
<button type="button" id="u-reset">Reset</button>
</div>
<div class="table-wrap"><table class="list" id="u-table">
<caption class="sr-only">Users matching the filters, one page at a time, with their coverage state per target</caption>
<thead><tr><th scope="col">Account</th>${TARGETS.map((x) => `<th scope="col" title="${escapeHtml(TARGET_LABELS[x])}">${TARGET_NAMES[x]}</th>`).join('')}<th scope="col" class="num">unhealthy</th><th scope="col" class="num">unknown</th></tr></thead>
<tbody id="u-body"></tbody></table></div>
<div class="listbar"><span class="status" id="u-count" role="status" aria-live="polite"></span><div class="pager" id="u-pager" role="navigation" aria-label="Pages of users"></div></div>
</div>
</section>
<dialog class="drill" id="drill" aria-labelledby="drill-title">
<div class="dhead"><div><h2 id="drill-title"></h2><p id="drill-sub"></p></div><button type="button" id="drill-close">Close<span class="sr-only"> account details</span></button></div>
<div class="dbody" id="drill-body"></div>
</dialog>
${about.map((html, ri) => (html ? `<template id="explainer-${ri}">${html}</template>\n` : '')).join('')}<footer class="foot">
<p>Coverage states, strongest first: ${STATES.map((s) => `<b>${STATE_LABELS[s]}</b> (${escapeHtml(STATE_HELP[s])})`).join('; ')}. Healthy: blocked, enforced, trusted-location bypass. Azure tiers are mfaguard's heuristic (Defender does not publish its algorithm). Missing data is never reported as healthy.</p>
<p>Generated by ${escapeHtml(generatorName(report))}. The full machine-readable result, with evidence: <code>mfaguard scan --format json</code>. One account's complete reasoning: <code>mfaguard explain --snapshot PATH --user UPN</code>.</p>
</footer>
</main>
`);
  return h.join('');
}
