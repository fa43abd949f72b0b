import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SignInRow } from '../../src/evidence/row.js';
import { readSignInFile } from '../../src/signins/read.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'signins');
export const fixture = (name: string) => join(FIXTURES, name);
export const tempDir = () => mkdtempSync(join(tmpdir(), 'mfaguard-signins-'));

export async function readAll(path: string): Promise<{ rows: SignInRow[]; format: string; lines: number[] }> {
  const rows: SignInRow[] = [];
  const lines: number[] = [];
  const r = await readSignInFile(path, (row, where) => {
    rows.push(row);
    lines.push(where.line ?? 0);
  });
  return { rows, format: r.format, lines };
}

/** The InputError message of reading `path` (fails the test when it reads without error). */
export async function readError(path: string): Promise<string> {
  try {
    await readSignInFile(path, () => {});
  } catch (err) {
    if ((err as Error).name !== 'InputError') throw err;
    return (err as Error).message;
  }
  throw new Error(`${path} was read without an error`);
}
