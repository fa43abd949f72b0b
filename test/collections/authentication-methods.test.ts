/**
 * The `authenticationMethods` collection end to end: the generator gives break-glass accounts
 * methods, the emulator serves them, the collector reads them for the accounts break-glass.ts picks
 * (or the ones named), the loader validates them and the DirectoryModel answers "has a
 * phishing-resistant method".
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../devkit/emulator/index.js';
import { generateSnapshot } from '../../devkit/gen/generate.js';
import { collectTenant, type CollectOptions } from '../../src/collect/collect.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import { DirectoryModel } from '../../src/snapshot/model.js';
import type { Snapshot } from '../../src/snapshot/types.js';

let root: string;
let emu: EmulatorHandle;
const source: Snapshot = generateSnapshot({ users: 200, seed: 3 });
const upn = (id: string) => source.users!.find((u) => u.id === id)!.userPrincipalName!;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mfaguard-authmethods-'));
  emu = await startEmulator({ snapshot: source, limits: 'none' });
});
afterAll(async () => {
  await emu.close();
  await rm(root, { recursive: true, force: true });
});

const credential = {
  getToken: async (scope: string | string[]) => ({
    token: emu.issueToken({ resource: String(scope).includes('management') ? 'arm' : 'graph' }), expiresOnTimestamp: Date.now() + 3600_000,
  }),
};
const collect = (name: string, extra: Partial<CollectOptions> = {}) => collectTenant({
  out: join(root, name), credential, graphEndpoint: emu.httpUrl, armEndpoint: emu.httpUrl,
  logFormat: 'json', logSink: { write: () => undefined }, skip: ['azure'], ...extra,
});

describe('authenticationMethods', () => {
  it('is collected for the break-glass accounts, validated by the loader and exposed by the model', async () => {
    const withMethods = Object.keys(source.authenticationMethods!);
    expect(withMethods.map(upn).every((u) => /breakglass/.test(u))).toBe(true);
    const r = await collect('auto');
    expect(r.counts.authenticationMethods).toBe(withMethods.length);
    const { snapshot } = await loadSnapshot(r.out);
    expect(snapshot.authenticationMethods).toEqual(source.authenticationMethods);
    const model = new DirectoryModel(snapshot);
    const [fido, passwordOnly] = withMethods.map((id) => model.userById.get(id.toLowerCase())!);
    expect(model.authenticationMethodsOf(fido!)!.map((m) => m['@odata.type'])).toContain('#microsoft.graph.fido2AuthenticationMethod');
    expect(model.hasPhishingResistantMethod(fido!)).toBe(true);
    expect(model.hasPhishingResistantMethod(passwordOnly!)).toBe(false);
    const ordinary = snapshot.users!.find((u) => !withMethods.includes(u.id))!;
    expect(model.hasPhishingResistantMethod(ordinary)).toBeUndefined(); // not read: unknown, not "none"
  });

  it('reads exactly the accounts named, and nothing when asked for none', async () => {
    const [first] = Object.keys(source.authenticationMethods!);
    const named = await collect('named', { authMethodsFor: [upn(first!).toUpperCase()] });
    expect(named.counts.authenticationMethods).toBe(1);
    expect(Object.keys((await loadSnapshot(named.out)).snapshot.authenticationMethods!)).toEqual([first]);
    const none = await collect('none', { authMethodsFor: 'none' });
    expect(none.counts.authenticationMethods).toBeUndefined();
    expect((await loadSnapshot(none.out)).snapshot.authenticationMethods).toBeUndefined();
  });

  it('the loader rejects a method without a string @odata.type; unread methods are unknown to the model', async () => {
    const file = join(root, 'bad.json');
    const [id] = Object.keys(source.authenticationMethods!);
    await writeFile(file, JSON.stringify({ ...source, authenticationMethods: { [id!]: [{ '@odata.type': 5 }] } }));
    await expect(loadSnapshot(file)).rejects.toThrow(/@odata\.type.*expected string/);
    const denied = new DirectoryModel({ ...source, unavailable: { authenticationMethods: { status: 403, code: 'Forbidden' } } });
    expect(denied.hasPhishingResistantMethod(denied.userById.get(id!.toLowerCase())!)).toBeUndefined();
  });
});
