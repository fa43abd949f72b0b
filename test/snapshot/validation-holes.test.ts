/**
 * Issue 10, "validation without holes": every input the fuzzer found crashing the engine (exit 3) or
 * silently mis-read is an InputError naming file, line and key; open enumerations warn; duplicate
 * ids are refused; UTF-8/UTF-16 with a byte order mark load.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadSnapshot, parseSnapshotObject } from '../../src/snapshot/load.js';
import { InputError } from '../../src/errors.js';
import { evaluateSnapshot } from '../../src/evaluate.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mfaguard-validation-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEADER = { mfaguardSnapshot: 1, tenant: { id: 't1', defaultDomain: 'contoso.com' }, collectedAt: '2026-11-01T00:00:00Z' };
const U1 = { id: 'u1', userPrincipalName: 'alice@contoso.com', accountEnabled: true, userType: 'Member' };
const U2 = { id: 'u2', userPrincipalName: 'bob@contoso.com', accountEnabled: true };
const policy = (over: Record<string, unknown> = {}) => ({
  id: 'p1', displayName: 'MFA', state: 'enabled',
  conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'] } },
  grantControls: { operator: 'OR', builtInControls: ['mfa'] },
  ...over,
});
const roleDef = (permissions: unknown, extra: Record<string, unknown> = {}) => ({
  id: '/providers/Microsoft.Authorization/roleDefinitions/d1', name: 'd1', properties: { roleName: 'Custom', permissions }, ...extra,
});

function inputError(extra: Record<string, unknown>, header: Record<string, unknown> = HEADER): InputError {
  try {
    parseSnapshotObject({ ...header, ...extra }, 'snap.json');
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError, but the snapshot loaded');
}

describe('inputs that crashed the engine are InputErrors naming the key', () => {
  it.each([
    ['notActions as a string', { azureRoleDefinitions: [roleDef([{ actions: ['*'], notActions: 'Microsoft.Authorization/*' }])] }, 'azureRoleDefinitions[0].properties.permissions[0].notActions'],
    ['notActions as numbers', { azureRoleDefinitions: [roleDef([{ actions: ['*'], notActions: [1, 2] }])] }, 'azureRoleDefinitions[0].properties.permissions[0].notActions'],
    ['flattened permissions with numeric actions', { azureRoleDefinitions: [{ id: 'd2', roleName: 'X', permissions: [{ actions: [5] }] }] }, 'azureRoleDefinitions[0].permissions[0].actions'],
    ['a numeric role definition name', { azureRoleDefinitions: [roleDef([{ actions: ['*/read'] }], { name: 42 })] }, 'azureRoleDefinitions[0].name'],
    ['an issuer as a number', { users: [{ ...U1, identities: [{ signInType: 'userPrincipalName', issuer: 7 }] }] }, 'users[0].identities[0].issuer'],
    ['identities that are not objects', { users: [{ ...U1, identities: ['x'] }] }, 'users[0].identities[0]'],
    ['a CA modifiedDateTime that is not a string', { conditionalAccessPolicies: [policy({ modifiedDateTime: 20260101 })] }, 'conditionalAccessPolicies[0].modifiedDateTime'],
  ])('%s', (_name, extra, key) => {
    const err = inputError(extra);
    expect(err.key).toBe(key);
    expect(err.message).toContain('snap.json');
  });

  it('a defaultDomain as a number', () => {
    expect(inputError({}, { ...HEADER, tenant: { id: 't1', defaultDomain: 5 } }).key).toBe('tenant.defaultDomain');
  });

  it('actions: [5] no longer turns Owner-like permissions into a silent tier', () => {
    const err = inputError({ azureRoleDefinitions: [roleDef([{ actions: [5] }])] });
    expect(err.key).toBe('azureRoleDefinitions[0].properties.permissions[0].actions');
  });
});

