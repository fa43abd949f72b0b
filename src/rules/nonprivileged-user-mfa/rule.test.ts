import { describe, expect, it } from 'vitest';
import {
  CONTRIBUTOR_ROLE, GLOBAL_ADMIN, READER_ROLE, azureAssignment, findingsOf, guest, policy, roleAssignment, snapshot, user,
} from '../../../test/helpers/snapshot-builder.js';

const SUB = '/subscriptions/00000000-aaaa-4000-8000-000000000003';

describe('nonprivileged-user-mfa', () => {
  it('scopes out Owner/*Contributor/*Administrator Azure roles and privileged directory roles (active or eligible), keeps Reader and guests', async () => {
    const plain = user('plain@contoso.com');
    const reader = user('reader@contoso.com');
    const contributor = user('contrib@contoso.com');
    const eligibleAdmin = user('eligible@contoso.com');
    const g = guest('partner@fabrikam.com');
    const snap = snapshot({
      users: [plain, reader, contributor, eligibleAdmin, g],
      azureRoleAssignments: [azureAssignment(reader, READER_ROLE, SUB), azureAssignment(contributor, CONTRIBUTOR_ROLE, SUB)],
      roleEligibilitySchedules: [{ ...roleAssignment(eligibleAdmin, GLOBAL_ADMIN), status: 'Provisioned' }],
    });
    const ids = (await findingsOf(snap, 'nonprivileged-user-mfa')).map((f) => f.resourceId).sort();
    expect(ids).toEqual([plain.id, reader.id, g.id].sort());
  });

  it('uses anyApp coverage: an Office 365-only policy leaves the user unhealthy, All resources makes them healthy', async () => {
    const a = user('a@contoso.com', { perUserMfaState: 'disabled' });
    const office = snapshot({ users: [a], conditionalAccessPolicies: [policy('Office MFA', { applications: { includeApplications: ['Office365'] } })] });
    const [f] = await findingsOf(office, 'nonprivileged-user-mfa');
    expect(f!.status).toBe('unhealthy');
    expect(f!.evidence.perUserMfaState).toBe('disabled');
    const all = snapshot({ users: [a], conditionalAccessPolicies: [policy('MFA all')] });
    expect((await findingsOf(all, 'nonprivileged-user-mfa'))[0]!.status).toBe('healthy');
  });

  it('does not count a risk-only policy as MFA for everyone', async () => {
    const a = user('a@contoso.com');
    const snap = snapshot({ users: [a], conditionalAccessPolicies: [policy('Risky sign-ins', { conditions: { signInRiskLevels: ['high'] } })] });
    const [f] = await findingsOf(snap, 'nonprivileged-user-mfa');
    expect(f!.status).toBe('unhealthy');
    expect(f!.reason).toContain('conditional');
  });

  it('reports disabled accounts as notApplicable (no noise from leavers)', async () => {
    const a = user('gone@contoso.com', { accountEnabled: false });
    expect((await findingsOf(snapshot({ users: [a] }), 'nonprivileged-user-mfa'))[0]!.status).toBe('notApplicable');
  });
});
