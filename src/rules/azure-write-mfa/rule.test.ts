import { describe, expect, it } from 'vitest';
import { CONTRIBUTOR_ROLE, azureAssignment, findingsOf, policy, snapshot, user } from '../../../test/helpers/snapshot-builder.js';

const SUB = '/subscriptions/00000000-aaaa-4000-8000-000000000002';

describe('azure-write-mfa', () => {
  it('covers Contributor holders and uses Azure management coverage', async () => {
    const a = user('a@contoso.com');
    const snap = snapshot({
      users: [a], azureRoleAssignments: [azureAssignment(a, CONTRIBUTOR_ROLE, SUB)],
      conditionalAccessPolicies: [policy('Office only', { applications: { includeApplications: ['Office365'] } })],
    });
    const [f] = await findingsOf(snap, 'azure-write-mfa');
    expect(f).toMatchObject({ status: 'unhealthy', severity: 'high', evidence: expect.objectContaining({ tier: 'write' }) });
    expect(await findingsOf(snap, 'azure-owner-mfa')).toHaveLength(0);
  });

  it('classifies User Access Administrator and a custom operator role as write', async () => {
    const a = user('a@contoso.com');
    const b = user('b@contoso.com');
    const custom = {
      id: '/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/11111111-2222-4333-8444-555555555555',
      name: '11111111-2222-4333-8444-555555555555',
      properties: { roleName: 'VM Operator', type: 'CustomRole', permissions: [{ actions: ['Microsoft.Compute/virtualMachines/start/action', 'Microsoft.Compute/*/read'], notActions: [] }] },
    };
    const snap = snapshot({
      users: [a, b], azureRoleDefinitions: [custom],
      azureRoleAssignments: [azureAssignment(a, '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', SUB), azureAssignment(b, custom.name, SUB)],
      conditionalAccessPolicies: [policy('MFA all')],
    });
    const findings = await findingsOf(snap, 'azure-write-mfa');
    expect(findings.map((f) => f.resourceId).sort()).toEqual([a.id, b.id].sort());
    expect(findings.every((f) => f.status === 'healthy')).toBe(true);
  });
});
