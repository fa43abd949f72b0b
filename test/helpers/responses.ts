/** Reads saved Graph / ARM responses from a folder: whole bodies, or the `value` array of a list response. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function responseReader(dir: string) {
  const json = (name: string): any => JSON.parse(readFileSync(join(dir, name), 'utf8'));
  const list = (name: string): any[] => {
    const v = json(name).value;
    if (!Array.isArray(v)) throw new Error(`${name} has no value array`);
    return v;
  };
  return { json, list };
}
