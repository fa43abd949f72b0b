/**
 * Snapshot loader (spec/snapshot.md "Two physical layouts, one logical format" and "Rules for
 * readers"): both layouts, gzip detected by content, and clear InputErrors naming file/line/key.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadSnapshot, parseSnapshotObject } from '../../src/snapshot/load.js';
import { InputError } from '../../src/errors.js';
import type { Snapshot } from '../../src/snapshot/types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mfaguard-loader-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEADER = {
  mfaguardSnapshot: 1,
  tenant: { id: '11111111-1111-1111-1111-111111111111', displayName: 'Contoso', defaultDomain: 'contoso.onmicrosoft.com' },
  collectedAt: '2026-11-01T00:00:00Z',
} as const;

const U1 = '0a000000-0000-4000-8000-000000000001';
const U2 = '0a000000-0000-4000-8000-000000000002';
const U3 = '0a000000-0000-4000-8000-000000000003';
const G1 = '0b000000-0000-4000-8000-000000000001';

/** A snapshot with array keys, map-shaped keys, an object key, unknown item properties and `unavailable`. */
function fullSnapshot(): Snapshot {
  return {
    ...HEADER,
    users: [
      { id: U1, userPrincipalName: 'alice@contoso.com', accountEnabled: true, userType: 'Member', customExtension_abc: { nested: [1, 2] } },
      { id: U2, userPrincipalName: 'bob@contoso.com', accountEnabled: false, perUserMfaState: 'enforced' },
      { id: U3, userPrincipalName: 'carol_fabrikam.com#EXT#@contoso.onmicrosoft.com', userType: 'Guest', creationType: 'Invitation' },
    ],
    groups: [{ id: G1, displayName: 'Admins', isAssignableToRole: true, '@odata.type': '#microsoft.graph.group' }],
    groupMembers: {
      [G1]: [
        { '@odata.type': '#microsoft.graph.user', id: U1 },
        { '@odata.type': '#microsoft.graph.user', id: U2, extraRefProp: 'kept' },
      ],
    },
    authenticationRequirements: { [U1]: { perUserMfaState: 'enabled' }, [U3]: { perUserMfaState: 'disabled' } },
    authenticationMethods: { [U1]: [{ '@odata.type': '#microsoft.graph.fido2AuthenticationMethod', id: 'm1', model: 'YubiKey 5' }] },
    conditionalAccessPolicies: [
      {
        id: 'p1', displayName: 'MFA for all', state: 'enabled',
        conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'] }, clientAppTypes: ['all'] },
        grantControls: { operator: 'OR', builtInControls: ['mfa'] },
        unknownPolicyProperty: true,
      },
    ],
    securityDefaults: { isEnabled: false, '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy' },
    signInsWindow: { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' },
    unavailable: { userRegistrationDetails: { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } },
  };
}

const ndjson = (items: unknown[]) => items.map((i) => JSON.stringify(i)).join('\n') + '\n';
const mapNdjson = (map: Record<string, unknown>) => ndjson(Object.entries(map).map(([key, value]) => ({ key, value })));

/** Writes `snap` in the directory layout: header/small keys in manifest.json, collections as NDJSON. */
async function writeDirectory(root: string, snap: Snapshot, opts: { gzip?: string[] } = {}): Promise<void> {
  const gz = new Set(opts.gzip ?? []);
  const manifest: Record<string, unknown> = {};
  const arrays = ['users', 'groups', 'conditionalAccessPolicies'];
  const maps = ['groupMembers', 'authenticationRequirements', 'authenticationMethods'];
  for (const [k, v] of Object.entries(snap)) {
    if (!arrays.includes(k) && !maps.includes(k)) manifest[k] = v;
  }
  await writeFile(join(root, 'manifest.json'), JSON.stringify(manifest, null, 2));
  for (const k of [...arrays, ...maps]) {
    const value = (snap as unknown as Record<string, unknown>)[k];
    if (value === undefined) continue;
    const text = arrays.includes(k) ? ndjson(value as unknown[]) : mapNdjson(value as Record<string, unknown>);
    if (gz.has(k)) await writeFile(join(root, `${k}.ndjson.gz`), gzipSync(text));
    else await writeFile(join(root, `${k}.ndjson`), text);
  }
}

/** Runs a load that must fail and returns its InputError (a TypeError or a hang would fail the test). */
async function inputError(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected the load to fail with an InputError, but it succeeded');
}

function syncInputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}

