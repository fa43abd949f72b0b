import { describe, expect, it } from 'vitest';
import { snapshot, user } from '../../../test/helpers/snapshot-builder.js';
import { ruleFindings, statusOf } from '../../../test/helpers/signins.js';
import type { TenantConfig } from '../../config/types.js';

const RULE = 'breakglass-phishing-resistant';
const bg1 = user('breakglass1@contoso.com');
const bg2 = user('emergency2@contoso.com');
const plain = user('alice@contoso.com');
const method = (kind: string, id = kind) => ({ '@odata.type': `#microsoft.graph.${kind}AuthenticationMethod`, id });
const config = (...accounts: string[]): TenantConfig => ({ breakGlassAccounts: accounts, exemptions: [] });

describe('breakglass-phishing-resistant', () => {
  it.each([
    ['a FIDO2 security key / passkey', 'fido2', 'healthy'],
    ['Windows Hello for Business', 'windowsHelloForBusiness', 'healthy'],
    ['certificate-based authentication', 'x509Certificate', 'healthy'],
    ['the Authenticator app only', 'microsoftAuthenticator', 'unhealthy'],
    ['a phone only', 'phone', 'unhealthy'],
    ['a password only', 'password', 'unhealthy'],
  ])('%s → %s', async (_what, kind, status) => {
    const snap = snapshot({ users: [bg1], authenticationMethods: { [bg1.id]: [method('password'), method(kind)] } });
    const [f, ...rest] = await ruleFindings(snap, RULE, { config: config('breakglass1@contoso.com') });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ status, resourceType: 'user', resourceId: bg1.id, severity: 'high' });
  });

  it('names the registered methods in the evidence and the reason', async () => {
    const snap = snapshot({ users: [bg1], authenticationMethods: { [bg1.id]: [method('password'), method('phone')] } });
    const [f] = await ruleFindings(snap, RULE, { config: config(bg1.id.toUpperCase()) });
    expect(f!.reason).toBe('no phishing-resistant method registered (registered: password, phone)');
    expect(f!.evidence).toMatchObject({ methods: ['password', 'phone'], phishingResistant: [], declaredAs: bg1.id.toUpperCase() });
  });

  it('a declared account that does not exist, or is disabled, is unhealthy', async () => {
    const off = user('breakglass3@contoso.com', { accountEnabled: false });
    const snap = snapshot({ users: [off], authenticationMethods: { [off.id]: [method('fido2')] } });
    const findings = await ruleFindings(snap, RULE, { config: config('missing-bg@contoso.com', 'breakglass3@contoso.com') });
    expect(findings.map((f) => [f.resourceName, f.status])).toEqual([['missing-bg@contoso.com', 'unhealthy'], ['breakglass3@contoso.com', 'unhealthy']]);
    expect(findings[0]!.reason).toContain('does not exist');
    expect(findings[1]!.reason).toContain('disabled');
  });

  it('is unknown when the methods could not be read, or were not read for this account', async () => {
    const failedRead = snapshot({ users: [bg1], authenticationMethods: undefined, unavailable: { authenticationMethods: { status: 403, code: 'Forbidden' } } });
    const [a] = await ruleFindings(failedRead, RULE, { config: config('breakglass1@contoso.com') });
    expect(a).toMatchObject({ status: 'unknown', evidence: { missing: ['authenticationMethods'] } });
    expect(a!.reason).toContain('authenticationMethods could not be read (403 Forbidden)');
    const notRead = snapshot({ users: [bg1, bg2], authenticationMethods: { [bg1.id]: [method('fido2')] } });
    const findings = await ruleFindings(notRead, RULE, { config: config('breakglass1@contoso.com', 'emergency2@contoso.com') });
    expect([statusOf(findings, bg1), statusOf(findings, bg2)]).toEqual([['healthy'], ['unknown']]);
  });

  it('only declared accounts are in scope; with none declared one tenant-level notApplicable finding names the name-based candidates', async () => {
    const snap = snapshot({ users: [bg1, bg2, plain], authenticationMethods: {} });
    const declaredOne = await ruleFindings(snap, RULE, { config: config('emergency2@contoso.com') });
    expect(declaredOne.map((f) => f.resourceId)).toEqual([bg2.id]);
    for (const findings of [await ruleFindings(snap, RULE, { config: config() }), await ruleFindings(snap, RULE)]) {
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ status: 'notApplicable', resourceType: 'tenant', evidence: { declared: [], nameCandidates: ['breakglass1@contoso.com', 'emergency2@contoso.com'] } });
    }
  });

  it('an account declared by UPN and by object id is one finding', async () => {
    const snap = snapshot({ users: [bg1], authenticationMethods: { [bg1.id]: [method('fido2')] } });
    expect(await ruleFindings(snap, RULE, { config: config('BreakGlass1@contoso.com', bg1.id) })).toHaveLength(1);
  });
});
