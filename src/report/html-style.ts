/** Inline stylesheet of the HTML report (html.ts). No external fonts, images or imports. */
export const HTML_CSS = String.raw`
:root {
  --bg: #f5f6f8; --surface: #ffffff; --text: #1b1f24; --muted: #57606a; --border: #d6dbe1; --soft: #eef1f4;
  --accent: #0b5cad; --accent-soft: #e7f0fb; --focus: #1f6feb;
  --ok: #1a7f37; --ok-bg: #dcf3e3; --blocked: #0f5132; --blocked-bg: #d1e7dd; --trusted: #0d7377; --trusted-bg: #d8f0f0;
  --cond: #8a5300; --cond-bg: #fff1d6; --ro: #9c4a00; --ro-bg: #ffe6cf; --bad: #b42318; --bad-bg: #fde4e1;
  --none: #7a0916; --none-bg: #f9d5d8; --unk: #7d5b00; --unk-bg: #fff5c2; --exempt: #5b4bc4; --exempt-bg: #ebe8fb;
  --na: #57606a; --na-bg: #eceff2;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", "DejaVu Sans", sans-serif;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.5 var(--font); font-variant-numeric: tabular-nums; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, tr:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
h1, h2, h3, h4 { line-height: 1.25; margin: 0; }
h2 { font-size: 20px; font-weight: 650; }
h3 { font-size: 16px; font-weight: 650; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip { position: absolute; left: -9999px; top: 0; background: var(--surface); padding: 8px 12px; z-index: 10; }
.skip:focus { left: 8px; top: 8px; }

.top { background: #0d1b2a; color: #fff; padding: 20px 32px 18px; }
.top .brand { display: flex; align-items: center; gap: 10px; font-size: 13px; letter-spacing: .04em; text-transform: uppercase; color: #b8c7d9; }
.top .brand svg { flex: none; }
.top h1 { font-size: 26px; font-weight: 650; margin-top: 6px; }
.top .meta { color: #b8c7d9; font-size: 13px; margin-top: 6px; display: flex; flex-wrap: wrap; gap: 4px 18px; }
.top .meta b { color: #fff; font-weight: 600; }
nav.tabs { position: sticky; top: 0; z-index: 5; background: var(--surface); border-bottom: 1px solid var(--border); padding: 0 32px; display: flex; gap: 4px; }
nav.tabs a { display: inline-block; padding: 12px 14px 10px; color: var(--muted); text-decoration: none; font-weight: 600; border-bottom: 3px solid transparent; }
nav.tabs a:hover { color: var(--text); border-bottom-color: var(--border); }
nav.tabs a .n { font-weight: 500; color: var(--muted); margin-left: 4px; }
main { max-width: 1320px; margin: 0 auto; padding: 24px 32px 48px; }
section.block { margin-bottom: 36px; scroll-margin-top: 56px; }
.section-head { display: flex; align-items: baseline; justify-content: space-between; gap: 12px; margin-bottom: 12px; flex-wrap: wrap; }
.section-head p { margin: 0; color: var(--muted); }
.panel { background: var(--surface); border: 1px solid var(--border); border-radius: 10px; padding: 18px 20px; }
.panel + .panel { margin-top: 16px; }
.hint { color: var(--muted); font-size: 13px; }
#js-status:empty { display: none; }
#js-status.failed { color: var(--bad); font-weight: 600; }
.gaps { background: var(--unk-bg); border: 1px solid #e6c84f; border-radius: 10px; padding: 12px 16px; margin-bottom: 20px; }
.gaps h2 { font-size: 15px; margin-bottom: 4px; }
.gaps ul { margin: 4px 0 0; padding-left: 20px; }

.overview { display: grid; grid-template-columns: minmax(260px, 330px) 1fr; gap: 16px; margin-bottom: 16px; }
.score { display: flex; gap: 18px; align-items: center; }
.score .ring { flex: none; }
.score .ring text { font-family: var(--font); }
.score h2 { font-size: 15px; color: var(--muted); font-weight: 600; }
.score .big { font-size: 13px; color: var(--muted); margin-top: 4px; }
.kpis { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; }
.kpi { background: var(--surface); border: 1px solid var(--border); border-radius: 10px; padding: 14px 16px; }
.kpi .label { color: var(--muted); font-size: 12.5px; font-weight: 600; text-transform: uppercase; letter-spacing: .03em; }
.kpi .value { font-size: 28px; font-weight: 650; margin-top: 2px; }
.kpi .sub { color: var(--muted); font-size: 12.5px; }
.kpi.bad .value { color: var(--bad); }
.kpi.unk .value { color: var(--unk); }

table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--soft); vertical-align: top; }
thead th { font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); font-weight: 650; border-bottom: 1px solid var(--border); white-space: nowrap; background: var(--surface); }
td.num, th.num { text-align: right; }
tbody tr:hover { background: #f8fafc; }
.table-wrap { overflow-x: auto; }
.matrix td { vertical-align: middle; }
.matrix thead th { white-space: normal; vertical-align: bottom; }
.matrix thead th.num { max-width: 96px; }
.matrix td.dist { width: 30%; }
.matrix .tgt { font-weight: 600; white-space: nowrap; }
.matrix .tgt small { display: block; font-weight: 400; color: var(--muted); white-space: normal; }
.matrix td.num a, .rules td.num a { font-weight: 600; }
.matrix td.zero, .rules td.zero { color: #aab2bb; }
.bar { display: flex; height: 22px; border-radius: 5px; overflow: hidden; background: var(--soft); min-width: 220px; border: 1px solid var(--border); }
.bar span { display: block; height: 100%; min-width: 2px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 4px 0 12px; font-size: 13px; color: var(--muted); }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.sw { display: inline-block; width: 14px; height: 14px; border-radius: 3px; border: 1px solid rgba(0,0,0,.25); }

/* coverage states: colour + hatching (non-healthy) + symbol in every badge, so they survive greyscale */
.f-blocked { background: #14532d; }
.f-enforced { background: #2f9e55; }
.f-trustedLocationBypass { background: #61b8ad; }
.f-conditional { background: repeating-linear-gradient(45deg, #d9a21b 0 4px, #f3d27a 4px 7px); }
.f-reportOnly { background: repeating-linear-gradient(-45deg, #e07b24 0 4px, #f6c08e 4px 7px); }
.f-excluded { background: repeating-linear-gradient(45deg, #c0281c 0 3px, #ef9a91 3px 5px); }
.f-none { background: repeating-linear-gradient(90deg, #6e0a14 0 3px, #c4505c 3px 5px); }
.f-healthy { background: #2f9e55; } .f-unhealthy { background: repeating-linear-gradient(45deg, #c0281c 0 3px, #ef9a91 3px 5px); }
.f-unknown { background: repeating-linear-gradient(-45deg, #c9a100 0 3px, #f4e38a 3px 5px); }

.badge { display: inline-flex; align-items: center; gap: 4px; border-radius: 999px; padding: 1px 9px 1px 7px; font-size: 12px; font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
.badge::before { font-weight: 700; }
.s-blocked { color: var(--blocked); background: var(--blocked-bg); } .s-blocked::before { content: "\2298"; }
.s-enforced { color: var(--ok); background: var(--ok-bg); } .s-enforced::before { content: "\2713"; }
.s-trustedLocationBypass { color: var(--trusted); background: var(--trusted-bg); } .s-trustedLocationBypass::before { content: "\2713"; }
.s-conditional { color: var(--cond); background: var(--cond-bg); border-color: #f0c46c; } .s-conditional::before { content: "\25D0"; }
.s-reportOnly { color: var(--ro); background: var(--ro-bg); border-color: #f2b27a; } .s-reportOnly::before { content: "\25CB"; }
.s-excluded { color: var(--bad); background: var(--bad-bg); border-color: #f3a59c; } .s-excluded::before { content: "\2715"; }
.s-none { color: var(--none); background: var(--none-bg); border-color: #e89aa2; } .s-none::before { content: "\2715"; }
.st-healthy { color: var(--ok); background: var(--ok-bg); } .st-healthy::before { content: "\2713"; }
.st-unhealthy { color: var(--bad); background: var(--bad-bg); border-color: #f3a59c; } .st-unhealthy::before { content: "\2715"; }
.st-unknown { color: var(--unk); background: var(--unk-bg); border-color: #e6c84f; } .st-unknown::before { content: "?"; }
.st-exempt { color: var(--exempt); background: var(--exempt-bg); } .st-exempt::before { content: "\2298"; }
.st-notApplicable { color: var(--na); background: var(--na-bg); } .st-notApplicable::before { content: "\2013"; }
.uncertain-mark { color: var(--unk); background: var(--unk-bg); border: 1px dashed #c9a100; }
.uncertain-mark::before { content: "?"; }
.sev { display: inline-block; font-size: 11.5px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; border-radius: 4px; padding: 0 6px; border: 1px solid; }
.sev-high { color: var(--bad); border-color: #f3a59c; background: #fff5f4; }
.sev-medium { color: var(--cond); border-color: #f0c46c; background: #fffaf0; }
.sev-low { color: var(--muted); border-color: var(--border); background: var(--soft); }

.scorebar { display: flex; align-items: center; gap: 8px; min-width: 150px; }
.scorebar .track { flex: 1; height: 8px; background: var(--soft); border-radius: 4px; overflow: hidden; }
.scorebar .fill { height: 100%; border-radius: 4px; }
.scorebar .pct { width: 44px; text-align: right; font-weight: 650; }
.good { background: #2f9e55; } .fair { background: #d9a21b; } .poor { background: #c0281c; }
.rules .title { font-weight: 600; }
.rid { display: block; font-family: var(--mono); font-size: 12px; color: var(--muted); }

.rulecards { display: grid; gap: 16px; }
.rulecard { background: var(--surface); border: 1px solid var(--border); border-left: 4px solid var(--bad); border-radius: 10px; padding: 16px 20px; }
.rulecard.sev-card-medium { border-left-color: #d9a21b; } .rulecard.sev-card-low { border-left-color: #8c959f; }
.rulecard header { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.rulecard header h3 { flex: 1 1 420px; }
.rulecard .counts { color: var(--muted); font-size: 13px; }
.rulecard .origin { color: var(--muted); font-size: 13px; margin: 4px 0 10px; }
.fix { background: var(--accent-soft); border: 1px solid #c4dbf5; border-radius: 8px; padding: 10px 14px; margin: 8px 0 12px; }
.fix b { color: var(--accent); }
.fix .refs { margin-top: 6px; font-size: 12.5px; color: var(--muted); word-break: break-all; }
.passing { margin-top: 12px; color: var(--muted); }
.passing ul { margin: 6px 0 0; padding-left: 20px; }

.filters { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: flex-end; margin-bottom: 12px; }
.filters label { display: flex; flex-direction: column; gap: 3px; font-size: 12px; font-weight: 650; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.filters input, .filters select { font: 14px var(--font); color: var(--text); padding: 6px 9px; border: 1px solid #b9c1ca; border-radius: 6px; background: #fff; min-height: 34px; }
.filters input[type=search] { width: 280px; }
.filters select { max-width: 300px; }
button { font: 600 13px var(--font); color: var(--text); background: #fff; border: 1px solid #b9c1ca; border-radius: 6px; padding: 6px 12px; min-height: 34px; cursor: pointer; }
button:hover:not([disabled]) { background: var(--soft); }
button[disabled] { color: #aab2bb; cursor: default; }
button.link { border: 0; background: none; padding: 0; min-height: 0; color: var(--accent); font-weight: 600; text-align: left; font-size: 14px; }
button.link:hover { text-decoration: underline; background: none; }
.listbar { display: flex; justify-content: space-between; align-items: center; gap: 12px; flex-wrap: wrap; margin: 10px 0 0; }
.listbar .status { color: var(--muted); }
.pager { display: flex; gap: 6px; align-items: center; }
.pager .pg { color: var(--muted); padding: 0 6px; }
td.acct { min-width: 230px; }
#u-table td { white-space: nowrap; }
#u-table td.acct { white-space: normal; }
.acct .upn { display: block; color: var(--muted); font-size: 12.5px; overflow-wrap: anywhere; }
.tag { display: inline-block; font-size: 11.5px; color: var(--muted); border: 1px solid var(--border); border-radius: 4px; padding: 0 5px; margin-left: 4px; font-weight: 600; }
td.reason { color: #343a40; max-width: 640px; }
.clamp { display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
tr.clickable { cursor: pointer; }
.cells { display: flex; gap: 4px; flex-wrap: wrap; }
.c-bad { color: var(--bad); } .c-unk { color: var(--unk); }
.empty td { text-align: center; color: var(--muted); padding: 24px; }

dialog.drill { overflow: auto; width: min(980px, 94vw); max-height: 90vh; border: 0; border-radius: 12px; padding: 0; box-shadow: 0 20px 60px rgba(13, 27, 42, .35); color: var(--text); }
dialog.drill::backdrop { background: rgba(13, 27, 42, .45); }
.drill .dhead { position: sticky; top: 0; background: var(--surface); border-bottom: 1px solid var(--border); padding: 16px 20px; display: flex; justify-content: space-between; gap: 12px; align-items: flex-start; }
.drill .dhead p { margin: 2px 0 0; color: var(--muted); }
.drill .dbody { padding: 16px 20px 20px; }
.drill h3 { margin: 4px 0 10px; }
.drill-target { border: 1px solid var(--border); border-radius: 8px; padding: 10px 14px; margin-bottom: 10px; }
.drill-target header { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.drill-target header h4 { font-size: 14.5px; }
.drill-target header .full { color: var(--muted); font-size: 12.5px; }
.drill-target dl { display: grid; grid-template-columns: 110px 1fr; gap: 4px 12px; margin: 8px 0 0; }
.drill-target dt { color: var(--muted); font-size: 12.5px; font-weight: 600; }
.drill-target dd { margin: 0; }
.drill .strip { gap: 6px 14px; margin-bottom: 14px; font-size: 13px; color: var(--muted); font-weight: 600; }
.drill ul.chain { margin: 0; padding-left: 18px; }
.drill ul.chain li + li { margin-top: 3px; }
.drill .pol { display: inline-block; background: var(--soft); border-radius: 4px; padding: 0 6px; margin: 0 4px 3px 0; font-size: 12.5px; }
.drill .finding { border-top: 1px solid var(--soft); padding: 8px 0; }
.drill .finding .fix { margin: 6px 0 0; font-size: 13px; }
.drill .cmd { background: #0d1b2a; color: #e6edf3; border-radius: 6px; padding: 8px 12px; overflow-x: auto; font-family: var(--mono); font-size: 12.5px; }
footer.foot { color: var(--muted); font-size: 12.5px; border-top: 1px solid var(--border); padding-top: 14px; }

@media (max-width: 900px) {
  .overview { grid-template-columns: 1fr; }
  .kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  main, .top { padding-left: 16px; padding-right: 16px; }
  nav.tabs { padding: 0 8px; overflow-x: auto; }
}
@media print {
  @page { margin: 14mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 11.5px; }
  nav.tabs, .filters, .pager, .skip, dialog, noscript, .no-print { display: none !important; }
  .top { background: #fff; color: var(--text); border-bottom: 2px solid var(--text); padding: 0 0 10px; }
  .top .brand, .top .meta { color: var(--muted); } .top .meta b { color: var(--text); }
  main { padding: 12px 0 0; max-width: none; }
  .panel, .kpi, .rulecard { border-color: #999; break-inside: avoid; }
  section.block { break-before: auto; }
  #findings, #users { break-before: page; }
  tr { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  .overview { grid-template-columns: 1fr; gap: 8px; }
  .kpis { grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 8px; }
  .panel { padding: 10px 12px; }
  .score .ring { width: 96px; height: 96px; }
  .kpi { padding: 8px 12px; } .kpi .value { font-size: 22px; }
  th, td { padding: 4px 5px; }
  thead th { font-size: 9.5px; }
  .matrix thead th.num { max-width: 64px; }
  .matrix .tgt small { display: none; }
  .bar { min-width: 70px; height: 14px; }
  .matrix td.dist { width: 14%; }
  .scorebar { min-width: 100px; }
  td.acct { min-width: 0; }
  .rulecard { padding: 10px 14px; }
  a { color: inherit; text-decoration: none; }
  .clamp { -webkit-line-clamp: unset; display: block; }
}
`;

/** Added only to reports that carry rule explainers, so a report without them keeps its stylesheet. */
export const EXPLAINER_CSS = String.raw`
details.explainer { border: 1px solid var(--border); border-radius: 8px; margin: 8px 0 4px; background: var(--surface); }
details.explainer > summary { cursor: pointer; padding: 6px 12px; color: var(--accent); font-weight: 600; font-size: 13px; }
details.explainer[open] > summary { border-bottom: 1px solid var(--border); }
details.explainer .xbody { padding: 4px 14px 8px; font-size: 13.5px; }
details.explainer .xbody p, details.explainer .xbody ul, details.explainer .xbody ol { margin: 8px 0; }
details.explainer .xbody .xh { font-weight: 700; }
details.explainer .xbody pre { background: var(--soft); border-radius: 6px; padding: 8px 10px; overflow: auto; }
@media print { details.explainer > summary { color: var(--text); } }
`;