describe('inputs that were silently mis-read are refused', () => {
  it.each([
    ['operator null with two controls', { grantControls: { operator: null, builtInControls: ['mfa', 'compliantDevice'] } }, 'grantControls.operator', /required with more than one grant control/],
    ['operator missing with a control and a strength', { grantControls: { builtInControls: ['compliantDevice'], authenticationStrength: { id: 's' } } }, 'grantControls.operator', /required/],
    ['operator "XOR"', { grantControls: { operator: 'XOR', builtInControls: ['mfa', 'compliantDevice'] } }, 'grantControls.operator', /unknown value "XOR" \(expected one of AND, OR\)/],
    ['operator as a number', { grantControls: { operator: 1, builtInControls: ['mfa'] } }, 'grantControls.operator', /expected one of AND, OR, got number/],
    ['state "bogus"', { state: 'bogus' }, 'state', /unknown value "bogus" \(expected one of enabled, disabled, enabledForReportingButNotEnforced\)/],
    ['conditions null', { conditions: null }, 'conditions', /required property is missing/],
    ['conditions missing', { conditions: undefined }, 'conditions', /required property is missing/],
  ])('CA policy: %s', (_name, over, key, message) => {
    const err = inputError({ conditionalAccessPolicies: [policy(over)] });
    expect(err.key).toBe(`conditionalAccessPolicies[0].${key}`);
    expect(err.message).toMatch(message);
  });

  it('accepts what Graph and real exports write: one control without an operator, lower-case values', () => {
    const ok = [
      policy({ grantControls: { builtInControls: ['mfa'] } }),
      policy({ id: 'p2', state: 'EnabledForReportingButNotEnforced', grantControls: { operator: 'or', builtInControls: ['mfa', 'compliantDevice'] } }),
      policy({ id: 'p3', grantControls: null }),
    ];
    expect(parseSnapshotObject({ ...HEADER, conditionalAccessPolicies: ok }).snapshot.conditionalAccessPolicies).toHaveLength(3);
  });

  it('a user listed twice is refused, naming the id and both places', () => {
    const err = inputError({ users: [U1, U2, { ...U1 }] });
    expect(err.key).toBe('users[2].id');
    expect(err.message).toMatch(/duplicate id "u1" in "users": also at users\[0\]/);
  });

  it('a policy listed twice is refused', () => {
    expect(inputError({ conditionalAccessPolicies: [policy(), policy()] }).key).toBe('conditionalAccessPolicies[1].id');
  });

  it('Azure collections may repeat an id (per-subscription listing)', () => {
    const def = roleDef([{ actions: ['*/read'] }]);
    expect(() => parseSnapshotObject({ ...HEADER, azureRoleDefinitions: [def, def] })).not.toThrow();
  });

  it('a user listed twice in users.ndjson names both lines', async () => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(HEADER));
    await writeFile(join(dir, 'users.ndjson'), [U1, U2, U1].map((u) => JSON.stringify(u)).join('\n') + '\n');
    const err = await loadSnapshot(dir).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).line).toBe(3);
    expect((err as InputError).message).toMatch(/users\.ndjson:3: .*duplicate id "u1" in "users": also at line 1/);
  });
});

