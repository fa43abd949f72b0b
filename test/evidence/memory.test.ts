/**
 * The in-memory sign-in evidence: Graph beta signIn objects in, the aggregates of spec/signins.md out
 * (successful user sign-ins only; single-factor, mandatory-MFA apps, legacy clients, tool versions,
 * automation signals).
 */
import { describe, expect, it } from 'vitest';
import { MemorySignInEvidence } from '../../src/evidence/memory.js';
import { snapshot } from '../helpers/snapshot-builder.js';

const ALICE = 'aaaaaaaa-0000-0000-0000-000000000001';
const BOT = 'bbbbbbbb-0000-0000-0000-000000000002';
const PORTAL = 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c';
const CLI = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const OUTLOOK = '5d661950-3475-41cd-a2c3-d671a3162bc1';
const ARM = '797f4846-ba00-4fd7-ba43-dac1f8f63013';

let n = 0;
/** One sign-in in Graph beta's documented shape (signIn resource). */
function signIn(userId: string, createdDateTime: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `si-${++n}`, createdDateTime, userId, userPrincipalName: userId === ALICE ? 'alice@contoso.com' : 'deploy@contoso.com',
    appId: PORTAL, appDisplayName: 'Azure Portal', resourceId: ARM, clientAppUsed: 'Browser', isInteractive: true,
    signInEventTypes: ['interactiveUser'], authenticationRequirement: 'multiFactorAuthentication', authenticationProtocol: 'none',
    status: { errorCode: 0, failureReason: 'Other.', additionalDetails: null }, userAgent: 'Mozilla/5.0', ipAddress: '203.0.113.7',
    ...patch,
  };
}

const rows = [
  signIn(ALICE, '2026-10-01T09:00:00Z'),
  signIn(ALICE, '2026-10-02T09:00:00Z', { authenticationRequirement: 'singleFactorAuthentication' }),
  signIn(ALICE, '2026-10-03T09:00:00Z', { authenticationRequirement: 'singleFactorAuthentication', status: { errorCode: 50126 } }),
  signIn(ALICE, '2026-10-04T10:00:00Z', { appId: CLI, appDisplayName: 'Microsoft Azure CLI', userAgent: 'python-requests/2.31 AZURECLI/2.61.0 (MSI)' }),
  signIn(ALICE, '2026-10-05T10:00:00Z', { appId: CLI, appDisplayName: 'Microsoft Azure CLI', userAgent: 'AZURECLI/2.9.1' }),
  signIn(ALICE, '2026-10-06T11:00:00Z', { appId: OUTLOOK, appDisplayName: 'Outlook', resourceId: null, clientAppUsed: 'Exchange ActiveSync' }),
  // A service principal's sign-in is not user evidence.
  signIn(ALICE, '2026-10-07T11:00:00Z', { signInEventTypes: ['servicePrincipal'] }),
  // The deployment account: non-interactive, every day at 02:00 ± 3 min, curl against ARM, once over ROPC.
  ...[0, 1, 2, 3, 4].map((d) => signIn(BOT, `2026-10-1${d}T02:0${d % 4}:00Z`, {
    appId: 'd3590ed6-52b3-4102-aeff-aad2292ab01c', appDisplayName: 'Scripts', isInteractive: false, signInEventTypes: ['nonInteractiveUser'],
    authenticationRequirement: 'singleFactorAuthentication', userAgent: 'curl/8.4.0', authenticationProtocol: d === 0 ? 'ropc' : 'none',
  })),
];

describe('MemorySignInEvidence', () => {
  const evidence = new MemorySignInEvidence(rows);

  it('aggregates successful user sign-ins per user and mandatory-MFA app, split by authentication requirement', async () => {
    const portal = (await evidence.userAppSignIns({ userIds: [ALICE.toUpperCase()] })).find((a) => a.appId === PORTAL);
    expect(portal).toMatchObject({
      userId: ALICE, mandatoryMfaPhase: 1, signIns: 2, singleFactor: 1, multiFactor: 1, interactive: 2, nonInteractive: 0,
      firstSeen: '2026-10-01T09:00:00.000Z', lastSeen: '2026-10-02T09:00:00.000Z', lastSingleFactor: '2026-10-02T09:00:00.000Z',
    });
    const apps = await evidence.userAppSignIns({ userIds: [ALICE] });
    expect(apps.map((a) => a.appId).sort()).toEqual([CLI, PORTAL].sort()); // Outlook is not a mandatory-MFA app
    expect((await evidence.userAppSignIns({ userIds: [ALICE], apps: 'all' })).map((a) => a.appId)).toContain(OUTLOOK);
  });

  it('limits every aggregate to the window ending at asOf', async () => {
    const early = await evidence.userAppSignIns({ userIds: [ALICE], asOf: '2026-10-02T00:00:00Z' });
    expect(early.map((a) => [a.appId, a.signIns])).toEqual([[PORTAL, 1]]);
    expect(await evidence.legacyClientSignIns({ since: '2026-10-07T00:00:00Z' })).toEqual([]);
  });

  it('lists legacy clients by user, and tool versions from the user agent only', async () => {
    expect(await evidence.legacyClientSignIns()).toEqual([
      { userId: ALICE, userPrincipalName: 'alice@contoso.com', clientAppUsed: 'Exchange ActiveSync', signIns: 1, lastSeen: '2026-10-06T11:00:00.000Z' },
    ]);
    expect(await evidence.toolVersions()).toEqual([
      { userId: ALICE, userPrincipalName: 'alice@contoso.com', tool: 'azureCli', lowestVersion: '2.9.1', highestVersion: '2.61.0', signIns: 2, lastSeen: '2026-10-05T10:00:00.000Z' },
    ]);
  });

  it('names the automation signals of an account used by a script, and none for a person', async () => {
    const profiles = await evidence.automationProfiles();
    const bot = profiles.find((p) => p.userId === BOT)!;
    expect(bot.signals).toEqual(['ropc', 'nonInteractiveOnly', 'scheduled', 'scriptedClient']);
    expect(bot).toMatchObject({ managementSignIns: 5, interactiveSignIns: 0, scriptedAgents: ['curl/8.4.0'], ipAddresses: ['203.0.113.7'] });
    expect(profiles.find((p) => p.userId === ALICE)!.signals).toEqual([]);
  });

  it('the window is the declared one, else the first and last sign-in', async () => {
    expect(await evidence.window()).toEqual({ from: '2026-10-01T09:00:00.000Z', to: '2026-10-14T02:00:00.000Z' });
    const declared = { from: '2026-09-01T00:00:00Z', to: '2026-11-01T00:00:00Z' };
    expect(await new MemorySignInEvidence(rows, declared).window()).toEqual(declared);
    expect(await new MemorySignInEvidence([]).window()).toBeUndefined();
  });

  it('a snapshot without signIns, or with signIns unavailable, has no evidence', () => {
    expect(MemorySignInEvidence.fromSnapshot(snapshot())).toBeUndefined();
    expect(MemorySignInEvidence.fromSnapshot(snapshot({ signIns: rows, unavailable: { signIns: { status: 403 } } }))).toBeUndefined();
    expect(MemorySignInEvidence.fromSnapshot(snapshot({ signIns: rows }))).toBeInstanceOf(MemorySignInEvidence);
  });
});
