import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, readAll, readError, tempDir } from './helpers.js';

describe('Log Analytics exports (SigninLogs / AADNonInteractiveUserSignInLogs)', () => {
  it('reads a JSON export: PascalCase, ResultType as text, dynamic columns as objects or JSON text, CreatedDateTime over TimeGenerated, ResourceIdentity (not ResourceId) as the resource', async () => {
    const { rows, format } = await readAll(fixture('la-signinlogs.json'));
    expect(format).toBe('log-analytics-json');
    expect(rows).toEqual([{
      id: 'a0000000-0000-4000-8000-000000000051', createdDateTime: '2026-11-06T10:00:00.000Z', eventType: 'interactiveUser',
      userId: 'f4a40000-0000-4000-8000-000000000001', userPrincipalName: 'frank@tailspin.test', userDisplayName: 'Frank',
      appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', appDisplayName: 'Microsoft Azure CLI',
      resourceId: '797f4846-ba00-4fd7-ba43-dac1f8f63013', resourceDisplayName: 'Windows Azure Service Management API',
      errorCode: 0, authenticationRequirement: 'singleFactorAuthentication', authenticationProtocol: 'deviceCode',
      clientAppUsed: 'Mobile Apps and Desktop clients', userAgent: 'python/3.12.1 (Windows-11) AZURECLI/2.77.0 (MSI)', ipAddress: '198.51.100.20',
      countryOrRegion: 'DE', operatingSystem: 'Windows 11',
      homeTenantId: '7e57a1f0-0000-4000-8000-000000000001', resourceTenantId: '7e57a1f0-0000-4000-8000-000000000001',
      conditionalAccessStatus: 'notApplied', trustedLocation: false,
      appliedPolicies: '[{"id":"c0000000-0000-4000-8000-000000000002","result":"notApplied"}]',
    }]);
  });

  it('reads a CSV export: " [UTC]" headers, the portal\'s en-US time, dynamic columns as JSON text, the table from Category', async () => {
    const { rows, format } = await readAll(fixture('la-noninteractive.csv'));
    expect(format).toBe('log-analytics-csv');
    expect(rows[0]).toMatchObject({
      createdDateTime: '2026-11-06T11:00:00.250Z', eventType: 'nonInteractiveUser', errorCode: 0, countryOrRegion: 'DE', operatingSystem: 'Linux',
      trustedLocation: true, userAgent: 'curl/8.4.0', appliedPolicies: '[{"id":"c0000000-0000-4000-8000-000000000002","result":"reportOnlyInterrupted"}]',
    });
  });

  it('takes the table from Type or IsInteractive when Category is absent', async () => {
    const dir = tempDir();
    const base = { Id: 'x', TimeGenerated: '2026-11-06T10:00:00Z', UserId: 'u', AppId: 'a', ResultType: '0' };
    writeFileSync(join(dir, 'la.json'), JSON.stringify([{ ...base, Type: 'AADNonInteractiveUserSignInLogs' }, { ...base, Id: 'y', IsInteractive: true }, { ...base, Id: 'z', Type: 'AADServicePrincipalSignInLogs', UserId: '' }]));
    expect((await readAll(join(dir, 'la.json'))).rows.map((r) => r.eventType)).toEqual(['nonInteractiveUser', 'interactiveUser', 'servicePrincipal']);
  });

  it('refuses a CSV without the columns it needs, a non-numeric ResultType, a time without a readable layout, bad JSON in a dynamic column', async () => {
    const dir = tempDir();
    const bad = (name: string, content: string) => {
      writeFileSync(join(dir, name), content);
      return readError(join(dir, name));
    };
    expect(await bad('noapp.csv', 'Id,TimeGenerated,ResultType,UserId\nx,2026-11-06T10:00:00Z,0,u\n')).toMatch(/noapp\.csv:1: key "AppId": a Log Analytics sign-in export needs/);
    const head = 'Id,TimeGenerated,ResultType,UserId,AppId,Category,LocationDetails\n';
    expect(await bad('rt.csv', `${head}x,2026-11-06T10:00:00Z,Success,u,a,SignInLogs,\n`)).toMatch(/rt\.csv:2: key "ResultType": expected a whole-number error code, got "Success"/);
    expect(await bad('time.csv', `${head}x,06/11/2026 10:00,0,u,a,SignInLogs,\n`)).toMatch(/time\.csv:2: key "TimeGenerated": expected an ISO 8601 UTC time/);
    expect(await bad('dyn.csv', `${head}x,2026-11-06T10:00:00Z,0,u,a,SignInLogs,"{""city"":"\n`)).toMatch(/dyn\.csv:2: key "LocationDetails": not valid JSON in a dynamic column/);
    expect(await bad('nouser.csv', `${head}x,2026-11-06T10:00:00Z,0,,a,SignInLogs,\n`)).toMatch(/nouser\.csv:2: key "UserId": missing/);
  });
});
