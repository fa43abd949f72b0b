/**
 * The fast path for the one input that reaches 10M rows: NDJSON (plain or gzip) of Graph `signIn`
 * objects, as the live collection, the generator and storage exports write it. DuckDB reads and
 * normalizes the file itself (`read_json` with only the fields we keep, parsed in C++ on every core),
 * instead of JSON.parse + the Appender in JavaScript, which is several times slower.
 *
 * The SQL applies the same normalization as graph.ts (same spelling tables, from normalize.ts), and
 * the reader stays the reference: test/signins/fast-ndjson.test.ts checks both give identical rows.
 * Anything the SQL cannot vouch for — DuckDB refuses the file, or a row misses its id, time, app,
 * status or user — makes the caller drop what this path inserted and read the file with the reader,
 * which either loads it or names the exact file, line, column and key of the problem.
 */
import { open } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import { detectEncoding } from '../snapshot/decode.js';
import { SPELLINGS, squash } from './normalize.js';

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The first line of `path` (decompressed), when the file may take the fast path: UTF-8 without BOM, NDJSON of Graph records. */
export async function fastPathEligible(path: string): Promise<{ gzip: boolean } | undefined> {
  if (/[*?[\]{}]/.test(path)) return undefined; // read_json would take the name as a glob pattern
  const fh = await open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(256 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  if (gzip) {
    try {
      head = gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH: a prefix of the stream is enough */ });
    } catch {
      return undefined;
    }
  }
  if (detectEncoding(head) !== 'utf-8' || (head[0] === 0xef && head[1] === 0xbb)) return undefined;
  const text = head.toString('utf8');
  const nl = text.indexOf('\n');
  if (nl === -1) return undefined;
  const first = text.slice(0, nl).trim();
  if (!first.startsWith('{')) return undefined;
  try {
    const o = JSON.parse(first) as Record<string, unknown>;
    if (typeof o !== 'object' || o === null || !('createdDateTime' in o) || Array.isArray(o.value)) return undefined;
  } catch {
    return undefined;
  }
  return { gzip };
}

/** Graph's spelling of a value, as SQL over the squashed text (the same tables as normalize.ts' graphSpelling). */
function spellingSql(expr: string, table: { values: readonly string[]; aliases: Record<string, string> }): string {
  const known = new Map<string, string>([...table.values.map((v) => [squash(v), v] as const), ...Object.entries(table.aliases)]);
  const t = `nullif(trim(${expr}), '')`;
  const general = `CASE regexp_replace(lower(${t}), '[^a-z0-9]', '', 'g') ${[...known].map(([k, v]) => `WHEN ${sqlString(k)} THEN ${sqlString(v)}`).join(' ')} ELSE ${t} END`;
  // Graph's own spelling (nearly every row) maps to itself: an exact match skips trim, lower and the regex
  const canonical = table.values.filter((v) => known.get(squash(v)) === v);
  return `CASE WHEN ${expr} IN (${canonical.map(sqlString).join(', ')}) THEN ${expr} ELSE ${general} END`;
}

/**
 * `[{"id","result"}]` JSON text as appliedPolicies (normalize.ts) writes it: JSON.stringify's escapes
 * (to_json writes \u001F where JSON.stringify writes \u001f), ids lower case and trimmed, '' for no id,
 * 'unknown' for no result. Built as text per element; the fast case in fastPathSelect avoids it.
 */
function policiesJsonSql(list: string): string {
  const json = (e: string) => {
    let x = `replace(replace(${e}, '\\', '\\\\'), '"', '\\"')`;
    for (let c = 0; c < 32; c++) x = `replace(${x}, chr(${c}), ${sqlString(JSON.stringify(String.fromCharCode(c)).slice(1, -1))})`;
    return `'"' || ${x} || '"'`;
  };
  const item = (p: string) => `'{"id":' || ${json(`coalesce(${lowerId(`${p}.id`)}, '')`)} || ',"result":' || ${json(`coalesce(${text(`${p}.result`)}, 'unknown')`)} || '}'`;
  return `'[' || array_to_string(list_transform(${list}, p -> ${item('p')}), ',') || ']'`;
}

