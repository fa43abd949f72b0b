/** Shared pieces of the emulator protocol tests: a generated tenant, authenticated fetch, paging. */
import { generateSnapshot } from '../../devkit/gen/generate.js';
import { startEmulator } from '../../devkit/emulator/index.js';
import type { EmulatorHandle, EmulatorOptions } from '../../devkit/emulator/index.js';
import type { Snapshot } from '../../src/snapshot/types.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const cache = new Map<string, Snapshot>();
/** Generated tenants are deterministic; tests share them (read-only) to stay fast. */
export function tenant(users: number, seed = 11, extra: Partial<Parameters<typeof generateSnapshot>[0]> = {}): Snapshot {
  const key = `${users}:${seed}:${JSON.stringify(extra)}`;
  let s = cache.get(key);
  if (!s) cache.set(key, (s = generateSnapshot({ users, seed, ...extra })));
  return s;
}

export async function start(opts: EmulatorOptions & { users?: number; seed?: number } = {}): Promise<EmulatorHandle & { graphToken: string; armToken: string }> {
  const { users = 300, seed = 11, ...rest } = opts;
  const emu = await startEmulator({ snapshot: rest.snapshot ?? tenant(users, seed), limits: 'none', ...rest });
  return Object.assign(emu, { graphToken: emu.issueToken({ resource: 'graph' }), armToken: emu.issueToken({ resource: 'arm' }) });
}

export interface CallOptions {
  token?: string | null;
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A request to the emulator over plain HTTP (global fetch cannot be told to trust a new CA on Node 20). */
export async function call(emu: EmulatorHandle & { graphToken: string }, pathOrUrl: string, o: CallOptions = {}): Promise<{ status: number; headers: Headers; body: Json; text: string }> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl.replace(/^https:/, 'http:') : `${emu.httpUrl}${pathOrUrl}`;
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  const token = o.token === undefined ? emu.graphToken : o.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (o.body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(url, { method: o.method ?? 'GET', headers, ...(o.body !== undefined ? { body: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) } : {}) });
  const text = await res.text();
  let body: Json = {};
  try {
    body = text ? (JSON.parse(text) as Json) : {};
  } catch {
    body = { text };
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** Follows @odata.nextLink (Graph) or nextLink (ARM) to the end; bounded. */
export async function all(emu: EmulatorHandle & { graphToken: string }, path: string, o: CallOptions = {}, maxPages = 200): Promise<{ items: Json[]; pages: number; first: Json }> {
  const items: Json[] = [];
  let url: string | undefined = path;
  let pages = 0;
  let first: Json = {};
  while (url && pages < maxPages) {
    const r = await call(emu, url, o);
    if (r.status !== 200) throw new Error(`${url}: ${r.status} ${r.text.slice(0, 300)}`);
    if (pages === 0) first = r.body;
    pages++;
    items.push(...(r.body.value as Json[]));
    url = (r.body['@odata.nextLink'] ?? r.body.nextLink) as string | undefined;
  }
  return { items, pages, first };
}

export { bag, canon } from '../helpers/canon.js';

