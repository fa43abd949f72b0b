/**
 * The store shared by processes: two scans recording at once while a third process (this one) reads
 * history and whole scans over and over — no SQLITE_BUSY, every read consistent (a scan's row, its
 * counts and its items are seen together or not at all). And crash safety: a recording process killed
 * with SIGKILL at random points never loses or damages a committed scan, and the store always opens
 * with `PRAGMA integrity_check` ok.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { StateStore, countFindings } from '../../src/store/sqlite.js';
import type { Report } from '../../src/report/report.js';
import { baseReport, canonical, variant } from './fixture.mjs';

const LOOP = join(import.meta.dirname, 'record-loop.mjs');
const tempDir = () => mkdtempSync(join(tmpdir(), 'mfaguard-store-conc-'));

interface Child { committed: { id: number; i: number }[]; exited: Promise<number | null>; kill(): void; firstCommit: Promise<void>; stderr: () => string }

function recorder(args: string[]): Child {
  const child = spawn(process.execPath, [LOOP, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const committed: { id: number; i: number }[] = [];
  let err = '';
  let out = '';
  let first!: () => void;
  const firstCommit = new Promise<void>((r) => { first = r; });
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    let nl;
    while ((nl = out.indexOf('\n')) >= 0) {
      const m = /^committed (\d+) (\d+)$/.exec(out.slice(0, nl));
      out = out.slice(nl + 1);
      if (m) {
        committed.push({ id: Number(m[1]), i: Number(m[2]) });
        first();
      }
    }
  });
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => { first(); r(code); }));
  return { committed, exited, kill: () => child.kill('SIGKILL'), firstCommit, stderr: () => err };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('two recorders and a reader in three processes', () => {
  let base: Report;
  let basePath: string;
  beforeAll(async () => {
    base = await baseReport(1500, 3);
    basePath = join(tempDir(), 'base.json');
    writeFileSync(basePath, JSON.stringify(base));
  });

  it('no busy errors, and every read is consistent', async () => {
    const dir = tempDir();
    StateStore.open(dir).close();
    const tenantOf = (suffix: string) => ({ ...base, tenant: { ...base.tenant, id: `${base.tenant.id}-${suffix}` } });
    const expected = new Map<string, string>();
    const expect1 = (suffix: string, i: number) => {
      const k = `${suffix}:${i}`;
      if (!expected.has(k)) expected.set(k, canonical(variant(tenantOf(suffix), i)));
      return expected.get(k)!;
    };
    const a = recorder([dir, basePath, '1', '10', 'a']);
    const b = recorder([dir, basePath, '1', '10', 'b']);
    let done = false;
    void Promise.all([a.exited, b.exited]).then(() => { done = true; });
    let reads = 0;
    let lastCount = 0;
    while (!done) {
      const store = StateStore.open(dir);
      try {
        const scans = store.listScans();
        expect(scans.length).toBeGreaterThanOrEqual(lastCount);
        lastCount = scans.length;
        const latest = scans.at(-1);
        if (latest) {
          const report = store.loadReport(latest.id)!;
          const suffix = latest.tenantId.endsWith('-a') ? 'a' : 'b';
          const i = Number(latest.source.replace('loop-', ''));
          expect(canonical(report)).toBe(expect1(suffix, i));
          expect(latest.counts).toEqual(countFindings(report.findings));
          reads++;
        }
      } finally {
        store.close();
      }
      await tick();
    }
    expect([await a.exited, await b.exited], a.stderr() + b.stderr()).toEqual([0, 0]);
    expect(reads).toBeGreaterThan(3);
    const store = StateStore.open(dir);
    const scans = store.listScans();
    expect(scans).toHaveLength(20);
    expect(store.integrityCheck()).toBe('ok');
    for (const s of scans) {
      const suffix = s.tenantId.endsWith('-a') ? 'a' : 'b';
      expect(canonical(store.loadReport(s.id)!)).toBe(expect1(suffix, Number(s.source.replace('loop-', ''))));
    }
    store.close();
  }, 120_000);
});

describe('kill -9 while recording', () => {
  it('20 random kills: the store opens, integrity_check is ok, every committed scan is intact', async () => {
    const base = await baseReport(800, 5);
    const dir = tempDir();
    const basePath = join(dir, 'base.json');
    writeFileSync(basePath, JSON.stringify(base));
    const state = join(dir, 'state');
    const expected = new Map<number, string>();
    const canonicalOf = (i: number) => {
      if (!expected.has(i)) expected.set(i, canonical(variant(base, i, 0.5)));
      return expected.get(i)!;
    };
    const committed = new Map<number, number>(); // scan id → variant
    let seed = 20261129;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let killedMidRun = 0;
    for (let trial = 0; trial < 20; trial++) {
      const child = recorder([state, basePath, String(trial * 1000 + 1), '1000', '', '0.5']);
      await child.firstCommit;
      await new Promise((r) => setTimeout(r, rand() * 120));
      child.kill();
      const code = await child.exited;
      if (code === null) killedMidRun++;
      for (const c of child.committed) committed.set(c.id, c.i);

      const store = StateStore.open(state);
      try {
        expect(store.integrityCheck()).toBe('ok');
        const scans = store.listScans();
        const ids = new Set(scans.map((s) => s.id));
        for (const id of committed.keys()) expect(ids.has(id), `scan ${id} lost after trial ${trial}`).toBe(true);
        // every scan in the store (a commit the child had no time to report included) is whole
        for (const s of scans) {
          const i = Number(s.source.replace('loop-', ''));
          const report = store.loadReport(s.id)!;
          expect(canonical(report), `scan ${s.id} (variant ${i}) after trial ${trial}`).toBe(canonicalOf(i));
          expect(s.counts).toEqual(countFindings(report.findings));
        }
      } finally {
        store.close();
      }
    }
    expect(killedMidRun).toBe(20);
    expect(committed.size).toBeGreaterThanOrEqual(20);
  }, 180_000);
});
