import { describe, expect, it } from 'vitest';
import { READER_ROLE, azureAssignment, findingsOf, policy, snapshot, user } from '../../../test/helpers/snapshot-builder.js';

describe('azure-read-mfa', () => {
  it('covers read-only holders at medium severity, including management-group scope', async () => {
    const a = user('a@contoso.com');
    const snap = snapshot({
      users: [a],
      azureRoleAssignments: [azureAssignment(a, READER_ROLE, '/providers/Microsoft.Management/managementGroups/root')],
      conditionalAccessPolicies: [policy('Report-only MFA', { state: 'enabledForReportingButNotEnforced' })],
    });
    const [f] = await findingsOf(snap, 'azure-read-mfa');
    expect(f).toMatchObject({ status: 'unhealthy', severity: 'medium' });
    expect(f!.reason).toContain('reportOnly');
  });
});
