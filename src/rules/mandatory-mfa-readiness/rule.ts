/**
 * Microsoft's mandatory MFA for Azure (phase 1: portals; phase 2: CLI, PowerShell, mobile app, ARM
 * clients) judged on what happened: successful single-factor sign-ins to those apps in the window,
 * plus the directory's own prediction for accounts that can change Azure (write/owner tier).
 * spec/signins.md "Rules" and "No sign-in data".
 */
import type { GraphUser } from '../../snapshot/types.js';
import type { UserAppSignIns } from '../../evidence/types.js';
import type { DirectoryModel } from '../../snapshot/model.js';
import type { AzureTier } from '../../snapshot/azure.js';
import { coverageEvidence, scopeGapFinding, tenantFinding, userFinding, verdictFor, verdictReason, type Verdict } from '../common.js';
import { evidenceQuery, NO_SIGN_INS, plural, reportedWindow } from '../signin-evidence.js';
import type { Finding, Rule, RuleContext } from '../types.js';

const meta: Rule['meta'] = {
  id: 'mandatory-mfa-readiness',
  title: 'Accounts that use Azure must be ready for Microsoft\'s mandatory MFA',
  severity: 'high',
  resourceType: 'user',
  protectsAgainst: 'password-only access to the Azure portal, CLI, PowerShell and Resource Manager — and, once Microsoft enforces MFA there, accounts and automation that suddenly cannot sign in',
  origin: 'Entra "Mandatory MFA for Azure" phases 1 (portals) and 2 (CLI, PowerShell, mobile app, Resource Manager)',
  references: [
    'https://learn.microsoft.com/entra/identity/authentication/concept-mandatory-multifactor-authentication',
    'https://learn.microsoft.com/entra/identity/monitoring-health/concept-sign-ins',
  ],
  remediation: 'Require MFA for Azure management and the Azure portal (a Conditional Access policy for All users on All resources or "Windows Azure Service Management API", or security defaults) and make sure every account that signs in there can do MFA (register a method). Move automation that signs in as a user to a managed identity or a service principal with a certificate or federated credential.',
  notes: 'Scope: enabled users with a successful sign-in to a mandatory-MFA app in the evidence window, or with Azure write/owner permissions. A user with no such sign-in in the window is out of the evidence scope, not unhealthy. Without sign-in logs the verdict follows from directory data where it can (write/owner without healthy azureManagement coverage: unhealthy) and is unknown otherwise.',
};

type Tier = AzureTier | 'unresolved';

/** The user's highest Azure tier (`unresolved`: only grants of role definitions not in the snapshot), or undefined without Azure access. */
function tierOf(model: DirectoryModel, user: GraphUser): Tier | undefined {
  const access = model.azure.byUser.get(user.id.toLowerCase());
  if (!access) return undefined;
  return access.tier ?? (access.unresolved ? 'unresolved' : undefined);
}

/** Whether the user can do MFA (`isMfaCapable`, fallback `isMfaRegistered`); null when the registration record is missing. */
function mfaCapable(model: DirectoryModel, user: GraphUser): boolean | null {
  const reg = model.registrationById.get(user.id.toLowerCase());
  if (!reg) return null;
  if (typeof reg.isMfaCapable === 'boolean') return reg.isMfaCapable;
  return typeof reg.isMfaRegistered === 'boolean' ? reg.isMfaRegistered : null;
}

/** The per-app evidence signins.md asks for. */
function appEvidence(a: UserAppSignIns) {
  return {
    appId: a.appId, appDisplayName: a.appDisplayName, phase: a.mandatoryMfaPhase, signIns: a.signIns, singleFactor: a.singleFactor,
    lastSingleFactor: a.lastSingleFactor, interactive: a.interactive, nonInteractive: a.nonInteractive,
  };
}

/** The directory half of the verdict, for accounts that can change Azure (write/owner, or a tier that cannot be resolved). */
function directoryVerdict(ctx: RuleContext, user: GraphUser, tier: Tier | undefined): { status: 'healthy' | 'unhealthy' | 'unknown'; reason: string; verdict: Verdict } | undefined {
  if (tier !== 'owner' && tier !== 'write' && tier !== 'unresolved') return undefined;
  const v = verdictFor(ctx, user, ['azureManagement']);
  if (tier === 'unresolved') {
    return { status: v.status === 'healthy' ? 'healthy' : 'unknown', reason: `Azure role definition not in the snapshot, so the tier is unknown; ${verdictReason(v)}`, verdict: v };
  }
  return { status: v.status, reason: `Azure ${tier} access; ${verdictReason(v)}`, verdict: v };
}

