/**
 * One CLI command: an adapter that parses its flags, calls the library (src/app), prints, and returns
 * the exit code. Commands are listed in main.ts; `mfaguard help` is built from the list.
 */
import type { ParseArgsConfig } from 'node:util';

export interface Command {
  name: string;
  /** Its line under "Usage:" in `mfaguard help` (without the leading indent). */
  usage: string;
  /** What `mfaguard help NAME` and `mfaguard NAME --help` print. */
  help: string;
  /** Its parseArgs options (test/cli/help.test.ts checks each appears in `help`). */
  options: NonNullable<ParseArgsConfig['options']>;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}
