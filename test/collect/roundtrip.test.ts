/**
 * The collector end to end against the emulator (src/emulator), over HTTPS, signing in through
 * @azure/identity's ClientSecretCredential at the emulator's token endpoint:
 * - a generated tenant served with 5% injected faults comes back with every object equal (order aside);
 * - the same with the collector process killed (`kill -9`) half way, then `--resume`d: finished
 *   collections are not fetched again and the result is the same;
 * - a missing permission: the collection is `unavailable`, dependent findings are `unknown`, the
 *   command finishes and says so;
 * - the client secret and access tokens never reach logs or the snapshot.
 * Child processes run the built CLI (`npm test` builds first).
 */
import { readdir, readFile, rm, mkdtemp, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSnapshot } from '../../devkit/gen/generate.js';
import { collectTenant } from '../../src/collect/collect.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { startEmulator } from '../../devkit/emulator/index.js';
import { childEnv, emulatorArgs, runCli, snapshotDiff, spawnCli } from './helpers.js';

let root: string;
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'mfaguard-roundtrip-')); });
afterAll(async () => { await rm(root, { recursive: true, force: true }); });

const FAULTS = { rate: 0.05, seed: 7, slowMs: 300 };

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}

describe('round trip through the emulator', () => {
  it('a 3,000-user tenant with 5% faults comes back object for object', async () => {
    const source = generateSnapshot({ users: 3000, seed: 42 });
    const emu = await startEmulator({ snapshot: source, port: 0, tls: true, limits: 'graph', faults: FAULTS });
    try {
      const out = join(root, 'rt');
      const logs: string[] = [];
      const r = await collectTenant({
        out, auth: 'client-secret', tenant: emu.tenantId, clientId: emu.clientId,
        env: { ...process.env, AZURE_CLIENT_SECRET: emu.clientSecret },
        authorityHost: emu.authorityHost, graphEndpoint: emu.graphUrl, armEndpoint: emu.armUrl, ca: [emu.ca!],
        logFormat: 'json', verbose: true, logSink: { write: (s: string) => { logs.push(s); } }, timeoutMs: 10_000,
      });
      const stats = emu.stats();
      expect(stats.faults.total).toBeGreaterThan(0);
      expect(r.retries).toBeGreaterThan(0);
      expect(r.unavailable).toEqual({});
      const { snapshot } = await loadSnapshot(out);
      expect(snapshotDiff(source, snapshot)).toEqual([]);
      expect(snapshot.authenticationRequirements).toBeUndefined(); // perUserMfaState came with the list
      // structured logs: one JSON object per line with the documented fields
      const events = logs.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(events.every((e) => typeof e.time === 'string' && typeof e.level === 'string' && typeof e.event === 'string')).toBe(true);
      expect(events.some((e) => e.event === 'retry')).toBe(true);
      expect(events.find((e) => e.event === 'finished')).toMatchObject({ counts: { users: 3000 } });
    } finally {
      await emu.close();
    }
  }, 120_000);

  it('per-user MFA state the list does not return is read through $batch', async () => {
    const source = generateSnapshot({ users: 2000, seed: 5 });
    const emu = await startEmulator({ snapshot: source, port: 0, tls: true, limits: 'graph', userListPerUserMfaState: 'error' });
    try {
      const out = join(root, 'batch');
      const r = await collectTenant({
        out, auth: 'client-secret', tenant: emu.tenantId, clientId: emu.clientId, env: { ...process.env, AZURE_CLIENT_SECRET: emu.clientSecret },
        authorityHost: emu.authorityHost, graphEndpoint: emu.graphUrl, armEndpoint: emu.armUrl, ca: [emu.ca!], logFormat: 'json', logSink: { write: () => undefined },
        skip: ['azure'],
      });
      expect(r.counts.authenticationRequirements).toBe(2000);
      const routes = emu.stats().routes;
      const batchPosts = Object.entries(routes).filter(([k]) => /^POST \/beta\/\$batch/.test(k)).reduce((a, [, n]) => a + n, 0);
      expect(batchPosts).toBeGreaterThanOrEqual(100);
      expect(batchPosts).toBeLessThan(130);
      const { snapshot } = await loadSnapshot(out);
      for (const u of source.users!) expect(snapshot.authenticationRequirements![u.id]?.perUserMfaState).toBe(u.perUserMfaState);
      // the manifest counts each NDJSON file's lines, so a file cut at a line boundary is refused (issue 10)
      const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { counts?: Record<string, number> };
      expect(manifest.counts).toMatchObject({ users: 2000, authenticationRequirements: 2000 });
    } finally {
      await emu.close();
    }
  }, 120_000);
});

