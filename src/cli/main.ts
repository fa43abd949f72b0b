/** Entry point: dispatch to a command; map errors to exit codes (2 = usage/input, never a stack trace). */
import { InputError, UsageError } from '../errors.js';
import type { Command } from './command.js';
import { scanCommand } from './scan.js';
import { explainCommand } from './explain.js';
import { reportCommand } from './report.js';
import { collectCommand } from './collect.js';
import { demoCommand } from './demo.js';
import { FORMATS } from '../report/formats.js';
import { packageVersion } from '../package.js';
import { installStdioErrorHandlers } from './output.js';

/** Every command, in the order `mfaguard help` lists them. */
const COMMANDS: readonly Command[] = [scanCommand, collectCommand, demoCommand, reportCommand, explainCommand];

const quoteHelp = (c: Command) => `"mfaguard help ${c.name}"`;
const HELP = `mfaguard — find and close MFA gaps in Microsoft Entra ID and Azure

Usage:
${COMMANDS.map((c) => `  ${c.usage}`).join('\n')}
  mfaguard help [COMMAND]
  mfaguard --version

Formats: ${FORMATS.map((f) => f.name).join(', ')} (--format may be repeated, each with its --output).
Run ${COMMANDS.slice(0, -1).map(quoteHelp).join(', ')} or ${quoteHelp(COMMANDS.at(-1)!)} for details.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  installStdioErrorHandlers();
  try {
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return await command.run(rest);
    switch (name) {
      case undefined:
      case 'help':
      case '--help':
      case '-h': {
        const topic = COMMANDS.find((c) => c.name === rest[0]);
        process.stdout.write((topic ? topic.help : HELP) + '\n');
        return name === undefined ? 2 : 0;
      }
      case '--version':
      case '-v':
        process.stdout.write(packageVersion() + '\n');
        return 0;
      default:
        throw new UsageError(`unknown command "${name}"\n\n${HELP}`);
    }
  } catch (err) {
    if (err instanceof InputError) {
      process.stderr.write(`mfaguard: error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`mfaguard: usage error: ${(err as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`mfaguard: internal error: ${(err as Error).message}\n`);
    if (process.env.MFAGUARD_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    else process.stderr.write('(set MFAGUARD_DEBUG=1 for details; please report this)\n');
    return 3;
  }
}
