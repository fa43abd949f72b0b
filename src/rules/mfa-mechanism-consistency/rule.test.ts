import { describe, expect, it } from 'vitest';
import { findingsOf, policy, snapshot, user } from '../../../test/helpers/snapshot-builder.js';

const status = async (snap: ReturnType<typeof snapshot>) => {
  const f = await findingsOf(snap, 'mfa-mechanism-consistency');
  expect(f).toHaveLength(1);
  return f[0]!;
};

describe('mfa-mechanism-consistency', () => {
  it('is unhealthy with no MFA mechanism at all', async () => {
    const f = await status(snapshot({ users: [user('a@contoso.com')] }));
    expect(f.status).toBe('unhealthy');
    expect(f.reason).toContain('no MFA mechanism at all');
  });

  it('is unhealthy when per-user MFA is mixed with Conditional Access', async () => {
    const f = await status(snapshot({ users: [user('a@contoso.com', { perUserMfaState: 'enforced' })], conditionalAccessPolicies: [policy('MFA all')] }));
    expect(f.status).toBe('unhealthy');
    expect(f.evidence.perUserMfaUsers).toBe(1);
  });

  it('is unhealthy when security defaults are on alongside enabled CA policies', async () => {
    const f = await status(snapshot({ securityDefaults: { isEnabled: true }, conditionalAccessPolicies: [policy('MFA all')] }));
    expect(f.reason).toContain('security defaults are on alongside 1 enabled CA policies');
  });

  it('is healthy with one mechanism (CA only, or security defaults only)', async () => {
    expect((await status(snapshot({ users: [user('a@contoso.com')], conditionalAccessPolicies: [policy('MFA all')] }))).status).toBe('healthy');
    expect((await status(snapshot({ users: [user('a@contoso.com')], securityDefaults: { isEnabled: true } }))).status).toBe('healthy');
  });

  it('is unknown, not "no mechanism", when security defaults could not be read', async () => {
    const f = await status(snapshot({ users: [user('a@contoso.com')], securityDefaults: undefined, unavailable: { securityDefaults: { status: 403 } } }));
    expect(f.status).toBe('unknown');
  });
});
