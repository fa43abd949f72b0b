import { describe, expect, it } from 'vitest';
import { findingsOf, group, memberRef, policy, snapshot, user } from '../../../test/helpers/snapshot-builder.js';
import { failed } from '../../../test/helpers/coverage.js';

describe('ca-policy-quality', () => {
  const users = Array.from({ length: 40 }, (_, i) => user(`u${i}@contoso.com`));

  it('flags each way a policy can look like MFA without requiring it', async () => {
    const big = group('Everyone-in-Sales', users.slice(0, 12).map((u) => memberRef(u)));
    const policies = [
      policy('Good MFA'),
      policy('MFA or device', { grantControls: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] } }),
      policy('Risky MFA', { conditions: { signInRiskLevels: ['high', 'medium'] } }),
      policy('Pilot MFA', { state: 'enabledForReportingButNotEnforced', extra: { createdDateTime: '2025-01-10T00:00:00Z', modifiedDateTime: '2025-02-01T00:00:00Z' } }),
      policy('MFA minus sales', { users: { excludeGroups: [big.group.id] } }),
      policy('MFA session lifetime', { grantControls: null }),
      policy('Custom MFA', { grantControls: { operator: 'OR', builtInControls: [], customAuthenticationFactors: ['Duo-MFA'] } }),
      policy('Block legacy', { conditions: { clientAppTypes: ['exchangeActiveSync', 'other'] }, grantControls: { operator: 'OR', builtInControls: ['block'] } }),
      policy('Disabled MFA', { state: 'disabled', grantControls: null }),
    ];
    const snap = snapshot({ users, groups: [big.group], groupMembers: { [big.group.id]: big.members }, conditionalAccessPolicies: policies });
    const byName = new Map((await findingsOf(snap, 'ca-policy-quality')).map((f) => [f.resourceName, f]));
    expect([...byName.keys()].sort()).toEqual(['Custom MFA', 'Good MFA', 'MFA minus sales', 'MFA or device', 'MFA session lifetime', 'Pilot MFA', 'Risky MFA']);
    expect(byName.get('Good MFA')!.status).toBe('healthy');
    expect(byName.get('MFA or device')!.reason).toContain('MFA can be avoided');
    expect(byName.get('Risky MFA')!.reason).toContain('MFA only at elevated risk');
    expect(byName.get('Pilot MFA')!.reason).toMatch(/report-only, last modified \d+ days ago \(2025-02-01\): not enforced since at least then/);
    expect(byName.get('MFA minus sales')!.reason).toContain("'Everyone-in-Sales' (12 users)");
    expect(byName.get('MFA session lifetime')!.reason).toContain('session-only');
    expect(byName.get('Custom MFA')!.reason).toContain('custom controls');
    for (const n of ['MFA or device', 'Risky MFA', 'Pilot MFA', 'MFA minus sales', 'MFA session lifetime', 'Custom MFA']) {
      expect(byName.get(n)).toMatchObject({ status: 'unhealthy', resourceType: 'policy', severity: 'medium' });
    }
  });

  it('does not flag a small exclusion (break-glass) or a fresh report-only policy', async () => {
    const bg = group('BreakGlass', users.slice(0, 2).map((u) => memberRef(u)));
    const snap = snapshot({
      users, groups: [bg.group], groupMembers: { [bg.group.id]: bg.members },
      conditionalAccessPolicies: [
        policy('MFA all', { users: { excludeGroups: [bg.group.id] } }),
        policy('New pilot MFA', { state: 'enabledForReportingButNotEnforced', extra: { createdDateTime: '2026-10-25T00:00:00Z', modifiedDateTime: '2026-10-25T00:00:00Z' } }),
      ],
    });
    expect((await findingsOf(snap, 'ca-policy-quality')).map((f) => f.status)).toEqual(['healthy', 'healthy']);
  });

  it('says which date a long report-only period is measured from', async () => {
    const snap = snapshot({
      users,
      conditionalAccessPolicies: [policy('Old pilot MFA', { state: 'enabledForReportingButNotEnforced', extra: { createdDateTime: '2024-01-10T00:00:00Z', modifiedDateTime: null } })],
    });
    const [f] = await findingsOf(snap, 'ca-policy-quality');
    expect(f!.reason).toMatch(/report-only since it was created \d+ days ago \(2024-01-10\): never enforced/);
    expect(f!.reason).not.toMatch(/report-only for/);
  });

  it('is unknown, not an empty all-zero result, when the Conditional Access policies could not be read', async () => {
    const findings = await findingsOf(snapshot({ users, ...failed('conditionalAccessPolicies') }), 'ca-policy-quality');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'unknown', resourceType: 'tenant' });
    expect(findings[0]!.reason).toContain('conditionalAccessPolicies');
  });

  it('is unknown when a policy excludes groups whose members could not be read (size cannot be checked)', async () => {
    const bg = group('BreakGlass', users.slice(0, 2).map((u) => memberRef(u)));
    const snap = snapshot({ users, groups: [bg.group], ...failed('groupMembers'), conditionalAccessPolicies: [policy('MFA all', { users: { excludeGroups: [bg.group.id] } })] });
    const [f] = await findingsOf(snap, 'ca-policy-quality');
    expect(f).toMatchObject({ status: 'unknown' });
    expect(f!.reason).toContain('groupMembers');
  });

  it('a dangling inclusion is unhealthy (covers fewer than intended); a dangling exclusion stays healthy but is named', async () => {
    const ghost = 'aaaaaaaa-0000-4000-8000-00000000dead';
    const snap = snapshot({
      users,
      conditionalAccessPolicies: [
        policy('MFA for a deleted group', { users: { includeUsers: [], includeGroups: [ghost] } }),
        policy('MFA all minus deleted group', { users: { excludeGroups: [ghost] } }),
      ],
    });
    const byName = new Map((await findingsOf(snap, 'ca-policy-quality')).map((f) => [f.resourceName, f]));
    const inc = byName.get('MFA for a deleted group')!;
    expect(inc.status).toBe('unhealthy');
    expect(inc.reason).toContain(`group '${ghost}', which do not exist`);
    expect(inc.evidence.danglingReferences).toEqual([{ kind: 'group', field: 'conditions.users.includeGroups', side: 'include', reference: ghost }]);
    const exc = byName.get('MFA all minus deleted group')!;
    expect(exc.status).toBe('healthy');
    expect(exc.reason).toContain('stale exclusions');
  });
});
