/**
 * The demo: the whole product without an Azure account. Starts the Graph/ARM/identity emulator with
 * the bundled demo tenant, signs in through @azure/identity (client secret) against it over HTTPS,
 * runs the real collector through HTTP into a snapshot directory, then scans it. The emulator belongs
 * to the developer kit (devkit/emulator), which is not in the published package: without it the
 * bundled tenant is scanned offline and the result says so (`live: false`).
 */
import { join } from 'node:path';
import type { Sink as LogSink } from '../collect/log.js';
import { demoSnapshotPath } from '../package.js';
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
  const { emulator = loadDevkitEmulator, faults = 0, saveSnapshot, logFormat = 'text', quiet = false, logSink, env = {}, onEmulatorStarted, ...rest } = opts;
  // The demo tenant's own configuration (demo/mfaguard.yaml: its break-glass accounts and one exemption) unless the caller gives one.
  const bundled = rest.config === undefined ? await demoConfigPath() : undefined;
  const scanOpts = bundled ? { ...rest, config: bundled } : rest;
  const mod = typeof emulator === 'function' ? await emulator() : emulator;
  if (!mod) return { ...(await scan({ ...scanOpts, source: { demo: true } })), live: false };

  const emu = await mod.startEmulator({ snapshotPath: demoSnapshotPath(), port: 0, tls: true, limits: 'graph', ...(faults ? { faults: { rate: faults, slowMs: 300 } } : {}) });
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
        },
      },
    });
    return { ...result, live: true };
  } finally {
    await emu.close();
    await tempDir?.remove();
  }
}
