import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { SignInRow } from '../../src/evidence/row.js';
import { fastPathEligible, insertFastPath } from '../../src/signins/fast-ndjson.js';
import { SignInStore, importSignIns } from '../../src/signins/store.js';
import { fixture, tempDir } from './helpers.js';

/** Graph beta objects with every variation the normalization handles (spellings, case, zones, empty and absent fields). */
function varied(n: number): string {
  const req = ['singleFactorAuthentication', 'MultifactorAuthentication', 'Single-factor authentication', '', 'somethingNew', ' multiFactorAuthentication '];
  const proto = ['ropc', 'ROPC', 'deviceCode', 'none', 'Resource Owner Password Credential', undefined];
  const ca = ['success', 'Not Applied', 'failure', 'unknownFutureValue', ''];
  const times = ['2026-11-02T08:00:00Z', '2026-11-02T08:00:00.123456Z', '2026-11-02T09:00:00+02:00', '2026-11-02 08:00:00', '2026-11-02T08:00:00.5z'];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const o: Record<string, unknown> = {
      id: i % 9 === 0 ? ` ID-${i} ` : `id-${i}`,
      createdDateTime: times[i % times.length],
      userId: i % 3 === 0 ? `USER-${i % 17}` : `user-${i % 17}`,
      userPrincipalName: i % 5 === 0 ? '' : `u${i % 17}@tailspin.test`,
      appId: i % 2 ? '04B07795-8DDB-461A-BBEE-02F9E1BF7B46' : 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c',
      status: i % 7 === 0 ? { errorCode: 50126, failureReason: 'x' } : { errorCode: 0 },
      authenticationRequirement: req[i % req.length],
      authenticationProtocol: proto[i % proto.length],
      conditionalAccessStatus: ca[i % ca.length],
      userAgent: i % 4 === 0 ? 'a "quoted" \\ agent é' : null,
      location: i % 6 === 0 ? null : { countryOrRegion: i % 2 ? 'FR' : '', city: 'x' },
      deviceDetail: i % 8 === 0 ? {} : { operatingSystem: 'Windows 10' },
      networkLocationDetails: i % 3 === 0 ? [{ networkType: 'TrustedNamedLocation' }] : i % 3 === 1 ? [] : undefined,
      appliedConditionalAccessPolicies: i % 4 === 0 ? undefined : i % 4 === 1 ? [] : [{ id: 'C1', result: 'reportOnlyFailure', displayName: 'p' }, { id: 'c2' }],
      homeTenantId: 'T1', resourceTenantId: i % 2 ? 't1' : 'T2',
      resourceId: i % 3 ? '797F4846-BA00-4FD7-BA43-DAC1F8F63013' : '',
    };
    if (i % 10 === 0) o.isInteractive = i % 20 === 0;
    else o.signInEventTypes = [['interactiveUser'], ['nonInteractiveUser'], ['servicePrincipal'], ['managedIdentity'], ['InteractiveUser', 'other']][i % 5];
    if (o.signInEventTypes && ['servicePrincipal', 'managedIdentity'].includes((o.signInEventTypes as string[])[0]!)) o.userId = '';
    lines.push(JSON.stringify(o));
  }
  return lines.join('\n') + '\n';
}

async function storedRows(db: string): Promise<SignInRow[]> {
  const store = await SignInStore.open(db);
  const rows: SignInRow[] = [];
  for await (const r of store.rows()) rows.push(r);
  store.close();
  return rows;
}

