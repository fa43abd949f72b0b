/**
 * Hand-written sign-ins (Graph beta `signIn` shape, spec/signins.md) and a way to run one rule with
 * sign-in evidence, a tenant configuration and an `asOf`, as the evaluator's rule context carries them.
 */
import { DirectoryModel, norm } from '../../src/snapshot/model.js';
import { evaluateUser, prepareEngine } from '../../src/coverage/engine.js';
import type { UserCoverage } from '../../src/coverage/types.js';
import { evaluateSnapshotAsync } from '../../src/evaluate.js';
import { MemorySignInEvidence } from '../../src/evidence/memory.js';
import type { SignInEvidence } from '../../src/evidence/types.js';
import { EMPTY_CONFIG, type TenantConfig } from '../../src/config/types.js';
import { RULES } from '../../src/rules/registry.js';
import type { Finding, RuleContext } from '../../src/rules/types.js';
import type { GraphUser, Snapshot } from '../../src/snapshot/types.js';

export const PORTAL = 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c';
export const CLI = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
export const POWERSHELL = '1950a258-227b-4e31-a9cf-717495945fc2';
export const MOBILE = '0c1307d4-29d6-4389-a11c-5cbe7f65d7fa';
export const ARM_RESOURCE = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
export const OUTLOOK = '5d661950-3475-41cd-a2c3-d671a3162bc1';
export const GRAPH = '00000003-0000-0000-c000-000000000000';
export const TERRAFORM = 'aaaaaaaa-7e77-4000-8000-00000000beef';

let n = 0;
/** One successful, interactive, MFA-satisfied portal sign-in of `u` at `at`, changed by `patch`. */
export function signIn(u: GraphUser | string, at: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  const userId = typeof u === 'string' ? u : u.id;
  return {
    id: `si-${String(++n).padStart(5, '0')}`, createdDateTime: at, userId, userPrincipalName: typeof u === 'string' ? null : u.userPrincipalName,
    appId: PORTAL, appDisplayName: 'Azure Portal', resourceId: ARM_RESOURCE, resourceDisplayName: 'Windows Azure Service Management API',
    clientAppUsed: 'Browser', isInteractive: true, signInEventTypes: ['interactiveUser'], authenticationRequirement: 'multiFactorAuthentication',
    authenticationProtocol: 'none', status: { errorCode: 0 }, userAgent: 'Mozilla/5.0', ipAddress: '203.0.113.7',
    deviceDetail: { operatingSystem: 'Windows10' }, location: { countryOrRegion: 'US' }, ...patch,
  };
}

/** Patches for common kinds of sign-in. */
export const singleFactor = { authenticationRequirement: 'singleFactorAuthentication' };
export const nonInteractive = { isInteractive: false, signInEventTypes: ['nonInteractiveUser'] };
export const cli = (userAgent = 'python-requests/2.31.0') => ({ appId: CLI, appDisplayName: 'Microsoft Azure CLI', resourceId: ARM_RESOURCE, clientAppUsed: 'Mobile Apps and Desktop clients', userAgent });
export const failed = { status: { errorCode: 50126 } };

export interface RunOptions {
  signIns?: readonly Record<string, unknown>[];
  evidence?: SignInEvidence;
  config?: TenantConfig;
  asOf?: string;
}

/** The findings of one rule, with the context the evaluator gives it (no evidence: exactly the evaluator's path). */
export async function ruleFindings(snap: Snapshot, ruleId: string, opts: RunOptions = {}): Promise<Finding[]> {
  const rule = RULES.find((r) => r.meta.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  const evidence = opts.evidence ?? (opts.signIns ? new MemorySignInEvidence(opts.signIns) : undefined);
  if (!evidence && !opts.config && !opts.asOf) return (await evaluateSnapshotAsync(snap, { rules: [rule] })).findings;
  if (rule.needsSignIns && !evidence) return (await evaluateSnapshotAsync(snap, { rules: [rule] })).findings;
  const model = new DirectoryModel(snap);
  const engine = prepareEngine(model);
  const coverage = new Map<string, UserCoverage>();
  for (const u of model.users) coverage.set(norm(u.id), evaluateUser(engine, u).coverage);
  const ctx: RuleContext = { model, engine, coverage, config: opts.config ?? EMPTY_CONFIG, ...(evidence ? { evidence } : {}), ...(opts.asOf ? { asOf: opts.asOf } : {}) };
  return rule.evaluate(ctx);
}

export const statusOf = (findings: Finding[], u: { id: string }) => findings.filter((f) => f.resourceId === u.id).map((f) => f.status);
