/**
 * User accounts that behave like automation against Azure management (spec/signins.md): ROPC, only
 * non-interactive use, clock-like regularity, generic HTTP clients against ARM. Mandatory MFA will stop
 * them; they should be managed identities or service principals. The signals are computed by the
 * evidence port (`automationProfiles`), so every evidence implementation applies the same thresholds.
 */
import type { AutomationProfile, AutomationSignal } from '../../evidence/types.js';
import { userFinding } from '../common.js';
import { evidenceQuery, plural, reportedWindow, signInUser } from '../signin-evidence.js';
import type { Finding, Rule, RuleContext } from '../types.js';

const SIGNAL_TEXT: Record<AutomationSignal, (p: AutomationProfile) => string> = {
  ropc: () => 'signs in with the resource-owner password flow (ROPC: a password in a script, no MFA possible)',
  nonInteractiveOnly: (p) => `${plural(p.managementSignIns, 'non-interactive management sign-in')} and no interactive sign-in to any app`,
  scheduled: () => 'signs in at the same time of day (± 5 minutes) on 5 or more days',
  scriptedClient: (p) => `calls Azure Resource Manager with a generic HTTP client (${p.scriptedAgents.slice(0, 3).join(', ')})`,
};

const rule: Rule = {
  meta: {
    id: 'user-automation-account',
    title: 'User accounts must not be used for automation against Azure',
    severity: 'medium',
    resourceType: 'user',
    protectsAgainst: 'passwords stored in scripts and pipelines (no MFA possible, often excluded from policies) — and automation that breaks when Microsoft enforces MFA for Azure management',
    origin: 'Mandatory MFA for Azure guidance: "user identities aren\'t recommended for automation"',
    references: [
      'https://learn.microsoft.com/entra/identity/authentication/concept-mandatory-multifactor-authentication#accounts',
      'https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/overview',
      'https://learn.microsoft.com/entra/workload-id/workload-identity-federation',
    ],
    remediation: 'Replace the user account in the automation with a managed identity (code running in Azure) or a service principal that authenticates with a certificate or a federated credential (GitHub Actions, Azure DevOps, Kubernetes: workload identity federation, no secret). Then remove the account\'s Azure role assignments and disable it, or make it a person\'s account that does MFA.',
    notes: 'Signals over successful sign-ins from Azure management clients (Azure CLI, Azure PowerShell, or resource Azure Resource Manager) in the evidence window: ropc = a sign-in with authenticationProtocol ropc; nonInteractiveOnly = 5 or more such sign-ins and no interactive sign-in to any app; scheduled = such sign-ins on 5 or more distinct UTC days within ± 5 minutes of one time of day; scriptedClient = a generic HTTP client user agent (curl, Wget, Go-http-client, okhttp, Java, node-fetch, axios, Python-urllib, WindowsPowerShell) against ARM. python-requests alone is the Azure CLI\'s own agent and is not a signal. Evidence lists the first 10 IP addresses and agents (in order of first appearance) and the number of distinct IP addresses.',
  },
  needsSignIns: true,
  async evaluate(ctx: RuleContext): Promise<Finding[]> {
    const evidence = ctx.evidence!;
    const [profiles, window] = await Promise.all([evidence.automationProfiles(evidenceQuery(ctx)), reportedWindow(ctx, evidence)]);
    const out: Finding[] = [];
    for (const p of profiles.sort((a, b) => (a.userId < b.userId ? -1 : 1))) {
      const user = signInUser(ctx, p.userId);
      if (!user || !ctx.model.isEnabled(user) || !p.managementSignIns) continue; // scope: enabled users with a management sign-in
      const ev = {
        signals: p.signals, managementSignIns: p.managementSignIns, interactiveSignIns: p.interactiveSignIns,
        scriptedAgents: p.scriptedAgents, sampleTimes: p.sampleTimes, ipAddresses: p.ipAddresses, ipAddressCount: p.ipAddressCount, window: window ?? null,
      };
      if (p.signals.length) {
        out.push(userFinding(rule.meta, user, 'unhealthy', `looks like automation: ${p.signals.map((s) => SIGNAL_TEXT[s](p)).join('; ')}`, ev));
      } else {
        out.push(userFinding(rule.meta, user, 'healthy', `${plural(p.managementSignIns, 'Azure management sign-in')}, ${plural(p.interactiveSignIns, 'interactive sign-in')}; no automation signal`, ev));
      }
    }
    return out;
  },
};

export default rule;
