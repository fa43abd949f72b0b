/**
 * The demo: the whole product without an Azure account. Starts the Graph/ARM/identity emulator with
 * the bundled demo tenant, signs in through @azure/identity (client secret) against it over HTTPS,
 * runs the real collector through HTTP into a snapshot directory, then scans it. The emulator belongs
 * to the developer kit (devkit/emulator), which is not in the published package: without it the
 * bundled tenant is scanned offline and the result says so (`live: false`).
 */
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Sink as LogSink } from '../collect/log.js';
import { InputError } from '../errors.js';
import { demoLaterChangePath, demoSnapshotPath } from '../package.js';
import { applySnapshotChange, type SnapshotChange } from '../snapshot/change.js';
import { parseSnapshotObject } from '../snapshot/load.js';
import type { Snapshot } from '../snapshot/types.js';
import { makeTempDir } from './output.js';
import { scan, type ScanOptions, type ScanResult } from './scan.js';
import { demoConfigPath } from './config.js';

/** A running emulator, as the demo uses it. */
export interface EmulatorHandle {
  url: string; graphUrl: string; armUrl: string; authorityHost: string; tenantId: string;
  clientId: string; clientSecret: string; ca?: string; close(): Promise<void>;
}

/** What the demo needs from devkit/emulator. */
export interface EmulatorModule {
  startEmulator(opts: Record<string, unknown>): Promise<EmulatorHandle>;
}

export interface DemoOptions extends Omit<ScanOptions, 'source'> {
  /** The emulator, or a loader returning undefined when it is not installed (default: devkit's, loaded lazily). */
  emulator?: EmulatorModule | (() => Promise<EmulatorModule | undefined>);
  /** Share (0 … 0.5) of 429 / 503 / reset / slow responses the emulator injects, to watch the collector retry. */
  faults?: number;
  /** Keep the collected snapshot in this directory (default: a temporary one, removed). */
  saveSnapshot?: string | undefined;
  logFormat?: 'text' | 'json';
  quiet?: boolean;
  /** Where the collector's progress goes (default: standard error). */
  logSink?: LogSink;
  /** The environment the collector sees (proxy settings and the like); the demo's own secret is added. */
  env?: NodeJS.ProcessEnv;
  /** Called once the emulator listens, before collection starts. */
  onEmulatorStarted?: (emulator: Pick<EmulatorHandle, 'url' | 'graphUrl' | 'armUrl' | 'tenantId'>) => void;
  /**
   * The demo tenant a week later (demo/tenant.later.json applied to demo/tenant.json; its own
   * configuration, demo/mfaguard.later.yaml): some gaps fixed, one regression, a new Owner without
   * MFA, a new exemption that expires soon. Scanned after the plain demo, `history`, `diff` and
   * `trends` tell the story.
   */
  later?: boolean;
}

export interface DemoResult extends ScanResult {
  /** true: collected live from the emulator; false: the emulator is not installed, the bundled tenant was scanned offline. */
  live: boolean;
}

/** devkit/emulator, from a clone of the repository; undefined in an installed package. */
export async function loadDevkitEmulator(): Promise<EmulatorModule | undefined> {
  try {
    const mod = (await import('../../devkit/emulator/index.js' as string)) as Partial<EmulatorModule>;
    return typeof mod.startEmulator === 'function' ? (mod as EmulatorModule) : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

export async function runDemo(opts: DemoOptions = {}): Promise<DemoResult> {
  const { emulator = loadDevkitEmulator, faults = 0, saveSnapshot, logFormat = 'text', quiet = false, logSink, env = {}, onEmulatorStarted, later = false, ...rest } = opts;
  const demo = await loadDemoState(later);
  // The demo tenant's own configuration (demo/mfaguard.yaml: its break-glass accounts and one exemption) unless the caller gives one.
  const bundled = rest.config === undefined ? await demoConfigPath(later) : undefined;
  // Exemptions are judged at the demo state's own date (not today), so the story reads the same any day.
  const scanOpts = { ...rest, ...(bundled ? { config: bundled } : {}), asOf: rest.asOf ?? demo.snapshot.collectedAt, stateSource: rest.stateSource ?? 'demo' };
  const mod = typeof emulator === 'function' ? await emulator() : emulator;
  if (!mod) return { ...(await scan({ ...scanOpts, source: later ? { snapshot: demo.snapshot } : { demo: true } })), live: false };

  const emu = await mod.startEmulator({ snapshot: demo.snapshot, port: 0, tls: true, limits: 'graph', ...(faults ? { faults: { rate: faults, slowMs: 300 } } : {}) });
  let tempDir: { path: string; remove: () => Promise<void> } | undefined;
  try {
    const out = saveSnapshot ?? join((tempDir = await makeTempDir('mfaguard-demo-')).path, 'snapshot');
    onEmulatorStarted?.({ url: emu.url, graphUrl: emu.graphUrl, armUrl: emu.armUrl, tenantId: emu.tenantId });
    const result = await scan({
      ...scanOpts,
      source: {
        saveSnapshot: out,
        collect: {
          auth: 'client-secret',
          tenant: emu.tenantId,
          clientId: emu.clientId,
          // the emulator's own demo secret, handed to @azure/identity the way a user would: through the environment
          env: { ...env, AZURE_CLIENT_SECRET: emu.clientSecret },
          authorityHost: emu.authorityHost,
          graphEndpoint: emu.graphUrl,
          armEndpoint: emu.armUrl,
          ...(emu.ca ? { ca: [emu.ca] } : {}),
          ...(logSink ? { logSink } : {}),
          logFormat,
          quiet,
          timeoutMs: 20_000,
          // the bundled sign-ins end when the demo tenant was first "collected" (the later state keeps
          // them): all of them, as scan --demo reads them
          signIns: { days: 30, scope: 'all', asOf: demo.signInsEnd },
        },
      },
    });
    return { ...result, live: true };
  } finally {
    await emu.close();
    await tempDir?.remove();
  }
}

export interface DemoState {
  snapshot: Snapshot;
  /** When the bundled sign-ins end (the base tenant's collectedAt; the later state keeps its sign-ins). */
  signInsEnd: string;
}

/** The bundled demo tenant, or (`later`) the same a week later: tenant.later.json applied to it, then validated like any snapshot. */
export async function loadDemoState(later = false): Promise<DemoState> {
  const doc = JSON.parse(await readFile(demoSnapshotPath(), 'utf8')) as Record<string, unknown>;
  const signInsEnd = typeof doc.collectedAt === 'string' ? doc.collectedAt : new Date().toISOString();
  if (!later) return { snapshot: parseSnapshotObject(doc, demoSnapshotPath()).snapshot, signInsEnd };
  const changePath = demoLaterChangePath();
  let change: SnapshotChange;
  try {
    change = JSON.parse(await readFile(changePath, 'utf8')) as SnapshotChange;
    return { snapshot: parseSnapshotObject(applySnapshotChange(doc, change), changePath).snapshot, signInsEnd };
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`cannot read the demo tenant's later state: ${(err as Error).message}`, changePath);
  }
}