const minimal = (extra: Record<string, unknown> = {}) => ({ ...HEADER, ...extra });

describe('single-file layout', () => {
  it('loads a .json file to exactly the snapshot that was written', async () => {
    const snap = fullSnapshot();
    const file = join(dir, 'tenant.json');
    await writeFile(file, JSON.stringify(snap, null, 2));
    const { snapshot, warnings } = await loadSnapshot(file);
    expect(snapshot).toEqual(snap);
    expect(warnings).toEqual([]);
  });

  it('keeps unknown properties inside objects and unknown top-level keys (with a warning)', async () => {
    const file = join(dir, 'tenant.json');
    await writeFile(file, JSON.stringify({ ...fullSnapshot(), collectorVersion: '1.2.3' }));
    const { snapshot, warnings } = await loadSnapshot(file);
    expect(snapshot.users?.[0]?.customExtension_abc).toEqual({ nested: [1, 2] });
    expect(snapshot.conditionalAccessPolicies?.[0]?.unknownPolicyProperty).toBe(true);
    expect(snapshot.groupMembers?.[G1]?.[1]?.extraRefProp).toBe('kept');
    expect(snapshot.extra).toEqual({ collectorVersion: '1.2.3' });
    expect(warnings.join('\n')).toContain('collectorVersion');
  });

  it('keeps unknown top-level keys named like Object.prototype members instead of crashing', async () => {
    const file = join(dir, 'tenant.json');
    await writeFile(file, JSON.stringify(minimal({ constructor: { a: { b: 1 } }, toString: 'x', hasOwnProperty: [] })));
    const { snapshot, warnings } = await loadSnapshot(file);
    expect(snapshot.extra).toEqual({ constructor: { a: { b: 1 } }, toString: 'x', hasOwnProperty: [] });
    expect(warnings).toHaveLength(3);
    // "__proto__" is data, not a prototype
    const r = parseSnapshotObject(JSON.parse(`{"mfaguardSnapshot":1,"tenant":{"id":"t"},"collectedAt":"2026-01-01T00:00:00Z","__proto__":{"users":5}}`));
    expect(Object.keys(r.snapshot.extra ?? {})).toEqual(['__proto__']);
    expect(r.snapshot.users).toBeUndefined();
  });

  it('detects gzip by content, not by file name', async () => {
    const snap = fullSnapshot();
    const text = JSON.stringify(snap);
    const gzNamedJson = join(dir, 'a.json');
    const plainNamedGz = join(dir, 'b.json.gz');
    const gz = join(dir, 'c.json.gz');
    await writeFile(gzNamedJson, gzipSync(text));
    await writeFile(plainNamedGz, text);
    await writeFile(gz, gzipSync(text));
    for (const f of [gzNamedJson, plainNamedGz, gz]) {
      expect((await loadSnapshot(f)).snapshot).toEqual(snap);
    }
  });

  it('tolerates duplicate JSON keys inside an object: last wins', async () => {
    const file = join(dir, 'dup.json');
    await writeFile(file, `{"mfaguardSnapshot":1,"tenant":{"id":"t"},"collectedAt":"2020-01-01T00:00:00Z","collectedAt":"2026-11-01T00:00:00Z",
      "users":[{"id":"u1","accountEnabled":"yes","accountEnabled":false,"mail":"old@x.com","mail":"new@x.com"}]}`);
    const { snapshot } = await loadSnapshot(file);
    expect(snapshot.collectedAt).toBe('2026-11-01T00:00:00Z');
    expect(snapshot.users).toEqual([{ id: 'u1', accountEnabled: false, mail: 'new@x.com' }]);
  });

  it('accepts a UTF-8 byte order mark (Windows PowerShell writes one)', async () => {
    const file = join(dir, 'bom.json');
    await writeFile(file, '\uFEFF' + JSON.stringify(minimal({ users: [] })));
    expect((await loadSnapshot(file)).snapshot.users).toEqual([]);
  });

  it('an empty array is "collected, none"; an absent key stays undefined ("not collected")', async () => {
    const file = join(dir, 'empty.json');
    await writeFile(file, JSON.stringify(minimal({ users: [] })));
    const { snapshot } = await loadSnapshot(file);
    expect(snapshot.users).toEqual([]);
    expect(snapshot.groups).toBeUndefined();
    expect(snapshot.unavailable).toEqual({});
  });
});

