/** `mfaguard explain`: flags → library explainUser() → text or JSON on stdout. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { explainUser, explanationJsonText, explanationText } from '../app/explain.js';
import { TARGETS, type Target } from '../vocabulary.js';
import { UsageError } from '../errors.js';
import { sourceFromArgs } from './load.js';
import { printWarning, toStdout, useColor } from './output.js';
import type { Command } from './command.js';

const EXPLAIN_HELP = `Usage: mfaguard explain (--snapshot PATH | --demo) --user UPN|ID [--target TARGET] [--format text|json]

Show why a user is (not) covered by MFA: groups, roles, Azure access, every mechanism and every
Conditional Access policy considered, per target.

  --snapshot PATH   snapshot file or directory (as for "mfaguard scan")
  --demo            use the bundled demo tenant
  --user UPN|ID     the account to explain (user principal name or object id)
  --target TARGET   one of ${TARGETS.join(', ')} (default: all)
  --format FMT      text (default) or json

Exit codes: 0 ok, 2 usage or input error, 3 internal error.`;

const EXPLAIN_OPTIONS = {
  snapshot: { type: 'string' }, demo: { type: 'boolean' }, user: { type: 'string' }, target: { type: 'string' },
  format: { type: 'string' }, help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

async function runExplainCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: EXPLAIN_OPTIONS, strict: true });
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
  await toStdout(async (write) => { await write(text + '\n'); }); // a full disk fails the run (exit 2)
  return 0;
}

export const explainCommand: Command = {
  name: 'explain',
  usage: 'mfaguard explain (--snapshot PATH | --demo) --user UPN|ID [--target TARGET]',
  help: EXPLAIN_HELP,
  options: EXPLAIN_OPTIONS,
  run: runExplainCommand,
};