/** The fast path alone into an empty signins table (no reader fallback): what it accepts. */
async function fastPathAlone(dir: string, file: string): Promise<{ ok: true; rows: number } | { ok: false }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    await importSignIns(join(dir, 'schema.duckdb'), []);
    await conn.run(`ATTACH '${join(dir, 'schema.duckdb')}' AS s`);
    await conn.run('CREATE TABLE t AS SELECT * FROM s.signins LIMIT 0');
    return await insertFastPath(conn, 't', file, false, 0);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe('DuckDB fast path for Graph NDJSON (differential: SQL normalization vs the reader)', () => {
  it('takes Graph NDJSON, plain and gzip, and leaves everything else to the reader', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'v.ndjson'), varied(10));
    writeFileSync(join(dir, 'v.gz'), gzipSync(varied(10)));
    expect(await fastPathEligible(join(dir, 'v.ndjson'))).toEqual({ gzip: false });
    expect(await fastPathEligible(join(dir, 'v.gz'))).toEqual({ gzip: true });
    for (const f of ['graph-v1-pages.json', 'graph-array.json', 'la-signinlogs.json', 'InteractiveSignIns_2026-11-05_2026-11-06.csv']) {
      expect(await fastPathEligible(fixture(f))).toBeUndefined();
    }
    writeFileSync(join(dir, 'v[1].ndjson'), varied(3)); // a glob pattern to read_json
    expect(await fastPathEligible(join(dir, 'v[1].ndjson'))).toBeUndefined();
    writeFileSync(join(dir, 'le.ndjson'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(varied(3), 'utf16le')]));
    expect(await fastPathEligible(join(dir, 'le.ndjson'))).toBeUndefined();
  });

  it('loads the varied file itself (no fallback), and gives exactly the rows the reader gives', async () => {
    const dir = tempDir();
    const file = join(dir, 'v.ndjson');
    writeFileSync(file, varied(600));
    // the fast path alone accepts every row (otherwise the comparison below would compare the reader with itself)
    expect(await fastPathAlone(dir, file)).toEqual({ ok: true, rows: 600 });

    await importSignIns(join(dir, 'fast.duckdb'), [{ path: file }]);
    await importSignIns(join(dir, 'reader.duckdb'), [{ path: file }], { readerOnly: true });
    const fast = await storedRows(join(dir, 'fast.duckdb'));
    expect(fast).toHaveLength(600);
    expect(fast).toEqual(await storedRows(join(dir, 'reader.duckdb')));
    expect(new Set(fast.map((r) => r.authenticationRequirement))).toEqual(new Set(['singleFactorAuthentication', 'multiFactorAuthentication', null, 'somethingNew']));
  });

  it('edge cases of the SQL\'s shortcuts (Graph\'s exact spellings) and of the policies\' JSON text: same rows as the reader', async () => {
    const dir = tempDir();
    const file = join(dir, 'edge.ndjson');
    // control characters: DuckDB's to_json writes \u000B where JSON.stringify writes \u000b
    const ctl = String.fromCharCode(1, 8, 9, 10, 11, 12, 13, 27, 31, 127);
    const policies: unknown[] = [
      [], null, undefined,
      [{ id: 'c1', result: 'success' }, { id: 'c2', result: 'notApplied' }],
      [{ id: ' C1 ', result: 'success' }, { id: ' c2', result: 'failure' }, { id: 'c3 ', result: 'success' }],
      [{ id: 'id "quoted" \\ back', result: 'res "q" \\' }],
      [{ id: `ctl${ctl}`, result: `r${ctl}` }],
      [{ id: 'ÉTÉ-ünï-😀', result: 'réSULT \u2028 😀' }],
      [{ id: '', result: '' }, { id: null, result: null }, { result: 'success' }, { id: 'x' }, null, {}],
      [{ id: 'null', result: 'null' }, { id: 'a', result: 'x:null' }],
      [{ id: 'a/b', result: 'c/d' }],
    ];
    const spellings: [unknown, unknown, unknown][] = [
      ['singleFactorAuthentication', 'oAuth2', 'notApplied'],
      [' singleFactorAuthentication ', ' ropc', 'success '],
      ['SINGLEFACTORAUTHENTICATION', 'Resource Owner Password Credentials', 'Not Applied'],
      ['multiFactorAuthentication', 'implicitAccessTokenAndGetResponseMode', 'unknownFutureValue'],
      ['', '', ''], [null, null, null], ['new', 'New Thing', ' other '],
    ];
    const times = ['2026-11-02T08:00:00Z', '2026-11-02T08:00:00.1Z', '2026-11-02T08:00:00.12Z', '2026-11-02T08:00:00.123Z', '2026-11-02T08:00:00.1234567Z',
      '2026-11-02T08:00:00z', ' 2026-11-02T08:00:00Z ', '2026-11-02T08:00:59.000Z', '2026-11-02T08:00:00+01:00', '2026-11-02 08:00:00.999Z'];
    const codes: unknown[] = [0, '0', ' 0 ', -1, '50126', 50126];
    const types: unknown[][] = [['nonInteractiveUser'], ['interactiveUser'], ['InteractiveUser'], ['nonInteractiveUser', 'interactiveUser'], ['noninteractiveuser'], ['servicePrincipal']];
    const rows = 22;
    const lines = Array.from({ length: rows }, (_, i) => {
      const [req, proto, ca] = spellings[i % spellings.length]!;
      return JSON.stringify({
        id: `e-${i}`, createdDateTime: times[i % times.length], userId: 'U', appId: 'a', status: { errorCode: codes[i % codes.length] },
        signInEventTypes: types[i % types.length], authenticationRequirement: req, authenticationProtocol: proto, conditionalAccessStatus: ca,
        appliedConditionalAccessPolicies: policies[i % policies.length],
      });
    });
    writeFileSync(file, lines.join('\n') + '\n');
    expect(await fastPathAlone(dir, file)).toEqual({ ok: true, rows });
    await importSignIns(join(dir, 'fast.duckdb'), [{ path: file }]);
    await importSignIns(join(dir, 'reader.duckdb'), [{ path: file }], { readerOnly: true });
    const fast = await storedRows(join(dir, 'fast.duckdb'));
    expect(fast).toHaveLength(rows);
    expect(fast).toEqual(await storedRows(join(dir, 'reader.duckdb')));
    expect(fast.find((r) => r.id === 'e-6')!.appliedPolicies).toBe(JSON.stringify([{ id: `ctl${ctl}`.toLowerCase(), result: `r${ctl}` }]));
  });

  it('duplicate keys in an object (as in Microsoft\'s own samples): the last wins on both paths', async () => {
    const dir = tempDir();
    const file = join(dir, 'dup.ndjson');
    writeFileSync(file, '{"id":"1","createdDateTime":"2026-11-02T08:00:00Z","userId":"first","userId":"last","appId":"a","status":{"errorCode":0},"isInteractive":true}\n');
    const fast = await importSignIns(join(dir, 'fast.duckdb'), [{ path: file }]);
    await importSignIns(join(dir, 'reader.duckdb'), [{ path: file }], { readerOnly: true });
    expect(fast.totalRows).toBe(1);
    const rows = await storedRows(join(dir, 'fast.duckdb'));
    expect(rows[0]!.userId).toBe('last');
    expect(rows).toEqual(await storedRows(join(dir, 'reader.duckdb')));
  });

  it('the beta fixture (blank line included) loads the same both ways', async () => {
    const dir = tempDir();
    await importSignIns(join(dir, 'fast.duckdb'), [{ path: fixture('graph-beta.ndjson') }]);
    await importSignIns(join(dir, 'reader.duckdb'), [{ path: fixture('graph-beta.ndjson') }], { readerOnly: true });
    expect(await storedRows(join(dir, 'fast.duckdb'))).toEqual(await storedRows(join(dir, 'reader.duckdb')));
  });

  it('a row the SQL cannot vouch for sends the file to the reader, which names the line', async () => {
    const dir = tempDir();
    const file = join(dir, 'v.ndjson');
    const text = varied(50).split('\n');
    text[30] = text[30]!.replace(/"createdDateTime":"[^"]*"/, '"createdDateTime":"02/11/2026"');
    writeFileSync(file, text.join('\n'));
    await expect(importSignIns(join(dir, 'x.duckdb'), [{ path: file }])).rejects.toThrow(/v\.ndjson:31:1: key "createdDateTime": expected an ISO 8601 UTC time/);
    // a type DuckDB refuses (text where it expects an object) but the reader accepts: the file is loaded by the reader
    text[30] = varied(50).split('\n')[30]!.replace(/"location":(null|\{[^}]*\})/, '"location":"Paris"');
    expect(text[30]).toContain('"location":"Paris"');
    writeFileSync(file, text.join('\n'));
    const r = await importSignIns(join(dir, 'y.duckdb'), [{ path: file }]);
    expect(r.totalRows).toBe(50);
    expect((await storedRows(join(dir, 'y.duckdb'))).find((row) => row.id === 'id-30')).toMatchObject({ countryOrRegion: null, operatingSystem: 'Windows 10' });
  });
});
