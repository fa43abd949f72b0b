/**
 * coverage.md "Targets": which CA application settings reach which of the five targets, and which
 * policies never cover a target at all (user actions, authentication context, workload identities).
 */
import { describe, expect, it } from 'vitest';
import { ARM, coverageOf, policy, snapshot, user } from '../helpers/snapshot-builder.js';
import { everywhere, grant, states } from '../helpers/coverage.js';

const THIRD_PARTY_APP = 'a0c8b5d1-7e3f-4c2a-9b6d-1f2e3d4c5b6a';

function alone(p: ReturnType<typeof policy>) {
  const alice = user('alice@contoso.com');
  return { alice, cov: coverageOf(snapshot({ users: [alice], conditionalAccessPolicies: [p] }), alice) };
}

describe('target reach: includeApplications', () => {
  it('All reaches every target', () => {
    const p = policy('All apps MFA');
    const { cov } = alone(p);
    expect(states(cov)).toEqual(everywhere('enforced'));
    for (const cell of Object.values(cov)) {
      expect(cell.mechanisms).toEqual(['conditionalAccess']);
      expect(cell.policies).toEqual([p.id]);
    }
  });

  it('Windows Azure Service Management API (797f…) reaches azureManagement and azurePortal only', () => {
    const { cov } = alone(policy('ARM MFA', { applications: { includeApplications: [ARM] } }));
    expect(states(cov)).toEqual({ azureManagement: 'enforced', azurePortal: 'enforced', adminPortals: 'none', office365: 'none', anyApp: 'none' });
  });

  it('MicrosoftAdminPortals reaches azurePortal and adminPortals but not azureManagement', () => {
    const { cov } = alone(policy('Admin portals MFA', { applications: { includeApplications: ['MicrosoftAdminPortals'] } }));
    expect(states(cov)).toEqual({ azureManagement: 'none', azurePortal: 'enforced', adminPortals: 'enforced', office365: 'none', anyApp: 'none' });
  });

  it('Office365 reaches office365 only', () => {
    const { cov } = alone(policy('O365 MFA', { applications: { includeApplications: ['Office365'] } }));
    expect(states(cov)).toEqual({ azureManagement: 'none', azurePortal: 'none', adminPortals: 'none', office365: 'enforced', anyApp: 'none' });
  });

  it('a single third-party app reaches no target (anyApp needs All)', () => {
    const { cov } = alone(policy('One SaaS app MFA', { applications: { includeApplications: [THIRD_PARTY_APP] } }));
    expect(states(cov)).toEqual(everywhere('none'));
  });

  it('None reaches nothing', () => {
    const { cov } = alone(policy('Placeholder', { applications: { includeApplications: ['None'] } }));
    expect(states(cov)).toEqual(everywhere('none'));
  });

  it('ARM + MicrosoftAdminPortals + Office365 together reach every named target but not anyApp', () => {
    const { cov } = alone(policy('Named apps', { applications: { includeApplications: [ARM, 'MicrosoftAdminPortals', 'Office365'] } }));
    expect(states(cov)).toEqual({ azureManagement: 'enforced', azurePortal: 'enforced', adminPortals: 'enforced', office365: 'enforced', anyApp: 'none' });
  });

  it('application ids and keywords are compared case-insensitively', () => {
    const { cov } = alone(policy('Odd casing', { applications: { includeApplications: [ARM.toUpperCase(), 'microsoftadminportals', 'OFFICE365'] } }));
    expect(states(cov)).toEqual({ azureManagement: 'enforced', azurePortal: 'enforced', adminPortals: 'enforced', office365: 'enforced', anyApp: 'none' });
    const { cov: cov2 } = alone(policy('lower all', { applications: { includeApplications: ['all'] } }));
    expect(states(cov2)).toEqual(everywhere('enforced'));
  });
});

