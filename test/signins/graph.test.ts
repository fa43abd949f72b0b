import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, readAll, readError, tempDir } from './helpers.js';

describe('Graph sign-in JSON', () => {
  it('reads beta NDJSON: event types, lower-cased ids, Graph spellings, location, device, trusted network, applied policies', async () => {
    const { rows, format, lines } = await readAll(fixture('graph-beta.ndjson'));
    expect(format).toBe('graph-json');
    expect(lines).toEqual([1, 2, 4, 5]); // the blank line 3 is skipped, lines still counted
    const [alice, ps, sp, failed] = rows;
    expect(alice).toEqual({
      id: 'a0000000-0000-4000-8000-000000000001', createdDateTime: '2026-11-02T08:00:00.000Z', eventType: 'interactiveUser',
      userId: '0a11ce00-0000-4000-8000-000000000001', userPrincipalName: 'alice@tailspin.test', userDisplayName: 'Alice',
      appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', appDisplayName: 'Microsoft Azure CLI',
      resourceId: '797f4846-ba00-4fd7-ba43-dac1f8f63013', resourceDisplayName: 'Windows Azure Service Management API',
      errorCode: 0, authenticationRequirement: 'singleFactorAuthentication', authenticationProtocol: 'ropc',
      clientAppUsed: 'Mobile Apps and Desktop clients', userAgent: 'python/3.11.8 (Linux) AZURECLI/2.60.0 (DEB)', ipAddress: '198.51.100.7',
      countryOrRegion: 'FR', operatingSystem: 'Linux',
      homeTenantId: '7e57a1f0-0000-4000-8000-000000000001', resourceTenantId: '7e57a1f0-0000-4000-8000-000000000001',
      conditionalAccessStatus: 'notApplied', trustedLocation: true,
      appliedPolicies: '[{"id":"c0000000-0000-4000-8000-000000000001","result":"reportOnlyFailure"}]',
    });
    expect(ps).toMatchObject({ eventType: 'nonInteractiveUser', authenticationRequirement: 'multiFactorAuthentication', createdDateTime: '2026-11-02T09:30:00.123Z', appliedPolicies: null, trustedLocation: false });
    expect(sp).toMatchObject({ eventType: 'servicePrincipal', userId: null });
    expect(failed).toMatchObject({ errorCode: 50126, userPrincipalName: 'bob@tailspin.test' });
  });

  it('reads v1.0 pages concatenated in one file (isInteractive for the event type), and a JSON array with hostile strings', async () => {
    const pages = await readAll(fixture('graph-v1-pages.json'));
    expect(pages.rows.map((r) => [r.id.slice(-2), r.eventType, r.clientAppUsed])).toEqual([['11', 'interactiveUser', 'Browser'], ['12', 'nonInteractiveUser', 'IMAP4']]);
    expect(pages.lines).toEqual([4, 28]);
    expect(pages.rows[0]).toMatchObject({ appliedPolicies: '[]', countryOrRegion: 'NO', operatingSystem: 'Windows10' });
    const array = await readAll(fixture('graph-array.json'));
    expect(array.rows[0]!.userAgent).toBe('a "quoted" agent with a } brace and \\ backslash');
    expect(array.rows).toHaveLength(2);
  });

  it('reads gzip by content, UTF-16LE and UTF-16BE with a byte order mark, a page per NDJSON line, and records split across read chunks', async () => {
    const dir = tempDir();
    const text = `{"value": [${JSON.stringify(one('1'))}, ${JSON.stringify(one('2'))}]}\n{"value": [${JSON.stringify(one('3'))}]}\n`;
    writeFileSync(join(dir, 'pages.json.weird'), gzipSync(Buffer.from(text)));
    writeFileSync(join(dir, 'le.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const be = Buffer.from(text, 'utf16le').swap16();
    writeFileSync(join(dir, 'be.json'), Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    for (const f of ['pages.json.weird', 'le.json', 'be.json']) {
      expect((await readAll(join(dir, f))).rows.map((r) => r.id)).toEqual(['1', '2', '3']);
    }
    // 3 MiB of records: chunk boundaries fall inside strings, escapes and records
    const many = Array.from({ length: 6000 }, (_, i) => JSON.stringify({ ...one(String(i)), userAgent: 'x\\"}{'.repeat(50) })).join('\n');
    writeFileSync(join(dir, 'many.ndjson'), many);
    const read = await readAll(join(dir, 'many.ndjson'));
    expect(read.rows).toHaveLength(6000);
    expect(read.rows[5999]).toMatchObject({ id: '5999', userAgent: 'x\\"}{'.repeat(50) });
    expect(read.lines[5999]).toBe(6000);
  });

  it('reads Azure Monitor diagnostic records ({ "records": [...] }, category gives the event type)', async () => {
    const dir = tempDir();
    const { createdDateTime: _c, signInEventTypes: _t, ...props } = one('d1');
    writeFileSync(join(dir, 'PT1H.json'), JSON.stringify({ records: [{ time: '2026-11-02T08:00:00Z', category: 'NonInteractiveUserSignInLogs', properties: props }] }));
    const { rows } = await readAll(join(dir, 'PT1H.json'));
    expect(rows[0]).toMatchObject({ id: 'd1', eventType: 'nonInteractiveUser', createdDateTime: '2026-11-02T08:00:00.000Z' });
  });

  it('names file, line, column and key of bad input', async () => {
    const dir = tempDir();
    const bad = (name: string, content: string) => {
      writeFileSync(join(dir, name), content);
      return readError(join(dir, name));
    };
    const ok = JSON.stringify(one('1'));
    expect(await bad('truncated.ndjson', `${ok}\n{"id": "2", "createdDateTime": `)).toMatch(/truncated\.ndjson:2\b.*input ends inside an object/);
    expect(await bad('syntax.ndjson', `${ok}\n  {"id": "2",, "x": 1}\n`)).toMatch(/syntax\.ndjson:2:14: not valid JSON/);
    expect(await bad('noid.ndjson', `${ok}\n${JSON.stringify({ ...one('x'), id: undefined })}\n`)).toMatch(/noid\.ndjson:2:1: key "id": missing/);
    expect(await bad('notime.json', `[\n  ${ok},\n  ${JSON.stringify({ ...one('x'), createdDateTime: undefined })}\n]`)).toMatch(/notime\.json:3:3: key "createdDateTime": missing/);
    expect(await bad('badtime.ndjson', JSON.stringify({ ...one('x'), createdDateTime: 'yesterday' }))).toMatch(/badtime\.ndjson:1:1: key "createdDateTime": expected an ISO 8601 UTC time/);
    expect(await bad('nouser.ndjson', JSON.stringify({ ...one('x'), userId: '' }))).toMatch(/nouser\.ndjson:1:1: key "userId": missing: a user sign-in needs the user id/);
    expect(await bad('nostatus.ndjson', JSON.stringify({ ...one('x'), status: undefined }))).toMatch(/key "status\.errorCode": missing/);
    expect(await bad('pretty.json', '[\n  {\n    "id": "1",\n    "createdDateTime": 2026-11-02\n  }\n]')).toMatch(/pretty\.json:4:28: not valid JSON/);
    expect(await bad('scalar.json', '[1, 2]')).toMatch(/scalar\.json:1:2: expected a sign-in object in the array, got "1"/);
    expect(await bad('text.json', '{"value": []} garbage')).toMatch(/text\.json:1:15: not a sign-in file/);
    expect(await bad('noshape.ndjson', '{"foo": 1}')).toMatch(/noshape\.ndjson:1:1: key "createdDateTime": missing/);
    writeFileSync(join(dir, 'cut.json.gz'), gzipSync(Buffer.from(ok.repeat(2000))).subarray(0, 200));
    expect(await readError(join(dir, 'cut.json.gz'))).toMatch(/cut\.json\.gz: cannot decompress gzip data/);
  });
});

function one(id: string): Record<string, unknown> {
  return {
    id, createdDateTime: '2026-11-02T08:00:00Z', userId: 'u1', appId: 'app1', status: { errorCode: 0 }, signInEventTypes: ['interactiveUser'],
  };
}
