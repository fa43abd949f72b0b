/** Entry point: dispatch to a command; map errors to exit codes (2 = usage/input, never a stack trace). */
import { InputError, UsageError } from '../errors.js';
import { scanCommand, SCAN_HELP } from './scan.js';
import { explainCommand, EXPLAIN_HELP } from './explain.js';
import { reportCommand, REPORT_HELP } from './report.js';
import { collectCommand, COLLECT_HELP } from './collect.js';
import { demoCommand, DEMO_HELP } from './demo.js';
import { FORMATS } from '../report/formats.js';
import { packageVersion } from '../package.js';
import { installStdioErrorHandlers } from './output.js';

const HELP = `mfaguard — find and close MFA gaps in Microsoft Entra ID and Azure

Usage:
  mfaguard scan (--snapshot PATH | --demo | --tenant T) [--format FORMAT] [--output FILE] ... [--fail-on SEVERITY] [--redact]
  mfaguard collect --out DIR [--tenant T] [--auth MODE] [--cloud NAME] [--resume] ...
  mfaguard demo [--format FORMAT] [--output FILE] ...   (live collection from a built-in emulator, then scan)
  mfaguard report --from REPORT.json [--format FORMAT] [--output FILE] ... [--fail-on SEVERITY] [--redact]
  mfaguard explain (--snapshot PATH | --demo) --user UPN|ID [--target TARGET]
  mfaguard help [COMMAND]
  mfaguard --version

Formats: ${FORMATS.map((f) => f.name).join(', ')} (--format may be repeated, each with its --output).
Run "mfaguard help scan", "mfaguard help collect", "mfaguard help demo" or "mfaguard help report" for details.`;


export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  installStdioErrorHandlers();
  try {
    switch (command) {
      case 'scan': return await scanCommand(rest);
      case 'explain': return await explainCommand(rest);
      case 'report': return await reportCommand(rest);
      case 'collect': return await collectCommand(rest);
      case 'demo': return await demoCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h': {
        const topic = rest[0];
        const topics: Record<string, string> = { scan: SCAN_HELP, explain: EXPLAIN_HELP, report: REPORT_HELP, collect: COLLECT_HELP, demo: DEMO_HELP };
        process.stdout.write((topic !== undefined && Object.hasOwn(topics, topic) ? topics[topic]! : HELP) + '\n');
        return command === undefined ? 2 : 0;
      }
      case '--version':
      case '-v':
        process.stdout.write(packageVersion() + '\n');
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"\n\n${HELP}`);
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
