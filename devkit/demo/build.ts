/**
 * Writes the demo tenant (northwind.ts) as demo/tenant.json, or to the path given, with a one-line
 * summary, and beside it the week-later state as a change (tenant.later.json, later.ts). `npm run demo:build` runs it; test/demo.test.ts checks that it reproduces the committed
 * file byte for byte.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { packageRoot } from '../../src/package.js';
import { northwindSnapshot } from './northwind.js';
import { demoJson } from './signins.js';
import { northwindLaterChange } from './later.js';

/** The bundled later state's file name (a snapshot change against tenant.json), beside it. */
export const LATER_FILE = 'tenant.later.json';

/** demo/tenant.later.json's text for the base snapshot text (deterministic, like tenant.json). */
export function laterChangeJson(baseJson: string): string {
  return JSON.stringify(northwindLaterChange(JSON.parse(baseJson) as Record<string, unknown>), null, 2) + '\n';
}

/** `build [out.json]`: returns the path written. */
export function buildDemo(args: readonly string[]): string {
  const out = resolve(args[0] ?? join(packageRoot(), 'demo', 'tenant.json'));
  mkdirSync(dirname(out), { recursive: true });
  const text = demoJson(northwindSnapshot);
  writeFileSync(out, text);
  // the week-later state (mfaguard demo --later), as a change against the file just written
  writeFileSync(join(dirname(out), LATER_FILE), laterChangeJson(text));
  const s = northwindSnapshot;
  process.stdout.write(
    `wrote ${out}: ${s.users!.length} users, ${s.groups!.length} groups, ${s.conditionalAccessPolicies!.length} CA policies, ` +
    `${s.azureRoleAssignments!.length} Azure role assignments, ${s.signIns?.length ?? 0} sign-ins\n`,
  );
  return out;
}
