/**
 * Writes the demo tenant (northwind.ts) as demo/tenant.json, or to the path given, with a one-line
 * summary. `npm run demo:build` runs it; test/demo.test.ts checks that it reproduces the committed
 * file byte for byte.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { packageRoot } from '../../src/package.js';
import { northwindSnapshot } from './northwind.js';
import { demoJson } from './signins.js';

/** `build [out.json]`: returns the path written. */
export function buildDemo(args: readonly string[]): string {
  const out = resolve(args[0] ?? join(packageRoot(), 'demo', 'tenant.json'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, demoJson(northwindSnapshot));
  const s = northwindSnapshot;
  process.stdout.write(
    `wrote ${out}: ${s.users!.length} users, ${s.groups!.length} groups, ${s.conditionalAccessPolicies!.length} CA policies, ` +
    `${s.azureRoleAssignments!.length} Azure role assignments, ${s.signIns?.length ?? 0} sign-ins\n`,
  );
  return out;
}
