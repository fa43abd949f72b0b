/**
 * apply → scan → rollback → scan against the emulator (its Graph writes validate bodies like Graph
 * and change the in-memory tenant); idempotence; a fault at action k then rollback restores exactly;
 * a response lost after the POST (the process dying before its audit record) then apply again: no
 * duplicate, and rollback removes it. Audit records hold no token.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan, listRuns, readAudit, rollbackRun, type GraphWriter } from '../../src/app/apply.js';
import { buildPlan } from '../../src/remediation/plan.js';
import { evaluateSnapshot } from '../../src/evaluate.js';
import type { ConditionalAccessPolicy, Snapshot } from '../../src/snapshot/types.js';
import type { Plan } from '../../src/remediation/types.js';
import { DEMO } from '../cli/run.js';
import { call, start } from '../emulator/helpers.js';

const demo = JSON.parse(readFileSync(DEMO, 'utf8')) as Snapshot;
const BG = ['breakglass1@northwindtraders.com', 'breakglass2@northwindtraders.com'];
type Emu = Awaited<ReturnType<typeof start>>;
let emu: Emu;
let stateDir: string;

beforeEach(async () => {
  emu = await start({ snapshot: demo });
  stateDir = mkdtempSync(join(tmpdir(), 'mfaguard-apply-'));
});
afterEach(async () => { await emu.close(); });

/** The Graph writer over the emulator; `failWrites` makes those writes (1-based) fail with a 500; `loseResponseOf` applies a write and loses its response. */
function writer(opts: { failWrites?: number[]; loseResponseOf?: number } = {}): GraphWriter & { writes: number } {
  let writes = 0;
  const go = async (method: string, path: string, body?: unknown) => {
    const isWrite = method !== 'GET';
    if (isWrite) writes++;
    if (isWrite && opts.failWrites?.includes(writes)) throw Object.assign(new Error('injected fault'), { status: 500, code: 'InternalServerError' });
    const r = await call(emu, path, { method, ...(body !== undefined ? { body } : {}) });
    if (isWrite && writes === opts.loseResponseOf) throw Object.assign(new Error('connection reset after the request was sent'), { status: 0, code: 'ECONNRESET' });
    if (r.status >= 300) throw Object.assign(new Error(r.body?.error?.message ?? r.text), { status: r.status, code: r.body?.error?.code, requestId: r.headers.get('request-id') ?? undefined });
    return { json: r.body, requestId: r.headers.get('request-id') ?? undefined };
  };
  const w = {
    get writes() { return writes; },
    get: (p: string) => go('GET', p), post: (p: string, b: unknown) => go('POST', p, b), patch: (p: string, b: unknown) => go('PATCH', p, b), delete: (p: string) => go('DELETE', p),
  };
  return w;
}

async function livePolicies(): Promise<ConditionalAccessPolicy[]> {
  return (await call(emu, '/beta/identity/conditionalAccess/policies')).body.value as ConditionalAccessPolicy[];
}
/** A scan after apply: the demo snapshot with the policies as the emulator now has them. */
async function rescan() {
  return evaluateSnapshot({ ...demo, conditionalAccessPolicies: await livePolicies() });
}
async function demoPlan(only?: string[]): Promise<Plan> {
  const { findings } = evaluateSnapshot(demo);
  return (await buildPlan(demo, findings, { config: { breakGlassAccounts: BG }, ...(only ? { only: only as never } : {}) })).plan;
}
// The guard's read of the tenant here is the emulator's own current state (test/app/apply-guard.test.ts reads it through collect).
const opts = (api: GraphWriter, extra: { writeAttempts?: number } = {}) => ({ api, tenantId: demo.tenant.id, operator: 'admin@northwindtraders.com', stateDir, retryDelayMs: 5, liveGuard: { readTenant: async () => emu.currentSnapshot() }, ...extra });
const canon = (ps: ConditionalAccessPolicy[]) => JSON.stringify([...ps].sort((a, b) => a.id.localeCompare(b.id)));

