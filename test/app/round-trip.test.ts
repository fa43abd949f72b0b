/**
 * Round trip at scale (issue 12 acceptance): on a generated 20k-user tenant (devkit/gen), a plan is
 * applied through the real path (client-secret sign-in, the one Azure client, the guard's read of the
 * tenant through collect) while the emulator injects faults — random 429 / 503 / connection resets on
 * every request, and one write that keeps failing so the run stops half way — then rolled back.
 * Every object the run touched must equal its original.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateSnapshot } from '../../devkit/gen/generate.js';
import { startEmulator, type EmulatorHandle } from '../../devkit/emulator/index.js';
import { applyPlan, readAudit, readTenantForGuard, rollbackRun } from '../../src/app/apply.js';
import { openGraphSession, type GraphSession, type SessionOptions } from '../../src/app/graph-session.js';
import { evaluateSnapshot } from '../../src/evaluate.js';
import { assessActions, proposeActions } from '../../src/remediation/plan.js';
import { evaluateCoverage } from '../../src/remediation/impact.js';
import type { Plan, PlanAction } from '../../src/remediation/types.js';
import type { Snapshot } from '../../src/snapshot/types.js';

const USERS = 20_000;
const snap: Snapshot = generateSnapshot({ users: USERS, seed: 7 });
const BG = snap.users!.slice(0, 2).map((u) => u.userPrincipalName!);

let emu: EmulatorHandle;
let s: GraphSession;
let conn: SessionOptions;
beforeAll(async () => {
  emu = await startEmulator({
    snapshot: snap, port: 0, tls: true, limits: 'none',
    // Faults on every request (reads, writes, $batch items), deterministic by seed; writes 6-9 are the
    // fifth write attempted four times: the run stops there with the earlier actions applied.
    faults: { rate: 0.03, kinds: ['429', '503', 'reset'], seed: 5 }, failWrites: [6, 7, 8, 9],
  });
  conn = {
    auth: 'client-secret', tenant: emu.tenantId, clientId: emu.clientId, env: { ...process.env, AZURE_CLIENT_SECRET: emu.clientSecret },
    authorityHost: emu.authorityHost, graphEndpoint: emu.graphUrl, armEndpoint: emu.armUrl, ca: [emu.ca!], timeoutMs: 20_000,
  };
  s = await openGraphSession(conn);
}, 60_000);
afterAll(async () => {
  s?.close();
  await emu?.close();
});

/** The objects a run can touch, as the emulator holds them now. */
function objectOf(now: Snapshot, kind: string, id: string | undefined): unknown {
  switch (kind) {
    case 'createCaPolicy':
    case 'enableCaPolicy': {
      const p = (now.conditionalAccessPolicies ?? []).find((x) => x.id === id);
      if (!p) return null;
      // Graph stamps modifiedDateTime on every PATCH, rollback's too: the content is what must come back.
      const { modifiedDateTime: _m, ...rest } = p;
      return rest;
    }
    case 'setPerUserMfa': return now.authenticationRequirements?.[id!]?.perUserMfaState ?? (now.users ?? []).find((u) => u.id === id)?.perUserMfaState ?? 'disabled';
    default: return null;
  }
}

/** Per-user MFA for ordinary enabled users whose state is disabled (the generator's findings may not call for it; the write path is what is tested). */
function perUser(ev: ReturnType<typeof evaluateCoverage>): Omit<PlanAction, 'id'>[] {
  return ev.model.users.slice(100).filter((u) => u.accountEnabled !== false && ev.model.perUserMfaState(u).state === 'disabled').slice(0, 4)
    .map((u) => ({ kind: 'setPerUserMfa', target: u.id, before: { perUserMfaState: 'disabled' }, after: { perUserMfaState: 'enabled' }, because: [] }));
}

it('20k users: apply with faults injected stops half way; rollback restores every touched object exactly', async () => {
  const { findings } = evaluateSnapshot(snap);
  const before = evaluateCoverage(snap);
  // The plan's own proposals (report-only policies, the registration campaign) and per-user MFA for a few users.
  const proposed = [
    ...proposeActions(snap, findings, before, { config: { breakGlassAccounts: BG } }),
    ...perUser(before).slice(0, 4),
  ].map((a, i) => ({ id: `a${i + 1}`, ...a }) as PlanAction);
  const assessed = await assessActions(snap, proposed, { breakGlassAccounts: BG, before });
  expect(assessed.guard.passed, JSON.stringify(assessed.guard.checks)).toBe(true);
  const plan: Plan = { mfaguardPlan: 1, tenantId: snap.tenant.id, createdAt: snap.collectedAt, snapshotCollectedAt: snap.collectedAt, actions: assessed.actions, guard: assessed.guard, breakGlassAccounts: BG };
  const kinds = new Set(plan.actions.map((a) => a.kind));
  expect(kinds).toContain('createCaPolicy');
  expect(kinds).toContain('setPerUserMfa');
  expect(plan.actions.length).toBeGreaterThanOrEqual(6);

  const original = emu.currentSnapshot();
  const originalAuthMethods = (await s.api.get('/v1.0/policies/authenticationMethodsPolicy')).json as Record<string, unknown>;
  const stateDir = mkdtempSync(join(tmpdir(), 'mfaguard-roundtrip-'));
  const opts = { api: s.api, tenantId: s.tenantId, operator: s.operator, stateDir, retryDelayMs: 5 };
  const run = await applyPlan(plan, { ...opts, liveGuard: { readTenant: () => readTenantForGuard({ ...conn, credential: s.credential, tenant: s.tenantId }) } });
  expect(run.completed).toBe(false);
  const applied = run.records.filter((r) => r.result === 'applied');
  expect(applied.length).toBeGreaterThanOrEqual(2);
  expect(run.records.at(-1)!.result).toBe('failed');
  expect(emu.stats().faults.total).toBeGreaterThan(0);
  // The changes are really there before the rollback.
  const mid = emu.currentSnapshot();
  expect(applied.some((r) => JSON.stringify(objectOf(mid, r.kind, r.objectId)) !== JSON.stringify(objectOf(original, r.kind, r.objectId)))).toBe(true);

  const rb = await rollbackRun(run.runId, opts);
  expect(rb.completed, JSON.stringify(rb.records.filter((r) => r.result !== 'applied'))).toBe(true);
  expect(rb.records.filter((r) => r.result === 'applied').map((r) => r.actionId)).toEqual(applied.map((r) => r.actionId).reverse());

  const now = emu.currentSnapshot();
  for (const r of applied) {
    if (r.kind === 'registrationCampaign') {
      const live = (await s.api.get('/v1.0/policies/authenticationMethodsPolicy')).json as Record<string, unknown>;
      expect(live.registrationEnforcement, r.actionId).toEqual(originalAuthMethods.registrationEnforcement);
    } else {
      expect(objectOf(now, r.kind, r.objectId), `${r.actionId} ${r.kind} ${r.objectId}`).toEqual(objectOf(original, r.kind, r.objectId));
    }
  }
  // Nothing else changed either: the policy list is the original one, and every write is in the audit log.
  expect(now.conditionalAccessPolicies!.map((p) => p.id).sort()).toEqual(original.conditionalAccessPolicies!.map((p) => p.id).sort());
  expect(readAudit(stateDir).filter((r) => r.type === 'rollback').length).toBe(applied.length);
}, 120_000);
