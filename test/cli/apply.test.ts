/**
 * The remediation loop through the built CLI against the emulator (TLS, client-secret sign-in):
 * plan → apply → scan --tenant sees it → apply again (nothing changes) → runs → rollback → scan.
 * The client secret and tokens are canaries: they must appear in no plan, review, output or audit line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../devkit/emulator/index.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { childEnv, emulatorArgs, runCli, spawnCli } from '../collect/helpers.js';
import { DEMO } from './run.js';

const demo = JSON.parse(readFileSync(DEMO, 'utf8')) as Snapshot;
let emu: EmulatorHandle;
let dir: string;
let caFile: string;
beforeAll(async () => {
  emu = await startEmulator({ snapshot: demo, port: 0, tls: true, limits: 'none' });
  dir = mkdtempSync(join(tmpdir(), 'mfaguard-apply-cli-'));
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, emu.ca!);
});
afterAll(async () => { await emu.close(); });

const ndjson = (f: string) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);

describe('mfaguard apply / runs / rollback on the emulator', () => {
  it('apply → scan → apply again → rollback → scan', async () => {
    const env = childEnv(emu as never);
    const live = emulatorArgs(emu as never, caFile);
    const state = ['--state', join(dir, 'state')];
    const plan = join(dir, 'plan.json');
    const siem = join(dir, 'siem.jsonl');
    const p = await runCli(['plan', '--demo', '--only', 'createCaPolicy', '--break-glass', 'breakglass1@northwindtraders.com', '--out', plan], env);
    expect(p.code, p.stderr).toBe(0);

    const a = await runCli(['apply', plan, ...live.filter((x) => x !== '--resume'), '--yes', ...state, '--audit-log', siem], env);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/completed; \d+ change\(s\)/);
    const runId = /^(run-\S+): completed/m.exec(a.stdout)![1]!;

    const scan1 = await runCli(['scan', ...live, '--save-snapshot', join(dir, 'snap1'), '--format', 'json'], env);
    expect(scan1.code, scan1.stderr).toBe(0);
    const snap1 = ndjson(join(dir, 'snap1', 'conditionalAccessPolicies.ndjson'));
    expect(JSON.stringify(snap1)).toContain('mfaguard: Require MFA for all users');

    const again = await runCli(['apply', plan, ...live, '--yes', ...state], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/nothing changed \(already applied\)/);

    const runs = await runCli(['runs', ...state, '--format', 'json'], env);
    expect(JSON.parse(runs.stdout).map((r: { runId: string }) => r.runId)).toContain(runId);

    const rb = await runCli(['rollback', runId, ...live, '--yes', ...state], env);
    expect(rb.code, rb.stderr).toBe(0);
    const scan2 = await runCli(['scan', ...live, '--save-snapshot', join(dir, 'snap2'), '--format', 'json'], env);
    expect(scan2.code, scan2.stderr).toBe(0);
    const snap2 = ndjson(join(dir, 'snap2', 'conditionalAccessPolicies.ndjson'));
    expect(JSON.stringify(snap2)).not.toContain('mfaguard:');
    expect(snap2.length).toBe(demo.conditionalAccessPolicies!.length);

    // canaries: no secret or token anywhere we wrote
    const written = [readFileSync(plan, 'utf8'), readFileSync(join(dir, 'state', 'audit.jsonl'), 'utf8'), readFileSync(siem, 'utf8'), a.stdout, a.stderr, rb.stdout, again.stdout];
    for (const text of written) {
      expect(text).not.toContain(emu.clientSecret);
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
    }
    expect(readFileSync(siem, 'utf8').trim().split('\n').length).toBeGreaterThan(0);
  });

  it('the audit log is audit.jsonl in the state directory (MFAGUARD_STATE_DIR by default), which runs reads; --state-dir is the same as --state', async () => {
    const stateHome = join(dir, 'env-state');
    const env = { ...childEnv(emu as never), MFAGUARD_STATE_DIR: stateHome };
    const live = emulatorArgs(emu as never, caFile);
    const plan = join(dir, 'plan-env.json');
    expect((await runCli(['plan', '--demo', '--only', 'registrationCampaign', '--out', plan], env)).code).toBe(0);
    const a = await runCli(['apply', plan, ...live, '--yes'], env);
    expect(a.code, a.stderr).toBe(0);
    const runId = /^(run-\S+): completed/m.exec(a.stdout)![1]!;
    const records = ndjson(join(stateHome, 'audit.jsonl')) as { runId: string }[];
    expect(records.map((r) => r.runId)).toContain(runId);
    const runs = await runCli(['runs', '--format', 'json'], env);
    expect(JSON.parse(runs.stdout).map((r: { runId: string }) => r.runId)).toEqual([runId]);
    const same = await runCli(['runs', '--state-dir', stateHome, '--format', 'json'], { ...env, MFAGUARD_STATE_DIR: join(dir, 'elsewhere') });
    expect(JSON.parse(same.stdout).map((r: { runId: string }) => r.runId)).toEqual([runId]);
    const rb = await runCli(['rollback', runId, ...live, '--yes'], env);
    expect(rb.code, rb.stderr).toBe(0);
    expect((ndjson(join(stateHome, 'audit.jsonl')) as { type: string }[]).some((r) => r.type === 'rollback')).toBe(true);
  });

  it('a hand-edited plan whose new policy no longer excludes the break-glass account: apply re-runs the guard on the live tenant, exit 4 naming the check, nothing written', async () => {
    const env = childEnv(emu as never);
    const live = emulatorArgs(emu as never, caFile);
    const plan = join(dir, 'edited.json');
    expect((await runCli(['plan', '--demo', '--only', 'createCaPolicy', '--out', plan], env)).code).toBe(0);
    const doc = JSON.parse(readFileSync(plan, 'utf8')) as { actions: { after: { conditions: { users: { excludeUsers: string[] } } } }[] };
    for (const a of doc.actions) a.after.conditions.users.excludeUsers = [];
    writeFileSync(plan, JSON.stringify(doc));
    const writes = emu.stats().writes.length;
    const r = await runCli(['apply', plan, ...live, '--yes', '--state', join(dir, 's-edited')], env);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/lock-out guard failed on the tenant as it is now \(breakglass-untouched/);
    expect(emu.stats().writes.length).toBe(writes);
  });

  it('refuses without --yes when not in a terminal, and a plan for another tenant', async () => {
    const env = childEnv(emu as never);
    const live = emulatorArgs(emu as never, caFile);
    const plan = join(dir, 'other.json');
    writeFileSync(plan, JSON.stringify({ mfaguardPlan: 1, tenantId: '00000000-0000-0000-0000-00000000abcd', createdAt: '', snapshotCollectedAt: '', actions: [], guard: { passed: true, checks: [] } }));
    const r = await runCli(['apply', plan, ...live, '--state-dir', join(dir, 's2'), '--yes'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the plan is for tenant/);
    const noYes = await runCli(['apply', plan, ...live, '--state-dir', join(dir, 's2')], env);
    expect(noYes.code).toBe(2);
    // plan and whatif collect live with --tenant (read-only)
    const livePlan = await runCli(['plan', ...live, '--quiet', '--only', 'createCaPolicy', '--break-glass', 'breakglass1@northwindtraders.com', '--format', 'json'], env);
    expect(livePlan.code, livePlan.stderr).toBe(0);
    expect(JSON.parse(livePlan.stdout).tenantId).toBe(demo.tenant.id);
  });

  it('kill -9 while a POST is answered (the policy exists, its audit record does not): apply again creates no duplicate; rollback restores', async () => {
    // A slow emulator: a write is applied, then its response waits 1.5 s; the apply process is killed in between.
    const slow = await startEmulator({ snapshot: demo, port: 0, tls: true, limits: 'none', latencyMs: 1500 });
    try {
      const ca = join(dir, 'slow-ca.pem');
      writeFileSync(ca, slow.ca!);
      const env = childEnv(slow as never);
      const live = emulatorArgs(slow as never, ca);
      const state = ['--state-dir', join(dir, 'kill-state')];
      const plan = join(dir, 'kill-plan.json');
      expect((await runCli(['plan', '--demo', '--only', 'createCaPolicy', '--break-glass', 'breakglass1@northwindtraders.com', '--out', plan], env)).code).toBe(0);
      const before = slow.stats().writes.length;
      const child = spawnCli(['apply', plan, ...live, '--yes', ...state], env);
      // Apply first reads the whole tenant for its guard, every request 1.5 s slower: allow for it.
      const deadline = Date.now() + 120_000;
      while (slow.stats().writes.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(slow.stats().writes.length).toBe(before + 1);
      child.child.kill('SIGKILL');
      expect(await child.exited).toBeNull();
      const auditFile = join(dir, 'kill-state', 'audit.jsonl');
      const recorded = (() => { try { return readFileSync(auditFile, 'utf8'); } catch { return ''; } })();
      expect(recorded).not.toMatch(/"actionId":"a1"/);

      const again = await runCli(['apply', plan, ...live, '--yes', ...state], env);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/a1 .*applied: adopted/);
      const policies = slow.currentSnapshot().conditionalAccessPolicies!;
      const names = policies.map((p) => p.displayName);
      expect(new Set(names).size).toBe(names.length); // no duplicate
      const runId = /^(run-\S+): completed/m.exec(again.stdout)![1]!;
      const rb = await runCli(['rollback', runId, ...live, '--yes', ...state], env);
      expect(rb.code, rb.stderr).toBe(0);
      expect(slow.currentSnapshot().conditionalAccessPolicies!.map((p) => p.id).sort()).toEqual(demo.conditionalAccessPolicies!.map((p) => p.id).sort());
    } finally {
      await slow.close();
    }
  }, 240_000);

  it('a write fault injected by the emulator at action 2 that outlasts the retries stops the run there (exit 1); rollback restores exactly', async () => {
    const faulty = await startEmulator({ snapshot: demo, port: 0, tls: true, limits: 'none', failWrites: [2, 3, 4, 5] }); // every attempt at action 2 (apply retries a write 4 times)
    try {
      const ca = join(dir, 'faulty-ca.pem');
      writeFileSync(ca, faulty.ca!);
      const env = childEnv(faulty as never);
      const live = emulatorArgs(faulty as never, ca);
      const state = ['--state-dir', join(dir, 'fault-state')];
      const plan = join(dir, 'fault-plan.json');
      expect((await runCli(['plan', '--demo', '--only', 'createCaPolicy', '--break-glass', 'breakglass1@northwindtraders.com', '--out', plan], env)).code).toBe(0);
      const a = await runCli(['apply', plan, ...live, '--yes', ...state], env);
      expect(a.code, a.stdout + a.stderr).toBe(1);
      expect(a.stdout).toMatch(/a1 .*applied/);
      expect(a.stdout).toMatch(/a2 .*failed: 500 InternalServerError/);
      expect(a.stdout).not.toMatch(/^a3 /m);
      expect(a.stdout).toMatch(/STOPPED/);
      const runId = /^(run-\S+): STOPPED/m.exec(a.stdout)![1]!;
      const rb = await runCli(['rollback', runId, ...live, '--yes', ...state], env);
      expect(rb.code, rb.stderr).toBe(0);
      expect(JSON.stringify(faulty.currentSnapshot().conditionalAccessPolicies!.map((p) => p.id).sort()))
        .toBe(JSON.stringify(demo.conditionalAccessPolicies!.map((p) => p.id).sort()));
      const runs = JSON.parse((await runCli(['runs', ...state, '--format', 'json'], env)).stdout) as { type: string; results: Record<string, number> }[];
      expect(runs.map((r) => r.type)).toEqual(['apply', 'rollback']);
      expect(runs[0]!.results).toEqual({ applied: 1, failed: 1 });
    } finally {
      await faulty.close();
    }
  }, 120_000);
});
