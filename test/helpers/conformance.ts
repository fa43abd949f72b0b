/**
 * Conformance suites read third-party files kept beside the repository in ../shared/ (never copied
 * into it). Where the folder is present (CI) they run; in a bare clone they report themselves skipped,
 * with the missing folder in the suite's name, and never fail.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export interface SharedFolder {
  /** Absolute path of the folder, ending with a separator. */
  readonly dir: string;
  readonly present: boolean;
  /** `describe` that runs when the folder is present and is skipped, saying why, when it is not. */
  readonly describe: (name: string, body: () => void) => void;
}

/** `name` is the folder under ../shared/ (e.g. 'graph-samples'). */
export function sharedFolder(name: string): SharedFolder {
  const dir = fileURLToPath(new URL(`../../../shared/${name}/`, import.meta.url));
  const present = existsSync(dir);
  return {
    dir,
    present,
    describe: (suite, body) =>
      describe.skipIf(!present)(present ? suite : `${suite} (skipped: ../shared/${name}/ is not beside the repository)`, body),
  };
}
