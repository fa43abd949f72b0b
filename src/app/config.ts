/**
 * Reading the tenant configuration (spec/config.md) from a file: the I/O around the pure parser
 * (src/config/parse.ts). `mfaguard.yaml` in the working directory is the default; `--config FILE`
 * names another; the bundled demo tenant has its own (demo/mfaguard.yaml).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { parseConfigBytes } from '../config/parse.js';
import type { TenantConfig } from '../config/types.js';
import { packageRoot } from '../package.js';

export const DEFAULT_CONFIG_FILE = 'mfaguard.yaml';

/** Reads and validates a configuration file (YAML or JSON; UTF-8 or UTF-16 with a BOM). Problems are InputErrors naming the file, line and key. */
export async function loadConfig(path: string): Promise<TenantConfig> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such configuration file' : code === 'EISDIR' ? 'is a directory, expected a configuration file (mfaguard.yaml)' : `cannot read (${code ?? (err as Error).message})`, path);
  }
  return parseConfigBytes(bytes, path);
}

/** A configuration given as an object (used as is) or a path (read and validated). */
export async function resolveConfig(config: TenantConfig | string | undefined): Promise<TenantConfig | undefined> {
  if (config === undefined) return undefined;
  return typeof config === 'string' ? loadConfig(config) : config;
}

/** `mfaguard.yaml` in `dir` when it exists (a regular file), else undefined. */
export async function findDefaultConfig(dir: string): Promise<string | undefined> {
  const path = join(dir, DEFAULT_CONFIG_FILE);
  return (await stat(path).then((s) => s.isFile(), () => false)) ? path : undefined;
}

/**
 * The bundled demo tenant's configuration (two break-glass accounts, one exemption), when the package
 * has it; `later`: the one of the demo tenant a week later (one more exemption, expiring soon).
 */
export async function demoConfigPath(later = false): Promise<string | undefined> {
  const path = join(packageRoot(), 'demo', later ? 'mfaguard.later.yaml' : DEFAULT_CONFIG_FILE);
  return (await stat(path).then((s) => s.isFile(), () => false)) ? path : undefined;
}