const ISO = String.raw`^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$`;
/** Graph's own shape (whole seconds or milliseconds, UTC): DuckDB casts it as is, no rewriting or truncation needed. */
const ISO_GRAPH = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z`;
/** No escape, null, empty result or id needing lower()/trim() in to_json's text of the policies: it is already appliedPolicies' text. */
const POLICIES_AS_IS = (j: string) => `NOT regexp_matches(${j}, '\\\\|null|"result":""|"id":"[^"]*[^a-z0-9"-]')`;
/** trim(e), without building a new string when there is nothing to trim (the common case). */
const trimmed = (e: string) => `CASE WHEN ${e} LIKE ' %' OR ${e} LIKE '% ' THEN trim(${e}) ELSE ${e} END`;
const lowerId = (e: string) => `nullif(lower(${trimmed(e)}), '')`;
const text = (e: string) => `nullif(${e}, '')`;

/** The SELECT that normalizes the file to SIGN_IN_COLUMNS, plus `valid` (false: let the reader say why). */
export function fastPathSelect(path: string, gzip: boolean): string {
  const columns = {
    id: 'VARCHAR', createdDateTime: 'VARCHAR', signInEventTypes: 'VARCHAR[]', isInteractive: 'BOOLEAN',
    userId: 'VARCHAR', userPrincipalName: 'VARCHAR', userDisplayName: 'VARCHAR', appId: 'VARCHAR', appDisplayName: 'VARCHAR',
    resourceId: 'VARCHAR', resourceDisplayName: 'VARCHAR', status: 'STRUCT(errorCode VARCHAR)',
    authenticationRequirement: 'VARCHAR', authenticationProtocol: 'VARCHAR', clientAppUsed: 'VARCHAR', userAgent: 'VARCHAR', ipAddress: 'VARCHAR',
    location: 'STRUCT(countryOrRegion VARCHAR)', deviceDetail: 'STRUCT(operatingSystem VARCHAR)',
    homeTenantId: 'VARCHAR', resourceTenantId: 'VARCHAR', conditionalAccessStatus: 'VARCHAR',
    networkLocationDetails: 'STRUCT(networkType VARCHAR)[]', appliedConditionalAccessPolicies: 'STRUCT(id VARCHAR, result VARCHAR)[]',
  };
  const spec = `{${Object.entries(columns).map(([k, t]) => `${sqlString(k)}: ${sqlString(t)}`).join(', ')}}`;
  const types = `list_transform(signInEventTypes, x -> lower(x))`;
  const policies = 'to_json(appliedConditionalAccessPolicies)::VARCHAR';
  return `
    SELECT
      ${trimmed('id')} AS id,
      CASE WHEN regexp_full_match(createdDateTime, ${sqlString(ISO_GRAPH)}) THEN TRY_CAST(createdDateTime AS TIMESTAMPTZ)
        WHEN regexp_full_match(trim(createdDateTime), ${sqlString(ISO)}) THEN date_trunc('millisecond', TRY_CAST(upper(replace(trim(createdDateTime), ' ', 'T')) AS TIMESTAMPTZ)) END AS created_at,
      CASE
        -- Graph writes one type per sign-in, in its own spelling: compared as is before lower-casing the list
        WHEN signInEventTypes = ['nonInteractiveUser'] THEN 'nonInteractiveUser'
        WHEN signInEventTypes = ['interactiveUser'] THEN 'interactiveUser'
        WHEN len(signInEventTypes) > 0 THEN CASE
          WHEN list_contains(${types}, 'interactiveuser') THEN 'interactiveUser'
          WHEN list_contains(${types}, 'noninteractiveuser') THEN 'nonInteractiveUser'
          WHEN list_contains(${types}, 'serviceprincipal') THEN 'servicePrincipal'
          WHEN list_contains(${types}, 'managedidentity') THEN 'managedIdentity'
          ELSE 'unknown' END
        WHEN isInteractive THEN 'interactiveUser'
        WHEN NOT isInteractive THEN 'nonInteractiveUser'
        ELSE 'unknown' END AS event_type,
      ${lowerId('userId')} AS user_id,
      ${text('userPrincipalName')} AS user_principal_name,
      ${text('userDisplayName')} AS user_display_name,
      coalesce(${lowerId('appId')}, '') AS app_id,
      ${text('appDisplayName')} AS app_display_name,
      ${lowerId('resourceId')} AS resource_id,
      ${text('resourceDisplayName')} AS resource_display_name,
      CASE WHEN status.errorCode = '0' THEN 0 WHEN regexp_full_match(trim(status.errorCode), '-?\\d+') THEN TRY_CAST(trim(status.errorCode) AS INTEGER) END AS error_code,
      ${spellingSql('authenticationRequirement', SPELLINGS.authenticationRequirement)} AS authentication_requirement,
      ${spellingSql('authenticationProtocol', SPELLINGS.authenticationProtocol)} AS authentication_protocol,
      ${text('clientAppUsed')} AS client_app_used,
      ${text('userAgent')} AS user_agent,
      ${text('ipAddress')} AS ip_address,
      ${text('location.countryOrRegion')} AS country_or_region,
      ${text('deviceDetail.operatingSystem')} AS operating_system,
      ${lowerId('homeTenantId')} AS home_tenant_id,
      ${lowerId('resourceTenantId')} AS resource_tenant_id,
      ${spellingSql('conditionalAccessStatus', SPELLINGS.conditionalAccessStatus)} AS conditional_access_status,
      coalesce(list_bool_or(list_transform(networkLocationDetails, d -> lower(coalesce(d.networkType, '')) IN ('trustednamedlocation', 'trusted'))), false) AS trusted_location,
      CASE WHEN ${POLICIES_AS_IS(policies)} THEN ${policies} ELSE ${policiesJsonSql('appliedConditionalAccessPolicies')} END AS applied_policies
    FROM read_json(${sqlString(path)}, format = 'newline_delimited', compression = ${gzip ? "'gzip'" : "'uncompressed'"}, columns = ${spec}, maximum_object_size = 67108864)`;
}

/** SQL: rows of the fast path that the reader must judge (it refuses them, naming the place). */
export const FAST_PATH_INVALID = `(id IS NULL OR id = '' OR created_at IS NULL OR app_id = '' OR error_code IS NULL
  OR (event_type IN ('interactiveUser', 'nonInteractiveUser') AND user_id IS NULL))`;

/**
 * Inserts the file's rows into `table` (SIGN_IN_COLUMNS order); true when every row was loaded and
 * valid. On false the caller deletes the rows after `mark` and reads the file with the reader.
 */
export async function insertFastPath(conn: DuckDBConnection, table: string, path: string, gzip: boolean, mark: number): Promise<{ ok: true; rows: number } | { ok: false }> {
  try {
    await conn.run(`INSERT INTO ${table} ${fastPathSelect(path, gzip)}`);
  } catch {
    return { ok: false };
  }
  const [[invalid, rows]] = (await (await conn.runAndReadAll(`SELECT count(*) FILTER (WHERE ${FAST_PATH_INVALID}), count(*) FROM ${table} WHERE rowid >= ${mark}`)).getRowsJS()) as [[bigint, bigint]];
  return Number(invalid) ? { ok: false } : { ok: true, rows: Number(rows) };
}
