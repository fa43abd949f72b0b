/**
 * One CLI command: an adapter that parses its flags, calls the library (src/app), prints, and returns
 * the exit code. Commands are listed in main.ts; `mfaguard help` is built from the list.
 */
export interface Command {
  name: string;
  /** Its line under "Usage:" in `mfaguard help` (without the leading indent). */
  usage: string;
  /** What `mfaguard help NAME` and `mfaguard NAME --help` print. */
  help: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}
