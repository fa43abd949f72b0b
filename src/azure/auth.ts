/**
 * Sign-in through @azure/identity. Each `--auth` mode maps to one SDK credential and reads the SDK's
 * usual environment variables (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET,
 * AZURE_CLIENT_CERTIFICATE_PATH, AZURE_CLIENT_CERTIFICATE_PASSWORD, AZURE_CLIENT_SEND_CERTIFICATE_CHAIN).
 * Secrets are only ever taken from the environment (never from argv, where `ps` would show them) and
 * never logged: `secretsOf()` lists them so the logger can scrub them from any text it prints.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { isKnownAuthorityHost, type ResolvedEndpoints } from './clouds.js';

export const AUTH_MODES = ['default', 'device-code', 'client-secret', 'certificate', 'managed-identity', 'azure-cli'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export class AuthConfigError extends Error {
  override name = 'AuthConfigError';
}

export interface AuthOptions {
  mode: AuthMode;
  /** Tenant id or domain (`--tenant`, else AZURE_TENANT_ID). */
  tenant?: string | undefined;
  /** App (client) id (`--client-id`, else AZURE_CLIENT_ID). */
  clientId?: string | undefined;
  endpoints: ResolvedEndpoints;
  /** Extra trusted CA certificates (PEM) for the token endpoint, e.g. a TLS-inspecting proxy or the emulator. */
  ca?: (string | Buffer)[] | undefined;
  /** Where device-code instructions go (stderr). */
  prompt?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Values that must never appear in a log line or the snapshot. */
export function secretsOf(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.AZURE_CLIENT_SECRET, env.AZURE_CLIENT_CERTIFICATE_PASSWORD, env.AZURE_PASSWORD].filter((s): s is string => !!s && s.length >= 4);
}

export async function createCredential(opts: AuthOptions): Promise<TokenCredential> {
  const env = opts.env ?? process.env;
  const identity = await import('@azure/identity');
  const tenantId = opts.tenant ?? env.AZURE_TENANT_ID;
  const clientId = opts.clientId ?? env.AZURE_CLIENT_ID;
  const authorityHost = opts.endpoints.authorityHost;
  const common = {
    authorityHost,
    // A non-Microsoft authority host (emulator, private cloud): MSAL must not ask login.microsoftonline.com about it.
    disableInstanceDiscovery: !isKnownAuthorityHost(authorityHost),
    ...(opts.ca?.length ? { tlsOptions: { ca: opts.ca } } : {}),
    // Token requests: a few retries, the SDK's own policy.
    retryOptions: { maxRetries: 4 },
  };
  const need = (what: string, v: string | undefined, hint: string): string => {
    if (!v) throw new AuthConfigError(`--auth ${opts.mode} needs ${what} (${hint})`);
    return v;
  };
  switch (opts.mode) {
    case 'client-secret': {
      const t = need('a tenant', tenantId, '--tenant or AZURE_TENANT_ID');
      const c = need('a client id', clientId, '--client-id or AZURE_CLIENT_ID');
      const secret = need('a client secret', env.AZURE_CLIENT_SECRET, 'AZURE_CLIENT_SECRET; secrets are read from the environment only');
      return new identity.ClientSecretCredential(t, c, secret, common);
    }
    case 'certificate': {
      const t = need('a tenant', tenantId, '--tenant or AZURE_TENANT_ID');
      const c = need('a client id', clientId, '--client-id or AZURE_CLIENT_ID');
      const certificatePath = need('a certificate', env.AZURE_CLIENT_CERTIFICATE_PATH, 'AZURE_CLIENT_CERTIFICATE_PATH (PEM or PFX)');
      const sendChain = /^(1|true)$/i.test(env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN ?? '');
      const pwd = env.AZURE_CLIENT_CERTIFICATE_PASSWORD;
      return new identity.ClientCertificateCredential(t, c, { certificatePath, ...(pwd ? { certificatePassword: pwd } : {}) }, { ...common, sendCertificateChain: sendChain });
    }
    case 'device-code':
      return new identity.DeviceCodeCredential({
        ...common,
        ...(tenantId ? { tenantId } : {}),
        ...(clientId ? { clientId } : {}),
        userPromptCallback: (info) => (opts.prompt ?? ((m: string) => process.stderr.write(m + '\n')))(info.message),
      });
    case 'managed-identity':
      return clientId ? new identity.ManagedIdentityCredential({ ...common, clientId }) : new identity.ManagedIdentityCredential(common);
    case 'azure-cli':
      return new identity.AzureCliCredential(tenantId ? { tenantId } : {});
    case 'default':
      return new identity.DefaultAzureCredential({
        ...common,
        ...(tenantId ? { tenantId } : {}),
        ...(clientId ? { managedIdentityClientId: clientId } : {}),
      });
  }
}

/**
 * Bearer tokens per scope, refreshed a few minutes before they expire (the SDK caches too; this
 * saves a call per request). Concurrent callers share one refresh.
 */
export class TokenSource {
  private readonly cache = new Map<string, { token: AccessToken } | { pending: Promise<AccessToken> }>();
  constructor(private readonly credential: TokenCredential, private readonly tenantId?: string) {}

  async get(scope: string, force = false): Promise<string> {
    const entry = this.cache.get(scope);
    if (entry && 'pending' in entry) return (await entry.pending).token;
    const refreshAt = (t: AccessToken) => Math.min(t.refreshAfterTimestamp ?? Infinity, t.expiresOnTimestamp - 5 * 60_000);
    if (!force && entry && 'token' in entry && Date.now() < refreshAt(entry.token)) return entry.token.token;
    const pending = this.credential.getToken(scope, this.tenantId ? { tenantId: this.tenantId } : {}).then((t) => {
      if (!t) throw new Error(`no access token for ${scope}`);
      return t;
    });
    this.cache.set(scope, { pending });
    try {
      const token = await pending;
      this.cache.set(scope, { token });
      return token.token;
    } catch (err) {
      this.cache.delete(scope);
      throw err;
    }
  }
}
