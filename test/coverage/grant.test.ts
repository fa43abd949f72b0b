/**
 * coverage.md "Does a policy require MFA?": policy state, built-in mfa, authentication strengths
 * (inline and by id), AND/OR semantics, block, custom controls and session-only policies.
 */
import { describe, expect, it } from 'vitest';
import type { ConditionalAccessPolicy, Snapshot } from '../../src/snapshot/types.js';
import { coverageOf, policy, snapshot, user } from '../helpers/snapshot-builder.js';
import {
  BUILTIN_STRENGTHS, MFA_STRENGTH, PASSWORDLESS_STRENGTH, PHISHING_RESISTANT_STRENGTH,
  customStrength, everywhere, grant, states, strengthGrant,
} from '../helpers/coverage.js';

function run(policies: ConditionalAccessPolicy[], patch: Partial<Snapshot> = {}) {
  const alice = user('alice@contoso.com');
  return coverageOf(snapshot({ users: [alice], conditionalAccessPolicies: policies, ...patch }), alice);
}
const ofGrant = (g: ConditionalAccessPolicy['grantControls'], patch: Partial<Snapshot> = {}) => run([policy('Grant under test', { grantControls: g })], patch);

describe('policy state', () => {
  it('enabled enforces', () => {
    const p = policy('On', { state: 'enabled' });
    const cov = run([p]);
    expect(states(cov)).toEqual(everywhere('enforced'));
    expect(cov.anyApp.policies).toEqual([p.id]);
  });

  it('report-only never enforces but is reported as reportOnly, with the policy and a reason', () => {
    const p = policy('CA200 Report-only MFA', { state: 'enabledForReportingButNotEnforced' });
    const cov = run([p]);
    expect(states(cov)).toEqual(everywhere('reportOnly'));
    expect(cov.anyApp.mechanisms).toEqual(['conditionalAccess']);
    expect(cov.anyApp.policies).toEqual([p.id]);
    expect(cov.anyApp.reason).toContain('CA200 Report-only MFA');
    expect(cov.anyApp.reason).toMatch(/report-only/i);
  });

  it('disabled is ignored', () => {
    const p = policy('Off', { state: 'disabled' });
    const cov = run([p]);
    expect(states(cov)).toEqual(everywhere('none'));
    expect(cov.anyApp.policies).toEqual([]);
    expect(cov.anyApp.mechanisms).toEqual([]);
  });

  it('a disabled policy that excludes the user does not make the cell excluded', () => {
    const alice = user('alice@contoso.com');
    const p = policy('Off, excluding alice', { state: 'disabled', users: { excludeUsers: [alice.id] } });
    const cov = coverageOf(snapshot({ users: [alice], conditionalAccessPolicies: [p] }), alice);
    expect(states(cov)).toEqual(everywhere('none'));
  });

  it('a report-only block does not block', () => {
    const cov = run([policy('Report-only block', { state: 'enabledForReportingButNotEnforced', grantControls: grant('OR', ['block']) })]);
    for (const cell of Object.values(cov)) {
      expect(cell.state).not.toBe('blocked');
      expect(cell.state).not.toBe('enforced');
    }
  });
});

describe('built-in mfa', () => {
  it('builtInControls mfa requires MFA', () => {
    expect(states(ofGrant(grant('OR', ['mfa'])))).toEqual(everywhere('enforced'));
  });

  it('mfa alone with operator AND requires MFA', () => {
    expect(states(ofGrant(grant('AND', ['mfa'])))).toEqual(everywhere('enforced'));
  });

  it('enum strings are compared case-insensitively (MFA, or)', () => {
    expect(ofGrant({ operator: 'or', builtInControls: ['MFA'] }).anyApp.state).toBe('enforced');
  });

  it('compliantDevice alone does not require MFA', () => {
    expect(states(ofGrant(grant('OR', ['compliantDevice'])))).toEqual(everywhere('none'));
  });

  it('terms of use alone does not require MFA', () => {
    expect(ofGrant(grant('OR', [], { termsOfUse: ['7a9a4b1e-0000-4000-8000-00000000aaaa'] })).anyApp.state).toBe('none');
  });
});

