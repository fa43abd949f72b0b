/** --config / --no-config / --as-of (spec/config.md): the tenant configuration flags of scan, demo and collect. */
import type { ParseArgsConfig } from 'node:util';
import { EMPTY_CONFIG, type TenantConfig } from '../config/types.js';
import { demoConfigPath, findDefaultConfig, loadConfig } from '../app/config.js';
import { UsageError } from '../errors.js';

/** Help lines of the configuration flags (scan, demo). */
export const CONFIG_OPTIONS_HELP = `  --config FILE         tenant configuration (break-glass accounts, exemptions; YAML or JSON, spec/config.md);
                        default ./mfaguard.yaml when present (with --demo: the demo tenant's own)
  --no-config           ignore ./mfaguard.yaml (no break-glass accounts, no exemptions)
  --as-of T             judge exemption expiry at T (a date, 00:00 UTC, or a date-time) instead of now`;

/** The configuration flags of the commands that evaluate (scan, demo); read by configOptions(). */
export const CONFIG_ARG_OPTIONS = {
  config: { type: 'string' },
  'no-config': { type: 'boolean' },
  'as-of': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/**
 * --config / --no-config / --as-of as library scan options. Without either flag, ./mfaguard.yaml in
 * the working directory when present; for the bundled demo tenant, its own demo/mfaguard.yaml.
 */
export async function configOptions(
  values: { config?: string | undefined; 'no-config'?: boolean | undefined; 'as-of'?: string | undefined },
  opts: { demo?: boolean; later?: boolean; cwd?: string } = {},
): Promise<{ config?: TenantConfig; asOf?: string }> {
  if (values.config !== undefined && values['no-config']) throw new UsageError('give either --config FILE or --no-config, not both');
  const asOf = values['as-of'] !== undefined ? { asOf: values['as-of'] } : {};
  if (values['no-config']) return { config: EMPTY_CONFIG, ...asOf };
  if (values.config !== undefined) {
    if (!values.config) throw new UsageError('--config needs a file name');
    return { config: await loadConfig(values.config), ...asOf };
  }
  const found = opts.demo ? await demoConfigPath(!!opts.later) : await findDefaultConfig(opts.cwd ?? process.cwd());
  return { ...(found ? { config: await loadConfig(found) } : {}), ...asOf };
}

