/**
 * Sign-in modes through @azure/identity against the emulator's token endpoint: certificate (client
 * assertion signed with the app's key) next to the client secret the other tests use.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateSnapshot } from '../../devkit/gen/generate.js';
import { collectTenant } from '../../src/collect/collect.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import { startEmulator } from '../../devkit/emulator/index.js';

let root: string;
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'mfaguard-auth-')); });
afterAll(async () => { await rm(root, { recursive: true, force: true }); });

const haveOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

it.skipIf(!haveOpenssl)('--auth certificate: AZURE_CLIENT_CERTIFICATE_PATH (PEM with key and certificate)', async () => {
  const key = join(root, 'key.pem');
  const crt = join(root, 'crt.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '2', '-subj', '/CN=mfaguard-test'], { stdio: 'ignore' });
  const cert = await readFile(crt, 'utf8');
  const bundle = join(root, 'app.pem');
  await writeFile(bundle, (await readFile(key, 'utf8')) + cert);
  const clientId = '0c0ffee0-0000-4000-8000-000000000001';
  const emu = await startEmulator({ snapshot: generateSnapshot({ users: 80, seed: 4 }), port: 0, tls: true, clients: [{ clientId, certificatePem: cert }] });
  try {
    const out = join(root, 'snap');
    const r = await collectTenant({
      out, auth: 'certificate', tenant: emu.tenantId, clientId,
      env: { AZURE_CLIENT_CERTIFICATE_PATH: bundle },
      authorityHost: emu.authorityHost, graphEndpoint: emu.graphUrl, armEndpoint: emu.armUrl, ca: [emu.ca!],
      logFormat: 'json', logSink: { write: () => undefined }, skip: ['azure'],
    });
    expect(r.unavailable).toEqual({});
    expect((await loadSnapshot(out)).snapshot.users).toHaveLength(80);
  } finally {
    await emu.close();
  }
}, 60_000);

it('--auth client-secret without a secret: a clear error naming the variable', async () => {
  await expect(collectTenant({ out: join(root, 'x'), auth: 'client-secret', tenant: '11111111-1111-1111-1111-111111111111', clientId: 'abc', env: {}, logSink: { write: () => undefined } }))
    .rejects.toThrow(/AZURE_CLIENT_SECRET/);
});
