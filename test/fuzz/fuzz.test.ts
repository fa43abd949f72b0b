/**
 * A few hundred fuzz cases on every test run (issue 10): mutated demo snapshots and saved reports end
 * as a clean result or a clean InputError, never an internal error; a sample goes through the real
 * CLI (exit codes, no stack trace, no partial output). The benchmark run is `npm run fuzz -- --cases 10000`.
 */
import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../devkit/fuzz/cli.js';
import { buildCase, caseRng, loadCorpus } from '../../devkit/fuzz/run.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('fuzz harness', () => {
  it('300 cases: no internal error, every outcome seen, CLI sample clean', async () => {
    const s = await runFuzz({ cases: 300, seed: 'npm-test', cliSample: 4 });
    const detail = s.internal.slice(0, 3).map((c) => `case ${c.index} (${c.mutations.join('; ')}): ${c.error}`).join('\n');
    expect(s.counts.internal, detail).toBe(0);
    expect(s.cliProblems).toEqual([]);
    expect(s.cliRuns).toBe(4);
    // a harness that only produces broken inputs (or only valid ones) would test little
    expect(s.counts.ok).toBeGreaterThan(30);
    expect(s.counts.input).toBeGreaterThan(30);
  }, 180_000);

  it('a case replays identically from its seed and number', async () => {
    const corpus = await loadCorpus();
    const dir = await mkdtemp(join(tmpdir(), 'mfaguard-fuzz-replay-'));
    try {
      const a = await buildCase(corpus, 's', 7, join(dir, 'a'));
      const bytesA = a.target === 'snapshotDirectory' ? undefined : await readFile(a.input);
      const b = await buildCase(corpus, 's', 7, join(dir, 'b'));
      expect(b.mutations).toEqual(a.mutations);
      if (bytesA) expect(await readFile(b.input)).toEqual(bytesA);
      expect(caseRng('s', 7).u32()).toBe(caseRng('s', 7).u32());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
