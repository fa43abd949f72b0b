/**
 * The direction of imports (ARCHITECTURE.md): a pure core with no I/O, a library layer over it,
 * adapters at the edges, the developer kit outside the product. Checked on the source text so a
 * wrong import fails here, with the file named, rather than in review.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** Static imports and re-exports, resolved to repository-relative paths (`node:fs`, packages kept as written). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gms)].map((m) => m[1]!);
  return specs.map((s) => (s.startsWith('.') ? relative(ROOT, resolve(dirname(file), s)).replace(/\.js$/, '.ts') : s));
}

const FILES = sourceFiles(join(ROOT, 'src')).map((f) => ({ path: relative(ROOT, f), imports: importsOf(f), text: readFileSync(f, 'utf8') }));
const inside = (path: string, ...prefixes: string[]) => prefixes.some((p) => path === p || path.startsWith(p.endsWith('.ts') ? p : `${p}/`));

/** The pure core (snapshot model, collection descriptors, coverage engine, rules, vocabulary) and the evidence port. */
const CORE = ['src/config', 'src/remediation', 'src/snapshot', 'src/coverage', 'src/rules', 'src/collections', 'src/evidence', 'src/vocabulary.ts', 'src/evaluate.ts', 'src/errors.ts'];
/** Core files allowed to read files: the snapshot loader is the core's one input adapter. */
const CORE_IO = ['src/snapshot/load.ts', 'src/snapshot/lines.ts'];

describe('import direction', () => {
  it('finds the source files', () => {
    expect(FILES.length).toBeGreaterThan(40);
    expect(FILES.some((f) => inside(f.path, 'src/coverage'))).toBe(true);
  });

  it('the product never imports the developer kit statically', () => {
    const bad = FILES.filter((f) => f.imports.some((i) => i.startsWith('devkit/')));
    expect(bad.map((f) => f.path)).toEqual([]);
  });

  it('the pure core does no I/O and knows nothing of the layers above it', () => {
    const bad: string[] = [];
    for (const f of FILES.filter((x) => inside(x.path, ...CORE) && !inside(x.path, ...CORE_IO))) {
      for (const i of f.imports) {
        if (i.startsWith('node:') || inside(i, 'src/app', 'src/cli', 'src/collect', 'src/azure', 'src/report')) bad.push(`${f.path} imports ${i}`);
      }
      if (/\bprocess\.(stdout|stderr|exit|env|argv|on)\b/.test(f.text)) bad.push(`${f.path} touches process`);
    }
    expect(bad).toEqual([]);
  });

  it('the sign-in adapters (src/signins) know nothing of the library or the command line', () => {
    const bad = FILES.filter((f) => inside(f.path, 'src/signins') && f.imports.some((i) => inside(i, 'src/app', 'src/cli')));
    expect(bad.map((f) => f.path)).toEqual([]);
  });

  it('nothing below the command line imports it', () => {
    const bad = FILES.filter((f) => !inside(f.path, 'src/cli') && f.imports.some((i) => inside(i, 'src/cli')));
    expect(bad.map((f) => f.path)).toEqual([]);
  });

  it('reporters and the library layer leave the process to the command line', () => {
    const bad = FILES.filter((f) => inside(f.path, 'src/app', 'src/report') && /\bprocess\.(stdout|stderr|exit|argv|on)\b/.test(f.text));
    expect(bad.map((f) => f.path)).toEqual([]);
  });
});
