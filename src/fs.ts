import { stat } from 'node:fs/promises';

/** Whether something exists at `path` (any error reading it counts as absent). */
export async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
