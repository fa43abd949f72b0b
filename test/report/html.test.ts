/**
 * The HTML report (`--format html`): static checks on the file (offline, escaping, streaming) and the
 * demo tenant's report opened in Debian's Chromium through playwright-core (system browser; installed
 * by `npm test`'s pretest, scripts/ensure-chromium.mjs). Leaves a screenshot in test-artifacts/.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateSnapshot } from '../../src/evaluate.js';
import { RULES } from '../../src/rules/registry.js';
import { findFormat } from '../../src/report/formats.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { scriptJson } from '../../src/report/html-escape.js';
import { loadExplainers, type Explainers } from '../../src/report/explainers.js';
import { HTML_CLIENT_JS } from '../../src/report/html-client.js';
import { buildReport, type Report, type ReportPrincipal } from '../../src/report/report.js';
import type { Finding } from '../../src/rules/types.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import { TARGETS, type CoverageCell, type UserCoverage } from '../../src/coverage/types.js';

// Callbacks passed to page.evaluate run in Chromium; the project compiles without the DOM library.
declare const document: {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
  querySelectorAll(selector: string): { length: number };
  activeElement: unknown;
};

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEMO = join(ROOT, 'demo/tenant.json');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.MFAGUARD_CHROMIUM || '/usr/bin/chromium';
const JLEVERLING = 'adm-jleverling@northwindtraders.com';
const PAYLOAD = '</script><script>alert(1)</script>';

async function render(report: Report, explainers?: Explainers): Promise<{ html: string; chunks: number; largest: number }> {
  const chunks: string[] = [];
  await renderHtmlReport(report, (c) => {
    chunks.push(typeof c === 'string' ? c : Buffer.from(c).toString('utf8'));
  }, explainers ? { explainers } : {});
  return { html: chunks.join(''), chunks: chunks.length, largest: Math.max(...chunks.map((c) => c.length)) };
}

async function demoReport(): Promise<Report> {
  const { snapshot } = await loadSnapshot(DEMO);
  return buildReport(evaluateSnapshot(snapshot), new Date('2026-11-02T09:00:00Z'));
}

/** The contents of each <script> element, in order. */
function scripts(html: string): { attrs: string; body: string }[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1]!, body: m[2]! }));
}

function dataBlock(html: string, id: string): unknown {
  const block = scripts(html).find((s) => s.attrs.includes(`id="${id}"`));
  if (!block) throw new Error(`no data block ${id}`);
  return JSON.parse(block.body);
}

const cell = (state: CoverageCell['state'], reason: string): CoverageCell => ({ state, mechanisms: [], policies: [], reason });
const coverage = (state: CoverageCell['state'], reason: string): UserCoverage =>
  Object.fromEntries(TARGETS.map((t) => [t, cell(state, reason)])) as UserCoverage;

/** An explainer that tries to break out of its section. */
const HOSTILE_EXPLAINERS: Explainers = new Map([['nonprivileged-user-mfa', `# nonprivileged-user-mfa ${PAYLOAD}\n\n**Fix.** <img src=x onerror=alert(2)> \`${PAYLOAD}\`\n`]]);

/** A small hand-made report: one user with a hostile name, one finding each way. */
function hostileReport(): Report {
  const report: Report = {
    mfaguardReport: 1,
    tenant: { id: '00000000-0000-0000-0000-0000000000aa', displayName: `Evil ${PAYLOAD} Corp` },
    snapshotCollectedAt: '2026-11-01T00:00:00Z',
    generatedAt: '2026-11-02T00:00:00Z',
    summary: {
      rules: { 'nonprivileged-user-mfa': { healthy: 0, unhealthy: 1, exempt: 0, notApplicable: 0, unknown: 0 } },
      coverage: Object.fromEntries(TARGETS.map((t) => [t, { blocked: 0, enforced: 0, trustedLocationBypass: 0, conditional: 0, reportOnly: 0, excluded: 0, none: 1 }])) as Report['summary']['coverage'],
    },
    rules: [{ id: 'nonprivileged-user-mfa', title: `Users ${PAYLOAD}`, severity: 'high', resourceType: 'user', origin: 'test', remediation: `Fix <b>it</b> ${PAYLOAD}`, references: [] }],
    dataGaps: [],
    principals: [{
      id: '11111111-1111-1111-1111-111111111111', userPrincipalName: 'mallory@contoso.com', displayName: `Mallory ${PAYLOAD}`,
      userType: 'Member', accountEnabled: true, coverage: coverage('none', `nothing requires MFA <!-- ${PAYLOAD} \u2028 line \u2029 para`),
    }],
    findings: [{
      ruleId: 'nonprivileged-user-mfa', status: 'unhealthy', severity: 'high', resourceType: 'user', resourceId: '11111111-1111-1111-1111-111111111111',
      resourceName: 'mallory@contoso.com', reason: `anyApp coverage is none ${PAYLOAD}`, evidence: {},
    }],
  };
  return report;
}

