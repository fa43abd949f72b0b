/**
 * The writes remediation needs: per-user MFA state, Conditional Access policies and security
 * defaults — validated like Graph, visible to later reads, and recorded in the audit trail.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../devkit/emulator/index.js';
import { call, start, tenant, type Json } from './helpers.js';

type Emu = EmulatorHandle & { graphToken: string; armToken: string };
let emu: Emu;
const src = tenant(300, 11);

beforeEach(async () => {
  emu = await start({ users: 300, seed: 11 });
});
afterEach(async () => {
  await emu.close();
});

const policy = (over: Json = {}): Json => ({
  displayName: 'Require MFA for admins (emulator test)',
  state: 'enabledForReportingButNotEnforced',
  conditions: {
    users: { includeUsers: [], includeRoles: ['62e90394-69f5-4237-9190-012177145e10'] },
    applications: { includeApplications: ['All'] },
    clientAppTypes: ['all'],
    locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
  },
  grantControls: { operator: 'OR', builtInControls: ['mfa'] },
  ...over,
});

describe('per-user MFA state', () => {
  it('PATCH /beta/users/{id}/authentication/requirements → 204, visible to GET and to the user list', async () => {
    const u = src.users!.find((x) => x.perUserMfaState === 'disabled')!;
    const r = await call(emu, `/beta/users/${u.id}/authentication/requirements`, { method: 'PATCH', body: { perUserMfaState: 'enforced' } });
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect((await call(emu, `/beta/users/${u.id}/authentication/requirements`)).body).toEqual({ perUserMfaState: 'enforced' });
    const list = await call(emu, `/beta/users?$select=id,perUserMfaState&$filter=id eq '${u.id}'`);
    expect(list.body.value[0].perUserMfaState).toBe('enforced');
    expect(src.users!.find((x) => x.id === u.id)!.perUserMfaState).toBe('disabled'); // the source snapshot is not changed
    expect(emu.currentSnapshot().users!.find((x) => x.id === u.id)!.perUserMfaState).toBe('enforced');
    const w = emu.stats().writes;
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ method: 'PATCH', status: 204, body: { perUserMfaState: 'enforced' }, before: { perUserMfaState: 'disabled' }, after: { perUserMfaState: 'enforced' } });
  });

  it('"enabled" for a user who registered MFA becomes "enforced"; bad values and unknown users are refused', async () => {
    const registered = src.userRegistrationDetails!.find((r) => r.isMfaRegistered && src.users!.find((u) => u.id === r.id)?.perUserMfaState === 'disabled')!;
    await call(emu, `/beta/users/${registered.id}/authentication/requirements`, { method: 'PATCH', body: { perUserMfaState: 'enabled' } });
    expect((await call(emu, `/beta/users/${registered.id}/authentication/requirements`)).body.perUserMfaState).toBe('enforced');
    const bad = await call(emu, `/beta/users/${registered.id}/authentication/requirements`, { method: 'PATCH', body: { perUserMfaState: 'on' } });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'BadRequest']);
    const extra = await call(emu, `/beta/users/${registered.id}/authentication/requirements`, { method: 'PATCH', body: { perUserMfaState: 'disabled', foo: 1 } });
    expect(extra.status).toBe(400);
    const nobody = await call(emu, '/beta/users/00000000-0000-0000-0000-000000000000/authentication/requirements', { method: 'PATCH', body: { perUserMfaState: 'enabled' } });
    expect(nobody.status).toBe(404);
    const readOnly = emu.issueToken({ resource: 'graph', roles: ['Policy.Read.All'] });
    const denied = await call(emu, `/beta/users/${registered.id}/authentication/requirements`, { method: 'PATCH', body: { perUserMfaState: 'disabled' }, token: readOnly });
    expect([denied.status, denied.body.error.code]).toEqual([403, 'Authorization_RequestDenied']);
    expect(emu.stats().writes.map((w) => w.status)).toEqual([204, 400, 400, 404]);
  });
});

describe('Conditional Access policies', () => {
  it('POST creates (201, full policy, strength expanded), PATCH merges (204), both visible to GET', async () => {
    const created = await call(emu, '/v1.0/identity/conditionalAccess/policies', { method: 'POST', body: policy() });
    expect(created.status, created.text).toBe(201);
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.body.createdDateTime).toBeTruthy();
    expect(created.headers.get('location')).toContain(created.body.id as string);
    const id = created.body.id as string;
    const strength = src.authenticationStrengthPolicies![0]!;
    const patched = await call(emu, `/v1.0/identity/conditionalAccess/policies/${id}`, {
      method: 'PATCH',
      body: { state: 'disabled', grantControls: { operator: 'OR', builtInControls: [], authenticationStrength: { id: strength.id } } },
    });
    expect(patched.status, patched.text).toBe(204);
    const got = await call(emu, `/beta/identity/conditionalAccess/policies/${id}`);
    expect(got.body.state).toBe('disabled');
    expect(got.body.conditions.locations.excludeLocations).toEqual(['AllTrusted']); // untouched by the PATCH
    expect(got.body.grantControls.authenticationStrength.allowedCombinations).toEqual(strength.allowedCombinations);
    const list = await call(emu, '/beta/identity/conditionalAccess/policies');
    expect(list.body.value.length).toBe(src.conditionalAccessPolicies!.length + 1);
    const w = emu.stats().writes;
    expect(w.map((x) => [x.method, x.status])).toEqual([['POST', 201], ['PATCH', 204]]);
    expect(w[1]!.before).toMatchObject({ state: 'enabledForReportingButNotEnforced' });
    expect(w[1]!.after).toMatchObject({ state: 'disabled' });
  });

  it('refuses policies Graph would refuse', async () => {
    const cases: [string, Json][] = [
      ['no users', policy({ conditions: { ...policy().conditions, users: { includeUsers: [] } } })],
      ['no applications', policy({ conditions: { ...policy().conditions, applications: { includeApplications: [] } } })],
      ['no controls', policy({ grantControls: null })],
      ['block with mfa', policy({ grantControls: { operator: 'OR', builtInControls: ['block', 'mfa'] } })],
      ['mfa and strength', policy({ grantControls: { operator: 'OR', builtInControls: ['mfa'], authenticationStrength: { id: src.authenticationStrengthPolicies![0]!.id } } })],
      ['unknown strength', policy({ grantControls: { operator: 'OR', authenticationStrength: { id: '00000000-0000-0000-0000-00000000beef' } } })],
      ['unknown control', policy({ grantControls: { operator: 'OR', builtInControls: ['sms'] } })],
      ['bad operator', policy({ grantControls: { operator: 'XOR', builtInControls: ['mfa'] } })],
      ['bad state', policy({ state: 'on' })],
      ['unknown location', policy({ conditions: { ...policy().conditions, locations: { includeLocations: ['00000000-0000-0000-0000-00000000cafe'] } } })],
      ['bad user id', policy({ conditions: { ...policy().conditions, users: { includeUsers: ['alice'] } } })],
      ['unknown property', policy({ color: 'blue' })],
    ];
    for (const [name, body] of cases) {
      const r = await call(emu, '/v1.0/identity/conditionalAccess/policies', { method: 'POST', body });
      expect(r.status, name).toBe(400);
      expect(r.body.error.code, name).toBe('BadRequest');
    }
    expect((await call(emu, '/v1.0/identity/conditionalAccess/policies/00000000-0000-0000-0000-000000000000', { method: 'PATCH', body: { state: 'disabled' } })).status).toBe(404);
    expect(emu.stats().writes.every((w) => w.status >= 400 && typeof w.error === 'string')).toBe(true);
    expect((await call(emu, '/beta/identity/conditionalAccess/policies')).body.value.length).toBe(src.conditionalAccessPolicies!.length);
  });
});

describe('security defaults', () => {
  it('PATCH toggles it; CA policies cannot be enabled while it is on, nor it while policies are enabled', async () => {
    // the generated tenant has enabled CA policies: turning security defaults on is refused
    const on = await call(emu, '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy', { method: 'PATCH', body: { isEnabled: true } });
    expect(on.status).toBe(400);
    // with no enabled policy, it can be turned on; then an enabled policy is refused
    const plain = await start({ snapshot: { ...tenant(60, 4), conditionalAccessPolicies: [] } });
    try {
      const r = await call(plain, '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy', { method: 'PATCH', body: { isEnabled: true } });
      expect(r.status).toBe(204);
      expect((await call(plain, '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy')).body.isEnabled).toBe(true);
      const enabled = await call(plain, '/v1.0/identity/conditionalAccess/policies', { method: 'POST', body: policy({ state: 'enabled' }) });
      expect(enabled.status).toBe(400);
      expect(enabled.body.error.message).toMatch(/security defaults/i);
      const reportOnly = await call(plain, '/v1.0/identity/conditionalAccess/policies', { method: 'POST', body: policy() });
      expect(reportOnly.status).toBe(201);
      expect((await call(plain, '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy', { method: 'PATCH', body: { isEnabled: 'yes' } })).status).toBe(400);
      expect((await call(plain, '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy', { method: 'PATCH', body: { isEnabled: false } })).status).toBe(204);
      const id = reportOnly.body.id as string;
      expect((await call(plain, `/v1.0/identity/conditionalAccess/policies/${id}`, { method: 'PATCH', body: { state: 'enabled' } })).status).toBe(204);
      expect(plain.stats().writes.map((w) => `${w.method} ${w.status}`)).toEqual(['PATCH 204', 'POST 400', 'POST 201', 'PATCH 400', 'PATCH 204', 'PATCH 204']);
      expect(plain.currentSnapshot().securityDefaults!.isEnabled).toBe(false);
    } finally {
      await plain.close();
    }
  });
});
