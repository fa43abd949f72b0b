/**
 * The dashboard's security acceptance (issue 13): no token → 401; the token is exchanged for an
 * HttpOnly SameSite=Strict cookie; a cross-site POST and a POST without the CSRF token are refused;
 * a non-loopback address needs the explicit flag and warns; the CSP and friends are on every
 * response; a user named `<script>` stays text.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDashboard, isLoopbackHost, startDashboard, CONTENT_SECURITY_POLICY } from '../../src/app/serve.js';
import { UsageError } from '../../src/errors.js';
import { demoStore, HOSTILE_UPN, ORIGIN, signedIn, type Client } from './helpers.js';

let state: string;
let client: Client;
let config: string;

beforeAll(async () => {
  ({ state } = await demoStore());
  config = join(await mkdtemp(join(tmpdir(), 'mfaguard-serve-cfg-')), 'mfaguard.yaml');
  client = await signedIn({ state, config });
});

describe('access token and session', () => {
  it('answers 401 to every page without the session cookie', async () => {
    const d = createDashboard({ state });
    for (const path of ['/', '/findings', '/users/x', '/policies', '/diff', '/plans', '/exempt', '/tenants']) {
      const res = await d.app.request(`${ORIGIN}${path}`);
      expect(res.status, path).toBe(401);
      expect(await res.text()).not.toContain('Northwind');
    }
    expect((await d.app.request(`${ORIGIN}/exempt`, { method: 'POST' })).status).toBe(401);
  });

  it('refuses a wrong token and a forged cookie', async () => {
    const d = createDashboard({ state });
    expect((await d.app.request(`${ORIGIN}/?token=${'x'.repeat(d.token.length)}`)).status).toBe(401);
    expect((await d.app.request(`${ORIGIN}/`, { headers: { cookie: `${d.cookieName}=forged` } })).status).toBe(401);
    // another dashboard's session is not this one's
    const other = await signedIn({ state });
    expect((await d.app.request(`${ORIGIN}/`, { headers: { cookie: other.cookie } })).status).toBe(401);
    expect((await d.app.request(`${ORIGIN}/`, { headers: { cookie: other.cookie.replace(other.dashboard.cookieName, d.cookieName) } })).status).toBe(401);
  });

  it('exchanges the token for an HttpOnly SameSite=Strict cookie and drops it from the address', async () => {
    const d = createDashboard({ state });
    expect(d.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 random bits
    const res = await d.app.request(`${ORIGIN}/findings?token=${d.token}&rule=x`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/findings?rule=x');
    const cookie = res.headers.get('set-cookie')!;
    expect(d.cookieName).toMatch(/^mfaguard_session_[0-9a-f]{12}$/);
    expect(cookie.startsWith(`${d.cookieName}=`)).toBe(true);
    expect(cookie).toMatch(/^mfaguard_session_[0-9a-f]{12}=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const page = await d.app.request(`${ORIGIN}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Northwind Traders');
  });

  it('two dashboards have different tokens', () => {
    expect(createDashboard({ state }).token).not.toBe(createDashboard({ state }).token);
  });
});

describe('writes', () => {
  const form = (csrf: string) => ({ csrf, rule: 'nonprivileged-user-mfa', account: 'laura.callahan@northwindtraders.com', kind: 'resource', category: 'riskAccepted', reason: 'test', expires: '2099-01-01' });

  it('refuses a cross-site POST (Sec-Fetch-Site) even with the right CSRF token', async () => {
    const res = await client.post('/exempt', form(await client.csrf()), { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    await expect(readFile(config, 'utf8')).rejects.toThrow();
  });

  it('refuses a POST from another origin', async () => {
    const res = await client.post('/exempt', form(await client.csrf()), { 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:9999' });
    expect(res.status).toBe(403);
    const res2 = await client.post('/exempt', form(await client.csrf()), { origin: 'http://evil.example' });
    expect(res2.status).toBe(403);
    // an opaque origin (a sandboxed frame) without Sec-Fetch-Site to vouch for it
    const res3 = await client.post('/exempt', form(await client.csrf()), { origin: 'null', 'sec-fetch-site': undefined });
    expect(res3.status).toBe(403);
    expect(await res3.text()).toContain('Origin: null');
  });

  it('refuses a POST without the CSRF token, or with another session\'s', async () => {
    expect((await client.post('/exempt', { ...form(''), csrf: '' })).status).toBe(403);
    const other = await signedIn({ state, config });
    expect((await client.post('/exempt', form(await other.csrf()))).status).toBe(403);
    await expect(readFile(config, 'utf8')).rejects.toThrow();
  });

  it('accepts Origin: null when Sec-Fetch-Site says same-origin (Chromium under Referrer-Policy no-referrer)', async () => {
    const res = await client.post('/exempt', { ...form(await client.csrf()), reason: '' }, { origin: 'null' });
    expect(res.status).toBe(400); // past the origin checks: the form's own validation answers
  });

  it('accepts a same-origin POST with the token (and writes)', async () => {
    const res = await client.post('/exempt', form(await client.csrf()));
    expect(res.status).toBe(200);
    expect(await readFile(config, 'utf8')).toContain('laura.callahan@northwindtraders.com');
  });

  it('refuses a body larger than 64 KiB', async () => {
    const res = await client.post('/exempt', { ...form(await client.csrf()), reason: 'x'.repeat(100_000) });
    expect(res.status).toBe(413);
    await expect(readFile(config, 'utf8')).resolves.not.toContain('xxxxxxxx');
  });

  it('accepts only GET and POST', async () => {
    const res = await client.dashboard.app.request(`${ORIGIN}/exempt`, { method: 'PUT', headers: { cookie: client.cookie } });
    expect(res.status).toBe(405);
  });
});

describe('headers', () => {
  it('sends a strict CSP, nosniff, no-referrer and no framing on pages, assets and errors', async () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    const anon = createDashboard({ state });
    for (const res of [await client.get('/'), await client.get('/findings'), await client.get('/assets/app.css'), await anon.app.request(`${ORIGIN}/`), await client.get('/nope')]) {
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('pages carry no inline script or style and no external asset', async () => {
    for (const path of ['/', '/findings', '/policies', '/diff', '/plans', '/exempt', '/tenants']) {
      const html = await (await client.get(path)).text();
      expect(html, path).not.toMatch(/<script(?![^>]*\bsrc="\/assets\/)[^>]*>/);
      expect(html, path).not.toMatch(/<style|\sstyle="/);
      expect(html, path).not.toMatch(/(src|href)="(https?:)?\/\//);
      expect(html, path).not.toMatch(/\son[a-z]+="/);
    }
  });
});

describe('escaping', () => {
  it('a user named <script> stays text on every page that shows it', async () => {
    const findings = await (await client.get(`/findings?q=${encodeURIComponent('<script>')}`)).text();
    expect(findings).toContain('&lt;script&gt;alert(1)&lt;/script&gt;@northwindtraders.com');
    expect(findings).not.toContain('<script>alert');
    expect(findings).not.toContain('<img src=x');
    const user = await (await client.get(`/users/${encodeURIComponent(HOSTILE_UPN)}`)).text();
    expect(user).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(user).not.toMatch(/<script>alert|<img src=x/);
    const diff = await (await client.get('/diff')).text();
    expect(diff).not.toMatch(/<script>alert|<img src=x/);
    // the renamed user is excluded from CA01 through a group: the policy page lists them
    const policies = await (await client.get('/policies')).text();
    const ca01 = /href="\/policies\/([0-9a-f-]+)">CA01/.exec(policies)![1]!;
    const policy = await (await client.get(`/policies/${ca01}`)).text();
    expect(policy).toContain('&lt;script&gt;alert(1)&lt;/script&gt;@northwindtraders.com');
    expect(policy).not.toMatch(/<script>alert|<img src=x/);
  });

  it('a hostile search term and filter values are escaped back into the form', async () => {
    const html = await (await client.get(`/findings?q=${encodeURIComponent('"><script>alert(3)</script>')}&rule=${encodeURIComponent('"><b>x')}`)).text();
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"');
    expect(html).not.toContain('<script>alert(3)');
    expect(html).not.toContain('<b>x');
  });
});

describe('listening', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '10.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('listens on 127.0.0.1 by default and prints the token URL; a request with a foreign Host is refused', async () => {
    const running = await startDashboard({ state });
    try {
      expect(running.host).toBe('127.0.0.1');
      expect(running.url).toBe(`http://127.0.0.1:${running.port}/?token=${running.token}`);
      expect(running.warnings).toEqual([]);
      expect((await fetch(`http://127.0.0.1:${running.port}/`)).status).toBe(401);
      const first = await fetch(running.url, { redirect: 'manual' });
      expect(first.status).toBe(303);
      const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
      expect((await fetch(`http://127.0.0.1:${running.port}/`, { headers: { cookie } })).status).toBe(200);
      expect((await fetch(`http://localhost:${running.port}/`, { headers: { cookie } })).status).toBe(200);
      // DNS rebinding: a page of another name resolving to 127.0.0.1
      const rebound = await new Promise<number>((resolve, reject) => {
        import('node:http').then(({ request }) => {
          const req = request({ host: '127.0.0.1', port: running.port, path: '/', headers: { host: `evil.example:${running.port}`, cookie } }, (res) => { res.resume(); resolve(res.statusCode!); });
          req.on('error', reject);
          req.end();
        });
      });
      expect(rebound).toBe(421);
    } finally {
      await running.close();
    }
  });

  it('refuses a non-loopback address without --allow-remote, and warns with it', async () => {
    await expect(startDashboard({ state, host: '0.0.0.0' })).rejects.toThrow(UsageError);
    await expect(startDashboard({ state, host: '0.0.0.0' })).rejects.toThrow(/not a loopback address.*--allow-remote/);
    const running = await startDashboard({ state, host: '0.0.0.0', allowRemote: true });
    try {
      expect(running.warnings.join('\n')).toMatch(/listening on 0\.0\.0\.0, beyond this machine/);
      expect((await fetch(`http://127.0.0.1:${running.port}/`)).status).toBe(401);
    } finally {
      await running.close();
    }
  });
});