describe('html format (static)', () => {
  it('is registered as format "html"', () => {
    expect(findFormat('html')).toMatchObject({ name: 'html' });
  });

  it('references no external URL: no src/href/import/url() to http(s) or protocol-relative addresses (works offline)', async () => {
    const { html } = await render(await demoReport());
    const external = /(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i;
    for (const m of html.matchAll(/\b(?:src|href|action|poster|srcset)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi)) {
      expect(m[1], m[0]).not.toMatch(external);
    }
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/url\(\s*['"]?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/\bimport\s*\(|\bimport\s+[^;]*\bfrom\s*['"]/); // no ES module imports
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<script\b[^>]*\bsrc=/i);
    expect(html).not.toMatch(/fonts\.googleapis|cdn\.|unpkg|jsdelivr/i);
    // and a Content-Security-Policy that forbids loading anything from anywhere
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;sha256-/);
  });

  it('escapes hostile names: no </script> breakout in data or markup, U+2028/2029 escaped, data round-trips', async () => {
    const { html } = await render(hostileReport());
    expect(html).not.toContain(PAYLOAD);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('\u2028');
    expect(html).not.toContain('\u2029');
    expect(html).not.toContain('<!-- ');
    // exactly the five data blocks and the app script
    const s = scripts(html);
    expect(s.map((x) => /id="([^"]+)"/.exec(x.attrs)?.[1] ?? 'app')).toEqual([
      'mfaguard-principals', 'mfaguard-findings', 'mfaguard-cells', 'mfaguard-strings', 'mfaguard-meta', 'app',
    ]);
    expect(html.match(/<\/script>/g)).toHaveLength(6);
    expect(html.match(/<script\b/g)).toHaveLength(6);
    const principals = dataBlock(html, 'mfaguard-principals') as unknown[][];
    expect(principals[0]![2]).toBe(`Mallory ${PAYLOAD}`);
    const strings = dataBlock(html, 'mfaguard-strings') as string[];
    expect(strings).toContain(`nothing requires MFA <!-- ${PAYLOAD} \u2028 line \u2029 para`);
    const meta = dataBlock(html, 'mfaguard-meta') as { tenant: { displayName: string } };
    expect(meta.tenant.displayName).toBe(`Evil ${PAYLOAD} Corp`);
    // static markup: escaped as text
    expect(html).toContain('<h1>Evil &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; Corp</h1>');
    expect(html).toContain('Fix &lt;b&gt;it&lt;/b&gt;');
    expect(scriptJson('a</script>\u2028&')).toBe('"a\\u003c/script\\u003e\\u2028\\u0026"');
  });

  it('escapes explainers: their Markdown becomes tags, their HTML stays text', async () => {
    const { html } = await render(hostileReport(), HOSTILE_EXPLAINERS);
    expect(html).not.toContain(PAYLOAD);
    expect(html).not.toContain('<img');
    expect(html).toContain('<p><strong>Fix.</strong> &lt;img src=x onerror=alert(2)&gt; <code>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</code></p>');
    expect(html.match(/<script\b/g)).toHaveLength(6);
  });

  it('shows each rule\'s explainer in its card and as a template for the drill-down; nothing of it without explainers', async () => {
    const report = await demoReport();
    const explainers = await loadExplainers(report.rules.map((r) => r.id));
    expect([...explainers.keys()]).toEqual(report.rules.map((r) => r.id));
    const { html } = await render(report, explainers);
    expect(html.match(/<template id="explainer-\d+"><details class="explainer">/g)).toHaveLength(report.rules.length);
    const cards = html.match(/<article class="rulecard[\s\S]*?<\/article>/g)!;
    expect(cards.length).toBeGreaterThan(0);
    for (const card of cards) expect(card).toContain('<details class="explainer"><summary>About this rule / how to fix</summary>');
    expect(html).toContain('details.explainer {');

    const plain = (await render(report)).html;
    expect(plain).not.toContain('<template');
    expect(plain).not.toContain('class="explainer"');
    expect(plain).not.toContain('details.explainer');
    expect(plain.length).toBeLessThan(html.length);
  });

  it('the inline script parses and has no "</script" or template syntax', () => {
    expect(() => new Function(HTML_CLIENT_JS)).not.toThrow();
    expect(HTML_CLIENT_JS).not.toMatch(/<\/script/i);
  });

  it('streams: iterates principals and findings once each (lazy iterables), in bounded chunks', async () => {
    const base = hostileReport();
    const principal = base.principals[0]!;
    const finding = base.findings[0]!;
    const N = 5000;
    let passes = 0;
    function* principals(): Generator<ReportPrincipal> {
      passes++;
      for (let i = 0; i < N; i++) yield { ...principal, id: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, userPrincipalName: `u${i}@contoso.com`, displayName: `User ${i}` };
    }
    function* findings(): Generator<Finding> {
      passes++;
      for (let i = 0; i < N * 3; i++) yield { ...finding, resourceId: `00000000-0000-0000-0000-${String(i % N).padStart(12, '0')}`, resourceName: `u${i % N}@contoso.com`, reason: `reason ${i % 7}` };
    }
    // Single-use iterables without length or index access, as the report may hand them over.
    const once = <T>(gen: () => Generator<T>) => ({ [Symbol.iterator]: gen }) as unknown as T[];
    const report = { ...base, principals: once(principals), findings: once(findings) };
    const { html, chunks, largest } = await render(report);
    expect(passes).toBe(2);
    expect(chunks).toBeGreaterThan(5);
    expect(largest).toBeLessThan(256 * 1024);
    expect((dataBlock(html, 'mfaguard-principals') as unknown[]).length).toBe(N);
    const f = dataBlock(html, 'mfaguard-findings') as unknown[][];
    expect(f).toHaveLength(N * 3);
    expect(f[N + 5]![3]).toBe(5); // linked to its principal row, name omitted (it is the UPN)
    expect(f[N + 5]).toHaveLength(5);
    // interned: 7 distinct finding reasons + 1 cell reason
    expect((dataBlock(html, 'mfaguard-strings') as string[]).length).toBe(8);
  });
});

