/**
 * The pure pipeline: snapshot -> directory model -> per-user coverage -> findings.
 * No I/O here; the CLI and other adapters call this.
 */
import type { Snapshot } from './snapshot/types.js';
import { DirectoryModel, norm, type DataGap } from './snapshot/model.js';
import { evaluateUser, prepareEngine, type EngineContext } from './coverage/engine.js';
import type { UserCoverage } from './coverage/types.js';
import { RULES } from './rules/registry.js';
import type { Finding, Rule } from './rules/types.js';
import { scopeGapFinding } from './rules/common.js';
import type { CollectionKey } from './snapshot/types.js';

export interface Evaluation {
  model: DirectoryModel;
  engine: EngineContext;
  coverage: Map<string, UserCoverage>;
  findings: Finding[];
  rules: readonly Rule[];
  /** Collections that were not collected or failed, for the report header. */
  dataGaps: DataGap[];
}

const TRACKED: CollectionKey[] = [
  'users', 'groups', 'groupMembers', 'roleDefinitions', 'roleAssignments', 'roleEligibilitySchedules', 'azureRoleDefinitions',
  'azureRoleAssignments', 'classicAdministrators', 'conditionalAccessPolicies', 'namedLocations', 'authenticationStrengthPolicies',
  'securityDefaults', 'userRegistrationDetails',
];

export function evaluateSnapshot(snapshot: Snapshot, rules: readonly Rule[] = RULES): Evaluation {
  const model = new DirectoryModel(snapshot);
  const engine = prepareEngine(model);
  const coverage = new Map<string, UserCoverage>();
  for (const user of model.users) coverage.set(norm(user.id), evaluateUser(engine, user).coverage);
  const ctx = { model, engine, coverage };
  const findings = rules.flatMap((r) => r.evaluate(ctx));
  // Without the user list no user rule can name its scope: say so once per rule instead of reporting nothing.
  const usersGap = model.gap('users');
  if (usersGap) {
    for (const r of rules.filter((x) => x.meta.resourceType === 'user')) {
      findings.push(...scopeGapFinding(r.meta, ctx, [usersGap], 'The accounts this rule applies to'));
    }
  }
  const dataGaps = TRACKED.map((k) => model.gap(k)).filter((g): g is DataGap => !!g);
  return { model, engine, coverage, findings, rules, dataGaps };
}
