/**
 * Microsoft identity platform emulation: OIDC discovery, instance discovery, JWKS, the v2.0 token
 * endpoint (client_credentials with a secret or a client assertion, device code, refresh token) and
 * the device code endpoint. Access tokens are RS256 JWTs signed with a key made at start; their `aud`
 * is Graph or ARM according to the requested scope, like Entra ID's.
 */
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import type { EmuRequest, EmuResponse, EmulatorClient } from './types.js';
import { b64url, isGuid, isObject, JSON_PLAIN } from './util.js';

/** Graph resource identifiers (all clouds) → tokens for Graph. */
const GRAPH_RESOURCES = [
  'https://graph.microsoft.com',
  '00000003-0000-0000-c000-000000000000',
  'https://graph.microsoft.us',
  'https://dod-graph.microsoft.us',
  'https://microsoftgraph.chinacloudapi.cn',
];
/** ARM resource identifiers (all clouds) → tokens for ARM. */
const ARM_RESOURCES = [
  'https://management.azure.com',
  'https://management.core.windows.net',
  '797f4846-ba00-4fd7-ba43-dac1f8f63013',
  'https://management.usgovcloudapi.net',
  'https://management.core.usgovcloudapi.net',
  'https://management.chinacloudapi.cn',
  'https://management.core.chinacloudapi.cn',
];

/** Log Analytics query API resource identifiers (all clouds) → tokens for Log Analytics. */
const LOG_ANALYTICS_RESOURCES = ['https://api.loganalytics.io', 'https://api.loganalytics.us', 'https://api.loganalytics.azure.cn', 'ca7f3f0b-7d91-482c-8e09-c5d840d0eac5'];
export const LOG_ANALYTICS_AUDIENCE = 'https://api.loganalytics.io';

export const GRAPH_AUDIENCES = new Set(GRAPH_RESOURCES.map((r) => r.toLowerCase()));
export const ARM_AUDIENCES = new Set(ARM_RESOURCES.flatMap((r) => [r.toLowerCase(), `${r.toLowerCase()}/`]));

/** Every application permission the emulator checks (read and write). */
export const ALL_ROLES = [
  'User.Read.All',
  'Group.Read.All',
  'GroupMember.Read.All',
  'Application.Read.All',
  'Directory.Read.All',
  'Organization.Read.All',
  'RoleManagement.Read.Directory',
  'RoleEligibilitySchedule.Read.Directory',
  'Policy.Read.All',
  'AuditLog.Read.All',
  'Reports.Read.All',
  'UserAuthenticationMethod.Read.All',
  'Policy.ReadWrite.ConditionalAccess',
  'Policy.ReadWrite.AuthenticationMethod',
  'Policy.ReadWrite.SecurityDefaults',
];

export const DEFAULT_CLIENT: Required<Pick<EmulatorClient, 'clientId' | 'clientSecret' | 'displayName'>> = {
  clientId: '5e7ab1e5-0000-4000-8000-00000000e401',
  clientSecret: 'mfaguard-emulator-secret',
  displayName: 'mfaguard emulator client',
};

export interface TokenClaims {
  aud: string;
  iss: string;
  tid: string;
  appid: string;
  oid: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  idtyp: 'app' | 'user';
  roles?: string[];
  scp?: string;
  upn?: string;
  [k: string]: unknown;
}

export interface IdentityContext {
  tenantId: string;
  /** Lower-case names the tenant answers to (id, domains). */
  tenantNames: Set<string>;
  clients: EmulatorClient[];
  tokenLifetime: number;
  deviceCodeInterval: number;
  deviceCodeAutoApprove: boolean;
  /** Finds a user by id or UPN for delegated tokens; undefined when none. */
  findUser(idOrUpn?: string): { id: string; userPrincipalName?: string | null; displayName?: string | null } | undefined;
}

interface DeviceCodeEntry {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string;
  expiresAt: number;
  approvedUserId?: string;
}

interface RefreshEntry {
  clientId: string;
  userId: string;
  scope: string;
}

export class Identity {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly kid: string;
  private readonly deviceCodes = new Map<string, DeviceCodeEntry>();
  private readonly refreshTokens = new Map<string, RefreshEntry>();

