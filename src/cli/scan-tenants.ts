/** `mfaguard scan --tenants FILE`: every tenant of a tenants file scanned, then a roll-up in the formats asked for. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { scanTenants, progressLine, type TenantProgress } from '../app/tenants.js';
import { checkOutputPaths, writeFilesTogether, writeReportFile, type Sink } from '../app/output.js';
import { findFormat } from '../report/formats.js';
import { findRollupFormat } from '../report/rollup-formats.js';
import { UsageError } from '../errors.js';
import { escapeJsonControls } from '../vocabulary.js';
import { toStdout, useColor, withTempCleanupOnSignal } from './output.js';
import { outputTargets } from './scan.js';

export const TENANTS_HELP = `Many tenants (MSP runs):
  --tenants FILE        scan every tenant of a tenants file (YAML or JSON: spec/rules.md "Roll-up"),
                        each signed in with its own or the shared app, collected, evaluated and recorded;
                        --format/--output then write the roll-up (per tenant and rule, worst first)
  --concurrency N       tenants in flight at once (default 4); each has its own rate budgets
  --output-dir DIR      also write each tenant's full report there, one file per --format
                        (<name>.json, .html, …); exit 1 when any tenant failed
                        (--timeout, --max-attempts, --log-format, --quiet apply to every tenant)`;

const EXT: Record<string, string> = { table: 'txt', json: 'json', csv: 'csv', junit: 'xml', sarif: 'sarif', ocsf: 'ocsf.jsonl', markdown: 'md', html: 'html' };

/** A file name from a tenant's name: letters, digits, dot, dash and underscore; never empty, never a dot file. */
export function safeFileName(name: string): string {
  const s = name.normalize('NFKC').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80);
  return s || 'tenant';
}

export interface TenantsArgs {
  tenants?: string | undefined;
  concurrency?: string | undefined;
  'output-dir'?: string | undefined;
  format?: string[] | undefined;
  output?: string[] | undefined;
  state?: string | undefined;
  'no-state'?: boolean | undefined;
  redact?: boolean | undefined;
  'as-of'?: string | undefined;
  'log-format'?: string | undefined;
  timeout?: string | undefined;
  'max-attempts'?: string | undefined;
  quiet?: boolean | undefined;
}

/** Flags that make no sense with --tenants (they belong to one tenant: the tenants file says them per tenant). */
const SINGLE_TENANT_FLAGS = ['snapshot', 'demo', 'tenant', 'save-snapshot', 'config', 'no-config', 'log-analytics', 'log-analytics-endpoint', 'signins', 'signins-db', 'fail-on', 'allow-unknown', 'limit',
  'auth', 'client-id', 'cloud', 'authority-host', 'graph-endpoint', 'arm-endpoint', 'ca-file', 'resume', 'skip', 'auth-methods-for', 'incremental', 'previous', 'registration-max-age'];

export async function runTenantsScan(values: TenantsArgs & Record<string, unknown>): Promise<number> {
  const bad = SINGLE_TENANT_FLAGS.filter((k) => values[k] !== undefined && values[k] !== false);
  if (bad.length) throw new UsageError(`--${bad[0]} cannot be combined with --tenants (set it per tenant in the tenants file)`);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)) throw new UsageError('--concurrency must be a whole number from 1 to 256');
  if (values['no-state'] && values.state !== undefined) throw new UsageError('give --state DIR or --no-state, not both');
  const logFormat = values['log-format'] ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError('--log-format must be text or json');
  const targets = outputTargets(values.format, values.output);
  checkOutputPaths(targets.map((t) => t.output), [values.tenants]);
  const rollupFormats = targets.map((t) => ({ ...t, rollup: findRollupFormat(t.format.name)! }));
  const outDir = values['output-dir'];
  if (outDir !== undefined) await mkdir(outDir, { recursive: true });
  const state = values['no-state'] ? false : values.state;
  const num = (flag: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 1) throw new UsageError(`${flag} must be a number ≥ 1`);
    return n;
  };
  const timeout = num('--timeout', values.timeout);
  const maxAttempts = num('--max-attempts', values['max-attempts']);

  const onProgress = (e: TenantProgress) => {
    // --quiet: only what went wrong
    if (values.quiet && e.event !== 'failed' && e.event !== 'warning') return;
    process.stderr.write(logFormat === 'json'
      ? escapeJsonControls(JSON.stringify({ time: new Date().toISOString(), level: e.event === 'failed' ? 'error' : e.event === 'warning' ? 'warn' : 'info', event: `tenant-${e.event}`, tenant: e.tenant, ...(e.stage ? { stage: e.stage } : {}), message: e.message, ...(e.ms !== undefined ? { ms: e.ms } : {}) })) + '\n'
      : progressLine(e) + '\n');
  };
  const used = new Set<string>();
  const result = await withTempCleanupOnSignal(() => scanTenants({
    tenants: values.tenants!, ...(concurrency ? { concurrency } : {}), ...(state !== undefined ? { state } : {}), ...(values.redact ? { redact: true } : {}),
    ...(values['as-of'] !== undefined ? { asOf: values['as-of'] } : {}), onProgress,
    ...(timeout ? { timeoutMs: timeout * 1000 } : {}), ...(maxAttempts ? { maxAttempts } : {}),
    // each tenant's full report, written as soon as it is evaluated (then dropped from memory)
    ...(outDir !== undefined ? {
      onTenantReport: async (entry, report) => {
        let base = safeFileName(entry.name);
        for (let n = 2; used.has(base.toLowerCase()); n++) base = `${safeFileName(entry.name)}-${n}`;
        used.add(base.toLowerCase());
        for (const t of targets) {
          const format = findFormat(t.format.name)!;
          await writeReportFile(join(outDir, `${base}.${EXT[format.name] ?? format.name}`), report, format);
        }
      },
    } : {}),
  }));

  const { rollup } = result;
  const render = (t: (typeof rollupFormats)[number], color: boolean) => (write: Sink) => t.rollup.render(rollup, write, { color, reportOf: result.reportOf });
  const files = rollupFormats.filter((t) => t.output && t.output !== '-').map((t) => ({ path: t.output!, produce: render(t, false) }));
  const stdout = rollupFormats.find((t) => !t.output || t.output === '-');
  await withTempCleanupOnSignal(() => writeFilesTogether(files, stdout ? () => toStdout(render(stdout, useColor(process.stdout))) : undefined));
  const slowest = result.outcomes.reduce((a, o) => (o.wallMs > a.wallMs ? o : a), result.outcomes[0]!);
  process.stderr.write(`mfaguard: ${rollup.tenants.length} tenant(s) scanned, ${rollup.failures.length} failed, in ${(result.wallMs / 1000).toFixed(1)} s (slowest tenant: ${progressLine({ tenant: slowest.entry.name, event: 'done', message: `${(slowest.wallMs / 1000).toFixed(1)} s` }).replace(/^mfaguard: /, '')})\n`);
  return rollup.failures.length ? 1 : 0;
}
