/**
 * The pure pipeline: snapshot -> directory model -> per-user coverage -> findings.
 * No I/O here; the library (src/app) and other adapters call this. Rules run synchronously unless a
 * rule returns a promise (it awaits sign-in evidence): `evaluateSnapshot` is the synchronous fast
 * path for the built-in catalog, `evaluateSnapshotAsync` awaits only the rules that need it.
 */
import type { Snapshot } from './snapshot/types.js';
import { DirectoryModel, norm, type DataGap } from './snapshot/model.js';
import { evaluateUser, prepareEngine, type EngineContext } from './coverage/engine.js';
import type { UserCoverage } from './coverage/types.js';
import type { SignInEvidence } from './evidence/types.js';
import { RULES } from './rules/registry.js';
import type { Finding, Rule, RuleContext } from './rules/types.js';
import { scopeGapFinding } from './rules/common.js';
import type { CollectionKey } from './snapshot/types.js';
import type { TenantConfig } from './config/types.js';
import { applyExemptions, type ExemptionSummary } from './config/exemptions.js';
import { checkConfigTenant, parseAsOf } from './config/parse.js';

export interface Evaluation {
  model: DirectoryModel;
  engine: EngineContext;
  coverage: Map<string, UserCoverage>;
  findings: Finding[];
  rules: readonly Rule[];
  /** Collections that were not collected or failed, for the report header. */
  dataGaps: DataGap[];
  /** What the configuration's exemptions did (spec/config.md); absent when no configuration was given. */
  exemptions?: ExemptionSummary;
}

/** The tenant configuration and the evaluation instant (spec/config.md). */
export interface ConfigOptions {
  /** Break-glass accounts and exemptions; absent = none (a scan behaves exactly as before). */
  config?: TenantConfig | undefined;
  /** The instant exemption expiry is judged at (ISO 8601 or a Date; default: now). */
  asOf?: string | Date | undefined;
}

const TRACKED: CollectionKey[] = [
  'users', 'groups', 'groupMembers', 'roleDefinitions', 'roleAssignments', 'roleEligibilitySchedules', 'azureRoleDefinitions',
  'azureRoleAssignments', 'classicAdministrators', 'conditionalAccessPolicies', 'namedLocations', 'authenticationStrengthPolicies',
  'securityDefaults', 'userRegistrationDetails',
];

/** The missing sign-in evidence, as a data gap (the key sign-in logs have in a snapshot). */
const NO_SIGN_IN_EVIDENCE: DataGap = { key: 'signIns', reason: 'no sign-in evidence was given (sign-in logs not collected or imported)' };

function prepare(snapshot: Snapshot, evidence: SignInEvidence | undefined, opts: ConfigOptions = {}): RuleContext {
  // A file written for another tenant must not silence this one's findings.
  if (opts.config) checkConfigTenant(opts.config, snapshot.tenant);
  const asOf = opts.asOf === undefined ? undefined : parseAsOf(opts.asOf);
  const model = new DirectoryModel(snapshot);
  const engine = prepareEngine(model);
  const coverage = new Map<string, UserCoverage>();
  for (const user of model.users) coverage.set(norm(user.id), evaluateUser(engine, user).coverage);
  return { model, engine, coverage, ...(evidence ? { evidence } : {}), ...(opts.config ? { config: opts.config } : {}), ...(asOf ? { asOf } : {}) };
}

/** A rule's findings, or the `unknown` finding that replaces them when the evidence it needs is missing. */
function runRule(rule: Rule, ctx: RuleContext): Finding[] | Promise<Finding[]> {
  if (rule.needsSignIns && !ctx.evidence) return scopeGapFinding(rule.meta, ctx, [NO_SIGN_IN_EVIDENCE], 'Sign-in facts this rule needs');
  return rule.evaluate(ctx);
}

function finish(ctx: RuleContext, rules: readonly Rule[], ruleFindings: Finding[]): Evaluation {
  let findings = ruleFindings;
  const { model, engine, coverage } = ctx;
  // Without the user list no user rule can name its scope: say so once per rule instead of reporting nothing.
  const usersGap = model.gap('users');
  if (usersGap) {
    for (const r of rules.filter((x) => x.meta.resourceType === 'user')) {
      findings.push(...scopeGapFinding(r.meta, ctx, [usersGap], 'The accounts this rule applies to'));
    }
  }
  const dataGaps = TRACKED.map((k) => model.gap(k)).filter((g): g is DataGap => !!g);
  if (!ctx.config) return { model, engine, coverage, findings, rules, dataGaps };
  const applied = applyExemptions(findings, ctx.config, ctx.asOf ?? new Date().toISOString(), model);
  return { model, engine, coverage, findings: applied.findings, rules, dataGaps, exemptions: applied.summary };
}

/** Evaluates with synchronous rules (the built-in catalog); a rule that returns a promise is an error here. */
export function evaluateSnapshot(snapshot: Snapshot, rules: readonly Rule[] = RULES, opts: ConfigOptions = {}): Evaluation {
  const ctx = prepare(snapshot, undefined, opts);
  const findings = rules.flatMap((r) => {
    const out = runRule(r, ctx);
    if (!Array.isArray(out)) throw new Error(`rule ${r.meta.id} is asynchronous: evaluate with evaluateSnapshotAsync`);
    return out;
  });
  return finish(ctx, rules, findings);
}

export interface EvaluateOptions extends ConfigOptions {
  rules?: readonly Rule[];
  /** Sign-in facts for the rules that need them. */
  evidence?: SignInEvidence;
}

/** Evaluates with any rules, awaiting those that return a promise; findings keep the catalog's order. */
export async function evaluateSnapshotAsync(snapshot: Snapshot, opts: EvaluateOptions = {}): Promise<Evaluation> {
  const rules = opts.rules ?? RULES;
  const ctx = prepare(snapshot, opts.evidence, opts);
  const results = rules.map((r) => runRule(r, ctx));
  const findings = results.some((x) => !Array.isArray(x)) ? (await Promise.all(results)).flat() : (results as Finding[][]).flat();
  return finish(ctx, rules, findings);
}