describe('directory layout (manifest.json + NDJSON)', () => {
  it('loads array keys and map-shaped keys ({"key", "value"} lines) from NDJSON', async () => {
    const snap = fullSnapshot();
    await writeDirectory(dir, snap);
    const { snapshot } = await loadSnapshot(dir);
    expect(snapshot.users).toEqual(snap.users);
    expect(snapshot.groupMembers).toEqual(snap.groupMembers);
    expect(snapshot.authenticationRequirements).toEqual({ [U1]: { perUserMfaState: 'enabled' }, [U3]: { perUserMfaState: 'disabled' } });
    expect(snapshot.authenticationMethods?.[U1]?.[0]?.model).toBe('YubiKey 5');
    expect(snapshot.unavailable).toEqual(snap.unavailable);
    expect(snapshot.securityDefaults).toEqual(snap.securityDefaults);
  });

  it('loads to a snapshot deep-equal to the single-file layout (plain and gzipped NDJSON)', async () => {
    const snap = fullSnapshot();
    const file = join(dir, 'single.json');
    await writeFile(file, JSON.stringify(snap));
    const single = (await loadSnapshot(file)).snapshot;

    const plainDir = join(dir, 'plain');
    const gzDir = join(dir, 'gz');
    await mkdir(plainDir);
    await mkdir(gzDir);
    await writeDirectory(plainDir, snap);
    await writeDirectory(gzDir, snap, { gzip: ['users', 'groupMembers', 'authenticationRequirements', 'conditionalAccessPolicies'] });

    const fromPlain = (await loadSnapshot(plainDir)).snapshot;
    const fromGz = (await loadSnapshot(gzDir)).snapshot;
    expect(fromPlain).toEqual(single);
    expect(fromGz).toEqual(single);
    expect(single).toEqual(snap);
  });

  it('accepts a gzipped manifest (manifest.json.gz)', async () => {
    await writeFile(join(dir, 'manifest.json.gz'), gzipSync(JSON.stringify(minimal())));
    await writeFile(join(dir, 'users.ndjson'), ndjson([{ id: U1 }]));
    expect((await loadSnapshot(dir)).snapshot.users).toEqual([{ id: U1 }]);
  });

  it('tolerates blank lines, whitespace-only lines, CRLF endings and a missing final newline', async () => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(minimal()));
    await writeFile(join(dir, 'users.ndjson'), `\n{"id":"${U1}"}\r\n\r\n   \n\t\n{"id":"${U2}"}\n\n{"id":"${U3}"}`);
    await writeFile(join(dir, 'groupMembers.ndjson'), `\n\n{"key":"${G1}","value":[{"id":"${U1}"}]}\r\n\n`);
    const { snapshot } = await loadSnapshot(dir);
    expect(snapshot.users?.map((u) => u.id)).toEqual([U1, U2, U3]);
    expect(snapshot.groupMembers).toEqual({ [G1]: [{ id: U1 }] });
  });

  it('tolerates duplicate keys inside an NDJSON line (last wins) and keeps unknown properties', async () => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(minimal()));
    await writeFile(join(dir, 'users.ndjson'), `{"id":"${U1}","mail":"a@x.com","mail":"b@x.com","accountEnabled":"x","accountEnabled":true,"onPremisesExtensionAttributes":{"extensionAttribute1":"y"}}\n`);
    const { snapshot } = await loadSnapshot(dir);
    expect(snapshot.users).toEqual([{ id: U1, mail: 'b@x.com', accountEnabled: true, onPremisesExtensionAttributes: { extensionAttribute1: 'y' } }]);
  });

  it('strips a byte order mark at the start of an NDJSON file', async () => {
    await writeFile(join(dir, 'manifest.json'), '\uFEFF' + JSON.stringify(minimal()));
    await writeFile(join(dir, 'users.ndjson'), '\uFEFF' + ndjson([{ id: U1 }, { id: U2 }]));
    expect((await loadSnapshot(dir)).snapshot.users?.map((u) => u.id)).toEqual([U1, U2]);
  });

  it('an empty NDJSON file means "collected, none"', async () => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(minimal()));
    await writeFile(join(dir, 'users.ndjson'), '');
    await writeFile(join(dir, 'groupMembers.ndjson'), '\n');
    const { snapshot } = await loadSnapshot(dir);
    expect(snapshot.users).toEqual([]);
    expect(snapshot.groupMembers).toEqual({});
    expect(snapshot.groups).toBeUndefined();
  });

  it('a later line for the same map key replaces the earlier one', async () => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(minimal()));
    await writeFile(join(dir, 'authenticationRequirements.ndjson'), mapNdjson({ [U1]: { perUserMfaState: 'disabled' } }) + JSON.stringify({ key: U1, value: { perUserMfaState: 'enforced' } }) + '\n');
    expect((await loadSnapshot(dir)).snapshot.authenticationRequirements).toEqual({ [U1]: { perUserMfaState: 'enforced' } });
  });

  it('ignores (with a warning) NDJSON files that are not snapshot collections and other files', async () => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(minimal()));
    await writeFile(join(dir, 'notes.ndjson'), ndjson([{ a: 1 }]));
    await writeFile(join(dir, 'constructor.ndjson'), ndjson([{ a: 1 }]));
    await writeFile(join(dir, 'README.txt'), 'hello');
    const { snapshot, warnings } = await loadSnapshot(dir);
    expect(warnings.some((w) => w.includes('notes.ndjson'))).toBe(true);
    expect(warnings.some((w) => w.includes('constructor.ndjson'))).toBe(true);
    expect(snapshot.extra).toBeUndefined();
  });

  it('streams a large NDJSON collection', async () => {
    const n = 20_000;
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(minimal()));
    const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ id: `u-${i}`, userPrincipalName: `u${i}@contoso.com`, accountEnabled: i % 2 === 0 })).join('\n');
    await writeFile(join(dir, 'users.ndjson.gz'), gzipSync(lines));
    const { snapshot } = await loadSnapshot(dir);
    expect(snapshot.users).toHaveLength(n);
    expect(snapshot.users?.[n - 1]).toEqual({ id: `u-${n - 1}`, userPrincipalName: `u${n - 1}@contoso.com`, accountEnabled: false });
  });
});

