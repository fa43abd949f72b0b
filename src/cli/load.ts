import { fileURLToPath } from 'node:url';
import { loadSnapshot, type LoadResult } from '../snapshot/load.js';
import { UsageError } from './errors.js';

/** The bundled demo tenant (shipped in the package next to dist/). */
export const DEMO_SNAPSHOT = fileURLToPath(new URL('../../demo/tenant.json', import.meta.url));

export async function loadFromArgs(values: { snapshot?: string | undefined; demo?: boolean | undefined }): Promise<LoadResult & { path: string }> {
  if (values.snapshot && values.demo) throw new UsageError('give either --snapshot PATH or --demo, not both');
  const path = values.demo ? DEMO_SNAPSHOT : values.snapshot;
  if (!path) throw new UsageError('missing --snapshot PATH (or --demo for the bundled demo tenant)');
  const result = await loadSnapshot(path);
  for (const w of result.warnings) process.stderr.write(`mfaguard: warning: ${w}\n`);
  return { ...result, path };
}
