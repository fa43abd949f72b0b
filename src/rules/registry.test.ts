/**
 * Every rule folder is complete and registered: src/rules/<id>/ holds rule.ts (whose default export is
 * the registered rule with that id), rule.test.ts and README.md (the explainer reports show: it names
 * the rule and says how to fix), and the registry and spec/rules.md's catalog agree on ids, severity
 * and resource type.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES } from './registry.js';
import type { Rule } from './types.js';

const RULES_DIR = fileURLToPath(new URL('.', import.meta.url));
const CATALOG = fileURLToPath(new URL('../../spec/rules.md', import.meta.url));
const FOLDER_FILES = ['rule.ts', 'rule.test.ts', 'README.md'];
/** In the catalog, not implemented yet (they need sign-in evidence or collections still to come). */
const CATALOGUED_NOT_YET_IMPLEMENTED: string[] = [];

const folders = readdirSync(RULES_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const registered = RULES.map((r) => r.meta.id);

/** spec/rules.md's catalog table: | `id` | severity | resource | ... */
function catalog(): Map<string, { severity: string; resourceType: string }> {
  const rows = new Map<string, { severity: string; resourceType: string }>();
  for (const m of readFileSync(CATALOG, 'utf8').matchAll(/^\| `([a-z0-9-]+)` \| (\w+) \| (\w+) \|/gm)) rows.set(m[1]!, { severity: m[2]!, resourceType: m[3]! });
  return rows;
}

describe('rule folders', () => {
  it.each(folders)('%s has rule.ts, rule.test.ts and README.md', (id) => {
    expect(FOLDER_FILES.filter((f) => !existsSync(join(RULES_DIR, id, f)))).toEqual([]);
  });

  it('every folder is a registered rule and every registered rule has a folder, once', () => {
    expect([...registered].sort()).toEqual(folders);
    expect(new Set(registered).size).toBe(registered.length);
  });

  it.each(folders)("%s/rule.ts exports the registered rule with the folder's id", async (id) => {
    const rule = ((await import(/* @vite-ignore */ new URL(`./${id}/rule.ts`, import.meta.url).href)) as { default: Rule }).default;
    expect(rule.meta.id).toBe(id);
    expect(RULES).toContain(rule);
  });

  it.each(folders)('%s/README.md names the rule and has a fix section', (id) => {
    const readme = readFileSync(join(RULES_DIR, id, 'README.md'), 'utf8');
    expect(readme.split('\n')[0]).toMatch(new RegExp(`^# ${id} — `));
    expect(readme).toMatch(/^(\*\*(Fix|Remediation)\b|#+ .*\b(Fix|Remediation)\b)/im);
  });

  it("matches spec/rules.md's catalog: ids, severity and resource type", () => {
    const rows = catalog();
    expect(rows.size).toBeGreaterThan(0);
    for (const r of RULES) expect({ id: r.meta.id, ...rows.get(r.meta.id) }).toEqual({ id: r.meta.id, severity: r.meta.severity, resourceType: r.meta.resourceType });
    expect([...rows.keys()].filter((id) => !registered.includes(id)).sort()).toEqual([...CATALOGUED_NOT_YET_IMPLEMENTED].sort());
  });
});
