/**
 * The facts table: what the analyses read on DuckDB, built from the `signins` table when an import
 * ends (and by tests over their own tables). One row per successful user sign-in (signins.md,
 * Definitions: the filter every analysis applies is applied once, here), with
 *   - the time as epoch milliseconds;
 *   - every text the analyses group by or take the smallest of as an ENUM whose values are created in
 *     sorted order: grouping hashes a small integer instead of a 36-character id, and min/max over the
 *     ENUM's order is min/max over the text (DuckDB compares text by bytes, as the raw query did);
 *   - the derived flags of a row (single-/multi-factor, ROPC, legacy client, scripted agent, same
 *     tenant) and the tool and version its user agent names, computed once — the regexes run per
 *     distinct user agent, not per row.
 * At 10M sign-ins the analyses run 4–10× faster over it than over `signins` (see README, Benchmarks).
 *
 * The table carries a comment naming FACTS_VERSION and the row count of `signins` it was built from;
 * a database without it, from an older mfaguard or changed behind our back, is still answered, from
 * `signins` directly (sql.ts SIGNINS_SOURCE) — same answers, slower — until the next import rebuilds it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { SCRIPTED_AGENT, TOOL_VERSION, MODERN_CLIENTS } from '../evidence/signins.js';
import { FACTS_ENUM_COLUMNS, FACTS_TABLE, factsEnumType, ident, re2, SIGNINS_SOURCE, SQL_BASE_WHERE, sqlString } from './sql.js';

/** Bump when the facts' columns or meaning change: older facts are then ignored until rebuilt. */
export const FACTS_VERSION = 1;
export { FACTS_TABLE };

/** The facts table built from a sign-ins table: `signin_facts` for the store's `signins`, `<table>_facts` otherwise. */
export function factsTableOf(table: string): string {
  return table === SIGNINS_SOURCE.table ? FACTS_TABLE : `${table}_facts`;
}

/** What each ENUM-typed facts column (sql.ts FACTS_ENUM_COLUMNS) holds, over a `signins` row `s`. */
const ENUM_VALUES: Record<(typeof FACTS_ENUM_COLUMNS)[number], string> = {
  user_id: 's.user_id',
  upn: 's.user_principal_name',
  app_id: 's.app_id',
  app_name: 's.app_display_name',
  resource_id: 's.resource_id',
  client_app: 's.client_app_used',
  client_app_or_unknown: "coalesce(s.client_app_used, 'unknown')",
  user_agent: 's.user_agent',
  os_or_unknown: "coalesce(s.operating_system, 'unknown')",
  country_or_unknown: "coalesce(s.country_or_region, 'unknown')",
};
const ENUM_COLUMNS = FACTS_ENUM_COLUMNS.map((c) => [c, ENUM_VALUES[c]] as const);

/** "Successful user sign-in" over `s`. */
const BASE_WHERE = SQL_BASE_WHERE.replace(/\b(error_code|event_type|user_id)\b/g, 's.$1');

/** The comment that marks a facts table as current for `rows` sign-ins. */
const stamp = (rows: number) => `mfaguard facts v${FACTS_VERSION} rows=${rows}`;

/**
 * (Re)builds the facts table `facts` from the sign-ins table `source`. The store runs it in the
 * import's temporary database: a failure leaves the previous database as it was.
 */
