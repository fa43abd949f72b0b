/** `mfaguard collect`: flags → library collect() (a tenant from Microsoft Graph / ARM into a snapshot directory). */
import { configOptions } from './config.js';
import { readFileSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { parseArgs } from 'node:util';
import { AUTH_MODES, type AuthMode } from '../azure/auth.js';
import { CLOUDS, isCloudName } from '../azure/clouds.js';
import { collect, type CollectOptions, type CollectResult } from '../app/collect.js';
import { COLLECTIONS } from '../collections/index.js';
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
  --resume                continue an interrupted collection in --out instead of starting over; it
                          remembers --tenant, --auth, --client-id, --cloud, the endpoints and
                          --ca-file (never a secret); a value given again wins
  --skip KEYS             comma-separated collections to leave out (or "azure" for every ARM one);
                          an unknown key is a usage error that lists the valid ones
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
  --config FILE           tenant configuration (spec/config.md): its breakGlassAccounts are the users whose
                          authentication methods are read (unless --auth-methods-for names them); default
                          ./mfaguard.yaml when present
  --no-config             ignore ./mfaguard.yaml

Permissions (application or delegated): User.Read.All, Group.Read.All or GroupMember.Read.All,
Application.Read.All, Policy.Read.All, RoleManagement.Read.Directory, AuditLog.Read.All,
UserAuthenticationMethod.Read.All (break-glass methods), and Reader on the subscriptions. A missing
one makes its collection "unavailable": the snapshot says so, and verdicts that need it are "unknown".

Required collections: users, groups, groupMembers, roleAssignments, conditionalAccessPolicies. When one
cannot be read (denied, or failing after every retry) the snapshot is still written, with the failure
in its "unavailable", and collect exits 1 with a line naming it.

Exit codes: 0 snapshot written (see the warnings for other unavailable collections), 1 snapshot written
without a required collection, 2 usage, input or sign-in error, 3 internal error.`;

/** What --skip accepts: every collection key, and `azure` for all the ARM ones. */
export const SKIP_KEYS: readonly string[] = [...COLLECTIONS.map((c) => c.key), 'azure'];

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
  const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  // --auth and --cloud stay undefined when not given: --resume then takes the interrupted run's (default: default, AzureCloud)
  const auth = values.auth as AuthMode | undefined;
  if (auth !== undefined && !AUTH_MODES.includes(auth)) throw new UsageError(`--auth must be one of ${AUTH_MODES.join(', ')}`);
  const cloud = values.cloud;
  if (cloud !== undefined && !isCloudName(cloud)) throw new UsageError(`--cloud must be one of ${Object.keys(CLOUDS).join(', ')}`);
  const skip = list(values.skip);
  const unknownSkip = skip.filter((k) => !SKIP_KEYS.includes(k));
  if (unknownSkip.length) throw new UsageError(`--skip: unknown collection ${unknownSkip.map((k) => `"${k}"`).join(', ')} (choose from ${SKIP_KEYS.join(', ')})`);
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
  const am = values['auth-methods-for'];
  return {
    resume: !!values.resume,
    tenant: values.tenant,
    ...(auth !== undefined ? { auth } : {}),
    clientId: values['client-id'],
    ...(cloud !== undefined ? { cloud } : {}),
    authorityHost: values['authority-host'] ?? process.env.AZURE_AUTHORITY_HOST,
    graphEndpoint: values['graph-endpoint'],
    armEndpoint: values['arm-endpoint'],
    ca,
    logFormat,
    verbose: !!values.verbose,
    quiet: !!values.quiet,
    ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
    ...(attempts !== undefined ? { maxAttempts: Math.floor(attempts) } : {}),
    skip,
    authMethodsFor: am === undefined || am === 'auto' ? 'auto' : am === 'none' ? 'none' : list(am),
  };
}

const COLLECT_OPTIONS = {
  ...COLLECT_ARG_OPTIONS, out: { type: 'string' }, config: { type: 'string' }, 'no-config': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

async function runCollectCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: COLLECT_OPTIONS,
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(COLLECT_HELP + '\n');
    return 0;
  }
  if (!values.out) throw new UsageError('missing --out DIR (where the snapshot is written)');
  const { config } = await configOptions({ config: values.config, 'no-config': values['no-config'] });
  const options = collectOptionsFrom(values);
  // the configuration's declared break-glass accounts, unless --auth-methods-for names the accounts itself
  if (config?.breakGlassAccounts.length && (options.authMethodsFor === undefined || options.authMethodsFor === 'auto')) {
    options.authMethodsFor = [...config.breakGlassAccounts];
  }
  const result = await collect({ ...options, out: values.out });
  return reportMissingRequired(result, values['log-format'] === 'json') ? 1 : 0;
}

/**
 * One line on stderr when a required collection could not be read (`scan --tenant` and `collect`
 * share it): the snapshot was written, marked in its `unavailable`, but must not pass for complete.
 * Returns whether there was one.
 */
export function reportMissingRequired(result: CollectResult, json: boolean): boolean {
  const missing = result.missingRequired;
  if (!missing.length) return false;
  const detail = missing.map((k) => { const u = result.unavailable[k]; return `${k} (${[u?.status, u?.code].filter((x) => x !== undefined && x !== '').join(' ')})`; }).join(', ');
  const message = `collect: required collection${missing.length > 1 ? 's' : ''} could not be read: ${detail}; the snapshot in ${result.out} is incomplete (see its "unavailable")`;
  process.stderr.write(json ? JSON.stringify({ level: 'error', event: 'incomplete', missing, message }) + '\n' : `mfaguard: ${message}\n`);
  return true;
}

export const collectCommand: Command = {
  name: 'collect',
  usage: 'mfaguard collect --out DIR [--tenant T] [--auth MODE] [--cloud NAME] [--resume] ...',
  help: COLLECT_HELP,
  options: COLLECT_OPTIONS,
  run: runCollectCommand,
};
