/**
 * `mfaguard demo`: flags → library runDemo() (emulator + live collection + scan; the bundled tenant
 * offline when the emulator is not installed) → the report(s), as `scan` writes them.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { runDemo } from '../app/demo.js';
import { UsageError } from '../errors.js';
import { printWarning, withTempCleanupOnSignal } from './output.js';
import { CONFIG_ARG_OPTIONS, configOptions } from './config.js';
import { REPORT_OUTPUT_OPTIONS, STATE_ARG_OPTIONS, STATE_OPTIONS_HELP, finishScan, reportOptions, stateFromArgs } from './scan.js';
import type { Command } from './command.js';

const DEMO_HELP = `Usage: mfaguard demo [options]

Start a local emulator of Microsoft Graph, Azure Resource Manager and the Entra ID token endpoint
(loopback only) holding the bundled demo tenant (Northwind Traders), collect it live with the same
code "mfaguard collect" uses against Azure, and print the scan report. The emulator ships with a clone
of the repository (devkit/emulator); an installed package scans the bundled tenant offline instead.

  --format FORMAT / --output FILE / --fail-on SEVERITY / --allow-unknown / --redact / --limit N
                         as for "mfaguard scan"
  --config FILE          tenant configuration (default: the demo tenant's own demo/mfaguard.yaml, which
                         declares its two break-glass accounts and exempts one finding)
  --no-config            no configuration: break-glass accounts and the exempted finding show as unhealthy
  --as-of T              judge exemption expiry at T (a date or a date-time) instead of the demo
                         state's own date (2026-11-01, or 2026-11-08 with --later)
  --later                the demo tenant a week later (some gaps fixed, a regression, a new Owner without
                         MFA, a new exemption expiring soon; its own configuration, demo/mfaguard.later.yaml).
                         Run "mfaguard demo", then "mfaguard demo --later", then "mfaguard history",
                         "mfaguard diff" and "mfaguard trends": the state store holds both scans
  --faults RATE          inject this share of 429 / 503 / reset / slow responses (e.g. 0.05) to watch
                         the collector retry
  --save-snapshot DIR    keep the collected snapshot in DIR
  --log-format FMT       collector logs: text (default) or json
  --quiet                no collector progress
${STATE_OPTIONS_HELP}

Exit codes: 0 ok, 1 --fail-on gate failed, 2 usage or input error (also an output that cannot be
written), 3 internal error.`;

const DEMO_OPTIONS = {
  ...REPORT_OUTPUT_OPTIONS,
  ...CONFIG_ARG_OPTIONS,
  faults: { type: 'string' },
  later: { type: 'boolean' },
  'save-snapshot': { type: 'string' },
  'log-format': { type: 'string' },
  quiet: { type: 'boolean' },
  ...STATE_ARG_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

async function runDemoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: DEMO_OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(DEMO_HELP + '\n');
    return 0;
  }
  const faults = values.faults === undefined ? 0 : Number(values.faults);
  if (!Number.isFinite(faults) || faults < 0 || faults > 0.5) throw new UsageError('--faults must be a share between 0 and 0.5');
  const logFormat = values['log-format'] ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError('--log-format must be text or json');

  const opts = reportOptions(values, [values['save-snapshot']]);
  const cfg = await configOptions(values, { demo: true, later: !!values.later });
  const state = stateFromArgs(values);
  const text = !values.quiet && logFormat === 'text';
  const result = await withTempCleanupOnSignal(() => runDemo({
    faults,
    later: !!values.later,
    saveSnapshot: values['save-snapshot'],
    logFormat,
    quiet: !!values.quiet,
    env: process.env,
    redact: !!values.redact,
    ...cfg,
    onWarning: printWarning,
    ...(state === undefined ? {} : { state }),
    onEmulatorStarted: (emu) => {
      if (text) process.stderr.write(`mfaguard: demo: emulator for tenant ${emu.tenantId}${values.later ? ' (a week later)' : ''} at ${emu.url} (Graph ${emu.graphUrl}, ARM ${emu.armUrl}); collecting…\n`);
    },
  }));
  if (!result.live) {
    process.stderr.write('mfaguard: demo: the emulator is not part of this installation (it ships with a clone of the repository, in devkit/emulator); scanning the bundled demo tenant offline\n');
  }
  return finishScan(result, opts, state, logFormat === 'json');
}

export const demoCommand: Command = {
  name: 'demo',
  usage: 'mfaguard demo [--format FORMAT] [--output FILE] ...   (live collection from a built-in emulator, then scan)',
  help: DEMO_HELP,
  options: DEMO_OPTIONS,
  run: runDemoCommand,
};
