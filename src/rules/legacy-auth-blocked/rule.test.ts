import { describe, expect, it } from 'vitest';
import { group, policy, snapshot, user } from '../../../test/helpers/snapshot-builder.js';
import { OUTLOOK, failed, ruleFindings, signIn } from '../../../test/helpers/signins.js';

const RULE = 'legacy-auth-blocked';
const alice = user('alice@contoso.com');
const printer = user('scanner@contoso.com');
const BLOCK = { operator: 'OR', builtInControls: ['block'], customAuthenticationFactors: [], termsOfUse: [], authenticationStrength: null };
const blockLegacy = (name = 'Block legacy authentication', patch: Parameters<typeof policy>[1] = {}) =>
  policy(name, { conditions: { clientAppTypes: ['exchangeActiveSync', 'other'] }, grantControls: BLOCK, ...patch });
const legacy = (u: typeof alice, at: string, client: string) => signIn(u, at, { appId: OUTLOOK, appDisplayName: 'Office 365 Exchange Online', resourceId: null, clientAppUsed: client, authenticationRequirement: 'singleFactorAuthentication' });
const signIns = [
  legacy(printer, '2026-10-01T10:00:00Z', 'Authenticated SMTP'),
  legacy(printer, '2026-10-02T10:00:00Z', 'Authenticated SMTP'),
  legacy(alice, '2026-10-03T10:00:00Z', 'Exchange ActiveSync'),
  { ...legacy(alice, '2026-10-04T10:00:00Z', 'IMAP4'), ...failed },
  signIn(alice, '2026-10-05T10:00:00Z'),
];

