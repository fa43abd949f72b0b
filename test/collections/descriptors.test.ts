/**
 * Every collection descriptor is consistent with the rest of the system: its family is the one the
 * client charges its URL to (rate-limits.ts), its dependencies come before it, the loader validates it
 * with its schema, and the emulator serves its endpoint with items that pass that schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { familyOfUrl } from '../../src/azure/rate-limits.js';
import { COLLECTIONS, type CollectionDescriptor } from '../../src/collections/index.js';
import type { CollectionOptions, Item } from '../../src/collections/descriptor.js';
import { snapshotKeyKind, validateItem } from '../../src/snapshot/schema.js';
import { call, start, tenant, type Json } from '../emulator/helpers.js';

const OPTIONS: CollectionOptions = { perUserMfa: 'batch', authMethodsFor: 'auto', cloud: 'AzureCloud' };
const src = tenant(300, 11);
let emu: Awaited<ReturnType<typeof start>>;
beforeAll(async () => { emu = await start({ snapshot: src }); });
afterAll(async () => { await emu.close(); });

const query = (select?: readonly string[], top?: number) => [select ? `$select=${select.join(',')}` : '', top ? `$top=${top}` : ''].filter(Boolean).join('&');

/** The first request a descriptor makes (a sample object for per-object ones), relative to the base. */
function firstRequest(c: CollectionDescriptor): { path: string; arm: boolean } {
  const s = c.source;
  switch (s.kind) {
    case 'graphList':
    case 'graphObject': {
      const q = query(s.select, s.kind === 'graphList' ? s.top : undefined);
      return { path: `/${s.version}${s.path}${q ? `?${q}` : ''}`, arm: false };
    }
    case 'graphPerObject': {
      const pick = s.ids.pick(OPTIONS);
      const id = ((src as unknown as Record<string, Item[]>)[s.ids.from] ?? []).map(pick).find((x) => x !== undefined)!;
      return { path: `/${s.version}${s.path(id)}`, arm: false };
    }
    case 'armList':
      return { path: s.path, arm: true };
    case 'armPerSubscription':
      return { path: s.path(src.subscriptions![0]!.subscriptionId), arm: true };
    case 'graphTimeSliced': {
      const filter = [`createdDateTime ge 2026-10-01T00:00:00.000Z`, `signInEventTypes/any(t: t eq '${s.eventTypes[0]}')`, s.filter(OPTIONS)].filter(Boolean).join(' and ');
      return { path: `/${s.version}${s.path}?$filter=${encodeURIComponent(filter)}&$top=${s.top}`, arm: false };
    }
  }
}

describe('collection descriptors', () => {
  it('keys are unique and every dependency is listed before its dependant', () => {
    const seen = new Set<string>();
    for (const c of COLLECTIONS) {
      expect(seen.has(c.key), c.key).toBe(false);
      for (const d of c.dependsOn ?? []) expect(seen.has(d), `${c.key} after ${d}`).toBe(true);
      seen.add(c.key);
    }
  });

  it('the loader validates each collection with its descriptor\'s schema; file or manifest matches the schema\'s kind', () => {
    for (const c of COLLECTIONS.filter((x) => x.key !== 'tenant')) {
      expect(snapshotKeyKind(c.key), c.key).toBe(c.schema);
      expect(c.storage === 'manifest', c.key).toBe(c.schema!.kind === 'object');
    }
  });

  it.each(COLLECTIONS.map((c) => [c.key, c] as const))('%s: declared family = the client\'s family for its URL; the emulator serves it', async (_key, c) => {
    const base = 'https://host.example';
    const bases = { graph: base, arm: base, logAnalytics: base };
    const { path, arm } = firstRequest(c);
    const rg = c.source.kind === 'armPerSubscription' ? c.source.resourceGraphType : undefined;
    expect(familyOfUrl(rg ? `${base}/providers/Microsoft.ResourceGraph/resources` : `${base}${path}`, bases)).toBe(c.family);

    const res = await call(emu, path, { token: arm ? emu.armToken : emu.graphToken });
    expect(res.status, path).toBe(200);
    const body = res.body as Json;
    const items: unknown[] = c.schema?.kind === 'object' || c.key === 'tenant' ? [] : c.schema?.kind === 'map' && c.schema.value === 'object' ? [body] : body.value;
    expect(Array.isArray(items), path).toBe(true);
    if (c.schema?.kind === 'object') validateItem(body, c.schema.item, { keyPrefix: c.key });
    else if (c.schema) for (const item of items) validateItem(item, c.schema.item, { keyPrefix: c.key });
    if (rg) {
      const q = await call(emu, '/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01', {
        method: 'POST', token: emu.armToken, body: { query: `authorizationresources | where type =~ '${rg.query}' | project id, name, properties` },
      });
      expect(q.status).toBe(200);
      expect((q.body as Json).data.length).toBeGreaterThan(0);
    }
  });
});
