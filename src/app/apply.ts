/**
 * Apply, rollback and runs (spec/remediation.md "Apply, audit, rollback"). The plan's actions are
 * executed through a Graph writer (the one Azure client satisfies it), each after re-reading the live
 * object and comparing it with the plan's `before` (drift stops the run before that action), each
 * followed by an audit record appended and fsync'd before the next action. A created policy carries
 * a marker in its description, so a run killed between the POST and its audit record does not create
 * it again: the next apply finds it and says it was already applied.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { InputError } from '../errors.js';
import { marker, MARKER_PREFIX } from '../remediation/templates.js';
import { recheckGuard } from '../remediation/plan.js';
import type { GuardCheck, Plan, PlanAction } from '../remediation/types.js';
import type { Snapshot } from '../snapshot/types.js';
import type { CollectOptions } from '../collect/collect.js';
import { collect } from './collect.js';
import { makeTempDir } from './output.js';
import { loadSnapshotFrom } from './source.js';

/** What apply needs of a Graph client (AzureClient has this shape). URLs are relative to the Graph root, e.g. `/v1.0/...`. */
export interface GraphWriter {
  get(path: string): Promise<{ json: unknown; requestId?: string }>;
  post(path: string, body: unknown): Promise<{ json: unknown; requestId?: string }>;
  patch(path: string, body: unknown, ifMatch?: string): Promise<{ json: unknown; requestId?: string }>;
  delete(path: string): Promise<{ json: unknown; requestId?: string }>;
}

export type ActionResult = 'applied' | 'unchanged' | 'drift' | 'failed' | 'skipped';

export interface AuditRecord {
  runId: string;
  /** `apply` or `rollback` (of `rollbackOf`). */
  type: 'apply' | 'rollback';
  rollbackOf?: string;
  time: string;
  operator: string;
  tenantId: string;
  actionId: string;
  kind: string;
  target: string;
  /** The live object before the write (what rollback restores). */
  before: unknown;
  after: unknown;
  /** The object written (a created policy's id). */
  objectId?: string;
  requestId?: string;
  result: ActionResult;
  message?: string;
}

export interface RunOptions {
  api: GraphWriter;
  /** The tenant the writer is signed in to (from the token or GET /organization). */
  tenantId: string;
  /** Who is applying: from the token's claims (upn / app id), never the token. */
  operator: string;
  /** Where the append-only audit log lives (`audit.jsonl`). */
  stateDir: string;
  /** Also append every record here (JSON lines, for a SIEM). */
  auditLog?: string;
  now?: () => string;
  /** Test hook: called after each write, before its audit record (a crash here is a kill -9 between POST and audit). */
  afterWrite?: (action: PlanAction) => void;
  /** Attempts per write on 429 / 5xx / no response (default 4), and the first back-off (default 1 s, doubling). */
  writeAttempts?: number;
  retryDelayMs?: number;
}

const transient = (err: unknown) => {
  const status = (err as { status?: number }).status;
  return status === undefined || status === 0 || status === 429 || status >= 500;
};

/**
 * A write retried on 429 / 5xx / no response, like collection. The client itself repeats only writes
 * that cannot apply twice; here every retry is safe: a PATCH sets the same values again, and before a
 * POST is repeated `alreadyDone` looks for the policy by its marker (the first attempt may have
 * created it before the response was lost).
 */
async function retried<T>(opts: RunOptions, write: () => Promise<T>, alreadyDone?: () => Promise<T | undefined>): Promise<T> {
  const attempts = Math.max(1, opts.writeAttempts ?? 4);
  for (let i = 1; ; i++) {
    try {
      return await write();
    } catch (err) {
      if (i >= attempts || !transient(err)) throw err;
      await new Promise((r) => setTimeout(r, (opts.retryDelayMs ?? 1000) * 2 ** (i - 1)));
      const done = await alreadyDone?.();
      if (done !== undefined) return done;
    }
  }
}

/**
 * The lock-out guard of apply (spec/remediation.md: "plan and apply both refuse … the tenant may have
 * changed between them"): before the first write the tenant is read again and every guard check is
 * run on the plan's actions applied to it.
 */
