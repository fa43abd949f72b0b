/**
 * The HTML report's sign-in section (spec/signins.md): predicted vs observed (contradictions) and the
 * MFA gaps workbook pivots, as static markup with inline SVG charts — no script, no external asset.
 * Every tenant string goes through escapeHtml (SVG text included: the same XML escaping applies).
 */
import type { Report } from './report.js';
import type { SignInWorkbook, WorkbookDimension, WorkbookRow } from '../evidence/workbook.js';
import { TARGET_NAMES, STATE_LABELS } from '../vocabulary.js';
import { escapeHtml } from './html-escape.js';

const num = (n: number) => n.toLocaleString('en-US');
/** An ISO instant to the minute, for a narrow column (the full value is the cell's title). */
const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');
const MFA_COLOUR = '#2f9e55';
const SINGLE_COLOUR = '#c0281c';

/** Pivot titles and how each row is labelled. */
const PIVOTS: { dim: WorkbookDimension; title: string; label: (r: WorkbookRow) => string }[] = [
  { dim: 'app', title: 'Sign-ins per app', label: (r) => r.keys[1] || r.keys[0]! },
  { dim: 'user', title: 'Sign-ins per user', label: (r) => r.keys[1] || r.keys[0]! },
  { dim: 'operatingSystem', title: 'By operating system', label: (r) => r.keys[0]! },
  { dim: 'country', title: 'By country or region', label: (r) => r.keys[0]! },
  { dim: 'clientApp', title: 'By client app', label: (r) => r.keys[0]! },
];

/** Horizontal stacked bars (MFA green, single-factor red), one per row, scaled to the largest row. */
export function barChart(rows: readonly WorkbookRow[], label: (r: WorkbookRow) => string, title: string, max = 10): string {
  const shown = rows.slice(0, max);
  if (!shown.length) return `<p class="hint">No sign-ins.</p>`;
  const width = 560;
  const labelW = 200;
  const barW = width - labelW - 90;
  const rowH = 22;
  const top = Math.max(...shown.map((r) => r.signIns), 1);
  const bars = shown.map((r, i) => {
    const y = i * rowH;
    const wm = (barW * r.mfa) / top;
    const ws = (barW * r.singleFactor) / top;
    const text = label(r);
    const cut = text.length > 30 ? `${text.slice(0, 29)}…` : text;
    return `<g><title>${escapeHtml(`${text}: ${r.signIns} sign-ins, ${r.mfa} MFA, ${r.singleFactor} single-factor`)}</title>`
      + `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end" font-size="12" fill="#1b1f24">${escapeHtml(cut)}</text>`
      + `<rect x="${labelW}" y="${y + 4}" width="${wm.toFixed(1)}" height="14" fill="${MFA_COLOUR}"/>`
      + `<rect x="${(labelW + wm).toFixed(1)}" y="${y + 4}" width="${ws.toFixed(1)}" height="14" fill="${SINGLE_COLOUR}"/>`
      + `<text x="${(labelW + wm + ws + 6).toFixed(1)}" y="${y + 15}" font-size="11" fill="#57606a">${num(r.singleFactor)} / ${num(r.signIns)}</text></g>`;
  }).join('');
  return `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${shown.length * rowH + 4}" viewBox="0 0 ${width} ${shown.length * rowH + 4}">${bars}</svg>`;
}

/** The protected / not protected share as a ring. */
export function totalRing(total: WorkbookRow): string {
  const r = 44;
  const circ = 2 * Math.PI * r;
  const share = total.signIns ? total.mfa / total.signIns : 0;
  return `<svg class="chart" role="img" aria-label="${escapeHtml(`${total.mfaPercent}% of sign-ins protected by MFA`)}" width="112" height="112" viewBox="0 0 112 112">
<circle cx="56" cy="56" r="${r}" fill="none" stroke="${total.signIns ? SINGLE_COLOUR : '#eef1f4'}" stroke-width="12"/>
<circle cx="56" cy="56" r="${r}" fill="none" stroke="${MFA_COLOUR}" stroke-width="12" stroke-dasharray="${(circ * share).toFixed(2)} ${circ.toFixed(2)}" transform="rotate(-90 56 56)"/>
<text x="56" y="61" text-anchor="middle" font-size="18" font-weight="700" fill="#1b1f24">${total.mfaPercent}%</text></svg>`;
}

