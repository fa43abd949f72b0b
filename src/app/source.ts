/** Where a snapshot comes from: a file or directory, an object already in memory, or the bundled demo tenant. */
import { UsageError } from '../errors.js';
import { demoSnapshotPath } from '../package.js';
import { loadSnapshot } from '../snapshot/load.js';
import type { Snapshot } from '../snapshot/types.js';

export type SnapshotSource =
  /** A snapshot file (.json, .json.gz) or directory (manifest.json + *.ndjson), spec/snapshot.md. */
  | { path: string }
  /** A snapshot already in memory (used as is: it is not validated). */
  | { snapshot: Snapshot }
  /** The bundled demo tenant (Northwind Traders). */
  | { demo: true };

/** Receives things a user should know that do not stop the run (unknown keys, ignored files, …). */
export type WarningHandler = (message: string) => void;

export interface LoadedSnapshot {
  snapshot: Snapshot;
  warnings: string[];
  /** The file or directory read; undefined for an in-memory snapshot. */
  path: string | undefined;
}

/** Loads a snapshot; each warning is also passed to `onWarning` as soon as it is known. */
export async function loadSnapshotFrom(source: SnapshotSource, onWarning?: WarningHandler): Promise<LoadedSnapshot> {
  if ('snapshot' in source) return { snapshot: source.snapshot, warnings: [], path: undefined };
  const path = 'demo' in source ? demoSnapshotPath() : source.path;
  if (typeof path !== 'string' || !path) throw new UsageError('snapshot source: give { path }, { snapshot } or { demo: true }');
  const { snapshot, warnings } = await loadSnapshot(path);
  if (onWarning) for (const w of warnings) onWarning(w);
  return { snapshot, warnings, path };
}
