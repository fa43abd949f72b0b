/**
 * Issue 10, smaller points: every option of every command appears in its help and the exit codes
 * (3 included) are listed in help and README; `collect --skip` accepts only collection keys (and
 * `azure`); fatal errors under `--log-format json` are JSON lines on stderr.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.js';
import { SKIP_KEYS } from '../../src/cli/collect.js';
import { COLLECTIONS } from '../../src/collections/index.js';
import { mfaguard } from './run.js';

describe('help text', () => {
  for (const command of COMMANDS) {
    it(`${command.name}: every parseArgs option is in its help, and so are the exit codes`, async () => {
      const missing = Object.keys(command.options).filter((o) => o !== 'help' && !new RegExp(`--${o}\\b`).test(command.help));
      expect(missing).toEqual([]);
      expect(command.help).toMatch(/Exit codes: .*\b2 usage/s);
      expect(command.help).toMatch(/3 internal error/);
      // the command prints the same text it declares
      const r = await mfaguard([command.name, '--help']);
      expect(r.stdout).toBe(command.help + '\n');
    });
  }

  it('mfaguard help and the README list exit code 3 and the gate and collect codes', async () => {
    const r = await mfaguard(['help']);
    expect(r.stdout).toMatch(/Exit codes: 0 ok, 1 --fail-on gate failed .*3 internal error/s);
    const readme = await readFile(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('Exit codes'));
    expect(section).toMatch(/`3` internal error/);
    expect(section).toMatch(/unknown/);
    expect(readme).toMatch(/--allow-unknown/);
    expect(readme).toMatch(/required collection/);
  });
});

describe('collect --skip', () => {
  it('accepts every collection key and azure', () => {
    expect(SKIP_KEYS).toEqual([...COLLECTIONS.map((c) => c.key), 'azure']);
  });

  it('an unknown key is a usage error listing the valid keys', async () => {
    const r = await mfaguard(['collect', '--out', '/nonexistent/x', '--skip', 'groups,nosuch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mfaguard: usage error: --skip: unknown collection "nosuch" \(choose from tenant, users, .*, azure\)$/m);
    expect((await mfaguard(['scan', '--tenant', 't', '--skip', 'nosuch'])).code).toBe(2);
  });
});

describe('fatal errors under --log-format json', () => {
  it('usage and input errors are one JSON line (level error) on stderr', async () => {
    for (const args of [
      ['collect', '--out', '/nonexistent/x', '--skip', 'nosuch', '--log-format', 'json'],
      ['collect', '--log-format=json', '--out', '/nonexistent/parent/x', '--auth', 'client-secret'],
      ['scan', '--tenant', 't', '--log-format', 'json', '--cloud', 'Mars'],
    ]) {
      const r = await mfaguard(args, { AZURE_CLIENT_ID: 'x', AZURE_CLIENT_SECRET: 'y' });
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', event: 'fatal', message: expect.any(String) });
    }
  });

  it('text stays text without it', async () => {
    const r = await mfaguard(['collect', '--out', '/nonexistent/x', '--skip', 'nosuch']);
    expect(r.stderr).toMatch(/^mfaguard: usage error: /);
  });
});
