import { describe, expect, it } from 'vitest';
import { evaluateSnapshot } from '../src/evaluate.js';
import { RULES } from '../src/rules/registry.js';
import { snapshot } from './helpers/snapshot-builder.js';

describe('evaluateSnapshot', () => {
  it('turns a missing user list into one unknown tenant finding per user rule, never into an empty (clean-looking) report', () => {
    const ev = evaluateSnapshot(snapshot({ users: undefined, unavailable: { users: { status: 403, code: 'Authorization_RequestDenied' } } }));
    const userRules = RULES.filter((r) => r.meta.resourceType === 'user').map((r) => r.meta.id);
    for (const id of userRules) {
      const f = ev.findings.filter((x) => x.ruleId === id);
      expect(f).toHaveLength(1);
      expect(f[0]).toMatchObject({ status: 'unknown', resourceType: 'tenant' });
      expect(f[0]!.reason).toContain('users could not be read (403 Authorization_RequestDenied)');
    }
    // a rule's own tenant-level note is folded in: the sign-in rules also say their logs are missing
    expect(ev.findings.find((x) => x.ruleId === 'user-automation-account')!.evidence.missing).toEqual(['users', 'signIns']);
    expect(ev.dataGaps.map((g) => g.key)).toContain('users');
  });

  it('has one module per catalog rule id of rules.md', () => {
    expect(RULES.map((r) => r.meta.id).sort()).toEqual([
      'azure-owner-mfa', 'azure-read-mfa', 'azure-tooling-version', 'azure-write-mfa', 'breakglass-phishing-resistant', 'ca-azure-management', 'ca-policy-quality',
      'directory-admin-mfa', 'legacy-auth-blocked', 'mandatory-mfa-readiness', 'mfa-mechanism-consistency', 'mfa-registration', 'nonprivileged-user-mfa',
      'user-automation-account',
    ]);
    for (const r of RULES) {
      expect(r.meta.remediation.length).toBeGreaterThan(40);
      expect(['low', 'medium', 'high']).toContain(r.meta.severity);
    }
  });
});
