/**
 * Where incremental collection keeps its Graph delta links between runs. `DeltaStateStore` is the
 * port (a key-value store; the SQLite state store implements it with its per-tenant kv);
 * `FileDeltaStateStore` is the plain implementation: one JSON file in the state directory, written
 * atomically (temporary file, then rename), so a crash leaves the old or the new state, never half.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DeltaStateStore {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
}

/** What an incremental collection remembers of the run before, per tenant and Graph endpoint. */
export interface DeltaState {
  version: 1;
  /** The snapshot these links continue from (its manifest's collectedAt): they apply to that snapshot only. */
  snapshotCollectedAt: string;
  /** Delta links per collection (`users`; `groups` covers groupMembers too). */
  links: Record<string, string>;
  /** When the registration details in that snapshot were read from Graph (reuse keeps the old time). */
  registrationReadAt?: string;
}

/** The store key for a tenant at a Graph endpoint. */
export const deltaStateKey = (tenantId: string, graphEndpoint: string) => `graph-delta/${tenantId.toLowerCase()}/${graphEndpoint.replace(/\/+$/, '').toLowerCase()}`;

export class FileDeltaStateStore implements DeltaStateStore {
  readonly path: string;
  constructor(readonly dir: string) {
    this.path = join(dir, 'delta-state.json');
  }

  private async all(): Promise<Record<string, unknown>> {
    try {
      const v = JSON.parse(await readFile(this.path, 'utf8')) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      // an unreadable state only costs a full collection: start over rather than fail
      return {};
    }
  }

  async get(key: string): Promise<unknown> {
    return (await this.all())[key];
  }

  async put(key: string, value: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const all = await this.all();
    all[key] = value;
    const tmp = `${this.path}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify(all, null, 2), { mode: 0o600 });
    await rename(tmp, this.path);
  }
}

export function isDeltaState(v: unknown): v is DeltaState {
  if (!v || typeof v !== 'object') return false;
  const s = v as Record<string, unknown>;
  return s.version === 1 && typeof s.snapshotCollectedAt === 'string' && !!s.links && typeof s.links === 'object';
}
