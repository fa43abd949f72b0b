import { loadSnapshot, type LoadResult } from '../snapshot/load.js';
import { UsageError } from '../errors.js';

import { demoSnapshotPath } from '../package.js';

export const DEMO_SNAPSHOT = demoSnapshotPath();

export async function loadFromArgs(values: { snapshot?: string | undefined; demo?: boolean | undefined }): Promise<LoadResult & { path: string }> {
  if (values.snapshot && values.demo) throw new UsageError('give either --snapshot PATH or --demo, not both');
  const path = values.demo ? DEMO_SNAPSHOT : values.snapshot;
  if (!path) throw new UsageError('missing --snapshot PATH (or --demo for the bundled demo tenant)');
  const result = await loadSnapshot(path);
  for (const w of result.warnings) process.stderr.write(`mfaguard: warning: ${w}\n`);
  return { ...result, path };
}
