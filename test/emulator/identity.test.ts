/**
 * The identity platform side: OIDC and instance discovery, JWKS, and @azure/identity's own
 * credentials (unmodified) signing in at the emulator over HTTPS — client secret, client
 * certificate (client assertion) and device code.
 */
import { Agent } from 'node:https';
import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientCertificateCredential, ClientSecretCredential, DeviceCodeCredential } from '@azure/identity';
import { generate } from 'selfsigned';
import { startEmulator, type EmulatorHandle } from '../../devkit/emulator/index.js';
import { tenant, type Json } from './helpers.js';

let emu: EmulatorHandle;
let agent: Agent;
let clientCert: { private: string; cert: string };
const CERT_APP = '7e57ce57-0000-4000-8000-0000000000c1';
const PUBLIC_APP = '7e57ce57-0000-4000-8000-0000000000d2';

const claims = (jwt: string): Json => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Json;

beforeAll(async () => {
  clientCert = await generate([{ name: 'commonName', value: 'mfaguard test app' }], { keySize: 2048, algorithm: 'sha256' });
  emu = await startEmulator({
    snapshot: tenant(60, 2),
    tls: true,
    deviceCodeInterval: 1,
    clients: [
      { clientId: '5e7ab1e5-0000-4000-8000-00000000e401', clientSecret: 's3cret-value', roles: ['Directory.Read.All'] },
      { clientId: CERT_APP, certificatePem: clientCert.cert },
      { clientId: PUBLIC_APP },
    ],
  });
  agent = new Agent({ ca: emu.ca });
});
afterAll(async () => {
  agent.destroy();
  await emu.close();
});

async function getJson(path: string): Promise<Json> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    request(`${emu.url}${path}`, { agent }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(JSON.parse(text) as Json));
    }).on('error', reject).end();
  });
}

describe('discovery', () => {
  it('serves OIDC metadata, instance discovery and the signing keys over HTTPS', async () => {
    const oidc = await getJson(`/${emu.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(oidc.token_endpoint).toBe(`${emu.url}/${emu.tenantId}/oauth2/v2.0/token`);
    expect(oidc.issuer).toBe(`${emu.url}/${emu.tenantId}/v2.0`);
    expect(oidc.device_authorization_endpoint).toBe(`${emu.url}/${emu.tenantId}/oauth2/v2.0/devicecode`);
    const byDomain = await getJson(`/${tenant(60, 2).tenant.defaultDomain}/v2.0/.well-known/openid-configuration`);
    expect(byDomain.token_endpoint).toBe(oidc.token_endpoint);
    const inst = await getJson(`/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${emu.url}/common/oauth2/v2.0/authorize`)}`);
    expect(inst.tenant_discovery_endpoint).toContain('/v2.0/.well-known/openid-configuration');
    expect(inst.metadata[0].aliases).toEqual([new URL(emu.url).host]);
    const jwks = await getJson(`/${emu.tenantId}/discovery/v2.0/keys`);
    expect(jwks.keys[0].kty).toBe('RSA');
    // a token the emulator issues verifies with the published key
    const token = emu.issueToken();
    const [h, p, s] = token.split('.');
    const key = createPublicKey({ key: jwks.keys[0], format: 'jwk' });
    expect(verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s!, 'base64url'))).toBe(true);
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString()).kid).toBe(jwks.keys[0].kid);
  });
});

describe('@azure/identity against the emulator', () => {
  it('ClientSecretCredential gets Graph and ARM tokens whose audience follows the scope', async () => {
    const cred = new ClientSecretCredential(emu.tenantId, '5e7ab1e5-0000-4000-8000-00000000e401', 's3cret-value', { authorityHost: emu.authorityHost, disableInstanceDiscovery: true, agent });
    const g = await cred.getToken('https://graph.microsoft.com/.default');
    expect(g.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3000_000);
    expect(claims(g.token)).toMatchObject({ aud: 'https://graph.microsoft.com', tid: emu.tenantId, appid: '5e7ab1e5-0000-4000-8000-00000000e401', idtyp: 'app', roles: ['Directory.Read.All'] });
    const a = await cred.getToken('https://management.azure.com/.default');
    expect(claims(a.token).aud).toBe('https://management.azure.com/');
    const st = emu.stats();
    expect(st.routes['POST /{tenant}/oauth2/v2.0/token']).toBeGreaterThanOrEqual(2);
    expect(st.families.identity.requests).toBeGreaterThanOrEqual(3);
  });

  it('a wrong secret fails with AADSTS7000215', async () => {
    const cred = new ClientSecretCredential(emu.tenantId, '5e7ab1e5-0000-4000-8000-00000000e401', 'wrong', { authorityHost: emu.authorityHost, disableInstanceDiscovery: true, agent });
    await expect(cred.getToken('https://graph.microsoft.com/.default')).rejects.toThrow(/AADSTS7000215/);
  });

  it('ClientCertificateCredential signs a client assertion the emulator verifies', async () => {
    const cred = new ClientCertificateCredential(emu.tenantId, CERT_APP, { certificate: `${clientCert.private}\n${clientCert.cert}` }, { authorityHost: emu.authorityHost, disableInstanceDiscovery: true, agent });
    const t = await cred.getToken('https://graph.microsoft.com/.default');
    expect(claims(t.token)).toMatchObject({ appid: CERT_APP, appidacr: '2' });
    // a different key for the same app is refused
    const other = await generate([{ name: 'commonName', value: 'impostor' }], { keySize: 2048, algorithm: 'sha256' });
    const bad = new ClientCertificateCredential(emu.tenantId, CERT_APP, { certificate: `${other.private}\n${other.cert}` }, { authorityHost: emu.authorityHost, disableInstanceDiscovery: true, agent });
    await expect(bad.getToken('https://graph.microsoft.com/.default')).rejects.toThrow(/AADSTS700027/);
  });

  it('DeviceCodeCredential: the user approves the code, the poll returns a delegated token', async () => {
    const user = tenant(60, 2).users!.find((u) => u.userType === 'Member')!;
    let prompt = '';
    const cred = new DeviceCodeCredential({
      tenantId: emu.tenantId,
      clientId: PUBLIC_APP,
      authorityHost: emu.authorityHost,
      disableInstanceDiscovery: true,
      agent,
      userPromptCallback: (info) => {
        prompt = info.message;
        setTimeout(() => emu.approveDeviceCode(info.userCode, user.userPrincipalName!), 200);
      },
    } as ConstructorParameters<typeof DeviceCodeCredential>[0]);
    const t = await cred.getToken('https://graph.microsoft.com/.default');
    expect(prompt).toMatch(/devicelogin/);
    expect(claims(t.token)).toMatchObject({ idtyp: 'user', oid: user.id, upn: user.userPrincipalName, aud: 'https://graph.microsoft.com' });
  }, 15_000);
});
