import { describe, expect, it } from 'vitest';
import { snapshot, user } from '../../../test/helpers/snapshot-builder.js';
import { GRAPH, OUTLOOK, cli, nonInteractive, ruleFindings, signIn, statusOf } from '../../../test/helpers/signins.js';

const RULE = 'user-automation-account';
const u = user('deploy@contoso.com');
const snap = snapshot({ users: [u] });
const run = async (signIns: Record<string, unknown>[]) => ruleFindings(snap, RULE, { signIns });
const signalsOf = async (signIns: Record<string, unknown>[]) => {
  const [f, ...rest] = await run(signIns);
  expect(rest).toEqual([]);
  return f!.evidence.signals;
};
/** A person at the keyboard: interactive CLI sign-ins at irregular times. */
const person = ['2026-10-01T08:13:00Z', '2026-10-01T15:40:00Z', '2026-10-03T11:02:00Z'].map((t) => signIn(u, t, cli()));

describe('user-automation-account', () => {
  it('a person using the CLI interactively with its normal python-requests agent is healthy', async () => {
    const [f] = await run(person);
    expect(f).toMatchObject({ status: 'healthy', resourceId: u.id, evidence: { signals: [], managementSignIns: 3, interactiveSignIns: 3 } });
  });

  it('ropc: a single password-flow sign-in is enough', async () => {
    expect(await signalsOf([...person, signIn(u, '2026-10-02T10:00:00Z', { ...cli(), authenticationProtocol: 'ROPC' })])).toEqual(['ropc']);
    const [f] = await run([signIn(u, '2026-10-02T10:00:00Z', { ...cli(), authenticationProtocol: 'ropc' })]);
    expect(f!.status).toBe('unhealthy');
    expect(f!.reason).toContain('resource-owner password flow');
  });

  it('nonInteractiveOnly: 5 non-interactive management sign-ins and no interactive one; 4 are not enough; one interactive sign-in to any app clears it', async () => {
    const times = ['2026-10-01T01:00:00Z', '2026-10-01T05:00:00Z', '2026-10-01T09:00:00Z', '2026-10-01T13:00:00Z', '2026-10-01T17:00:00Z'];
    const five = times.map((t) => signIn(u, t, { ...cli(), ...nonInteractive }));
    expect(await signalsOf(five)).toEqual(['nonInteractiveOnly']);
    expect(await signalsOf(five.slice(0, 4))).toEqual([]);
    expect(await signalsOf([...five, signIn(u, '2026-10-02T12:00:00Z', { appId: OUTLOOK, appDisplayName: 'Outlook', resourceId: null })])).toEqual([]);
  });

  it('scheduled: 5 distinct UTC days within ± 5 minutes of one time of day, across midnight; 11 minutes apart is not; 4 days are not', async () => {
    const at = (days: string[]) => days.map((t) => signIn(u, t, cli()));
    const acrossMidnight = ['2026-10-01T23:55:00Z', '2026-10-02T23:58:00Z', '2026-10-04T00:00:00Z', '2026-10-05T00:03:00Z', '2026-10-06T00:05:00Z'];
    expect(await signalsOf(at(acrossMidnight))).toEqual(['scheduled']);
    expect(await signalsOf(at([...acrossMidnight.slice(0, 4), '2026-10-06T00:06:00Z']))).toEqual([]);
    expect(await signalsOf(at(acrossMidnight.slice(0, 4)))).toEqual([]);
    // five sign-ins on the same day at the same minute are one day, not a schedule
    expect(await signalsOf(at(acrossMidnight.map(() => '2026-10-01T02:00:00Z')))).toEqual([]);
  });

  it('scriptedClient: a generic HTTP client against ARM; python-requests (the CLI itself) is not a signal, nor a generic client to another resource', async () => {
    expect(await signalsOf([...person, signIn(u, '2026-10-02T10:00:00Z', cli('curl/8.4.0'))])).toEqual(['scriptedClient']);
    expect(await signalsOf([...person, signIn(u, '2026-10-02T10:00:00Z', cli('Go-http-client/1.1'))])).toEqual(['scriptedClient']);
    expect(await signalsOf([...person, signIn(u, '2026-10-02T10:00:00Z', cli('python-requests/2.32.3'))])).toEqual([]);
    expect(await signalsOf([...person, signIn(u, '2026-10-02T10:00:00Z', cli('python/3.11.8 (Windows-10) AZURECLI/2.61.0 (MSI)'))])).toEqual([]);
    expect(await signalsOf([...person, signIn(u, '2026-10-02T10:00:00Z', { ...cli('curl/8.4.0'), resourceId: GRAPH })])).toEqual([]);
    const [f] = await run([...person, signIn(u, '2026-10-02T10:00:00Z', cli('curl/8.4.0'))]);
    expect(f!.evidence).toMatchObject({ scriptedAgents: ['curl/8.4.0'], ipAddresses: ['203.0.113.7'] });
    expect(f!.reason).toContain('generic HTTP client (curl/8.4.0)');
  });

  it('evidence: signals, counts, up to 5 sample times (oldest first), agents and addresses', async () => {
    const many = Array.from({ length: 7 }, (_, i) => signIn(u, `2026-10-0${i + 1}T02:00:00Z`, { ...cli('curl/8.4.0'), ...nonInteractive, ipAddress: `198.51.100.${i % 2}`, authenticationProtocol: i === 3 ? 'ropc' : 'none' }));
    const [f] = await run(many);
    expect(f!.evidence).toMatchObject({
      signals: ['ropc', 'nonInteractiveOnly', 'scheduled', 'scriptedClient'], managementSignIns: 7, interactiveSignIns: 0,
      sampleTimes: ['2026-10-01T02:00:00.000Z', '2026-10-02T02:00:00.000Z', '2026-10-03T02:00:00.000Z', '2026-10-04T02:00:00.000Z', '2026-10-05T02:00:00.000Z'],
      ipAddresses: ['198.51.100.0', '198.51.100.1'], ipAddressCount: 2,
    });
  });

  it('evidence: a script rotating through many addresses lists the first 10 (first seen first) and counts them all', async () => {
    const rotating = Array.from({ length: 14 }, (_, i) => signIn(u, `2026-10-${String(i + 1).padStart(2, '0')}T0${i % 10}:00:00Z`, { ...cli('curl/8.4.0'), ...nonInteractive, ipAddress: `198.51.100.${20 - i}` }));
    const [f] = await run(rotating);
    expect(f!.evidence).toMatchObject({ ipAddresses: Array.from({ length: 10 }, (_, i) => `198.51.100.${20 - i}`), ipAddressCount: 14 });
  });

  it('scope: enabled users with a management sign-in; others get no finding', async () => {
    const mailOnly = user('mail@contoso.com');
    const disabled = user('off@contoso.com', { accountEnabled: false });
    const s = snapshot({ users: [mailOnly, disabled] });
    const signIns = [signIn(mailOnly, '2026-10-01T10:00:00Z', { appId: OUTLOOK, resourceId: null }), signIn(disabled, '2026-10-01T10:00:00Z', { ...cli(), authenticationProtocol: 'ropc' })];
    const findings = await ruleFindings(s, RULE, { signIns });
    expect([statusOf(findings, mailOnly), statusOf(findings, disabled)]).toEqual([[], []]);
  });

  it('without sign-in evidence: one tenant-level unknown finding, no verdict per user', async () => {
    const findings = await ruleFindings(snap, RULE);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'unknown', resourceType: 'tenant', evidence: { missing: ['signIns'] } });
  });
});
