import { describe, expect, it } from 'vitest';
import { findingsOf, guest, policy, snapshot, user } from '../../../test/helpers/snapshot-builder.js';

describe('mfa-registration', () => {
  it('flags members that are not MFA capable and says whether per-user MFA will force registration', async () => {
    const a = user('a@contoso.com', { perUserMfaState: 'enabled' });
    const b = user('b@contoso.com');
    const c = user('c@contoso.com');
    const snap = snapshot({
      users: [a, b, c],
      userRegistrationDetails: [
        { id: a.id, isMfaCapable: false, isMfaRegistered: false, methodsRegistered: [] },
        { id: b.id, isMfaCapable: false, isMfaRegistered: true, methodsRegistered: ['mobilePhone'] },
        { id: c.id, isMfaCapable: true, isMfaRegistered: true, methodsRegistered: ['microsoftAuthenticatorPush'] },
      ],
      conditionalAccessPolicies: [policy('MFA all')],
    });
    const byId = new Map((await findingsOf(snap, 'mfa-registration')).map((f) => [f.resourceId, f]));
    expect(byId.get(a.id)).toMatchObject({ status: 'unhealthy', evidence: expect.objectContaining({ registrationForcedAtNextSignIn: true }) });
    expect(byId.get(a.id)!.reason).toContain('will be forced');
    expect(byId.get(b.id)!.reason).toContain('not allowed by the authentication methods policy');
    expect(byId.get(c.id)!.status).toBe('healthy');
  });

  it('falls back to isMfaRegistered, skips guests, and reports disabled members notApplicable', async () => {
    const a = user('a@contoso.com');
    const g = guest('x@fabrikam.com');
    const d = user('d@contoso.com', { accountEnabled: false });
    const snap = snapshot({ users: [a, g, d], userRegistrationDetails: [{ id: a.id, isMfaRegistered: true }] });
    const findings = await findingsOf(snap, 'mfa-registration');
    expect(findings.map((f) => [f.resourceId, f.status])).toEqual([[a.id, 'healthy'], [d.id, 'notApplicable']]);
  });

  it('is unknown (never healthy) when the registration report could not be read', async () => {
    const a = user('a@contoso.com');
    const snap = snapshot({ users: [a], userRegistrationDetails: undefined, unavailable: { userRegistrationDetails: { status: 403, code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant' } } });
    const [f] = await findingsOf(snap, 'mfa-registration');
    expect(f!.status).toBe('unknown');
    expect(f!.reason).toContain('userRegistrationDetails could not be read');
  });
});