function withoutSignIns(ctx: RuleContext): Finding[] {
  const { model } = ctx;
  const missing = model.snapshot.unavailable.signIns ? model.gap('signIns')!.reason : NO_SIGN_INS;
  const out: Finding[] = [tenantFinding(meta, ctx, 'unknown', `Sign-in facts this rule needs cannot be determined: ${missing}; accounts with Azure access are judged on directory data alone`, { missing: ['signIns'] })];
  for (const userId of model.azure.byUser.keys()) {
    const user = model.userById.get(userId);
    if (!user || !model.isEnabled(user)) continue;
    const tier = tierOf(model, user);
    if (!tier) continue; // no Azure access tier: no finding
    const dir = directoryVerdict(ctx, user, tier);
    const evidence: Record<string, unknown> = { tier: tier ?? null, signIns: 'missing', mfaCapable: mfaCapable(model, user) };
    if (dir) evidence.coverage = coverageEvidence(dir.verdict);
    if (dir?.status === 'unhealthy') {
      out.push(userFinding(meta, user, 'unhealthy', `${dir.reason} (decided from directory data; ${missing})`, evidence));
    } else {
      const why = dir ? `${dir.reason}; ` : `Azure ${tier} access; `;
      out.push(userFinding(meta, user, 'unknown', `${why}single-factor sign-ins to Azure cannot be ruled out: ${missing}`, evidence));
    }
  }
  return out;
}

async function withSignIns(ctx: RuleContext): Promise<Finding[]> {
  const { model } = ctx;
  const evidence = ctx.evidence!;
  const [apps, window] = await Promise.all([evidence.userAppSignIns({ ...evidenceQuery(ctx), apps: 'mandatoryMfa' }), reportedWindow(ctx, evidence)]);
  const byUser = new Map<string, UserAppSignIns[]>();
  for (const a of apps) {
    if (!a.signIns) continue;
    const list = byUser.get(a.userId);
    if (list) list.push(a);
    else byUser.set(a.userId, [a]);
  }
  const out: Finding[] = [];
  // Users by directory order: the report lists them the same way on every run.
  for (const user of model.users) {
    const id = user.id.toLowerCase();
    const mine = byUser.get(id);
    const tier = tierOf(model, user);
    const dir = directoryVerdict(ctx, user, tier);
    if (!mine && !dir) continue; // no mandatory-MFA sign-in in the window and no write/owner access: out of scope
    if (!model.isEnabled(user)) continue; // scope is enabled users
    const sorted = (mine ?? []).sort((a, b) => b.singleFactor - a.singleFactor || (a.appId < b.appId ? -1 : 1));
    const single = sorted.filter((a) => a.singleFactor > 0);
    const capable = mfaCapable(model, user);
    const ev: Record<string, unknown> = {
      tier: tier ?? null, apps: sorted.map(appEvidence), mfaCapable: capable, window: window ?? null,
    };
    if (dir) ev.coverage = coverageEvidence(dir.verdict);
    const parts: string[] = [];
    let status: 'healthy' | 'unhealthy' | 'unknown';
    if (single.length) {
      status = 'unhealthy';
      const total = single.reduce((n, a) => n + a.singleFactor, 0);
      const last = single.map((a) => a.lastSingleFactor!).sort().at(-1)!;
      parts.push(`${plural(total, 'successful single-factor sign-in')} to mandatory-MFA apps (${single.map((a) => `${a.appDisplayName ?? a.appId}: ${a.singleFactor}`).join(', ')}), last ${last}`);
      if (capable === false) parts.push('the account has no MFA method registered: enforcement will lock it out');
      if (dir) parts.push(dir.reason);
    } else {
      status = dir?.status ?? 'healthy';
      if (mine) parts.push(`${plural(sorted.reduce((n, a) => n + a.signIns, 0), 'successful sign-in')} to mandatory-MFA apps, all with MFA`);
      if (dir) parts.push(dir.reason);
    }
    out.push(userFinding(meta, user, status, parts.join('; '), ev));
  }
  return out;
}

const rule: Rule = {
  meta,
  evaluate(ctx: RuleContext): Finding[] | Promise<Finding[]> {
    const { model } = ctx;
    const gaps = scopeGapFinding(meta, ctx, [model.gap('azureRoleAssignments'), model.gap('classicAdministrators')], 'Which accounts hold Azure write or owner permissions');
    // Without evidence the rule answers synchronously from the directory (the synchronous evaluator can run it).
    if (!ctx.evidence) {
      const [note, ...users] = withoutSignIns(ctx);
      if (!gaps.length) return [note!, ...users];
      // One tenant-level entry per rule: the scope gap and the missing sign-ins in one finding.
      const [gap] = gaps;
      return [{ ...gap!, reason: `${gap!.reason}; ${note!.reason}`, evidence: { missing: [...(gap!.evidence.missing as string[]), 'signIns'] } }, ...users];
    }
    return withSignIns(ctx).then((f) => [...gaps, ...f]);
  },
};

export default rule;
