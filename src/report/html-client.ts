/**
 * The HTML report's inline script (html.ts). Plain ES2020, no dependencies, no network. It reads the
 * JSON data blocks written by html.ts, renders paginated tables (never more than one page of rows in
 * the DOM), filters and the per-user drill-down. All data goes into the DOM through textContent.
 *
 * Data layout (HTML_DATA_VERSION in html.ts):
 * - mfaguard-principals: [id, upn, displayName, userType, enabled 0|1, cell per target...]
 * - mfaguard-findings:   [rule, status, severity, principal index or -1, reason string index,
 *                         resourceName (only when it differs from the principal's UPN), resourceType,
 *                         resourceId, evidence]  (trailing nulls trimmed)
 * - mfaguard-cells:      [state index, mechanisms[], policy ids[], reason string index, uncertain|0]
 * - mfaguard-strings:    interned strings
 * - mfaguard-meta:       tenant, summary, rules (with remediation), vocabularies, stats
 * - template#explainer-<rule index> (only for rules with an explainer): static markup the drill-down
 *   clones under each of the rule's findings
 *
 * Written as a string (not compiled TypeScript) because the project builds with tsc only, without DOM
 * types; test/report/html.test.ts runs it in Chromium. It must not contain backticks or "${".
 */
export const HTML_CLIENT_JS = String.raw`(function () {
  'use strict';
  var doc = document;
  var started = performance.now();
  function $(id) { return doc.getElementById(id); }
  try {
    main();
  } catch (err) {
    var st = $('js-status');
    if (st) { st.className += ' failed'; st.textContent = 'The interactive lists could not be built: ' + (err && err.message || err) + '. The overview above is complete.'; }
    throw err;
  }
  function main() {
    function load(id) { var el = $(id); return el ? JSON.parse(el.textContent) : null; }
    var M = load('mfaguard-meta'), STR = load('mfaguard-strings'), CELLS = load('mfaguard-cells');
    var P = load('mfaguard-principals'), F = load('mfaguard-findings');
    var RULES = M.rules, TARGETS = M.targets, STATES = M.states, STATUSES = M.statuses, SEVS = M.severities;
    var NT = TARGETS.length;
    var HEALTHY = {}; M.healthyStates.forEach(function (s) { HEALTHY[s] = true; });
    var ST_UNHEALTHY = STATUSES.indexOf('unhealthy'), ST_UNKNOWN = STATUSES.indexOf('unknown');
    var STATUS_ORDER = ['unhealthy', 'unknown', 'exempt', 'healthy', 'notApplicable'].map(function (s) { return STATUSES.indexOf(s); });
    var STATUS_RANK = []; STATUS_ORDER.forEach(function (s, i) { STATUS_RANK[s] = i; });
    var nf = new Intl.NumberFormat('en-US');
    function fmt(n) { return nf.format(n); }

    /* ---------- tiny DOM helper: h('td', {class: 'x'}, child, 'text') ---------- */
    function h(tag, attrs) {
      var el = doc.createElement(tag);
      if (attrs) for (var k in attrs) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = v;
        else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? '' : v);
      }
      for (var i = 2; i < arguments.length; i++) {
        var c = arguments[i];
        if (c === null || c === undefined || c === false) continue;
        el.appendChild(typeof c === 'string' || typeof c === 'number' ? doc.createTextNode(String(c)) : c);
      }
      return el;
    }
    function stateLabel(s) { return M.stateLabels[s] || s; }
    var SHORT = { trustedLocationBypass: 'trusted location' };
    function statusLabel(s) { return M.statusLabels[s] || s; }
    function stateBadge(s, uncertain, short) {
      var b = h('span', { class: 'badge s-' + s, title: stateLabel(s) + (HEALTHY[s] ? ' (healthy)' : ' (not healthy)') }, short && SHORT[s] || stateLabel(s));
      if (!uncertain) return b;
      return h('span', { class: 'cells' }, b, h('span', { class: 'badge uncertain-mark', title: 'uncertain: missing data could change this' }, 'uncertain'));
    }
    function statusBadge(st) { return h('span', { class: 'badge st-' + st }, statusLabel(st)); }
    function sevBadge(sev) { return h('span', { class: 'sev sev-' + sev }, sev); }

    /* ---------- decoded views of the compact data ---------- */
    var cellCache = [];
    function cell(i) {
      var c = cellCache[i];
      if (c) return c;
      var raw = CELLS[i];
      c = { state: STATES[raw[0]], mechanisms: raw[1], policies: raw[2], reason: STR[raw[3]], uncertain: raw[4] ? { optimisticState: STATES[raw[4][0]], missing: raw[4][1] } : null };
      cellCache[i] = c;
      return c;
    }
    function pName(i) { var p = P[i]; return p[2] || p[1] || p[0]; }
    function pUpn(i) { var p = P[i]; return p[1] || p[2] || p[0]; }
    function fName(f) { return f[5] != null ? f[5] : f[3] >= 0 ? pUpn(f[3]) : (f[7] || ''); }
    var policyNames = {};
    (M.policies || []).forEach(function (p) { policyNames[String(p[0]).toLowerCase()] = p[1]; });

    /* per-principal findings and counts */
    var NP = P.length, NF = F.length;
    var pFindings = new Array(NP), pBad = new Uint32Array(NP), pUnk = new Uint32Array(NP);
    for (var i = 0; i < NF; i++) {
      var f = F[i], pi = f[3];
      if (pi < 0) continue;
      (pFindings[pi] || (pFindings[pi] = [])).push(i);
      if (f[1] === ST_UNHEALTHY) pBad[pi]++;
      else if (f[1] === ST_UNKNOWN) pUnk[pi]++;
    }
    var sortKeys = null;
    function nameKeys() {
      if (!sortKeys) { sortKeys = new Array(NP); for (var i = 0; i < NP; i++) sortKeys[i] = String(pName(i)).toLowerCase(); }
      return sortKeys;
    }
    var searchText = null;
    function pSearch() {
      if (!searchText) {
        searchText = new Array(NP);
        for (var i = 0; i < NP; i++) { var p = P[i]; searchText[i] = (p[1] + ' ' + p[2] + ' ' + p[0]).toLowerCase(); }
      }
      return searchText;
    }
    function worstRank(i) {
      var p = P[i], r = 0;
      for (var t = 0; t < NT; t++) { var s = CELLS[p[5 + t]][0]; if (s > r) r = s; }
      return r;
    }

    /* ---------- a paginated table body: only one page of rows is ever in the DOM ---------- */
    function List(o) {
      this.o = o; this.items = []; this.page = 0; this.size = o.pageSize || 50;
      var self = this;
      var first = h('button', { type: 'button', 'aria-label': 'First page', onclick: function () { self.go(0); } }, '\u00ab');
      var prev = h('button', { type: 'button', 'aria-label': 'Previous page', onclick: function () { self.go(self.page - 1); } }, '\u2039 Prev');
      var label = h('span', { class: 'pg', 'aria-live': 'polite' });
      var next = h('button', { type: 'button', 'aria-label': 'Next page', onclick: function () { self.go(self.page + 1); } }, 'Next \u203a');
      var last = h('button', { type: 'button', 'aria-label': 'Last page', onclick: function () { self.go(1e12); } }, '\u00bb');
      this.btn = { first: first, prev: prev, next: next, last: last, label: label };
      o.pager.replaceChildren(first, prev, label, next, last);
    }
    List.prototype.pages = function () { return Math.max(1, Math.ceil(this.items.length / this.size)); };
    List.prototype.set = function (items) { this.items = items; this.page = 0; this.draw(); };
    List.prototype.go = function (p) { this.page = Math.max(0, Math.min(p, this.pages() - 1)); this.draw(); };
    List.prototype.draw = function () {
      var o = this.o, n = this.items.length, pages = this.pages();
      if (this.page >= pages) this.page = pages - 1;
      var start = this.page * this.size, end = Math.min(n, start + this.size);
      var frag = doc.createDocumentFragment();
      for (var i = start; i < end; i++) frag.appendChild(o.row(this.items[i]));
      if (!n) frag.appendChild(h('tr', { class: 'empty' }, h('td', { colspan: o.cols }, o.empty || 'Nothing matches these filters.')));
      o.body.replaceChildren(frag);
      o.status.textContent = n ? 'Showing ' + fmt(start + 1) + '\u2013' + fmt(end) + ' of ' + fmt(n) + ' ' + o.noun : 'No ' + o.noun + ' match';
      o.status.setAttribute('data-total', String(n));
      this.btn.label.textContent = 'Page ' + fmt(this.page + 1) + ' of ' + fmt(pages);
      this.btn.first.disabled = this.btn.prev.disabled = this.page === 0;
      this.btn.next.disabled = this.btn.last.disabled = this.page >= pages - 1;
    };

    /* ---------- drill-down ---------- */
    var dialog = $('drill'), dialogBody = $('drill-body'), opener = null;
    function policyChip(id) {
      var name = policyNames[String(id).toLowerCase()];
      return h('span', { class: 'pol', title: id }, name || id);
    }
    /* one line per policy in the explanation chain ("CA policy 'X' ...; CA policy 'Y' .... Near misses: ...") */
    function reasonNode(text) {
      if (!text) return '\u2014';
      var parts = text.split(/; (?=CA policy ')|\. (?=Near misses: )/);
      if (parts.length < 2) return text;
      return h.apply(null, ['ul', { class: 'chain' }].concat(parts.map(function (x) { return h('li', null, x); })));
    }
    function openUser(pi, from) {
      var p = P[pi];
      opener = from || doc.activeElement;
      $('drill-title').textContent = pName(pi);
      $('drill-sub').textContent = (p[1] || '(no UPN)') + ' \u00b7 ' + (p[3] || 'unknown type') + (p[4] ? '' : ' \u00b7 disabled') + ' \u00b7 object id ' + p[0];
      var strip = h('div', { class: 'cells strip', 'aria-label': 'Summary of coverage per target' });
      for (var u = 0; u < NT; u++) { var cu = cell(p[5 + u]); strip.appendChild(h('span', { class: 'stripitem' }, M.targetNames[TARGETS[u]] + ' ', stateBadge(cu.state, cu.uncertain, true))); }
      var parts = [strip, h('h3', null, 'Coverage by target')];
      for (var t = 0; t < NT; t++) {
        var c = cell(p[5 + t]);
        var dl = h('dl', null,
          h('dt', null, 'Mechanisms'), h('dd', null, c.mechanisms.length ? c.mechanisms.map(function (m) { return M.mechanismLabels[m] || m; }).join(', ') : 'none'),
          h('dt', null, 'Policies'), h('dd', null, c.policies.length ? h.apply(null, ['span', null].concat(c.policies.map(policyChip))) : '\u2014'),
          h('dt', null, 'Why'), h('dd', { class: 'why' }, reasonNode(c.reason)));
        if (c.uncertain) {
          dl.appendChild(h('dt', null, 'Uncertain'));
          dl.appendChild(h('dd', null, 'Missing data (' + c.uncertain.missing.join(', ') + ') could make this ' + stateLabel(c.uncertain.optimisticState) + '; reported as ' + stateLabel(c.state) + ' until it is collected.'));
        }
        parts.push(h('section', { class: 'drill-target', 'data-target': TARGETS[t], 'aria-label': M.targetLabels[TARGETS[t]] },
          h('header', null, h('h4', null, M.targetNames[TARGETS[t]]), stateBadge(c.state, c.uncertain), h('span', { class: 'full' }, M.targetHints[TARGETS[t]])),
          dl));
      }
      var fl = (pFindings[pi] || []).slice().sort(function (a, b) { return STATUS_RANK[F[a][1]] - STATUS_RANK[F[b][1]] || F[a][0] - F[b][0]; });
      parts.push(h('h3', null, 'Findings for this account (' + fl.length + ')'));
      if (!fl.length) parts.push(h('p', { class: 'hint' }, 'No rule has this account in scope.'));
      fl.forEach(function (fi) {
        var f = F[fi], r = RULES[f[0]], st = STATUSES[f[1]];
        var div = h('div', { class: 'finding' },
          h('div', null, statusBadge(st), ' ', sevBadge(SEVS[f[2]]), ' ', h('b', null, r.title), ' ', h('code', { class: 'hint' }, r.id)),
          h('div', { class: 'why' }, STR[f[4]]));
        if ((st === 'unhealthy' || st === 'unknown') && r.remediation) div.appendChild(h('div', { class: 'fix' }, h('b', null, 'How to fix: '), r.remediation));
        var about = $('explainer-' + f[0]);
        if (about) div.appendChild(about.content.cloneNode(true));
        parts.push(div);
      });
      parts.push(h('h3', null, 'Full explanation'));
      parts.push(h('div', { class: 'cmd' }, 'mfaguard explain --snapshot SNAPSHOT --user ' + (p[1] || p[0])));
      dialogBody.replaceChildren.apply(dialogBody, parts);
      if (!dialog.open) dialog.showModal();
      dialogBody.parentNode.scrollTop = 0;
      $('drill-close').focus();
    }
    $('drill-close').addEventListener('click', function () { dialog.close(); });
    dialog.addEventListener('close', function () { if (opener && opener.focus) opener.focus(); opener = null; });
    dialog.addEventListener('click', function (e) { if (e.target === dialog) dialog.close(); });

    function accountCell(pi) {
      var p = P[pi];
      return h('td', { class: 'acct' },
        h('button', { type: 'button', class: 'link', 'data-p': pi, 'aria-haspopup': 'dialog', title: 'Open the coverage explanation of this account' }, pName(pi)),
        p[3] === 'Guest' ? h('span', { class: 'tag' }, 'guest') : null,
        p[4] ? null : h('span', { class: 'tag' }, 'disabled'),
        h('span', { class: 'upn' }, breakable(p[1] || p[0])));
    }
    /* a UPN may wrap before its domain rather than mid-word */
    function breakable(s) {
      var at = s.indexOf('@');
      if (at <= 0) return s;
      var span = h('span', null, s.slice(0, at));
      span.appendChild(doc.createElement('wbr'));
      span.appendChild(doc.createTextNode(s.slice(at)));
      return span;
    }
    function resourceCell(f) {
      if (f[3] >= 0) return accountCell(f[3]);
      return h('td', { class: 'acct' }, h('b', null, fName(f)), h('span', { class: 'tag' }, f[6] || 'resource'), h('span', { class: 'upn' }, f[7] || ''));
    }
    /* user findings are clamped (the drill-down has the full text); other resources have no drill-down */
    function reasonCell(f) {
      var text = STR[f[4]];
      return h('td', { class: 'reason' }, f[3] >= 0 ? h('div', { class: 'clamp', title: text }, text) : text);
    }
    function delegate(tbody) {
      tbody.addEventListener('click', function (e) {
        var b = e.target.closest('[data-p]');
        if (b) { openUser(Number(b.getAttribute('data-p')), b); return; }
        var tr = e.target.closest('tr[data-row-p]');
        if (tr && !e.target.closest('a,button,input,select') && !String(window.getSelection() || '')) openUser(Number(tr.getAttribute('data-row-p')), tr.querySelector('[data-p]'));
      });
    }

    /* ---------- option lists ---------- */
    function fillSelect(sel, opts) { opts.forEach(function (o) { sel.appendChild(h('option', { value: o[0] }, o[1])); }); }
    var ruleOpts = RULES.map(function (r, i) { return [String(i), r.id + ' \u2014 ' + r.title]; });
    var statusOpts = STATUSES.map(function (s, i) { return [String(i), statusLabel(s)]; });

    /* ---------- findings ---------- */
    var fq = $('f-q'), frule = $('f-rule'), fstatus = $('f-status'), fsev = $('f-sev');
    fillSelect(frule, ruleOpts); fillSelect(fstatus, statusOpts); fillSelect(fsev, SEVS.map(function (s, i) { return [String(i), s]; }));
    var findingOrder = [];
    for (i = 0; i < NF; i++) findingOrder.push(i);
    findingOrder.sort(function (a, b) {
      var x = F[a], y = F[b]; /* severity indexes M.severities, most severe first */
      return STATUS_RANK[x[1]] - STATUS_RANK[y[1]] || x[2] - y[2] || x[0] - y[0] || (x[3] - y[3]) || a - b;
    });
    function findingRow(fi) {
      var f = F[fi], r = RULES[f[0]];
      var tr = h('tr', f[3] >= 0 ? { class: 'clickable', 'data-row-p': f[3] } : null,
        resourceCell(f),
        h('td', null, statusBadge(STATUSES[f[1]])),
        h('td', null, sevBadge(SEVS[f[2]])),
        h('td', null, h('span', { class: 'title' }, r.title), h('code', { class: 'rid upn' }, r.id)),
        reasonCell(f));
      return tr;
    }
    var findingsList = new List({ body: $('f-body'), status: $('f-count'), pager: $('f-pager'), row: findingRow, noun: 'findings', cols: 5, pageSize: 50 });
    delegate($('f-body'));
    function applyFindings() {
      var q = fq.value.trim().toLowerCase(), r = frule.value, s = fstatus.value, sev = fsev.value;
      var ri = r === '' ? -1 : Number(r), si = s === '' || s[0] === '@' ? -1 : Number(s), vi = sev === '' ? -1 : Number(sev);
      var attention = s === '@attention';
      var out = [];
      for (var k = 0; k < NF; k++) {
        var fi = findingOrder[k], f = F[fi];
        if (ri >= 0 && f[0] !== ri) continue;
        if (si >= 0 && f[1] !== si) continue;
        if (attention && f[1] !== ST_UNHEALTHY && f[1] !== ST_UNKNOWN) continue;
        if (vi >= 0 && f[2] !== vi) continue;
        if (q) {
          var hay = (fName(f) + ' ' + (f[3] >= 0 ? pName(f[3]) + ' ' + P[f[3]][0] : f[7] || '') + ' ' + RULES[f[0]].id + ' ' + STR[f[4]]).toLowerCase();
          if (hay.indexOf(q) < 0) continue;
        }
        out.push(fi);
      }
      findingsList.set(out);
    }

    /* ---------- users ---------- */
    var uq = $('u-q'), utarget = $('u-target'), ustate = $('u-state'), urule = $('u-rule'), ustatus = $('u-status'), usort = $('u-sort');
    fillSelect(utarget, TARGETS.map(function (t, i) { return [String(i), M.targetNames[t]]; }));
    fillSelect(ustate, STATES.map(function (s, i) { return [String(i), stateLabel(s)]; }));
    fillSelect(urule, ruleOpts); fillSelect(ustatus, statusOpts);
    var orders = {};
    function userOrder(kind) {
      if (orders[kind]) return orders[kind];
      var keys = nameKeys(), idx = new Array(NP);
      for (var k = 0; k < NP; k++) idx[k] = k;
      if (kind === 'name') idx.sort(function (a, b) { return keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b; });
      else {
        var worst = new Uint8Array(NP);
        for (k = 0; k < NP; k++) worst[k] = worstRank(k);
        idx.sort(function (a, b) { return pBad[b] - pBad[a] || pUnk[b] - pUnk[a] || worst[b] - worst[a] || (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b); });
      }
      orders[kind] = idx;
      return idx;
    }
    function userRow(pi) {
      var p = P[pi];
      var tds = [accountCell(pi)];
      for (var t = 0; t < NT; t++) { var c = cell(p[5 + t]); tds.push(h('td', { title: c.reason }, stateBadge(c.state, c.uncertain, true))); }
      tds.push(h('td', { class: 'num' }, pBad[pi] ? h('b', { class: 'c-bad' }, String(pBad[pi])) : '0'));
      tds.push(h('td', { class: 'num' }, pUnk[pi] ? h('b', { class: 'c-unk' }, String(pUnk[pi])) : '0'));
      return h.apply(null, ['tr', { class: 'clickable', 'data-row-p': pi }].concat(tds));
    }
    var usersList = new List({ body: $('u-body'), status: $('u-count'), pager: $('u-pager'), row: userRow, noun: 'users', cols: NT + 3, pageSize: 50 });
    delegate($('u-body'));
    function applyUsers() {
      var q = uq.value.trim().toLowerCase(), tv = utarget.value, sv = ustate.value, rv = urule.value, stv = ustatus.value;
      var ti = tv === '' ? -1 : Number(tv);
      var wantUnhealthy = sv === '@unhealthy', wantUncertain = sv === '@uncertain', si = sv === '' || sv[0] === '@' ? -1 : Number(sv);
      var ri = rv === '' ? -1 : Number(rv), sti = stv === '' ? -1 : Number(stv);
      var hay = q ? pSearch() : null, order = userOrder(usort.value), out = [];
      for (var k = 0; k < NP; k++) {
        var pi = order[k], p = P[pi];
        if (q && hay[pi].indexOf(q) < 0) continue;
        if (sv !== '') {
          var hit = false;
          for (var t = ti < 0 ? 0 : ti; t < (ti < 0 ? NT : ti + 1); t++) {
            var raw = CELLS[p[5 + t]];
            if (wantUnhealthy ? !HEALTHY[STATES[raw[0]]] : wantUncertain ? !!raw[4] : raw[0] === si) { hit = true; break; }
          }
          if (!hit) continue;
        }
        if (ri >= 0 || sti >= 0) {
          var fl = pFindings[pi], ok = false;
          if (fl) for (var j = 0; j < fl.length; j++) { var f = F[fl[j]]; if ((ri < 0 || f[0] === ri) && (sti < 0 || f[1] === sti)) { ok = true; break; } }
          if (!ok) continue;
        }
        out.push(pi);
      }
      usersList.set(out);
    }

    /* ---------- per-rule lists (accounts to fix) ---------- */
    var perRule = RULES.map(function () { return []; });
    for (var k = 0; k < NF; k++) {
      var fi = findingOrder[k], f = F[fi];
      if (f[1] === ST_UNHEALTHY || f[1] === ST_UNKNOWN) perRule[f[0]].push(fi);
    }
    function ruleRow(fi) {
      var f = F[fi];
      return h('tr', f[3] >= 0 ? { class: 'clickable', 'data-row-p': f[3] } : null,
        resourceCell(f), h('td', null, statusBadge(STATUSES[f[1]])), reasonCell(f));
    }
    RULES.forEach(function (r, ri) {
      var host = $('rule-list-' + ri);
      if (!host) return;
      var body = h('tbody'), status = h('span', { class: 'status' }), pager = h('div', { class: 'pager', role: 'navigation', 'aria-label': 'Pages of ' + r.id });
      host.replaceChildren(
        h('div', { class: 'table-wrap' }, h('table', null,
          h('caption', { class: 'sr-only' }, 'Accounts and resources failing ' + r.id),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Account / resource'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Why'))),
          body)),
        h('div', { class: 'listbar' }, status, pager));
      delegate(body);
      new List({ body: body, status: status, pager: pager, row: ruleRow, noun: 'to fix', cols: 3, pageSize: 10 }).set(perRule[ri]);
    });

    /* ---------- uncertain counts in the matrix ---------- */
    var unc = TARGETS.map(function () { return 0; });
    for (k = 0; k < NP; k++) for (var t = 0; t < NT; t++) if (CELLS[P[k][5 + t]][4]) unc[t]++;
    TARGETS.forEach(function (tg, ti) { var el = $('unc-' + ti); if (el) el.textContent = fmt(unc[ti]); });

    /* ---------- wiring ---------- */
    function debounce(fn, ms) { var tm = 0; return function () { clearTimeout(tm); tm = setTimeout(fn, ms); }; }
    var searchDelay = NP > 20000 || NF > 50000 ? 200 : 60;
    uq.addEventListener('input', debounce(applyUsers, searchDelay));
    fq.addEventListener('input', debounce(applyFindings, searchDelay));
    [utarget, ustate, urule, ustatus, usort].forEach(function (el) { el.addEventListener('change', applyUsers); });
    [frule, fstatus, fsev].forEach(function (el) { el.addEventListener('change', applyFindings); });
    [uq, fq].forEach(function (el) { el.addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); el === uq ? applyUsers() : applyFindings(); } }); });
    $('u-reset').addEventListener('click', function () { uq.value = ''; utarget.value = ''; ustate.value = ''; urule.value = ''; ustatus.value = ''; applyUsers(); });
    $('f-reset').addEventListener('click', function () { fq.value = ''; frule.value = ''; fstatus.value = '@attention'; fsev.value = ''; applyFindings(); });
    $('u-size').addEventListener('change', function (e) { usersList.size = Number(e.target.value); usersList.go(0); });
    $('f-size').addEventListener('change', function (e) { findingsList.size = Number(e.target.value); findingsList.go(0); });

    /* links in the overview jump to a pre-filtered list */
    doc.addEventListener('click', function (e) {
      var a = e.target.closest && e.target.closest('a[data-go]');
      if (!a) return;
      var go = a.getAttribute('data-go');
      if (go === 'users') {
        uq.value = ''; urule.value = ''; ustatus.value = '';
        utarget.value = a.getAttribute('data-target') || ''; ustate.value = a.getAttribute('data-state') || '';
        applyUsers();
      } else if (go === 'findings') {
        fq.value = ''; fsev.value = '';
        frule.value = a.getAttribute('data-rule') || ''; fstatus.value = a.getAttribute('data-status') || '';
        applyFindings();
      }
    });

    applyFindings();
    applyUsers();
    /* timings (ms since navigation start / spent in this script), read by bench/html-size.mjs */
    doc.documentElement.setAttribute('data-ready-ms', String(Math.round(performance.now())));
    doc.documentElement.setAttribute('data-script-ms', String(Math.round(performance.now() - started)));
    doc.documentElement.setAttribute('data-ready', '1');
    $('js-status').textContent = '';
  }
})();
`;
