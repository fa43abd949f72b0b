/**
 * The package's own files — package.json, the bundled demo tenant, rule explainers — found from any
 * module, whether it runs from src/ (tests) or dist/src/ (built), by walking up to mfaguard's
 * package.json. One place, so the version is read once and paths never depend on build depth.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOOL_NAME = 'mfaguard';

let root: string | undefined;
let version: string | undefined;

/** The directory holding mfaguard's package.json. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        if ((JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === TOOL_NAME) return (root = dir);
      } catch { /* not ours: keep walking */ }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find ${TOOL_NAME}'s package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The package version, or 0.0.0 when package.json cannot be read. */
export function packageVersion(): string {
  if (version === undefined) {
    try {
      version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}

/** The bundled demo tenant (Northwind Traders), shipped in the package. */
export function demoSnapshotPath(): string {
  return join(packageRoot(), 'demo', 'tenant.json');
}

/** The demo tenant a week later: a snapshot change (src/snapshot/change.ts) applied to demoSnapshotPath() at load time. */
export function demoLaterChangePath(): string {
  return join(packageRoot(), 'demo', 'tenant.later.json');
}
