/**
 * `mfaguard demo`: the whole product without an Azure account. Starts the Graph/ARM/identity emulator
 * in-process with the bundled demo tenant, signs in through @azure/identity (client secret) against
 * it over HTTPS, runs the real collector through HTTP into a snapshot directory, then scans it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError, UsageError } from '../errors.js';
import { DEMO_SNAPSHOT } from './load.js';
import { runCollect } from './collect.js';
import { scanCommand } from './scan.js';

export const DEMO_HELP = `Usage: mfaguard demo [options]

Start a local emulator of Microsoft Graph, Azure Resource Manager and the Entra ID token endpoint
(loopback only) holding the bundled demo tenant (Northwind Traders), collect it live with the same
code "mfaguard collect" uses against Azure, and print the scan report.

  --format FORMAT / --output FILE / --fail-on SEVERITY / --redact / --limit N   as for "mfaguard scan"
  --faults RATE          inject this share of 429 / 503 / reset / slow responses (e.g. 0.05) to watch
                         the collector retry
  --save-snapshot DIR    keep the collected snapshot in DIR
  --log-format FMT       collector logs: text (default) or json
  --quiet                no collector progress`;

/** What the demo needs from the developer kit's emulator (devkit/emulator, loaded lazily: not in the published package). */
interface EmulatorModule {
  startEmulator(opts: Record<string, unknown>): Promise<{
    url: string; graphUrl: string; armUrl: string; authorityHost: string; tenantId: string;
    clientId: string; clientSecret: string; ca?: string; close(): Promise<void>;
  }>;
}

async function loadEmulator(): Promise<EmulatorModule> {
  const candidates = ['../../devkit/emulator/index.js'];
  for (const spec of candidates) {
    try {
      const mod = (await import(spec)) as Partial<EmulatorModule>;
      if (typeof mod.startEmulator === 'function') return mod as EmulatorModule;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    }
  }
  throw new InputError('the emulator is not part of this installation (it ships with a clone of the repository, in devkit/emulator)');
}

export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      format: { type: 'string', multiple: true },
      output: { type: 'string', multiple: true },
      'fail-on': { type: 'string' },
      redact: { type: 'boolean' },
      limit: { type: 'string' },
      faults: { type: 'string' },
      'save-snapshot': { type: 'string' },
      'log-format': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(DEMO_HELP + '\n');
    return 0;
  }
  const faults = values.faults === undefined ? 0 : Number(values.faults);
  if (!Number.isFinite(faults) || faults < 0 || faults > 0.5) throw new UsageError('--faults must be a share between 0 and 0.5');
  const logFormat = values['log-format'] ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError('--log-format must be text or json');

  const { startEmulator } = await loadEmulator();
  const emu = await startEmulator({ snapshotPath: DEMO_SNAPSHOT, port: 0, tls: true, limits: 'graph', ...(faults ? { faults: { rate: faults, slowMs: 300 } } : {}) });
  let tempDir: string | undefined;
  try {
    const out = values['save-snapshot'] ?? join((tempDir = await mkdtemp(join(tmpdir(), 'mfaguard-demo-'))), 'snapshot');
    if (!values.quiet && logFormat === 'text') {
      process.stderr.write(`mfaguard: demo: emulator for tenant ${emu.tenantId} at ${emu.url} (Graph ${emu.graphUrl}, ARM ${emu.armUrl}); collecting…\n`);
    }
    await runCollect({
      out,
      auth: 'client-secret',
      tenant: emu.tenantId,
      clientId: emu.clientId,
      // the emulator's own demo secret, handed to @azure/identity the way a user would: through the environment
      env: { ...process.env, AZURE_CLIENT_SECRET: emu.clientSecret },
      authorityHost: emu.authorityHost,
      graphEndpoint: emu.graphUrl,
      armEndpoint: emu.armUrl,
      ...(emu.ca ? { ca: [emu.ca] } : {}),
      logFormat,
      quiet: !!values.quiet,
      timeoutMs: 20_000,
    });
    const scanArgs = ['--snapshot', out];
    for (const f of values.format ?? []) scanArgs.push('--format', f);
    for (const o of values.output ?? []) scanArgs.push('--output', o);
    if (values['fail-on']) scanArgs.push('--fail-on', values['fail-on']);
    if (values.redact) scanArgs.push('--redact');
    if (values.limit) scanArgs.push('--limit', values.limit);
    return await scanCommand(scanArgs);
  } finally {
    await emu.close();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}
