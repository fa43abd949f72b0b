/**
 * Differential: DuckDbSignInEvidence (the SQL rendering of every analysis) against the reference
 * MemorySignInEvidence.fromRows, every method × query × pivot filter, over generated logs of many seeds —
 * once over the `signins` table itself and once over the facts table a store reads (facts.ts).
 */
import { describe, expect, it } from 'vitest';
import { MemorySignInEvidence } from '../../src/evidence/memory.js';
import type { SignInRow } from '../../src/evidence/row.js';
import { memorySignInTable } from '../helpers/duckdb-signins.js';
import { evidenceCalls } from '../helpers/evidence-calls.js';
import { generateSignInRows } from '../helpers/signin-rows.js';

const table = memorySignInTable();

describe.each([
  ['the signins table', false],
  ['the facts table', true],
])('over %s', (_name, facts) => {
const load: typeof table.load = (rows, opts = {}) => table.load(rows, { ...opts, facts });

async function compare(rows: SignInRow[], opts: { allPivotFilters?: boolean } = {}): Promise<number> {
  const memory = MemorySignInEvidence.fromRows(rows);
  const duck = await load(rows);
  expect(duck.fromFacts).toBe(facts);
  const calls = evidenceCalls(rows, opts);
  for (const c of calls) {
    const [want, got] = [await c.call(memory), await c.call(duck)];
    expect(got, c.label).toEqual(want);
  }
  return calls.length;
}

describe('DuckDB evidence = reference evidence', () => {
  it('agrees on every method, query and pivot filter (one seed, all filter combinations)', async () => {
    const n = await compare(generateSignInRows(1, { users: 15, signIns: 600 }), { allPivotFilters: true });
    expect(n).toBeGreaterThan(900);
  });

  it('agrees over many seeds and sizes', async () => {
    for (let seed = 2; seed < 12; seed++) await compare(generateSignInRows(seed, { users: 3 + (seed % 9), signIns: 20 + seed * 17, days: 3 + (seed % 12) }));
  });

  it('agrees on an empty table (window undefined, one zero total row)', async () => {
    await compare([]);
    const ev = await load([]);
    expect(await ev.window()).toBeUndefined();
    expect(await ev.pivot('total')).toEqual([{ keys: [], signIns: 0, mfa: 0, singleFactor: 0, users: 0 }]);
  });

  it('the generated logs exercise every automation signal and tool', async () => {
    const seen = new Set<string>();
    const tools = new Set<string>();
    for (let seed = 1; seed < 8; seed++) {
      const ev = await load(generateSignInRows(seed));
      for (const p of await ev.automationProfiles()) p.signals.forEach((s) => seen.add(s));
      for (const t of await ev.toolVersions()) tools.add(t.tool);
    }
    expect([...seen].sort()).toEqual(['nonInteractiveOnly', 'ropc', 'scheduled', 'scriptedClient']);
    expect([...tools].sort()).toEqual(['azureCli', 'azurePowerShell']);
  });

  it('scheduled: ≥ 5 distinct days within ± 5 minutes of one time of day, midnight wrapping (boundaries)', async () => {
    const base = Date.parse('2026-05-01T00:00:00Z');
    const at = (day: number, minute: number, second = 0) => new Date(base + day * 86_400_000 + minute * 60_000 + second * 1000).toISOString();
    const cases: Record<string, [number, number][]> = {
      wrapsMidnight: [[0, 1435], [1, 1439], [2, 0], [3, 3], [4, 5]],
      elevenMinutes: [[0, 1434], [1, 1439], [2, 0], [3, 3], [4, 5]],
      fourDays: [[0, 600], [1, 601], [2, 602], [3, 603], [3, 604]],
      sameMinuteFiveDays: [[0, 720], [2, 720], [4, 720], [6, 720], [8, 720]],
      manyPointsTwoDays: [[0, 100], [0, 101], [0, 102], [1, 103], [1, 104], [1, 105]],
    };
    const rows: SignInRow[] = [];
    let n = 0;
    for (const [user, points] of Object.entries(cases)) {
      for (const [day, minute] of points) {
        rows.push({
          id: `s${n}`, createdDateTime: at(day, minute, n++ % 60), eventType: 'interactiveUser', userId: user.toLowerCase(), userPrincipalName: null, userDisplayName: null,
          appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', appDisplayName: null, resourceId: null, resourceDisplayName: null, errorCode: 0, authenticationRequirement: null,
          authenticationProtocol: null, clientAppUsed: null, userAgent: null, ipAddress: null, countryOrRegion: null, operatingSystem: null, homeTenantId: null,
          resourceTenantId: null, conditionalAccessStatus: null, trustedLocation: false, appliedPolicies: null,
        });
      }
    }
    const duck = await load(rows);
    const scheduled = (await duck.automationProfiles()).filter((p) => p.signals.includes('scheduled')).map((p) => p.userId).sort();
    expect(scheduled).toEqual(['sameminutefivedays', 'wrapsmidnight']);
    expect(await duck.automationProfiles()).toEqual(await MemorySignInEvidence.fromRows(rows).automationProfiles());
  });

  it('scheduled over a span of more than two months of days (counted without the day bitmask) agrees with the reference', async () => {
    const base = Date.parse('2026-01-01T00:00:00Z');
    const rows: SignInRow[] = [];
    const add = (user: string, day: number, minute: number) => rows.push({
      id: `l${rows.length}`, createdDateTime: new Date(base + day * 86_400_000 + minute * 60_000).toISOString(), eventType: 'nonInteractiveUser', userId: user, userPrincipalName: null,
      userDisplayName: null, appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', appDisplayName: null, resourceId: null, resourceDisplayName: null, errorCode: 0, authenticationRequirement: null,
      authenticationProtocol: null, clientAppUsed: null, userAgent: null, ipAddress: null, countryOrRegion: null, operatingSystem: null, homeTenantId: null, resourceTenantId: null,
      conditionalAccessStatus: null, trustedLocation: false, appliedPolicies: null,
    });
    // days 0 and 70 (and 64 apart: one bit apart on a 64-bit mask) at 03:00 ± 5 min, three more days elsewhere
    for (const day of [0, 64, 70, 100, 128]) add('spread', day, 180 + (day % 3));
    for (const day of [0, 64, 128, 1]) add('fourdays', day, 600);
    add('fourdays', 5, 900);
    const duck = await load(rows);
    const scheduled = (await duck.automationProfiles()).filter((p) => p.signals.includes('scheduled')).map((p) => p.userId);
    expect(scheduled).toEqual(['spread']);
    expect(await duck.automationProfiles()).toEqual(await MemorySignInEvidence.fromRows(rows).automationProfiles());
  });

  it('sample ids of sign-ins at the same instant come in id order, whatever order they were stored in', async () => {
    const at = '2026-03-01T10:00:00.000Z';
    const row = (id: string, app = '04b07795-8ddb-461a-bbee-02f9e1bf7b46', createdDateTime = at): SignInRow => ({
      id, createdDateTime, eventType: 'interactiveUser', userId: 'u1', userPrincipalName: null, userDisplayName: null, appId: app, appDisplayName: null, resourceId: null,
      resourceDisplayName: null, errorCode: 0, authenticationRequirement: 'singleFactorAuthentication', authenticationProtocol: null, clientAppUsed: null, userAgent: null,
      ipAddress: null, countryOrRegion: null, operatingSystem: null, homeTenantId: null, resourceTenantId: null, conditionalAccessStatus: null, trustedLocation: false, appliedPolicies: null,
    });
    const rows = [row('s9'), row('s0', 'other-app'), row('s7'), row('s1', undefined, '2026-03-01T10:00:00.001Z'), row('s8'), row('s2', undefined, '2026-03-01T09:59:59.999Z'), row('s6'), row('s5')];
    const single = await (await load(rows)).singleFactorSignIns();
    expect(single.find((r) => r.appId !== 'other-app')!.sampleSignInIds).toEqual(['s2', 's5', 's6', 's7', 's8']);
  });

  it('a declared window is reported as given', async () => {
    const ev = await load(generateSignInRows(3), { window: { from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' } });
    expect(await ev.window()).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
  });
});
});
