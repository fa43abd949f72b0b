import { describe, expect, it } from 'vitest';
import {
  ARM, OWNER_ROLE, READER_ROLE, azureAssignment, findingsOf, group, memberRef, policy, snapshot, user,
} from '../../../test/helpers/snapshot-builder.js';

const SUB = '/subscriptions/00000000-aaaa-4000-8000-000000000001';

describe('azure-owner-mfa', () => {
  it('flags an owner through a nested group who is excluded from the MFA policy, naming the group path', async () => {
    const alice = user('alice@contoso.com');
    const contractors = group('Contractors', [memberRef(alice)]);
    const exclusions = group('CA-Exclusions', [memberRef(contractors.group, 'group')]);
    const snap = snapshot({
      users: [alice],
      groups: [contractors.group, exclusions.group],
      groupMembers: { [contractors.group.id]: contractors.members, [exclusions.group.id]: exclusions.members },
      azureRoleAssignments: [azureAssignment(exclusions.group, OWNER_ROLE, SUB, 'Group')],
      conditionalAccessPolicies: [policy('MFA all', { users: { excludeGroups: [exclusions.group.id] } })],
    });
    const [f, ...rest] = await findingsOf(snap, 'azure-owner-mfa');
    expect(rest).toHaveLength(0);
    expect(f).toMatchObject({ status: 'unhealthy', severity: 'high', resourceType: 'user', resourceId: alice.id, resourceName: 'alice@contoso.com' });
    expect(f!.reason).toContain("through group 'Contractors', nested in 'CA-Exclusions'");
    expect(f!.evidence.tier).toBe('owner');
    expect((f!.evidence.grants as { via: { kind: string } }[])[0]!.via.kind).toBe('group');
  });

  it('is healthy when an All users / All resources policy requires MFA', async () => {
    const bob = user('bob@contoso.com');
    const snap = snapshot({ users: [bob], azureRoleAssignments: [azureAssignment(bob, OWNER_ROLE, SUB)], conditionalAccessPolicies: [policy('MFA all')] });
    expect((await findingsOf(snap, 'azure-owner-mfa')).map((f) => f.status)).toEqual(['healthy']);
  });

  it('does not credit a Microsoft Admin Portals policy for Azure management (CLI/PowerShell stay open)', async () => {
    const bob = user('bob@contoso.com');
    const snap = snapshot({
      users: [bob], azureRoleAssignments: [azureAssignment(bob, OWNER_ROLE, SUB)],
      conditionalAccessPolicies: [policy('Admin portals MFA', { applications: { includeApplications: ['MicrosoftAdminPortals'] } })],
    });
    const [f] = await findingsOf(snap, 'azure-owner-mfa');
    expect(f!.status).toBe('unhealthy');
    expect(f!.reason).toContain('azureManagement coverage is none');
  });

  it('credits a policy that targets only the Windows Azure Service Management API', async () => {
    const bob = user('bob@contoso.com');
    const snap = snapshot({
      users: [bob], azureRoleAssignments: [azureAssignment(bob, OWNER_ROLE, SUB)],
      conditionalAccessPolicies: [policy('ARM MFA', { applications: { includeApplications: [ARM] } })],
    });
    expect((await findingsOf(snap, 'azure-owner-mfa'))[0]!.status).toBe('healthy');
  });

  it('treats a classic Co-Administrator, matched by e-mail, as owner', async () => {
    const carol = user('carol@contoso.com', { mail: 'carol.smith@contoso.com' });
    const snap = snapshot({
      users: [carol],
      classicAdministrators: [{
        id: `${SUB}/providers/Microsoft.Authorization/classicAdministrators/x`, name: 'x',
        properties: { emailAddress: 'Carol.Smith@contoso.com', role: 'CoAdministrator' },
      }],
    });
    const [f] = await findingsOf(snap, 'azure-owner-mfa');
    expect(f).toMatchObject({ status: 'unhealthy', resourceId: carol.id });
    expect(f!.reason).toContain('classic CoAdministrator');
  });

  it('reports each account under its highest tier only', async () => {
    const dan = user('dan@contoso.com');
    const snap = snapshot({ users: [dan], azureRoleAssignments: [azureAssignment(dan, READER_ROLE, SUB), azureAssignment(dan, OWNER_ROLE, `${SUB}/resourceGroups/rg1`)] });
    expect(await findingsOf(snap, 'azure-owner-mfa')).toHaveLength(1);
    expect(await findingsOf(snap, 'azure-read-mfa')).toHaveLength(0);
  });

  it('reports disabled owners as notApplicable', async () => {
    const eve = user('eve@contoso.com', { accountEnabled: false });
    const snap = snapshot({ users: [eve], azureRoleAssignments: [azureAssignment(eve, OWNER_ROLE, SUB)] });
    expect((await findingsOf(snap, 'azure-owner-mfa'))[0]!.status).toBe('notApplicable');
  });

  it('is healthy through security defaults and through per-user MFA', async () => {
    const a = user('a@contoso.com');
    const b = user('b@contoso.com', { perUserMfaState: 'enforced' });
    const sd = snapshot({ users: [a], azureRoleAssignments: [azureAssignment(a, OWNER_ROLE, SUB)], securityDefaults: { isEnabled: true } });
    const pu = snapshot({ users: [b], azureRoleAssignments: [azureAssignment(b, OWNER_ROLE, SUB)] });
    expect((await findingsOf(sd, 'azure-owner-mfa'))[0]!.status).toBe('healthy');
    expect((await findingsOf(pu, 'azure-owner-mfa'))[0]!.status).toBe('healthy');
  });

  it('says "unknown", not "unhealthy" or "healthy", when CA policies could not be read', async () => {
    const a = user('a@contoso.com');
    const snap = snapshot({
      users: [a], azureRoleAssignments: [azureAssignment(a, OWNER_ROLE, SUB)],
      conditionalAccessPolicies: undefined,
      unavailable: { conditionalAccessPolicies: { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } },
    });
    const [f] = await findingsOf(snap, 'azure-owner-mfa');
    expect(f!.status).toBe('unknown');
    expect(f!.reason).toContain('conditionalAccessPolicies could not be read (403 Authorization_RequestDenied');
  });

  it('emits one tenant-level unknown finding when Azure role assignments could not be read', async () => {
    const a = user('a@contoso.com');
    const snap = snapshot({ users: [a], azureRoleAssignments: undefined, unavailable: { azureRoleAssignments: { status: 403, code: 'AuthorizationFailed' } } });
    const findings = await findingsOf(snap, 'azure-owner-mfa');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'unknown', resourceType: 'tenant' });
    expect(findings[0]!.evidence.missing).toEqual(['azureRoleAssignments']);
  });
});
