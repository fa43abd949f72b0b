/** `mfaguard collect`: flags → library collect() (a tenant from Microsoft Graph / ARM into a snapshot directory). */
import { readFileSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { parseArgs } from 'node:util';
import { AUTH_MODES, type AuthMode } from '../azure/auth.js';
import { CLOUDS, isCloudName } from '../azure/clouds.js';
import { collect, type CollectOptions } from '../app/collect.js';
import { InputError, UsageError } from '../errors.js';
import type { Command } from './command.js';

export const COLLECT_OPTIONS_HELP = `  --tenant T              tenant id or domain (default AZURE_TENANT_ID)
  --auth MODE             ${AUTH_MODES.join(' | ')} (default: default)
                          client-secret: AZURE_CLIENT_ID + AZURE_CLIENT_SECRET (environment only)
                          certificate:   AZURE_CLIENT_ID + AZURE_CLIENT_CERTIFICATE_PATH [+ _PASSWORD]
  --client-id ID          app (client) id (default AZURE_CLIENT_ID)
  --cloud NAME            ${Object.keys(CLOUDS).join(' | ')} (default AzureCloud)
  --authority-host URL    override the sign-in host (also AZURE_AUTHORITY_HOST)
  --graph-endpoint URL    override the Microsoft Graph base URL
  --arm-endpoint URL      override the Azure Resource Manager base URL
  --ca-file PEM           trust this extra CA certificate (a TLS-inspecting proxy, the emulator)
  --resume                continue an interrupted collection in --out instead of starting over
  --skip KEYS             comma-separated collections to leave out (or "azure" for every ARM one)
  --auth-methods-for L    users (UPN or id, comma-separated) whose authentication methods are read;
                          "auto" (default: accounts named like break-glass/emergency) or "none"
  --log-format FMT        text (default; live progress on a terminal) or json (one object per line)
  --timeout SECONDS       per-request deadline (default 100)
  --max-attempts N        attempts per request on 429 / 5xx / network errors (default 10)
  --verbose               also log every retry
  --quiet                 only warnings and errors`;

const COLLECT_HELP = `Usage: mfaguard collect --out DIR [options]

Read the tenant's users, groups, roles, Conditional Access, security defaults, per-user MFA state,
registration details and Azure RBAC into a snapshot directory (manifest.json + *.ndjson) that
"mfaguard scan --snapshot DIR" evaluates offline. Read-only.

  --out DIR               snapshot directory to write (new, empty, or an earlier snapshot to replace)
${COLLECT_OPTIONS_HELP}

Permissions (application or delegated): User.Read.All, Group.Read.All or GroupMember.Read.All,
Application.Read.All, Policy.Read.All, RoleManagement.Read.Directory, AuditLog.Read.All,
UserAuthenticationMethod.Read.All (break-glass methods), and Reader on the subscriptions. A missing
one makes its collection "unavailable": the snapshot says so, and verdicts that need it are "unknown".

Exit codes: 0 snapshot written (see the warnings for unavailable collections), 2 usage, input or sign-in error.`;

/** parseArgs options shared by `collect` and `scan --tenant`. */
export const COLLECT_ARG_OPTIONS = {
  tenant: { type: 'string' },
  auth: { type: 'string' },
  'client-id': { type: 'string' },
  cloud: { type: 'string' },
  'authority-host': { type: 'string' },
  'graph-endpoint': { type: 'string' },
  'arm-endpoint': { type: 'string' },
  'ca-file': { type: 'string' },
  resume: { type: 'boolean' },
  skip: { type: 'string' },
  'auth-methods-for': { type: 'string' },
  'log-format': { type: 'string' },
  timeout: { type: 'string' },
  'max-attempts': { type: 'string' },
  verbose: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

type CollectArgValues = { [K in keyof typeof COLLECT_ARG_OPTIONS]?: (typeof COLLECT_ARG_OPTIONS)[K]['type'] extends 'string' ? string : boolean };

/** Turns parsed flags into collector options, all but the output directory (validation errors are usage errors). */
export function collectOptionsFrom(values: CollectArgValues): Omit<CollectOptions, 'out'> {
  const auth = (values.auth ?? 'default') as AuthMode;
  if (!AUTH_MODES.includes(auth)) throw new UsageError(`--auth must be one of ${AUTH_MODES.join(', ')}`);
  const cloud = values.cloud ?? 'AzureCloud';
  if (!isCloudName(cloud)) throw new UsageError(`--cloud must be one of ${Object.keys(CLOUDS).join(', ')}`);
  const logFormat = values['log-format'] ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError('--log-format must be text or json');
  const num = (flag: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new UsageError(`${flag} must be a number ≥ ${min}`);
    return n;
  };
  const timeout = num('--timeout', values.timeout, 1);
  const attempts = num('--max-attempts', values['max-attempts'], 1);
  let ca: string[] | undefined;
  if (values['ca-file']) {
    try {
      ca = [readFileSync(values['ca-file'], 'utf8')];
    } catch {
      throw new InputError('cannot read the CA certificate', values['ca-file']);
    }
  }
  const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  const am = values['auth-methods-for'];
  return {
    resume: !!values.resume,
    tenant: values.tenant,
    auth,
    clientId: values['client-id'],
    cloud,
    authorityHost: values['authority-host'] ?? process.env.AZURE_AUTHORITY_HOST,
    graphEndpoint: values['graph-endpoint'],
    armEndpoint: values['arm-endpoint'],
    ca,
    logFormat,
    verbose: !!values.verbose,
    quiet: !!values.quiet,
    ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
    ...(attempts !== undefined ? { maxAttempts: Math.floor(attempts) } : {}),
    skip: list(values.skip),
    authMethodsFor: am === undefined || am === 'auto' ? 'auto' : am === 'none' ? 'none' : list(am),
  };
}

async function runCollectCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...COLLECT_ARG_OPTIONS, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(COLLECT_HELP + '\n');
    return 0;
  }
  if (!values.out) throw new UsageError('missing --out DIR (where the snapshot is written)');
  await collect({ ...collectOptionsFrom(values), out: values.out });
  return 0;
}

export const collectCommand: Command = {
  name: 'collect',
  usage: 'mfaguard collect --out DIR [--tenant T] [--auth MODE] [--cloud NAME] [--resume] ...',
  help: COLLECT_HELP,
  run: runCollectCommand,
};
