/**
 * The dashboard in Debian's Chromium through playwright-core (system browser, as the HTML report's
 * test): every page opened through the printed token URL, the exempt flow submitted as a user would,
 * no Content-Security-Policy violation reported by the browser, a screenshot of each page in
 * test-artifacts/, and axe-core's accessibility check with no serious or critical violation. axe is
 * injected through the DevTools protocol (page.evaluate), which the page's CSP does not govern, so
 * the product's CSP is tested as shipped.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRemediation } from '../../src/app/remediation.js';
import { startDashboard, type RunningDashboard } from '../../src/app/serve.js';
import { DEMO, demoStore } from './helpers.js';

declare const document: { querySelector(s: string): { textContent: string | null } | null; title: string };
declare const axe: { run(opts?: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown }[] }[] }> };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts', 'dashboard');
const CHROMIUM = process.env.MFAGUARD_CHROMIUM || '/usr/bin/chromium';
const JLEVERLING = 'adm-jleverling@northwindtraders.com';

let browser: Browser;
let running: RunningDashboard;
let page: Page;
let config: string;
let axeSource: string;
const cspViolations: string[] = [];

beforeAll(async () => {
  const { state } = await demoStore();
  const dir = await mkdtemp(join(tmpdir(), 'mfaguard-serve-browser-'));
  config = join(dir, 'mfaguard.yaml');
  const { plan } = await planRemediation({ source: { path: DEMO }, now: '2026-11-02T09:00:00Z' });
  await writeFile(join(dir, 'plan.json'), JSON.stringify(plan));
  running = await startDashboard({ state, config, plan: join(dir, 'plan.json'), snapshot: { path: DEMO } });
  await mkdir(ARTIFACTS, { recursive: true });
  axeSource = await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(8000);
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
  // sign in once, with the URL the command prints
  await page.goto(running.url);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await running?.close();
});

async function accessibility(name: string): Promise<void> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => axe.run({ resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${name}: ${v.id} (${v.impact}) ${v.help} at ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`)).toEqual([]);
}

async function visit(path: string, name: string, expected: string): Promise<void> {
  const res = await page.goto(new URL(path, running.url).toString());
  expect(res!.status(), path).toBe(200);
  expect(await page.textContent('main')).toContain(expected);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  await accessibility(name);
}

describe('dashboard in Chromium', () => {
  it('the token URL signs in and leaves the address bar without the token', async () => {
    await page.goto(running.url);
    expect(page.url()).toBe(`http://127.0.0.1:${running.port}/`);
    expect(await page.textContent('h1')).toContain('Northwind Traders');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === running.dashboard.cookieName)).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('overview', async () => { await visit('/', 'overview', 'Coverage matrix'); });

  it('findings, filtered by a select (the script submits the form)', async () => {
    await visit('/findings', 'findings', 'findings match');
    await page.selectOption('#f-status', 'unhealthy');
    await page.waitForURL(/status=unhealthy/);
    const statuses = await page.$$eval('tbody .badge', (els) => els.map((e) => (e as unknown as { textContent: string }).textContent));
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['unhealthy']));
    await page.screenshot({ path: join(ARTIFACTS, 'findings-filtered.png'), fullPage: true });
  });

  it('a user', async () => { await visit(`/users/${encodeURIComponent(JLEVERLING)}`, 'user', 'Verdict per target'); });
  it('policies', async () => { await visit('/policies', 'policies', 'Conditional Access policies'); });

  it('a policy', async () => {
    await page.goto(new URL('/policies', running.url).toString());
    await page.click('text=CA01 Require MFA for all users');
    expect(await page.textContent('main')).toContain('Excluded (');
    await page.screenshot({ path: join(ARTIFACTS, 'policy.png'), fullPage: true });
    await accessibility('policy');
  });

  it('diff', async () => { await visit('/diff', 'diff', 'Changed findings'); });
  it('plans', async () => { await visit('/plans', 'plans', 'Lock-out guard'); });
  it('tenants', async () => { await visit('/tenants', 'tenants', 'Tenants in the state store'); });

  it('the exempt flow: from a finding to the configuration file', async () => {
    await page.goto(new URL(`/findings?rule=directory-admin-mfa&status=unhealthy&q=${encodeURIComponent(JLEVERLING)}`, running.url).toString());
    await page.getByRole('link', { name: 'exempt…' }).first().click();
    expect(await page.inputValue('#x-account')).toBe(JLEVERLING);
    await accessibility('exempt-form');
    await page.selectOption('#x-category', 'mitigated');
    await page.fill('#x-expires', '2099-12-31');
    await page.fill('#x-reason', 'Duo MFA at the federated IdP');
    await page.fill('#x-ticket', 'SEC-1234');
    await page.screenshot({ path: join(ARTIFACTS, 'exempt-form.png'), fullPage: true });
    await page.click('button:has-text("Add exemption")');
    await page.waitForSelector('.msg.ok');
    expect(await page.textContent('.msg.ok')).toMatch(/created .*mfaguard\.yaml: exemption at line \d+ \(directory-admin-mfa for adm-jleverling@northwindtraders\.com, mitigated, expires 2099-12-31/);
    await page.screenshot({ path: join(ARTIFACTS, 'exempt-done.png'), fullPage: true });
    await accessibility('exempt-done');
    const written = await readFile(config, 'utf8');
    expect(written).toContain(`resource: ${JLEVERLING}`);
    expect(written).toContain('ticket: SEC-1234');
  });

  it('the browser reported no Content-Security-Policy violation on any page', () => {
    expect(cspViolations).toEqual([]);
  });
});
