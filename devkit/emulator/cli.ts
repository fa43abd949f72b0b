/**
 * `mfaguard-emulator --snapshot PATH [--port P] [--host H] [--faults RATE] [--fault-seed N]
 *  [--limits graph|none] [--tls] [--latency MS] [--json]`
 *
 * Serves a snapshot as Microsoft Graph, Azure Resource Manager and the identity platform on a loopback
 * port, prints the URLs and environment variables to use, and stops cleanly on SIGINT/SIGTERM.
 * Exit codes: 0 stopped by a signal, 2 bad arguments or snapshot, 3 could not start.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../../src/errors.js';
import { startEmulator } from './server.js';
import type { EmulatorHandle } from './types.js';

export const EMULATOR_HELP = `Serve a tenant snapshot as Microsoft Graph, Azure Resource Manager and Entra ID's token endpoint (loopback only).

Usage:
  mfaguard-emulator --snapshot PATH [--port P] [--faults RATE] [--limits graph|none] [--tls]

  --snapshot PATH     snapshot file or directory (e.g. demo/tenant.json, or one written by npm run gen);
                      repeat it to serve several tenants on the same port (each with its own limits)
  --port P            port (default 0: any free port)
  --host H            loopback address to listen on (default 127.0.0.1; also ::1, 127.x.y.z, localhost)
  --tls               HTTPS with a self-signed certificate (needed by @azure/identity); the same port
                      also answers plain HTTP. The certificate is written to a temporary file for
                      NODE_EXTRA_CA_CERTS.
  --limits MODE       graph (default): Graph's and ARM's published throttling limits; none: no throttling
  --faults RATE       inject faults (429, 503, connection resets, slow responses) in this share of
                      Graph/ARM requests, e.g. 0.05
  --fault-seed N      seed of the fault sequence (default 1)
  --latency MS        add this latency to every response
  --json              print one JSON line with the URLs instead of the text
  -h, --help          this help`;

export async function emulatorMain(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        snapshot: { type: 'string', multiple: true }, port: { type: 'string' }, host: { type: 'string' }, faults: { type: 'string' },
        'fault-seed': { type: 'string' }, limits: { type: 'string' }, tls: { type: 'boolean' }, latency: { type: 'string' },
        json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`mfaguard-emulator: usage error: ${(err as Error).message}\n\n${EMULATOR_HELP}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${EMULATOR_HELP}\n`);
    return 0;
  }
  const usage = (msg: string) => {
    process.stderr.write(`mfaguard-emulator: ${msg}\n\n${EMULATOR_HELP}\n`);
    return 2;
  };
  if (!values.snapshot?.length) return usage('--snapshot PATH is required');
  const [primary, ...more] = values.snapshot;
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usage(`--port must be 0 … 65535, got "${values.port}"`);
  const rate = values.faults === undefined ? 0 : Number(values.faults);
  if (!(rate >= 0 && rate <= 1)) return usage(`--faults must be a rate between 0 and 1, got "${values.faults}"`);
  const seed = values['fault-seed'] === undefined ? 1 : Number(values['fault-seed']);
  if (!Number.isInteger(seed)) return usage(`--fault-seed must be a whole number, got "${values['fault-seed']}"`);
  const limits = values.limits ?? 'graph';
  if (limits !== 'graph' && limits !== 'none') return usage(`--limits must be graph or none, got "${limits}"`);
  const latency = values.latency === undefined ? 0 : Number(values.latency);
  if (!(latency >= 0)) return usage(`--latency must be a number of milliseconds, got "${values.latency}"`);

  let emu: EmulatorHandle;
  try {
    emu = await startEmulator({
      snapshotPath: primary!,
      ...(more.length ? { tenants: more.map((snapshotPath) => ({ snapshotPath })) } : {}),
      port,
      ...(values.host ? { host: values.host } : {}),
      tls: values.tls === true,
      limits,
      latencyMs: latency,
      ...(rate > 0 ? { faults: { rate, seed } } : {}),
    });
  } catch (err) {
    if (err instanceof InputError) {
      process.stderr.write(`mfaguard-emulator: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`mfaguard-emulator: cannot start: ${(err as Error).message}\n`);
    return /loopback/.test((err as Error).message) ? 2 : 3;
  }

  let caDir: string | undefined;
  let caFile: string | undefined;
  if (emu.ca) {
    caDir = mkdtempSync(join(tmpdir(), 'mfaguard-emulator-'));
    caFile = join(caDir, 'ca.pem');
    writeFileSync(caFile, emu.ca);
  }
  const env: Record<string, string> = {
    AZURE_TENANT_ID: emu.tenantId,
    AZURE_CLIENT_ID: emu.clientId,
    AZURE_CLIENT_SECRET: emu.clientSecret,
    AZURE_AUTHORITY_HOST: emu.authorityHost,
    ...(caFile ? { NODE_EXTRA_CA_CERTS: caFile } : {}),
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ url: emu.url, httpUrl: emu.httpUrl, graphUrl: emu.graphUrl, armUrl: emu.armUrl, authorityHost: emu.authorityHost, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, port: emu.port, caFile: caFile ?? null, env })}\n`);
  } else {
    const lines = [
      `mfaguard emulator serving ${values.snapshot.join(', ')} (tenant${more.length ? 's' : ''} ${Object.keys(emu.tenants).join(', ')})`,
      `  url             ${emu.url}${emu.ca ? `   (plain HTTP on the same port: ${emu.httpUrl})` : ''}`,
      `  graph           ${emu.graphUrl}/v1.0  and  ${emu.graphUrl}/beta`,
      `  arm             ${emu.armUrl}`,
      `  authority host  ${emu.authorityHost}`,
      `  limits          ${limits}${rate > 0 ? `, faults ${rate} (seed ${seed})` : ''}`,
      '',
      'Environment (@azure/identity / mfaguard collect):',
      ...Object.entries(env).map(([k, v]) => `  export ${k}=${v}`),
      '',
      `Then: mfaguard collect --auth client-secret --authority-host ${emu.authorityHost} --graph-endpoint ${emu.graphUrl} --arm-endpoint ${emu.armUrl} --out DIR`,
      '(@azure/identity clients must pass disableInstanceDiscovery: true, or MSAL asks login.microsoftonline.com about the authority.)',
      emu.ca ? '' : 'Note: without --tls, @azure/identity refuses the http authority; use --tls for it.',
      'Stats: GET /_emulator/stats. Stop with Ctrl-C.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }

  return await new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      const s = emu.stats();
      emu.close().then(() => {
        if (caDir) rmSync(caDir, { recursive: true, force: true });
        if (!values.json) process.stderr.write(`mfaguard-emulator: ${signal}: stopped after ${s.totalRequests} requests (${s.throttled} throttled, ${s.faults.total} faults, ${s.writes.length} writes)\n`);
        resolve(0);
      }, () => resolve(3));
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}
