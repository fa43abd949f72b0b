import { describe, expect, it } from 'vitest';
import { CONTRIBUTOR_ROLE, OWNER_ROLE, READER_ROLE, azureAssignment, policy, snapshot, user } from '../../../test/helpers/snapshot-builder.js';
import { ARM_RESOURCE, CLI, MOBILE, OUTLOOK, PORTAL, POWERSHELL, TERRAFORM, cli, failed, nonInteractive, ruleFindings, signIn, singleFactor, statusOf } from '../../../test/helpers/signins.js';
import { scan } from '../../app/scan.js';

const RULE = 'mandatory-mfa-readiness';
const SUB = '/subscriptions/00000000-aaaa-4000-8000-000000000001';

describe('mandatory-mfa-readiness with sign-in evidence', () => {
  it('flags a single-factor portal sign-in, with the per-app evidence signins.md lists', async () => {
    const alice = user('alice@contoso.com');
    const snap = snapshot({ users: [alice], userRegistrationDetails: [{ id: alice.id, isMfaCapable: false, isMfaRegistered: false }] });
    const signIns = [
      signIn(alice, '2026-10-01T09:00:00Z'),
      signIn(alice, '2026-10-02T09:00:00Z', singleFactor),
      signIn(alice, '2026-10-03T09:00:00Z', { ...singleFactor, ...nonInteractive }),
    ];
    const [f, ...rest] = await ruleFindings(snap, RULE, { signIns });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ status: 'unhealthy', severity: 'high', resourceType: 'user', resourceId: alice.id });
    expect(f!.evidence.apps).toEqual([{
      appId: PORTAL, appDisplayName: 'Azure Portal', phase: 1, signIns: 3, singleFactor: 2, lastSingleFactor: '2026-10-03T09:00:00.000Z', interactive: 2, nonInteractive: 1,
    }]);
    expect(f!.evidence.mfaCapable).toBe(false);
    expect(f!.reason).toContain('2 successful single-factor sign-ins');
    expect(f!.reason).toContain('lock it out');
  });

  it('counts every mandatory-MFA app (CLI, PowerShell, mobile app, any ARM client) as phase 2, and no other app', async () => {
    const users = [CLI, POWERSHELL, MOBILE, TERRAFORM, OUTLOOK].map((app, i) => ({ app, u: user(`u${i}@contoso.com`) }));
    const snap = snapshot({ users: users.map((x) => x.u) });
    const signIns = users.map(({ app, u }) => signIn(u, '2026-10-01T09:00:00Z', { ...singleFactor, appId: app, appDisplayName: null, resourceId: app === TERRAFORM ? ARM_RESOURCE : null }));
    const findings = await ruleFindings(snap, RULE, { signIns });
    expect(users.map(({ u }) => statusOf(findings, u))).toEqual([['unhealthy'], ['unhealthy'], ['unhealthy'], ['unhealthy'], []]);
    expect(findings.map((f) => (f.evidence.apps as { phase: number }[])[0]!.phase)).toEqual([2, 2, 2, 2]);
  });

  it('is healthy when every sign-in to a mandatory-MFA app did MFA; failed and service-principal sign-ins do not count', async () => {
    const bob = user('bob@contoso.com');
    const signIns = [
      signIn(bob, '2026-10-01T09:00:00Z'),
      signIn(bob, '2026-10-02T09:00:00Z', { ...singleFactor, ...failed }),
      signIn(bob, '2026-10-03T09:00:00Z', { ...singleFactor, signInEventTypes: ['servicePrincipal'] }),
    ];
    const [f] = await ruleFindings(snapshot({ users: [bob] }), RULE, { signIns });
    expect(f).toMatchObject({ status: 'healthy' });
    expect(f!.reason).toContain('1 successful sign-in to mandatory-MFA apps, all with MFA');
  });

  it('a user with no sign-in in the window and no write/owner access is out of scope, not unhealthy', async () => {
    const reader = user('reader@contoso.com');
    const nobody = user('nobody@contoso.com');
    const other = user('other@contoso.com');
    const snap = snapshot({ users: [reader, nobody, other], azureRoleAssignments: [azureAssignment(reader, READER_ROLE, SUB)] });
    expect(await ruleFindings(snap, RULE, { signIns: [signIn(other, '2026-10-01T09:00:00Z')] })).toHaveLength(1);
  });

  it('write/owner accounts are in scope by their tier: unhealthy without healthy azureManagement coverage even with clean sign-ins', async () => {
    const owner = user('owner@contoso.com');
    const writer = user('writer@contoso.com');
    const assignments = [azureAssignment(owner, OWNER_ROLE, SUB), azureAssignment(writer, CONTRIBUTOR_ROLE, SUB)];
    const open = snapshot({ users: [owner, writer], azureRoleAssignments: assignments });
    const signIns = [signIn(writer, '2026-10-01T09:00:00Z')];
    const findings = await ruleFindings(open, RULE, { signIns });
    expect([statusOf(findings, owner), statusOf(findings, writer)]).toEqual([['unhealthy'], ['unhealthy']]);
    expect(findings[0]!.reason).toContain('azureManagement coverage is none');
    const covered = snapshot({ users: [owner, writer], azureRoleAssignments: assignments, conditionalAccessPolicies: [policy('MFA all')] });
    const ok = await ruleFindings(covered, RULE, { signIns });
    expect(ok.map((f) => f.status)).toEqual(['healthy', 'healthy']);
    // ... until the logs show a single-factor sign-in anyway
    const bad = await ruleFindings(covered, RULE, { signIns: [signIn(owner, '2026-10-01T09:00:00Z', { ...cli(), ...singleFactor })] });
    expect(statusOf(bad, owner)).toEqual(['unhealthy']);
  });

  it('ends the window at asOf', async () => {
    const carol = user('carol@contoso.com');
    const signIns = [signIn(carol, '2026-10-01T09:00:00Z'), signIn(carol, '2026-10-05T09:00:00Z', singleFactor)];
    const snap = snapshot({ users: [carol] });
    expect((await ruleFindings(snap, RULE, { signIns, asOf: '2026-10-05T09:00:00Z' })).map((f) => f.status)).toEqual(['healthy']);
    expect((await ruleFindings(snap, RULE, { signIns, asOf: '2026-10-05T09:00:01Z' })).map((f) => f.status)).toEqual(['unhealthy']);
    expect((await ruleFindings(snap, RULE, { signIns, asOf: '2026-10-01T00:00:00Z' }))).toEqual([]);
  });

  it('leaves disabled users out (the scope is enabled users) and ignores sign-ins of accounts not in the directory', async () => {
    const gone = user('gone@contoso.com', { accountEnabled: false });
    const signIns = [signIn(gone, '2026-10-01T09:00:00Z', singleFactor), signIn('99999999-0000-4000-8000-000000000000', '2026-10-01T09:00:00Z', singleFactor)];
    expect(await ruleFindings(snapshot({ users: [gone] }), RULE, { signIns })).toEqual([]);
  });
});

