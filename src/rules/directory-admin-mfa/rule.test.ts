import { describe, expect, it } from 'vitest';
import { GLOBAL_ADMIN, SECURITY_READER, findingsOf, group, memberRef, policy, roleAssignment, snapshot, user } from '../../../test/helpers/snapshot-builder.js';

const adminPolicy = (roles: string[]) => policy('MFA for admins', { users: { includeUsers: [], includeRoles: roles } });

describe('directory-admin-mfa', () => {
  it('flags a PIM-eligible Global Administrator that only a role-targeted policy would cover', async () => {
    const pim = user('pim@contoso.com');
    const snap = snapshot({
      users: [pim],
      roleEligibilitySchedules: [{ ...roleAssignment(pim, GLOBAL_ADMIN), status: 'Provisioned' }],
      conditionalAccessPolicies: [adminPolicy([GLOBAL_ADMIN])],
    });
    const [f] = await findingsOf(snap, 'directory-admin-mfa');
    expect(f!.status).toBe('unhealthy');
    expect(f!.reason).toContain('PIM-eligible');
    expect(f!.reason).toContain('PIM-eligible (not active)');
    expect((f!.evidence.roles as { assignment: string }[])[0]!.assignment).toBe('eligible');
  });

  it('credits a role-targeted policy for an active holder assigned through a role-assignable group', async () => {
    const admin = user('admin@contoso.com');
    const g = group('GA-Group', [memberRef(admin)], { isAssignableToRole: true });
    const snap = snapshot({
      users: [admin], groups: [g.group], groupMembers: { [g.group.id]: g.members },
      roleAssignments: [roleAssignment(g.group, GLOBAL_ADMIN)],
      conditionalAccessPolicies: [adminPolicy([GLOBAL_ADMIN])],
    });
    const [f] = await findingsOf(snap, 'directory-admin-mfa');
    expect(f).toMatchObject({ status: 'healthy', resourceId: admin.id });
    expect((f!.evidence.roles as { viaGroup?: string }[])[0]!.viaGroup).toBe('GA-Group');
  });

  it('credits an All users policy for admins (role lists are not required)', async () => {
    const pim = user('pim@contoso.com');
    const snap = snapshot({
      users: [pim], roleEligibilitySchedules: [{ ...roleAssignment(pim, GLOBAL_ADMIN), status: 'Provisioned' }],
      conditionalAccessPolicies: [policy('MFA all')],
    });
    expect((await findingsOf(snap, 'directory-admin-mfa'))[0]!.status).toBe('healthy');
  });

  it('needs both anyApp and adminPortals: an admin-portals-only policy is not enough', async () => {
    const admin = user('admin@contoso.com');
    const snap = snapshot({
      users: [admin], roleAssignments: [roleAssignment(admin, GLOBAL_ADMIN)],
      conditionalAccessPolicies: [policy('Portals', { applications: { includeApplications: ['MicrosoftAdminPortals'] } })],
    });
    const [f] = await findingsOf(snap, 'directory-admin-mfa');
    expect(f!.status).toBe('unhealthy');
    expect(f!.reason).toContain('anyApp coverage is none');
  });

  it('uses isPrivileged from role definitions when present and ignores non-privileged roles', async () => {
    const reader = user('reader@contoso.com');
    const privileged = snapshot({
      users: [reader], roleAssignments: [roleAssignment(reader, SECURITY_READER)],
      roleDefinitions: [{ id: SECURITY_READER, templateId: SECURITY_READER, displayName: 'Security Reader', isPrivileged: true }],
    });
    expect(await findingsOf(privileged, 'directory-admin-mfa')).toHaveLength(1);
    const notPrivileged = snapshot({
      users: [reader], roleAssignments: [roleAssignment(reader, SECURITY_READER)],
      roleDefinitions: [{ id: SECURITY_READER, templateId: SECURITY_READER, displayName: 'Security Reader', isPrivileged: false }],
    });
    expect(await findingsOf(notPrivileged, 'directory-admin-mfa')).toHaveLength(0);
  });

  it('adds a tenant-level unknown finding when PIM eligibility could not be read', async () => {
    const admin = user('admin@contoso.com');
    const snap = snapshot({
      users: [admin], roleAssignments: [roleAssignment(admin, GLOBAL_ADMIN)], roleEligibilitySchedules: undefined,
      unavailable: { roleEligibilitySchedules: { status: 403, code: 'AadPremiumLicenseRequired' } },
      conditionalAccessPolicies: [policy('MFA all')],
    });
    const findings = await findingsOf(snap, 'directory-admin-mfa');
    expect(findings.find((f) => f.resourceType === 'tenant')).toMatchObject({ status: 'unknown' });
    expect(findings.find((f) => f.resourceType === 'user')).toMatchObject({ status: 'healthy' });
  });
});
