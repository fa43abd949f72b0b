/** A problem with the user's input. The CLI prints `message` (never a stack) and exits 2. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly key?: string,
  ) {
    super(formatLocation(file, line, key) + message);
    this.name = 'InputError';
  }
}

function formatLocation(file?: string, line?: number, key?: string): string {
  const parts: string[] = [];
  if (file) parts.push(line !== undefined ? `${file}:${line}` : file);
  if (key) parts.push(`key "${key}"`);
  return parts.length ? parts.join(': ') + ': ' : '';
}

/** Wrong options (a command line, or a library call's options): printed without a stack, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
