/**
 * Conformance (spec/remediation.md, whatif): every real CA policy file in ../shared/realworld-ca-policies/
 * (as admins keep them: no id, UTF-16 with a BOM, display names and placeholders where ids belong)
 * goes through what-if on the demo tenant without an internal error; every reference that is neither
 * a keyword nor an id of the tenant and does not name exactly one object is a warning naming the file
 * and its key. Skipped, saying why, without ../shared.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { whatIf } from '../../src/remediation/whatif.js';
import { NameIndex } from '../../src/remediation/policy-input.js';
import { DirectoryModel } from '../../src/snapshot/model.js';
import { decodeText } from '../../src/snapshot/decode.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { sharedFolder } from '../helpers/conformance.js';
import { DEMO } from '../cli/run.js';

const folder = sharedFolder('realworld-ca-policies');
interface Source { local: string }
const sources = (): Source[] => (folder.present ? (JSON.parse(readFileSync(join(folder.dir, 'SOURCES.json'), 'utf8')) as Source[]) : []);
const demo = JSON.parse(readFileSync(DEMO, 'utf8')) as Snapshot;
const names = new NameIndex(new DirectoryModel(demo));

const KEYWORDS = new Set(['all', 'none', 'guestsorexternalusers', 'alltrusted', 'office365', 'microsoftadminportals']);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIELDS = [
  ['users', 'includeUsers', 'user'], ['users', 'excludeUsers', 'user'], ['users', 'includeGroups', 'group'], ['users', 'excludeGroups', 'group'],
  ['users', 'includeRoles', 'role'], ['users', 'excludeRoles', 'role'], ['locations', 'includeLocations', 'location'], ['locations', 'excludeLocations', 'location'],
  ['applications', 'includeApplications', 'application'], ['applications', 'excludeApplications', 'application'],
] as const;

/** The keys whose value is neither a keyword, an id, nor a name of exactly one demo object: each must be warned about. */
function unresolvedKeys(policy: Record<string, unknown>): string[] {
  const c = (policy.conditions ?? {}) as Record<string, Record<string, unknown> | null>;
  const out: string[] = [];
  for (const [holder, key, kind] of FIELDS) {
    const list = c[holder]?.[key];
    if (!Array.isArray(list)) continue;
    list.forEach((ref, i) => {
      const v = String(ref).trim();
      if (KEYWORDS.has(v.toLowerCase()) || GUID.test(v) || names.lookup(kind, v).length === 1) return;
      out.push(`conditions.${holder}.${key}[${i}]`);
    });
  }
  return out;
}

const tally = new Map<string, number>();
folder.describe('whatif over real-world CA policy files on the demo tenant', () => {
  afterAll(() => console.log(`whatif over real-world files: ${JSON.stringify(Object.fromEntries(tally))}`));
  if (!folder.present) it.skip('each file', () => {});
  it.each(sources().map((s) => [s.local] as const))('%s', async (local) => {
    const bytes = readFileSync(join(folder.dir, local));
    const file = local.split('/').pop()!;
    let doc: unknown;
    try {
      doc = JSON.parse(decodeText(bytes));
    } catch {
      tally.set('not JSON', (tally.get('not JSON') ?? 0) + 1);
      await expect(whatIf(demo, [{ file, bytes }])).rejects.toThrow(InputError);
      return;
    }
    // Every JSON policy file is evaluated: shapes people write (`"locations": []`, no id) are read with a warning, not refused.
    const result = await whatIf(demo, [{ file, bytes }], { breakGlassAccounts: ['breakglass1@northwindtraders.com'] });
    tally.set('evaluated', (tally.get('evaluated') ?? 0) + 1);
    expect(result.actions.length).toBeGreaterThan(0);
    expect(result.guard.checks).toHaveLength(4);
    const policy = (doc && typeof doc === 'object' && !('conditions' in doc) ? Object.values(doc).find((v) => v && typeof v === 'object' && 'conditions' in v) : doc) as Record<string, unknown>;
    for (const key of unresolvedKeys(policy)) {
      expect(result.warnings.some((w) => w.startsWith(`${file}: `) && w.includes(key)), `warning for ${key} in ${file}:\n${result.warnings.join('\n')}`).toBe(true);
    }
  });
});

const samples = sharedFolder('graph-samples');
samples.describe('whatif over Microsoft\'s conditionalAccessPolicy samples', () => {
  it('a list response ({ "value": [...] }) is one action per policy; ids that match no policy are new policies, with a warning', async () => {
    const file = 'conditionalAccessPolicy.list.v1.json';
    const bytes = readFileSync(join(samples.dir, file));
    const doc = JSON.parse(decodeText(bytes)) as { value: { id: string }[] };
    const result = await whatIf(demo, [{ file, bytes }], { breakGlassAccounts: ['breakglass1@northwindtraders.com'] });
    expect(result.actions).toHaveLength(doc.value.length);
    expect(result.actions.every((a) => a.kind === 'createCaPolicy')).toBe(true);
    expect(result.warnings.filter((w) => /matches no policy in the tenant/.test(w))).toHaveLength(doc.value.length);
    expect(result.warnings.every((w) => w.startsWith(`${file}: value[`))).toBe(true);
  });
  it('the create request sample evaluates, and its unknown group is a warning naming the key', async () => {
    const file = 'conditionalAccessPolicy.create-exo-mfa.request.v1.json';
    const result = await whatIf(demo, [{ file, bytes: readFileSync(join(samples.dir, file)) }]);
    expect(result.actions[0]!.kind).toBe('createCaPolicy');
    expect(result.warnings).toEqual([expect.stringMatching(/^conditionalAccessPolicy\.create-exo-mfa\.request\.v1\.json: conditions\.users\.includeGroups\[0\]: group .* is not in the tenant/)]);
  });
});
