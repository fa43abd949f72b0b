/** Shared by the dashboard tests: a state store with recorded demo scans, and a signed-in client over app.request. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '../../src/app/scan.js';
import { createDashboard, type Dashboard, type DashboardOptions } from '../../src/app/serve.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import type { Snapshot } from '../../src/snapshot/types.js';

export const DEMO = join(import.meta.dirname, '..', '..', 'demo', 'tenant.json');
export const HOSTILE_UPN = '<script>alert(1)</script>@northwindtraders.com';

/** The demo tenant with one user renamed to markup. */
export async function hostileDemo(): Promise<Snapshot> {
  const { snapshot } = await loadSnapshot(DEMO);
  const copy = structuredClone(snapshot);
  const u = copy.users!.find((x) => x.userPrincipalName === 'giovanni.rovelli@northwindtraders.com')!;
  u.userPrincipalName = HOSTILE_UPN;
  u.displayName = '<script>alert("name")</script><img src=x onerror=alert(2)>';
  return copy;
}

/** A fresh state directory holding two scans of the demo tenant (the second one with a hostile user name). */
export async function demoStore(opts: { config?: string } = {}): Promise<{ state: string; scanIds: number[] }> {
  const state = await mkdtemp(join(tmpdir(), 'mfaguard-serve-'));
  const a = await scan({ source: { path: DEMO }, state, now: new Date('2026-11-01T09:00:00Z'), ...(opts.config ? { config: opts.config } : {}) });
  const b = await scan({ source: { snapshot: await hostileDemo() }, state, now: new Date('2026-11-02T09:00:00Z'), ...(opts.config ? { config: opts.config } : {}) });
  return { state, scanIds: [a.recorded!.id, b.recorded!.id] };
}

export const ORIGIN = 'http://127.0.0.1:4321';

export interface Client {
  dashboard: Dashboard;
  cookie: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** A same-origin form POST; a header given as undefined is left out. */
  post(path: string, form: Record<string, string>, headers?: Record<string, string | undefined>): Promise<Response>;
  csrf(): Promise<string>;
}

/** A dashboard and a session: the token exchanged for the cookie as a browser would. */
export async function signedIn(opts: DashboardOptions): Promise<Client> {
  const dashboard = createDashboard(opts);
  const res = await dashboard.app.request(`${ORIGIN}/?token=${dashboard.token}`);
  const set = res.headers.get('set-cookie') ?? '';
  const cookie = set.split(';')[0]!;
  if (!cookie.startsWith(`${dashboard.cookieName}=`)) throw new Error(`no session cookie: ${res.status} ${set}`);
  const get = async (path: string, headers: Record<string, string> = {}) => dashboard.app.request(`${ORIGIN}${path}`, { headers: { cookie, ...headers } });
  const post = async (path: string, form: Record<string, string>, headers: Record<string, string | undefined> = {}) => {
    const all: Record<string, string | undefined> = { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, 'sec-fetch-site': 'same-origin', host: '127.0.0.1:4321', ...headers };
    const sent = Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
    return dashboard.app.request(`${ORIGIN}${path}`, { method: 'POST', body: new URLSearchParams(form).toString(), headers: sent });
  };
  const csrf = async () => {
    const html = await (await get('/exempt')).text();
    return /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  };
  return { dashboard, cookie, get, post, csrf };
}
