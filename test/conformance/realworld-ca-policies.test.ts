/**
 * Conformance: Conditional Access policies as admins keep them in public "CA as code" repositories
 * (../shared/realworld-ca-policies/, third-party files kept outside the repository; see its README).
 * Every file that holds a CA policy — given an `id` when the export has none, unwrapped from a
 * `PolicyConfig`-style wrapper — must either load into a snapshot beside a small tenant and
 * evaluate, or be refused with an InputError that names the file and the key — never crash. Where it
 * evaluates, every reference that cannot resolve in that tenant (display names, placeholders such as
 * `<GroupId>` or `%group%`) is named by the report's policy-hygiene warnings (issue 10).
 * Files that are not JSON, and JSON that is not a CA policy, are counted, not judged here.
 * Runs where the folder is present (CI); reported as skipped elsewhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { evaluateSnapshot } from '../../src/evaluate.js';
import { parseSnapshotObject } from '../../src/snapshot/load.js';
import { buildReport } from '../../src/report/report.js';
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
/** Evaluated files whose report names at least one dangling reference (printed with the tally). */
const hygieneWarned = { count: 0 };

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

const isPolicy = (doc: unknown): doc is Record<string, unknown> =>
  typeof doc === 'object' && doc !== null && !Array.isArray(doc) && ('conditions' in doc || 'grantControls' in doc);

/** The policy inside a `{ "PolicyConfig": { ... } }`-style wrapper (one object-valued key holding a policy), else the document. */
function unwrap(doc: unknown): unknown {
  if (isPolicy(doc) || typeof doc !== 'object' || doc === null || Array.isArray(doc)) return doc;
  const inner = Object.values(doc).filter(isPolicy);
  return inner.length === 1 ? inner[0] : doc;
}

/** Exports written for creating a policy have no `id` (Graph assigns it): give one, as a snapshot would have. */
const withId = (doc: Record<string, unknown>, name: string) =>
  typeof doc.id === 'string' && doc.id ? doc : { ...doc, id: `realworld-${name}` };

const KEYWORDS = new Set(['all', 'none', 'guestsorexternalusers', 'alltrusted', 'office365', 'microsoftadminportals']);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** References that can never resolve: neither a keyword nor an object id (display names, placeholders). */
function unresolvable(policy: Record<string, unknown>): string[] {
  const c = (policy.conditions ?? {}) as Record<string, Record<string, unknown> | null | undefined>;
  const lists = [
    ...['includeUsers', 'excludeUsers', 'includeGroups', 'excludeGroups', 'includeRoles', 'excludeRoles'].map((k) => c.users?.[k]),
    ...['includeLocations', 'excludeLocations'].map((k) => c.locations?.[k]),
    ...['includeApplications', 'excludeApplications'].map((k) => c.applications?.[k]),
  ];
  return lists.flatMap((l) => (Array.isArray(l) ? l : []))
    .filter((r): r is string => typeof r === 'string' && !KEYWORDS.has(r.trim().toLowerCase()) && !GUID.test(r.trim()));
}

function judge(source: Source): Outcome {
  let doc: unknown;
  try {
    doc = JSON.parse(decode(readFileSync(join(folder.dir, source.local))));
  } catch {
    return 'not JSON';
  }
  const unwrapped = unwrap(doc);
  if (!isPolicy(unwrapped)) return 'not a policy';
  const name = source.local.split('/').pop()!;
  const policy = withId(unwrapped, name);
  let loaded;
  try {
    loaded = parseSnapshotObject(tenantWith(policy), name);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    expect(err.file).toBe(name);
    expect(err.key).toMatch(/^conditionalAccessPolicies\[0\]/);
    return 'refused';
  }
  const evaluation = evaluateSnapshot(loaded.snapshot);
  expect(evaluation.coverage.size).toBe(3);
  expect(Array.isArray(evaluation.findings)).toBe(true);
  const warned = new Set((buildReport(evaluation).policyHygiene ?? []).map((w) => w.reference));
  for (const ref of unresolvable(policy)) expect(warned, `hygiene warning for '${ref}' in ${name}`).toContain(ref);
  if (warned.size) hygieneWarned.count++;
  return 'evaluated';
}

folder.describe('real-world CA policy files', () => {
  const tally = new Map<Outcome, number>();
  afterAll(() => {
    console.log(`real-world CA policy files: ${JSON.stringify(Object.fromEntries(tally))}; with policy-hygiene warnings: ${hygieneWarned.count}`);
  });
  const TITLE = 'loads and evaluates, or is refused with an InputError';
  // Without the folder there are no files to list: one skipped case keeps the suite (and why) visible.
  if (!folder.present) it.skip(`each file ${TITLE}`, () => {});
  it.each(sources().map((s) => [s.local, s] as const))(`%s ${TITLE}`, (_local, source) => {
    const outcome = judge(source);
    tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
  });
});