describe('bad input: a clear InputError naming file, line and key', () => {
  it('a file that is not JSON names the file and the line of the error', async () => {
    const file = join(dir, 'broken.json');
    const lines = ['{', '  "mfaguardSnapshot": 1,', '  "tenant": {"id": "t"},', '  "users": [ {"id": "u1"}, oops ],', '  "collectedAt": "2026-11-01T00:00:00Z"', ...Array(20).fill('  '), '}'];
    await writeFile(file, lines.join('\n'));
    const err = await inputError(loadSnapshot(file));
    expect(err.message).toContain('broken.json:4');
    expect(err.line).toBe(4);
    expect(err.message).toMatch(/not valid JSON/);
    expect(err.message).not.toContain('\n');
  });

  it('reports the right line for errors V8 gives a position for (missing comma)', async () => {
    const file = join(dir, 'comma.json');
    await writeFile(file, '{\n"mfaguardSnapshot": 1\n"tenant": {"id": "t"}\n}\n');
    const err = await inputError(loadSnapshot(file));
    expect(err.message).toContain('comma.json:3');
  });

  it('a truncated JSON file names the file and its last line', async () => {
    const file = join(dir, 'trunc.json');
    const text = JSON.stringify(fullSnapshot(), null, 2);
    await writeFile(file, text.slice(0, Math.floor(text.length / 2)));
    const err = await inputError(loadSnapshot(file));
    expect(err.file).toContain('trunc.json');
    expect(err.line).toBe(text.slice(0, Math.floor(text.length / 2)).split('\n').length);
  });

  it('a non-JSON gzip payload and a binary non-gzip file are InputErrors', async () => {
    const a = join(dir, 'a.json.gz');
    await writeFile(a, gzipSync('this is not json'));
    expect((await inputError(loadSnapshot(a))).message).toContain('a.json.gz:1');
    const b = join(dir, 'b.json');
    await writeFile(b, Buffer.from([0x00, 0xff, 0x10, 0x7b]));
    expect((await inputError(loadSnapshot(b))).message).toContain('b.json');
  });

  it('a truncated gzip single file is an InputError naming the file', async () => {
    const file = join(dir, 'tenant.json.gz');
    const gz = gzipSync(JSON.stringify(fullSnapshot()));
    await writeFile(file, gz.subarray(0, gz.length - 20));
    const err = await inputError(loadSnapshot(file));
    expect(err.message).toContain('tenant.json.gz');
    expect(err.message).toMatch(/truncated|decompress/);
  });

  it('missing "mfaguardSnapshot" is rejected, naming the key', async () => {
    const { mfaguardSnapshot: _omit, ...rest } = HEADER;
    const file = join(dir, 'nover.json');
    await writeFile(file, JSON.stringify(rest));
    const err = await inputError(loadSnapshot(file));
    expect(err.message).toContain('nover.json');
    expect(err.message).toContain('key "mfaguardSnapshot"');
  });

  it.each([2, 0, '1', null, true])('mfaguardSnapshot %j is rejected', (version) => {
    const err = syncInputError(() => parseSnapshotObject({ ...HEADER, mfaguardSnapshot: version }, 'x.json'));
    expect(err.message).toContain('x.json');
    expect(err.message).toContain('key "mfaguardSnapshot"');
    expect(err.key).toBe('mfaguardSnapshot');
  });

  it.each([['not a date'], [''], [12345], [null], [undefined]])('collectedAt %j is rejected', (collectedAt) => {
    const err = syncInputError(() => parseSnapshotObject({ ...HEADER, collectedAt }, 'x.json'));
    expect(err.message).toContain('key "collectedAt"');
  });

  it('tenant must be an object with a string id', () => {
    expect(syncInputError(() => parseSnapshotObject({ ...HEADER, tenant: 'contoso' })).key).toBe('tenant');
    expect(syncInputError(() => parseSnapshotObject({ ...HEADER, tenant: { displayName: 'x' } })).key).toBe('tenant.id');
  });

  it('a snapshot that is not an object (array, string, null) is rejected', () => {
    for (const doc of [[], 'x', null, 3]) {
      expect(syncInputError(() => parseSnapshotObject(doc, 'x.json')).message).toContain('x.json');
    }
  });

  it('unavailable must map keys to objects', () => {
    expect(syncInputError(() => parseSnapshotObject({ ...HEADER, unavailable: [] })).key).toBe('unavailable');
    expect(syncInputError(() => parseSnapshotObject({ ...HEADER, unavailable: { users: 403 } })).key).toBe('unavailable.users');
  });

  it('a collection of the wrong type names the key', async () => {
    const file = join(dir, 'wrong.json');
    await writeFile(file, JSON.stringify(minimal({ users: { id: 'u1' } })));
    const err = await inputError(loadSnapshot(file));
    expect(err.message).toContain('wrong.json');
    expect(err.message).toContain('key "users"');
    expect(err.message).toMatch(/expected an array, got object/);
  });

  it('a wrongly typed property names the full key path, e.g. users[2].accountEnabled', async () => {
    const file = join(dir, 'prop.json');
    await writeFile(file, JSON.stringify(minimal({ users: [{ id: 'a' }, { id: 'b', accountEnabled: true }, { id: 'c', accountEnabled: 'true' }] })));
    const err = await inputError(loadSnapshot(file));
    expect(err.message).toContain('prop.json');
    expect(err.message).toContain('key "users[2].accountEnabled"');
    expect(err.key).toBe('users[2].accountEnabled');
    expect(err.message).toMatch(/expected boolean, got string/);
  });

  it.each([
    ['users[1].id', { users: [{ id: 'a' }, { displayName: 'no id' }] }],
    ['users[0]', { users: ['u1'] }],
    ['groupMembers', { groupMembers: [] }],
    ['groupMembers.g1', { groupMembers: { g1: { id: 'u1' } } }],
    ['groupMembers.g1[0].id', { groupMembers: { g1: [{ '@odata.type': '#microsoft.graph.user' }] } }],
    ['authenticationRequirements.u1.perUserMfaState', { authenticationRequirements: { u1: { perUserMfaState: 1 } } }],
    ['securityDefaults.isEnabled', { securityDefaults: {} }],
    ['securityDefaults', { securityDefaults: [true] }],
    ['conditionalAccessPolicies[0].conditions.users.includeUsers', { conditionalAccessPolicies: [{ id: 'p', conditions: { users: { includeUsers: 'All' } } }] }],
    ['conditionalAccessPolicies[0].grantControls.builtInControls', { conditionalAccessPolicies: [{ id: 'p', conditions: {}, grantControls: { builtInControls: [1] } }] }],
    ['azureRoleAssignments[0].properties.principalId', { azureRoleAssignments: [{ id: 'a', properties: { roleDefinitionId: 'r' } }] }],
    ['classicAdministrators[0].properties.emailAddress', { classicAdministrators: [{ id: 'c', properties: { role: 'CoAdministrator' } }] }],
    ['roleDefinitions[0].isPrivileged', { roleDefinitions: [{ id: 'r', isPrivileged: 'yes' }] }],
    ['users', { users: null }],
  ])('rejects a wrongly shaped value at key %s', (key, extra) => {
    const err = syncInputError(() => parseSnapshotObject(minimal(extra), 'snap.json'));
    expect(err.key).toBe(key);
    expect(err.message).toContain(`snap.json: key "${key}"`);
  });

  it('an NDJSON line that is not JSON names the file and line number', async () => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(minimal()));
    await writeFile(join(dir, 'users.ndjson'), `{"id":"a"}\n\n{"id": b}\n{"id":"c"}\n`);
    const err = await inputError(loadSnapshot(dir));
    expect(err.message).toContain('users.ndjson:3');
    expect(err.file).toBe('users.ndjson');
    expect(err.line).toBe(3);
  });

  it('a truncated last NDJSON line names the file and its line number', async () => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(minimal()));
    await writeFile(join(dir, 'groups.ndjson'), `{"id":"g1"}\n{"id":"g2"}\n{"id":"g3","displa`);
    const err = await inputError(loadSnapshot(dir));
    expect(err.message).toContain('groups.ndjson:3');
  });

  it('a wrongly typed NDJSON item names file, line and the key path', async () => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(minimal()));
    await writeFile(join(dir, 'users.ndjson'), `{"id":"a"}\n\n{"id":"b","accountEnabled":"no"}\n`);
    const err = await inputError(loadSnapshot(dir));
    expect(err.message).toContain('users.ndjson:3');
    expect(err.message).toContain('key "users[1].accountEnabled"');
  });

  it('a map-shaped NDJSON line without {"key", "value"} or with a bad value is rejected with its line', async () => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(minimal()));
    await writeFile(join(dir, 'groupMembers.ndjson'), `{"key":"g1","value":[{"id":"u1"}]}\n{"g2":[{"id":"u2"}]}\n`);
    let err = await inputError(loadSnapshot(dir));
    expect(err.message).toContain('groupMembers.ndjson:2');
    expect(err.message).toContain('groupMembers');

    await writeFile(join(dir, 'groupMembers.ndjson'), `{"key":"g1","value":[{"id":"u1"}]}\n{"key":"g2","value":{"id":"u2"}}\n`);
    err = await inputError(loadSnapshot(dir));
    expect(err.message).toContain('groupMembers.ndjson:2');
    expect(err.message).toContain('key "groupMembers.g2"');
  });

  it('a non-object NDJSON line in an array collection is rejected with its line and key', async () => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(minimal()));
    await writeFile(join(dir, 'users.ndjson'), `{"id":"a"}\n42\n`);
    const err = await inputError(loadSnapshot(dir));
    expect(err.message).toContain('users.ndjson:2');
    expect(err.message).toContain('key "users[1]"');
  });

  it.each([
    ['without its 8-byte trailer', (n: number) => n - 8],
    ['without its last 4 bytes', (n: number) => n - 4],
    ['cut in the middle', (n: number) => Math.floor(n / 2)],
    ['cut right after the header', () => 12],
  ])('a gzipped NDJSON file %s is an InputError naming the file', async (_label, keep) => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(minimal()));
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: `u${i}`, userPrincipalName: `user${i}@contoso.com`, pad: 'x'.repeat(40) })).join('\n') + '\n';
    const gz = gzipSync(lines);
    await writeFile(join(dir, 'users.ndjson.gz'), gz.subarray(0, keep(gz.length)));
    const err = await inputError(loadSnapshot(dir));
    expect(err.message).toContain('users.ndjson.gz');
    expect(err.message).toMatch(/truncated/);
  });

  it('a key given both in manifest.json and as NDJSON is rejected', async () => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(minimal({ users: [{ id: 'a' }] })));
    await writeFile(join(dir, 'users.ndjson'), ndjson([{ id: 'b' }]));
    const err = await inputError(loadSnapshot(dir));
    expect(err.message).toContain('users.ndjson');
    expect(err.message).toContain('manifest.json');
    expect(err.key).toBe('users');
  });

  it('a directory without manifest.json is rejected, naming the directory', async () => {
    await writeFile(join(dir, 'users.ndjson'), ndjson([{ id: 'a' }]));
    const err = await inputError(loadSnapshot(dir));
    expect(err.message).toContain(dir);
    expect(err.message).toContain('manifest.json');
  });

  it('a manifest that is not a valid snapshot header is rejected, naming manifest.json', async () => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ mfaguardSnapshot: 1, tenant: { id: 't' }, collectedAt: 'yesterday' }));
    const err = await inputError(loadSnapshot(dir));
    expect(err.message).toContain('manifest.json: key "collectedAt"');

    await writeFile(join(dir, 'manifest.json'), '{"mfaguardSnapshot": 1,\n"tenant": {"id": "t"},\n"collectedAt": x\n}');
    expect((await inputError(loadSnapshot(dir))).message).toContain('manifest.json:3');
  });

  it('a path that does not exist is an InputError naming it', async () => {
    const missing = join(dir, 'nope.json');
    const err = await inputError(loadSnapshot(missing));
    expect(err.message).toContain(missing);
  });
});
