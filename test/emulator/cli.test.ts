/** `mfaguard-emulator` (devkit/bin/emulator.js, built CLI): prints its URLs, serves, stops on SIGTERM. */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'devkit', 'bin', 'emulator.js');

function run(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

it('serves the demo tenant over HTTPS, prints URLs and env, and stops cleanly on SIGTERM', async () => {
  const p = run(['--snapshot', join(ROOT, 'demo', 'tenant.json'), '--port', '0', '--tls', '--json']);
  try {
    const deadline = Date.now() + 10_000;
    while (!p.out().includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const info = JSON.parse(p.out().split('\n')[0]!) as { url: string; tenantId: string; caFile: string; env: Record<string, string>; clientId: string; clientSecret: string };
    expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(info.env).toMatchObject({ AZURE_TENANT_ID: info.tenantId, AZURE_AUTHORITY_HOST: info.url, NODE_EXTRA_CA_CERTS: info.caFile });
    const ca = await readFile(info.caFile, 'utf8');
    const body = await new Promise<string>((resolve, reject) => {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: info.clientId, client_secret: info.clientSecret, scope: 'https://graph.microsoft.com/.default' }).toString();
      const req = request(`${info.url}/${info.tenantId}/oauth2/v2.0/token`, { method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
        let t = '';
        res.on('data', (c: Buffer) => (t += c.toString()));
        res.on('end', () => resolve(t));
      });
      req.on('error', reject);
      req.end(form);
    });
    expect(JSON.parse(body).token_type).toBe('Bearer');
  } finally {
    p.child.kill('SIGTERM');
  }
  expect(await p.exited).toBe(0);
}, 20_000);

it('refuses a non-loopback host and a missing snapshot with exit 2', async () => {
  const a = run(['--snapshot', join(ROOT, 'demo', 'tenant.json'), '--host', '0.0.0.0']);
  expect(await a.exited).toBe(2);
  expect(a.err()).toMatch(/loopback/);
  const b = run(['--port', '0']);
  expect(await b.exited).toBe(2);
  expect(b.err()).toMatch(/--snapshot/);
});
