/**
 * Per-object reads (`/groups/{id}/members`, `/users/{id}/authentication/requirements`, ...) through
 * `$batch`, 20 per batch, many batches in flight. Inner 429s pause the family for their Retry-After
 * and only those items are sent again; 404 means the object went away meanwhile and is skipped; any
 * other 4xx makes the whole collection unavailable (a partial map would read as "no members").
 * Each finished object is one `{"key","value"}` line, so a resume skips the ids already written.
 */
import { ApiError, errorInfo } from '../azure/client.js';
import { backoffMs, retryAfterMs, sleep } from '../azure/rate-budget.js';
import type { GraphVersion } from '../collections/descriptor.js';
import { Unavailable, type RunContext } from './context.js';
import type { CollectionStatus } from './log.js';

const BATCH_MAX = 20;

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

export async function collectPerObject(ctx: RunContext, key: string, st: CollectionStatus, spec: {
  version: GraphVersion;
  ids: string[];
  path: (id: string) => string;
  cost: number;
  /** Paged list (`value` + nextLink) or a single object (its body minus `@odata.*`). */
  shape: 'list' | 'object';
  batch: boolean;
}): Promise<number> {
  const { client, stage, logger } = ctx;
  const w = await stage.writer(key, 'map');
  const family = client.families.directory;
  try {
    const have = new Set<string>();
    if (w.bytes > 0) {
      for await (const line of stage.lines(key)) {
        const m = /^\{"key":"([^"]*)"/.exec(line);
        if (m) have.add(m[1]!);
      }
      w.count = have.size;
    }
    st.total = spec.ids.length;
    st.items = have.size;
    interface Task { id: string; url: string; acc: unknown[]; attempts: number; notBefore: number }
    const queue: Task[] = spec.ids.filter((id) => !have.has(id)).map((id) => ({ id, url: spec.path(id), acc: [], attempts: 0, notBefore: 0 }));
    let inFlight = 0;
    let failure: Unavailable | undefined;
    let wake: (() => void) | undefined;
    const notify = () => { const f = wake; wake = undefined; f?.(); };
    const prefix = `${client.endpoints.graph}/${spec.version}`;
    const relative = (link: string): string | undefined => {
      const abs = client.rebase(link, 'directory');
      return abs.startsWith(prefix + '/') ? abs.slice(prefix.length) : undefined;
    };
    const complete = (t: Task, value: unknown) => {
      w.append([JSON.stringify({ key: t.id, value })]);
      st.items = w.count;
    };
    /** One inner response: returns true when the task is finished. */
    const settle = (t: Task, status: number, headers: Record<string, string> | undefined, body: unknown): void => {
      if (status >= 200 && status < 300) {
        const b = (body ?? {}) as Record<string, unknown>;
        if (spec.shape === 'object') {
          const v: Record<string, unknown> = {};
          for (const [k, val] of Object.entries(b)) if (!k.startsWith('@odata.')) v[k] = val;
          return complete(t, v);
        }
        if (Array.isArray(b.value)) t.acc.push(...(b.value as unknown[]));
        const next = b['@odata.nextLink'];
        if (typeof next === 'string') {
          t.url = relative(next) ?? next;
          t.attempts = 0;
          queue.unshift(t);
          return;
        }
        return complete(t, t.acc);
      }
      if (status === 404) return; // deleted meanwhile
      if (status === 429 || status >= 500 || status === 408 || status === 0) {
        t.attempts++;
        if (t.attempts >= client.maxAttempts) {
          failure ??= new Unavailable({ status, code: status === 429 ? 'TooManyRequests' : errorInfo(status, body).code, message: `gave up on ${spec.path(t.id).split('?')[0]} after ${t.attempts} attempts` }, false);
          return;
        }
        const ra = retryAfterMs(headers);
        if (status === 429) {
          const wait = ra !== undefined ? ra + Math.round(Math.random() * 250) : backoffMs(t.attempts, family.limits.backoffBaseMs);
          family.pause(wait, `429 inside $batch${ra !== undefined ? '' : ' (no Retry-After)'}`);
          t.notBefore = Date.now() + wait;
        } else t.notBefore = Date.now() + (ra ?? backoffMs(t.attempts, 500));
        client.retries++;
        logger.log({
          level: 'info', event: 'retry', collection: key, family: 'directory', attempt: t.attempts, reason: `${status || 'no response'} for a $batch item`, waitMs: Math.max(0, t.notBefore - Date.now()),
          ...(ctx.verbose ? { message: `retry ${t.attempts} after ${status || 'no response'} for ${spec.path(t.id).split('?')[0]}` } : {}),
        });
        queue.push(t);
        return;
      }
      const { code, message } = errorInfo(status, body);
      failure ??= new Unavailable({ status, code, message: `${message} (${spec.path(t.id).split('?')[0]})` }, true);
    };

    const takeReady = (n: number): Task[] => {
      const now = Date.now();
      const out: Task[] = [];
      for (let i = 0; i < queue.length && out.length < n; ) {
        if (queue[i]!.notBefore <= now) out.push(...queue.splice(i, 1));
        else i++;
      }
      return out;
    };

    const worker = async () => {
      for (;;) {
        if (failure || ctx.signal?.aborted) return;
        const tasks = takeReady(spec.batch ? BATCH_MAX : 1);
        if (!tasks.length) {
          if (!queue.length && inFlight === 0) return;
          const soonest = queue.length ? Math.min(...queue.map((t) => t.notBefore)) - Date.now() : Infinity;
          await Promise.race([new Promise<void>((r) => { const prev = wake; wake = () => { prev?.(); r(); }; }), sleep(Math.max(5, Math.min(soonest, 1000)))]);
          continue;
        }
        inFlight++;
        try {
          if (!spec.batch) {
            const t = tasks[0]!;
            const url = t.url.startsWith('/') ? `${prefix}${t.url}` : client.rebase(t.url, 'directory');
            const res = await client.call({ url, cost: spec.cost });
            settle(t, res.status, res.headers as Record<string, string>, res.json);
          } else {
            const requests = tasks.map((t, i) => ({ id: String(i + 1), method: 'GET', url: t.url }));
            const res = await client.call({ method: 'POST', readOnly: true, url: `${prefix}/$batch`, body: { requests }, cost: spec.cost * tasks.length });
            if (res.status !== 200) {
              const { code, message } = errorInfo(res.status, res.json);
              if (res.status === 401 || res.status === 403) failure ??= new Unavailable({ status: res.status, code, message }, true);
              else for (const t of tasks) settle(t, res.status, res.headers as Record<string, string>, res.json);
            } else {
              const responses = ((res.json as { responses?: unknown[] } | undefined)?.responses ?? []) as { id?: string; status?: number; headers?: Record<string, string>; body?: unknown }[];
              const byId = new Map(responses.map((r) => [String(r.id), r]));
              tasks.forEach((t, i) => {
                const r = byId.get(String(i + 1));
                if (!r) settle(t, 0, undefined, undefined);
                else settle(t, r.status ?? 0, r.headers, typeof r.body === 'string' ? tryJson(r.body) : r.body);
              });
            }
          }
        } catch (err) {
          if (err instanceof ApiError) {
            if (!err.transient) failure ??= new Unavailable({ status: err.status, code: err.code, message: err.message }, true);
            else for (const t of tasks) settle(t, err.status || 0, undefined, undefined);
          } else throw err;
        } finally {
          inFlight--;
          notify();
        }
      }
    };
    const workers = Math.max(1, spec.batch ? family.limits.concurrency : family.limits.concurrency * 2);
    await Promise.all(Array.from({ length: workers }, worker));
    if (failure) throw failure;
    await w.checkpoint(null);
    ctx.onCheckpoint?.(key, w.count);
    return w.count;
  } finally {
    w.close();
  }
}
