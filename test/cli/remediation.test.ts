/** `mfaguard plan` and `mfaguard whatif` through the built CLI: files, formats, exit codes (4 = guard). */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mfaguard } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'mfaguard-remediation-'));
const BG = ['--break-glass', 'breakglass1@northwindtraders.com', '--break-glass', 'BREAKGLASS2@northwindtraders.com'];

describe('mfaguard plan', () => {
  it('writes the plan file of the spec and prints the review', async () => {
    const out = join(dir, 'plan.json');
    const r = await mfaguard(['plan', '--demo', ...BG, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(out, 'utf8'));
    expect(plan).toMatchObject({ mfaguardPlan: 1, tenantId: '5c1a6d3e-7b2f-4e8a-9d41-0b6c2f8e9a17', guard: { passed: true } });
    expect(plan.actions.length).toBeGreaterThan(0);
    for (const a of plan.actions) {
      expect(Object.keys(a)).toEqual(expect.arrayContaining(['id', 'kind', 'target', 'before', 'after', 'because', 'impact']));
      if (a.kind === 'createCaPolicy') {
        expect(a.after.state).toBe('enabledForReportingButNotEnforced');
        expect(a.after.conditions.users.excludeUsers).toHaveLength(2);
      }
    }
    expect(r.stdout).toMatch(/Guard: passed/);
    expect(r.stdout).toMatch(/Coverage \(users per state, before → after\)/);
  });

  it('--only setPerUserMfa proposes per-user MFA only; an unknown kind is a usage error', async () => {
    const r = await mfaguard(['plan', '--demo', ...BG, '--only', 'setPerUserMfa', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.actions.length).toBeGreaterThan(0);
    expect(new Set(plan.actions.map((a: { kind: string }) => a.kind))).toEqual(new Set(['setPerUserMfa']));
    expect((await mfaguard(['plan', '--demo', '--only', 'deleteEverything'])).code).toBe(2);
  });

  it('markdown and html reviews show each action and the guard', async () => {
    const md = await mfaguard(['plan', '--demo', ...BG, '--format', 'markdown']);
    expect(md.stdout).toMatch(/## Guard/);
    expect(md.stdout).toMatch(/\| a1 \| create CA policy \|/);
    // html: the full HTML report of the scan, with the plan as its "Remediation plan" section, self-contained.
    const html = await mfaguard(['plan', '--demo', ...BG, '--format', 'html']);
    expect(html.code, html.stderr).toBe(0);
    expect(html.stdout).toMatch(/^<!doctype html>/i);
    expect(html.stdout).toContain('id="mfaguard-meta"');
    expect(html.stdout).toContain('<a href="#remediation-plan">Remediation plan');
    expect(html.stdout).toMatch(/<section class="block" id="remediation-plan"[^]*<td>a1<\/td><td>create CA policy<\/td>[^]*<h3>Guard<\/h3>/);
    expect(html.stdout).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?\/\//i);
  });
});

describe('mfaguard plan --signins (any format, through the sign-in store)', () => {
  it('a report-only failure of a user who is not MFA capable withholds enabling that policy, naming the user', async () => {
    const demo = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'demo', 'tenant.json'), 'utf8'));
    const plan = JSON.parse((await mfaguard(['plan', '--demo', ...BG, '--format', 'json'])).stdout);
    const enable = plan.actions.find((a: { kind: string; withheld?: string }) => a.kind === 'enableCaPolicy' && !a.withheld);
    expect(enable).toBeDefined();
    const yuki = demo.userRegistrationDetails.find((r: { isMfaCapable: boolean; userPrincipalName: string }) => r.isMfaCapable === false && r.userPrincipalName.startsWith('yuki'));
    const signIn = { ...demo.signIns[0], id: 'aaaaaaaa-0000-4000-8000-000000000001', userId: yuki.id, userPrincipalName: yuki.userPrincipalName,
      appliedConditionalAccessPolicies: [{ id: enable.target.toUpperCase(), displayName: 'x', result: 'reportOnlyFailure' }] };
    const file = join(dir, 'report-only.ndjson');
    writeFileSync(file, JSON.stringify(signIn) + '\n');
    const r = await mfaguard(['plan', '--demo', ...BG, '--signins', file, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const withheld = JSON.parse(r.stdout).actions.find((a: { target: string }) => a.target === enable.target);
    expect(withheld.withheld).toMatch(/reported failures or interruptions for 1 user\(s\) who are not MFA capable: yuki/);
  });
});

describe('mfaguard whatif', () => {
  const policy = (p: Record<string, unknown>) => ({
    displayName: 'Everyone MFA', state: 'enabled',
    conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], excludeUsers: [] } },
    grantControls: { operator: 'OR', builtInControls: ['mfa'] }, ...p,
  });

  it('exits 4 naming the check when a policy would require MFA of a break-glass account', async () => {
    const file = join(dir, 'everyone.json');
    writeFileSync(file, JSON.stringify(policy({})));
    const r = await mfaguard(['whatif', '--demo', '--policy', file, ...BG]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/lock-out guard failed: breakglass-untouched/);
    expect(r.stdout).toMatch(/FAIL breakglass-untouched/);
  });

  it('reads UTF-16 with a BOM and display names; each unresolved reference is a warning naming file and key; exit 0 when the guard passes', async () => {
    const file = join(dir, 'utf16.json');
    const p = policy({ conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], excludeUsers: ['breakglass1@northwindtraders.com', 'BreakGlass2@northwindtraders.com'], excludeGroups: ['<EmergencyAccessGroup>'] } } });
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(p), 'utf16le')]));
    const r = await mfaguard(['whatif', '--demo', '--policy', file, ...BG, '--format', 'json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.warnings).toEqual([expect.stringMatching(/utf16\.json: conditions\.users\.excludeGroups\[0\]: "<EmergencyAccessGroup>".*matches nobody/)]);
    expect(out.actions[0].kind).toBe('createCaPolicy');
    expect(out.guard.passed).toBe(true);
  });

  it('--policy takes every file after it (a shell glob)', async () => {
    const a = join(dir, 'glob-a.json');
    const b = join(dir, 'glob-b.json');
    const safe = { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: ['All'], excludeUsers: ['breakglass1@northwindtraders.com', 'breakglass2@northwindtraders.com'] } };
    writeFileSync(a, JSON.stringify(policy({ displayName: 'A', state: 'enabledForReportingButNotEnforced', conditions: safe })));
    writeFileSync(b, JSON.stringify(policy({ displayName: 'B', state: 'disabled' })));
    const r = await mfaguard(['whatif', '--demo', '--format', 'json', '--policy', a, b]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).actions.map((x: { file: string }) => x.file)).toEqual([a, b]);
  });

  it('a block with successful window sign-ins exits 4 (block-impact-accepted) unless --accept-impact names it', async () => {
    const nancy = { id: '31f31da7-789b-4db6-a953-faa885a63212', upn: 'nancy.davolio@northwindtraders.com' };
    const signins = join(dir, 'signins.json');
    writeFileSync(signins, JSON.stringify({ value: [1, 2, 3].map((i) => ({
      id: `s${i}`, createdDateTime: `2026-10-0${i}T09:00:00Z`, userId: nancy.id, userPrincipalName: nancy.upn, appId: 'app-crm', appDisplayName: 'CRM',
      status: { errorCode: 0 }, authenticationRequirement: 'singleFactorAuthentication', isInteractive: true, clientAppUsed: 'Browser', userType: 'member',
    })) }));
    const file = join(dir, 'block-nancy.json');
    writeFileSync(file, JSON.stringify(policy({ displayName: 'Block Nancy', grantControls: { operator: 'OR', builtInControls: ['block'] },
      conditions: { clientAppTypes: ['all'], applications: { includeApplications: ['All'] }, users: { includeUsers: [nancy.upn] } } })));
    const refused = await mfaguard(['whatif', '--demo', '--policy', file, '--signins', signins]);
    expect(refused.code, refused.stderr).toBe(4);
    expect(refused.stderr).toMatch(/block-impact-accepted/);
    expect(refused.stdout).toMatch(/blocked: 3 × CRM/);
    const accepted = await mfaguard(['whatif', '--demo', '--policy', file, '--signins', signins, '--accept-impact', 'w1']);
    expect(accepted.code, accepted.stdout + accepted.stderr).toBe(0);
  });

  it('a file that is not JSON is an input error naming it (exit 2)', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "displayName": ');
    const r = await mfaguard(['whatif', '--demo', '--policy', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.json/);
    expect(existsSync(file)).toBe(true);
  });
});