function workbookHtml(wb: SignInWorkbook): string {
  const f = wb.filters;
  const filters = [
    'successful sign-ins', f.homeTenantOnly ? 'home tenant only' : 'all tenants', f.excludeGraph ? 'Microsoft Graph excluded' : '',
    f.legacyOnly ? 'legacy clients only' : '', f.trustedLocationsOnly ? 'trusted locations only' : '',
    wb.signInTypes === 'interactiveOnly' ? 'interactive only (as the workbook)' : 'interactive and non-interactive (the workbook reads interactive only)',
  ].filter(Boolean).join(' · ');
  const t = wb.total;
  const h: string[] = [];
  h.push(`<div class="panel" id="workbook"><div class="section-head"><h3>MFA gaps workbook</h3><p>${escapeHtml(filters)}${wb.window ? ` · window ${escapeHtml(wb.window.from)} to ${escapeHtml(wb.window.to)}` : ''}</p></div>
<div class="overview">${totalRing(t)}<div class="kpis">
<div class="kpi"><div class="label">Protected by MFA</div><div class="value">${num(t.mfa)}</div><div class="sub">sign-ins</div></div>
<div class="kpi bad"><div class="label">Not protected</div><div class="value">${num(t.singleFactor)}</div><div class="sub">single-factor sign-ins</div></div>
<div class="kpi"><div class="label">Users</div><div class="value">${num(t.users)}</div><div class="sub">${num(wb.pivots.user.filter((r) => r.singleFactor > 0).length)}${wb.omitted?.user ? '+' : ''} with single-factor sign-ins</div></div>
</div></div>
<p class="hint"><span style="color:${MFA_COLOUR}">■</span> MFA · <span style="color:${SINGLE_COLOUR}">■</span> single-factor; top rows, most single-factor first.</p>
`);
  for (const p of PIVOTS) {
    h.push(`<h4>${escapeHtml(p.title)}</h4>${barChart(wb.pivots[p.dim], p.label, p.title)}\n`);
    if (p.dim === 'app') {
      const rows = wb.pivots.app.filter((r) => r.singleFactorUsers).slice(0, 10);
      if (rows.length) h.push(`<div class="table-wrap"><table class="list"><caption class="sr-only">Single-factor users per app</caption><thead><tr><th scope="col">App</th><th scope="col" class="num">single-factor users</th><th scope="col" class="num">sign-ins</th><th scope="col" class="num">MFA %</th></tr></thead><tbody>${rows.map((r) => `<tr><td>${escapeHtml(r.keys[1] || r.keys[0]!)}</td><td class="num">${num(r.singleFactorUsers ?? 0)}</td><td class="num">${num(r.signIns)}</td><td class="num">${r.mfaPercent}%</td></tr>`).join('')}</tbody></table></div>\n`);
    }
    if (p.dim === 'user') {
      const rows = wb.pivots.user.slice(0, 10);
      if (rows.length) h.push(`<div class="table-wrap"><table class="list"><caption class="sr-only">Per user, with the share of MFA sign-ins</caption><thead><tr><th scope="col">User</th><th scope="col" class="num">sign-ins</th><th scope="col" class="num">single-factor</th><th scope="col" class="num">MFA %</th></tr></thead><tbody>${rows.map((r) => `<tr><td>${escapeHtml(r.keys[1] || r.keys[0]!)}</td><td class="num">${num(r.signIns)}</td><td class="num">${num(r.singleFactor)}</td><td class="num">${r.mfaPercent}%</td></tr>`).join('')}</tbody></table></div>\n`);
    }
  }
  const appUser = wb.pivots.appUser.filter((r) => r.singleFactor > 0).slice(0, 15);
  if (appUser.length) {
    h.push(`<h4>App × user (single-factor)</h4><div class="table-wrap"><table class="list"><thead><tr><th scope="col">App</th><th scope="col">User</th><th scope="col" class="num">single-factor</th><th scope="col" class="num">sign-ins</th></tr></thead><tbody>${appUser.map((r) => `<tr><td>${escapeHtml(r.keys[1] || r.keys[0]!)}</td><td>${escapeHtml(r.keys[3] || r.keys[2]!)}</td><td class="num">${num(r.singleFactor)}</td><td class="num">${num(r.signIns)}</td></tr>`).join('')}</tbody></table></div>\n`);
  }
  h.push('</div>\n');
  return h.join('');
}

function contradictionsHtml(report: Report): string {
  const list = report.contradictions!;
  const h: string[] = [`<div class="panel" id="contradictions"><div class="section-head"><h3>Predicted vs observed</h3><p>Successful single-factor sign-ins to a target the engine calls healthy, per user and target, with the likely causes the engine can name.</p></div>\n`];
  if (!list.length) {
    h.push('<p>None: every successful single-factor sign-in was to a target the engine already reports as not healthy.</p></div>\n');
    return h.join('');
  }
  h.push(`<div class="table-wrap"><table class="list"><caption class="sr-only">Contradictions</caption><thead><tr><th scope="col">User</th><th scope="col">Target</th><th scope="col">Engine</th><th scope="col" class="num">sign-ins</th><th scope="col">Seen</th><th scope="col">Likely causes</th></tr></thead><tbody>`);
  for (const c of list.slice(0, 200)) {
    const causes = c.explanations?.length ? c.explanations : c.likelyCauses;
    h.push(`<tr><td>${escapeHtml(c.userPrincipalName ?? c.userId)}</td><td>${escapeHtml(TARGET_NAMES[c.target] ?? c.target)}</td><td>${escapeHtml(STATE_LABELS[c.engineState] ?? c.engineState)}</td><td class="num">${num(c.signIns)}</td><td class="mono" title="${escapeHtml(`${c.firstSeen} to ${c.lastSeen}`)}">${escapeHtml(minute(c.firstSeen))}<br>${escapeHtml(minute(c.lastSeen))}</td><td>${causes.length ? causes.map((x) => escapeHtml(x)).join('<br>') : '<span class="hint">none the engine can name</span>'}</td></tr>`);
  }
  h.push(`</tbody></table></div>${list.length > 200 ? `<p class="hint">… and ${num(list.length - 200)} more in the JSON report (field contradictions).</p>` : ''}</div>\n`);
  return h.join('');
}

/** The whole section, or '' when the report has no sign-in evidence. */
export function signInsSection(report: Report): string {
  if (!report.contradictions && !report.signIns) return '';
  return `<section class="block" id="signins" aria-labelledby="signins-h">
<div class="section-head"><h2 id="signins-h">Sign-ins</h2><p>What the sign-in logs show, checked against the engine's predictions.</p></div>
${report.contradictions ? contradictionsHtml(report) : ''}${report.signIns ? workbookHtml(report.signIns) : ''}</section>
`;
}