describe('open enumerations (Graph may add values): a warning, said once per value', () => {
  it('an unknown userType, built-in control and guest type warn and still evaluate', () => {
    const users = Array.from({ length: 3 }, (_, i) => ({ ...U1, id: `u${i}`, userType: 'Alien' }));
    const { snapshot, warnings } = parseSnapshotObject({
      ...HEADER, users,
      conditionalAccessPolicies: [policy({
        conditions: { users: { includeUsers: ['All'], excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest,martian' } }, applications: { includeApplications: ['All'] } },
        grantControls: { operator: 'OR', builtInControls: ['mfa', 'futureControl'] },
      })],
    }, 'snap.json');
    expect(warnings).toContain('snap.json: users[].userType: unknown value "Alien" (expected one of Member, Guest) (3 items)');
    expect(warnings.some((w) => w.includes('grantControls.builtInControls: unknown value "futureControl"'))).toBe(true);
    expect(warnings.some((w) => w.includes('guestOrExternalUserTypes: unknown value "martian"'))).toBe(true);
    expect(() => evaluateSnapshot(snapshot)).not.toThrow();
  });

  it('the known values give no warning', () => {
    const { warnings } = parseSnapshotObject({ ...HEADER, users: [U1, { ...U2, userType: 'guest' }], conditionalAccessPolicies: [policy()] });
    expect(warnings).toEqual([]);
  });
});

describe('encodings by byte order mark', () => {
  const snap = { ...HEADER, tenant: { id: 't1', displayName: 'Contosö ✓' }, users: [U1, U2] };
  const text = JSON.stringify(snap, null, 2).replace(/\n/g, '\r\n'); // PowerShell writes CRLF
  const encodings: [string, Buffer][] = [
    ['UTF-16LE with BOM (PowerShell Out-File)', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
  ];

  it.each(encodings)('a single-file snapshot in %s loads', async (_name, bytes) => {
    await writeFile(join(dir, 'snap.json'), bytes);
    const { snapshot } = await loadSnapshot(join(dir, 'snap.json'));
    expect(snapshot.tenant.displayName).toBe('Contosö ✓');
    expect(snapshot.users).toHaveLength(2);
  });

  it.each(encodings)('a gzip-compressed snapshot in %s loads', async (_name, bytes) => {
    await writeFile(join(dir, 'snap.json.gz'), gzipSync(bytes));
    expect((await loadSnapshot(join(dir, 'snap.json.gz'))).snapshot.users).toHaveLength(2);
  });

  it.each([
    ['UTF-16LE', (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')])],
    ['UTF-16BE', (s: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()])],
  ])('a directory snapshot with %s manifest and NDJSON (gzip too) loads, lines and errors counted right', async (_name, encode) => {
    await mkdir(join(dir, 's'));
    await writeFile(join(dir, 's', 'manifest.json'), encode(JSON.stringify(HEADER)));
    // many lines, so the decoder sees characters split across stream chunks
    const many = Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ id: `u${i}`, displayName: `Ünïcödé ${i} ✓` }));
    await writeFile(join(dir, 's', 'users.ndjson'), encode(many.join('\r\n') + '\r\n'));
    await writeFile(join(dir, 's', 'groups.ndjson.gz'), gzipSync(encode(JSON.stringify({ id: 'g1', displayName: 'Grüppe' }) + '\n')));
    const { snapshot } = await loadSnapshot(join(dir, 's'));
    expect(snapshot.users).toHaveLength(30_000);
    expect(snapshot.users![29_999]!.displayName).toBe('Ünïcödé 29999 ✓');
    expect(snapshot.groups![0]!.displayName).toBe('Grüppe');

    await writeFile(join(dir, 's', 'users.ndjson'), encode([JSON.stringify(U1), '{"id": 5}'].join('\n')));
    const err = await loadSnapshot(join(dir, 's')).then(() => undefined, (e: unknown) => e);
    expect((err as InputError).line).toBe(2);
    expect((err as InputError).key).toBe('users[1].id');
  });
});

describe('manifest line counts (directory layout)', () => {
  const lines = [U1, U2, { ...U1, id: 'u3' }].map((u) => JSON.stringify(u));
  const write = async (counts: unknown, users = lines) => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...HEADER, counts }));
    await writeFile(join(dir, 'users.ndjson'), users.join('\n') + '\n');
  };
  const failure = async () => (await loadSnapshot(dir).then(() => undefined, (e: unknown) => e)) as InputError;

  it('a users.ndjson cut at a line boundary is refused', async () => {
    await write({ users: 3 }, lines.slice(0, 2));
    const err = await failure();
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/users\.ndjson: key "users": has 2 lines but manifest\.json counts 3; the file is truncated/);
  });

  it('a counted file that is missing is refused', async () => {
    await write({ users: 3, groups: 1 });
    expect((await failure()).key).toBe('counts.groups');
  });

  it('counts that are not whole numbers are refused', async () => {
    await write({ users: '3' });
    expect((await failure()).key).toBe('counts.users');
  });

  it('matching counts (blank lines not counted) load; without counts nothing is checked', async () => {
    await write({ users: 3 }, [...lines, '']);
    expect((await loadSnapshot(dir)).snapshot.users).toHaveLength(3);
    await write(undefined, lines.slice(0, 1));
    expect((await loadSnapshot(dir)).snapshot.users).toHaveLength(1);
  });
});
