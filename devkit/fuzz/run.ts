/**
 * The fuzz harness: mutates the demo snapshot (single file and directory layout) and a saved JSON
 * report, and runs each case through the code paths of `mfaguard scan --snapshot` and
 * `mfaguard report --from` in process (loadSnapshotFrom → scan → renderReport to every format into a
 * discarding sink; readReport → renderReport), and mutates the demo tenant's configuration
 * (demo/mfaguard.yaml, written back as YAML or JSON) through `scan --config` (loadConfig → scan of the
 * demo snapshot with it → every format). Each case ends as `ok`, a clean `input` error
 * (InputError/UsageError: exit 2 with file, line and key) or `internal` (anything else: exit 3, a bug).
 * A small sample also runs through the real CLI (cli.ts) to check exit codes, stack traces and
 * partial outputs. Case i of seed S is always the same case: replay with `--seed S --case i`.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { loadConfig } from '../../src/app/config.js';
import { join } from 'node:path';
import { FORMATS, InputError, UsageError, readReport, redactSavedReport, renderReport, scan } from '../../src/index.js';
import { loadExplainers } from '../../src/report/explainers.js';
import { demoSnapshotPath } from '../../src/package.js';
import { loadReportByLines } from '../../src/app/read-report.js';
import { Rng, hashString } from '../gen/random.js';
import { ENCODINGS, encodeText, mutateBytes, mutateJson } from './mutate.js';

export type Outcome = 'ok' | 'input' | 'internal';

/** Where a case is fed in. */
export const TARGETS = ['snapshotFile', 'snapshotDirectory', 'report', 'reportLines', 'config'] as const;
export type FuzzTarget = (typeof TARGETS)[number];

export interface CaseResult {
  index: number;
  target: FuzzTarget;
  outcome: Outcome;
  /** What was done to the input, enough to understand a failure before replaying it. */
  mutations: string[];
  /** The error message (input) or stack (internal). */
  error?: string;
  /** The case's files, for `--keep` and for the CLI sample. */
  input: string;
}

/** The unmutated inputs, prepared once per run. */
export interface Corpus {
  snapshot: Record<string, unknown>;
  reportText: string;
  /** The demo tenant's configuration (demo/mfaguard.yaml) as data, and as written (with its comments). */
  config: Record<string, unknown>;
  configText: string;
  explainers: Awaited<ReturnType<typeof loadExplainers>>;
}

export async function loadCorpus(): Promise<Corpus> {
  const snapshot = JSON.parse(await readFile(demoSnapshotPath(), 'utf8')) as Record<string, unknown>;
  const { report } = await scan({ source: { snapshot: snapshot as never }, now: new Date('2026-11-01T00:00:00Z') });
  const chunks: string[] = [];
  const json = FORMATS.find((f) => f.name === 'json')!;
  await renderReport(report, json, async (c) => void chunks.push(String(c)));
  const explainers = await loadExplainers(report.rules.map((r) => r.id));
  const configText = await readFile(DEMO_CONFIG, 'utf8');
  return { snapshot, reportText: chunks.join(''), explainers, configText, config: parseYaml(configText) as Record<string, unknown> };
}

/** The generator of case `index` under `seed`: independent of every other case, so any case replays alone. */
export const caseRng = (seed: string, index: number) => new Rng(hashString(`${seed}/${index}`));

/** Keys stored as NDJSON in the directory layout (the rest stay in the manifest). */
const NDJSON_KEYS = new Set(['users', 'groups', 'groupMembers', 'conditionalAccessPolicies', 'roleAssignments', 'azureRoleDefinitions', 'authenticationMethods']);

const DEMO_CONFIG = demoSnapshotPath().replace(/tenant\.json$/, 'mfaguard.yaml');
/** The evaluation instant of config cases: the demo exemption is then valid (and expiring soon at times). */
const CONFIG_AS_OF = '2027-12-20T00:00:00Z';

/** A mutated configuration: structural mutations of its data written as YAML or JSON, or the original text with byte accidents. */
async function buildConfigCase(corpus: Corpus, rng: Rng, dir: string): Promise<{ target: FuzzTarget; input: string; mutations: string[] }> {
  const mutations: string[] = [];
  let text = corpus.configText;
  const structural = rng.int(0, 3);
  if (structural) {
    const doc = structuredClone(corpus.config) as never;
    for (let i = 0; i < structural; i++) mutations.push(mutateJson(doc, rng));
    const asJson = rng.chance(0.3);
    try {
      text = asJson ? JSON.stringify(doc, null, 2) : stringifyYaml(doc);
    } catch {
      text = JSON.stringify(doc, null, 2); // a value YAML cannot write (a lone surrogate): JSON can
    }
    mutations.push(asJson ? 'written as JSON' : 'written as YAML');
  }
  const encoding = ENCODINGS[rng.int(0, ENCODINGS.length - 1)]!;
  let bytes = encodeText(text, encoding);
  mutations.push(`as ${encoding}`);
  if (rng.chance(0.3)) {
    const m = mutateBytes(bytes, rng);
    bytes = m.bytes;
    mutations.push(m.description);
  }
  const file = join(dir, 'mfaguard.yaml');
  await writeFile(file, bytes);
  return { target: 'config', input: file, mutations };
}

