/** `mfaguard signins --snapshot`: the workbook pivots from the command line, tables and JSON, filters, exit codes. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot, user } from '../helpers/snapshot-builder.js';
import { GRAPH, OUTLOOK, cli, signIn, singleFactor } from '../helpers/signins.js';
import { mfaguard } from './run.js';

let dir: string;
let withSignIns: string;
let without: string;
const alice = user('alice@contoso.com');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mfaguard-signins-'));
  withSignIns = join(dir, 'with.json');
  without = join(dir, 'without.json');
  const signIns = [
    signIn(alice, '2026-10-01T09:00:00Z'),
    signIn(alice, '2026-10-02T09:00:00Z', { ...cli(), ...singleFactor }),
    signIn(alice, '2026-10-03T09:00:00Z', { appId: OUTLOOK, appDisplayName: 'Outlook', resourceId: null, clientAppUsed: 'IMAP4', ...singleFactor }),
    signIn(alice, '2026-10-04T09:00:00Z', { appId: GRAPH, appDisplayName: 'Microsoft Graph', resourceId: GRAPH, ...singleFactor }),
  ];
  await writeFile(withSignIns, JSON.stringify({ ...snapshot({ users: [alice] }), signIns }));
  await writeFile(without, JSON.stringify(snapshot({ users: [alice] })));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('mfaguard signins', () => {
  it('prints the pivots as tables', async () => {
    const r = await mfaguard(['signins', '--snapshot', withSignIns]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('MFA gaps workbook — Contoso');
    expect(r.stdout).toMatch(/Total\n\s+sign-ins\s+protected by MFA\s+not protected\s+MFA %\s+users\n\s+4\s+1\s+3\s+25%\s+1/);
    expect(r.stdout).toContain('interactive and non-interactive sign-ins (the workbook reads interactive only)');
  });

  it('--format json with the filters applied', async () => {
    const r = await mfaguard(['signins', '--snapshot', withSignIns, '--format', 'json', '--exclude-graph', '--interactive-only']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ mfaguardSignIns: 1, tenant: { displayName: 'Contoso' }, total: { signIns: 3, singleFactor: 2 }, signInTypes: 'interactiveOnly' });
    expect(out.filters).toMatchObject({ excludeGraph: true, interactiveOnly: true, homeTenantOnly: true });
    const legacy = JSON.parse((await mfaguard(['signins', '--snapshot', withSignIns, '--format', 'json', '--legacy-only', '--top', '1'])).stdout);
    expect(legacy.pivots.clientApp).toEqual([expect.objectContaining({ keys: ['IMAP4'], signIns: 1 })]);
    const asOf = JSON.parse((await mfaguard(['signins', '--snapshot', withSignIns, '--format', 'json', '--as-of', '2026-10-02T00:00:00Z', '--include-other-tenants', '--trusted-locations-only'])).stdout);
    expect(asOf.total.signIns).toBe(0);
  });

  it('exits 2 for a snapshot without sign-ins, a bad format or --top, and without --snapshot', async () => {
    const none = await mfaguard(['signins', '--snapshot', without]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no sign-ins');
    expect((await mfaguard(['signins', '--snapshot', withSignIns, '--format', 'csv'])).code).toBe(2);
    expect((await mfaguard(['signins', '--snapshot', withSignIns, '--top', '-1'])).code).toBe(2);
    expect((await mfaguard(['signins'])).code).toBe(2);
  });
});
