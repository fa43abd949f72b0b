/**
 * The fuzz harness's configuration target: mutated configuration files (wrong types, deletions, odd
 * strings, YAML or JSON, UTF-8/UTF-16/gzip, truncation and flipped bytes) end as a clean result or a
 * clean InputError, never an internal error.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { TARGETS, buildCase, caseRng, loadCorpus, runCase } from '../../devkit/fuzz/run.js';

it('mutated configuration files: no internal error, both outcomes seen', async () => {
  const corpus = await loadCorpus();
  const dir = await mkdtemp(join(tmpdir(), 'mfaguard-fuzz-config-'));
  const seen = { ok: 0, input: 0, internal: [] as string[] };
  try {
    for (let i = 0, n = 0; n < 60 && i < 2000; i++) {
      // the case's target is the first draw of its generator: build only the config cases
      if (TARGETS[caseRng('config-suite', i).int(0, TARGETS.length - 1)] !== 'config') continue;
      n++;
      const c = await buildCase(corpus, 'config-suite', i, join(dir, 'case'));
      const r = await runCase(corpus, c.target, c.input);
      if (r.outcome === 'internal') seen.internal.push(`case ${i} (${c.mutations.join('; ')}): ${r.error}`);
      else seen[r.outcome]++;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  expect(seen.internal).toEqual([]);
  expect(seen.ok).toBeGreaterThan(5);
  expect(seen.input).toBeGreaterThan(5);
}, 120_000);
