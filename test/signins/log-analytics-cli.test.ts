/**
 * `mfaguard scan --log-analytics WORKSPACE_ID`: flag validation (exit 2 with the reason) and a scan
 * whose sign-in evidence comes from the emulator's Log Analytics query API, signed in with a client
 * secret from the environment over HTTPS (the emulator's CA through --ca-file).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../devkit/emulator/index.js';
import { DEMO, mfaguard } from '../cli/run.js';
import { tenant } from '../emulator/helpers.js';
import { generateSignInRows } from '../helpers/signin-rows.js';

const WORKSPACE = '0b0e0c0d-1111-4222-8333-444455556666';

describe('scan --log-analytics', () => {
  it('refuses a workspace that is not a GUID, an endpoint without a workspace, and missing credentials', async () => {
    const notGuid = await mfaguard(['scan', '--snapshot', DEMO, '--log-analytics', 'my-workspace']);
    expect(notGuid.code).toBe(2);
    expect(notGuid.stderr).toMatch(/workspace id/);
    const endpointOnly = await mfaguard(['scan', '--snapshot', DEMO, '--log-analytics-endpoint', 'https://example.test']);
    expect(endpointOnly.code).toBe(2);
    expect(endpointOnly.stderr).toMatch(/needs --log-analytics/);
    const noSecret = await mfaguard(['scan', '--snapshot', DEMO, '--log-analytics', WORKSPACE, '--auth', 'client-secret'], { AZURE_TENANT_ID: '', AZURE_CLIENT_ID: '', AZURE_CLIENT_SECRET: '' });
    expect(noSecret.code).toBe(2);
    // the sign-in flags belong to live collection, except with --log-analytics
    expect((await mfaguard(['scan', '--snapshot', DEMO, '--auth', 'client-secret'])).code).toBe(2);
  }, 60_000);

  it('scans with evidence queried from the workspace', async () => {
    const emu = await startEmulator({ snapshot: tenant(5, 3), tls: true, logAnalytics: { rows: generateSignInRows(5), workspaceIds: [WORKSPACE] } });
    const dir = await mkdtemp(join(tmpdir(), 'mfaguard-la-'));
    try {
      await writeFile(join(dir, 'ca.pem'), emu.ca!);
      const r = await mfaguard(
        ['scan', '--snapshot', DEMO, '--format', 'json', '--log-analytics', WORKSPACE, '--log-analytics-endpoint', emu.logAnalyticsUrl,
          '--auth', 'client-secret', '--client-id', emu.clientId, '--authority-host', emu.authorityHost, '--ca-file', join(dir, 'ca.pem')],
        { AZURE_CLIENT_SECRET: emu.clientSecret, AZURE_TENANT_ID: emu.tenantId },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toHaveProperty('findings');
      // the workspace was queried (the up-front probe, plus whatever the rules asked)
      expect(emu.logAnalyticsStats().queries).toBeGreaterThanOrEqual(1);
      const other = await mfaguard(
        ['scan', '--snapshot', DEMO, '--log-analytics', '99999999-9999-4999-8999-999999999999', '--log-analytics-endpoint', emu.logAnalyticsUrl,
          '--auth', 'client-secret', '--client-id', emu.clientId, '--authority-host', emu.authorityHost, '--ca-file', join(dir, 'ca.pem')],
        { AZURE_CLIENT_SECRET: emu.clientSecret, AZURE_TENANT_ID: emu.tenantId },
      );
      expect(other.code).toBe(2);
      expect(other.stderr).toMatch(/cannot query workspace 99999999.*404/);
    } finally {
      await emu.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
