/**
 * Differential: the indexed exemption matching of src/config/exemptions.ts against a plain
 * reference written from spec/config.md (first valid exemption in file order whose rules cover the
 * finding and whose resource names it — object id, UPN, mail or name, case-insensitive — or whose
 * group holds the user transitively). Random exemptions over a generated tenant.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSnapshot } from '../../devkit/gen/generate.js';
import { applyExemptions } from '../../src/config/exemptions.js';
import type { Exemption, TenantConfig } from '../../src/config/types.js';
import { evaluateSnapshot } from '../../src/evaluate.js';
import type { Finding } from '../../src/rules/types.js';
import { RULES } from '../../src/rules/registry.js';

const snap = generateSnapshot({ users: 300, seed: 11 });
const base = evaluateSnapshot(snap);
const { model } = base;
const users = snap.users!;
const groups = snap.groups!;
const ruleIds = RULES.map((r) => r.meta.id);
const AS_OF = Date.parse('2027-01-01T00:00:00Z');

/** The reference: a direct reading of the spec, one exemption and one finding at a time. */
function reference(f: Finding, exemptions: readonly Exemption[]): { status: string; source?: string } {
  if (f.status !== 'unhealthy') return { status: f.status };
  for (const e of exemptions) {
    if (e.rules !== '*' && !e.rules.includes(f.ruleId)) continue;
    let named = false;
    if (e.resource !== undefined) {
      const r = e.resource.toLowerCase();
      const u = f.resourceType === 'user' ? users.find((x) => x.id.toLowerCase() === f.resourceId.toLowerCase()) : undefined;
      named = [f.resourceId, f.resourceName, u?.userPrincipalName, u?.mail].some((x) => x?.toLowerCase() === r)
        || (f.resourceType === 'tenant' && snap.tenant.defaultDomain?.toLowerCase() === r);
    } else if (f.resourceType === 'user') {
      named = model.transitiveUserMembers(e.group!).has(f.resourceId.toLowerCase());
    }
    if (named && AS_OF < Date.parse(e.expires)) return { status: 'exempt', source: `${e.source.file}:${e.source.line}` };
  }
  return { status: 'unhealthy' };
}

const unhealthy = base.findings.filter((f) => f.status === 'unhealthy');
const exemptionArb = fc.record({
  rules: fc.oneof(fc.constant('*' as const), fc.subarray(ruleIds, { minLength: 1 })),
  target: fc.oneof(
    fc.constantFrom(...unhealthy.map((f) => f.resourceId)),
    fc.constantFrom(...users.map((u) => u.userPrincipalName!)).map((s) => s.toUpperCase()),
    fc.constantFrom(...users.map((u) => u.id)),
    fc.constant(snap.tenant.id),
    fc.constant('nobody@nowhere.example'),
    fc.constantFrom(...groups.map((g) => `group:${g.id}`)),
  ),
  days: fc.integer({ min: -30, max: 30 }),
});

describe('exemption matching', () => {
  it('agrees with the reference on random exemption files', () => {
    expect(unhealthy.length).toBeGreaterThan(10);
    fc.assert(fc.property(fc.array(exemptionArb, { minLength: 1, maxLength: 25 }), (raw) => {
      const exemptions: Exemption[] = raw.map((r, i) => ({
        rules: r.rules, category: 'riskAccepted', reason: `r${i}`,
        expires: new Date(AS_OF + r.days * 86_400_000).toISOString(), source: { file: 'f.yaml', line: i + 1 },
        ...(r.target.startsWith('group:') ? { group: r.target.slice(6) } : { resource: r.target }),
      }));
      const config: TenantConfig = { breakGlassAccounts: [], exemptions };
      const { findings } = applyExemptions(base.findings, config, new Date(AS_OF).toISOString(), model);
      findings.forEach((f, i) => {
        const want = reference(base.findings[i]!, exemptions);
        expect(f.status, `${f.ruleId} ${f.resourceName}`).toBe(want.status);
        if (want.source) expect((f.evidence.exemption as { source: string }).source).toBe(want.source);
      });
    }), { numRuns: 60 });
  });
});
