/**
 * Azure CLI and Azure PowerShell versions seen in sign-ins (spec/signins.md): versions older than the
 * ones Microsoft names for mandatory MFA phase 2 (CLI 2.76.0, Az PowerShell 14.3.0) do not handle the
 * MFA claims challenge of Resource Manager. Versions come from `userAgent` only; a sign-in without
 * one (the CLI's token requests usually carry only python-requests) says nothing and is never guessed.
 */
import { compareVersions } from '../../evidence/signins.js';
import type { AzureTool, ToolVersionSignIns } from '../../evidence/types.js';
import { userFinding } from '../common.js';
import { evidenceQuery, reportedWindow, signInUser } from '../signin-evidence.js';
import type { Finding, Rule, RuleContext } from '../types.js';

/** The lowest versions Microsoft asks for before phase 2 enforcement. */
export const MINIMUM_VERSIONS: Record<AzureTool, string> = { azureCli: '2.76.0', azurePowerShell: '14.3.0' };
const TOOL_NAMES: Record<AzureTool, string> = { azureCli: 'Azure CLI', azurePowerShell: 'Azure PowerShell (Az)' };

const rule: Rule = {
  meta: {
    id: 'azure-tooling-version',
    title: 'Azure CLI and Azure PowerShell must be recent enough for mandatory MFA',
    severity: 'medium',
    resourceType: 'user',
    protectsAgainst: 'Azure CLI / PowerShell installations that cannot answer Resource Manager\'s MFA claims challenge: once phase 2 is enforced they fail, and people work around it with weaker identities',
    origin: 'Mandatory MFA for Azure phase 2: "use Azure CLI version 2.76 and Azure PowerShell version 14.3 or later"',
    references: [
      'https://learn.microsoft.com/entra/identity/authentication/concept-mandatory-multifactor-authentication',
      'https://learn.microsoft.com/cli/azure/update-azure-cli',
      'https://learn.microsoft.com/powershell/azure/install-azure-powershell',
    ],
    remediation: 'Upgrade: `az upgrade` (or your package manager / the MSI) to Azure CLI 2.76.0 or later; `Update-Module Az` (or Install-Module Az) to Az 14.3.0 or later — on every machine and build agent the account uses (the finding lists the lowest version seen).',
    notes: `Scope: users with an Azure CLI (AZURECLI/x.y.z) or Azure PowerShell (AzurePowershell/vX.Y.Z) version in the user agent of a successful sign-in in the evidence window. Unhealthy when the lowest version seen is below ${MINIMUM_VERSIONS.azureCli} (CLI) or ${MINIMUM_VERSIONS.azurePowerShell} (Az). Sign-ins without a version (python-requests only) are unknown and not counted.`,
  },
  needsSignIns: true,
  async evaluate(ctx: RuleContext): Promise<Finding[]> {
    const evidence = ctx.evidence!;
    const [versions, window] = await Promise.all([evidence.toolVersions(evidenceQuery(ctx)), reportedWindow(ctx, evidence)]);
    const byUser = new Map<string, ToolVersionSignIns[]>();
    for (const v of versions) {
      const list = byUser.get(v.userId);
      if (list) list.push(v);
      else byUser.set(v.userId, [v]);
    }
    const out: Finding[] = [];
    for (const [userId, tools] of [...byUser].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const user = signInUser(ctx, userId);
      if (!user) continue;
      tools.sort((a, b) => (a.tool < b.tool ? -1 : 1));
      const ev = {
        tools: tools.map((t) => ({ tool: t.tool, lowestVersion: t.lowestVersion, highestVersion: t.highestVersion, minimumVersion: MINIMUM_VERSIONS[t.tool], signIns: t.signIns, lastSeen: t.lastSeen })),
        window: window ?? null,
      };
      if (!ctx.model.isEnabled(user)) {
        out.push(userFinding(rule.meta, user, 'notApplicable', 'account is disabled (accountEnabled: false)', ev));
        continue;
      }
      const old = tools.filter((t) => compareVersions(t.lowestVersion, MINIMUM_VERSIONS[t.tool]) < 0);
      const describe = (t: ToolVersionSignIns) => `${TOOL_NAMES[t.tool]} ${t.lowestVersion === t.highestVersion ? t.lowestVersion : `${t.lowestVersion} to ${t.highestVersion}`}`;
      if (old.length) {
        const why = old.map((t) => `${TOOL_NAMES[t.tool]} ${t.lowestVersion} is older than ${MINIMUM_VERSIONS[t.tool]}${compareVersions(t.highestVersion, MINIMUM_VERSIONS[t.tool]) >= 0 ? ` (${t.highestVersion} seen too: an old installation is still in use)` : ''}`);
        out.push(userFinding(rule.meta, user, 'unhealthy', why.join('; '), ev));
      } else {
        out.push(userFinding(rule.meta, user, 'healthy', `${tools.map(describe).join(', ')}: recent enough`, ev));
      }
    }
    return out;
  },
};

export default rule;