describe('mandatory-mfa-readiness without sign-in data (signins.md, "No sign-in data")', () => {
  const owner = user('owner@contoso.com');
  const coveredOwner = user('covered-owner@contoso.com');
  const writer = user('writer@contoso.com');
  const reader = user('reader@contoso.com');
  const plain = user('plain@contoso.com');
  const disabled = user('disabled@contoso.com', { accountEnabled: false });
  const mfa = policy('MFA for covered owner', { users: { includeUsers: [coveredOwner.id] } });
  const snap = snapshot({
    users: [owner, coveredOwner, writer, reader, plain, disabled],
    azureRoleAssignments: [
      azureAssignment(owner, OWNER_ROLE, SUB), azureAssignment(coveredOwner, OWNER_ROLE, SUB), azureAssignment(writer, CONTRIBUTOR_ROLE, SUB),
      azureAssignment(reader, READER_ROLE, SUB), azureAssignment(disabled, OWNER_ROLE, SUB),
    ],
    conditionalAccessPolicies: [mfa],
  });

  it('is unhealthy from directory data alone, unknown for every other enabled user with Azure access, silent for the rest', async () => {
    const findings = await ruleFindings(snap, RULE);
    expect([owner, coveredOwner, writer, reader, plain, disabled].map((u) => statusOf(findings, u))).toEqual([['unhealthy'], ['unknown'], ['unhealthy'], ['unknown'], [], []]);
    expect(findings.find((f) => f.resourceId === owner.id)!.reason).toContain('decided from directory data');
    expect(findings.find((f) => f.resourceId === reader.id)!.reason).toContain('single-factor sign-ins to Azure cannot be ruled out');
    expect(findings.find((f) => f.resourceId === reader.id)!.evidence).toMatchObject({ tier: 'read', signIns: 'missing' });
  });

  it('adds one tenant-level unknown finding naming the missing sign-ins', async () => {
    const tenant = (await ruleFindings(snap, RULE)).filter((f) => f.resourceType === 'tenant');
    expect(tenant).toHaveLength(1);
    expect(tenant[0]).toMatchObject({ status: 'unknown', evidence: { missing: ['signIns'] } });
    expect(tenant[0]!.reason).toContain('no sign-in evidence was given');
  });

  it('says the Azure role assignments and the sign-ins are missing in one tenant-level finding', async () => {
    const noRbac = snapshot({ users: [owner], azureRoleAssignments: undefined, unavailable: { azureRoleAssignments: { status: 403, code: 'AuthorizationFailed' } } });
    const findings = await ruleFindings(noRbac, RULE);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'unknown', resourceType: 'tenant', evidence: { missing: ['azureRoleAssignments', 'signIns'] } });
    expect(findings[0]!.reason).toMatch(/azureRoleAssignments could not be read.*no sign-in evidence was given/);
  });

  it('is what scan gives for a snapshot whose sign-ins could not be read, with that reason', async () => {
    const failedRead = { ...snap, signIns: undefined, unavailable: { signIns: { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } } };
    const { report } = await scan({ source: { snapshot: failedRead } });
    const mine = report.findings.filter((f) => f.ruleId === RULE);
    expect(mine.find((f) => f.resourceType === 'tenant')!.reason).toContain('signIns could not be read (403 Authorization_RequestDenied');
    expect(mine.find((f) => f.resourceId === owner.id)!.status).toBe('unhealthy');
  });

  it('scan reads the sign-ins a snapshot carries', async () => {
    const withSignIns = { ...snap, signIns: [signIn(plain, '2026-10-01T09:00:00Z', singleFactor)] };
    const { report } = await scan({ source: { snapshot: withSignIns } });
    const mine = report.findings.filter((f) => f.ruleId === RULE);
    expect(mine.find((f) => f.resourceId === plain.id)!.status).toBe('unhealthy');
    expect(mine.find((f) => f.resourceId === coveredOwner.id)!.status).toBe('healthy');
    expect(mine.filter((f) => f.resourceType === 'tenant')).toEqual([]);
  });
});
