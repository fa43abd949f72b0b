/**
 * A signed-in Graph writer for apply and rollback: the one Azure client (retries on 429/5xx, request
 * ids, If-Match) behind the GraphWriter shape apply uses, the tenant id and the operator's identity
 * read from the token's claims. The token itself is never returned, logged or written.
 */
import type { TokenCredential } from '@azure/identity';
import { InputError } from '../errors.js';
import { createCredential, TokenSource, type AuthMode } from '../azure/auth.js';
import { resolveEndpoints, type CloudName } from '../azure/clouds.js';
import { AzureClient } from '../azure/client.js';
import { HttpTransport } from '../azure/http.js';
import type { GraphWriter } from './apply.js';

export interface SessionOptions {
  tenant?: string | undefined;
  auth?: AuthMode | undefined;
  clientId?: string | undefined;
  cloud?: CloudName | undefined;
  authorityHost?: string | undefined;
  graphEndpoint?: string | undefined;
  armEndpoint?: string | undefined;
  ca?: (string | Buffer)[] | undefined;
  credential?: TokenCredential;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number | undefined;
  maxAttempts?: number | undefined;
}

export interface GraphSession {
  api: GraphWriter;
  tenantId: string;
  /** `upn`/`preferred_username` for a person, else `app:<appid>`; with the object id. */
  operator: string;
  /** The credential signed in with: the guard's read of the tenant (readTenantForGuard) reuses it, so nobody signs in twice. */
  credential: TokenCredential;
  close(): void;
}

/** The claims of a JWT (no signature check: only used to name the caller and its tenant). */
export function tokenClaims(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export function operatorOf(claims: Record<string, unknown>): string {
  const person = claims.upn ?? claims.preferred_username ?? claims.unique_name;
  const who = typeof person === 'string' ? person : typeof claims.appid === 'string' ? `app:${claims.appid}` : typeof claims.azp === 'string' ? `app:${claims.azp}` : 'unknown';
  return typeof claims.oid === 'string' ? `${who} (oid ${claims.oid})` : who;
}

export async function openGraphSession(opts: SessionOptions): Promise<GraphSession> {
  const env = opts.env ?? process.env;
  let endpoints;
  try {
    endpoints = resolveEndpoints(opts.cloud ?? 'AzureCloud', { authorityHost: opts.authorityHost, graph: opts.graphEndpoint, arm: opts.armEndpoint });
  } catch (err) {
    throw new InputError((err as Error).message);
  }
  const tenantArg = opts.tenant ?? env.AZURE_TENANT_ID;
  const credential = opts.credential ?? (await createCredential({ mode: opts.auth ?? 'default', tenant: tenantArg, clientId: opts.clientId, endpoints, ca: opts.ca, env }).catch((err: Error) => {
    throw new InputError(err.message);
  }));
  const tokens = new TokenSource(credential, tenantArg);
  const transport = new HttpTransport({ ca: opts.ca, timeoutMs: opts.timeoutMs ?? 100_000 });
  const client = new AzureClient({ endpoints, tokens, transport, maxAttempts: opts.maxAttempts ?? 10 });
  let claims: Record<string, unknown>;
  try {
    claims = tokenClaims(await tokens.get(endpoints.graphScope));
  } catch (err) {
    transport.close();
    throw new InputError(`sign-in failed (--auth ${opts.auth ?? 'default'}): ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
  const tenantId = typeof claims.tid === 'string' ? claims.tid : tenantArg;
  if (!tenantId) {
    transport.close();
    throw new InputError('could not tell which tenant the credentials are for; pass --tenant');
  }
  const url = (path: string) => `${endpoints.graph}${path}`;
  const out = (r: { json: unknown; requestId?: string }) => ({ json: r.json, ...(r.requestId ? { requestId: r.requestId } : {}) });
  const api: GraphWriter = {
    get: async (p) => out(await client.get(url(p))),
    post: async (p, b) => out(await client.post(url(p), b)),
    patch: async (p, b, ifMatch) => out(await client.patch(url(p), b, ifMatch ? { ifMatch } : {})),
    delete: async (p) => out(await client.delete(url(p))),
  };
  return { api, tenantId, operator: operatorOf(claims), credential, close: () => transport.close() };
}
