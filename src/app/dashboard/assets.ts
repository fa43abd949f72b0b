/**
 * The dashboard's only static assets, served by the app itself (no external fonts, scripts or images;
 * the Content-Security-Policy allows styles and scripts from 'self' only). The stylesheet reuses the
 * HTML report's; the script is progressive enhancement: every page works without it.
 */
import { HTML_CSS } from '../../report/html-style.js';

export const DASHBOARD_CSS = HTML_CSS + String.raw`
/* the report's green on its pale badge is below 4.5:1 at 12px (axe); a darker one here */
:root { --ok: #136b2d; }
.top form.switch { margin-top: 8px; display: flex; gap: 6px; align-items: center; color: #b8c7d9; font-size: 13px; }
.top form.switch select, .top form.switch button { font: inherit; }
nav.tabs a[aria-current="page"] { color: var(--text); border-bottom-color: var(--accent); }
form.filters { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: end; margin-bottom: 12px; }
form.filters label, form.exempt label { display: flex; flex-direction: column; gap: 2px; font-size: 12.5px; font-weight: 600; color: var(--muted); }
form.exempt { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 12px 18px; }
form.exempt .wide { grid-column: 1 / -1; }
input, select, textarea, button { font: inherit; padding: 5px 8px; border: 1px solid var(--border); border-radius: 6px; background: var(--surface); color: var(--text); }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; font-weight: 600; }
.pager { display: flex; gap: 12px; align-items: center; margin-top: 12px; }
.msg { border-radius: 8px; padding: 10px 14px; margin-bottom: 16px; border: 1px solid var(--border); }
.msg.ok { background: var(--ok-bg); border-color: #9fd8b0; }
.msg.err { background: var(--bad-bg); border-color: #f3a59c; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.kv dt { font-weight: 600; color: var(--muted); }
dl.kv dd { margin: 0; }
ul.trace { margin: 6px 0 0; padding-left: 18px; }
.spark { display: inline-flex; gap: 2px; align-items: flex-end; height: 22px; }
.spark i { display: block; width: 6px; background: var(--bad); min-height: 1px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
`;

/** Auto-submit a filter form when a select changes; nothing else. */
export const DASHBOARD_JS = `'use strict';
document.querySelectorAll('form[data-autosubmit] select').forEach(function (s) {
  s.addEventListener('change', function () { s.form.requestSubmit ? s.form.requestSubmit() : s.form.submit(); });
});
`;
