/**
 * Synthetic tenant generator (issue 3, item 1): realistic, deterministic-per-seed Entra ID / Azure
 * tenants in the snapshot format of spec/snapshot.md, for tests, differential testing and
 * benchmarks.
 *
 * - `generateSnapshot` builds the whole snapshot in memory (small tenants, tests).
 * - `writeSnapshotDir` streams the directory layout (any size; bounded memory) — see write.ts.
 *
 * Both read the same plan (synthetic-tenant.ts), so the same options give the same logical tenant.
 */
import type { GraphUser, Snapshot, UserRegistrationDetails } from '../../src/snapshot/types.js';
import { manifestOf, smallCollections } from './collections.js';
import { SyntheticTenant, type GenerateOptions } from './synthetic-tenant.js';

export { writeSnapshotDir, type WriteOptions, type WriteProgress, type WriteResult } from './write.js';
export { defaultPolicyCount, SyntheticTenant, type GenerateOptions } from './synthetic-tenant.js';

/**
 * A whole synthetic tenant in memory. Deterministic: the same options give a deep-equal snapshot;
 * a different seed gives a different tenant. Options beyond the three documented ones are optional
 * (`securityDefaults: true` turns security defaults on).
 */
export function generateSnapshot(opts: { users: number; seed: number | string; policies?: number } & Partial<GenerateOptions>): Snapshot {
  const t = new SyntheticTenant(opts);
  const users: GraphUser[] = new Array<GraphUser>(t.n);
  const userRegistrationDetails: UserRegistrationDetails[] = new Array<UserRegistrationDetails>(t.n);
  let i = 0;
  for (const [u, r] of t.usersWithRegistration()) {
    users[i] = u;
    userRegistrationDetails[i++] = r;
  }
  const groupMembers: NonNullable<Snapshot['groupMembers']> = {};
  for (const [id, members] of t.groupMembers()) groupMembers[id] = members;
  return {
    ...manifestOf(t),
    users,
    groups: [...t.groups()],
    groupMembers,
    ...smallCollections(t),
    userRegistrationDetails,
    authenticationMethods: t.authenticationMethods,
  };
}

/** Ids the generated tenant references on purpose although no object has them (deleted users / principals). */
export function deletedObjectIds(opts: GenerateOptions): string[] {
  return [...new SyntheticTenant(opts).deletedObjectIds];
}
