/** `mfaguard explain`: the chain of reasoning behind one user's coverage. */
import { parseArgs } from 'node:util';
import { DirectoryModel } from '../snapshot/model.js';
import { evaluateUser, prepareEngine } from '../coverage/engine.js';
import { TARGETS, TARGET_LABELS, painter, stateStyle, type Target } from '../vocabulary.js';
import { describeGrant } from '../rules/azure-tier.js';
import { InputError, UsageError } from '../errors.js';
import { loadFromArgs } from './load.js';
import { useColor } from './output.js';

export const EXPLAIN_HELP = `Usage: mfaguard explain (--snapshot PATH | --demo) --user UPN|ID [--target TARGET] [--format text|json]

Show why a user is (not) covered by MFA: groups, roles, Azure access, every mechanism and every
Conditional Access policy considered, per target.

  --target TARGET   one of ${TARGETS.join(', ')} (default: all)`;

export async function explainCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      snapshot: { type: 'string' }, demo: { type: 'boolean' }, user: { type: 'string' }, target: { type: 'string' },
      format: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(EXPLAIN_HELP + '\n');
    return 0;
  }
  if (!values.user) throw new UsageError('missing --user UPN|ID');
  const targets: Target[] = values.target ? [values.target as Target] : [...TARGETS];
  if (values.target && !TARGETS.includes(values.target as Target)) throw new UsageError(`unknown --target "${values.target}" (choose ${TARGETS.join(', ')})`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('--format must be text or json');

  const { snapshot } = await loadFromArgs(values);
  const model = new DirectoryModel(snapshot);
  const user = model.findUser(values.user);
  if (!user) throw new InputError(`no user with UPN, mail or id "${values.user}" in the snapshot`);
  const ev = evaluateUser(prepareEngine(model), user, { trace: true });

  const id = user.id.toLowerCase();
  const groups = [...model.transitiveGroups(id)].map((g) => ({ id: g, displayName: model.groupName(g), path: model.groupPath(id, g).map((x) => model.groupName(x)) }));
  const roles = { active: model.activeRoles.get(id) ?? [], eligible: model.eligibleRoles.get(id) ?? [] };
  const azure = model.azure.byUser.get(id);
  const perUser = model.perUserMfaState(user);
  const reg = model.registrationById.get(id);

  if (format === 'json') {
    const out = {
      user: { id: user.id, userPrincipalName: user.userPrincipalName, userType: user.userType, accountEnabled: model.isEnabled(user), guestKind: model.guestKind(user) },
      groups, roles, azure: azure ?? null, perUserMfa: perUser, securityDefaults: snapshot.securityDefaults?.isEnabled ?? null,
      registration: reg ?? null,
      coverage: Object.fromEntries(targets.map((t) => [t, { ...ev.coverage[t], trace: ev.trace![t] }])),
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }

  const paint = painter(useColor(process.stdout));
  const L: string[] = [];
  L.push(paint('bold', `${user.userPrincipalName ?? user.id}`) + ` (${user.id})`);
  L.push(`  type: ${user.userType ?? 'Member'}${model.guestKind(user) ? ` (${model.guestKind(user)})` : ''}; ${model.isEnabled(user) ? 'enabled' : 'DISABLED (rules report it notApplicable)'}`);
  L.push(`  groups: ${groups.length ? groups.map((g) => (g.path.length > 1 ? `${g.displayName} (via ${g.path.slice(0, -1).join(' > ')})` : g.displayName)).join(', ') : 'none'}`);
  const roleText = (list: typeof roles.active) => list.map((r) => `${r.roleName}${r.directoryScopeId !== '/' ? ` [scope ${r.directoryScopeId}]` : ''}${r.viaGroupId ? ` via group ${model.groupName(r.viaGroupId)}` : ''}`).join(', ') || 'none';
  L.push(`  directory roles: active ${roleText(roles.active)}; PIM-eligible ${roleText(roles.eligible)}`);
  L.push(`  Azure access: ${azure ? `${azure.tier ?? 'unknown'} — ${azure.grants.map(describeGrant).join('; ')}` : 'none'}`);
  L.push(`  per-user MFA: ${perUser.state} (from ${perUser.source}); security defaults: ${snapshot.securityDefaults ? (snapshot.securityDefaults.isEnabled ? 'on' : 'off') : 'unknown'}`);
  L.push(`  registration: ${reg ? `${reg.isMfaCapable ? 'MFA capable' : 'not MFA capable'} (${(reg.methodsRegistered ?? []).join(', ') || 'no methods'})` : 'no record'}`);
  for (const t of targets) {
    const cell = ev.coverage[t];
    L.push('');
    const state = paint(stateStyle(cell.state), cell.state.toUpperCase());
    L.push(`${paint('bold', t)} — ${TARGET_LABELS[t]}: ${state}${cell.mechanisms.length ? ` via ${cell.mechanisms.join(', ')}` : ''}`);
    L.push(`  ${cell.reason}`);
    if (cell.uncertain) L.push(paint('yellow', `  could be ${cell.uncertain.optimisticState} with the missing data: ${cell.uncertain.missing.join('; ')}`));
    for (const s of ev.trace![t]) {
      const mark = ['enforces', 'blocks', 'trustedLocationBypass'].includes(s.outcome) ? paint('green', '✓') : ['userExcluded', 'targetExcluded', 'conditional', 'reportOnly'].includes(s.outcome) ? paint('yellow', '!') : paint('gray', '·');
      L.push(`  ${mark} ${s.policyName} [${s.policyState}] ${s.outcome}: ${s.detail}`);
    }
  }
  process.stdout.write(L.join('\n') + '\n');
  return 0;
}
