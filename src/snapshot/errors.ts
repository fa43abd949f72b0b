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