describe('authentication strength', () => {
  it('a strength expanded inline with requirementsSatisfied mfa requires MFA', () => {
    const cov = ofGrant(strengthGrant(MFA_STRENGTH));
    expect(states(cov)).toEqual(everywhere('enforced'));
  });

  it('a custom strength referenced only by id is looked up in authenticationStrengthPolicies', () => {
    const custom = customStrength('Authenticator or FIDO2', ['fido2', 'password,microsoftAuthenticatorPush']);
    const cov = ofGrant(strengthGrant({ id: custom.id }), { authenticationStrengthPolicies: [...BUILTIN_STRENGTHS, custom] });
    expect(states(cov)).toEqual(everywhere('enforced'));
  });

  it('a strength id lookup is case-insensitive', () => {
    const custom = customStrength('Upper-case ref', ['fido2']);
    const cov = ofGrant(strengthGrant({ id: custom.id.toUpperCase() }), { authenticationStrengthPolicies: [custom] });
    expect(cov.anyApp.state).toBe('enforced');
  });

  it('a strength referenced by id whose requirementsSatisfied is not mfa does not require MFA', () => {
    const weak = customStrength('Password only', ['password'], 'none');
    const cov = ofGrant(strengthGrant({ id: weak.id }), { authenticationStrengthPolicies: [weak] });
    expect(states(cov)).toEqual(everywhere('none'));
  });

  it('an inline strength whose requirementsSatisfied is not mfa does not require MFA', () => {
    const weak = customStrength('Password only', ['password'], 'none');
    expect(ofGrant(strengthGrant(weak)).anyApp.state).toBe('none');
  });

  it.each([
    ['Phishing-resistant MFA (built-in, inline)', () => strengthGrant(PHISHING_RESISTANT_STRENGTH), {}],
    ['Passwordless MFA (built-in, inline)', () => strengthGrant(PASSWORDLESS_STRENGTH), {}],
    ['Phishing-resistant MFA (built-in, by id)', () => strengthGrant({ id: PHISHING_RESISTANT_STRENGTH.id }), { authenticationStrengthPolicies: BUILTIN_STRENGTHS }],
    ['Passwordless MFA (built-in, by id)', () => strengthGrant({ id: PASSWORDLESS_STRENGTH.id }), { authenticationStrengthPolicies: BUILTIN_STRENGTHS }],
  ] as const)('%s counts as MFA', (_n, g, patch) => {
    expect(states(ofGrant(g(), patch))).toEqual(everywhere('enforced'));
  });

  it('a strength id not among the collected strengths makes the cells uncertain (none as proven, enforced at best), naming it', () => {
    const other = customStrength('Some other strength', ['fido2']);
    const cov = ofGrant(strengthGrant({ id: 'deadbeef-0000-4000-8000-000000000001' }), { authenticationStrengthPolicies: [other] });
    expect(states(cov)).toEqual(everywhere('none'));
    expect(cov.anyApp.uncertain?.optimisticState).toBe('enforced');
    expect(cov.anyApp.uncertain?.missing.join(' ')).toContain('deadbeef-0000-4000-8000-000000000001');
  });

  it('a strength referenced by id when authenticationStrengthPolicies was not collected makes the cells uncertain', () => {
    const cov = ofGrant(strengthGrant({ id: 'deadbeef-0000-4000-8000-000000000002' }), { authenticationStrengthPolicies: undefined });
    expect(cov.azureManagement.state).toBe('none');
    expect(cov.azureManagement.uncertain?.optimisticState).toBe('enforced');
    expect(cov.azureManagement.uncertain?.missing.join(' ')).toMatch(/authenticationStrengthPolicies|authentication strength/);
  });

  it('a custom strength allowing only FIDO2 and Windows Hello counts as MFA whatever its display name', () => {
    const custom = customStrength('Admins - keys only', ['fido2', 'windowsHelloForBusiness']);
    expect(ofGrant(strengthGrant({ id: custom.id }), { authenticationStrengthPolicies: [custom] }).anyApp.state).toBe('enforced');
  });
});

