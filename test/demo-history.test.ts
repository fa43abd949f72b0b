/**
 * The demo's history story (issue 11, item 5): `mfaguard demo` then `mfaguard demo --later` record two
 * scans of Northwind Traders a week apart; `history`, `diff` and `trends` tell what changed. Run
 * through the built CLI with a temporary state store, live against the emulator; the bundled-file
 * fallback (an installed package has no emulator) must report the same later state.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mfaguard } from './cli/run.js';
import { loadDemoState, runDemo } from '../src/app/demo.js';
import { applySnapshotChange, snapshotChange } from '../src/snapshot/change.js';
import { demoLaterChangePath, demoSnapshotPath } from '../src/package.js';

interface Finding { ruleId: string; status: string; resource: { id: string; name?: string } }
interface Change { kind: string; ruleId: string; resourceName: string; before: { status: string } | null; after: { status: string } | null }

let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mfaguard-demo-history-'));
  env = { MFAGUARD_STATE_DIR: join(dir, 'state') };
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('mfaguard demo → demo --later → history → diff → trends', () => {
  let laterReport: { snapshotCollectedAt: string; findings: Finding[]; exemptions: { expiringSoon: { resource?: string; expires: string }[] } };

  it('records both demo states and diffs them: new, regressed, newly exempt, fixed', async () => {
    const first = await mfaguard(['demo', '--quiet', '--format', 'json', '--output', join(dir, 'first.json')], env);
    expect(first.code, first.stderr).toBe(0);
    const later = await mfaguard(['demo', '--later', '--quiet', '--format', 'json', '--output', join(dir, 'later.json')], env);
    expect(later.code, later.stderr).toBe(0);
    expect(later.stderr).toMatch(/recorded as scan 2/);
    laterReport = JSON.parse(await readFile(join(dir, 'later.json'), 'utf8')) as typeof laterReport;
    // collected live from the emulator serving the changed tenant (the bundled file would say 2026-11-08)
    expect(later.stderr).not.toMatch(/not part of this installation/);
    expect(laterReport.snapshotCollectedAt).not.toBe('2026-11-08T08:00:00Z');
    expect(laterReport.findings.some((f) => f.resource?.name?.startsWith('adm-tkhan@') || JSON.stringify(f).includes('adm-tkhan@'))).toBe(true);

    const history = await mfaguard(['history', '--format', 'json'], env);
    expect(history.code, history.stderr).toBe(0);
    const scans = (JSON.parse(history.stdout) as { scans: { id: number; source: string; users?: number }[] }).scans;
    expect(scans.map((s) => [s.id, s.source])).toEqual([[1, 'demo'], [2, 'demo']]);

    const diff = await mfaguard(['diff', '--format', 'json'], env);
    expect(diff.code, diff.stderr).toBe(0);
    const changes = (JSON.parse(diff.stdout) as { changes: Change[] }).changes;
    const of = (kind: string) => changes.filter((c) => c.kind === kind).map((c) => `${c.ruleId} ${c.resourceName.split('@')[0]}`).sort();
    // a new admin account with Owner on the sandbox and no MFA
    expect(of('new')).toEqual(expect.arrayContaining(['azure-owner-mfa adm-tkhan', 'mfa-registration adm-tkhan']));
    expect(of('new').every((c) => c.endsWith('adm-tkhan'))).toBe(true);
    // nancy.davolio put in CA-Exclusions
    expect(of('regressed')).toEqual(['nonprivileged-user-mfa nancy.davolio']);
    // the exemption added that week
    expect(of('newlyExempt')).toEqual(['nonprivileged-user-mfa giovanni.rovelli']);
    // yuki registered MFA; CA01 no longer excludes the CEO
    expect(of('fixed')).toEqual(['mfa-registration yuki.tanaka', 'nonprivileged-user-mfa steven.buchanan']);
    expect(of('exemptionExpired')).toEqual([]);

    // the table says it too, with the coverage cells that changed and why
    const table = await mfaguard(['diff'], env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/3 new, 1 regressed, 0 exemption expired, 1 newly exempt, 2 fixed/);
    expect(table.stdout).toMatch(/nancy\.davolio@northwindtraders\.com +\[healthy → unhealthy\]/);
    expect(table.stdout).toMatch(/enforced \(Conditional Access\) → excluded \(Conditional Access\): .*excluded through group 'CA-Exclusions'/);
  }, 120_000);

  it('the later scan lists the new exemption as expiring soon, judged at the later state\'s date', () => {
    expect(laterReport.exemptions.expiringSoon).toEqual([expect.objectContaining({ resource: 'giovanni.rovelli@northwindtraders.com', expires: '2026-11-15T00:00:00.000Z' })]);
  });

  it('trends charts both scans in HTML', async () => {
    const html = await mfaguard(['trends', '--format', 'html'], env);
    expect(html.code, html.stderr).toBe(0);
    expect(html.stdout).toMatch(/<svg/);
    expect(html.stdout).toMatch(/nonprivileged-user-mfa/);
    const json = await mfaguard(['trends', '--format', 'json', '--rule', 'azure-owner-mfa'], env);
    const points = (JSON.parse(json.stdout) as { rules: { points: { counts: Record<string, number> }[] }[] }).rules[0]!.points;
    expect(points.map((p) => p.counts.unhealthy)).toEqual([1, 2]);
  });

  it('a week after that the new exemption has expired: --as-of 2026-11-16 and diff says so', async () => {
    const after = await mfaguard(['demo', '--later', '--as-of', '2026-11-16', '--quiet', '--format', 'json', '--output', join(dir, 'after.json')], env);
    expect(after.code, after.stderr).toBe(0);
    const diff = await mfaguard(['diff', '--format', 'json'], env);
    const changes = (JSON.parse(diff.stdout) as { changes: Change[] }).changes;
    expect(changes.map((c) => `${c.kind} ${c.ruleId} ${c.resourceName.split('@')[0]}`)).toEqual(['exemptionExpired nonprivileged-user-mfa giovanni.rovelli']);
  }, 60_000);

  it('without the emulator (an installed package) the later state is the bundled change applied offline, with the same findings', async () => {
    const offline = await runDemo({ later: true, emulator: async () => undefined, state: false });
    expect(offline.live).toBe(false);
    expect(offline.report.snapshotCollectedAt).toBe('2026-11-08T08:00:00Z');
    const key = (f: Finding) => `${f.ruleId} ${JSON.stringify(f.resource ?? {})} ${f.status}`;
    expect(offline.report.findings.map((f) => key(f as unknown as Finding)).sort()).toEqual(laterReport.findings.map(key).sort());
  }, 60_000);
});

describe('the bundled later state', () => {
  it('is a few kilobytes, and applying it then taking the change again gives the same change', async () => {
    const base = JSON.parse(await readFile(demoSnapshotPath(), 'utf8')) as Record<string, unknown>;
    const text = await readFile(demoLaterChangePath(), 'utf8');
    expect(text.length).toBeLessThan(32_000);
    const change = JSON.parse(text) as Parameters<typeof applySnapshotChange>[1];
    const later = applySnapshotChange(base, change);
    expect(snapshotChange(base, later, change.description)).toEqual(change);
    const { snapshot } = await loadDemoState(true);
    expect(snapshot.users!.length).toBe((base.users as unknown[]).length + 1);
  });

  it('refuses to apply to another snapshot', () => {
    const change = { mfaguardSnapshotChange: 1 as const, base: { tenantId: 't', collectedAt: '2026-01-01T00:00:00Z' }, changes: {} };
    expect(() => applySnapshotChange({ tenant: { id: 'other' }, collectedAt: '2026-01-01T00:00:00Z' }, change)).toThrow(/for tenant t/);
  });
});
