/**
 * spec/config.md "Semantics": what a valid, an expired, a group and a scoped exemption do to
 * findings; break-glass accounts; and what an exemption never changes.
 */
import { describe, expect, it } from 'vitest';
import { evaluateSnapshot, evaluateSnapshotAsync } from '../../src/evaluate.js';
import { parseConfigText } from '../../src/config/parse.js';
import { InputError } from '../../src/errors.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import type { Finding } from '../../src/rules/types.js';
import {
  CONTRIBUTOR_ROLE, GLOBAL_ADMIN, TENANT_ID, azureAssignment, group, memberRef, policy, roleAssignment, snapshot, user,
} from '../helpers/snapshot-builder.js';

const SUB = '/subscriptions/00000000-aaaa-4000-8000-000000000001';
const SUB2 = '/subscriptions/00000000-aaaa-4000-8000-000000000002';
const FILE = 'mfaguard.yaml';

const cfg = (body: string) => parseConfigText(`mfaguardConfig: 1\n${body}`, FILE);
const exemption = (fields: string) => cfg(`exemptions:\n  - ${fields.trim().split('\n').join('\n    ')}\n`);
const find = (findings: Finding[], ruleId: string, id: string) => findings.find((f) => f.ruleId === ruleId && f.resourceId === id)!;

/** A Contributor on SUB whom no policy requires MFA of for Azure management (azure-write-mfa unhealthy). */
function writer(extraScopes: string[] = []) {
  const a = user('svc@contoso.com');
  const b = user('other@contoso.com');
  const snap = snapshot({
    users: [a, b],
    azureRoleAssignments: [azureAssignment(a, CONTRIBUTOR_ROLE, `${SUB}/resourceGroups/rg-app`), azureAssignment(b, CONTRIBUTOR_ROLE, SUB),
      ...extraScopes.map((s) => azureAssignment(a, CONTRIBUTOR_ROLE, s))],
    conditionalAccessPolicies: [policy('Office only', { applications: { includeApplications: ['Office365'] } })],
  });
  return { a, b, snap };
}

describe('a valid exemption', () => {
  it('turns the matching unhealthy finding into exempt, with the exemption in its evidence', () => {
    const { a, b, snap } = writer();
    const config = exemption(`
rules: azure-write-mfa
resource: svc@contoso.com
category: mitigated
reason: Duo at the IdP
expires: 2027-03-31
approvedBy: ciso@contoso.com
ticket: SEC-1`);
    const before = evaluateSnapshot(snap).findings;
    expect(find(before, 'azure-write-mfa', a.id).status).toBe('unhealthy');
    const ev = evaluateSnapshot(snap, undefined, { config, asOf: '2027-03-30T23:59:59Z' });
    const f = find(ev.findings, 'azure-write-mfa', a.id);
    expect(f.status).toBe('exempt');
    expect(f.evidence.exemption).toEqual({
      rules: ['azure-write-mfa'], resource: 'svc@contoso.com', category: 'mitigated', reason: 'Duo at the IdP',
      expires: '2027-03-31T00:00:00.000Z', approvedBy: 'ciso@contoso.com', ticket: 'SEC-1', source: `${FILE}:3`,
    });
    expect(f.reason).toContain('Duo at the IdP');
    // the coverage evidence stays: an exempt finding still says what the gap is
    expect(f.evidence.coverage).toBeDefined();
    // another user is untouched
    expect(find(ev.findings, 'azure-write-mfa', b.id).status).toBe('unhealthy');
    expect(ev.exemptions).toMatchObject({ applied: { exemptions: 1, breakGlass: 0 }, unmatched: [], expired: [] });
  });

  it('matches a user by object id too, and by "*" for every rule', () => {
    const { a, snap } = writer();
    const config = exemption(`rules: "*"\nresource: ${a.id.toUpperCase()}\nreason: r\nexpires: 2030-01-01`);
    const ev = evaluateSnapshot(snap, undefined, { config, asOf: '2027-01-01' });
    const mine = ev.findings.filter((f) => f.resourceId === a.id);
    expect(mine.some((f) => f.status === 'exempt')).toBe(true);
    expect(mine.some((f) => f.status === 'unhealthy')).toBe(false);
  });

  it('matches a tenant finding by the tenant id and a policy finding by the policy id', () => {
    const u = user('u@contoso.com');
    const weak = policy('MFA or device', { grantControls: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] } });
    const snap = snapshot({ users: [u], conditionalAccessPolicies: [weak] });
    const base = evaluateSnapshot(snap).findings;
    expect(find(base, 'ca-azure-management', TENANT_ID).status).toBe('unhealthy');
    expect(find(base, 'ca-policy-quality', weak.id).status).toBe('unhealthy');
    const config = cfg(`exemptions:
  - rules: ca-azure-management
    resource: ${TENANT_ID}
    reason: r
    expires: 2030-01-01
  - rules: ca-policy-quality
    resource: ${weak.id}
    reason: r
    expires: 2030-01-01
`);
    const ev = evaluateSnapshot(snap, undefined, { config, asOf: '2027-01-01' });
    expect(find(ev.findings, 'ca-azure-management', TENANT_ID).status).toBe('exempt');
    expect(find(ev.findings, 'ca-policy-quality', weak.id).status).toBe('exempt');
  });
});