/** Builds case `index` in `dir` and returns what to feed in. */
export async function buildCase(corpus: Corpus, seed: string, index: number, dir: string): Promise<{ target: FuzzTarget; input: string; mutations: string[] }> {
  const rng = caseRng(seed, index);
  const target = TARGETS[rng.int(0, TARGETS.length - 1)]!;
  if (target === 'config') {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return buildConfigCase(corpus, rng, dir);
  }
  const mutations: string[] = [];
  const isReport = target === 'report' || target === 'reportLines';
  const doc = isReport ? JSON.parse(corpus.reportText) : structuredClone(corpus.snapshot);
  const structural = rng.int(0, 3); // 0: only bytes or encoding change
  for (let i = 0; i < structural; i++) mutations.push(mutateJson(doc, rng));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });

  if (target === 'snapshotDirectory') {
    const manifest: Record<string, unknown> = {};
    const files: [string, string][] = [];
    for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
      if (!NDJSON_KEYS.has(key)) { manifest[key] = value; continue; }
      const lines = Array.isArray(value)
        ? value.map((v) => JSON.stringify(v))
        : typeof value === 'object' && value !== null ? Object.entries(value).map(([k, v]) => JSON.stringify({ key: k, value: v })) : [JSON.stringify(value)];
      files.push([`${key}.ndjson`, lines.join('\n') + '\n']);
    }
    files.push(['manifest.json', JSON.stringify(manifest, null, 2)]);
    const victim = rng.int(0, files.length - 1);
    for (let i = 0; i < files.length; i++) {
      const [name, text] = files[i]!;
      const encoding = i === victim ? ENCODINGS[rng.int(0, ENCODINGS.length - 1)]! : 'utf8';
      let bytes = encodeText(text, encoding);
      if (i === victim) {
        mutations.push(`${name} as ${encoding}`);
        if (rng.chance(0.3)) {
          const m = mutateBytes(bytes, rng);
          bytes = m.bytes;
          mutations.push(`${name}: ${m.description}`);
        }
      }
      await writeFile(join(dir, encoding === 'gzip' ? `${name}.gz` : name), bytes);
    }
    return { target, input: dir, mutations };
  }

  // single files: a snapshot, or a report (pretty-printed as `scan --format json` writes it for the line reader)
  const text = target === 'reportLines' ? await reportLayout(doc, corpus) : JSON.stringify(doc, null, isReport ? 2 : undefined);
  const encoding = target === 'reportLines' ? 'utf8' : ENCODINGS[rng.int(0, ENCODINGS.length - 1)]!;
  let bytes = encodeText(text, encoding);
  mutations.push(`as ${encoding}`);
  if (rng.chance(0.25)) {
    const m = mutateBytes(bytes, rng);
    bytes = m.bytes;
    mutations.push(m.description);
  }
  const file = join(dir, isReport ? 'report.json' : 'snapshot.json');
  await writeFile(file, bytes);
  return { target, input: file, mutations };
}

/** The mutated report in the line layout of `scan --format json` (what the large-report reader expects), when it still has that shape. */
async function reportLayout(doc: unknown, corpus: Corpus): Promise<string> {
  const json = FORMATS.find((f) => f.name === 'json')!;
  const chunks: string[] = [];
  try {
    await renderReport(doc as never, json, async (c) => void chunks.push(String(c)), { explainers: corpus.explainers });
    return chunks.join('');
  } catch {
    return JSON.stringify(doc, null, 2); // a mutation the writer cannot lay out: the reader must refuse it cleanly
  }
}

const discard = async () => {};

/** Runs one case through the library as the CLI would, rendering every format. */
export async function runCase(corpus: Corpus, target: FuzzTarget, input: string): Promise<{ outcome: Outcome; error?: string }> {
  try {
    if (target === 'config') {
      const config = await loadConfig(input);
      const { report } = await scan({ source: { snapshot: structuredClone(corpus.snapshot) as never }, config, asOf: CONFIG_AS_OF, now: new Date(CONFIG_AS_OF) });
      for (const format of FORMATS) await renderReport(report, format, discard, { explainers: corpus.explainers, limit: 25 });
      return { outcome: 'ok' };
    }
    const report = target === 'report' ? await readReport(input)
      : target === 'reportLines' ? await loadReportByLines(input)
      : (await scan({ source: { path: input }, now: new Date('2026-11-01T00:00:00Z') })).report;
    const views = target === 'report' || target === 'reportLines' ? [report, redactSavedReport(report)] : [report];
    for (const r of views) for (const format of FORMATS) await renderReport(r, format, discard, { explainers: corpus.explainers, limit: 25 });
    return { outcome: 'ok' };
  } catch (err) {
    if (err instanceof InputError || err instanceof UsageError) return { outcome: 'input', error: err.message };
    return { outcome: 'internal', error: (err as Error)?.stack ?? String(err) };
  }
}

