/**
 * Every dashboard page over two recorded scans of the demo tenant: status and content; the exempt flow
 * writes the configuration file as `mfaguard exempt` does and the next scan shows the finding exempt;
 * the findings index agrees with a plain filter-and-sort reference (differential) on paging and filters.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/app/scan.js';
import { planRemediation } from '../../src/app/remediation.js';
import { FindingsIndex, SORT_KEYS, STATUS_ORDER, type FindingsQuery } from '../../src/app/dashboard/findings-index.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import { evaluateSnapshot } from '../../src/evaluate.js';
import type { Finding } from '../../src/rules/types.js';
import { SEVERITIES } from '../../src/vocabulary.js';
import { DEMO, demoStore, signedIn, type Client } from './helpers.js';

let state: string;
let scanIds: number[];
let client: Client;
let dir: string;
const JLEVERLING = 'adm-jleverling@northwindtraders.com';

beforeAll(async () => {
  ({ state, scanIds } = await demoStore());
  dir = await mkdtemp(join(tmpdir(), 'mfaguard-serve-pages-'));
  const { plan } = await planRemediation({ source: { path: DEMO }, now: '2026-11-02T09:00:00Z' });
  await writeFile(join(dir, 'plan.json'), JSON.stringify(plan));
  client = await signedIn({ state, config: join(dir, 'mfaguard.yaml'), plan: join(dir, 'plan.json'), snapshot: { path: DEMO } });
}, 60_000);

const text = async (path: string, status = 200) => {
  const res = await client.get(path);
  expect(res.status, path).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  return res.text();
};

describe('pages', () => {
  it('overview: score, coverage matrix, rules with their change since the last scan, trend chart', async () => {
    const html = await text('/');
    expect(html).toContain('Northwind Traders');
    expect(html).toMatch(/<div class="label">Score<\/div><div class="value">\d+(\.\d)?%<\/div>/);
    expect(html).toContain('Coverage matrix');
    expect(html).toContain('Azure management');
    expect(html).toContain('nonprivileged-user-mfa');
    expect(html).toContain('±0'); // two scans: the per-rule change column is filled
    expect(html).toContain('class="trend-chart"');
    expect(html).toContain(`Scan <b>#${scanIds[1]}</b>`);
  });

  it('findings: filter, count and paging', async () => {
    const html = await text('/findings?rule=directory-admin-mfa&status=unhealthy');
    const total = Number(/data-total="(\d+)"/.exec(html)![1]);
    expect(total).toBeGreaterThan(0);
    const rows = [...html.matchAll(/<tr><td><span class="badge st-([a-zA-Z]+)">/g)].map((m) => m[1]);
    expect(rows.length).toBe(Math.min(total, 50));
    expect(new Set(rows)).toEqual(new Set(['unhealthy']));
    expect(html).toContain(JLEVERLING);
    const page2 = await text('/findings?pageSize=10&page=2');
    expect(page2).toContain('page 2 of');
    expect(page2).toContain('rel="prev"');
    expect(page2).toContain('name="status"');
    const none = await text('/findings?q=no-such-user-anywhere');
    expect(none).toContain('data-total="0"');
  });

  it('a user: verdict per target with the policy trace, groups, roles, Azure access, findings', async () => {
    const html = await text(`/users/${encodeURIComponent(JLEVERLING)}`);
    expect(html).toContain('Verdict per target');
    for (const t of ['Azure management', 'Azure portal', 'Admin portals', 'Office 365', 'Any app']) expect(html).toContain(t);
    expect(html).toMatch(/class="trace"/); // --snapshot given: the per-policy trace
    expect(html).toContain('Directory roles (active)');
    expect(html).toContain('Azure access');
    expect(html).toContain('directory-admin-mfa');
    expect(html).toContain('Sign-in evidence');
    await text('/users/00000000-0000-0000-0000-000000000000', 404);
  });

  it('a user without --snapshot says what the store cannot show', async () => {
    const plain = await signedIn({ state });
    const html = await (await plain.get(`/users/${encodeURIComponent(JLEVERLING)}`)).text();
    expect(html).toContain('start the dashboard with --snapshot');
    expect(html).toContain('Verdict per target');
  });

  it('policies: the list, and one policy with who is excluded and through what', async () => {
    const list = await text('/policies');
    expect(list).toContain('CA01 Require MFA for all users');
    const id = /href="\/policies\/([0-9a-f-]+)">CA01 Require MFA for all users/.exec(list)![1]!;
    const html = await text(`/policies/${id}`);
    expect(html).toContain('Excluded (');
    expect(html).toContain("excluded through group &#39;CA-Exclusions&#39;");
    expect(html).toContain('Includes'); // assignment from --snapshot
    expect(html).toMatch(/group &#39;CA-Exclusions&#39;/);
    await text('/policies/not-a-policy', 404);
  });

  it('diff between the two recorded scans', async () => {
    const html = await text(`/diff?from=${scanIds[0]}&to=${scanIds[1]}`);
    expect(html).toContain(`Scan #${scanIds[0]} → #${scanIds[1]}`);
    expect(html).toContain('Changed findings (');
  });

  it('plans: the review of --plan, with apply left to the command line', async () => {
    const html = await text('/plans');
    expect(html).toContain('Lock-out guard');
    expect(html).toContain('mfaguard apply');
    expect(html).toContain('createCaPolicy');
    const none = await signedIn({ state });
    expect(await (await none.get('/plans')).text()).toContain('No plan loaded');
  });

  it('tenants: the list (the roll-up will live here)', async () => {
    const html = await text('/tenants');
    expect(html).toContain('5c1a6d3e-7b2f-4e8a-9d41-0b6c2f8e9a17');
  });

  it('an empty store shows how to start', async () => {
    const empty = await signedIn({ state: await mkdtemp(join(tmpdir(), 'mfaguard-serve-empty-')) });
    const res = await empty.get('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('No scans recorded yet');
  });
});

describe('exempt flow', () => {
  it('writes the configuration as mfaguard exempt does, and the next scan shows the finding exempt', async () => {
    const config = join(dir, 'exempt.yaml');
    await writeFile(config, '# reviewed by the security team\nmfaguardConfig: 1\n');
    const c = await signedIn({ state, config });
    const form = await (await c.get(`/exempt?rule=directory-admin-mfa&account=${encodeURIComponent(JLEVERLING)}`)).text();
    expect(form).toContain(`value="${JLEVERLING}"`);
    expect(form).toMatch(/<option value="directory-admin-mfa" selected>/);
    const res = await c.post('/exempt', {
      csrf: await c.csrf(), rule: 'directory-admin-mfa', account: JLEVERLING, kind: 'resource', scope: '', category: 'mitigated',
      reason: 'Duo at the federated IdP <b>', expires: '2099-12-31', approvedBy: 'ciso@northwindtraders.com', ticket: 'SEC-1',
    });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('class="msg ok"');
    expect(page).toMatch(/updated .*exempt\.yaml: exemption at line 4/);
    const written = await readFile(config, 'utf8');
    expect(written.startsWith('# reviewed by the security team\nmfaguardConfig: 1\n')).toBe(true);
    expect(written).toContain(`resource: ${JLEVERLING}`);
    expect(written).toContain('category: mitigated');
    const next = await scan({ source: { path: DEMO }, config, state: false });
    const f = next.report.findings.find((x) => x.ruleId === 'directory-admin-mfa' && x.resourceName === JLEVERLING)!;
    expect(f.status).toBe('exempt');
  });

  it('shows validation errors escaped, and writes nothing', async () => {
    const config = join(dir, 'invalid.yaml');
    const c = await signedIn({ state, config });
    const res = await c.post('/exempt', { csrf: await c.csrf(), rule: 'directory-admin-mfa', account: JLEVERLING, kind: 'resource', reason: 'x', expires: '<script>alert(1)</script>' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('class="msg err"');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    await expect(readFile(config, 'utf8')).rejects.toThrow();
    const missing = await c.post('/exempt', { csrf: await c.csrf(), rule: 'directory-admin-mfa', account: JLEVERLING, reason: '', expires: '2099-01-01' });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('give a reason');
  });

  it('is off without --config', async () => {
    const c = await signedIn({ state });
    const html = await (await c.get('/exempt')).text();
    expect(html).toContain('No configuration file');
    expect(html).not.toContain('<form class="exempt"');
  });
});

/** The plain reference: filter, then a stable sort by the key (desc = the ascending order reversed), then slice. */
function reference(all: readonly Finding[], q: FindingsQuery): { total: number; rows: Finding[] } {
  const sev = [...SEVERITIES].reverse();
  const key = q.sort ?? 'severity';
  const cmp = (a: Finding, b: Finding) => key === 'severity' ? sev.indexOf(a.severity) - sev.indexOf(b.severity) || STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status)
    : key === 'status' ? STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || sev.indexOf(a.severity) - sev.indexOf(b.severity)
    : key === 'rule' ? (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
    : (a.resourceName.toLowerCase() < b.resourceName.toLowerCase() ? -1 : a.resourceName.toLowerCase() > b.resourceName.toLowerCase() ? 1 : 0);
  const needle = (q.q ?? '').trim().toLowerCase();
  let list = all.map((f, i) => ({ f, i })).filter(({ f }) => (!q.rule || f.ruleId === q.rule) && (!q.status || f.status === q.status) && (!q.severity || f.severity === q.severity)
    && (!needle || [f.resourceName, f.resourceId, f.reason].some((s) => s.toLowerCase().includes(needle))));
  list.sort((a, b) => cmp(a.f, b.f) || a.i - b.i);
  if (q.dir === 'desc') list = list.reverse();
  const size = q.pageSize ?? 50;
  const page = q.page ?? 1;
  return { total: list.length, rows: list.slice((page - 1) * size, page * size).map((x) => x.f) };
}

