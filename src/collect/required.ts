/**
 * Collections without which a snapshot cannot answer its question for anyone: who the users are, how
 * they are grouped, who holds directory roles, and which Conditional Access policies apply. When one
 * of them could not be read (denied, or failing after every retry) the snapshot is still written, with
 * the failure in its `unavailable`, and `CollectResult.missingRequired` names it (the CLI exits 1).
 * A separate file so the library can name them without loading the collector.
 */
export const REQUIRED_COLLECTIONS: readonly string[] = ['users', 'groups', 'groupMembers', 'roleAssignments', 'conditionalAccessPolicies'];
