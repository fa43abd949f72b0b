/**
 * The "rules" column of demo/README.md's story accounts, checked against the rule catalog: each
 * expectation was written by hand from spec/rules.md, so a rule change that moves a story account
 * fails here with the account named. Rules that need sign-in evidence are not in the demo (it has
 * no sign-ins); they are left out.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { evaluateSnapshot } from '../src/evaluate.js';
import type { Finding, FindingStatus } from '../src/rules/types.js';
import { loadSnapshot } from '../src/snapshot/load.js';

const DEMO = fileURLToPath(new URL('../demo/tenant.json', import.meta.url));
const D = '@northwindtraders.com';

/** [account (UPN, or the start of a guest's #EXT# UPN), rule, expected status] */
const USER_EXPECTATIONS: [string, string, FindingStatus][] = [
  [`nancy.davolio${D}`, 'nonprivileged-user-mfa', 'healthy'],
  [`giovanni.rovelli${D}`, 'nonprivileged-user-mfa', 'unhealthy'],
  [`michael.suyama${D}`, 'nonprivileged-user-mfa', 'healthy'],
  [`steven.buchanan${D}`, 'azure-read-mfa', 'healthy'],
  [`steven.buchanan${D}`, 'nonprivileged-user-mfa', 'unhealthy'],
  [`laura.callahan${D}`, 'azure-read-mfa', 'unhealthy'],
  [`laura.callahan${D}`, 'nonprivileged-user-mfa', 'unhealthy'],
  [`laura.callahan${D}`, 'mfa-registration', 'healthy'],
  [`priya.raman${D}`, 'azure-owner-mfa', 'healthy'],
  [`svc-deploy${D}`, 'azure-write-mfa', 'unhealthy'],
  [`svc-deploy${D}`, 'mfa-registration', 'unhealthy'],
  [`ext.kmensah${D}`, 'azure-write-mfa', 'unhealthy'],
  [`liam.oconnor${D}`, 'azure-write-mfa', 'healthy'],
  [`liam.oconnor${D}`, 'nonprivileged-user-mfa', 'healthy'],
  [`adm-afuller${D}`, 'directory-admin-mfa', 'healthy'],
  [`adm-afuller${D}`, 'azure-write-mfa', 'healthy'],
  [`adm-jleverling${D}`, 'directory-admin-mfa', 'unhealthy'],
  [`adm-jleverling${D}`, 'azure-owner-mfa', 'unhealthy'],
  [`adm-pwilson${D}`, 'directory-admin-mfa', 'unhealthy'],
  [`margaret.peacock${D}`, 'nonprivileged-user-mfa', 'healthy'],
  [`robert.king${D}`, 'azure-write-mfa', 'notApplicable'],
  [`breakglass1${D}`, 'directory-admin-mfa', 'unhealthy'],
  [`breakglass2${D}`, 'directory-admin-mfa', 'unhealthy'],
  [`breakglass2${D}`, 'mfa-registration', 'unhealthy'],
  ['ana.trujillo_fabrikam.com#EXT#@', 'azure-read-mfa', 'healthy'],
  ['ana.trujillo_fabrikam.com#EXT#@', 'nonprivileged-user-mfa', 'healthy'],
  ['lena.schmidt_contoso.com#EXT#@', 'nonprivileged-user-mfa', 'healthy'],
  [`temp.auditor${D}`, 'nonprivileged-user-mfa', 'unhealthy'],
  ['christina.berglund_tailspintoys.com#EXT#@', 'nonprivileged-user-mfa', 'notApplicable'],
  [`yuki.tanaka${D}`, 'mfa-registration', 'unhealthy'],
  [`anne.dodsworth${D}`, 'azure-write-mfa', 'healthy'],
  [`anne.dodsworth${D}`, 'nonprivileged-user-mfa', 'healthy'],
  [`iwright${D}`, 'azure-owner-mfa', 'healthy'],
  [`andrew.fuller${D}`, 'azure-owner-mfa', 'healthy'],
  // mandatory-mfa-readiness decided from directory data alone (write/owner, azureManagement not covered): sign-ins cannot change it
  [`svc-deploy${D}`, 'mandatory-mfa-readiness', 'unhealthy'],
  [`adm-jleverling${D}`, 'mandatory-mfa-readiness', 'unhealthy'],
  [`ext.kmensah${D}`, 'mandatory-mfa-readiness', 'unhealthy'],
];

let findings: Finding[];
beforeAll(async () => {
  findings = evaluateSnapshot((await loadSnapshot(DEMO)).snapshot).findings;
});

const ofAccount = (account: string, ruleId: string) =>
  findings.filter((f) => f.ruleId === ruleId && f.resourceType === 'user' && (account.endsWith('@') ? f.resourceName.startsWith(account) : f.resourceName === account));

describe('demo tenant: the story accounts get the rule verdicts demo/README.md promises', () => {
  it.each(USER_EXPECTATIONS)('%s: %s is %s', (account, ruleId, status) => {
    const found = ofAccount(account, ruleId);
    expect(found, `${account} should be in the scope of ${ruleId}`).toHaveLength(1);
    expect(found[0]!.status, found[0]!.reason).toBe(status);
  });

  it('directory-admin-mfa leaves Anne (expired eligibility, non-privileged Reports Reader) out of scope', () => {
    expect(ofAccount(`anne.dodsworth${D}`, 'directory-admin-mfa').filter((f) => f.status !== 'notApplicable')).toEqual([]);
  });

  it('tenant rules: Azure management is covered by a creditable policy; per-user MFA mixed with CA is flagged', () => {
    const tenant = (ruleId: string) => findings.filter((f) => f.ruleId === ruleId).map((f) => f.status);
    expect(tenant('ca-azure-management')).toEqual(['healthy']);
    expect(tenant('mfa-mechanism-consistency')).toEqual(['unhealthy']);
    expect(tenant('legacy-auth-blocked')).toEqual(['healthy']);
  });

  it('ca-policy-quality flags the OR grant, the risk-only, the report-only and the session-only policies', () => {
    const flagged = new Set(findings.filter((f) => f.ruleId === 'ca-policy-quality' && f.status === 'unhealthy').map((f) => f.resourceName.slice(0, 4)));
    for (const name of ['CA05', 'CA06', 'CA08', 'CA09']) expect(flagged.has(name), name).toBe(true);
    for (const name of ['CA02', 'CA04', 'CA07', 'CA10', 'CA11', 'CA12', 'CA13', 'CA15']) expect(flagged.has(name), name).toBe(false);
  });
});
