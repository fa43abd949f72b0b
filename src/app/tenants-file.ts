/**
 * The tenants file of `mfaguard scan --tenants FILE` (spec/rules.md, "Roll-up"): YAML or JSON, validated
 * strictly with the `yaml` Document API like the tenant configuration (src/config/parse.ts), so every
 * error is an InputError naming the file, the line and the key (`tenants[3].clientSecretEnv`).
 *
 *   mfaguardTenants: 1
 *   defaults:                 # optional: what every tenant shares (one multi-tenant app)
 *     auth: client-secret
 *     clientId: 5e7ab1e5-…
 *     clientSecretEnv: MSP_APP_SECRET    # the NAME of an environment variable, never the secret
 *   tenants:
 *     - tenant: contoso.onmicrosoft.com  # id or domain (required)
 *       name: Contoso                    # label in the roll-up (default: tenant)
 *       config: contoso/mfaguard.yaml    # that tenant's configuration (break-glass, exemptions)
 *       logAnalyticsWorkspace: 1b2c…     # sign-in evidence pushed down to this workspace
 *
 * Secrets never live in the file: a `clientSecret`, `password` or `certificatePassword` key is refused
 * with a hint. Relative paths are relative to the file.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { AUTH_MODES, type AuthMode } from '../azure/auth.js';
import { CLOUDS, isCloudName, type CloudName } from '../azure/clouds.js';
import { COLLECTIONS } from '../collections/index.js';
import { InputError } from '../errors.js';
import { decodeText } from '../snapshot/decode.js';

export const TENANTS_FILE_VERSION = 1;

/** How one tenant is signed in to and collected (defaults merged with the tenant's own keys). */
export interface TenantAuth {
  auth?: AuthMode;
  clientId?: string;
  /** Name of the environment variable holding the client secret (default AZURE_CLIENT_SECRET). */
  clientSecretEnv?: string;
  /** PEM or PFX for `auth: certificate` (absolute after parsing). */
  certificatePath?: string;
  certificatePasswordEnv?: string;
  cloud?: CloudName;
  authorityHost?: string;
  graphEndpoint?: string;
  armEndpoint?: string;
  /** Extra trusted CA (PEM file, absolute after parsing). */
  caFile?: string;
  /** Sign-in logs: days to read and scope, or `off`. */
  signIns?: { days: number; scope: 'evidence' | 'all' } | 'off';
  /** Collection keys (or `azure`) to leave out. */
  skip?: string[];
  logAnalyticsEndpoint?: string;
}

export interface TenantEntry extends TenantAuth {
  /** The label in the roll-up and progress lines (unique in the file). */
  name: string;
  /** Tenant id or domain. */
  tenant: string;
  /** The tenant's configuration file (absolute). */
  config?: string;
  /** A Log Analytics workspace id: sign-in evidence is pushed down there. */
  logAnalyticsWorkspace?: string;
  /** Where the entry is written (file:line), for messages. */
  source: { file: string; line: number };
}

export interface TenantsFile {
  file: string;
  tenants: TenantEntry[];
}