  constructor(readonly ctx: IdentityContext) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.kid = createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
  }

  // ---------- JWT ----------

  signJwt(payload: Record<string, unknown>): string {
    const header = { typ: 'JWT', alg: 'RS256', x5t: this.kid, kid: this.kid };
    const data = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const sig = sign('sha256', Buffer.from(data), this.privateKey);
    return `${data}.${b64url(sig)}`;
  }

  /** Verifies signature, lifetime and tenant; returns the claims or why the token is rejected. */
  verifyAccessToken(token: string): { claims: TokenClaims } | { error: string } {
    const parts = token.split('.');
    if (parts.length !== 3) return { error: 'IDX14100: JWT is not well formed.' };
    const ok = (() => {
      try {
        return verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2]!, 'base64url'));
      } catch {
        return false;
      }
    })();
    if (!ok) return { error: 'Invalid signature.' };
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return { error: 'IDX14100: JWT is not well formed.' };
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp < now) return { error: 'Lifetime validation failed, the token is expired.' };
    if (claims.tid !== this.ctx.tenantId) return { error: 'Invalid tenant.' };
    return { claims };
  }

  issueAccessToken(opts: { audience: string; clientId: string; roles?: string[]; user?: { id: string; upn?: string | null; name?: string | null }; scp?: string; lifetime?: number; appidacr?: string }): string {
    const now = Math.floor(Date.now() / 1000);
    const client = this.ctx.clients.find((c) => c.clientId.toLowerCase() === opts.clientId.toLowerCase());
    const spOid = uuidFrom(`sp:${opts.clientId}`);
    const tid = this.ctx.tenantId;
    const payload: Record<string, unknown> = {
      aud: opts.audience,
      iss: `https://sts.windows.net/${tid}/`,
      iat: now,
      nbf: now,
      exp: now + (opts.lifetime ?? this.ctx.tokenLifetime),
      aio: b64url(randomBytes(24)),
      app_displayname: client?.displayName ?? 'mfaguard emulator client',
      appid: opts.clientId,
      appidacr: opts.appidacr ?? '1',
      idp: `https://sts.windows.net/${tid}/`,
      rh: '0.AAAA.',
      tid,
      uti: b64url(randomBytes(16)),
      ver: '1.0',
    };
    if (opts.user) {
      Object.assign(payload, {
        idtyp: 'user',
        oid: opts.user.id,
        sub: b64url(createHash('sha256').update(`${opts.user.id}:${opts.clientId}`).digest()).slice(0, 43),
        upn: opts.user.upn ?? undefined,
        unique_name: opts.user.upn ?? undefined,
        name: opts.user.name ?? undefined,
        scp: opts.scp ?? ALL_ROLES.join(' '),
        amr: ['pwd', 'mfa'],
      });
    } else {
      Object.assign(payload, { idtyp: 'app', oid: spOid, sub: spOid, roles: opts.roles ?? client?.roles ?? ALL_ROLES });
    }
    return this.signJwt(payload);
  }

  jwks(): Record<string, unknown> {
    const jwk = this.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    return { keys: [{ kty: 'RSA', use: 'sig', kid: this.kid, x5t: this.kid, n: jwk.n, e: jwk.e, issuer: `https://login.microsoftonline.com/${this.ctx.tenantId}/v2.0` }] };
  }

  // ---------- routes ----------

  /** Handles identity-platform paths; undefined when the path is not one of them. */
  handle(req: EmuRequest): EmuResponse | undefined {
    const s = req.segments;
    const low = s.map((x) => x.toLowerCase());
    if (low[0] === 'common' && low[1] === 'discovery' && low[2] === 'instance') return this.instanceDiscovery(req);
    if (low[0] === 'devicelogin') return this.deviceLogin(req);
    if (s.length < 2) return undefined;
    const tenantSeg = s[0]!;
    const rest = low.slice(1).join('/');
    const known = ['v2.0/.well-known/openid-configuration', '.well-known/openid-configuration', 'discovery/v2.0/keys', 'discovery/keys', 'oauth2/v2.0/token', 'oauth2/token', 'oauth2/v2.0/devicecode', 'oauth2/v2.0/authorize', 'oauth2/authorize'];
    if (!known.includes(rest)) return undefined;
    const tenant = this.resolveTenant(tenantSeg);
    if (!tenant) return aadError(400, 'invalid_tenant', 90002, `Tenant '${tenantSeg}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    switch (rest) {
      case 'v2.0/.well-known/openid-configuration':
      case '.well-known/openid-configuration':
        if (req.method !== 'GET') return aadError(405, 'invalid_request', 90056, 'Method not allowed.');
        return json(200, this.openidConfiguration(req.origin, tenantSeg, rest.startsWith('v2.0')));
      case 'discovery/v2.0/keys':
      case 'discovery/keys':
        return json(200, this.jwks());
      case 'oauth2/v2.0/token':
      case 'oauth2/token':
        if (req.method !== 'POST') return aadError(405, 'invalid_request', 90056, 'The token endpoint only accepts POST.');
        return this.token(req);
      case 'oauth2/v2.0/devicecode':
        if (req.method !== 'POST') return aadError(405, 'invalid_request', 90056, 'The device code endpoint only accepts POST.');
        return this.deviceCode(req);
      default:
        return aadError(400, 'invalid_request', 50011, 'Interactive sign-in is not available in the mfaguard emulator: use client credentials or the device code flow.');
    }
  }

  private resolveTenant(seg: string): string | undefined {
    const l = seg.toLowerCase();
    if (l === 'common' || l === 'organizations' || this.ctx.tenantNames.has(l)) return this.ctx.tenantId;
    return undefined;
  }

  openidConfiguration(origin: string, tenantSeg: string, v2: boolean): Record<string, unknown> {
    const generic = ['common', 'organizations'].includes(tenantSeg.toLowerCase());
    const t = generic ? '{tenantid}' : this.ctx.tenantId;
    const base = `${origin}/${t}`;
    return {
      token_endpoint: v2 ? `${base}/oauth2/v2.0/token` : `${base}/oauth2/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${origin}/${t === '{tenantid}' ? 'common' : t}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: v2 ? `${origin}/${t}/v2.0` : `https://sts.windows.net/${t}/`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${origin}/oidc/userinfo`,
      authorization_endpoint: v2 ? `${base}/oauth2/v2.0/authorize` : `${base}/oauth2/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
      tenant_region_scope: 'NA',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    };
  }

  private instanceDiscovery(req: EmuRequest): EmuResponse {
    const host = req.origin.replace(/^https?:\/\//, '');
    return json(200, {
      tenant_discovery_endpoint: `${req.origin}/${this.ctx.tenantId}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  }

  /** Which token audience a scope asks for; the emulator's own origin counts as Graph and ARM at once. */
  private audienceFor(scope: string, origin: string): string | { error: EmuResponse } {
    const scopes = scope.split(/\s+/).filter(Boolean).filter((x) => !['openid', 'profile', 'offline_access', 'email'].includes(x.toLowerCase()));
    if (scopes.length === 0) return { error: aadError(400, 'invalid_scope', 70011, "The provided value for the input parameter 'scope' is not valid.") };
    const resources = new Set<string>();
    for (const sc of scopes) {
      const m = /^(.*?)\/?([^/]*)$/.exec(sc);
      // a bare permission ("User.Read") means Graph, as in Entra ID; a bare GUID is a resource app id
      const resource = sc.includes('/') ? m![1]!.replace(/\/+$/, '') : isGuid(sc) ? sc : 'https://graph.microsoft.com';
      resources.add(resource.toLowerCase());
    }
    if (resources.size !== 1) return { error: aadError(400, 'invalid_scope', 28000, 'Provided value for the input parameter scope is not valid because it contains more than one resource.') };
    const r = [...resources][0]!;
    if (GRAPH_AUDIENCES.has(r)) return 'https://graph.microsoft.com';
    if (ARM_AUDIENCES.has(r) || ARM_AUDIENCES.has(`${r}/`)) return 'https://management.azure.com/';
    if (LOG_ANALYTICS_RESOURCES.includes(r)) return LOG_ANALYTICS_AUDIENCE;
    if (r === origin.toLowerCase()) return origin;
    return { error: aadError(400, 'invalid_resource', 500011, `The resource principal named ${r} was not found in the tenant named ${this.ctx.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`) };
  }

  private token(req: EmuRequest): EmuResponse {
    const form = req.body instanceof URLSearchParams ? req.body : undefined;
    if (!form) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    const grant = form.get('grant_type');
    let clientId = form.get('client_id') ?? '';
    let secret = form.get('client_secret') ?? undefined;
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const [id, sec] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      clientId ||= decodeURIComponent(id ?? '');
      secret ??= decodeURIComponent(sec ?? '');
    }
    if (!grant) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    if (!clientId) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
    const client = this.ctx.clients.find((c) => c.clientId.toLowerCase() === clientId.toLowerCase());
    if (!client) return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${this.ctx.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);

    if (grant === 'client_credentials') {
      const scope = form.get('scope') ?? '';
      if (!/\/\.default$/i.test(scope.trim())) return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
      let appidacr = '1';
      const assertion = form.get('client_assertion');
      if (assertion) {
        const err = this.checkAssertion(assertion, form.get('client_assertion_type'), client);
        if (err) return err;
        appidacr = '2';
      } else {
        if (!secret) return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
        if (client.clientSecret === undefined || secret !== client.clientSecret) return aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app.');
      }
      const aud = this.audienceFor(scope, req.origin);
      if (typeof aud !== 'string') return aud.error;
      const access = this.issueAccessToken({ audience: aud, clientId: client.clientId, appidacr });
      return json(200, { token_type: 'Bearer', expires_in: this.ctx.tokenLifetime, ext_expires_in: this.ctx.tokenLifetime, access_token: access });
    }

    if (grant === 'urn:ietf:params:oauth:grant-type:device_code' || grant === 'device_code') {
      const code = form.get('device_code') ?? form.get('code') ?? '';
      const entry = this.deviceCodes.get(code);
      if (!entry || entry.clientId.toLowerCase() !== clientId.toLowerCase()) return aadError(400, 'invalid_grant', 70000, 'The provided value for the input parameter device_code is not valid.');
      if (Date.now() > entry.expiresAt) {
        this.deviceCodes.delete(code);
        return aadError(400, 'expired_token', 70020, 'The provided value for the input parameter device_code has expired.');
      }
      if (!entry.approvedUserId && this.ctx.deviceCodeAutoApprove) entry.approvedUserId = this.ctx.findUser()?.id;
      if (!entry.approvedUserId) return aadError(400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.');
      this.deviceCodes.delete(code);
      return this.userTokens(req, client.clientId, entry.approvedUserId, entry.scope);
    }

    if (grant === 'refresh_token') {
      const rt = form.get('refresh_token') ?? '';
      const entry = this.refreshTokens.get(rt);
      if (!entry || entry.clientId.toLowerCase() !== clientId.toLowerCase()) return aadError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
      return this.userTokens(req, client.clientId, entry.userId, form.get('scope') ?? entry.scope);
    }

    return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`);
  }

  private userTokens(req: EmuRequest, clientId: string, userId: string, scope: string): EmuResponse {
    const user = this.ctx.findUser(userId);
    if (!user) return aadError(400, 'invalid_grant', 50034, 'The user account does not exist in this directory.');
    const aud = this.audienceFor(scope, req.origin);
    if (typeof aud !== 'string') return aud.error;
    const now = Math.floor(Date.now() / 1000);
    const access = this.issueAccessToken({ audience: aud, clientId, user: { id: user.id, upn: user.userPrincipalName, name: user.displayName } });
    const idToken = this.signJwt({
      aud: clientId,
      iss: `${req.origin}/${this.ctx.tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      name: user.displayName ?? undefined,
      oid: user.id,
      preferred_username: user.userPrincipalName ?? undefined,
      sub: user.id,
      tid: this.ctx.tenantId,
      ver: '2.0',
    });
    const refresh = b64url(randomBytes(32));
    this.refreshTokens.set(refresh, { clientId, userId: user.id, scope });
    return json(200, {
      token_type: 'Bearer',
      scope,
      expires_in: this.ctx.tokenLifetime,
      ext_expires_in: this.ctx.tokenLifetime,
      access_token: access,
      refresh_token: refresh,
      id_token: idToken,
      client_info: b64url(JSON.stringify({ uid: user.id, utid: this.ctx.tenantId })),
    });
  }

  private checkAssertion(assertion: string, type: string | null, client: EmulatorClient): EmuResponse | undefined {
    if (type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return aadError(400, 'invalid_request', 50027, "Invalid client_assertion_type: expected 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.");
    const parts = assertion.split('.');
    if (parts.length !== 3) return aadError(401, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
    let header: Record<string, unknown>;
    let payload: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return aadError(401, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
    }
    if (!isObject(header) || !isObject(payload)) return aadError(401, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
    const cid = client.clientId.toLowerCase();
    if (String(payload.iss ?? '').toLowerCase() !== cid || String(payload.sub ?? '').toLowerCase() !== cid) {
      return aadError(401, 'invalid_client', 700023, "Client assertion audience claim does not match Realm issuer: the 'iss' and 'sub' claims must be the client id.");
    }
    const aud = String(payload.aud ?? '');
    if (!/\/oauth2\/(v2\.0\/)?token$/i.test(aud) && !/^https:\/\/login\.microsoftonline\.com\//i.test(aud)) {
      return aadError(401, 'invalid_client', 700021, `Client assertion application identifier doesn't match 'client_id' parameter or the audience '${aud}' is not the token endpoint.`);
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.exp !== 'number' || payload.exp < now - 300) return aadError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
    if (client.certificatePem) {
      const alg = String(header.alg ?? '');
      const hashAlg = alg.endsWith('512') ? 'sha512' : alg.endsWith('384') ? 'sha384' : 'sha256';
      let ok = false;
      try {
        const key = createPublicKey(client.certificatePem);
        const data = Buffer.from(`${parts[0]}.${parts[1]}`);
        const sig = Buffer.from(parts[2]!, 'base64url');
        ok = alg.startsWith('PS')
          ? verify(hashAlg, data, { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 }, sig)
          : verify(hashAlg, data, key, sig);
      } catch {
        ok = false;
      }
      if (!ok) return aadError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
    }
    return undefined;
  }

  private deviceCode(req: EmuRequest): EmuResponse {
    const form = req.body instanceof URLSearchParams ? req.body : new URLSearchParams();
    const clientId = form.get('client_id') ?? '';
    const client = this.ctx.clients.find((c) => c.clientId.toLowerCase() === clientId.toLowerCase());
    if (!client) return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${this.ctx.tenantId}'.`);
    const scope = form.get('scope') ?? '';
    const aud = this.audienceFor(scope, req.origin);
    if (typeof aud !== 'string') return aud.error;
    const userCode = randomBytes(6).toString('base64').replace(/[^A-Z0-9]/gi, 'X').toUpperCase().slice(0, 9).padEnd(9, 'Q');
    const deviceCode = b64url(randomBytes(48));
    const expiresIn = 900;
    this.deviceCodes.set(deviceCode, { deviceCode, userCode, clientId: client.clientId, scope, expiresAt: Date.now() + expiresIn * 1000 });
    const verification = `${req.origin}/devicelogin`;
    return json(200, {
      user_code: userCode,
      device_code: deviceCode,
      verification_uri: verification,
      expires_in: expiresIn,
      interval: this.ctx.deviceCodeInterval,
      message: `To sign in, use a web browser to open the page ${verification} and enter the code ${userCode} to authenticate.`,
    });
  }

  /** The "user" side of the device code flow: GET/POST /devicelogin?code=XXX[&user=upn] approves it. */
  private deviceLogin(req: EmuRequest): EmuResponse {
    const form = req.body instanceof URLSearchParams ? req.body : undefined;
    const code = req.query.get('code') ?? form?.get('code') ?? '';
    const user = req.query.get('user') ?? form?.get('user') ?? undefined;
    if (!code) return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'mfaguard emulator device login: open /devicelogin?code=USERCODE[&user=UPN] to approve a pending sign-in.\n' };
    const ok = this.approveDeviceCode(code, user);
    return { status: ok ? 200 : 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: ok ? 'Signed in. You can close this window.\n' : 'Unknown or expired code.\n' };
  }

  approveDeviceCode(userCode: string, userIdOrUpn?: string): boolean {
    const user = this.ctx.findUser(userIdOrUpn);
    if (!user) return false;
    for (const e of this.deviceCodes.values()) {
      if (e.userCode.toUpperCase() === userCode.toUpperCase() && Date.now() <= e.expiresAt) {
        e.approvedUserId = user.id;
        return true;
      }
    }
    return false;
  }
}

function json(status: number, body: unknown): EmuResponse {
  return { status, headers: { 'content-type': JSON_PLAIN, 'cache-control': 'no-store, no-cache' }, body };
}

/** Entra ID's OAuth2 error body. */
function aadError(status: number, error: string, code: number, description: string): EmuResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}

/** A stable GUID-shaped id derived from a string. */
export function uuidFrom(s: string): string {
  const h = createHash('sha256').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