export interface LiveGuardOptions {
  /** Reads the tenant as it is now (the CLI: `readTenantForGuard`, a collection into a temporary snapshot). */
  readTenant: () => Promise<Snapshot>;
  /** Break-glass accounts of the operator's configuration (`--config`, `--break-glass`); the plan's own are added. */
  breakGlassAccounts?: readonly string[];
  /** Action ids whose blocked sign-ins are accepted; the plan's `acceptedImpact` are added. */
  acceptImpact?: readonly string[];
}

export interface ApplyOptions extends RunOptions {
  /** Required: there is no apply without the guard on the current tenant. */
  liveGuard: LiveGuardOptions;
}

/** Collections the guard does not read: Azure, sign-ins, authentication methods. Everything else (users, groups, roles, registration, policies, security defaults…) is read. */
const GUARD_SKIP = ['azure', 'signIns', 'authenticationMethods'];

/** The tenant as it is now, for the guard: a read-only collection into a temporary snapshot, removed afterwards. */
export async function readTenantForGuard(opts: Omit<CollectOptions, 'out'>): Promise<Snapshot> {
  const tmp = await makeTempDir('mfaguard-guard-');
  try {
    const result = await collect({
      ...opts, out: tmp.path, resume: false, skip: [...new Set([...(opts.skip ?? []), ...GUARD_SKIP])], signIns: 'off', authMethodsFor: 'none',
      quiet: true, logSink: opts.logSink ?? { write: () => undefined },
    });
    // Without these the guard cannot be answered: refuse rather than check a partial tenant.
    if (result.missingRequired.length) throw new InputError(`the lock-out guard cannot read the tenant as it is now: ${result.missingRequired.join(', ')} unavailable; nothing was applied`);
    return (await loadSnapshotFrom({ path: tmp.path })).snapshot;
  } finally {
    await tmp.remove();
  }
}

export interface RunResult {
  runId: string;
  records: AuditRecord[];
  /** False when an action drifted or failed (the run stopped there). */
  completed: boolean;
}

const AUDIT_FILE = 'audit.jsonl';
const POLICIES = '/v1.0/identity/conditionalAccess/policies';
const SECURITY_DEFAULTS = '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy';
const AUTH_METHODS_POLICY = '/v1.0/policies/authenticationMethodsPolicy';
const requirements = (userId: string) => `/beta/users/${encodeURIComponent(userId)}/authentication/requirements`;

/** Appends one JSON line and fsyncs it before returning: the record is on disk before the next action. */
function appendDurably(file: string, record: AuditRecord): void {
  const fd = openSync(file, 'a');
  try {
    writeSync(fd, JSON.stringify(record) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function readAudit(stateDir: string): AuditRecord[] {
  const file = join(stateDir, AUDIT_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l, i) => {
    try {
      return JSON.parse(l) as AuditRecord;
    } catch {
      throw new InputError('not a JSON line', file, i + 1);
    }
  });
}

class Audit {
  readonly records: AuditRecord[] = [];
  constructor(private readonly opts: RunOptions) {
    mkdirSync(opts.stateDir, { recursive: true });
  }
  write(r: AuditRecord) {
    this.records.push(r);
    appendDurably(join(this.opts.stateDir, AUDIT_FILE), r);
    if (this.opts.auditLog) appendDurably(this.opts.auditLog, r);
  }
}

const pick = (o: unknown, keys: string[]): Record<string, unknown> => Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown> | null)?.[k] ?? null]));
/** Key order and empty-vs-missing lists differ between Graph versions and tools: compare canonical forms. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x === null || x === undefined || (Array.isArray(x) && x.length === 0) || k.startsWith('@odata.')) continue;
      out[k] = canonical(x);
    }
    return out;
  }
  return v;
}
const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

async function findCreated(api: GraphWriter, action: PlanAction): Promise<Record<string, unknown> | undefined> {
  const list = ((await api.get(POLICIES)).json as { value?: Record<string, unknown>[] }).value ?? [];
  const tag = action.template ? marker(action.template) : undefined;
  return list.find((p) => p.displayName === action.after.displayName && (tag ? String(p.description ?? '').includes(tag) : String(p.description ?? '').includes(MARKER_PREFIX)));
}

/**
 * Executes the plan's actions in order. Refuses (GuardRefusal, nothing written) a plan for another
 * tenant, one whose guard failed when it was made, and one whose guard fails on the tenant as it is
 * now (`liveGuard`).
 */
