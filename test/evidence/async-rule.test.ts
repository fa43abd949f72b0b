/**
 * Rules that need sign-in facts: asynchronous, reading the evidence port through the rule context.
 * With evidence they decide; without it they report `unknown`, never a clean result (spec/rules.md).
 */
import { describe, expect, it } from 'vitest';
import { evaluateSnapshot, evaluateSnapshotAsync } from '../../src/evaluate.js';
import { MemorySignInEvidence } from '../../src/evidence/memory.js';
import { scan } from '../../src/app/scan.js';
import { userFinding } from '../../src/rules/common.js';
import type { Rule } from '../../src/rules/types.js';
import { RULES } from '../../src/rules/registry.js';
import { snapshot, user } from '../helpers/snapshot-builder.js';

const alice = user('alice@contoso.com');
const bob = user('bob@contoso.com');
const tenant = snapshot({ users: [alice, bob] });

/** A small evidence rule: a user with a single-factor sign-in to a mandatory-MFA app is unhealthy. */
const singleFactorRule: Rule = {
  meta: {
    id: 'test-single-factor-signins', title: 'No single-factor sign-ins to Azure', severity: 'high', resourceType: 'user',
    protectsAgainst: 'password-only access to Azure', origin: 'test', references: [], remediation: 'require MFA',
  },
  needsSignIns: true,
  async evaluate(ctx) {
    const apps = await ctx.evidence!.userAppSignIns();
    return ctx.model.users.flatMap((u) => {
      const mine = apps.filter((a) => a.userId === u.id.toLowerCase());
      if (!mine.length) return [];
      const single = mine.reduce((sum, a) => sum + a.singleFactor, 0);
      return [userFinding(this.meta, u, single ? 'unhealthy' : 'healthy', `${single} single-factor sign-in(s)`, { apps: mine.map((a) => a.appId) })];
    });
  },
};

const signIn = (userId: string, authenticationRequirement: string) => ({
  id: `${userId}-${authenticationRequirement}`, createdDateTime: '2026-10-01T09:00:00Z', userId, appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
  signInEventTypes: ['interactiveUser'], authenticationRequirement, status: { errorCode: 0 },
});
const evidence = new MemorySignInEvidence([signIn(alice.id, 'singleFactorAuthentication'), signIn(bob.id, 'multiFactorAuthentication')]);

describe('asynchronous evidence rules', () => {
  it('read the evidence through the context and produce findings', async () => {
    const ev = await evaluateSnapshotAsync(tenant, { rules: [singleFactorRule], evidence });
    expect(ev.findings.map((f) => [f.resourceName, f.status])).toEqual([['alice@contoso.com', 'unhealthy'], ['bob@contoso.com', 'healthy']]);
  });

  it('without evidence report unknown, naming the missing sign-in logs, and are not called', async () => {
    const called: string[] = [];
    const spy: Rule = { ...singleFactorRule, evaluate: (ctx) => (called.push('evaluate'), singleFactorRule.evaluate(ctx)) };
    for (const ev of [await evaluateSnapshotAsync(tenant, { rules: [spy] }), evaluateSnapshot(tenant, [spy])]) {
      expect(ev.findings).toHaveLength(1);
      expect(ev.findings[0]).toMatchObject({ ruleId: spy.meta.id, status: 'unknown', resourceType: 'tenant', evidence: { missing: ['signIns'] } });
    }
    expect(called).toEqual([]);
  });

  it('run beside the synchronous catalog through scan, findings in catalog order', async () => {
    const { report } = await scan({ source: { snapshot: tenant }, rules: [...RULES, singleFactorRule], evidence });
    expect(report.findings.at(-1)).toMatchObject({ ruleId: singleFactorRule.meta.id, resourceName: 'bob@contoso.com' });
    expect(report.summary.rules[singleFactorRule.meta.id]).toMatchObject({ unhealthy: 1, healthy: 1 });
    expect(report.findings.length).toBe((await evaluateSnapshotAsync(tenant, { evidence })).findings.length + 2);
  });

  it('a rule that returns a promise is refused by the synchronous evaluator', () => {
    const asyncRule: Rule = { ...singleFactorRule, needsSignIns: false, evaluate: async () => [] };
    expect(() => evaluateSnapshot(tenant, [asyncRule])).toThrow(/asynchronous: evaluate with evaluateSnapshotAsync/);
  });
});
