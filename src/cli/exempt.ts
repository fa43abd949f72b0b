/** `mfaguard exempt`: flags → library addExemption() → one line saying what was written where. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { addExemption } from '../app/exempt.js';
import { DEFAULT_CONFIG_FILE } from '../app/config.js';
import { EXEMPTION_CATEGORIES } from '../config/parse.js';
import type { ExemptionCategory } from '../config/types.js';
import { UsageError } from '../errors.js';
import { escapeControls } from '../vocabulary.js';
import type { Command } from './command.js';

const EXEMPT_HELP = `Usage: mfaguard exempt --rule R --user U --reason TEXT --expires DATE [options]

Append an exemption to the tenant configuration (spec/config.md), keeping the file's comments and
layout; the file is created (with "mfaguardConfig: 1") when missing. The result is validated before it
is written, and written atomically.

  --rule R              rule id; repeat (or comma-separate) for several, "*" for every rule
  --user U              the exempted user: UPN or object id
  --resource R          instead of --user: a Conditional Access policy id or the tenant id
  --group G             instead of --user: a group object id (its members, transitively, at scan time)
  --reason TEXT         why (shown in every report and as the SARIF suppression's justification)
  --expires DATE        required: a date (00:00 UTC) or a date-time, e.g. 2027-03-31
  --category C          mitigated or riskAccepted (default riskAccepted)
  --scope S             Azure rules only: holds while all the user's access of that tier lies at or below S
  --approved-by WHO     who approved it
  --ticket ID           the change or risk ticket
  --config FILE         the configuration to edit (default ./${DEFAULT_CONFIG_FILE})

Exit codes: 0 written, 2 usage or input error (nothing written), 3 internal error.`;

const EXEMPT_OPTIONS = {
  rule: { type: 'string', multiple: true },
  user: { type: 'string' },
  resource: { type: 'string' },
  group: { type: 'string' },
  reason: { type: 'string' },
  expires: { type: 'string' },
  category: { type: 'string' },
  scope: { type: 'string' },
  'approved-by': { type: 'string' },
  ticket: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

async function runExemptCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: EXEMPT_OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(EXEMPT_HELP + '\n');
    return 0;
  }
  const rules = (values.rule ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter(Boolean);
  if (!rules.length) throw new UsageError('missing --rule R (a rule id, or "*")');
  const targets = [values.user, values.resource, values.group].filter((v) => v !== undefined);
  if (targets.length !== 1) throw new UsageError('give exactly one of --user U, --resource R or --group G');
  if (!values.reason) throw new UsageError('missing --reason TEXT');
  if (!values.expires) throw new UsageError('missing --expires DATE (every exemption expires; e.g. 2027-03-31)');
  const category = values.category as ExemptionCategory | undefined;
  if (category !== undefined && !EXEMPTION_CATEGORIES.includes(category)) throw new UsageError(`--category must be one of ${EXEMPTION_CATEGORIES.join(', ')}`);
  const result = await addExemption({
    file: values.config ?? DEFAULT_CONFIG_FILE,
    rules: rules.length === 1 && rules[0] === '*' ? '*' : rules,
    resource: values.user ?? values.resource,
    group: values.group,
    scope: values.scope,
    category,
    reason: values.reason,
    expires: values.expires,
    approvedBy: values['approved-by'],
    ticket: values.ticket,
  });
  const e = result.exemption;
  process.stdout.write(escapeControls(`${result.created ? 'created' : 'updated'} ${result.file}: exemption at line ${e.source.line} (${e.rules === '*' ? 'all rules' : e.rules.join(', ')} for ${e.resource ?? `group ${e.group}`}, ${e.category}, expires ${e.expires})`) + '\n');
  return 0;
}

export const exemptCommand: Command = {
  name: 'exempt',
  usage: 'mfaguard exempt --rule R (--user U | --resource R | --group G) --reason TEXT --expires DATE [--category C] [--scope S] [--config FILE]',
  help: EXEMPT_HELP,
  options: EXEMPT_OPTIONS,
  run: runExemptCommand,
};
