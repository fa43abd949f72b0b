#!/usr/bin/env node
// HTML report at scale: builds a synthetic Report (default 100,000 users, ~300,000 findings), renders
// it with the built renderer (dist/, run `npm run build` first), prints the file size and render time,
// then opens it in Debian's Chromium (playwright-core, system browser) and times the first page of the
// users table, a search, a filter and a page turn.
//   node bench/html-size.mjs [--users 100000] [--out FILE] [--keep] [--no-browser]
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'no-browser': { type: 'boolean', default: false },
  },
});
const root = resolve(import.meta.dirname, '..');
const { renderHtmlReport } = await import(pathToFileURL(join(root, 'dist/src/report/html.js')).href);
const { TARGETS, STATES } = await import(pathToFileURL(join(root, 'dist/src/vocabulary.js')).href);
const N = Number(values.users);
const chromiumPath = process.env.MFAGUARD_CHROMIUM || '/usr/bin/chromium';

// ---------- a synthetic tenant's report (deterministic) ----------
let seed = 42;
const rand = () => { // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const hex = (n, w) => n.toString(16).padStart(w, '0');
const guid = (k, i) => `${hex(k, 8)}-${hex(i >>> 16, 4)}-4${hex((i >>> 4) & 0xfff, 3)}-a${hex(i & 0xf, 3)}-${hex(i * 2654435761 % 0xffffffffffff, 12)}`;
const FIRST = ['Ava', 'Ben', 'Chloe', 'Daniel', 'Ella', 'Finn', 'Grace', 'Hugo', 'Isla', 'Jack', 'Kira', 'Liam', 'Maya', 'Noah', 'Olivia', 'Priya', 'Quinn', 'Ravi', 'Sara', 'Tom'];
const LAST = ['Anders', 'Brown', 'Chen', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Hansen', 'Ito', 'Jones', 'Kumar', 'Lopez', 'Meyer', 'Novak', 'Okafor', 'Patel', 'Rossi', 'Smith', 'Tanaka', 'Weber'];
const POLICIES = Array.from({ length: 40 }, (_, i) => ({ id: guid(0xca000000 + i, i), name: `CA${String(i + 1).padStart(2, '0')} ${pick(['Require MFA for all users', 'Require MFA for admins', 'Block legacy auth', 'MFA outside trusted locations', 'Require compliant device or MFA', 'Guests: require MFA'])}` }));
const GROUPS = Array.from({ length: 400 }, (_, i) => `${pick(['Sales', 'Finance', 'Eng', 'Ops', 'HR', 'Legal', 'Support', 'Contractors'])}-${pick(['EMEA', 'AMER', 'APAC'])}-${i}`);
const SUBS = Array.from({ length: 60 }, (_, i) => guid(0x5b000000 + i, i));
const mfa = POLICIES[0];
const profile = () => {
  const r = rand();
  if (r < 0.8) return { state: 'enforced', mechanisms: ['conditionalAccess'], policies: [mfa.id], reason: `CA policy '${mfa.name}' requires MFA (user included as all users, grant mfa)` };
  if (r < 0.87) return { state: 'trustedLocationBypass', mechanisms: ['conditionalAccess'], policies: [POLICIES[3].id], reason: `CA policy '${POLICIES[3].name}' requires MFA except from trusted locations 'HQ', 'Branch ${Math.floor(rand() * 20)}'` };
  if (r < 0.93) {
    const g = pick(GROUPS);
    return { state: 'excluded', mechanisms: ['conditionalAccess'], policies: [mfa.id], reason: `CA policy '${mfa.name}' would require MFA, but the user is excluded through group '${g}', nested in 'CA-Exclusions'` };
  }
  if (r < 0.96) return { state: 'conditional', mechanisms: ['conditionalAccess'], policies: [POLICIES[5].id], reason: `CA policy '${POLICIES[5].name}' requires MFA only under conditions: only on platforms ${pick(['android, iOS', 'windows', 'macOS'])}` };
  if (r < 0.975) return { state: 'reportOnly', mechanisms: ['conditionalAccess'], policies: [POLICIES[7].id], reason: `only report-only CA policy '${POLICIES[7].name}' would require MFA` };
  if (r < 0.99) return { state: 'none', mechanisms: [], policies: [], reason: 'no CA policy, security default or per-user MFA requires MFA for this user', uncertain: rand() < 0.3 ? { optimisticState: 'enforced', missing: ['userRegistrationDetails'] } : undefined };
  return { state: 'blocked', mechanisms: ['conditionalAccess'], policies: [POLICIES[2].id], reason: `CA policy '${POLICIES[2].name}' blocks access` };
};
const healthy = (s) => s === 'enforced' || s === 'blocked' || s === 'trustedLocationBypass';

const RULES = [
  ['azure-owner-mfa', 'high', 'Accounts with owner permissions on Azure resources must be covered by MFA'],
  ['azure-write-mfa', 'high', 'Accounts with write permissions on Azure resources must be covered by MFA'],
  ['azure-read-mfa', 'medium', 'Accounts with read permissions on Azure resources must be covered by MFA'],
  ['directory-admin-mfa', 'high', 'Holders of privileged directory roles (active or PIM-eligible) must be required to do MFA'],
  ['nonprivileged-user-mfa', 'high', 'Non-privileged users must be required to do MFA'],
  ['mfa-registration', 'medium', 'Enabled members must be able to complete MFA'],
  ['ca-policy-quality', 'medium', 'MFA policies must not let sign-ins through'],
].map(([id, severity, title]) => ({ id, severity, title, resourceType: id === 'ca-policy-quality' ? 'policy' : 'user', origin: 'synthetic', remediation: `Fix ${id}: include these users in an enabled MFA policy; remove exclusions.`, references: ['https://learn.microsoft.com/entra/identity/conditional-access/'] }));
const summaryRules = Object.fromEntries(RULES.map((r) => [r.id, { healthy: 0, unhealthy: 0, exempt: 0, notApplicable: 0, unknown: 0 }]));
const summaryCoverage = Object.fromEntries(TARGETS.map((t) => [t, Object.fromEntries(STATES.map((s) => [s, 0]))]));

const principals = [];
const findings = [];
const finding = (rule, status, p, reason) => {
  summaryRules[rule.id][status]++;
  findings.push({ ruleId: rule.id, status, severity: rule.severity, resourceType: 'user', resourceId: p.id, resourceName: p.userPrincipalName, reason, evidence: { perUserMfaState: 'disabled' } });
};
for (let i = 0; i < N; i++) {
  const first = pick(FIRST), last = pick(LAST);
  const upn = `${first}.${last}${i}@contoso-${i % 7}.com`.toLowerCase();
  const base = profile();
  const coverage = {};
  for (const t of TARGETS) {
    const c = t === 'azurePortal' || t === 'adminPortals' ? (rand() < 0.97 ? { ...base, state: base.state === 'excluded' ? 'enforced' : base.state } : profile()) : base;
    coverage[t] = { state: c.state, mechanisms: c.mechanisms, policies: c.policies, reason: c.reason, ...(c.uncertain ? { uncertain: c.uncertain } : {}) };
    summaryCoverage[t][c.state]++;
  }
  const enabled = rand() > 0.02;
  const p = { id: guid(0x10000000 + (i >>> 12), i), userPrincipalName: upn, displayName: `${first} ${last}`, userType: rand() < 0.06 ? 'Guest' : 'Member', accountEnabled: enabled, coverage };
  principals.push(p);
  const unk = (c) => (c.uncertain ? 'unknown' : healthy(c.state) ? 'healthy' : 'unhealthy');
  // user MFA rule (admin or not)
  const admin = rand() < 0.01;
  finding(admin ? RULES[3] : RULES[4], enabled ? unk(coverage.anyApp) : 'notApplicable', p, `${admin ? 'holds Global Administrator; ' : ''}anyApp coverage is ${coverage.anyApp.state}: ${coverage.anyApp.reason}`);
  // registration
  const capable = rand() < 0.9;
  finding(RULES[5], enabled ? (capable ? 'healthy' : 'unhealthy') : 'notApplicable', p, capable ? `MFA capable (${pick(['microsoftAuthenticatorPush', 'fido2', 'softwareOneTimePasscode, microsoftAuthenticatorPush', 'windowsHelloForBusiness'])})` : 'not MFA capable: no method registered; per-user MFA disabled, so registration is not forced at next sign-in');
  // Azure tier for most users (through groups, many resource groups => many distinct reasons)
  if (rand() < 0.92) {
    const r = rand();
    const rule = r < 0.05 ? RULES[0] : r < 0.45 ? RULES[1] : RULES[2];
    const role = rule === RULES[0] ? 'Owner' : rule === RULES[1] ? pick(['Contributor', 'Virtual Machine Contributor', 'Storage Account Contributor']) : 'Reader';
    const scope = `/subscriptions/${pick(SUBS)}${rand() < 0.7 ? `/resourceGroups/rg-${Math.floor(rand() * 2000)}` : ''}`;
    const via = rand() < 0.6 ? `through group '${pick(GROUPS)}'` : 'directly';
    finding(rule, unk(coverage.azureManagement), p, `${rule.id.split('-')[1]} access (${role} at ${scope} ${via}); azureManagement coverage is ${coverage.azureManagement.state}: ${coverage.azureManagement.reason}`);
  }
}
for (const pol of POLICIES) {
  const bad = rand() < 0.4;
  summaryRules['ca-policy-quality'][bad ? 'unhealthy' : 'healthy']++;
  findings.push({ ruleId: 'ca-policy-quality', status: bad ? 'unhealthy' : 'healthy', severity: 'medium', resourceType: 'policy', resourceId: pol.id, resourceName: pol.name, reason: bad ? "excludes large groups: 'CA-Exclusions' (4,210 users)" : 'requires MFA without avoidable grants', evidence: { state: 'enabled', grant: 'mfa' } });
}
const report = {
  mfaguardReport: 1,
  tenant: { id: guid(0x7e000000, 1), displayName: 'Contoso (synthetic, bench)' },
  snapshotCollectedAt: '2026-11-01T00:00:00Z',
  generatedAt: new Date().toISOString(),
  summary: { rules: summaryRules, coverage: summaryCoverage },
  rules: RULES,
  dataGaps: [],
  principals,
  findings,
};
const mb = (b) => `${(b / 1048576).toFixed(1)} MiB`;
process.stdout.write(`synthetic report: ${principals.length.toLocaleString('en-US')} users, ${findings.length.toLocaleString('en-US')} findings\n`);

// ---------- render ----------
const dir = mkdtempSync(join(tmpdir(), 'mfaguard-html-bench-'));
const file = values.out ? resolve(values.out) : join(dir, 'report.html');
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const stream = createWriteStream(file);
let writes = 0;
await renderHtmlReport(report, (chunk) => {
  writes++;
  return stream.write(chunk) ? undefined : new Promise((r) => stream.once('drain', r));
});
await new Promise((r) => stream.end(r));
const renderMs = performance.now() - t0;
const size = statSync(file).size;
process.stdout.write(`render: ${renderMs.toFixed(0)} ms, ${writes} writes, rss +${mb(process.memoryUsage().rss - rssBefore)}\n`);
process.stdout.write(`file: ${file}\nsize: ${mb(size)} (${size.toLocaleString('en-US')} bytes; ${(size / principals.length).toFixed(0)} bytes per user)\n`);

// ---------- Chromium ----------
if (!values['no-browser']) {
  const { chromium } = await import('playwright-core');
  const profileDir = mkdtempSync(join(tmpdir(), 'mfaguard-html-bench-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1000 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const count = (id) => page.getAttribute(`#${id}`, 'data-total').then(Number);
    const until = (id, before) => page.waitForFunction(([s, n]) => document.querySelector(s)?.getAttribute('data-total') !== n, [`#${id}`, String(before)], { timeout: 120_000 });

    const g0 = performance.now();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'commit', timeout: 300_000 });
    await page.waitForSelector('#u-body tr', { timeout: 300_000 });
    const firstPageMs = performance.now() - g0;
    const readyMs = Number(await page.getAttribute('html', 'data-ready-ms'));
    const scriptMs = Number(await page.getAttribute('html', 'data-script-ms'));
    const users = await count('u-count');
    const rows = await page.locator('#u-body tr').count();
    const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    const heap = await page.evaluate(() => (performance.memory ? performance.memory.usedJSHeapSize : 0));

    const needle = principals[Math.floor(N / 2)].userPrincipalName.slice(0, 12);
    let s0 = performance.now();
    await page.fill('#u-q', needle);
    await until('u-count', users);
    const searchMs = performance.now() - s0;
    const found = await count('u-count');
    await page.fill('#u-q', '');
    await until('u-count', found);

    s0 = performance.now();
    await page.selectOption('#u-state', '@unhealthy');
    const filterMs = performance.now() - s0;
    const unhealthyUsers = await count('u-count');

    s0 = performance.now();
    await page.click('#u-pager button[aria-label="Next page"]');
    await page.waitForFunction(() => document.querySelector('#u-pager .pg')?.textContent?.startsWith('Page 2 '));
    const pageMs = performance.now() - s0;

    const findingsTotal = await count('f-count');
    s0 = performance.now();
    await page.selectOption('#f-status', '');
    await until('f-count', findingsTotal);
    const findingsFilterMs = performance.now() - s0;
    const allFindings = await count('f-count');

    s0 = performance.now();
    await page.locator('#u-body button[data-p]').first().click();
    await page.waitForSelector('dialog#drill[open] .drill-target');
    const drillMs = performance.now() - s0;

    process.stdout.write([
      `chromium: ${chromiumPath}`,
      `first page of the users table visible: ${firstPageMs.toFixed(0)} ms after navigation (in-page: ready at ${readyMs} ms, ${scriptMs} ms of it in the report script: JSON parse + indexes + first render)`,
      `users listed: ${users.toLocaleString('en-US')}; rows in the DOM: ${rows}; DOM elements in the page: ${domNodes.toLocaleString('en-US')}; JS heap: ${heap ? mb(heap) : 'n/a'}`,
      `search "${needle}" (incl. 200 ms debounce): ${searchMs.toFixed(0)} ms -> ${found} users`,
      `state filter "not healthy": ${filterMs.toFixed(0)} ms -> ${unhealthyUsers.toLocaleString('en-US')} users`,
      `next page: ${pageMs.toFixed(0)} ms; findings status "all": ${findingsFilterMs.toFixed(0)} ms -> ${allFindings.toLocaleString('en-US')} findings; drill-down: ${drillMs.toFixed(0)} ms`,
      `page errors: ${errors.length ? errors.join(' | ') : 'none'}`,
    ].join('\n') + '\n');
    if (errors.length) process.exitCode = 1;
  } finally {
    await context.close();
    rmSync(profileDir, { recursive: true, force: true });
  }
}
if (!values.keep && !values.out) rmSync(dir, { recursive: true, force: true });
