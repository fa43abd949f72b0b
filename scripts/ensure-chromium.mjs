#!/usr/bin/env node
/**
 * Makes sure a Chromium for the HTML report's browser test (test/report/html.test.ts) is installed.
 * Runs as `pretest`, so the README's `npm ci && npm test` works on a fresh Debian machine.
 *
 * - MFAGUARD_CHROMIUM=/path/to/chromium: use that browser instead (it must exist; nothing is installed).
 * - otherwise /usr/bin/chromium, Debian's package `chromium`: if it is missing and we are root, run
 *   `apt-get update` and `apt-get install -y --no-install-recommends chromium` non-interactively.
 * - if it cannot be made available, exit 1 with a message that says what to do.
 *
 * Playwright's own browser download (`npx playwright install`) is deliberately not used: the test
 * drives the system browser through playwright-core.
 */
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';

const DEFAULT = '/usr/bin/chromium';
const override = process.env.MFAGUARD_CHROMIUM;
const browser = override || DEFAULT;
const say = (msg) => process.stdout.write(`ensure-chromium: ${msg}\n`);
const fail = (msg) => {
  process.stderr.write(`ensure-chromium: error: ${msg}\n`);
  process.exit(1);
};

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function version(path) {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function run(cmd, args) {
  say(`running: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' },
  });
  if (r.error) fail(`could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${[cmd, ...args].join(' ')} failed (exit ${r.status ?? r.signal})`);
}

if (executable(browser)) {
  say(`found ${browser} (${version(browser) ?? 'version unknown'})`);
  process.exit(0);
}
if (override) fail(`MFAGUARD_CHROMIUM=${override} is not an executable file`);

const manual = 'install it with: sudo apt-get install -y --no-install-recommends chromium ' +
  '(or point MFAGUARD_CHROMIUM at a Chromium/Chrome binary)';
if (process.platform !== 'linux') fail(`${DEFAULT} not found and automatic installation only works on Debian/Ubuntu; ${manual}`);
if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
  fail(`${DEFAULT} not found and this is not root, so apt-get cannot install it; ${manual}`);
}
if (!executable('/usr/bin/apt-get')) fail(`${DEFAULT} not found and apt-get is not available; ${manual}`);

say(`${DEFAULT} not found: installing Debian's chromium package (needed by the HTML report browser test)`);
run('apt-get', ['update']);
run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
if (!executable(DEFAULT)) fail(`apt-get finished but ${DEFAULT} is still missing; ${manual}`);
say(`installed ${DEFAULT} (${version(DEFAULT) ?? 'version unknown'})`);
