/**
 * Trends: finding counts per rule over a tenant's recorded scans, as JSON, CSV, a standalone HTML page,
 * and the inline SVG chart the HTML report shows when the state store has history (no script, no
 * external assets: it passes the report's Content-Security-Policy and prints).
 */
import { chunked } from './chunk.js';
import { csvRow } from './csv.js';
import { escapeHtml } from './html-escape.js';
import type { Sink } from './json.js';
import { escapeJsonControls, FINDING_STATUSES, type FindingStatus } from '../vocabulary.js';

export interface TrendPoint { scanId: number; collectedAt: string; counts: Record<FindingStatus, number> }
export interface RuleTrend { ruleId: string; points: TrendPoint[] }
export interface Trends {
  tenant: { id: string; displayName: string | null };
  /** Every scan of the tenant, oldest first (record order). */
  scans: { scanId: number; collectedAt: string }[];
  rules: RuleTrend[];
}

export const TREND_FORMATS = ['table', 'json', 'csv', 'html'] as const;
export type TrendFormat = (typeof TREND_FORMATS)[number];

export function renderTrends(t: Trends, format: TrendFormat, write: Sink): Promise<void> {
  switch (format) {
    case 'json': return Promise.resolve(write(escapeJsonControls(JSON.stringify(t, null, 2)) + '\n'));
    case 'csv': return writeTrendsCsv(t, write);
    case 'html': return Promise.resolve(write(trendsPage(t)));
    case 'table': return writeTrendsTable(t, write);
  }
}

async function writeTrendsCsv(t: Trends, write: Sink): Promise<void> {
  const out = chunked(write);
  await out.push(csvRow(['tenantId', 'scanId', 'collectedAt', 'ruleId', ...FINDING_STATUSES]));
  for (const r of t.rules) {
    for (const p of r.points) await out.push(csvRow([t.tenant.id, String(p.scanId), p.collectedAt, r.ruleId, ...FINDING_STATUSES.map((s) => String(p.counts[s]))]));
  }
  await out.flush();
}

async function writeTrendsTable(t: Trends, write: Sink): Promise<void> {
  const out = chunked(write);
  await out.push(`Unhealthy findings per rule, scans ${t.scans.map((s) => s.scanId).join(', ')} (oldest first)\n`);
  for (const r of t.rules) {
    await out.push(`  ${r.ruleId.padEnd(28)} ${r.points.map((p) => String(p.counts.unhealthy).padStart(6)).join(' ')}   ${sparkline(r.points.map((p) => p.counts.unhealthy))}\n`);
  }
  await out.flush();
}

const SPARKS = '▁▂▃▄▅▆▇█';
function sparkline(values: number[]): string {
  const max = Math.max(1, ...values);
  return values.map((v) => SPARKS[Math.min(SPARKS.length - 1, Math.round((v / max) * (SPARKS.length - 1)))]).join('');
}

/** Distinct colour and dash per series, so lines stay apart in greyscale print too. */
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];

/**
 * An inline SVG line chart of one status's count per rule over the scans (default unhealthy). Rules
 * whose count is zero throughout are left out; returns '' when there are fewer than two scans.
 */
export function trendChartSvg(t: Trends, status: FindingStatus = 'unhealthy', size = { width: 720, height: 260 }): string {
  if (t.scans.length < 2) return '';
  const series = t.rules.filter((r) => r.points.some((p) => p.counts[status] > 0));
  const { width, height } = size;
  const left = 48, right = 240, top = 16, bottom = 36;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const index = new Map(t.scans.map((s, i) => [s.scanId, i]));
  const max = Math.max(1, ...series.flatMap((r) => r.points.map((p) => p.counts[status])));
  const x = (i: number) => left + (t.scans.length === 1 ? plotW / 2 : (i / (t.scans.length - 1)) * plotW);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(`${status} findings per rule over ${t.scans.length} scans`)}">`);
  parts.push(`<title>${escapeHtml(`${status} findings per rule, scans ${t.scans[0]!.scanId} to ${t.scans.at(-1)!.scanId}`)}</title>`);
  // axes and gridlines at 0, half, max
  for (const v of [0, Math.round(max / 2), max]) {
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ccc" stroke-width="1"/>`);
    parts.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#555">${v}</text>`);
  }
  const labelEvery = Math.max(1, Math.ceil(t.scans.length / 8));
  t.scans.forEach((s, i) => {
    if (i % labelEvery && i !== t.scans.length - 1) return;
    parts.push(`<text x="${x(i).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" font-size="11" fill="#555">#${s.scanId} ${escapeHtml(s.collectedAt.slice(0, 10))}</text>`);
  });
  series.forEach((r, n) => {
    const colour = COLOURS[n % COLOURS.length]!;
    const dash = DASHES[Math.floor(n / COLOURS.length) % DASHES.length] || DASHES[n % DASHES.length]!;
    const pts = r.points.filter((p) => index.has(p.scanId)).map((p) => `${x(index.get(p.scanId)!).toFixed(1)},${y(p.counts[status]).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${pts.join(' ')}"><title>${escapeHtml(r.ruleId)}</title></polyline>`);
    for (const p of r.points) {
      if (!index.has(p.scanId)) continue;
      parts.push(`<circle cx="${x(index.get(p.scanId)!).toFixed(1)}" cy="${y(p.counts[status]).toFixed(1)}" r="3" fill="${colour}"><title>${escapeHtml(`${r.ruleId}: ${p.counts[status]} ${status} (scan ${p.scanId}, ${p.collectedAt})`)}</title></circle>`);
    }
    const ly = top + 12 + n * 16;
    parts.push(`<line x1="${width - right + 12}" x2="${width - right + 36}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    parts.push(`<text x="${width - right + 42}" y="${ly}" font-size="11" fill="#222">${escapeHtml(r.ruleId)}</text>`);
  });
  if (!series.length) parts.push(`<text x="${left + plotW / 2}" y="${top + plotH / 2}" text-anchor="middle" font-size="12" fill="#555">no ${status} findings in these scans</text>`);
  parts.push('</svg>');
  return parts.join('');
}

/** A standalone, self-contained HTML page with the chart and a table of the counts. */
export function trendsPage(t: Trends): string {
  const name = escapeHtml(t.tenant.displayName ?? t.tenant.id);
  const head = `<tr><th>rule</th>${t.scans.map((s) => `<th>${s.scanId}<br>${escapeHtml(s.collectedAt.slice(0, 10))}</th>`).join('')}</tr>`;
  const rows = t.rules.map((r) => {
    const by = new Map(r.points.map((p) => [p.scanId, p]));
    return `<tr><td>${escapeHtml(r.ruleId)}</td>${t.scans.map((s) => `<td>${by.get(s.scanId)?.counts.unhealthy ?? ''}</td>`).join('')}</tr>`;
  }).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>mfaguard trends: ${name}</title><style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td:first-child{text-align:left}</style></head>
<body><h1>MFA trends: ${name}</h1><p>Unhealthy findings per rule over ${t.scans.length} recorded scans.</p>${trendChartSvg(t) || '<p>Fewer than two scans recorded: no trend yet.</p>'}
<table><thead>${head}</thead><tbody>${rows}</tbody></table></body></html>\n`;
}
