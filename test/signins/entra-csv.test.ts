import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, readAll, readError, tempDir } from './helpers.js';

const HEADER = 'Date (UTC),Request ID,User ID,Username,Application,Application ID ,Status,Sign-in error code,Authentication requirement,Client app,Location,Conditional Access';

describe('Entra admin center CSV downloads', () => {
  it('reads the interactive download: portal display strings to Graph spellings, the country from Location, CRLF lines', async () => {
    const { rows, format, lines } = await readAll(fixture('InteractiveSignIns_2026-11-05_2026-11-06.csv'));
    expect(format).toBe('entra-csv');
    expect(lines).toEqual([2, 3]);
    expect(rows[0]).toEqual({
      id: 'a0000000-0000-4000-8000-000000000031', createdDateTime: '2026-11-05T06:00:00.000Z', eventType: 'interactiveUser',
      userId: 'ee000000-0000-4000-8000-000000000001', userPrincipalName: 'erin@tailspin.test', userDisplayName: 'Erin',
      appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', appDisplayName: 'Azure Portal',
      resourceId: '797f4846-ba00-4fd7-ba43-dac1f8f63013', resourceDisplayName: 'Windows Azure Service Management API',
      errorCode: 0, authenticationRequirement: 'singleFactorAuthentication', authenticationProtocol: 'none',
      clientAppUsed: 'Browser', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)', ipAddress: '192.0.2.44',
      countryOrRegion: 'NO', operatingSystem: 'Linux',
      homeTenantId: '7e57a1f0-0000-4000-8000-000000000001', resourceTenantId: '7e57a1f0-0000-4000-8000-000000000001',
      conditionalAccessStatus: 'notApplied', trustedLocation: false, appliedPolicies: null,
    });
    expect(rows[1]).toMatchObject({ errorCode: 50126, authenticationProtocol: 'ropc', conditionalAccessStatus: 'failure' });
  });

  it('takes non-interactive from the file name (the columns do not say), service principals from the header', async () => {
    const { rows } = await readAll(fixture('NonInteractiveSignIns_2026-11-05_2026-11-06.csv'));
    expect(rows.map((r) => [r.eventType, r.authenticationRequirement])).toEqual([['nonInteractiveUser', 'multiFactorAuthentication'], ['nonInteractiveUser', null]]);
    const dir = tempDir();
    writeFileSync(join(dir, 'export.csv'), 'Date (UTC),Request ID,Service principal ID,Service principal name,Application,Application ID ,Status\n2026-11-05T06:00:00Z,r1,sp1,Job,Job,app1,Success\n');
    expect((await readAll(join(dir, 'export.csv'))).rows[0]).toMatchObject({ eventType: 'servicePrincipal', userId: null, errorCode: 0 });
  });

  it('without an error code column, only "Success" is a success', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'InteractiveSignIns.csv'), 'Date (UTC),Request ID,User ID,Application ID,Status\n2026-11-05T06:00:00Z,r1,u1,a1,Success\n2026-11-05T06:00:00Z,r2,u1,a1,Interrupted\n');
    expect((await readAll(join(dir, 'InteractiveSignIns.csv'))).rows.map((r) => r.errorCode)).toEqual([0, -1]);
  });

  it('refuses wrong columns, a ragged row, a row without a user id or request id, with file and line', async () => {
    const dir = tempDir();
    const bad = (name: string, content: string) => {
      writeFileSync(join(dir, name), content);
      return readError(join(dir, name));
    };
    expect(await bad('other.csv', 'Name,Email\nx,y\n')).toMatch(/other\.csv:1: not a sign-in file this reader understands: a CSV needs .*got "Name", "Email"/);
    expect(await bad('nouserid.csv', 'Date (UTC),Request ID,Application ID ,Status\n')).toMatch(/nouserid\.csv:1: key "User ID": not an Entra admin center sign-in download .*"User ID"/);
    const ok = '2026-11-05T06:00:00Z,r1,u1,e@x,App,a1,Success,0,Single-factor authentication,Browser,"Oslo, NO",Success';
    expect(await bad('ragged.csv', `${HEADER}\n${ok}\n${ok},extra\n`)).toMatch(/ragged\.csv:3: not valid CSV \(a row has a different number of fields than the header\)/);
    expect(await bad('quote.csv', `${HEADER}\n${ok}\n2026-11-05T06:00:00Z,"r2,u1\n`)).toMatch(/quote\.csv:\d+: not valid CSV/);
    expect(await bad('nouser.csv', `${HEADER}\n${ok}\n${ok.replace(',u1,', ',,')}\n`)).toMatch(/nouser\.csv:3: key "User ID": missing: a user sign-in needs the user id/);
    expect(await bad('noid.csv', `${HEADER}\n${ok.replace(',r1,', ',,')}\n`)).toMatch(/noid\.csv:2: key "Request ID": missing/);
  });

  it('reads a gzip-compressed download (detected by content), the file name still saying non-interactive', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'NonInteractiveSignIns_2026-11-05.csv.gz'), gzipSync(readFileSync(fixture('NonInteractiveSignIns_2026-11-05_2026-11-06.csv'))));
    const plain = await readAll(fixture('NonInteractiveSignIns_2026-11-05_2026-11-06.csv'));
    expect((await readAll(join(dir, 'NonInteractiveSignIns_2026-11-05.csv.gz'))).rows).toEqual(plain.rows);
  });

  it('reads a UTF-16LE download with a byte order mark', async () => {
    const dir = tempDir();
    const text = `${HEADER}\n2026-11-05T06:00:00Z,r1,u1,é@x,Äpp,a1,Success,0,Multifactor authentication,Browser,"Oslo, NO",Success\n`;
    writeFileSync(join(dir, 'InteractiveSignIns.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    expect((await readAll(join(dir, 'InteractiveSignIns.csv'))).rows[0]).toMatchObject({ userPrincipalName: 'é@x', appDisplayName: 'Äpp', authenticationRequirement: 'multiFactorAuthentication' });
  });
});
