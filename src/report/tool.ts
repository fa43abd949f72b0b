/** Who produced a report, for formats that name their producer (SARIF tool.driver, OCSF metadata.product). */
import { readFileSync } from 'node:fs';

export const TOOL_NAME = 'mfaguard';

let cached: string | undefined;

/** The package version (read once from package.json, two levels above src/report and dist/report). */
export function toolVersion(): string {
  if (cached === undefined) {
    try {
      cached = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
    } catch {
      cached = '0.0.0';
    }
  }
  return cached;
}
