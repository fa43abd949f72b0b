/**
 * coverage.md "References to objects that do not exist": dangling references match nobody (verdicts
 * unchanged) and become policy-hygiene warnings in the report; only a missing collection makes cells uncertain.
 */
import { describe, expect, it } from 'vitest';
import { evaluateSnapshot } from '../../src/evaluate.js';
import { buildReport } from '../../src/report/report.js';
import { validateReport } from '../../src/app/validate-report.js';
import { renderTable } from '../../src/report/table.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { ARM, GLOBAL_ADMIN, coverageOf, group, memberRef, policy, snapshot, user } from '../helpers/snapshot-builder.js';
import { failed, states } from '../helpers/coverage.js';
import { render } from '../report/formats-helpers.js';

const GHOST_GROUP = 'aaaaaaaa-0000-4000-8000-00000000dead';
const GHOST_USER = 'bbbbbbbb-0000-4000-8000-00000000dead';
const GHOST_ROLE = 'cccccccc-0000-4000-8000-00000000dead';
const GHOST_APP = 'dddddddd-0000-4000-8000-00000000dead';
const GHOST_LOCATION = 'eeeeeeee-0000-4000-8000-00000000dead';

const alice = user('alice@contoso.com');
const hygieneOf = (snap: Snapshot) => buildReport(evaluateSnapshot(snap)).policyHygiene ?? [];

describe('dangling references', () => {
  it('an excluded group that does not exist matches nobody: coverage unchanged, one exclude warning', () => {
    const p = policy('MFA all', { users: { excludeGroups: [GHOST_GROUP] } });
    const snap = snapshot({ users: [alice], conditionalAccessPolicies: [p] });
    expect(coverageOf(snap, alice).anyApp.state).toBe('enforced');
    expect(coverageOf(snap, alice).anyApp.uncertain).toBeUndefined();
    expect(hygieneOf(snap)).toEqual([expect.objectContaining({
      policyId: p.id, policyName: 'MFA all', kind: 'group', side: 'exclude', field: 'conditions.users.excludeGroups', reference: GHOST_GROUP,
    })]);
  });

  it('included users, groups, roles and apps that do not exist are warned about as inclusions; the policy covers nobody through them', () => {
    const p = policy('MFA admins', {
      users: { includeUsers: [GHOST_USER], includeGroups: [GHOST_GROUP], includeRoles: [GHOST_ROLE] },
      applications: { includeApplications: [GHOST_APP] },
    });
    const snap = snapshot({ users: [alice], conditionalAccessPolicies: [p] });
    expect(states(coverageOf(snap, alice)).anyApp).toBe('none');
    const w = hygieneOf(snap);
    expect(w.map((x) => `${x.side} ${x.kind} ${x.reference}`)).toEqual([
      `include user ${GHOST_USER}`, `include group ${GHOST_GROUP}`, `include role ${GHOST_ROLE}`, `include application ${GHOST_APP}`,
    ]);
    expect(w[0]!.message).toContain('covers fewer than intended');
  });

  it('a location that is not among the named locations is dangling', () => {
    const p = policy('MFA outside office', { conditions: { locations: { includeLocations: ['All'], excludeLocations: [GHOST_LOCATION, 'AllTrusted'] } } });
    expect(hygieneOf(snapshot({ users: [alice], conditionalAccessPolicies: [p] })).map((x) => x.reference)).toEqual([GHOST_LOCATION]);
  });

  it('keywords, well-known apps, built-in role templates and role definition ids are not dangling', () => {
    const customRole = { id: 'f0f0f0f0-0000-4000-8000-000000000001', templateId: 'f0f0f0f0-0000-4000-8000-000000000002', displayName: 'Custom', isBuiltIn: false };
    const p = policy('MFA everything', {
      users: { includeUsers: ['All', 'GuestsOrExternalUsers'], excludeUsers: ['None'], includeRoles: [GLOBAL_ADMIN, customRole.id, customRole.templateId] },
      applications: { includeApplications: ['All', 'Office365', 'MicrosoftAdminPortals', ARM], excludeApplications: ['None'] },
      conditions: { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted', '00000000-0000-0000-0000-000000000000'] } },
    });
    const snap = snapshot({ users: [alice], conditionalAccessPolicies: [p], roleDefinitions: [customRole as never] });
    expect(hygieneOf(snap)).toEqual([]);
  });

  it('an app id is not dangling when servicePrincipals was not collected; a disabled policy is checked too', () => {
    const p = policy('MFA one app', { applications: { includeApplications: [GHOST_APP] } });
    const off = policy('Old', { state: 'disabled', users: { excludeGroups: [GHOST_GROUP] } });
    expect(hygieneOf(snapshot({ users: [alice], conditionalAccessPolicies: [p, off], servicePrincipals: undefined })).map((w) => w.reference)).toEqual([GHOST_GROUP]);
  });

  it('when the collection itself is missing nothing is dangling, and the cell is uncertain as before', () => {
    const staff = group('Staff', [memberRef(alice)]);
    const p = policy('MFA minus group', { users: { excludeGroups: [GHOST_GROUP, staff.group.id] } });
    const snap = snapshot({ users: [alice], conditionalAccessPolicies: [p], ...failed('groups', 'groupMembers') });
    expect(hygieneOf(snap)).toEqual([]);
    const cov = coverageOf(snap, alice);
    expect(cov.anyApp.state).toBe('excluded');
    expect(cov.anyApp.uncertain?.optimisticState).toBe('enforced');
  });

  it('the report carries the warnings: JSON field valid against the report contract, and in the table header', () => {
    const p = policy('MFA all', { users: { excludeGroups: [GHOST_GROUP] } });
    const report = buildReport(evaluateSnapshot(snapshot({ users: [alice], conditionalAccessPolicies: [p] })));
    const json = JSON.parse(JSON.stringify(report));
    expect(() => validateReport(json, 'r.json')).not.toThrow();
    expect(() => validateReport({ ...json, policyHygiene: [{ ...json.policyHygiene[0], side: 'sideways' }] }, 'r.json')).toThrow(/policyHygiene\[0\]\.side|sideways/);
    const table = renderTable(report, { color: false, limit: 10 });
    expect(table).toContain('Policy hygiene');
    expect(table).toContain(GHOST_GROUP);
  });

  it('the Markdown and HTML headers show the warnings too', async () => {
    const p = policy('MFA all', { users: { excludeGroups: [GHOST_GROUP] } });
    const report = buildReport(evaluateSnapshot(snapshot({ users: [alice], conditionalAccessPolicies: [p] })));
    for (const format of ['markdown', 'html']) {
      const { text } = await render(format, report);
      expect(text, format).toContain('Policy hygiene');
      expect(text, format).toContain(GHOST_GROUP);
    }
  });
});
