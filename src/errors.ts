/** A problem with the user's input. The CLI prints `message` (never a stack) and exits 2. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly key?: string,
    /** 1-based column on `line` (text inputs: a CSV field, a JSON value); shown as file:line:column. */
    readonly column?: number,
  ) {
    super(formatLocation(file, line, key, column) + message);
    this.name = 'InputError';
  }
}

function formatLocation(file?: string, line?: number, key?: string, column?: number): string {
  const parts: string[] = [];
  if (file) parts.push(line !== undefined ? `${file}:${line}${column !== undefined ? `:${column}` : ''}` : file);
  if (key) parts.push(`key "${key}"`);
  return parts.length ? parts.join(': ') + ': ' : '';
}

/** Wrong options (a command line, or a library call's options): printed without a stack, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
