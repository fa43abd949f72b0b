import { describe, expect, it } from 'vitest';
import { ARM, GLOBAL_ADMIN, findingsOf, policy, snapshot, user } from '../../../test/helpers/snapshot-builder.js';

const only = async (snap: ReturnType<typeof snapshot>) => {
  const f = await findingsOf(snap, 'ca-azure-management');
  expect(f).toHaveLength(1);
  expect(f[0]!.resourceType).toBe('tenant');
  return f[0]!;
};

describe('ca-azure-management', () => {
  it('accepts All resources as well as the Windows Azure Service Management API', async () => {
    expect((await only(snapshot({ conditionalAccessPolicies: [policy('All apps MFA')] }))).status).toBe('healthy');
    expect((await only(snapshot({ conditionalAccessPolicies: [policy('ARM MFA', { applications: { includeApplications: [ARM] } })] }))).status).toBe('healthy');
  });

  it('accepts an authentication strength as MFA', async () => {
    const p = policy('ARM strength', {
      applications: { includeApplications: [ARM] },
      grantControls: { operator: 'OR', builtInControls: [], authenticationStrength: { id: '00000000-0000-0000-0000-000000000004', requirementsSatisfied: 'mfa', displayName: 'Phishing-resistant MFA' } },
    });
    expect((await only(snapshot({ conditionalAccessPolicies: [p] }))).status).toBe('healthy');
  });

  it('rejects admin portals only, excluded ARM, role-only targeting and mfa OR compliantDevice, and says why', async () => {
    const f = await only(snapshot({
      conditionalAccessPolicies: [
        policy('Portals', { applications: { includeApplications: ['MicrosoftAdminPortals'] } }),
        policy('All but ARM', { applications: { excludeApplications: [ARM] } }),
        policy('Admins', { users: { includeUsers: [], includeRoles: [GLOBAL_ADMIN] } }),
        policy('Either', { grantControls: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] } }),
      ],
    }));
    expect(f.status).toBe('unhealthy');
    const why = (f.evidence.notCredited as { displayName: string; why: string }[]).map((n) => `${n.displayName}: ${n.why}`);
    expect(why).toEqual([
      expect.stringMatching(/^Portals: targets Microsoft Admin Portals, which covers interactive portal sign-ins but not Azure CLI/),
      'All but ARM: excludes Windows Azure Service Management API',
      expect.stringMatching(/^Admins: targets directory roles only/),
      expect.stringMatching(/^Either: MFA can be avoided/),
    ]);
  });

  it('lists report-only candidates', async () => {
    const f = await only(snapshot({ conditionalAccessPolicies: [policy('Pilot', { state: 'enabledForReportingButNotEnforced' })] }));
    expect(f.status).toBe('unhealthy');
    expect(f.reason).toContain("report-only candidates: 'Pilot'");
  });

  it('is notApplicable with security defaults on, unknown when policies could not be read', async () => {
    expect((await only(snapshot({ securityDefaults: { isEnabled: true } }))).status).toBe('notApplicable');
    const f = await only(snapshot({ conditionalAccessPolicies: undefined, unavailable: { conditionalAccessPolicies: { status: 403 } } }));
    expect(f.status).toBe('unknown');
  });

  it('ignores disabled policies', async () => {
    expect((await only(snapshot({ users: [user('a@contoso.com')], conditionalAccessPolicies: [policy('Off', { state: 'disabled' })] }))).status).toBe('unhealthy');
  });
});
