/** `mfaguard explain`: flags → library explainUser() → text or JSON on stdout. */
import { parseArgs } from 'node:util';
import { explainUser, explanationJsonText, explanationText } from '../app/explain.js';
import { TARGETS, type Target } from '../vocabulary.js';
import { UsageError } from '../errors.js';
import { sourceFromArgs } from './load.js';
import { printWarning, useColor } from './output.js';
import type { Command } from './command.js';

const EXPLAIN_HELP = `Usage: mfaguard explain (--snapshot PATH | --demo) --user UPN|ID [--target TARGET] [--format text|json]

Show why a user is (not) covered by MFA: groups, roles, Azure access, every mechanism and every
Conditional Access policy considered, per target.

  --target TARGET   one of ${TARGETS.join(', ')} (default: all)`;

async function runExplainCommand(argv: string[]): Promise<number> {
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

  const explanation = await explainUser({ source: sourceFromArgs(values), user: values.user, targets, onWarning: printWarning });
  const text = format === 'json' ? explanationJsonText(explanation) : explanationText(explanation, { color: useColor(process.stdout) });
  process.stdout.write(text + '\n');
  return 0;
}

export const explainCommand: Command = {
  name: 'explain',
  usage: 'mfaguard explain (--snapshot PATH | --demo) --user UPN|ID [--target TARGET]',
  help: EXPLAIN_HELP,
  run: runExplainCommand,
};