export async function applyPlan(plan: Plan, opts: ApplyOptions): Promise<RunResult> {
  if (plan.mfaguardPlan !== 1 || !Array.isArray(plan.actions)) throw new InputError('not an mfaguard plan (mfaguardPlan: 1)');
  if (plan.tenantId.toLowerCase() !== opts.tenantId.toLowerCase()) throw new InputError(`the plan is for tenant ${plan.tenantId}, but the credentials are for ${opts.tenantId}`);
  if (!plan.guard?.passed) throw new GuardRefusal((plan.guard?.checks ?? []).filter((c) => !c.passed), 'when the plan was made');
  if (!opts.liveGuard?.readTenant) throw new InputError('apply needs the lock-out guard on the current tenant (liveGuard.readTenant)');
  const current = await opts.liveGuard.readTenant();
  if (current.tenant.id.toLowerCase() !== plan.tenantId.toLowerCase()) throw new InputError(`the tenant read for the guard is ${current.tenant.id}, not the plan's ${plan.tenantId}`);
  const liveGuard = recheckGuard(current, plan.actions, {
    breakGlassAccounts: [...new Set([...(plan.breakGlassAccounts ?? []), ...(opts.liveGuard.breakGlassAccounts ?? [])])],
    acceptImpact: [...(plan.acceptedImpact ?? []), ...(opts.liveGuard.acceptImpact ?? [])],
  });
  if (!liveGuard.passed) throw new GuardRefusal(liveGuard.checks.filter((c) => !c.passed), 'on the tenant as it is now');
  const runId = `run-${(opts.now?.() ?? new Date().toISOString()).replace(/[:.]/g, '')}-${randomUUID().slice(0, 8)}`;
  const audit = new Audit(opts);
  const api = opts.api;
  const base = (a: PlanAction) => ({ runId, type: 'apply' as const, time: opts.now?.() ?? new Date().toISOString(), operator: opts.operator, tenantId: opts.tenantId, actionId: a.id, kind: a.kind, target: a.target });
  for (const a of plan.actions) {
    if (a.withheld) { audit.write({ ...base(a), before: a.before, after: a.after, result: 'skipped', message: `withheld: ${a.withheld}` }); continue; }
    try {
      switch (a.kind) {
        case 'createCaPolicy': {
          const existing = await findCreated(api, a);
          if (existing) {
            // Created by an earlier run that recorded it: nothing to do. Created by a run that died before its
            // audit record: adopt it (recorded as applied, so this run's rollback removes it).
            const known = readAudit(opts.stateDir).some((r) => r.result === 'applied' && r.kind === 'createCaPolicy' && r.type === 'apply' && String(r.objectId).toLowerCase() === String(existing.id).toLowerCase());
            audit.write({ ...base(a), before: null, after: existing, objectId: String(existing.id), result: known ? 'unchanged' : 'applied',
              message: known ? 'already applied: the policy with this name and mfaguard marker exists' : 'adopted: created by an interrupted run (found by its name and mfaguard marker), not created again' });
            break;
          }
          const res = await retried(opts, () => api.post(POLICIES, a.after), async () => {
            const found = await findCreated(api, a);
            return found ? { json: found } : undefined;
          });
          opts.afterWrite?.(a);
          const created = res.json as Record<string, unknown>;
          audit.write({ ...base(a), before: null, after: created, objectId: String(created.id), ...(res.requestId ? { requestId: res.requestId } : {}), result: 'applied' });
          break;
        }
        case 'enableCaPolicy':
        case 'updateCaPolicy': {
          const live = (await api.get(`${POLICIES}/${encodeURIComponent(a.target)}`)).json as Record<string, unknown>;
          const keys = Object.keys(a.after);
          if (same(pick(live, keys), pick(a.after, keys))) { audit.write({ ...base(a), before: live, after: live, objectId: a.target, result: 'unchanged', message: 'already applied' }); break; }
          const b = a.before as Record<string, unknown> | null;
          if (!b || live.modifiedDateTime !== b.modifiedDateTime || !same(pick(live, ['state', 'conditions', 'grantControls']), pick(b, ['state', 'conditions', 'grantControls']))) {
            audit.write({ ...base(a), before: live, after: a.after, objectId: a.target, result: 'drift', message: `policy ${a.target} changed since the plan (modifiedDateTime ${String(live.modifiedDateTime)}, plan had ${String(b?.modifiedDateTime)})` });
            return { runId, records: audit.records, completed: false };
          }
          const res = await retried(opts, () => api.patch(`${POLICIES}/${encodeURIComponent(a.target)}`, a.after));
          opts.afterWrite?.(a);
          audit.write({ ...base(a), before: pick(live, keys), after: a.after, objectId: a.target, ...(res.requestId ? { requestId: res.requestId } : {}), result: 'applied' });
          break;
        }
        case 'setPerUserMfa': {
          const live = (await api.get(requirements(a.target))).json as Record<string, unknown>;
          if (live.perUserMfaState === a.after.perUserMfaState || (a.after.perUserMfaState === 'enabled' && live.perUserMfaState === 'enforced')) {
            audit.write({ ...base(a), before: pick(live, ['perUserMfaState']), after: pick(live, ['perUserMfaState']), objectId: a.target, result: 'unchanged', message: 'already applied' }); break;
          }
          if (a.before && live.perUserMfaState !== (a.before as Record<string, unknown>).perUserMfaState) {
            audit.write({ ...base(a), before: pick(live, ['perUserMfaState']), after: a.after, objectId: a.target, result: 'drift', message: `per-user MFA of ${a.target} is ${String(live.perUserMfaState)}, the plan saw ${String((a.before as Record<string, unknown>).perUserMfaState)}` });
            return { runId, records: audit.records, completed: false };
          }
          const res = await retried(opts, () => api.patch(requirements(a.target), a.after));
          opts.afterWrite?.(a);
          audit.write({ ...base(a), before: pick(live, ['perUserMfaState']), after: a.after, objectId: a.target, ...(res.requestId ? { requestId: res.requestId } : {}), result: 'applied' });
          break;
        }
        case 'enableSecurityDefaults': {
          const live = (await api.get(SECURITY_DEFAULTS)).json as Record<string, unknown>;
          if (live.isEnabled === true) { audit.write({ ...base(a), before: { isEnabled: true }, after: { isEnabled: true }, result: 'unchanged', message: 'already applied' }); break; }
          const res = await retried(opts, () => api.patch(SECURITY_DEFAULTS, { isEnabled: true }));
          opts.afterWrite?.(a);
          audit.write({ ...base(a), before: { isEnabled: live.isEnabled }, after: { isEnabled: true }, ...(res.requestId ? { requestId: res.requestId } : {}), result: 'applied' });
          break;
        }
        case 'registrationCampaign': {
          // The snapshot does not hold this policy, so there is no plan-time `before` to drift from: the live value is recorded for rollback.
          const live = (await api.get(AUTH_METHODS_POLICY)).json as Record<string, unknown>;
          if (same(pick(live, ['registrationEnforcement']), pick(a.after, ['registrationEnforcement']))) { audit.write({ ...base(a), before: pick(live, ['registrationEnforcement']), after: a.after, result: 'unchanged', message: 'already applied' }); break; }
          const res = await retried(opts, () => api.patch(AUTH_METHODS_POLICY, a.after));
          opts.afterWrite?.(a);
          audit.write({ ...base(a), before: pick(live, ['registrationEnforcement']), after: a.after, ...(res.requestId ? { requestId: res.requestId } : {}), result: 'applied' });
          break;
        }
      }
    } catch (err) {
      const e = err as { message?: string; requestId?: string; status?: number; code?: string };
      audit.write({ ...base(a), before: a.before, after: a.after, result: 'failed', ...(e.requestId ? { requestId: e.requestId } : {}), message: `${e.status ?? ''} ${e.code ?? ''} ${e.message ?? String(err)}`.trim() });
      return { runId, records: audit.records, completed: false };
    }
  }
  return { runId, records: audit.records, completed: true };
}

