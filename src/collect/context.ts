/** What the collection strategies share: the client, the checkpoints, the log and the options. */
import type { AzureClient } from '../azure/client.js';
import type { CollectionOptions } from '../collections/index.js';
import type { UnavailableEntry } from '../snapshot/types.js';
import type { DoneMarker, Stage } from './checkpoints.js';
import type { CollectionStatus, Logger } from './log.js';

/** What collecting one collection produced (its done marker without key and time). */
export type Outcome = Omit<DoneMarker, 'finishedAt' | 'key'>;

/**
 * Replaces how one collection is obtained (incremental.ts: merged from a delta round); `full` runs
 * the descriptor's normal collection.
 */
export type CollectOverride = (ctx: RunContext, st: CollectionStatus, full: () => Promise<Outcome>) => Promise<Outcome>;

export interface RunContext {
  client: AzureClient;
  stage: Stage;
  logger: Logger;
  options: CollectionOptions;
  verbose: boolean;
  signal?: AbortSignal | undefined;
  /** Test hook: called after each checkpoint. */
  onCheckpoint?: ((key: string, count: number) => void) | undefined;
  /** Per collection key: another way to obtain it (incremental collection). */
  overrides?: ReadonlyMap<string, CollectOverride> | undefined;
}

/** A collection that cannot be read; `final` = a resume would not change that (permission, licence). */
export class Unavailable extends Error {
  constructor(readonly entry: UnavailableEntry, readonly final: boolean) {
    super(entry.message ?? 'unavailable');
  }
}

/** 424: a collection this one is built from could not be read. */
export const dependencyUnavailable = (message: string) => new Unavailable({ status: 424, code: 'DependencyUnavailable', message }, true);