describe('target reach: excludeApplications', () => {
  it('All excluding 797f… removes azureManagement and azurePortal (excluded), leaves the rest', () => {
    const { cov } = alone(policy('All but ARM', { applications: { includeApplications: ['All'], excludeApplications: [ARM] } }));
    expect(states(cov)).toEqual({ azureManagement: 'excluded', azurePortal: 'excluded', adminPortals: 'enforced', office365: 'enforced', anyApp: 'enforced' });
  });

  it('All excluding MicrosoftAdminPortals removes azurePortal and adminPortals, not azureManagement', () => {
    const { cov } = alone(policy('All but portals', { applications: { includeApplications: ['All'], excludeApplications: ['MicrosoftAdminPortals'] } }));
    expect(states(cov)).toEqual({ azureManagement: 'enforced', azurePortal: 'excluded', adminPortals: 'excluded', office365: 'enforced', anyApp: 'enforced' });
  });

  it('azurePortal brought in by 797f… is removed by excluding MicrosoftAdminPortals (excluding either removes it)', () => {
    const { cov } = alone(policy('ARM minus portals', { applications: { includeApplications: [ARM], excludeApplications: ['MicrosoftAdminPortals'] } }));
    expect(cov.azurePortal.state).toBe('excluded');
    expect(cov.azureManagement.state).toBe('enforced');
  });

  it('azurePortal brought in by MicrosoftAdminPortals is removed by excluding 797f… (excluding either removes it)', () => {
    const { cov } = alone(policy('Portals minus ARM', { applications: { includeApplications: ['MicrosoftAdminPortals'], excludeApplications: [ARM] } }));
    expect(cov.azurePortal.state).toBe('excluded');
    expect(cov.adminPortals.state).toBe('enforced');
  });

  it('All excluding Office365 removes only office365', () => {
    const { cov } = alone(policy('All but O365', { applications: { includeApplications: ['All'], excludeApplications: ['Office365'] } }));
    expect(states(cov)).toEqual({ azureManagement: 'enforced', azurePortal: 'enforced', adminPortals: 'enforced', office365: 'excluded', anyApp: 'enforced' });
  });

  it('anyApp ignores exclusions of other apps (even of every named grouping)', () => {
    const { cov } = alone(policy('All but lots', {
      applications: { includeApplications: ['All'], excludeApplications: [ARM, 'MicrosoftAdminPortals', 'Office365', THIRD_PARTY_APP] },
    }));
    expect(cov.anyApp.state).toBe('enforced');
    expect(cov.azureManagement.state).toBe('excluded');
    expect(cov.adminPortals.state).toBe('excluded');
    expect(cov.office365.state).toBe('excluded');
  });

  it('excluding an unrelated third-party app changes no target', () => {
    const { cov } = alone(policy('All but SaaS', { applications: { includeApplications: ['All'], excludeApplications: [THIRD_PARTY_APP] } }));
    expect(states(cov)).toEqual(everywhere('enforced'));
  });

  it('an excluded target names the policy and the excluded application in its reason', () => {
    const p = policy('CA100 All apps except ARM', { applications: { includeApplications: ['All'], excludeApplications: [ARM] } });
    const { cov } = alone(p);
    expect(cov.azureManagement.policies).toEqual([p.id]);
    expect(cov.azureManagement.mechanisms).toEqual(['conditionalAccess']);
    expect(cov.azureManagement.reason).toContain('CA100 All apps except ARM');
    expect(cov.azureManagement.reason).toMatch(/Service Management|797f4846/i);
  });
});

describe('policies that never cover a target', () => {
  it('a user-action-only policy (register security info) covers nothing', () => {
    const { cov } = alone(policy('MFA to register security info', {
      applications: { includeApplications: [], includeUserActions: ['urn:user:registersecurityinfo'] },
    }));
    expect(states(cov)).toEqual(everywhere('none'));
  });

  it('a register/join-device user-action policy covers nothing', () => {
    const { cov } = alone(policy('MFA to join devices', {
      applications: { includeApplications: [], includeUserActions: ['urn:user:registerdevice'] },
    }));
    expect(states(cov)).toEqual(everywhere('none'));
  });

  it('an authentication-context-only policy covers nothing', () => {
    const { cov } = alone(policy('Auth context c1', {
      applications: { includeApplications: [], includeAuthenticationContextClassReferences: ['c1'] },
    }));
    expect(states(cov)).toEqual(everywhere('none'));
  });

  it('an authentication-context-only block policy does not block app sign-in', () => {
    const { cov } = alone(policy('Auth context c2 block', {
      applications: { includeApplications: [], includeAuthenticationContextClassReferences: ['c2'] },
      grantControls: grant('OR', ['block']),
    }));
    expect(states(cov)).toEqual(everywhere('none'));
  });

  it.each([
    ['includeUsers None', { includeUsers: ['None'] }],
    ['empty user lists', { includeUsers: [] }],
  ])('a workload-identity policy (clientApplications, %s) never covers a user', (_label, users) => {
    const mfa = policy('Workload identities MFA', {
      users,
      conditions: { clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'], excludeServicePrincipals: [] } },
    });
    const block = policy('Workload identities block', {
      users,
      conditions: { clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'], excludeServicePrincipals: [] } },
      grantControls: grant('OR', ['block']),
    });
    const alice = user('alice@contoso.com');
    const cov = coverageOf(snapshot({ users: [alice], conditionalAccessPolicies: [mfa, block] }), alice);
    expect(states(cov)).toEqual(everywhere('none'));
  });
});