const AUTH_KEYS = ['auth', 'clientId', 'clientSecretEnv', 'certificatePath', 'certificatePasswordEnv', 'cloud', 'authorityHost', 'graphEndpoint', 'armEndpoint', 'caFile', 'signIns', 'skip', 'logAnalyticsEndpoint'] as const;
const TENANT_KEYS = ['name', 'tenant', 'config', 'logAnalyticsWorkspace', ...AUTH_KEYS] as const;
const ROOT_KEYS = ['mfaguardTenants', 'defaults', 'tenants'] as const;
const SECRET_KEYS: Record<string, string> = { clientSecret: 'clientSecretEnv', secret: 'clientSecretEnv', password: 'clientSecretEnv', certificatePassword: 'certificatePasswordEnv' };
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads and validates a tenants file (UTF-8 or UTF-16 with a BOM). */
export async function readTenantsFile(path: string): Promise<TenantsFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new InputError(`cannot read the tenants file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, path);
  }
  return parseTenantsText(decodeText(bytes), path);
}

/** Parses tenants-file text; every problem is an InputError naming `file`, the line and the key. */
export function parseTenantsText(text: string, file: string): TenantsFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, strict: true });
  const lineOf = (n: Node | null | undefined) => (n?.range ? lc.linePos(n.range[0]).line : undefined);
  const fail = (node: Node | null | undefined, key: string | undefined, msg: string, line = lineOf(node)): never => {
    throw new InputError(msg, file, line, key);
  };
  const err = doc.errors[0];
  if (err) throw new InputError(`not valid YAML or JSON: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, file, lc.linePos(err.pos[0]).line);
  const root = doc.contents;
  if (!isMap(root)) fail(root as Node, undefined, `expected a mapping with "mfaguardTenants: ${TENANTS_FILE_VERSION}" and "tenants"`, 1);
  const base = dirname(resolve(file));
  const path = (p: string) => (isAbsolute(p) ? p : resolve(base, p));

  const entries = (m: YAMLMap, at: string, allowed: readonly string[]): Map<string, Pair<Node, Node | null>> => {
    const out = new Map<string, Pair<Node, Node | null>>();
    for (const pair of m.items as Pair<Node, Node | null>[]) {
      const k = pair.key;
      if (isAlias(k) || isAlias(pair.value)) fail(isAlias(k) ? k : pair.value, at || undefined, 'anchors and aliases are not supported in the tenants file');
      const name = isScalar(k) && typeof k.value === 'string' ? k.value : undefined;
      const keyPath = name === undefined ? at : at ? `${at}.${name}` : name;
      if (name === undefined) fail(k, keyPath || undefined, 'a key must be a plain name');
      if (SECRET_KEYS[name!]) fail(k, keyPath, `secrets are never written in the tenants file: put it in an environment variable and name the variable with "${SECRET_KEYS[name!]}"`);
      if (!allowed.includes(name!)) fail(k, keyPath, `unknown key "${name}" (allowed: ${allowed.join(', ')})`);
      out.set(name!, pair);
    }
    return out;
  };
  const typeName = (n: Node | null | undefined) => (n == null ? 'nothing' : isMap(n) ? 'a mapping' : isSeq(n) ? 'a list' : isScalar(n) ? (n.value === null ? 'null' : typeof n.value) : 'a value');
  const str = (pair: Pair<Node, Node | null>, key: string): string => {
    const v = pair.value;
    if (!isScalar(v) || typeof v.value !== 'string') return fail(v ?? pair.key, key, `expected a string, got ${typeName(v)}${isScalar(v) && (typeof v.value === 'number' || typeof v.value === 'boolean') ? ' (quote it)' : ''}`);
    const t = v.value.trim();
    if (!t) return fail(v, key, 'must not be empty');
    return t;
  };
  const url = (pair: Pair<Node, Node | null>, key: string): string => {
    const s = str(pair, key);
    let u: URL | undefined;
    try {
      u = new URL(s);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:')) fail(pair.value, key, `expected an http(s) URL, got "${s}"`);
    return s.replace(/\/+$/, '');
  };

  function authOf(e: Map<string, Pair<Node, Node | null>>, at: string): TenantAuth {
    const out: TenantAuth = {};
    const k = (name: string) => `${at}${at ? '.' : ''}${name}`;
    const get = (name: (typeof AUTH_KEYS)[number]) => e.get(name);
    let p;
    if ((p = get('auth'))) {
      const a = str(p, k('auth'));
      if (!(AUTH_MODES as readonly string[]).includes(a)) fail(p.value, k('auth'), `expected one of ${AUTH_MODES.join(', ')}, got "${a}"`);
      out.auth = a as AuthMode;
    }
    if ((p = get('clientId'))) out.clientId = str(p, k('clientId'));
    for (const envKey of ['clientSecretEnv', 'certificatePasswordEnv'] as const) {
      if ((p = get(envKey))) {
        const v = str(p, k(envKey));
        if (!ENV_NAME.test(v)) fail(p.value, k(envKey), `expected the NAME of an environment variable (letters, digits, _), got "${v.length > 40 ? `${v.slice(0, 4)}…` : v}"; the secret itself goes in that variable`);
        out[envKey] = v;
      }
    }
    if ((p = get('certificatePath'))) out.certificatePath = path(str(p, k('certificatePath')));
    if ((p = get('caFile'))) out.caFile = path(str(p, k('caFile')));
    if ((p = get('cloud'))) {
      const c = str(p, k('cloud'));
      if (!isCloudName(c)) fail(p.value, k('cloud'), `expected one of ${Object.keys(CLOUDS).join(', ')}, got "${c}"`);
      out.cloud = c as CloudName;
    }
    for (const u of ['authorityHost', 'graphEndpoint', 'armEndpoint', 'logAnalyticsEndpoint'] as const) if ((p = get(u))) out[u] = url(p, k(u));
    if ((p = get('signIns'))) out.signIns = signInsOf(p, k('signIns'));
    if ((p = get('skip'))) {
      const known = [...COLLECTIONS.map((c) => c.key), 'azure'];
      const v = p.value;
      const items = isSeq(v) ? (v.items as (Node | null)[]) : [v];
      out.skip = items.map((it, i) => {
        const key = isSeq(v) ? `${k('skip')}[${i}]` : k('skip');
        const s = str({ key: p!.key, value: it } as Pair<Node, Node | null>, key);
        if (!known.includes(s)) fail(it, key, `unknown collection "${s}" (choose from ${known.join(', ')})`);
        return s;
      });
    }
    return out;
  }

  function signInsOf(p: Pair<Node, Node | null>, key: string): TenantAuth['signIns'] {
    const v = p.value;
    if (isScalar(v) && (v.value === 'off' || v.value === false)) return 'off';
    if (isScalar(v) && typeof v.value === 'string') {
      const m = /^(\d+)d$/.exec(v.value.trim());
      if (!m || Number(m[1]) < 1 || Number(m[1]) > 365) fail(v, key, `expected "off", days like "30d" (1–365), or { days, scope }, got "${v.value}"`);
      return { days: Number(m![1]), scope: 'evidence' };
    }
    if (!isMap(v)) return fail(v ?? p.key, key, `expected "off", days like "30d", or { days, scope }, got ${typeName(v)}`);
    const e = entries(v, key, ['days', 'scope']);
    let days = 30;
    const d = e.get('days');
    if (d) {
      const n = isScalar(d.value) ? d.value.value : undefined;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 365) fail(d.value ?? d.key, `${key}.days`, 'expected a whole number of days, 1–365');
      days = n as number;
    }
    let scope: 'evidence' | 'all' = 'evidence';
    const s = e.get('scope');
    if (s) {
      const t = str(s, `${key}.scope`);
      if (t !== 'evidence' && t !== 'all') fail(s.value, `${key}.scope`, `expected evidence or all, got "${t}"`);
      scope = t as 'evidence' | 'all';
    }
    return { days, scope };
  }

  const top = entries(root as YAMLMap, '', ROOT_KEYS);
  const version = top.get('mfaguardTenants');
  if (!version) fail(root as Node, 'mfaguardTenants', `missing: a tenants file starts with "mfaguardTenants: ${TENANTS_FILE_VERSION}" (the format version)`, 1);
  if (!isScalar(version!.value) || version!.value.value !== TENANTS_FILE_VERSION) {
    fail(version!.value ?? version!.key, 'mfaguardTenants', `unsupported format version ${isScalar(version!.value) ? JSON.stringify(version!.value.value) : typeName(version!.value)} (this mfaguard reads version ${TENANTS_FILE_VERSION})`);
  }
  let defaults: TenantAuth = {};
  const d = top.get('defaults');
  if (d && !(isScalar(d.value) && d.value.value === null)) {
    if (!isMap(d.value)) fail(d.value ?? d.key, 'defaults', `expected a mapping of sign-in keys (${AUTH_KEYS.join(', ')}), got ${typeName(d.value)}`);
    defaults = authOf(entries(d.value as YAMLMap, 'defaults', AUTH_KEYS), 'defaults');
  }
  const t = top.get('tenants');
  if (!t) fail(root as Node, 'tenants', 'missing: the list of tenants to scan', 1);
  if (!isSeq(t!.value) || !t!.value.items.length) fail(t!.value ?? t!.key, 'tenants', `expected a non-empty list of tenants, got ${typeName(t!.value)}`);
  const names = new Map<string, string>();
  const ids = new Map<string, string>();
  const tenants = (t!.value as { items: (Node | null)[] }).items.map((item, i): TenantEntry => {
    const at = `tenants[${i}]`;
    if (!isMap(item)) return fail(item, at, `expected a tenant (a mapping with at least "tenant"), got ${typeName(item)}`);
    const e = entries(item, at, TENANT_KEYS);
    const tp = e.get('tenant') ?? fail(item, `${at}.tenant`, 'missing "tenant" (the tenant id or a domain of it)');
    const tenant = str(tp, `${at}.tenant`);
    const np = e.get('name');
    const name = np ? str(np, `${at}.name`) : tenant;
    const line = lineOf(item) ?? 1;
    const dupName = names.get(name.toLowerCase());
    if (dupName) fail(np?.value ?? tp.value, `${at}.${np ? 'name' : 'tenant'}`, `the name "${name}" is already used by ${dupName}: each tenant needs its own name`);
    names.set(name.toLowerCase(), at);
    const dupId = ids.get(tenant.toLowerCase());
    if (dupId) fail(tp.value, `${at}.tenant`, `tenant "${tenant}" is already listed as ${dupId}`);
    ids.set(tenant.toLowerCase(), at);
    const own = authOf(e, at);
    const entry: TenantEntry = { ...defaults, ...own, name, tenant, source: { file, line } };
    const cp = e.get('config');
    if (cp) entry.config = path(str(cp, `${at}.config`));
    const wp = e.get('logAnalyticsWorkspace');
    if (wp) {
      const w = str(wp, `${at}.logAnalyticsWorkspace`);
      if (!GUID.test(w)) fail(wp.value, `${at}.logAnalyticsWorkspace`, `expected a workspace id (a GUID), got "${w}"`);
      entry.logAnalyticsWorkspace = w;
    }
    return entry;
  });
  return { file, tenants };
}
