/**
 * coverage.md "Conditions: always, or only sometimes?": client app types, locations (trusted-location
 * bypass vs conditional), platforms, risk levels, device filter, authentication flows.
 */
import { describe, expect, it } from 'vitest';
import type { ConditionalAccessPolicy, NamedLocation } from '../../src/snapshot/types.js';
import { coverageOf, policy, snapshot, user } from '../helpers/snapshot-builder.js';
import { countryLocation, everywhere, grant, ipLocation, states } from '../helpers/coverage.js';

type Conditions = NonNullable<ConditionalAccessPolicy['conditions']>;

function withConditions(conditions: Partial<Conditions>, namedLocations: NamedLocation[] = [], name = 'Conditional MFA') {
  const alice = user('alice@contoso.com');
  const p = policy(name, { conditions });
  return { p, cov: coverageOf(snapshot({ users: [alice], namedLocations, conditionalAccessPolicies: [p] }), alice) };
}

describe('clientAppTypes', () => {
  it.each([
    ['["all"]', ['all']],
    ['unset (null)', null],
    ['unset (empty list)', []],
    ['both modern types', ['browser', 'mobileAppsAndDesktopClients']],
    ['both modern types plus legacy', ['browser', 'mobileAppsAndDesktopClients', 'exchangeActiveSync', 'other']],
  ])('%s is unconditional', (_label, clientAppTypes) => {
    const { cov } = withConditions({ clientAppTypes });
    expect(states(cov)).toEqual(everywhere('enforced'));
  });

  it.each([
    ['browser only', ['browser'], /browser/i],
    ['mobile apps and desktop clients only', ['mobileAppsAndDesktopClients'], /mobile|desktop/i],
    ['browser plus legacy types', ['browser', 'exchangeActiveSync', 'other'], /browser/i],
  ])('%s is conditional and the reason names the client type', (_label, clientAppTypes, phrase) => {
    const { p, cov } = withConditions({ clientAppTypes });
    expect(states(cov)).toEqual(everywhere('conditional'));
    expect(cov.anyApp.policies).toEqual([p.id]);
    expect(cov.anyApp.mechanisms).toEqual(['conditionalAccess']);
    expect(cov.anyApp.reason).toMatch(phrase);
  });

  it.each([
    ['exchangeActiveSync + other', ['exchangeActiveSync', 'other']],
    ['other only', ['other']],
    ['exchangeActiveSync only', ['exchangeActiveSync']],
  ])('legacy-only (%s) does not cover modern sign-ins at all', (_label, clientAppTypes) => {
    const { cov } = withConditions({ clientAppTypes });
    expect(states(cov)).toEqual(everywhere('none'));
  });

  it('a legacy-only block policy ("block legacy authentication") does not block modern sign-ins', () => {
    const alice = user('alice@contoso.com');
    const blockLegacy = policy('Block legacy auth', { conditions: { clientAppTypes: ['exchangeActiveSync', 'other'] }, grantControls: grant('OR', ['block']) });
    const mfa = policy('MFA everyone');
    const cov = coverageOf(snapshot({ users: [alice], conditionalAccessPolicies: [blockLegacy, mfa] }), alice);
    expect(states(cov)).toEqual(everywhere('enforced'));
    expect(cov.anyApp.policies).toEqual([mfa.id]);
  });
});