describe('expiry', () => {
  const config = exemption('rules: azure-write-mfa\nresource: svc@contoso.com\nreason: r\nexpires: 2027-03-31');

  it('is valid while asOf < expires: exactly at expiry it no longer holds, and the reason says which expired when', () => {
    const { a, snap } = writer();
    expect(find(evaluateSnapshot(snap, undefined, { config, asOf: '2027-03-30T23:59:59.999Z' }).findings, 'azure-write-mfa', a.id).status).toBe('exempt');
    const at = evaluateSnapshot(snap, undefined, { config, asOf: '2027-03-31T00:00:00Z' });
    const f = find(at.findings, 'azure-write-mfa', a.id);
    expect(f.status).toBe('unhealthy');
    expect(f.reason).toMatch(/exemption at mfaguard\.yaml:3 expired 2027-03-31/);
    expect(at.exemptions!.expired).toHaveLength(1);
  });

  it('lists exemptions expiring within 14 days', () => {
    const { snap } = writer();
    expect(evaluateSnapshot(snap, undefined, { config, asOf: '2027-03-17T00:00:00Z' }).exemptions!.expiringSoon).toHaveLength(1);
    expect(evaluateSnapshot(snap, undefined, { config, asOf: '2027-03-16T23:59:59Z' }).exemptions!.expiringSoon).toHaveLength(0);
  });
});

describe('group exemptions', () => {
  it('hold for transitive members at scan time, not for others', () => {
    const a = user('a@contoso.com');
    const b = user('b@contoso.com');
    const inner = group('Inner', [memberRef(a)]);
    const outer = group('Outer', [memberRef(inner.group, 'group')]);
    const snap = snapshot({
      users: [a, b], groups: [inner.group, outer.group], groupMembers: { [inner.group.id]: inner.members, [outer.group.id]: outer.members },
      conditionalAccessPolicies: [policy('Office only', { applications: { includeApplications: ['Office365'] } })],
    });
    const config = exemption(`rules: nonprivileged-user-mfa\ngroup: ${outer.group.id}\nreason: r\nexpires: 2030-01-01`);
    const ev = evaluateSnapshot(snap, undefined, { config, asOf: '2027-01-01' });
    expect(find(ev.findings, 'nonprivileged-user-mfa', a.id).status).toBe('exempt');
    expect(find(ev.findings, 'nonprivileged-user-mfa', b.id).status).toBe('unhealthy');
  });
});

