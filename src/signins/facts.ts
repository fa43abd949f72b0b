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
import type { Col } from './analyses.js';
import { FACTS_ENUM_COLUMNS, FACTS_TABLE, factsEnumType, ident, SIGNINS_SOURCE, sqlString } from './sql.js';

/** Bump when the facts' columns or meaning change: older facts are then ignored until rebuilt. */
export const FACTS_VERSION = 1;
export { FACTS_TABLE };

/** The facts table built from a sign-ins table: `signin_facts` for the store's `signins`, `<table>_facts` otherwise. */
export function factsTableOf(table: string): string {
  return table === SIGNINS_SOURCE.table ? FACTS_TABLE : `${table}_facts`;
}

/**
 * What the facts hold, as the logical columns of analyses.ts: every value below is computed by the
 * very SQL that answers from `signins` (SIGNINS_SOURCE), so the two sources cannot drift apart.
 */
const ENUM_VALUES: Record<(typeof FACTS_ENUM_COLUMNS)[number], Col> = {
  user_id: 'userId', upn: 'upn', app_id: 'appId', app_name: 'appName', resource_id: 'resourceId', client_app: 'clientApp',
  client_app_or_unknown: 'clientAppOrUnknown', user_agent: 'userAgent', os_or_unknown: 'osOrUnknown', country_or_unknown: 'countryOrUnknown',
};
const ENUM_COLUMNS = FACTS_ENUM_COLUMNS.map((c) => [c, SIGNINS_SOURCE.col[ENUM_VALUES[c]]] as const);
const FLAGS = { interactive: 'interactive', single_factor: 'singleFactor', multi_factor: 'multiFactor', ropc: 'ropc', trusted: 'trusted' } as const satisfies Record<string, Col>;

/** The comment that marks a facts table as current for `rows` sign-ins. */
const stamp = (rows: number) => `mfaguard facts v${FACTS_VERSION} rows=${rows}`;

/**
 * (Re)builds the facts table `facts` from the sign-ins table `source`. The store runs it in the
 * import's temporary database: a failure leaves the previous database as it was.
 */
export async function buildSignInFacts(conn: DuckDBConnection, source = 'signins', facts = FACTS_TABLE): Promise<void> {
  await dropSignInFacts(conn, facts);
  const src = SIGNINS_SOURCE;
  const from = `FROM ${ident(source)} WHERE ${src.base}`;
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
  // tool, version and the scripted flag per distinct user agent (a handful to a few thousand), joined in by `agent`
  const agentType = factsEnumType(facts, 'user_agent');
  await conn.run(`CREATE OR REPLACE TEMP TABLE mfaguard_agents AS SELECT user_agent::${agentType} AS agent,
      ${src.col.tool} AS tool, ${src.col.version} AS version, ${src.scriptedAgent} AS scripted
    FROM (SELECT unnest(enum_range(NULL::${agentType})) AS user_agent)`);
  const enums = ENUM_COLUMNS.map(([name, expr]) => `(${expr})::${factsEnumType(facts, name)} AS ${name}`);
  const flags = Object.entries(FLAGS).map(([name, col]) => `coalesce(${src.col[col]}, false) AS ${name}`);
  // stored by user, then app, then time, then id: a user's rows (and a user's rows per app) are neighbours, so grouping
  // per user or per (user, app) finds its group in cache (20–30% faster); within (user, app) the row number is the
  // (time, id) order the earliest sample ids are chosen by (sql.ts storedOrder)
  await conn.run(`CREATE TABLE ${ident(facts)} AS SELECT * FROM (SELECT
      ${src.ms(src.col.at)} AS at_ms, ${src.col.id} AS id, ${enums.join(', ')}, ${src.col.ip} AS ip_address, ${flags.join(', ')},
      ${src.sameTenant} AS same_tenant, ${src.legacy} AS legacy, coalesce(a.scripted, false) AS scripted, a.tool, a.version
    FROM ${ident(source)} LEFT JOIN mfaguard_agents a ON a.agent = user_agent::${agentType}
    WHERE ${src.base}) ORDER BY user_id, app_id, at_ms, id`);
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