export async function buildSignInFacts(conn: DuckDBConnection, source = 'signins', facts = FACTS_TABLE): Promise<void> {
  await dropSignInFacts(conn, facts);
  const from = `FROM ${ident(source)} s WHERE ${BASE_WHERE}`;
  // every column's distinct values in one scan (GROUPING SETS: half the time of one DISTINCT per column); a row
  // of a set has only its own column filled, so a column's non-null values are its set's rows
  const sets = ENUM_COLUMNS.map(([name]) => `(${name})`).join(', ');
  await conn.run(`CREATE OR REPLACE TEMP TABLE mfaguard_values AS SELECT ${ENUM_COLUMNS.map(([name, expr]) => `${expr} AS ${name}`).join(', ')} ${from} GROUP BY GROUPING SETS (${sets})`);
  for (const [name] of ENUM_COLUMNS) {
    // DuckDB cannot use an ENUM without values; a column with none gets '' (no row holds it: they are all NULL)
    const [[n]] = (await (await conn.runAndReadAll(`SELECT count(${name}) FROM mfaguard_values`)).getRowsJS()) as [[bigint]];
    const values = Number(n) ? `SELECT ${name} FROM mfaguard_values WHERE ${name} IS NOT NULL ORDER BY 1` : "SELECT ''";
    await conn.run(`CREATE TYPE ${factsEnumType(facts, name)} AS ENUM (${values})`);
  }
  await conn.run('DROP TABLE mfaguard_values');
  // tool, version and the scripted flag per distinct user agent (a handful to a few thousand), joined in
  const agent = factsEnumType(facts, 'user_agent');
  await conn.run(`CREATE OR REPLACE TEMP TABLE mfaguard_agents AS SELECT a::${agent} AS user_agent,
      lower(regexp_extract(a, ${re2(TOOL_VERSION)}, 1)) AS tool, regexp_extract(a, ${re2(TOOL_VERSION)}, 2) AS version,
      regexp_matches(a, ${re2(SCRIPTED_AGENT)}) AS scripted
    FROM (SELECT unnest(enum_range(NULL::${agent})) AS a)`);
  const enums = ENUM_COLUMNS.map(([name, expr]) => `(${expr})::${factsEnumType(facts, name)} AS ${name}`);
  // stored by user, then app, then time, then id: a user's rows (and a user's rows per app) are neighbours, so grouping
  // per user or per (user, app) finds its group in cache (20–30% faster); within (user, app) the row number is the
  // (time, id) order the earliest sample ids are chosen by (sql.ts storedOrder)
  await conn.run(`CREATE TABLE ${ident(facts)} AS SELECT * FROM (SELECT
      epoch_ms(s.created_at) AS at_ms, s.id, ${enums.join(', ')}, s.ip_address,
      s.event_type = 'interactiveUser' AS interactive,
      coalesce(lower(s.authentication_requirement) = 'singlefactorauthentication', false) AS single_factor,
      coalesce(lower(s.authentication_requirement) = 'multifactorauthentication', false) AS multi_factor,
      coalesce(lower(s.authentication_protocol) = 'ropc', false) AS ropc,
      s.trusted_location AS trusted,
      (coalesce(s.home_tenant_id, '') = '' OR coalesce(s.resource_tenant_id, '') = '' OR lower(s.home_tenant_id) = lower(s.resource_tenant_id)) AS same_tenant,
      (s.client_app_used IS NOT NULL AND lower(s.client_app_used) NOT IN (${[...MODERN_CLIENTS].map(sqlString).join(', ')})) AS legacy,
      coalesce(a.scripted, false) AS scripted, a.tool, a.version
    FROM ${ident(source)} s LEFT JOIN mfaguard_agents a ON a.user_agent = s.user_agent::${agent}
    WHERE ${BASE_WHERE}) ORDER BY user_id, app_id, at_ms, id`);
  await conn.run('DROP TABLE mfaguard_agents');
  const rows = await countRows(conn, source);
  await conn.run(`COMMENT ON TABLE ${ident(facts)} IS ${sqlString(stamp(rows))}`);
}

/** Drops the facts table and its ENUM types (before a rebuild). */
export async function dropSignInFacts(conn: DuckDBConnection, facts = FACTS_TABLE): Promise<void> {
  await conn.run(`DROP TABLE IF EXISTS ${ident(facts)}`);
  for (const [name] of ENUM_COLUMNS) await conn.run(`DROP TYPE IF EXISTS ${factsEnumType(facts, name)}`);
}

async function countRows(conn: DuckDBConnection, table: string): Promise<number> {
  return Number((await (await conn.runAndReadAll(`SELECT count(*) FROM ${ident(table)}`)).getRowsJS())[0]![0]);
}

/** Whether `facts` exists, is of this FACTS_VERSION and was built from the current `source` rows. */
export async function hasCurrentFacts(conn: DuckDBConnection, source = 'signins', facts = FACTS_TABLE): Promise<boolean> {
  const found = await (await conn.runAndReadAll(`SELECT comment FROM duckdb_tables() WHERE table_name = ${sqlString(facts)} AND NOT temporary`)).getRowsJS();
  if (!found.length) return false;
  return String(found[0]![0]) === stamp(await countRows(conn, source));
}
