/** Shared pieces of the emulator-backed collector tests. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Snapshot } from '../../src/snapshot/types.js';
import { bag, canon } from '../helpers/canon.js';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'mfaguard.js');

export interface Emu {
  url: string; graphUrl: string; armUrl: string; authorityHost: string; tenantId: string; clientId: string; clientSecret: string; ca?: string;
}

/** CLI flags that point `mfaguard collect` / `scan --tenant` at the emulator. */
export function emulatorArgs(emu: Emu, caFile: string): string[] {
  return [
    '--tenant', emu.tenantId, '--auth', 'client-secret', '--client-id', emu.clientId,
    '--authority-host', emu.authorityHost, '--graph-endpoint', emu.graphUrl, '--arm-endpoint', emu.armUrl, '--ca-file', caFile,
  ];
}

export function childEnv(emu: Emu): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AZURE_CLIENT_SECRET: emu.clientSecret, NO_COLOR: '1', FORCE_COLOR: '' };
  delete env.AZURE_TENANT_ID;
  delete env.AZURE_CLIENT_ID;
  delete env.AZURE_AUTHORITY_HOST;
  return env;
}

/** Scans record in the state store: keep the test's temporary one (vitest.config.ts) even in a minimal environment. */
const withStateDir = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv =>
  env.MFAGUARD_STATE_DIR || !process.env.MFAGUARD_STATE_DIR ? env : { ...env, MFAGUARD_STATE_DIR: process.env.MFAGUARD_STATE_DIR };

export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: withStateDir(env), maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: withStateDir(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  child.stdout!.resume();
  const exited = new Promise<number | null>((r) => child.on('exit', (code, signal) => r(signal ? null : code)));
  return { child, stderr: () => err, exited };
}

export { bag, canon } from '../helpers/canon.js';

/** A map collection with its arrays sorted. */
export function mapBag(m: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(m ?? {}).sort()) {
    const v = m![k];
    out[k] = Array.isArray(v) ? bag(v) : canon(v);
  }
  return out;
}

export const ARRAY_KEYS = [
  'users', 'groups', 'servicePrincipals', 'roleDefinitions', 'roleAssignments', 'roleEligibilitySchedules', 'subscriptions',
  'azureRoleDefinitions', 'azureRoleAssignments', 'classicAdministrators', 'conditionalAccessPolicies', 'namedLocations',
  'authenticationStrengthPolicies', 'userRegistrationDetails',
] as const satisfies readonly (keyof Snapshot)[];

/** Differences between two snapshots' objects (empty = equal ignoring order). */
export function snapshotDiff(source: Snapshot, collected: Snapshot): string[] {
  const diffs: string[] = [];
  for (const key of ARRAY_KEYS) {
    const a = bag(source[key] as unknown[] | undefined);
    const b = bag(collected[key] as unknown[] | undefined);
    if (a.length !== b.length) { diffs.push(`${key}: ${a.length} in the source, ${b.length} collected`); continue; }
    const bs = new Set(b);
    const missing = a.filter((x) => !bs.has(x));
    if (missing.length) diffs.push(`${key}: ${missing.length} objects differ, e.g. source ${missing[0]!.slice(0, 400)} vs collected ${b.find((x) => !new Set(a).has(x))?.slice(0, 400)}`);
  }
  for (const key of ['groupMembers', 'authenticationMethods'] as const) {
    const a = JSON.stringify(mapBag(source[key]));
    const b = JSON.stringify(mapBag(collected[key]));
    if (a !== b) diffs.push(`${key}: maps differ (${Object.keys(source[key] ?? {}).length} vs ${Object.keys(collected[key] ?? {}).length} keys)`);
  }
  if (JSON.stringify(canon(source.securityDefaults)) !== JSON.stringify(canon(collected.securityDefaults))) diffs.push('securityDefaults differ');
  for (const k of ['id', 'displayName', 'defaultDomain'] as const) {
    if (source.tenant[k] !== collected.tenant[k]) diffs.push(`tenant.${k}: ${String(source.tenant[k])} vs ${String(collected.tenant[k])}`);
  }
  return diffs;
}
