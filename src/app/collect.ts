/** Live collection of a tenant into a snapshot directory (spec/snapshot.md), over the collector in src/collect. */
import type { CollectOptions, CollectResult } from '../collect/collect.js';

export { REQUIRED_COLLECTIONS } from '../collect/required.js';
export { FileDeltaStateStore, type DeltaStateStore } from '../collect/delta-state.js';
export type { IncrementalOptions, IncrementalSummary } from '../collect/incremental.js';

export type { CollectOptions, CollectResult };

/**
 * Reads the tenant into `opts.out`. The collector (and @azure/identity behind it) is loaded on first
 * use, so offline commands never pay for it. Progress goes to `opts.logSink` (default: standard error).
 */
export async function collect(opts: CollectOptions): Promise<CollectResult> {
  const { collectTenant } = await import('../collect/collect.js');
  return collectTenant(opts);
}