describe('findings index (differential against the plain reference)', () => {
  it('agrees on every filter, search, sort, direction and page', async () => {
    const { snapshot } = await loadSnapshot(DEMO);
    const findings = evaluateSnapshot(snapshot).findings;
    const index = new FindingsIndex(findings);
    const rules = [...new Set(findings.map((f) => f.ruleId))];
    const words = ['', 'north', 'ADM-', 'excluded', 'zzz', findings[7]!.resourceId.slice(0, 8)];
    fc.assert(fc.property(
      fc.record({
        rule: fc.option(fc.constantFrom(...rules, 'no-such-rule'), { nil: undefined }),
        status: fc.option(fc.constantFrom(...STATUS_ORDER), { nil: undefined }),
        severity: fc.option(fc.constantFrom(...SEVERITIES), { nil: undefined }),
        q: fc.option(fc.constantFrom(...words), { nil: undefined }),
        sort: fc.option(fc.constantFrom(...SORT_KEYS), { nil: undefined }),
        dir: fc.option(fc.constantFrom('asc' as const, 'desc' as const), { nil: undefined }),
        page: fc.integer({ min: 1, max: 6 }),
        pageSize: fc.constantFrom(1, 7, 50),
      }),
      (q) => {
        const got = index.query(q);
        const want = reference(findings, q);
        expect(got.total).toBe(want.total);
        expect(got.rows).toEqual(want.rows);
        expect(got.pages).toBe(Math.max(1, Math.ceil(want.total / q.pageSize)));
      },
    ), { numRuns: 300 });
  });

  it('finds a resource\'s findings whatever the case of its id', () => {
    const f: Finding = { ruleId: 'r', status: 'unhealthy', severity: 'high', resourceType: 'user', resourceId: 'ABC', resourceName: 'a', reason: '', evidence: {} };
    expect(new FindingsIndex([f]).forResource('abc')).toEqual([f]);
  });
});