describe('locations', () => {
  it('include All, exclude AllTrusted → trustedLocationBypass', () => {
    const { p, cov } = withConditions({ locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } });
    expect(states(cov)).toEqual(everywhere('trustedLocationBypass'));
    expect(cov.anyApp.policies).toEqual([p.id]);
    expect(cov.anyApp.mechanisms).toEqual(['conditionalAccess']);
    expect(cov.anyApp.reason).toMatch(/trusted/i);
  });

  it('include All, exclude a trusted named location → trustedLocationBypass, naming the location', () => {
    const hq = ipLocation('HQ egress', true);
    const { cov } = withConditions({ locations: { includeLocations: ['All'], excludeLocations: [hq.id] } }, [hq]);
    expect(states(cov)).toEqual(everywhere('trustedLocationBypass'));
    expect(cov.anyApp.reason).toContain('HQ egress');
  });

  it('include All, exclude several trusted named locations and AllTrusted → trustedLocationBypass', () => {
    const hq = ipLocation('HQ', true);
    const dc = ipLocation('Datacenter', true);
    const { cov } = withConditions({ locations: { includeLocations: ['All'], excludeLocations: [hq.id, dc.id, 'AllTrusted'] } }, [hq, dc]);
    expect(cov.anyApp.state).toBe('trustedLocationBypass');
  });

  it('named-location ids are compared case-insensitively', () => {
    const hq = ipLocation('HQ', true);
    const { cov } = withConditions({ locations: { includeLocations: ['all'], excludeLocations: [hq.id.toUpperCase()] } }, [hq]);
    expect(cov.anyApp.state).toBe('trustedLocationBypass');
  });

  it('include All, exclude an untrusted named location → conditional', () => {
    const cafe = ipLocation('Partner office', false);
    const { cov } = withConditions({ locations: { includeLocations: ['All'], excludeLocations: [cafe.id] } }, [cafe]);
    expect(states(cov)).toEqual(everywhere('conditional'));
    expect(cov.anyApp.reason).toContain('Partner office');
  });

  it('include All, exclude a trusted and an untrusted location → conditional', () => {
    const hq = ipLocation('HQ', true);
    const cafe = ipLocation('Partner office', false);
    const { cov } = withConditions({ locations: { includeLocations: ['All'], excludeLocations: [hq.id, cafe.id] } }, [hq, cafe]);
    expect(cov.anyApp.state).toBe('conditional');
  });

  it('include All, exclude a country location (never trusted) → conditional', () => {
    const home = countryLocation('Home country', ['NL']);
    const { cov } = withConditions({ locations: { includeLocations: ['All'], excludeLocations: [home.id] } }, [home]);
    expect(cov.anyApp.state).toBe('conditional');
  });

  it('include only a named location → conditional, naming it', () => {
    const risky = countryLocation('Outside EU', ['US', 'CN']);
    const { cov } = withConditions({ locations: { includeLocations: [risky.id], excludeLocations: [] } }, [risky]);
    expect(states(cov)).toEqual(everywhere('conditional'));
    expect(cov.anyApp.reason).toContain('Outside EU');
  });

  it('include only AllTrusted (MFA only from trusted places) → conditional', () => {
    const { cov } = withConditions({ locations: { includeLocations: ['AllTrusted'], excludeLocations: [] } });
    expect(cov.anyApp.state).toBe('conditional');
  });

  it('include All with no exclusions does not narrow → enforced', () => {
    const { cov } = withConditions({ locations: { includeLocations: ['All'], excludeLocations: [] } });
    expect(states(cov)).toEqual(everywhere('enforced'));
  });

  it('a trusted-location bypass plus another narrowing condition is conditional', () => {
    const { cov } = withConditions({
      locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
      clientAppTypes: ['browser'],
    });
    expect(cov.anyApp.state).toBe('conditional');
  });
});

describe('other narrowing conditions', () => {
  it('platforms include all without exclusions is unconditional', () => {
    const { cov } = withConditions({ platforms: { includePlatforms: ['all'], excludePlatforms: [] } });
    expect(states(cov)).toEqual(everywhere('enforced'));
  });

  it.each([
    ['platforms: all except iOS', { platforms: { includePlatforms: ['all'], excludePlatforms: ['iOS'] } }, /iOS/i],
    ['platforms: only Windows and macOS', { platforms: { includePlatforms: ['windows', 'macOS'], excludePlatforms: [] } }, /windows/i],
    ['sign-in risk high', { signInRiskLevels: ['high'] }, /risk/i],
    ['sign-in risk medium/high', { signInRiskLevels: ['medium', 'high'] }, /risk/i],
    ['user risk high', { userRiskLevels: ['high'] }, /risk/i],
    ['insider risk elevated', { insiderRiskLevels: 'elevated' }, /insider/i],
    ['device filter', { devices: { deviceFilter: { mode: 'exclude', rule: 'device.trustType -eq "ServerAD"' } } }, /device/i],
    ['authentication flows: device code', { authenticationFlows: { transferMethods: 'deviceCodeFlow' } }, /deviceCodeFlow/i],
  ] as const)('%s → conditional, and the reason names the condition', (_label, conditions, phrase) => {
    const { p, cov } = withConditions(conditions as Partial<Conditions>);
    expect(states(cov)).toEqual(everywhere('conditional'));
    expect(cov.anyApp.policies).toEqual([p.id]);
    expect(cov.anyApp.reason).toMatch(phrase);
  });

  it('empty risk-level lists do not narrow', () => {
    const { cov } = withConditions({ signInRiskLevels: [], userRiskLevels: [], insiderRiskLevels: null });
    expect(cov.anyApp.state).toBe('enforced');
  });

  it('a conditional block does not block (blocked needs an unconditional block)', () => {
    const alice = user('alice@contoso.com');
    const p = policy('Block Android', { conditions: { platforms: { includePlatforms: ['android'], excludePlatforms: [] } }, grantControls: grant('OR', ['block']) });
    const cov = coverageOf(snapshot({ users: [alice], conditionalAccessPolicies: [p] }), alice);
    for (const cell of Object.values(cov)) expect(cell.state).not.toBe('blocked');
  });

  it('a block excluding trusted locations is not an unconditional block', () => {
    const alice = user('alice@contoso.com');
    const block = policy('Block outside trusted', {
      conditions: { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } }, grantControls: grant('OR', ['block']),
    });
    const mfa = policy('MFA everyone');
    const cov = coverageOf(snapshot({ users: [alice], conditionalAccessPolicies: [block, mfa] }), alice);
    expect(cov.anyApp.state).toBe('enforced');
  });
});