/** Apply refused by the lock-out guard (exit 4): nothing was written. `checks` are the failed check ids. */
export class GuardRefusal extends Error {
  readonly checks: string[];
  constructor(readonly failed: GuardCheck[], when: string) {
    super(`lock-out guard failed ${when} (${failed.map((c) => c.id).join(', ')}): nothing was applied; ${failed.map((c) => `${c.id}: ${c.detail}`).join('; ')}`);
    this.checks = failed.map((c) => c.id);
  }
}

/** Restores every object the run changed to its `before`, in reverse order, with a drift check and its own audit records. */
export async function rollbackRun(runId: string, opts: RunOptions): Promise<RunResult> {
  const all = readAudit(opts.stateDir);
  const applied = all.filter((r) => r.runId === runId && r.type === 'apply' && r.result === 'applied');
  if (!all.some((r) => r.runId === runId)) throw new InputError(`no run ${runId} in ${join(opts.stateDir, AUDIT_FILE)}`);
  const already = new Set(all.filter((r) => r.type === 'rollback' && r.rollbackOf === runId && (r.result === 'applied' || r.result === 'unchanged')).map((r) => r.actionId));
  const rbId = `rollback-${(opts.now?.() ?? new Date().toISOString()).replace(/[:.]/g, '')}-${randomUUID().slice(0, 8)}`;
  const audit = new Audit(opts);
  const api = opts.api;
  for (const r of [...applied].reverse()) {
    if (already.has(r.actionId)) continue;
    const base = { runId: rbId, type: 'rollback' as const, rollbackOf: runId, time: opts.now?.() ?? new Date().toISOString(), operator: opts.operator, tenantId: opts.tenantId, actionId: r.actionId, kind: r.kind, target: r.target };
    try {
      switch (r.kind) {
        case 'createCaPolicy': {
          const path = `${POLICIES}/${encodeURIComponent(r.objectId!)}`;
          let live: Record<string, unknown>;
          try {
            live = (await api.get(path)).json as Record<string, unknown>;
          } catch (err) {
            if ((err as { status?: number }).status === 404) { audit.write({ ...base, before: null, after: null, objectId: r.objectId!, result: 'unchanged', message: 'already deleted' }); continue; }
            throw err;
          }
          const created = r.after as Record<string, unknown>;
          if (live.modifiedDateTime !== created.modifiedDateTime) {
            audit.write({ ...base, before: live, after: null, objectId: r.objectId!, result: 'drift', message: `policy ${r.objectId} was modified after it was created (${String(live.modifiedDateTime)})` });
            return { runId: rbId, records: audit.records, completed: false };
          }
          const res = await retried(opts, () => api.delete(path), async () => {
            // A DELETE whose response was lost may have deleted it: 404 now means done.
            try {
              await api.get(path);
              return undefined;
            } catch (err) {
              if ((err as { status?: number }).status === 404) return { json: null };
              throw err;
            }
          });
          audit.write({ ...base, before: live, after: null, objectId: r.objectId!, ...(res.requestId ? { requestId: res.requestId } : {}), result: 'applied' });
          break;
        }
        case 'enableCaPolicy':
        case 'updateCaPolicy': {
          const path = `${POLICIES}/${encodeURIComponent(r.target)}`;
          const live = (await api.get(path)).json as Record<string, unknown>;
          const keys = Object.keys(r.after as object);
          if (!same(pick(live, keys), pick(r.after, keys))) {
            audit.write({ ...base, before: live, after: r.before, objectId: r.target, result: 'drift', message: `policy ${r.target} changed after the run` });
            return { runId: rbId, records: audit.records, completed: false };
          }
          const res = await retried(opts, () => api.patch(path, r.before));
          audit.write({ ...base, before: pick(live, keys), after: r.before, objectId: r.target, ...(res.requestId ? { requestId: res.requestId } : {}), result: 'applied' });
          break;
        }
        case 'setPerUserMfa': {
          const live = (await api.get(requirements(r.target))).json as Record<string, unknown>;
          const after = (r.after as Record<string, unknown>).perUserMfaState;
          if (live.perUserMfaState !== after && !(after === 'enabled' && live.perUserMfaState === 'enforced')) {
            audit.write({ ...base, before: pick(live, ['perUserMfaState']), after: r.before, objectId: r.target, result: 'drift', message: `per-user MFA of ${r.target} changed after the run` });
            return { runId: rbId, records: audit.records, completed: false };
          }
          const res = await retried(opts, () => api.patch(requirements(r.target), r.before));
          audit.write({ ...base, before: pick(live, ['perUserMfaState']), after: r.before, objectId: r.target, ...(res.requestId ? { requestId: res.requestId } : {}), result: 'applied' });
          break;
        }
        case 'registrationCampaign': {
          const live = (await api.get(AUTH_METHODS_POLICY)).json as Record<string, unknown>;
          if (!same(pick(live, ['registrationEnforcement']), pick(r.after, ['registrationEnforcement']))) {
            audit.write({ ...base, before: pick(live, ['registrationEnforcement']), after: r.before, result: 'drift', message: 'the registration campaign changed after the run' });
            return { runId: rbId, records: audit.records, completed: false };
          }
          const res = await retried(opts, () => api.patch(AUTH_METHODS_POLICY, r.before));
          audit.write({ ...base, before: pick(live, ['registrationEnforcement']), after: r.before, ...(res.requestId ? { requestId: res.requestId } : {}), result: 'applied' });
          break;
        }
        case 'enableSecurityDefaults': {
          const live = (await api.get(SECURITY_DEFAULTS)).json as Record<string, unknown>;
          if (live.isEnabled !== true) {
            audit.write({ ...base, before: { isEnabled: live.isEnabled }, after: r.before, result: 'drift', message: 'security defaults were turned off after the run' });
            return { runId: rbId, records: audit.records, completed: false };
          }
          const res = await retried(opts, () => api.patch(SECURITY_DEFAULTS, r.before));
          audit.write({ ...base, before: { isEnabled: true }, after: r.before, ...(res.requestId ? { requestId: res.requestId } : {}), result: 'applied' });
          break;
        }
      }
    } catch (err) {
      const e = err as { message?: string; requestId?: string; status?: number; code?: string };
      audit.write({ ...base, before: r.after, after: r.before, result: 'failed', ...(e.requestId ? { requestId: e.requestId } : {}), message: `${e.status ?? ''} ${e.code ?? ''} ${e.message ?? String(err)}`.trim() });
      return { runId: rbId, records: audit.records, completed: false };
    }
  }
  return { runId: rbId, records: audit.records, completed: true };
}

export interface RunSummary {
  runId: string;
  type: 'apply' | 'rollback';
  rollbackOf?: string;
  started: string;
  operator: string;
  tenantId: string;
  actions: number;
  results: Partial<Record<ActionResult, number>>;
}

/** Apply and rollback runs in the audit log, oldest first. */
export function listRuns(stateDir: string): RunSummary[] {
  const runs = new Map<string, RunSummary>();
  for (const r of readAudit(stateDir)) {
    let s = runs.get(r.runId);
    if (!s) runs.set(r.runId, (s = { runId: r.runId, type: r.type, ...(r.rollbackOf ? { rollbackOf: r.rollbackOf } : {}), started: r.time, operator: r.operator, tenantId: r.tenantId, actions: 0, results: {} }));
    s.actions++;
    s.results[r.result] = (s.results[r.result] ?? 0) + 1;
  }
  return [...runs.values()];
}
