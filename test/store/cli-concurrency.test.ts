/**
 * Issue 11's acceptance, end to end through the CLI (test/store/concurrency.test.ts does the same at
 * the store level, with 20 kills): `mfaguard scan` recording while another process runs
 * `mfaguard history` over and over, and `mfaguard scan` killed with SIGKILL at random moments — the
 * store stays readable, integrity_check ok, and every scan recorded before is intact.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateStore } from '../../src/store/sqlite.js';
import { BIN, DEMO, mfaguard } from '../cli/run.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'mfaguard-state-cli-conc-'));

function scanProcess(state: string) {
  const child = spawn(process.execPath, [BIN, 'scan', '--snapshot', DEMO, '--no-config', '--state', state, '--format', 'json', '--output', '/dev/null'], { stdio: 'ignore' });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited };
}

describe('the CLI shares the state store across processes', () => {
  it('two scans record while history is read in a loop: every history call succeeds and sees whole scans', async () => {
    const state = tempDir();
    const a = scanProcess(state);
    const b = scanProcess(state);
    let done = false;
    void Promise.all([a.exited, b.exited]).then(() => { done = true; });
    const seen: number[] = [];
    while (!done || seen.length < 2) {
      const h = await mfaguard(['history', '--state', state, '--format', 'json']);
      if (h.code === 2 && /no scans|no state store/.test(h.stderr) && !done) continue; // before the first commit
      expect(h.code, h.stderr).toBe(0);
      const scans = (JSON.parse(h.stdout) as { scans: { id: number; counts: Record<string, Record<string, number>> }[] }).scans;
      for (const s of scans) expect(Object.keys(s.counts).length).toBeGreaterThan(5); // a scan is seen with its counts, never half
      seen.push(scans.length);
      if (done && seen.at(-1) === 2) break;
    }
    expect([await a.exited, await b.exited]).toEqual([0, 0]);
    expect(seen.at(-1)).toBe(2);
  }, 120_000);

  it('scan killed with SIGKILL at random moments: the store opens, is intact, and keeps every earlier scan', async () => {
    const state = tempDir();
    expect((await mfaguard(['scan', '--snapshot', DEMO, '--no-config', '--state', state, '--format', 'json', '--output', '/dev/null'])).code).toBe(0);
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let before = 1;
    for (let trial = 0; trial < 5; trial++) {
      const p = scanProcess(state);
      // a scan of the demo takes ~1-3 s here; the recording is at its end
      await new Promise((r) => setTimeout(r, 600 + rand() * 2400));
      p.child.kill('SIGKILL');
      await p.exited;
      const store = StateStore.open(state);
      try {
        expect(store.integrityCheck()).toBe('ok');
        const scans = store.listScans();
        expect(scans.length).toBeGreaterThanOrEqual(before);
        for (const s of scans) expect(store.loadReport(s.id)?.findings.length).toBeGreaterThan(0);
        before = scans.length;
      } finally {
        store.close();
      }
      const h = await mfaguard(['history', '--state', state, '--format', 'json']);
      expect(h.code, h.stderr).toBe(0);
    }
  }, 180_000);
});
