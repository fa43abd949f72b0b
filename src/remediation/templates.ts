/**
 * The Conditional Access policies a plan creates. Bodies follow Microsoft's own CA templates and the
 * `POST /identity/conditionalAccess/policies` examples (shared/graph-samples create-*): only
 * properties Graph accepts, always created report-only, every declared break-glass account excluded
 * by object id (CA takes ids only, so UPNs are resolved against the snapshot first).
 */
import type { DirectoryModel } from '../snapshot/model.js';
import { AZURE_MANAGEMENT_APP } from '../snapshot/wellknown.js';
import type { TemplateId } from './types.js';

export const REPORT_ONLY = 'enabledForReportingButNotEnforced';
export const PHISHING_RESISTANT_STRENGTH = '00000000-0000-0000-0000-000000000004';
/** In every created policy's description: how apply finds a policy it created before (a crash between POST and audit must not create it twice). */
export const MARKER_PREFIX = '[mfaguard:';

export const TEMPLATE_NAMES: Record<TemplateId, string> = {
  'mfa-all-users': 'mfaguard: Require MFA for all users',
  'mfa-azure-management': 'mfaguard: Require MFA for Azure management',
  'phishing-resistant-admins': 'mfaguard: Phishing-resistant MFA for administrators',
  'block-legacy-authentication': 'mfaguard: Block legacy authentication',
};

export const marker = (template: string) => `${MARKER_PREFIX}${template}]`;

export interface TemplateInput {
  /** Object ids of the declared break-glass accounts found in the snapshot. */
  breakGlassIds: readonly string[];
  /** phishing-resistant-admins: privileged role template ids held (actively or eligibly) in the tenant. */
  adminRoles?: readonly string[];
  /** phishing-resistant-admins: users who hold a privileged role only as PIM-eligible (covered before activation). */
  eligibleUsers?: readonly string[];
  /** phishing-resistant-admins: role-assignable groups through which PIM-eligible roles are held. */
  eligibleGroups?: readonly string[];
}

function usersCondition(include: Record<string, string[]>, breakGlassIds: readonly string[]) {
  return {
    includeUsers: include.includeUsers ?? [], excludeUsers: [...breakGlassIds],
    includeGroups: include.includeGroups ?? [], excludeGroups: [],
    includeRoles: include.includeRoles ?? [], excludeRoles: [],
  };
}

/** The exact POST body of a template. */
export function templateBody(template: TemplateId, input: TemplateInput): Record<string, unknown> {
  const base = (conditions: Record<string, unknown>, grantControls: Record<string, unknown>) => ({
    displayName: TEMPLATE_NAMES[template],
    description: `Proposed by mfaguard ${marker(template)}`,
    state: REPORT_ONLY,
    conditions,
    grantControls,
  });
  const mfa = { operator: 'OR', builtInControls: ['mfa'] };
  switch (template) {
    case 'mfa-all-users':
      return base({ clientAppTypes: ['all'], applications: { includeApplications: ['All'], excludeApplications: [] }, users: usersCondition({ includeUsers: ['All'] }, input.breakGlassIds) }, mfa);
    case 'mfa-azure-management':
      return base({ clientAppTypes: ['all'], applications: { includeApplications: [AZURE_MANAGEMENT_APP], excludeApplications: [] }, users: usersCondition({ includeUsers: ['All'] }, input.breakGlassIds) }, mfa);
    case 'phishing-resistant-admins':
      return base({
        clientAppTypes: ['all'],
        applications: { includeApplications: ['All'], excludeApplications: [] },
        users: usersCondition({ includeRoles: [...(input.adminRoles ?? [])], includeUsers: [...(input.eligibleUsers ?? [])], includeGroups: [...(input.eligibleGroups ?? [])] }, input.breakGlassIds),
      }, { operator: 'OR', builtInControls: [], authenticationStrength: { id: PHISHING_RESISTANT_STRENGTH } });
    case 'block-legacy-authentication':
      return base({ clientAppTypes: ['exchangeActiveSync', 'other'], applications: { includeApplications: ['All'], excludeApplications: [] }, users: usersCondition({ includeUsers: ['All'] }, input.breakGlassIds) },
        { operator: 'OR', builtInControls: ['block'] });
  }
}

/** Privileged directory roles held in the tenant (active or eligible) and who holds them only as eligible. */
export function adminScope(model: DirectoryModel): Required<Pick<TemplateInput, 'adminRoles' | 'eligibleUsers' | 'eligibleGroups'>> {
  const roles = new Set<string>();
  const eligibleUsers = new Set<string>();
  const eligibleGroups = new Set<string>();
  for (const [userId, holdings] of model.activeRoles) for (const h of holdings) if (model.isPrivilegedRole(h.templateId) && model.userById.has(userId)) roles.add(h.templateId);
  for (const [userId, holdings] of model.eligibleRoles) {
    for (const h of holdings) {
      if (!model.isPrivilegedRole(h.templateId)) continue;
      roles.add(h.templateId);
      const user = model.userById.get(userId);
      if (!user) continue;
      // Eligibility through a role-assignable group: include the group (its members are the holders).
      if (h.viaGroupId) eligibleGroups.add(h.viaGroupId);
      else eligibleUsers.add(user.id);
    }
  }
  return { adminRoles: [...roles].sort(), eligibleUsers: [...eligibleUsers].sort(), eligibleGroups: [...eligibleGroups].sort() };
}
