/**
 * Report-only outcomes from the sign-in store (spec/remediation.md, enableCaPolicy): per policy and
 * user, the sign-ins whose `applied_policies` (`[{id, result}]`, the readers' normalisation of
 * `appliedConditionalAccessPolicies` / `ConditionalAccessPolicies`) show `reportOnlyFailure` or
 * `reportOnlyInterrupted`. One small aggregate query over the `signins` table, so every input format
 * the readers accept feeds the plan; the reference is `indexReportOnlyResults` over Graph signIn
 * objects (test/signins/report-only.test.ts checks both agree). Like the reference it reads every
 * row of the store. Not a SignInEvidence method: only remediation asks it, and Log Analytics is not a
 * plan input.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ReportOnlyIndex } from '../remediation/report-only.js';
import { SIGNINS_TABLE } from './store.js';

const QUERY = `
WITH applied AS (
  SELECT user_id, user_principal_name, unnest(from_json(applied_policies, '[{"id":"VARCHAR","result":"VARCHAR"}]')) AS p
  FROM ${SIGNINS_TABLE}
  WHERE applied_policies IS NOT NULL AND user_id IS NOT NULL AND user_id <> ''
)
SELECT lower(p.id) AS policy_id, lower(user_id) AS user_key, min(user_id), min(user_principal_name),
  count_if(lower(p.result) = 'reportonlyfailure')::INTEGER, count_if(lower(p.result) = 'reportonlyinterrupted')::INTEGER
FROM applied
WHERE lower(p.result) IN ('reportonlyfailure', 'reportonlyinterrupted') AND p.id IS NOT NULL AND p.id <> ''
GROUP BY 1, 2`;

export async function reportOnlyResultsFromStore(conn: DuckDBConnection): Promise<ReportOnlyIndex> {
  const rows = (await (await conn.runAndReadAll(QUERY)).getRowsJS()) as [string, string, string, string | null, number, number][];
  const index: ReportOnlyIndex = new Map();
  for (const [policy, key, userId, upn, failures, interruptions] of rows) {
    let users = index.get(policy);
    if (!users) index.set(policy, (users = new Map()));
    users.set(key, { userId, userPrincipalName: upn ?? null, failures: Number(failures), interruptions: Number(interruptions) });
  }
  return index;
}
