/**
 * `collect --config`: the configuration's break-glass accounts are the users whose authentication
 * methods are read (spec/config.md), instead of the name heuristic.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../devkit/emulator/index.js';
import { generateSnapshot } from '../../devkit/gen/generate.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import { childEnv, emulatorArgs, runCli } from '../collect/helpers.js';

let root: string;
let emu: EmulatorHandle;
const source: Snapshot = generateSnapshot({ users: 120, seed: 5 });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mfaguard-cfg-collect-'));
  emu = await startEmulator({ snapshot: source, port: 0, tls: true, limits: 'none' });
});
afterAll(async () => {
  await emu.close();
  await rm(root, { recursive: true, force: true });
});

it('reads the authentication methods of the declared break-glass accounts only', async () => {
  const withMethods = Object.keys(source.authenticationMethods!);
  expect(withMethods.length).toBeGreaterThan(1);
  const declared = source.users!.find((u) => u.id === withMethods[0])!;
  const caFile = join(root, 'ca.pem');
  await writeFile(caFile, emu.ca!);
  const cfg = join(root, 'mfaguard.yaml');
  await writeFile(cfg, `mfaguardConfig: 1\nbreakGlassAccounts:\n  - ${declared.userPrincipalName}\n`);
  const out = join(root, 'snap');
  const r = await runCli(['collect', '--out', out, ...emulatorArgs(emu as never, caFile), '--config', cfg, '--skip', 'azure', '--log-format', 'json', '--timeout', '10'], childEnv(emu as never));
  expect(r.code, r.stderr).toBe(0);
  const { snapshot } = await loadSnapshot(out);
  expect(Object.keys(snapshot.authenticationMethods ?? {})).toEqual([declared.id]);
});
