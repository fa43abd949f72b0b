/** `mfaguard whatif`: hand-written CA policies → library whatIfPolicyFiles() → review; exit 4 when a guard check fails. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { whatIfPolicyFiles } from '../app/remediation.js';
import { REVIEW_FORMATS, renderReview, type ReviewFormat } from '../report/plan-review.js';
import { UsageError } from '../errors.js';
import { sourceFromArgs } from './load.js';
import { COLLECT_ARG_OPTIONS, collectOptionsFrom } from './collect.js';
import { CONFIG_ARG_OPTIONS, CONFIG_OPTIONS_HELP, configOptions } from './config.js';
import type { SnapshotSource } from '../app/source.js';
import type { LiveSource } from '../app/scan.js';

/** --snapshot / --demo, or --tenant (collect live first). */
export function remediationSource(values: Record<string, unknown>): SnapshotSource | LiveSource {
  if (values.tenant) {
    if (values.snapshot || values.demo) throw new UsageError('give one of --snapshot, --demo or --tenant');
    return { collect: collectOptionsFrom(values as never) };
  }
  return sourceFromArgs(values as { snapshot?: string; demo?: boolean });
}
import { printWarning, toStdout } from './output.js';
import type { Command } from './command.js';

export const REMEDIATION_INPUT_HELP = `  --snapshot PATH       snapshot file or directory (as for "mfaguard scan")
  --demo                use the bundled demo tenant
  --tenant T            collect tenant T live first (read-only; --auth, --client-id, --cloud,
                        --authority-host, --graph-endpoint, --arm-endpoint, --ca-file, --resume,
                        --skip, --auth-methods-for, --log-format, --timeout, --max-attempts,
                        --verbose, --quiet as for "mfaguard collect")
${CONFIG_OPTIONS_HELP}
  --break-glass ACCOUNT another break-glass (emergency-access) account, UPN or object id, added to
                        the configuration's breakGlassAccounts; repeat for each
  --signins FILE        sign-in logs as evidence, in any format "mfaguard scan --signins" reads
                        (Graph JSON / NDJSON, the admin center's CSV, Log Analytics exports;
                        repeat for several); with the snapshot's own sign-ins, if any
  --signins-db FILE     the DuckDB sign-in database to import into and read (default: a
                        temporary one; "mfaguard signins import" makes one)
  --accept-impact ID    let action ID block sign-ins seen in the window; repeat for each
  --format FMT          ${REVIEW_FORMATS.join(', ')} (default table)`;

// Incremental collection needs a previous snapshot to merge into: plan and whatif collect afresh.
const { incremental: _i, state: _st, previous: _p, 'registration-max-age': _m, ...PLAN_COLLECT_OPTIONS } = COLLECT_ARG_OPTIONS;
export const REMEDIATION_INPUT_OPTIONS = {
  ...PLAN_COLLECT_OPTIONS,
  ...CONFIG_ARG_OPTIONS,
  snapshot: { type: 'string' }, demo: { type: 'boolean' }, 'break-glass': { type: 'string', multiple: true },
  signins: { type: 'string', multiple: true }, 'signins-db': { type: 'string' }, 'accept-impact': { type: 'string', multiple: true }, format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** --signins FILE… / --signins-db FILE as the library's `signIns` input. */
export function signInsOf(values: { signins?: string[] | undefined; 'signins-db'?: string | undefined }): { signIns?: { files: string[]; database?: string } } {
  if (!values.signins?.length && !values['signins-db']) return {};
  return { signIns: { files: values.signins ?? [], ...(values['signins-db'] ? { database: values['signins-db'] } : {}) } };
}

export function reviewFormat(value: string | undefined): ReviewFormat {
  const f = value ?? 'table';
  if (!(REVIEW_FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format must be one of ${REVIEW_FORMATS.join(', ')}`);
  return f as ReviewFormat;
}

const WHATIF_HELP = `Usage: mfaguard whatif (--snapshot PATH | --demo | --tenant T) --policy FILE... [options]

Evaluate hand-written Conditional Access policies (new, or a change when the "id" matches an existing
policy) against every user and the window's sign-ins: per target, users whose coverage changes; users
newly prompted who are not MFA capable; users newly blocked; sign-ins that would have been challenged
or blocked. Then the lock-out guard's checks. Files are read as people keep them: with or without
"id", UTF-8 or UTF-16 with a BOM, display names where ids belong (resolved where unique; anything
unresolved is a warning naming the file and key, and matches nobody). Never writes to the tenant.

  --policy FILE...      policy files (a policy, a list, or { "value": [...] }); the files after
                        --policy are all read, so a shell glob works (--policy policies/*.json)
${REMEDIATION_INPUT_HELP}

Exit codes: 0 ok, 2 usage or input error, 3 internal error, 4 a lock-out guard check failed.`;

const WHATIF_OPTIONS = { ...REMEDIATION_INPUT_OPTIONS, policy: { type: 'string', multiple: true } } as const satisfies ParseArgsConfig['options'];

async function runWhatIf(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: WHATIF_OPTIONS, strict: true, allowPositionals: true });
  if (values.help) {
    process.stdout.write(WHATIF_HELP + '\n');
    return 0;
  }
  const format = reviewFormat(values.format);
  const { config } = await configOptions(values, { demo: !!values.demo });
  const result = await whatIfPolicyFiles({
    ...(config ? { config } : {}),
    source: remediationSource(values), policyFiles: [...(values.policy ?? []), ...positionals], breakGlassAccounts: values['break-glass'] ?? [],
    acceptImpact: values['accept-impact'] ?? [], onWarning: printWarning, ...signInsOf(values),
  });
  const text = renderReview({
    title: 'mfaguard what-if', tenantId: result.snapshot.tenant.id, actions: result.actions, guard: result.guard, warnings: result.warnings,
    json: { tenantId: result.snapshot.tenant.id, actions: result.actions, guard: result.guard, warnings: result.warnings },
  }, format);
  await toStdout(async (write) => { await write(text); });
  if (!result.guard.passed) {
    const failed = result.guard.checks.filter((c) => !c.passed).map((c) => c.id);
    process.stderr.write(`mfaguard: lock-out guard failed: ${failed.join(', ')}\n`);
    return 4;
  }
  return 0;
}

export const whatifCommand: Command = {
  name: 'whatif',
  usage: 'mfaguard whatif (--snapshot PATH | --demo | --tenant T) --policy FILE... [--break-glass ACCOUNT...]',
  help: WHATIF_HELP,
  options: WHATIF_OPTIONS,
  run: runWhatIf,
};
