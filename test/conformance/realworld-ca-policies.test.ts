/**
 * Conformance: Conditional Access policies as admins keep them in public "CA as code" repositories
 * (../shared/realworld-ca-policies/, third-party files kept outside the repository; see its README).
 * Every file that holds a CA policy must either load into a snapshot beside a small tenant and
 * evaluate, or be refused with an InputError that names the file and the key — never crash.
 * Files that are not JSON, and JSON that is not a CA policy, are counted, not judged here.
 * Runs where the folder is present (CI); reported as skipped elsewhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { evaluateSnapshot } from '../../src/evaluate.js';
import { parseSnapshotObject } from '../../src/snapshot/load.js';
import { sharedFolder } from '../helpers/conformance.js';
import { GLOBAL_ADMIN, group, guest, memberRef, roleAssignment, snapshot, user } from '../helpers/snapshot-builder.js';

const folder = sharedFolder('realworld-ca-policies');

interface Source { local: string; repo: string }
const sources = (): Source[] => (folder.present ? (JSON.parse(readFileSync(join(folder.dir, 'SOURCES.json'), 'utf8')) as Source[]) : []);

/** The file's text as its author's tool wrote it: PowerShell writes UTF-16LE with a byte-order mark. */
function decode(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  return bytes.toString('utf8');
}

type Outcome = 'evaluated' | 'refused' | 'not JSON' | 'not a policy';

/** The small tenant each policy is evaluated in: a member, a guest, an admin and a group. */
function tenantWith(policy: unknown) {
  const alice = user('alice@contoso.com');
  const admin = user('admin@contoso.com', { perUserMfaState: 'enforced' });
  const visitor = guest('visitor@fabrikam.com');
  const staff = group('Staff', [memberRef(alice), memberRef(admin)]);
  return {
    ...snapshot({
      users: [alice, admin, visitor],
      groups: [staff.group],
      groupMembers: { [staff.group.id]: staff.members },
      roleAssignments: [roleAssignment(admin, GLOBAL_ADMIN)],
    }),
    conditionalAccessPolicies: [policy],
  };
}

const isPolicy = (doc: unknown): boolean =>
  typeof doc === 'object' && doc !== null && !Array.isArray(doc) && ('conditions' in doc || 'grantControls' in doc);

function judge(source: Source): Outcome {
  let doc: unknown;
  try {
    doc = JSON.parse(decode(readFileSync(join(folder.dir, source.local))));
  } catch {
    return 'not JSON';
  }
  if (!isPolicy(doc)) return 'not a policy';
  const name = source.local.split('/').pop()!;
  let loaded;
  try {
    loaded = parseSnapshotObject(tenantWith(doc), name);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    expect(err.file).toBe(name);
    expect(err.key).toMatch(/^conditionalAccessPolicies\[0\]/);
    return 'refused';
  }
  const { coverage, findings } = evaluateSnapshot(loaded.snapshot);
  expect(coverage.size).toBe(3);
  expect(Array.isArray(findings)).toBe(true);
  return 'evaluated';
}

folder.describe('real-world CA policy files', () => {
  const tally = new Map<Outcome, number>();
  afterAll(() => {
    console.log(`real-world CA policy files: ${JSON.stringify(Object.fromEntries(tally))}`);
  });
  const TITLE = 'loads and evaluates, or is refused with an InputError';
  // Without the folder there are no files to list: one skipped case keeps the suite (and why) visible.
  if (!folder.present) it.skip(`each file ${TITLE}`, () => {});
  it.each(sources().map((s) => [s.local, s] as const))(`%s ${TITLE}`, (_local, source) => {
    const outcome = judge(source);
    tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
  });
});