describe('legacy-auth-blocked', () => {
  it('is unhealthy with no blocking policy, listing the successful legacy sign-ins by client and user', async () => {
    const [f, ...rest] = await ruleFindings(snapshot({ users: [alice, printer] }), RULE, { signIns });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ status: 'unhealthy', severity: 'high', resourceType: 'tenant' });
    expect(f!.evidence.legacySignIns).toEqual({
      signIns: 3, users: 2,
      byClient: [
        { clientAppUsed: 'Authenticated SMTP', signIns: 2, users: 1, lastSeen: '2026-10-02T10:00:00.000Z' },
        { clientAppUsed: 'Exchange ActiveSync', signIns: 1, users: 1, lastSeen: '2026-10-03T10:00:00.000Z' },
      ],
      byUser: [
        { userId: printer.id, userPrincipalName: 'scanner@contoso.com', clientAppUsed: 'Authenticated SMTP', signIns: 2, lastSeen: '2026-10-02T10:00:00.000Z' },
        { userId: alice.id, userPrincipalName: 'alice@contoso.com', clientAppUsed: 'Exchange ActiveSync', signIns: 1, lastSeen: '2026-10-03T10:00:00.000Z' },
      ],
    });
    expect(f!.reason).toContain('3 successful legacy sign-ins by 2 users');
  });

  it('is healthy with an enabled All users / All resources / exchangeActiveSync+other / block policy, and still lists who got through its exclusion', async () => {
    const exempt = group('Legacy exceptions', [{ id: printer.id }]);
    const snap = snapshot({ users: [alice, printer], groups: [exempt.group], conditionalAccessPolicies: [blockLegacy('Block legacy', { users: { excludeGroups: [exempt.group.id] } })] });
    const [f] = await ruleFindings(snap, RULE, { signIns });
    expect(f!.status).toBe('healthy');
    expect(f!.reason).toContain("blocked by 'Block legacy'");
    expect(f!.reason).toContain('got through an exclusion');
    expect(f!.evidence.blockingPolicies).toMatchObject([{ displayName: 'Block legacy', excludes: { groups: [exempt.group.id] } }]);
    expect((f!.evidence.legacySignIns as { signIns: number }).signIns).toBe(3);
  });

  it('is healthy with security defaults on', async () => {
    const [f] = await ruleFindings(snapshot({ users: [alice], securityDefaults: { isEnabled: true } }), RULE, { signIns: [] });
    expect(f).toMatchObject({ status: 'healthy', evidence: { securityDefaults: true } });
    expect(f!.reason).toContain('no successful legacy sign-in in the window');
  });

  it.each([
    ['report-only', blockLegacy('P', { state: 'enabledForReportingButNotEnforced' })],
    ['disabled', blockLegacy('P', { state: 'disabled' })],
    ['only some users', blockLegacy('P', { users: { includeUsers: [alice.id] } })],
    ['only some apps', blockLegacy('P', { applications: { includeApplications: ['Office365'] } })],
    ['exchangeActiveSync only', policy('P', { conditions: { clientAppTypes: ['exchangeActiveSync'] }, grantControls: BLOCK })],
    ['other only', policy('P', { conditions: { clientAppTypes: ['other'] }, grantControls: BLOCK })],
    ['MFA instead of block', policy('P', { conditions: { clientAppTypes: ['exchangeActiveSync', 'other'] } })],
  ])('a policy that is %s does not count', async (_what, p) => {
    const [f] = await ruleFindings(snapshot({ users: [alice], conditionalAccessPolicies: [p] }), RULE, { signIns });
    expect(f!.status).toBe('unhealthy');
  });

  it('names a report-only candidate and policies that block legacy clients only partly', async () => {
    const snap = snapshot({ conditionalAccessPolicies: [blockLegacy('Candidate', { state: 'enabledForReportingButNotEnforced' }), blockLegacy('Pilot', { users: { includeUsers: [alice.id] } })] });
    const [f] = await ruleFindings(snap, RULE, { signIns: [] });
    expect(f!.evidence.reportOnlyCandidates).toMatchObject([{ displayName: 'Candidate' }]);
    expect(f!.evidence.partialPolicies).toMatchObject([{ displayName: 'Pilot', why: 'does not include All users' }]);
    expect(f!.reason).toContain("report-only candidate: 'Candidate'");
  });

  it('is unknown when policies or security defaults could not be read and nothing proves a block', async () => {
    const noCa = snapshot({ conditionalAccessPolicies: undefined, unavailable: { conditionalAccessPolicies: { status: 403, code: 'Forbidden' } } });
    const [f] = await ruleFindings(noCa, RULE, { signIns: [] });
    expect(f).toMatchObject({ status: 'unknown', evidence: { missing: ['conditionalAccessPolicies'] } });
    // security defaults on decide it even when the policies are missing
    const sdOn = snapshot({ conditionalAccessPolicies: undefined, securityDefaults: { isEnabled: true }, unavailable: { conditionalAccessPolicies: { status: 403 } } });
    expect((await ruleFindings(sdOn, RULE, { signIns: [] }))[0]!.status).toBe('healthy');
    const noSd = snapshot({ securityDefaults: undefined, unavailable: { securityDefaults: { status: 403 } }, conditionalAccessPolicies: [blockLegacy()] });
    expect((await ruleFindings(noSd, RULE, { signIns: [] }))[0]!.status).toBe('healthy');
  });

  it('without sign-ins the verdict still comes from the directory, and the evidence says the sign-ins are missing', async () => {
    const unhealthy = await ruleFindings(snapshot({ users: [alice] }), RULE);
    expect(unhealthy).toHaveLength(1);
    expect(unhealthy[0]).toMatchObject({ status: 'unhealthy', evidence: { legacySignIns: 'missing' } });
    expect(unhealthy[0]!.reason).toContain('Legacy sign-ins: unknown, no sign-in evidence was given');
    const healthy = await ruleFindings(snapshot({ conditionalAccessPolicies: [blockLegacy()] }), RULE);
    expect(healthy.map((f) => f.status)).toEqual(['healthy']);
  });

  it('ends the window at asOf', async () => {
    const [f] = await ruleFindings(snapshot({ users: [alice, printer] }), RULE, { signIns, asOf: '2026-10-02T00:00:00Z' });
    expect((f!.evidence.legacySignIns as { signIns: number }).signIns).toBe(1);
    expect(f!.evidence.window).toEqual({ from: '2026-10-01T10:00:00.000Z', to: '2026-10-02T00:00:00Z' });
  });
});
