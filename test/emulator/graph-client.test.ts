/**
 * Protocol fidelity checked by a client we did not write: Microsoft's JavaScript Graph client
 * (@microsoft/microsoft-graph-client, with @azure/identity's ClientSecretCredential behind its
 * TokenCredentialAuthenticationProvider) pages through every user with PageIterator and sends
 * $batch requests with BatchRequestContent / BatchResponseContent against the emulator over HTTPS.
 * It runs in a child process that trusts the emulator's certificate through NODE_EXTRA_CA_CERTS,
 * exactly as a user would (the variable is read at process start).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startEmulator } from '../../devkit/emulator/index.js';
import { tenant, type Json } from './helpers.js';

const SCRIPT = join(import.meta.dirname, 'fixtures', 'graph-client-run.mjs');

it('PageIterator and BatchRequestContent/BatchResponseContent work against the emulator', async () => {
  const src = tenant(450, 21);
  const emu = await startEmulator({ snapshot: src, tls: true, limits: 'graph' });
  const dir = await mkdtemp(join(tmpdir(), 'mfaguard-graph-client-'));
  try {
    const ca = join(dir, 'ca.pem');
    await writeFile(ca, emu.ca!);
    const env = {
      ...process.env,
      NODE_EXTRA_CA_CERTS: ca,
      EMU_URL: emu.url,
      EMU_TENANT: emu.tenantId,
      EMU_CLIENT_ID: emu.clientId,
      EMU_CLIENT_SECRET: emu.clientSecret,
      EMU_PAGE: '40',
    };
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [SCRIPT], { env, timeout: 20_000 }, (err, out, errText) => (err ? reject(new Error(`${err.message}\n${errText}`)) : resolve(out)));
    });
    const out = JSON.parse(stdout) as Json;
    expect(out.users).toEqual({ count: 450, unique: 450, pages: 12, firstKeys: ['id', 'userPrincipalName', 'userType', 'perUserMfaState'] });
    expect(out.batch.statuses).toEqual({ 1: 200, 2: 200, 3: 404, 4: 200 });
    expect(out.batch.user2).toMatchObject({ id: src.users![0]!.id, displayName: src.users![0]!.displayName });
    expect(out.batch.chainStatuses).toEqual({ a: 404, b: 424 });
    // the SDK keeps the version in item URLs; the emulator accepts that like Graph
    expect(out.batch.requestUrls[0]).toBe('/v1.0/users?$select=id&$top=3');
    expect(out.error).toEqual({ statusCode: 404, code: 'Request_ResourceNotFound' });
    const st = emu.stats();
    expect(st.routes['GET /v1.0/users']).toBe(12 + 1);
    expect(st.routes['POST /v1.0/$batch']).toBe(2);
    expect(st.routes['POST /{tenant}/oauth2/v2.0/token']).toBe(1);
  } finally {
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 30_000);
