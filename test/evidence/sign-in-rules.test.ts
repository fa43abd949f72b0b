/**
 * The sign-in rules together (spec/signins.md, spec/rules.md): one finding per (rule, resource) with
 * and without evidence, with missing collections too; the synchronous evaluator runs the catalog
 * without evidence; findings with evidence are deterministic.
 */
import { describe, expect, it } from 'vitest';
import { evaluateSnapshot, evaluateSnapshotAsync } from '../../src/evaluate.js';
import { MemorySignInEvidence } from '../../src/evidence/memory.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { DEMO } from '../report/formats-helpers.js';
import { cli, nonInteractive, signIn, singleFactor } from '../helpers/signins.js';

const SIGN_IN_RULES = ['mandatory-mfa-readiness', 'user-automation-account', 'azure-tooling-version', 'legacy-auth-blocked', 'breakglass-phishing-resistant'];

function duplicates(findings: { ruleId: string; resourceId: string }[]): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const f of findings) {
    const k = `${f.ruleId} ${f.resourceId.toLowerCase()}`;
    if (seen.has(k)) dup.push(k);
    seen.add(k);
  }
  return dup;
}

describe('sign-in rules on the demo tenant', () => {
  it('one finding per (rule, resource), with and without evidence, complete or with collections missing', async () => {
    const { snapshot } = await loadSnapshot(DEMO);
    const users = snapshot.users!.slice(0, 20);
    const signIns = users.flatMap((u, i) => [
      signIn(u, `2026-10-0${1 + (i % 9)}T02:00:00Z`, { ...cli(`AZURECLI/2.7${i % 10}.0`), ...(i % 3 ? singleFactor : {}), ...(i % 2 ? nonInteractive : {}) }),
      signIn(u, `2026-10-1${i % 9}T02:01:00Z`, { clientAppUsed: i % 4 ? 'Browser' : 'Exchange ActiveSync' }),
    ]);
    const variants: Snapshot[] = [
      snapshot,
      { ...snapshot, azureRoleAssignments: undefined, unavailable: { ...snapshot.unavailable, azureRoleAssignments: { status: 403 } } },
      { ...snapshot, users: undefined, unavailable: { ...snapshot.unavailable, users: { status: 403 } } },
      { ...snapshot, conditionalAccessPolicies: undefined, securityDefaults: undefined, unavailable: { ...snapshot.unavailable, conditionalAccessPolicies: { status: 403 }, securityDefaults: { status: 403 } } },
    ];
    for (const snap of variants) {
      const without = evaluateSnapshot(snap).findings.filter((f) => SIGN_IN_RULES.includes(f.ruleId));
      const withEv = (await evaluateSnapshotAsync(snap, { evidence: new MemorySignInEvidence(signIns) })).findings.filter((f) => SIGN_IN_RULES.includes(f.ruleId));
      expect(duplicates(without)).toEqual([]);
      expect(duplicates(withEv)).toEqual([]);
      // every sign-in rule says something in every case: missing data is never a silent clean report
      for (const id of SIGN_IN_RULES) {
        expect(without.some((f) => f.ruleId === id), `${id} without evidence`).toBe(true);
        if (snap.users) expect(withEv.some((f) => f.ruleId === id), `${id} with evidence`).toBe(true);
      }
      const again = (await evaluateSnapshotAsync(snap, { evidence: new MemorySignInEvidence([...signIns].reverse()) })).findings.filter((f) => SIGN_IN_RULES.includes(f.ruleId));
      expect(again).toEqual(withEv);
    }
  });
});
