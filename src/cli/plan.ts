/** `mfaguard plan`: findings → library planRemediation() → PLAN.json and a review; exit 4 when a guard check fails. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { planRemediation } from '../app/remediation.js';
import { writeFileAtomically } from '../app/output.js';
import { renderReview, reviewHtmlSection, type Review } from '../report/plan-review.js';
import { buildReport } from '../report/report.js';
import { renderHtmlReport } from '../report/html.js';
import { loadExplainers } from '../report/explainers.js';
import { ACTION_KINDS } from '../remediation/types.js';
import { escapeJsonControls } from '../vocabulary.js';
import { printWarning, toStdout } from './output.js';
import { configOptions } from './config.js';
import { REMEDIATION_INPUT_HELP, REMEDIATION_INPUT_OPTIONS, remediationSource, reviewFormat, signInsOf } from './whatif.js';
import type { Command } from './command.js';

const PLAN_HELP = `Usage: mfaguard plan (--snapshot PATH | --demo | --tenant T) [--only KIND...] --out PLAN.json [options]

Propose remediation actions from the unhealthy findings, each with why (the findings), its what-if
impact (the coverage engine on the snapshot with the action applied) and the lock-out guard's
verdict, and print a review with the before/after coverage matrix. With --format html the output is the full HTML
report of the scan (as "mfaguard scan --format html"), with the plan as its "Remediation plan" section. Created policies are always
report-only and exclude every break-glass account. Never writes to the tenant.

  --out PLAN.json       where to write the plan (not written when a guard check fails)
  --only KIND           only actions of this kind: ${ACTION_KINDS.join(', ')}; repeat for several
                        (setPerUserMfa is proposed only when named here)
${REMEDIATION_INPUT_HELP}

Exit codes: 0 ok, 2 usage or input error, 3 internal error, 4 a lock-out guard check failed.`;

const PLAN_OPTIONS = { ...REMEDIATION_INPUT_OPTIONS, out: { type: 'string' }, only: { type: 'string', multiple: true } } as const satisfies ParseArgsConfig['options'];

async function runPlan(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: PLAN_OPTIONS, strict: true });
  if (values.help) {
    process.stdout.write(PLAN_HELP + '\n');
    return 0;
  }
  const format = reviewFormat(values.format);
  const { config } = await configOptions(values, { demo: !!values.demo });
  const { plan, matrix, evaluation } = await planRemediation({
    ...(config ? { config } : {}),
    source: remediationSource(values), breakGlassAccounts: values['break-glass'] ?? [], only: values.only ?? [],
    acceptImpact: values['accept-impact'] ?? [], onWarning: printWarning, ...signInsOf(values),
  });
  const review: Review = { title: 'Remediation plan', tenantId: plan.tenantId, actions: plan.actions, guard: plan.guard, matrix, json: plan };
  if (plan.guard.passed && values.out) await writeFileAtomically(values.out, async (write) => { await write(escapeJsonControls(JSON.stringify(plan, null, 2)) + '\n'); });
  if (format === 'html') {
    // The HTML report of the scan the plan was made from, with the plan's review as one of its sections (spec/remediation.md).
    const report = buildReport(evaluation);
    const explainers = await loadExplainers(report.rules.map((r) => r.id));
    await toStdout(async (write) => { await renderHtmlReport(report, write, { explainers, sections: [reviewHtmlSection(review)] }); });
  } else {
    await toStdout(async (write) => { await write(renderReview({ ...review, title: 'mfaguard remediation plan' }, format)); });
  }
  if (!plan.guard.passed) {
    process.stderr.write(`mfaguard: lock-out guard failed: ${plan.guard.checks.filter((c) => !c.passed).map((c) => c.id).join(', ')}${values.out ? ' (plan not written)' : ''}\n`);
    return 4;
  }
  if (!values.out) printWarning('no --out PLAN.json: the plan was reviewed but not saved');
  return 0;
}

export const planCommand: Command = {
  name: 'plan',
  usage: 'mfaguard plan (--snapshot PATH | --demo | --tenant T) [--only KIND...] --out PLAN.json',
  help: PLAN_HELP,
  options: PLAN_OPTIONS,
  run: runPlan,
};