describe('AND vs OR', () => {
  it('mfa AND compliantDevice requires MFA', () => {
    expect(states(ofGrant(grant('AND', ['mfa', 'compliantDevice'])))).toEqual(everywhere('enforced'));
  });

  it('mfa OR compliantDevice does NOT require MFA, and the reason says why', () => {
    const p = policy('CA300 MFA or compliant device', { grantControls: grant('OR', ['mfa', 'compliantDevice']) });
    const cov = run([p]);
    expect(states(cov)).toEqual(everywhere('none'));
    expect(cov.anyApp.reason).toContain('CA300 MFA or compliant device');
    expect(cov.anyApp.reason).toMatch(/compliantDevice/i);
  });

  it('mfa OR domainJoinedDevice does NOT require MFA', () => {
    expect(ofGrant(grant('OR', ['mfa', 'domainJoinedDevice'])).anyApp.state).toBe('none');
  });

  it('mfa OR an MFA authentication strength requires MFA (every OR branch is MFA-type)', () => {
    expect(states(ofGrant(strengthGrant(MFA_STRENGTH, 'OR', ['mfa'])))).toEqual(everywhere('enforced'));
  });

  it('authentication strength OR compliantDevice does NOT require MFA', () => {
    expect(ofGrant(strengthGrant(PHISHING_RESISTANT_STRENGTH, 'OR', ['compliantDevice'])).anyApp.state).toBe('none');
  });

  it('authentication strength AND compliantDevice requires MFA', () => {
    expect(ofGrant(strengthGrant(PHISHING_RESISTANT_STRENGTH, 'AND', ['compliantDevice'])).anyApp.state).toBe('enforced');
  });

  it('mfa AND passwordChange (risky-user remediation shape, without risk) requires MFA', () => {
    expect(ofGrant(grant('AND', ['mfa', 'passwordChange'])).anyApp.state).toBe('enforced');
  });

  it('mfa OR terms of use does NOT require MFA; mfa AND terms of use does', () => {
    const tou = ['7a9a4b1e-0000-4000-8000-00000000aaaa'];
    expect(ofGrant(grant('OR', ['mfa'], { termsOfUse: tou })).anyApp.state).toBe('none');
    expect(ofGrant(grant('AND', ['mfa'], { termsOfUse: tou })).anyApp.state).toBe('enforced');
  });

  it('mfa OR a custom control does NOT require MFA', () => {
    expect(ofGrant(grant('OR', ['mfa'], { customAuthenticationFactors: ['Duo-MFA'] })).anyApp.state).toBe('none');
  });
});

describe('block, custom controls, session-only', () => {
  it('block blocks access on every target', () => {
    const p = policy('Block everyone', { grantControls: grant('OR', ['block']) });
    const cov = run([p]);
    expect(states(cov)).toEqual(everywhere('blocked'));
    expect(cov.anyApp.mechanisms).toEqual(['conditionalAccess']);
    expect(cov.anyApp.policies).toEqual([p.id]);
  });

  it('a custom control (customAuthenticationFactors) alone does not require MFA', () => {
    const cov = ofGrant(grant('OR', [], { customAuthenticationFactors: ['Duo-MFA'] }));
    expect(states(cov)).toEqual(everywhere('none'));
  });

  it('grantControls null (session-only policy) does not require MFA', () => {
    const p = policy('Sign-in frequency only', {
      grantControls: null,
      extra: { sessionControls: { signInFrequency: { value: 1, type: 'hours', isEnabled: true } } },
    });
    expect(states(run([p]))).toEqual(everywhere('none'));
  });

  it('an empty grant (no controls at all) does not require MFA', () => {
    expect(ofGrant(grant('OR', [])).anyApp.state).toBe('none');
  });
});
