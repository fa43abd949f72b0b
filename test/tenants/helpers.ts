/** Many generated tenants behind ONE emulator process, and a tenants file that points at them. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSnapshot } from '../../devkit/gen/generate.js';
import { startEmulator, DEFAULT_CLIENT, type EmulatorHandle } from '../../devkit/emulator/index.js';
import type { Snapshot } from '../../src/snapshot/types.js';

export const SECRET_ENV = 'MFAGUARD_TEST_MSP_SECRET';

export interface Fleet {
  emu: EmulatorHandle;
  snapshots: Snapshot[];
  /** Index of the tenant whose app registration does not accept the shared secret. */
  failing: number;
  file: string;
  env: NodeJS.ProcessEnv;
}

/** `count` small tenants (seeded 1..count) in one emulator; tenant `failing` knows the app with another secret. */
export async function startFleet(dir: string, opts: { count: number; users: number; failing: number; names?: (i: number) => string; limits?: 'graph' | 'none'; perTenant?: (i: number) => string[]; deny?: (i: number) => Record<string, 'permission'> | undefined }): Promise<Fleet> {
  const snapshots = Array.from({ length: opts.count }, (_, i) => generateSnapshot({ users: opts.users, seed: `fleet-${i + 1}`, policies: 12 }));
  const emu = await startEmulator({
    snapshot: snapshots[0]!, tls: true, ...(opts.limits ? { limits: opts.limits } : {}),
    tenants: snapshots.slice(1).map((snapshot, j) => ({ snapshot, ...(opts.deny?.(j + 1) ? { deny: opts.deny(j + 1)! } : {}), ...(j + 1 === opts.failing ? { clients: [{ clientId: DEFAULT_CLIENT.clientId, clientSecret: 'a-secret-the-msp-does-not-have' }] } : {}) })),
  });
  const ca = join(dir, 'emulator-ca.pem');
  await writeFile(ca, emu.ca!);
  const name = opts.names ?? ((i: number) => `customer-${String(i + 1).padStart(2, '0')}`);
  const yaml = [
    'mfaguardTenants: 1',
    'defaults:',
    '  auth: client-secret',
    `  clientId: ${emu.clientId}`,
    `  clientSecretEnv: ${SECRET_ENV}`,
    `  authorityHost: ${emu.authorityHost}`,
    `  graphEndpoint: ${emu.graphUrl}`,
    `  armEndpoint: ${emu.armUrl}`,
    `  caFile: ${ca}`,
    'tenants:',
    ...snapshots.flatMap((s, i) => [`  - tenant: ${s.tenant.id}`, `    name: ${JSON.stringify(name(i))}`, ...(opts.perTenant?.(i) ?? []).map((l) => `    ${l}`)]),
  ].join('\n') + '\n';
  const file = join(dir, 'tenants.yaml');
  await writeFile(file, yaml);
  const env: NodeJS.ProcessEnv = { ...process.env, [SECRET_ENV]: emu.clientSecret, NO_COLOR: '1', FORCE_COLOR: '' };
  delete env.AZURE_TENANT_ID;
  delete env.AZURE_CLIENT_ID;
  delete env.AZURE_CLIENT_SECRET;
  return { emu, snapshots, failing: opts.failing, file, env };
}