describe('scope (Azure rules)', () => {
  const config = exemption(`rules: azure-write-mfa\nresource: svc@contoso.com\nscope: ${SUB}\nreason: r\nexpires: 2030-01-01`);

  it('holds while all the access of that tier lies at or below the scope', () => {
    const { a, snap } = writer();
    expect(find(evaluateSnapshot(snap, undefined, { config, asOf: '2027-01-01' }).findings, 'azure-write-mfa', a.id).status).toBe('exempt');
  });

  it('does not hold once the user also has access of that tier elsewhere, and says why', () => {
    const { a, snap } = writer([SUB2]);
    const f = find(evaluateSnapshot(snap, undefined, { config, asOf: '2027-01-01' }).findings, 'azure-write-mfa', a.id);
    expect(f.status).toBe('unhealthy');
    expect(f.reason).toContain(`limited to ${SUB}`);
    expect(f.reason).toContain(SUB2);
  });

  it('a scope that only shares a prefix with the access is not "below" it', () => {
    const { a, snap } = writer([`${SUB}0/resourceGroups/x`]);
    expect(find(evaluateSnapshot(snap, undefined, { config, asOf: '2027-01-01' }).findings, 'azure-write-mfa', a.id).status).toBe('unhealthy');
  });
});

describe('exemptions never change healthy, unknown or notApplicable findings', () => {
  it('healthy and notApplicable stay', () => {
    const a = user('a@contoso.com');
    const off = user('off@contoso.com', { accountEnabled: false });
    const snap = snapshot({ users: [a, off], azureRoleAssignments: [azureAssignment(off, CONTRIBUTOR_ROLE, SUB)], conditionalAccessPolicies: [policy('MFA all')] });
    const config = cfg(`exemptions:\n  - rules: "*"\n    resource: a@contoso.com\n    reason: r\n    expires: 2030-01-01\n  - rules: "*"\n    resource: off@contoso.com\n    reason: r\n    expires: 2030-01-01\n`);
    const before = evaluateSnapshot(snap).findings;
    const after = evaluateSnapshot(snap, undefined, { config, asOf: '2027-01-01' }).findings;
    expect(after.map((f) => f.status)).toEqual(before.map((f) => f.status));
    expect(find(after, 'nonprivileged-user-mfa', a.id).status).toBe('healthy');
    expect(find(after, 'azure-write-mfa', off.id).status).toBe('notApplicable');
  });

  it('unknown stays unknown (an exemption must not hide missing data)', () => {
    const u = user('u@contoso.com');
    const g = group('MFA users', [memberRef(u)]);
    const snap = snapshot({ users: [u], groups: [g.group], groupMembers: undefined, conditionalAccessPolicies: [policy('Group MFA', { users: { includeUsers: [], includeGroups: [g.group.id] } })] });
    expect(find(evaluateSnapshot(snap).findings, 'nonprivileged-user-mfa', u.id).status).toBe('unknown');
    const config = exemption('rules: nonprivileged-user-mfa\nresource: u@contoso.com\nreason: r\nexpires: 2030-01-01');
    expect(find(evaluateSnapshot(snap, undefined, { config, asOf: '2027-01-01' }).findings, 'nonprivileged-user-mfa', u.id).status).toBe('unknown');
  });
});

describe('header warnings and tenant', () => {
  it('an exemption whose resource or group is not in the snapshot is listed as unmatched, not an error', () => {
    const { snap } = writer();
    const config = cfg(`exemptions:\n  - rules: "*"\n    resource: nobody@contoso.com\n    reason: r\n    expires: 2030-01-01\n  - rules: "*"\n    group: 00000000-0000-4000-8000-00000000dead\n    reason: r\n    expires: 2030-01-01\n`);
    const ev = evaluateSnapshot(snap, undefined, { config, asOf: '2027-01-01' });
    expect(ev.exemptions!.unmatched.map((e) => e.source)).toEqual([`${FILE}:3`, `${FILE}:7`]);
  });

  it('a configuration for another tenant is refused (InputError naming file, line and key)', () => {
    const { snap } = writer();
    const config = cfg('# comment\ntenant: 99999999-9999-4999-8999-999999999999\n');
    let err: unknown;
    try { evaluateSnapshot(snap, undefined, { config }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ file: FILE, line: 3, key: 'tenant' });
    // its own tenant (by id or by domain) is fine
    expect(() => evaluateSnapshot(snap, undefined, { config: cfg(`tenant: ${TENANT_ID}\n`) })).not.toThrow();
    expect(() => evaluateSnapshot(snap, undefined, { config: cfg('tenant: contoso.onmicrosoft.com\n') })).not.toThrow();
  });
});

