/** `mfaguard serve`: flags → library startDashboard() → the URL (with its token) on stdout; runs until Ctrl-C. */
import { spawn } from 'node:child_process';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { startDashboard } from '../app/serve.js';
import { UsageError } from '../errors.js';
import { printWarning } from './output.js';
import type { Command } from './command.js';

const SERVE_HELP = `Usage: mfaguard serve [--port P] [--host H [--allow-remote]] [--config FILE] [--plan PLAN.json] [--snapshot PATH] [--state DIR] [--open]

A local web dashboard over the state store (every recorded scan): overview with score, coverage
matrix and trend per rule; findings (filter, search, sort, paged on the server); a user's verdicts;
policies; the diff between two scans; a plan's review; and an exempt form that writes the
configuration file as "mfaguard exempt" does.

It listens on 127.0.0.1 and prints an address with a random access token: open it (or pass --open) and
the browser keeps a session cookie. Nothing is served without it.

  --port P              port (default: a free one)
  --host H              address to listen on (default 127.0.0.1); a non-loopback one needs --allow-remote
  --allow-remote        allow --host beyond loopback (plain HTTP: the token and data cross the network)
  --config FILE         the configuration file the exempt form writes (without it the form is off)
  --plan PLAN.json      a plan (mfaguard plan --out) to review; applying stays "mfaguard apply"
  --snapshot PATH       a snapshot of a recorded tenant: groups, roles, Azure access and the policy
                        trace on user pages, and assignments on policy pages
  --state DIR           the state store's directory (default MFAGUARD_STATE_DIR, else the user's data dir)
  --open                open the address in the default browser

Exit codes: 0 stopped (Ctrl-C), 2 usage or input error, 3 internal error.`;

const SERVE_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'allow-remote': { type: 'boolean' },
  config: { type: 'string' },
  plan: { type: 'string' },
  snapshot: { type: 'string' },
  state: { type: 'string' },
  open: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : process.platform === 'darwin' ? ['open', [url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => printWarning('could not open a browser: open the address above yourself'));
  child.unref();
}

async function runServe(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: SERVE_OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(SERVE_HELP + '\n');
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (0-65535), got "${values.port}"`);
  const running = await startDashboard({
    port, ...(values.host ? { host: values.host } : {}), allowRemote: !!values['allow-remote'],
    config: values.config, plan: values.plan, ...(values.snapshot ? { snapshot: { path: values.snapshot } } : {}),
    ...(values.state ? { state: values.state } : {}),
  });
  for (const w of running.warnings) printWarning(w);
  process.stdout.write(`mfaguard dashboard: ${running.url}\n(Ctrl-C to stop)\n`);
  if (values.open) openBrowser(running.url);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  return 0;
}

export const serveCommand: Command = {
  name: 'serve',
  usage: 'mfaguard serve [--port P] [--host H --allow-remote] [--config FILE] [--plan PLAN.json] [--snapshot PATH] [--open]',
  help: SERVE_HELP,
  options: SERVE_OPTIONS,
  run: runServe,
};
