/** --snapshot PATH / --demo, as a library snapshot source. */
import type { SnapshotSource } from '../app/source.js';
import { UsageError } from '../errors.js';

export function sourceFromArgs(values: { snapshot?: string | undefined; demo?: boolean | undefined }): SnapshotSource {
  if (values.snapshot && values.demo) throw new UsageError('give either --snapshot PATH or --demo, not both');
  if (values.demo) return { demo: true };
  if (!values.snapshot) throw new UsageError('missing --snapshot PATH (or --demo for the bundled demo tenant)');
  return { path: values.snapshot };
}