describe('apply and rollback on the emulator', () => {
  it('apply → scan sees the policies → apply again changes nothing → rollback → scan as before', async () => {
    const before = await livePolicies();
    const plan = await demoPlan(['createCaPolicy']);
    expect(plan.actions.length).toBeGreaterThan(1);
    const run = await applyPlan(plan, opts(writer()));
    expect(run.completed).toBe(true);
    expect(run.records.map((r) => r.result)).toEqual(plan.actions.map(() => 'applied'));
    for (const r of run.records) expect(r.requestId).toBeTruthy();
    const after = await livePolicies();
    expect(after.length).toBe(before.length + plan.actions.length);
    // the scan after apply sees the report-only policies
    const ev = await rescan();
    const created = after.filter((p) => !before.some((b) => b.id === p.id));
    expect(created.every((p) => p.state === 'enabledForReportingButNotEnforced')).toBe(true);
    expect([...ev.coverage.values()].some((c) => c.anyApp.policies.some((id) => created.some((p) => p.id === id)))).toBe(true);

    const again = await applyPlan(plan, opts(writer()));
    expect(again.records.map((r) => r.result)).toEqual(plan.actions.map(() => 'unchanged'));
    expect((await livePolicies()).length).toBe(after.length);

    const rb = await rollbackRun(run.runId, opts(writer()));
    expect(rb.completed).toBe(true);
    expect(rb.records.map((r) => r.actionId)).toEqual(plan.actions.map((a) => a.id).reverse());
    expect(canon(await livePolicies())).toBe(canon(before));
    expect(listRuns(stateDir).map((r) => r.type)).toEqual(['apply', 'apply', 'rollback']);
  });

  it('per-user MFA: applied, drift-checked, rolled back', async () => {
    const plan = await demoPlan(['setPerUserMfa']);
    const target = plan.actions[0]!.target;
    const read = async () => (await call(emu, `/beta/users/${target}/authentication/requirements`)).body.perUserMfaState;
    const was = await read();
    const run = await applyPlan({ ...plan, actions: plan.actions.slice(0, 3) }, opts(writer()));
    expect(run.completed).toBe(true);
    expect(['enabled', 'enforced']).toContain(await read());
    await rollbackRun(run.runId, opts(writer()));
    expect(await read()).toBe(was);
  });

  it('registration campaign: PATCH accepted by the emulator\'s Graph validation, visible to GET, rolled back; a bad body is Graph\'s 400', async () => {
    const plan = await demoPlan(['registrationCampaign']);
    expect(plan.actions.map((a) => a.kind)).toEqual(['registrationCampaign']);
    const read = async () => (await call(emu, '/v1.0/policies/authenticationMethodsPolicy')).body.registrationEnforcement;
    const was = await read();
    const run = await applyPlan(plan, opts(writer()));
    expect(run.records.map((r) => r.result)).toEqual(['applied']);
    expect((await read()).authenticationMethodsRegistrationCampaign.state).toBe('enabled');
    expect((await applyPlan(plan, opts(writer()))).records.map((r) => r.result)).toEqual(['unchanged']);
    await rollbackRun(run.runId, opts(writer()));
    expect(await read()).toEqual(was);
    const badBody = await call(emu, '/v1.0/policies/authenticationMethodsPolicy', { method: 'PATCH', body: { registrationEnforcement: { authenticationMethodsRegistrationCampaign: { state: 'on' } } } });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.code).toBe('BadRequest');
    const unknown = await call(emu, '/v1.0/policies/authenticationMethodsPolicy', { method: 'PATCH', body: { registrationCampaign: {} } });
    expect(unknown.status).toBe(400);
  });

  it('a transient fault at action k is retried: the run completes without a duplicate', async () => {
    const before = await livePolicies();
    const plan = await demoPlan(['createCaPolicy']);
    const run = await applyPlan(plan, opts(writer({ failWrites: [2] })));
    expect(run.completed).toBe(true);
    const after = await livePolicies();
    expect(after.length).toBe(before.length + plan.actions.length);
    await rollbackRun(run.runId, opts(writer({ failWrites: [1] })));
    expect(canon(await livePolicies())).toBe(canon(before));
  });

  it('a fault at action k that outlasts the retries stops the run there; rollback restores exactly', async () => {
    const before = await livePolicies();
    const plan = await demoPlan(['createCaPolicy']);
    const run = await applyPlan(plan, opts(writer({ failWrites: [3, 4, 5, 6] })));
    expect(run.completed).toBe(false);
    expect(run.records.map((r) => r.result)).toEqual(['applied', 'applied', 'failed']);
    expect((await livePolicies()).length).toBe(before.length + 2);
    const rb = await rollbackRun(run.runId, opts(writer()));
    expect(rb.completed).toBe(true);
    expect(canon(await livePolicies())).toBe(canon(before));
  });

  it('a lost response is retried by looking for the policy first: no duplicate in the same run', async () => {
    const before = await livePolicies();
    const plan = await demoPlan(['createCaPolicy']);
    const run = await applyPlan(plan, opts(writer({ loseResponseOf: 2 })));
    expect(run.records.map((r) => r.result)).toEqual(plan.actions.map(() => 'applied'));
    expect((await livePolicies()).length).toBe(before.length + plan.actions.length);
  });

  it('a run that dies between a POST and its audit record: apply again creates no duplicate; its rollback removes the policy', async () => {
    const before = await livePolicies();
    const plan = await demoPlan(['createCaPolicy']);
    const first = await applyPlan(plan, opts(writer({ loseResponseOf: 2 }), { writeAttempts: 1 }));
    expect(first.records.map((r) => r.result)).toEqual(['applied', 'failed']);
    const second = await applyPlan(plan, opts(writer()));
    expect(second.records.map((r) => r.result)).toEqual(['unchanged', 'applied', ...plan.actions.slice(2).map(() => 'applied')]);
    expect(second.records[1]!.message).toMatch(/adopted/);
    const after = await livePolicies();
    expect(after.length).toBe(before.length + plan.actions.length);
    expect(new Set(after.map((p) => p.displayName)).size).toBe(after.length);
    await rollbackRun(second.runId, opts(writer()));
    await rollbackRun(first.runId, opts(writer()));
    expect(canon(await livePolicies())).toBe(canon(before));
  });

  it('enableCaPolicy: the live policy matches the plan\'s before (no false drift), is enabled, and rolled back', async () => {
    const plan = await demoPlan(['enableCaPolicy']);
    const enable = plan.actions[0]!;
    const run = await applyPlan({ ...plan, actions: [{ ...enable, withheld: undefined } as never] }, opts(writer()));
    expect(run.records.map((r) => r.result), run.records[0]!.message).toEqual(['applied']);
    expect((await call(emu, `/v1.0/identity/conditionalAccess/policies/${enable.target}`)).body.state).toBe('enabled');
    await rollbackRun(run.runId, opts(writer()));
    expect((await call(emu, `/v1.0/identity/conditionalAccess/policies/${enable.target}`)).body.state).toBe('enabledForReportingButNotEnforced');
  });

  it('drift: a policy changed since the plan stops the run before that action', async () => {
    const plan = await demoPlan(['enableCaPolicy']);
    const enable = plan.actions[0]!;
    const runnable: Plan = { ...plan, actions: [{ ...enable, withheld: undefined } as never] };
    await call(emu, `/v1.0/identity/conditionalAccess/policies/${enable.target}`, { method: 'PATCH', body: { displayName: 'changed by someone else' } });
    const run = await applyPlan(runnable, opts(writer()));
    expect(run.completed).toBe(false);
    expect(run.records[0]!.result).toBe('drift');
  });

  it('refuses another tenant and a plan whose guard failed; audit records carry no token', async () => {
    const plan = await demoPlan(['createCaPolicy']);
    await expect(applyPlan(plan, { ...opts(writer()), tenantId: '00000000-0000-0000-0000-000000000001' })).rejects.toThrow(/for tenant/);
    await expect(applyPlan({ ...plan, guard: { passed: false, checks: [{ id: 'breakglass-untouched', passed: false, detail: 'x' }] } }, opts(writer()))).rejects.toThrow(/breakglass-untouched/);
    await applyPlan(plan, opts(writer()));
    const text = readFileSync(join(stateDir, 'audit.jsonl'), 'utf8');
    expect(text).not.toContain(emu.graphToken);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./); // no JWT of any kind
    expect(readAudit(stateDir).every((r) => r.operator === 'admin@northwindtraders.com')).toBe(true);
  });
});
