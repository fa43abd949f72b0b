/**
 * The demo tenant a week later (`mfaguard demo --later`): Northwind Traders on 2026-11-08, after a week
 * of ordinary admin work, so `history`, `diff` and `trends` have a story. Shipped as a snapshot change
 * (src/snapshot/change.ts) against demo/tenant.json: demo/tenant.later.json, a few kilobytes.
 *
 * What happened that week (demo/README.md tells it too; test/demo-history.test.ts checks the diff):
 * - fixed: yuki.tanaka registered Microsoft Authenticator (mfa-registration);
 * - fixed: CA01 no longer excludes the CEO, steven.buchanan, by user id (nonprivileged-user-mfa);
 * - regressed: nancy.davolio was put in CA-Exclusions "for a day" while her phone was replaced, and
 *   stayed there (nonprivileged-user-mfa: healthy → unhealthy);
 * - new: a new admin account, adm-tkhan, in Admin-Accounts (excluded from CA01) got Owner on the
 *   sandbox subscription and has not registered MFA (azure-owner-mfa, mfa-registration);
 * - newly exempt, expiring soon: demo/mfaguard.later.yaml exempts giovanni.rovelli until 2026-11-15
 *   (his contract ends on the 14th), which is within 14 days of the later scan.
 * The sign-ins are unchanged (the same 30-day window), so the sign-in rules tell the same story.
 */
import type { Snapshot } from '../../src/snapshot/types.js';
import { snapshotChange, type SnapshotChange } from '../../src/snapshot/change.js';
import { azAssign } from './azure.js';
import { AZ, SUB, subScope } from './constants.js';
import { G } from './directory.js';
import { U } from './people.js';
import { guid } from './random.js';

export const LATER_COLLECTED_AT = '2026-11-08T08:00:00Z';
const REPORT_REFRESH = '2026-11-08T02:09:51.5520113Z';

export const LATER_DESCRIPTION = [
  'Northwind Traders a week later (2026-11-08): yuki.tanaka registered Microsoft Authenticator',
  'CA01 no longer excludes steven.buchanan by user id',
  'nancy.davolio was added to CA-Exclusions while her phone was replaced, and stayed there',
  'a new admin account, adm-tkhan (in Admin-Accounts, no MFA registered), got Owner on Northwind-Sandbox',
];

type Doc = Record<string, unknown>;

/** The later snapshot document, from the base document (demo/tenant.json as parsed JSON). */
export function northwindLater(baseDoc: Doc): Snapshot {
  const s = structuredClone(baseDoc) as unknown as Snapshot;
  s.collectedAt = LATER_COLLECTED_AT;

  // yuki.tanaka registered the Authenticator app (per-user MFA `enabled` made her register at sign-in)
  const yuki = U('yuki.tanaka').id;
  const reg = s.userRegistrationDetails!.find((r) => r.id === yuki)!;
  Object.assign(reg, {
    isSsprRegistered: true, isSsprCapable: true, isMfaRegistered: true, isMfaCapable: true,
    lastUpdatedDateTime: REPORT_REFRESH, methodsRegistered: ['microsoftAuthenticatorPush'],
    defaultMfaMethod: 'microsoftAuthenticatorPush', systemPreferredAuthenticationMethods: ['push'],
    userPreferredMethodForSecondaryAuthentication: 'push',
  });

  // CA01: the CEO's personal exclusion is gone
  const ca01 = s.conditionalAccessPolicies!.find((p) => p.displayName?.startsWith('CA01'))!;
  const steven = U('steven.buchanan').id;
  const users = ca01.conditions!.users!;
  users.excludeUsers = (users.excludeUsers ?? []).filter((id) => id !== steven);
  ca01.modifiedDateTime = '2026-11-04T15:22:08.4410915Z';

  // nancy.davolio: a "temporary" exclusion
  s.groupMembers![G('CA-Exclusions').id]!.push({ '@odata.type': '#microsoft.graph.user', id: U('nancy.davolio').id });

  // adm-tkhan: a new admin account with Owner on the sandbox, no MFA
  const template = s.users!.find((u) => u.id === U('adm-slee').id)!;
  const upn = 'adm-tkhan@northwindtraders.com';
  const khan = {
    ...structuredClone(template),
    id: guid('user:adm-tkhan'),
    userPrincipalName: upn,
    displayName: 'Tariq Khan (admin)',
    givenName: 'Tariq',
    surname: 'Khan',
    identities: [{ signInType: 'userPrincipalName', issuer: 'northwindtraders.onmicrosoft.com', issuerAssignedId: upn }],
    createdDateTime: '2026-11-03T09:41:12Z',
  };
  s.users!.push(khan);
  s.groupMembers![G('Admin-Accounts').id]!.push({ '@odata.type': '#microsoft.graph.user', id: khan.id });
  s.authenticationRequirements![khan.id] = { perUserMfaState: 'disabled' };
  s.userRegistrationDetails!.push({
    id: khan.id, userPrincipalName: upn, userDisplayName: khan.displayName, userType: 'member', isAdmin: false,
    isSsprRegistered: false, isSsprEnabled: true, isSsprCapable: false, isMfaRegistered: false, isMfaCapable: false,
    isPasswordlessCapable: false, lastUpdatedDateTime: REPORT_REFRESH, methodsRegistered: [], defaultMfaMethod: 'none',
    isSystemPreferredAuthenticationMethodEnabled: true, systemPreferredAuthenticationMethods: [], userPreferredMethodForSecondaryAuthentication: 'none',
  });
  s.azureRoleAssignments!.push(azAssign('sandbox-owner-tkhan', subScope(SUB.sandbox), AZ.owner, khan.id, 'User', '2026-11-03T10:02:00.0000000Z'));
  return s;
}

/** demo/tenant.later.json: the change from the base document to the later one. */
export function northwindLaterChange(baseDoc: Doc): SnapshotChange {
  return snapshotChange(baseDoc, northwindLater(baseDoc) as unknown as Doc, LATER_DESCRIPTION);
}
