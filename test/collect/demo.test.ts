/**
 * `mfaguard demo`: emulator + live collection + scan in one command. What it reports must be what
 * `scan --demo` reports from the bundled file: the collector loses nothing on the way.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from './helpers.js';

let root: string;
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'mfaguard-demo-')); });
afterAll(async () => { await rm(root, { recursive: true, force: true }); });

interface Finding { ruleId: string; status: string; resource?: { id?: string }; reason?: string }

it('demo collects the bundled tenant through the emulator and reports what scan --demo reports', async () => {
  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' };
  const live = join(root, 'live.json');
  const file = join(root, 'file.json');
  const a = await runCli(['demo', '--format', 'json', '--output', live, '--format', 'table'], env);
  expect(a.code, a.stderr).toBe(0);
  expect(a.stdout).toMatch(/Northwind Traders/);
  expect(a.stderr).toMatch(/emulator for tenant/);
  expect(a.stderr).toMatch(/snapshot written/);
  const b = await runCli(['scan', '--demo', '--format', 'json', '--output', file], env);
  expect(b.code, b.stderr).toBe(0);
  const key = (f: Finding) => `${f.ruleId} ${JSON.stringify(f.resource ?? {})} ${f.status}`;
  const ra = JSON.parse(await readFile(live, 'utf8')) as { findings: Finding[]; dataGaps: unknown[] };
  const rb = JSON.parse(await readFile(file, 'utf8')) as { findings: Finding[]; dataGaps: unknown[] };
  expect(ra.dataGaps).toEqual([]);
  expect(ra.findings.map(key).sort()).toEqual(rb.findings.map(key).sort());
}, 60_000);
