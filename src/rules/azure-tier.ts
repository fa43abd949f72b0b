/**
 * Shared logic of the three Defender for Cloud rules (owner / write / read permissions on Azure
 * resources without MFA). Each account is reported under its highest tier only.
 */
import type { AzureGrant, AzureTier } from '../snapshot/azure.js';
import { withBreakGlass } from './break-glass.js';
import { coverageEvidence, disabledFinding, scopeGapFinding, userFinding, verdictFor, verdictReason } from './common.js';
import type { Finding, Rule, RuleContext, RuleMeta } from './types.js';

export function describeGrant(g: AzureGrant): string {
  const via = g.via.kind === 'direct' ? 'directly' : g.via.kind === 'group' ? `through group '${g.via.groupName}'` : `as classic ${g.via.roles.join('/')} (${g.via.email})`;
  return `${g.roleName} at ${g.scope} ${via}`;
}

export function grantEvidence(g: AzureGrant) {
  return {
    role: g.roleName, roleDefinitionId: g.roleDefinitionId, scope: g.scope, tier: g.tier,
    via: g.via.kind === 'group' ? { kind: 'group', groupId: g.via.groupId, groupName: g.via.groupName } : g.via,
  };
}

/** Stated once per report (rules[].notes), as rules.md asks: Defender does not publish its algorithm. */
export const TIER_ALGORITHM = 'Azure permission tier (mfaguard heuristic; Defender does not publish its own): owner = a role whose actions include * and whose notActions do not remove role-assignment writes, or a classic Service/Co-Administrator; write = any allowed non-read action; read = read actions only. Group assignments are expanded transitively; each account is reported under its highest tier only.';

export function azureTierRule(tier: AzureTier, meta: RuleMeta): Rule {
  return {
    meta: { ...meta, notes: TIER_ALGORITHM },
    evaluate(ctx: RuleContext): Finding[] {
      const { model } = ctx;
      const out: Finding[] = [];
      const gaps = [model.gap('azureRoleAssignments'), model.gap('azureRoleDefinitions')];
      if (tier === 'owner') gaps.push(model.gap('classicAdministrators'));
      // Missing role definitions only matter when an assignment points at a non-built-in role.
      if (gaps[1] && ![...model.azure.byUser.values()].some((a) => a.unresolved)) gaps[1] = undefined;
      out.push(...scopeGapFinding(meta, ctx, gaps, `Which accounts hold ${tier} permissions on Azure resources`));

      // Only accounts with Azure access can be in scope: walk those, not every user of the tenant.
      for (const [userId, access] of model.azure.byUser) {
        const user = model.userById.get(userId);
        if (!user) continue;
        // Accounts whose only grants point at unknown role definitions are checked under the highest tier.
        const effective = access.tier ?? (access.unresolved ? 'owner' : null);
        if (effective !== tier) continue;
        const grants = access.grants.filter((g) => g.tier === tier || (g.tier === null && access.tier === null));
        const evidence: Record<string, unknown> = {
          tier, grants: grants.map(grantEvidence), perUserMfaState: model.perUserMfaState(user).state,
        };
        if (!model.isEnabled(user)) {
          out.push(disabledFinding(meta, user, evidence));
          continue;
        }
        const v = verdictFor(ctx, user, ['azureManagement']);
        evidence.coverage = coverageEvidence(v);
        const who = `${tier} access (${grants.slice(0, 3).map(describeGrant).join('; ')}${grants.length > 3 ? `; +${grants.length - 3} more` : ''})`;
        const reason = access.tier === null
          ? `Azure role definition not in the snapshot, so the tier is unknown; ${verdictReason(v)}`
          : `${who}; ${verdictReason(v)}`;
        const status = access.tier === null && v.status !== 'healthy' ? 'unknown' : v.status;
        out.push(withBreakGlass(ctx, user, v, userFinding(meta, user, status, reason, evidence)));
      }
      return out;
    },
  };
}