describe('html report in Chromium', { timeout: 180_000 }, () => {
  let dir: string;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const requests: string[] = [];
  let demoUrl: string;
  let hostileUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mfaguard-html-'));
    const demoFile = join(dir, 'demo-report.html');
    const demo = await demoReport();
    await writeFile(demoFile, (await render(demo, await loadExplainers(demo.rules.map((r) => r.id)))).html);
    const hostileFile = join(dir, 'hostile-report.html');
    await writeFile(hostileFile, (await render(hostileReport(), HOSTILE_EXPLAINERS)).html);
    demoUrl = pathToFileURL(demoFile).href;
    hostileUrl = pathToFileURL(hostileFile).href;
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => {
      if (!/^(file|data):/.test(r.url())) requests.push(r.url());
    });
    await page.goto(demoUrl);
    await page.waitForSelector('html[data-ready]', { timeout: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const total = async (id: string) => Number(await page.getAttribute(`#${id}`, 'data-total'));
  const userRows = () => page.locator('#u-body tr').allInnerTexts();
  /** Rule options read "<rule id> — <title>". */
  const selectRule = async (select: string, ruleId: string) => {
    const value = await page.locator(`${select} option`).evaluateAll((opts, id) => opts.find((o) => (o.textContent ?? '').startsWith(`${id} —`))?.getAttribute('value'), ruleId);
    expect(value).toBeTruthy();
    await page.selectOption(select, value!);
  };
  /** Waits for a list's count to leave `before` (filters are debounced). */
  const changed = async (id: string, before: number) => {
    await page.waitForFunction(([sel, n]) => document.querySelector(sel!)?.getAttribute('data-total') !== n, [`#${id}`, String(before)] as const);
    return total(id);
  };

  it('renders the overview: score, coverage matrix and per-rule scores', async () => {
    const score = page.locator('#overall-score');
    await expect(score.isVisible()).resolves.toBe(true);
    expect(await score.innerText()).toMatch(/\d+(\.\d)?%/);
    expect(Number(await score.getAttribute('data-score'))).toBeGreaterThan(0);
    expect(await page.locator('#matrix table.matrix tbody tr').count()).toBe(5);
    expect(await page.locator('#matrix .bar span').count()).toBeGreaterThan(5);
    expect(await page.locator('#matrix').innerText()).toContain('Azure management');
    expect(await page.locator('#rule-scores tbody tr').count()).toBe(RULES.length);
    // the uncertain column is filled in by the script
    expect(await page.locator('#unc-0').innerText()).toBe('0');
    // per-rule lists of accounts to fix, with remediation
    const card = page.locator('#rule-directory-admin-mfa');
    expect(await card.innerText()).toContain('How to fix');
    expect(await card.locator('tbody tr').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining(JLEVERLING)]));
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'html-report.png') });
  });

  it('typing in the search narrows the users list', async () => {
    const before = await total('u-count');
    expect(before).toBe(150);
    await page.fill('#u-q', 'adm-');
    const after = await changed('u-count', before);
    expect(after).toBeLessThan(before);
    expect(after).toBeGreaterThan(0);
    expect(await userRows()).toEqual(expect.arrayContaining([expect.stringContaining(JLEVERLING)]));
    await page.fill('#u-q', 'nancy');
    await changed('u-count', after);
    expect((await userRows()).join('\n')).not.toContain(JLEVERLING);
    await page.click('#u-reset');
    expect(await total('u-count')).toBe(150);
  });

  it('choosing filters narrows users (rule + status, target + state) and findings (rule)', async () => {
    await selectRule('#u-rule', 'directory-admin-mfa');
    await page.selectOption('#u-status', { label: 'unhealthy' });
    expect(await total('u-count')).toBe(4);
    expect(await userRows()).toEqual(expect.arrayContaining([expect.stringContaining(JLEVERLING)]));
    await page.click('#u-reset');
    // adm-jleverling is excluded for Azure management: filtering on "enforced" there drops the account
    await page.fill('#u-q', 'adm-jleverling');
    expect(await changed('u-count', 150)).toBe(1);
    await page.selectOption('#u-target', { label: 'Azure management' });
    await page.selectOption('#u-state', { label: 'enforced' });
    expect(await total('u-count')).toBe(0);
    await page.selectOption('#u-state', { label: 'excluded' });
    expect(await total('u-count')).toBe(1);
    await page.click('#u-reset');

    const findingsBefore = await total('f-count');
    await selectRule('#f-rule', 'mfa-registration');
    const findingsAfter = await total('f-count');
    expect(findingsAfter).toBeLessThan(findingsBefore);
    expect((await page.locator('#f-body').innerText())).not.toContain(JLEVERLING); // registered: healthy for this rule
    await page.selectOption('#f-status', { label: 'all statuses' });
    const allStatuses = await total('f-count');
    expect(allStatuses).toBeGreaterThan(findingsAfter);
    await page.fill('#f-q', 'adm-jleverling');
    await changed('f-count', allStatuses);
    expect(await page.locator('#f-body tr').count()).toBe(1);
    expect(await page.locator('#f-body').innerText()).toContain(JLEVERLING);
    await page.click('#f-reset');
  });

  it('opens the per-user drill-down by click and by keyboard: five targets with state and reason', async () => {
    await page.fill('#u-q', JLEVERLING);
    await changed('u-count', 150);
    const opener = page.locator('#u-body button[data-p]').first();
    await opener.click();
    const dialog = page.locator('dialog#drill');
    await expect(dialog.evaluate((d) => (d as unknown as { open: boolean }).open)).resolves.toBe(true);
    expect(await page.locator('#drill-title').innerText()).toBe('Janet Leverling (admin)');
    const targets = dialog.locator('.drill-target');
    expect(await targets.count()).toBe(5);
    expect(await targets.evaluateAll((els) => els.map((e) => e.getAttribute('data-target')))).toEqual([...TARGETS]);
    for (const text of await targets.allInnerTexts()) {
      expect(text).toMatch(/Mechanisms[\s\S]*Policies[\s\S]*Why/);
    }
    const azure = await dialog.locator('.drill-target[data-target="azureManagement"]').innerText();
    expect(azure).toContain('excluded');
    expect(azure).toContain("excluded through group 'Admin-Accounts', nested in 'CA-Exclusions'");
    expect(azure).toContain('CA01 Require MFA for all users'); // policy ids resolved to names
    expect(await dialog.locator('.drill-target[data-target="azurePortal"]').innerText()).toContain('enforced');
    expect(await dialog.innerText()).toContain('How to fix');
    await page.screenshot({ path: join(ARTIFACTS, 'html-report-drilldown.png') });
    // every finding carries its rule's explainer, collapsed until asked for
    const findings = dialog.locator('.finding');
    expect(await findings.count()).toBeGreaterThan(0);
    expect(await dialog.locator('.finding details.explainer').count()).toBe(await findings.count());
    const first = findings.first();
    const ruleId = await first.locator('code.hint').innerText();
    const about = first.locator('details.explainer');
    const isOpen = () => about.evaluate((d) => (d as unknown as { open: boolean }).open);
    expect(await isOpen()).toBe(false);
    await about.locator('summary').click();
    expect(await isOpen()).toBe(true);
    const explainer = await about.locator('.xbody').innerText();
    expect(explainer.startsWith(`${ruleId} — `)).toBe(true);
    expect(explainer).toContain('Fix.');
    await page.screenshot({ path: join(ARTIFACTS, 'html-report-explainer.png') });
    await page.keyboard.press('Escape');
    await expect(dialog.evaluate((d) => (d as unknown as { open: boolean }).open)).resolves.toBe(false);
    // focus went back to the opener; Enter opens it again
    expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await expect(dialog.evaluate((d) => (d as unknown as { open: boolean }).open)).resolves.toBe(true);
    await page.keyboard.press('Escape');
    await page.click('#u-reset');
  });

  it('paginates: one page of rows in the DOM, next/previous move through pages', async () => {
    expect(await page.locator('#u-body tr').count()).toBe(50);
    expect(await page.locator('#u-pager .pg').innerText()).toBe('Page 1 of 3');
    const first = await page.locator('#u-body tr').first().innerText();
    await page.click('#u-pager button[aria-label="Next page"]');
    expect(await page.locator('#u-pager .pg').innerText()).toBe('Page 2 of 3');
    expect(await page.locator('#u-count').innerText()).toBe('Showing 51–100 of 150 users');
    expect(await page.locator('#u-body tr').first().innerText()).not.toBe(first);
    await page.click('#u-pager button[aria-label="Last page"]');
    expect(await page.locator('#u-body tr').count()).toBe(50);
    expect(await page.locator('#u-pager button[aria-label="Next page"]').isDisabled()).toBe(true);
    await page.selectOption('#u-size', '25');
    expect(await page.locator('#u-pager .pg').innerText()).toBe('Page 1 of 6');
    expect(await page.locator('#u-body tr').count()).toBe(25);
    expect(await page.locator('#u-pager button[aria-label="Previous page"]').isDisabled()).toBe(true);
    await page.click('#u-pager button[aria-label="Next page"]');
    expect(await page.locator('#u-count').innerText()).toBe('Showing 26–50 of 150 users');
  });

  it('shows hostile names as text: nothing executes', async () => {
    await page.goto(hostileUrl);
    await page.waitForSelector('html[data-ready]');
    expect(await page.locator('h1').innerText()).toBe(`Evil ${PAYLOAD} Corp`);
    expect(await page.locator('#u-body').innerText()).toContain(`Mallory ${PAYLOAD}`);
    await page.locator('#u-body button[data-p]').first().click();
    const about = page.locator('dialog#drill .finding details.explainer');
    await about.locator('summary').click();
    expect(await about.locator('.xbody').innerText()).toContain(`Fix. <img src=x onerror=alert(2)> ${PAYLOAD}`);
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.querySelectorAll('script, img').length)).toBe(6);
  });

  it('had no console errors, page errors, dialogs or network requests', () => {
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });
});
