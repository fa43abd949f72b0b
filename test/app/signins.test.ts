/**
 * `signIns()`: the MFA gaps workbook pivots (spec/signins.md, Workbook parity) and its filters, over
 * the sign-ins a snapshot carries or any SignInEvidence passed in.
 */
import { describe, expect, it } from 'vitest';
import { signIns } from '../../src/app/signins-workbook.js';
import { MemorySignInEvidence } from '../../src/evidence/memory.js';
import { InputError } from '../../src/errors.js';
import { renderWorkbookTable } from '../../src/report/signins-table.js';
import { snapshot, user } from '../helpers/snapshot-builder.js';
import { CLI, GRAPH, OUTLOOK, cli, failed, nonInteractive, signIn, singleFactor } from '../helpers/signins.js';

const HOME = '11111111-1111-1111-1111-111111111111';
const alice = user('alice@contoso.com');
const bob = user('bob@contoso.com');
const home = { homeTenantId: HOME, resourceTenantId: HOME };
const WORKBOOK_SIGN_INS = [
  signIn(alice, '2026-10-01T09:00:00Z', home), // portal, MFA, Windows, US
  signIn(alice, '2026-10-02T09:00:00Z', { ...home, ...singleFactor }),
  signIn(alice, '2026-10-03T09:00:00Z', { ...home, ...cli(), ...singleFactor, ...nonInteractive, deviceDetail: { operatingSystem: 'Linux' }, location: { countryOrRegion: 'DE' } }),
  signIn(bob, '2026-10-04T09:00:00Z', { ...home, appId: OUTLOOK, appDisplayName: 'Outlook', resourceId: null, clientAppUsed: 'Exchange ActiveSync', ...singleFactor, deviceDetail: { operatingSystem: 'iOS' }, location: { countryOrRegion: 'FR' } }),
  signIn(bob, '2026-10-05T09:00:00Z', { ...home, appId: GRAPH, appDisplayName: 'Microsoft Graph', resourceId: GRAPH, ...singleFactor }),
  signIn(bob, '2026-10-06T09:00:00Z', { ...home, networkLocationDetails: [{ networkType: 'trustedNamedLocation', networkNames: ['HQ'] }] }),
  // a guest's sign-in to another tenant's resources, and a failed sign-in: never counted by default
  signIn(bob, '2026-10-07T09:00:00Z', { homeTenantId: HOME, resourceTenantId: '22222222-2222-2222-2222-222222222222', ...singleFactor }),
  signIn(alice, '2026-10-08T09:00:00Z', { ...home, ...singleFactor, ...failed }),
];
const snap = { ...snapshot({ users: [alice, bob] }), signIns: WORKBOOK_SIGN_INS };
const wb = async (opts: Parameters<typeof signIns>[0] = {}) => (await signIns({ source: { snapshot: snap }, ...opts })).workbook;

describe('signIns (MFA gaps workbook)', () => {
  it('totals protected / not protected, over interactive and non-interactive, home tenant, successful sign-ins', async () => {
    const w = await wb();
    expect(w.total).toMatchObject({ signIns: 6, mfa: 2, singleFactor: 4, users: 2, mfaPercent: 33.3 });
    expect(w.signInTypes).toBe('interactiveAndNonInteractive');
    expect(w.filters).toEqual({ homeTenantOnly: true, excludeGraph: false, legacyOnly: false, trustedLocationsOnly: false, interactiveOnly: false });
    expect(w.window).toEqual({ from: '2026-10-01T09:00:00.000Z', to: '2026-10-07T09:00:00.000Z' });
  });

  it('single-factor users per app, per user with percentage, app x user, by OS, country and client app', async () => {
    const w = await wb();
    const portal = w.pivots.app.find((r) => r.keys[1] === 'Azure Portal')!;
    expect(portal).toMatchObject({ signIns: 3, mfa: 2, singleFactor: 1, users: 2, singleFactorUsers: 1 });
    expect(w.pivots.user.map((r) => [r.keys[1], r.signIns, r.singleFactor, r.mfaPercent])).toEqual([['alice@contoso.com', 3, 2, 33.3], ['bob@contoso.com', 3, 2, 33.3]]);
    expect(w.pivots.appUser.find((r) => r.keys[0] === CLI)).toMatchObject({ keys: [CLI, 'Microsoft Azure CLI', alice.id, 'alice@contoso.com'], singleFactor: 1 });
    expect(w.pivots.operatingSystem.map((r) => [r.keys[0], r.signIns])).toEqual([['Windows10', 4], ['Linux', 1], ['iOS', 1]]);
    expect(w.pivots.country.map((r) => [r.keys[0], r.singleFactor])).toEqual([['US', 2], ['DE', 1], ['FR', 1]]);
    expect(w.pivots.clientApp.map((r) => [r.keys[0], r.signIns])).toEqual([['Browser', 4], ['Exchange ActiveSync', 1], ['Mobile Apps and Desktop clients', 1]]);
  });

  it('applies each filter', async () => {
    expect((await wb({ filters: { excludeGraph: true } })).total.signIns).toBe(5);
    expect((await wb({ filters: { legacyOnly: true } })).pivots.clientApp.map((r) => r.keys[0])).toEqual(['Exchange ActiveSync']);
    expect((await wb({ filters: { trustedLocationsOnly: true } })).total).toMatchObject({ signIns: 1, mfa: 1 });
    const interactive = await wb({ filters: { interactiveOnly: true } });
    expect(interactive.total.signIns).toBe(5);
    expect(interactive.signInTypes).toBe('interactiveOnly');
    expect((await wb({ filters: { homeTenantOnly: false } })).total.signIns).toBe(7);
  });

  it('ends the window at asOf and keeps the top rows with a count of the rest', async () => {
    expect((await wb({ asOf: '2026-10-03T00:00:00Z' })).total.signIns).toBe(2);
    const top = await wb({ limit: 1 });
    expect(top.pivots.user).toHaveLength(1);
    expect(top.omitted).toMatchObject({ user: 1, country: 2 });
    // single-factor users per app are counted before the limit
    expect(top.pivots.app[0]!.singleFactorUsers).toBe(1);
  });

  it('takes any SignInEvidence, and refuses a snapshot without sign-ins', async () => {
    const { workbook } = await signIns({ evidence: new MemorySignInEvidence(WORKBOOK_SIGN_INS) });
    expect(workbook.total.signIns).toBe(6);
    await expect(signIns({ source: { snapshot: snapshot({ users: [alice] }) } })).rejects.toThrow(InputError);
    await expect(signIns({ source: { snapshot: snap }, asOf: 'yesterday' })).rejects.toThrow(/not an ISO 8601/);
  });

  it('renders as terminal tables with tenant text escaped', async () => {
    const hostile = { ...snap, signIns: [signIn(alice, '2026-10-01T09:00:00Z', { appDisplayName: 'Evil\u001b[2J app' })] };
    const { workbook } = await signIns({ source: { snapshot: hostile } });
    const text = renderWorkbookTable(workbook, { color: false });
    expect(text).toContain('Evil\\x1b[2J app');
    expect(text).not.toContain('\u001b');
    for (const heading of ['Total', 'Sign-ins per app', 'Per user', 'App × user', 'By operating system', 'By country or region', 'By client app']) expect(text).toContain(heading);
  });
});
