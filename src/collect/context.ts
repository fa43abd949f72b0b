/** What the collection strategies share: the client, the checkpoints, the log and the options. */
import type { AzureClient } from '../azure/client.js';
import type { CollectionOptions } from '../collections/index.js';
import type { UnavailableEntry } from '../snapshot/types.js';
import type { Stage } from './checkpoints.js';
import type { Logger } from './log.js';

export interface RunContext {
  client: AzureClient;
  stage: Stage;
  logger: Logger;
  options: CollectionOptions;
  verbose: boolean;
  signal?: AbortSignal | undefined;
  /** Test hook: called after each checkpoint. */
  onCheckpoint?: ((key: string, count: number) => void) | undefined;
}

/** A collection that cannot be read; `final` = a resume would not change that (permission, licence). */
export class Unavailable extends Error {
  constructor(readonly entry: UnavailableEntry, readonly final: boolean) {
    super(entry.message ?? 'unavailable');
  }
}

/** 424: a collection this one is built from could not be read. */
export const dependencyUnavailable = (message: string) => new Unavailable({ status: 424, code: 'DependencyUnavailable', message }, true);