describe('kill -9 half way, then --resume', () => {
  it('continues from the checkpoints and ends with the same snapshot', async () => {
    const source = generateSnapshot({ users: 3000, seed: 43 });
    const emu = await startEmulator({
      snapshot: source, port: 0, tls: true, limits: 'graph', faults: FAULTS, latencyMs: 5,
      pageSizes: { users: 50, groups: 20, userRegistrationDetails: 999 },
    });
    const caFile = join(root, 'emulator-ca.pem');
    await writeFile(caFile, emu.ca!);
    const out = join(root, 'killed');
    const stageDir = join(out, '.mfaguard-collect');
    try {
      const args = ['collect', '--out', out, ...emulatorArgs(emu, caFile), '--log-format', 'json', '--timeout', '10'];
      const first = spawnCli(args, childEnv(emu));
      // wait until the user list is a third of the way through, then kill without warning
      let killedAt = -1;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        try {
          const c = JSON.parse(await readFile(join(stageDir, 'users.cursor.json'), 'utf8')) as { count: number };
          if (c.count >= 1000) { killedAt = c.count; break; }
        } catch { /* not yet */ }
        await new Promise((r) => setTimeout(r, 5));
      }
      first.child.kill('SIGKILL');
      expect(await first.exited).toBeNull();
      expect(killedAt, first.stderr()).toBeGreaterThanOrEqual(1000);
      expect(killedAt).toBeLessThan(3000);
      // a partial collection is never mistaken for a snapshot
      await expect(stat(join(out, 'manifest.json'))).rejects.toThrow();
      await expect(loadSnapshot(out)).rejects.toThrow(/manifest/);
      const finishedBefore = (await readdir(stageDir)).filter((f) => f.endsWith('.done.json')).map((f) => f.replace('.done.json', ''));

      emu.resetStats();
      const second = await runCli([...args, '--resume'], childEnv(emu));
      expect(second.code, second.stderr).toBe(0);
      const { snapshot } = await loadSnapshot(out);
      expect(snapshotDiff(source, snapshot)).toEqual([]);
      const routes = emu.stats().routes;
      // the user list went on from its cursor instead of starting over (60 pages in all)
      const userPages = Object.entries(routes).filter(([k]) => /^GET \/beta\/users$/.test(k)).reduce((a, [, n]) => a + n, 0);
      expect(userPages).toBeLessThan(60 - Math.floor(killedAt / 50) + 10);
      // collections finished before the kill were not fetched again
      const routeOf: Record<string, RegExp> = {
        conditionalAccessPolicies: /conditionalAccess\/policies$/, namedLocations: /namedLocations$/, securityDefaults: /identitySecurityDefaultsEnforcementPolicy$/,
        authenticationStrengthPolicies: /authenticationStrengthPolicies$/, roleDefinitions: /roleDefinitions$/, subscriptions: /^GET \/subscriptions$/, tenant: /organization$/,
      };
      for (const key of finishedBefore) {
        const re = routeOf[key];
        if (re) expect(Object.keys(routes).filter((k) => re.test(k)), `${key} fetched again`).toEqual([]);
      }
      expect(await readdir(out)).not.toContain('.mfaguard-collect');
    } finally {
      await emu.close();
    }
  }, 180_000);
});

describe('missing permission and secrets', () => {
  it('userRegistrationDetails denied: unavailable, dependent findings unknown, the command finishes and says so; no secret or token anywhere', async () => {
    const source: Snapshot = generateSnapshot({ users: 400, seed: 9 });
    const emu = await startEmulator({ snapshot: source, port: 0, tls: true, limits: 'graph', deny: { userRegistrationDetails: 'permission' } });
    const caFile = join(root, 'emulator-ca-2.pem');
    await writeFile(caFile, emu.ca!);
    const saved = join(root, 'denied');
    const report = join(root, 'denied-report.json');
    try {
      const res = await runCli(['scan', ...emulatorArgs(emu, caFile), '--save-snapshot', saved, '--format', 'json', '--output', report, '--log-format', 'json', '--verbose'], childEnv(emu));
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).toMatch(/userRegistrationDetails/);
      expect(res.stderr).toMatch(/unavailable/i);
      const json = JSON.parse(await readFile(report, 'utf8')) as { dataGaps: { key: string; reason: string }[]; findings: { ruleId: string; status: string; reason?: string }[] };
      expect(json.dataGaps.map((g) => g.key)).toContain('userRegistrationDetails');
      const reg = json.findings.filter((f) => f.ruleId === 'mfa-registration');
      expect(reg.length).toBeGreaterThan(0);
      expect(reg.filter((f) => f.status === 'unhealthy')).toEqual([]); // never a verdict without the data
      expect(reg.some((f) => f.status === 'unknown')).toBe(true);
      const { snapshot } = await loadSnapshot(saved);
      expect(snapshot.unavailable.userRegistrationDetails).toMatchObject({ status: 403 });

      // the secret and any token: not in stdout/stderr, not in any file written
      const secret = emu.clientSecret;
      const jwt = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./;
      expect(res.stderr + res.stdout).not.toContain(secret);
      expect(res.stderr + res.stdout).not.toMatch(jwt);
      for (const f of [...(await listFiles(saved)), report]) {
        const text = await readFile(f, 'utf8');
        expect(text, f).not.toContain(secret);
        expect(text, f).not.toMatch(jwt);
      }
    } finally {
      await emu.close();
    }
  }, 120_000);

  it('a wrong secret: sign-in fails with exit 2 and the secret is not echoed', async () => {
    const source = generateSnapshot({ users: 60, seed: 2 });
    const emu = await startEmulator({ snapshot: source, port: 0, tls: true });
    const caFile = join(root, 'emulator-ca-3.pem');
    await writeFile(caFile, emu.ca!);
    try {
      const wrong = 'wrong-secret-value-1234567890';
      const res = await runCli(['collect', '--out', join(root, 'nope'), ...emulatorArgs(emu, caFile), '--verbose'], { ...childEnv(emu), AZURE_CLIENT_SECRET: wrong });
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/sign-in failed/);
      expect(res.stderr).not.toContain(wrong);
    } finally {
      await emu.close();
    }
  }, 60_000);
});
