/**
 * Property: for arbitrary small sign-in logs drawn from small pools (so users, apps, names and times
 * collide; empty strings, absent values, mixed case and the literal "unknown" included), DuckDB
 * evidence — over the `signins` table or over the facts table (facts.ts), drawn too — equals the
 * reference on every method and on a random pivot. fast-check shrinks a failure to a minimal log.
 */
import { expect, it } from 'vitest';
import fc from 'fast-check';
import { MemorySignInEvidence } from '../../src/evidence/memory.js';
import type { SignInRow } from '../../src/evidence/row.js';
import { ARM_RESOURCE_ID, AZURE_CLI_APP_ID, AZURE_POWERSHELL_APP_ID, MICROSOFT_GRAPH_APP_ID } from '../../src/evidence/signins.js';
import type { PivotDimension, WorkbookFilters } from '../../src/evidence/types.js';
import { memorySignInTable } from '../helpers/duckdb-signins.js';
import { PIVOT_DIMENSIONS } from '../helpers/evidence-calls.js';

const { load } = memorySignInTable();

const text = (...xs: string[]) => fc.constantFrom<string | null>(null, '', ...xs);
const START = Date.parse('2026-06-01T00:00:00Z');

const rowArb = fc.record({
  minuteOffset: fc.integer({ min: 0, max: 8 * 1440 }),
  eventType: fc.constantFrom<SignInRow['eventType']>('interactiveUser', 'nonInteractiveUser', 'servicePrincipal', 'unknown'),
  userId: fc.constantFrom<string | null>('u1', 'u2', 'u3', '', null),
  userPrincipalName: text('a@x.com', 'B@x.com', 'é@x.com'),
  appId: fc.constantFrom(AZURE_CLI_APP_ID, AZURE_POWERSHELL_APP_ID, MICROSOFT_GRAPH_APP_ID, 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', 'other-app'),
  appDisplayName: text('Azure CLI', 'azure cli', 'Zeta'),
  resourceId: text(ARM_RESOURCE_ID, MICROSOFT_GRAPH_APP_ID, 'res'),
  errorCode: fc.constantFrom(0, 0, 0, 50126),
  authenticationRequirement: text('singleFactorAuthentication', 'MULTIFACTORAUTHENTICATION', 'other'),
  authenticationProtocol: text('ropc', 'Ropc', 'none'),
  clientAppUsed: text('Browser', 'browser', 'IMAP4', 'unknown'),
  userAgent: text('AZURECLI/2.10.0', 'AZURECLI/2.9', 'AZURECLI/2.9.0', 'azurepowershell/v1.2.3 curl/8', 'okhttp/4', 'Mozilla'),
  ipAddress: text('10.0.0.1', '10.0.0.2'),
  countryOrRegion: text('US', 'unknown'),
  operatingSystem: text('Windows'),
  homeTenantId: text('T1', 't1', 't2'),
  resourceTenantId: text('t1', 't2'),
  trustedLocation: fc.boolean(),
});

const filtersArb = fc.record<WorkbookFilters>({ homeTenantOnly: fc.boolean(), excludeGraph: fc.boolean(), legacyOnly: fc.boolean(), trustedLocationsOnly: fc.boolean(), interactiveOnly: fc.boolean() }, { requiredKeys: [] });

it('DuckDB evidence equals the reference on arbitrary small logs', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(rowArb, { maxLength: 30 }), fc.constantFrom<PivotDimension>(...PIVOT_DIMENSIONS), filtersArb, fc.boolean(), async (drawn, by, filters, facts) => {
      // distinct instants (the reference orders equal instants by input order, which no database reproduces)
      const used = new Set<number>();
      const rows: SignInRow[] = drawn.map((d, i) => {
        let at = START + d.minuteOffset * 60_000 + (i % 60) * 1000;
        while (used.has(at)) at++;
        used.add(at);
        const { minuteOffset: _, ...rest } = d;
        return { ...rest, id: `s${i}`, createdDateTime: new Date(at).toISOString(), userDisplayName: null, resourceDisplayName: null, conditionalAccessStatus: null, appliedPolicies: null };
      });
      const duck = await load(rows, { facts });
      const memory = MemorySignInEvidence.fromRows(rows);
      expect(await duck.window()).toEqual(await memory.window());
      expect(await duck.userAppSignIns({ apps: 'all' })).toEqual(await memory.userAppSignIns({ apps: 'all' }));
      expect(await duck.legacyClientSignIns()).toEqual(await memory.legacyClientSignIns());
      expect(await duck.toolVersions()).toEqual(await memory.toolVersions());
      expect(await duck.automationProfiles()).toEqual(await memory.automationProfiles());
      expect(await duck.singleFactorSignIns()).toEqual(await memory.singleFactorSignIns());
      expect(await duck.pivot(by, filters)).toEqual(await memory.pivot(by, filters));
    }),
    { numRuns: 300, seed: 20261129 },
  );
}, 120_000);