describe('break-glass accounts', () => {
  /** A Global Administrator excluded (through a group) from an MFA-for-everyone policy. */
  function bgTenant(policies: 'excluded' | 'nothing' | 'conditional') {
    const bg = user('breakglass1@contoso.com');
    const other = user('emergency-ish@contoso.com');
    const ex = group('CA-Exclusions-BreakGlass', [memberRef(bg), memberRef(other)]);
    const all = policy('MFA all', { users: { includeUsers: ['All'], excludeGroups: [ex.group.id] } });
    const risky = policy('MFA risky', { users: { includeUsers: ['All'] }, conditions: { signInRiskLevels: ['high'] } });
    const snap: Snapshot = snapshot({
      users: [bg, other], groups: [ex.group], groupMembers: { [ex.group.id]: ex.members },
      roleAssignments: [roleAssignment(bg, GLOBAL_ADMIN), roleAssignment(other, GLOBAL_ADMIN)],
      azureRoleAssignments: [azureAssignment(bg, CONTRIBUTOR_ROLE, SUB)],
      conditionalAccessPolicies: policies === 'excluded' ? [all] : policies === 'conditional' ? [all, risky] : [],
    });
    return { bg, other, snap };
  }
  const config = cfg('breakGlassAccounts:\n  - BreakGlass1@contoso.com\n');

  it('are exempt (category breakGlass) when the only gap is a CA exclusion', () => {
    const { bg, other, snap } = bgTenant('excluded');
    const ev = evaluateSnapshot(snap, undefined, { config });
    for (const rule of ['directory-admin-mfa', 'azure-write-mfa']) {
      const f = find(ev.findings, rule, bg.id);
      expect(f.status, rule).toBe('exempt');
      expect(f.evidence.exemption).toMatchObject({ category: 'breakGlass' });
      expect(f.reason).toContain("'MFA all'");
    }
    // a look-alike that is not declared stays unhealthy: the name heuristic never silences a finding
    expect(find(ev.findings, 'directory-admin-mfa', other.id).status).toBe('unhealthy');
    expect(ev.exemptions!.applied.breakGlass).toBe(2);
    // without the configuration, the same account is unhealthy
    expect(find(evaluateSnapshot(snap).findings, 'directory-admin-mfa', bg.id).status).toBe('unhealthy');
  });

  it('still counts as the exclusion when a weaker, conditional policy also applies', () => {
    const { bg, snap } = bgTenant('conditional');
    expect(find(evaluateSnapshot(snap, undefined, { config }).findings, 'directory-admin-mfa', bg.id).status).toBe('exempt');
  });

  it('are not exempt when nothing at all requires MFA', () => {
    const { bg, snap } = bgTenant('nothing');
    const f = find(evaluateSnapshot(snap, undefined, { config }).findings, 'directory-admin-mfa', bg.id);
    expect(f.status).toBe('unhealthy');
    expect(f.reason).toContain('not only a Conditional Access exclusion');
  });

  it('apply to nonprivileged-user-mfa too, and through the async evaluator', async () => {
    const bg = user('bg@contoso.com');
    const all = policy('MFA all', { users: { includeUsers: ['All'], excludeUsers: [bg.id] } });
    const snap = snapshot({ users: [bg], conditionalAccessPolicies: [all] });
    const ev = await evaluateSnapshotAsync(snap, { config: cfg(`breakGlassAccounts: [${bg.id}]\n`) });
    expect(find(ev.findings, 'nonprivileged-user-mfa', bg.id)).toMatchObject({ status: 'exempt', evidence: { exemption: { category: 'breakGlass' } } });
  });
});