describe('several tenants', () => {
  it('shows a tenant switcher, and ?tenant= picks the tenant every page and link is about', async () => {
    const { state: two } = await demoStore();
    const { snapshot } = await loadSnapshot(DEMO);
    const other = structuredClone(snapshot);
    other.tenant = { ...other.tenant, id: '11111111-2222-3333-4444-555555555555', displayName: 'Contoso <b>bold</b>' };
    await scan({ source: { snapshot: other }, state: two, now: new Date('2026-11-03T09:00:00Z') });
    const c = await signedIn({ state: two });
    const first = await (await c.get('/')).text();
    expect(first).toContain('id="tenant-switch"');
    // sorted by name; the tenant scanned last is the one shown by default
    expect(first).toContain('<option value="11111111-2222-3333-4444-555555555555" selected>Contoso &lt;b&gt;bold&lt;/b&gt;</option><option value="5c1a6d3e-7b2f-4e8a-9d41-0b6c2f8e9a17">Northwind Traders</option>');
    const northwind = await (await c.get('/?tenant=5c1a6d3e-7b2f-4e8a-9d41-0b6c2f8e9a17')).text();
    expect(northwind).toContain('<h1>Northwind Traders</h1>');
    const res = await c.get('/findings?tenant=11111111-2222-3333-4444-555555555555&status=unhealthy');
    const html = await res.text();
    expect(html).toMatch(/<h1>Contoso &lt;b&gt;bold&lt;\/b&gt;<\/h1>/);
    // links and forms keep the tenant
    expect(html).toContain('href="/policies?tenant=11111111-2222-3333-4444-555555555555"');
    expect(html).toMatch(/href="\/users\/[^"?]+\?tenant=11111111-2222-3333-4444-555555555555"/);
    expect(html).toContain('<input type="hidden" name="tenant" value="11111111-2222-3333-4444-555555555555">');
    const tenants = await (await c.get('/tenants')).text();
    expect(tenants).toContain('Northwind Traders');
    expect(tenants).toContain('Contoso &lt;b&gt;bold&lt;/b&gt;');
    expect(tenants).not.toContain('<b>bold</b>');
    // the roll-up: one row per tenant's latest scan, with the same counts as rollupFromStore
    const { rollupFromStore } = await import('../../src/app/tenants.js');
    const { rollup } = rollupFromStore(two);
    expect(rollup.tenants).toHaveLength(2);
    expect(tenants).toContain('Roll-up: latest scan of each tenant, worst first');
    const section = tenants.slice(tenants.indexOf('Roll-up:'));
    for (const t of rollup.tenants) {
      expect(section).toContain(`>${t.unhealthy.low}</td><td class="num">${t.unhealthy.medium}</td><td class="num">${t.unhealthy.high}</td><td class="num">${t.totals.unknown}</td>`);
    }
    const worst = rollup.tenants[0]!;
    expect(section.indexOf(worst.tenantId)).toBeLessThan(section.indexOf(rollup.tenants[1]!.tenantId));
  });
});
