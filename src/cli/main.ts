/** Entry point: dispatch to a command; map errors to exit codes (2 = usage/input, never a stack trace). */
import { InputError, UsageError } from '../errors.js';
import type { Command } from './command.js';
import { scanCommand } from './scan.js';
import { explainCommand } from './explain.js';
import { reportCommand } from './report.js';
import { collectCommand } from './collect.js';
import { demoCommand } from './demo.js';
import { exemptCommand } from './exempt.js';
import { historyCommand } from './history.js';
import { diffCommand } from './diff.js';
import { trendsCommand } from './trends.js';
import { signinsCommand } from './signins.js';
import { planCommand } from './plan.js';
import { whatifCommand } from './whatif.js';
import { applyCommand, rollbackCommand, runsCommand } from './apply.js';
import { serveCommand } from './serve.js';
import { FORMATS } from '../report/formats.js';
import { packageVersion } from '../package.js';
import { installStdioErrorHandlers } from './output.js';
import { escapeControlsKeepingLines, escapeJsonControls } from '../vocabulary.js';

/** Every command, in the order `mfaguard help` lists them. */
export const COMMANDS: readonly Command[] = [
  scanCommand, collectCommand, signinsCommand, demoCommand, reportCommand, explainCommand, exemptCommand, historyCommand, diffCommand, trendsCommand,
  planCommand, whatifCommand, applyCommand, rollbackCommand, runsCommand, serveCommand,
];

const quoteHelp = (c: Command) => `"mfaguard help ${c.name}"`;
const HELP = `mfaguard — find and close MFA gaps in Microsoft Entra ID and Azure

Usage:
${COMMANDS.map((c) => `  ${c.usage}`).join('\n')}
  mfaguard help [COMMAND]
  mfaguard --version

Formats: ${FORMATS.map((f) => f.name).join(', ')} (--format may be repeated, each with its --output).
Run ${COMMANDS.slice(0, -1).map(quoteHelp).join(', ')} or ${quoteHelp(COMMANDS.at(-1)!)} for details.

Exit codes: 0 ok, 1 --fail-on gate failed (or a required collection could not be read), 2 usage or
input error (also an output that cannot be written), 3 internal error (please report it), 4 a
remediation lock-out guard check failed (plan, whatif).`;

/** `--log-format json` anywhere on the command line: fatal errors are then JSON lines too. */
const wantsJsonLog = (argv: readonly string[]) =>
  argv.some((a, i) => a === '--log-format=json' || (a === '--log-format' && argv[i + 1] === 'json'));

/**
 * One fatal message on stderr: plain text, or a JSON line (level error) under --log-format json.
 * Messages can quote input (a key, a value, a user name), so control characters are escaped (our own
 * line breaks, as in usage errors that end with the help text, stay).
 */
function fatal(json: boolean, kind: 'error' | 'usage error' | 'internal error', message: string, extra: Record<string, unknown> = {}): void {
  if (json) process.stderr.write(escapeJsonControls(JSON.stringify({ level: 'error', event: 'fatal', kind, message, ...extra })) + '\n');
  else process.stderr.write(`mfaguard: ${kind}: ${escapeControlsKeepingLines(message)}\n`);
}

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
    const json = wantsJsonLog(rest);
    if (err instanceof InputError) {
      fatal(json, 'error', err.message);
      return 2;
    }
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      fatal(json, 'usage error', (err as Error).message);
      return 2;
    }
    const debug = !!process.env.MFAGUARD_DEBUG;
    fatal(json, 'internal error', (err as Error).message, json && debug ? { stack: (err as Error).stack } : {});
    if (!json) {
      if (debug) process.stderr.write(`${(err as Error).stack}\n`);
      else process.stderr.write('(set MFAGUARD_DEBUG=1 for details; please report this)\n');
    }
    return 3;
  }
}
