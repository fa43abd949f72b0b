/**
 * Issue 10, honest gates on the collector side: a required collection that cannot be read still gives
 * a written, loadable snapshot that says so in `unavailable`, but `collect` and `scan --tenant` exit 1
 * with one line naming it. And `--resume` remembers the sign-in and endpoint options of the
 * interrupted run. Child processes run the built CLI (`npm test` builds first).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSnapshot } from '../../devkit/gen/generate.js';
import { startEmulator } from '../../devkit/emulator/index.js';
import { collectTenant } from '../../src/collect/collect.js';
import { REQUIRED_COLLECTIONS } from '../../src/collect/required.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import { childEnv, emulatorArgs, runCli } from './helpers.js';

let root: string;
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'mfaguard-required-')); });
afterAll(async () => { await rm(root, { recursive: true, force: true }); });

describe('a required collection that cannot be read', () => {
  it('collect: the snapshot is written and marked, the exit code is 1 with a summary line', async () => {
    const source = generateSnapshot({ users: 80, seed: 5 });
    const emu = await startEmulator({ snapshot: source, port: 0, tls: true, deny: { users: 'permission' } });
    const caFile = join(root, 'ca-1.pem');
    await writeFile(caFile, emu.ca!);
    const out = join(root, 'no-users');
    try {
      const res = await runCli(['collect', '--out', out, ...emulatorArgs(emu, caFile), '--quiet'], childEnv(emu));
      expect(res.code, res.stderr).toBe(1);
      expect(res.stderr).toMatch(/^mfaguard: collect: required collections? could not be read: users \(403[^)]*\).*incomplete/m);
      const { snapshot } = await loadSnapshot(out);
      expect(snapshot.unavailable.users).toMatchObject({ status: 403 });

      // the same under --log-format json: the summary is a JSON line (level error)
      const json = await runCli(['collect', '--out', join(root, 'no-users-json'), ...emulatorArgs(emu, caFile), '--log-format', 'json'], childEnv(emu));
      expect(json.code, json.stderr).toBe(1);
      const lines = json.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.at(-1)).toMatchObject({ level: 'error', event: 'incomplete', missing: ['users'] });

      // scan --tenant does not pass silently with 0 users either (no --fail-on needed)
      const scan = await runCli(['scan', ...emulatorArgs(emu, caFile), '--quiet', '--format', 'json', '--output', join(root, 'r.json')], childEnv(emu));
      expect(scan.code, scan.stderr).toBe(1);
      expect(scan.stderr).toMatch(/required collection could not be read: users/);
    } finally {
      await emu.close();
    }
  }, 120_000);

  it('users failing with 503 after every retry: unavailable, exit 1 (not "snapshot written" and 0)', async () => {
    const source = generateSnapshot({ users: 30, seed: 7 });
    const emu = await startEmulator({ snapshot: source, port: 0, tls: true, deny: { users: { status: 503, code: 'ServiceUnavailable', message: 'try later' } } });
    const caFile = join(root, 'ca-3.pem');
    await writeFile(caFile, emu.ca!);
    const out = join(root, 'users-503');
    try {
      const res = await runCli(['collect', '--out', out, ...emulatorArgs(emu, caFile), '--quiet', '--max-attempts', '2'], childEnv(emu));
      expect(res.code, res.stderr).toBe(1);
      expect(res.stderr).toMatch(/required collection could not be read: users \(503 ServiceUnavailable\)/);
      expect((await loadSnapshot(out)).snapshot.unavailable.users).toMatchObject({ status: 503 });
    } finally {
      await emu.close();
    }
  }, 120_000);

  it('an optional collection denied is still exit 0 (the documented list is what counts)', async () => {
    expect(REQUIRED_COLLECTIONS).toEqual(['users', 'groups', 'groupMembers', 'roleAssignments', 'conditionalAccessPolicies']);
    const source = generateSnapshot({ users: 40, seed: 6 });
    const emu = await startEmulator({ snapshot: source, port: 0, tls: true, deny: { userRegistrationDetails: 'permission' } });
    const caFile = join(root, 'ca-2.pem');
    await writeFile(caFile, emu.ca!);
    try {
      const res = await runCli(['collect', '--out', join(root, 'no-reg'), ...emulatorArgs(emu, caFile), '--quiet'], childEnv(emu));
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).not.toMatch(/required collection/);
    } finally {
      await emu.close();
    }
  }, 120_000);
});

describe('--resume remembers the options of the interrupted run', () => {
  it('continues with only --out and --resume: tenant, --auth, --client-id, endpoints and CA come from the checkpoints', async () => {
    const source = generateSnapshot({ users: 120, seed: 8 });
    const emu = await startEmulator({ snapshot: source, port: 0, tls: true, pageSizes: { users: 20 } });
    const out = join(root, 'resume');
    const env = { ...process.env, AZURE_CLIENT_SECRET: emu.clientSecret };
    const quiet = { write: () => undefined };
    // an interruption part way through the user list: every request aborted, the checkpoints stay
    const interrupted = async () => {
      const abort = new AbortController();
      await expect(collectTenant({
        out, auth: 'client-secret', tenant: emu.tenantId, clientId: emu.clientId, env,
        authorityHost: emu.authorityHost, graphEndpoint: emu.graphUrl, armEndpoint: emu.armUrl, ca: [emu.ca!],
        logFormat: 'json', logSink: quiet, signal: abort.signal,
        onCheckpoint: (key, count) => { if (key === 'users' && count >= 40) abort.abort(); },
      })).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 500)); // let the other collections' aborted requests settle
    };
    try {
      await interrupted();
      const state = await readFile(join(out, '.mfaguard-collect', 'state.json'), 'utf8');
      expect(JSON.parse(state).options).toMatchObject({ tenant: emu.tenantId, auth: 'client-secret', clientId: emu.clientId, graphEndpoint: emu.graphUrl });
      expect(state).not.toContain(emu.clientSecret);

      // nothing but --out and --resume (the secret from the environment, as always)
      const r = await collectTenant({ out, resume: true, env, logFormat: 'json', logSink: quiet });
      expect(r.resumed.length).toBeGreaterThan(0);
      expect(r.counts.users).toBe(120);
      expect(r.missingRequired).toEqual([]);

      // through the CLI too, and a conflicting endpoint given again is refused (exit 2), not mixed in
      await interrupted();
      await rm(join(out, '.mfaguard-collect', 'lock')); // as if the crashed process were gone (this one still runs)
      const conflict = await runCli(['collect', '--out', out, '--resume', '--graph-endpoint', 'https://127.0.0.1:9/', '--quiet'], childEnv(emu));
      expect(conflict.code, conflict.stderr).toBe(2);
      expect(conflict.stderr).toMatch(/was for tenant .* not tenant .*127\.0\.0\.1:9/);
      const cli = await runCli(['collect', '--out', out, '--resume', '--quiet'], childEnv(emu));
      expect(cli.code, cli.stderr).toBe(0);
      expect((await loadSnapshot(out)).snapshot.users).toHaveLength(120);
    } finally {
      await emu.close();
    }
  }, 120_000);
});
