/**
 * Renders an analysis definition (analyses.ts) to DuckDB SQL over the `signins` table (columns:
 * SIGN_IN_COLUMNS in src/evidence/row.ts). Values are rendered as escaped literals (instants are
 * re-serialised from numbers, text is quoted with '' doubling), so a query is one self-contained text.
 * Every atomic predicate is NULL-safe (coalesce … false): SQL's three-valued logic must not drop rows
 * the reference keeps (NOT (resource_id IN …) with a NULL resource is true in the reference).
 */
import { MODERN_CLIENTS, SCRIPTED_AGENT, TOOL_VERSION } from '../evidence/signins.js';
import { outputColumns, type AggregatePart, type Agg, type Col, type Part, type Pred } from './analyses.js';

export const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ts = (ms: number) => `TIMESTAMPTZ ${sqlString(new Date(ms).toISOString())}`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const re2 = (re: RegExp) => sqlString(`(?i)${re.source}`);

const COL_SQL: Record<Col, string> = {
  at: 'created_at',
  id: 'id',
  userId: 'user_id',
  upn: 'user_principal_name',
  appId: 'app_id',
  appName: 'app_display_name',
  resourceId: 'resource_id',
  clientApp: 'client_app_used',
  userAgent: 'user_agent',
  ip: 'ip_address',
  homeTenant: 'lower(home_tenant_id)',
  resourceTenant: 'lower(resource_tenant_id)',
  interactive: "(event_type = 'interactiveUser')",
  singleFactor: "(lower(authentication_requirement) = 'singlefactorauthentication')",
  multiFactor: "(lower(authentication_requirement) = 'multifactorauthentication')",
  ropc: "(lower(authentication_protocol) = 'ropc')",
  trusted: 'trusted_location',
  tool: `lower(regexp_extract(user_agent, ${re2(TOOL_VERSION)}, 1))`,
  version: `regexp_extract(user_agent, ${re2(TOOL_VERSION)}, 2)`,
  day: '((epoch_ms(created_at) // 86400000) * 86400000)::DOUBLE',
  minuteOfDay: '((epoch_ms(created_at) % 86400000) // 60000)::DOUBLE',
  osOrUnknown: "coalesce(operating_system, 'unknown')",
  countryOrUnknown: "coalesce(country_or_region, 'unknown')",
  clientAppOrUnknown: "coalesce(client_app_used, 'unknown')",
};
/** Derived text columns are '' when absent (no regex match); base columns are NULL. */
const DERIVED_TEXT = new Set<Col>(['tool', 'version']);

/** What a column's value is in a result row (instants as epoch ms). */
function outSql(c: Col): string {
  return c === 'at' ? 'epoch_ms(created_at)::DOUBLE' : COL_SQL[c];
}

export function predSql(p: Pred): string {
  const safe = (s: string) => `coalesce(${s}, false)`;
  switch (p.op) {
    case 'false':
      return 'false';
    case 'flag':
      return safe(COL_SQL[p.col]);
    case 'not':
      return `(NOT ${predSql(p.pred)})`;
    case 'or':
      return `(${p.preds.map(predSql).join(' OR ')})`;
    case 'in':
      return p.values.length ? safe(`${COL_SQL[p.col]} IN (${p.values.map(sqlString).join(', ')})`) : 'false';
    case 'present':
      return DERIVED_TEXT.has(p.col) ? safe(`${COL_SQL[p.col]} <> ''`) : `(${COL_SQL[p.col]} IS NOT NULL)`;
    case 'since':
      return `(created_at >= ${ts(p.ms)})`;
    case 'before':
      return `(created_at < ${ts(p.ms)})`;
    case 'legacy':
      return `(client_app_used IS NOT NULL AND lower(client_app_used) NOT IN (${[...MODERN_CLIENTS].map(sqlString).join(', ')}))`;
    case 'scriptedAgent':
      return safe(`regexp_matches(user_agent, ${re2(SCRIPTED_AGENT)})`);
    case 'sameTenant':
      return "(coalesce(home_tenant_id, '') = '' OR coalesce(resource_tenant_id, '') = '' OR lower(home_tenant_id) = lower(resource_tenant_id))";
  }
}

function aggSql(a: Agg): string {
  switch (a.fn) {
    case 'count':
      return 'count(*)::DOUBLE';
    case 'countIf':
      return `(count(*) FILTER (WHERE ${predSql(a.where)}))::DOUBLE`;
    case 'minAt':
      return 'epoch_ms(min(created_at))::DOUBLE';
    case 'maxAt':
      return 'epoch_ms(max(created_at))::DOUBLE';
    case 'maxAtIf':
      return `epoch_ms(max(created_at) FILTER (WHERE ${predSql(a.where)}))::DOUBLE`;
    case 'first':
      // the earliest row's value, NULL included (arg_min would skip NULL values)
      return `arg_min_null(${outSql(a.col)}, created_at)`;
    case 'smallest':
      return `min(${outSql(a.col)})`;
    case 'distinct':
      return `(count(DISTINCT ${outSql(a.col)})${a.where ? ` FILTER (WHERE ${predSql(a.where)})` : ''})::DOUBLE`;
    case 'firstN': {
      // min_by keeps the n rows with the smallest (time, value), in that order; each element is then written
      // as the readers expect it (`<key>|<value>`, the key left empty: only KQL needs it, to sort as text)
      const [value, key] = a.col === 'at' ? ['epoch_ms(created_at)::VARCHAR', 'created_at'] : [`coalesce(${COL_SQL[a.col]}, '')`, `(created_at, ${COL_SQL[a.col]})`];
      return `list_transform(min_by(${value}, ${key}, ${a.n})${a.where ? ` FILTER (WHERE ${predSql(a.where)})` : ''}, x -> '|' || x)`;
    }
  }
}

/** Successful user sign-ins: what every analysis counts (signins.md, Definitions). */
export const SQL_BASE_WHERE = "error_code = 0 AND event_type IN ('interactiveUser', 'nonInteractiveUser') AND user_id IS NOT NULL AND user_id <> ''";

export interface SqlOptions {
  /** The table (default `signins`). */
  table?: string;
  /** Only the rows of partition `index` of `count` (by a hash of the user id): how the emulator answers a partitioned KQL query. */
  partition?: { index: number; count: number };
}

/** `FROM <table> WHERE <successful user sign-ins> AND <where> [AND <partition>]`: the rows a part reads. */
function fromWhere(where: readonly Pred[], opts: SqlOptions): string {
  const all = [SQL_BASE_WHERE, ...where.map(predSql)];
  if (opts.partition && opts.partition.count > 1) all.push(`hash(user_id) % ${opts.partition.count} = ${opts.partition.index}`);
  return `FROM ${opts.table ? ident(opts.table) : 'signins'} WHERE ${all.join(' AND ')}`;
}

export function renderSql(part: Part, opts: SqlOptions = {}): string {
  const from = fromWhere(part.where, opts);
  const keys = part.by.map((c) => `${outSql(c)} AS ${ident(c)}`);
  if (part.kind === 'ringWindow') {
    // A qualifying window [s, s + width] can always be moved to start at its earliest point, so only
    // windows starting at a point are tried: per group, points ordered by position, the distinct values
    // within `width` after each point (a windowed count(DISTINCT) in one sorted pass). The ring wraps
    // by repeating the points that a window starting near the end reaches past the period.
    const names = part.by.map(ident).join(', ');
    const points = `SELECT DISTINCT ${[...keys, `${outSql(part.position)} AS "position"`, `${outSql(part.distinct)} AS "distinct"`].join(', ')} ${from}`;
    const ring = `SELECT * FROM points UNION ALL SELECT ${names}, "position" + ${part.period} AS "position", "distinct" FROM points WHERE "position" < ${part.width}`;
    const counted = `SELECT ${names}, count(DISTINCT "distinct") OVER (PARTITION BY ${names} ORDER BY "position" RANGE BETWEEN CURRENT ROW AND ${part.width} FOLLOWING) AS n FROM ring`;
    return `WITH points AS (${points}), ring AS (${ring}) SELECT DISTINCT ${names} FROM (${counted}) WHERE n >= ${part.minDistinct}`;
  }
  const cols = [...keys, ...Object.entries(part.aggs).map(([name, a]) => `${aggSql(a)} AS ${ident(name)}`)];
  const groupBy = part.by.length ? ` GROUP BY ${part.by.map((_, i) => i + 1).join(', ')}` : '';
  const having = part.having ? ` HAVING ${aggSql(part.aggs[part.having]!)} > 0` : '';
  const grouped = `SELECT ${cols.join(', ')} ${from}${groupBy}${having}`;
  if (!part.top) return grouped;
  const partition = part.top.per.length ? `PARTITION BY ${part.top.per.map(ident).join(', ')} ` : '';
  return `SELECT * EXCLUDE (mfaguard_rank) FROM (SELECT *, row_number() OVER (${partition}ORDER BY ${topOrder(part).join(', ')}) AS mfaguard_rank, count(*) OVER (${partition.trim()})::DOUBLE AS "groups" FROM (${grouped})) WHERE mfaguard_rank <= ${part.top.n}`;
}

/** The kind of a part's output column (a key or an aggregate). */
function outKind(part: AggregatePart, name: string): string {
  return outputColumns(part).find((c) => c.name === name)?.kind ?? 'text';
}

/** ORDER BY terms of a `top`: its order, then the group keys; absent text sorts as '' (as the finishing code compares it). */
function topOrder(part: AggregatePart): string[] {
  const term = (name: string, desc = false) => `${outKind(part, name) === 'text' ? `coalesce(${ident(name)}, '')` : ident(name)}${desc ? ' DESC' : ''}`;
  return [...part.top!.order.map((o) => term(o.col, o.desc)), ...part.by.map((c) => term(c))];
}

/**
 * Several aggregate parts over the same rows (the same `where`), grouped differently — the workbook's
 * pivots — from ONE scan: the rows are first grouped by every key any part uses (plus the columns
 * counted distinctly), each conditional count kept as a count, and each part then re-aggregates those
 * groups (sums of counts, min of mins, distinct keys) and is cut to its own `top`. At 10M sign-ins the
 * seven pivots cost about two scans instead of seven. Only aggregates that compose this way are
 * accepted (count, countIf, smallest, distinct). Every row carries `mfaguard_set`, its part's index.
 */
export function renderSqlRollup(parts: readonly AggregatePart[], opts: SqlOptions = {}): string {
  const whereKey = JSON.stringify(parts[0]!.where);
  if (parts.some((p) => JSON.stringify(p.where) !== whereKey || p.having)) throw new Error('renderSqlRollup: parts must share their filters and have no HAVING');
  const keys = new Set<Col>(parts.flatMap((p) => p.by));
  const counts = new Map<string, string>(); // predicate (as JSON) → rollup column
  const countOf = (pred: Pred) => {
    const k = JSON.stringify(pred);
    if (!counts.has(k)) counts.set(k, `mfaguard_c${counts.size}`);
    return counts.get(k)!;
  };
  const mins = new Set<Col>();
  const reaggregate = (a: Agg): string => {
    switch (a.fn) {
      case 'count':
        return 'sum(mfaguard_n)::DOUBLE';
      case 'countIf':
        return `sum(${countOf(a.where)})::DOUBLE`;
      case 'smallest':
        mins.add(a.col);
        return `min(${ident(`mfaguard_min_${a.col}`)})`;
      case 'distinct':
        keys.add(a.col);
        return `(count(DISTINCT ${ident(a.col)})${a.where ? ` FILTER (WHERE ${countOf(a.where)} > 0)` : ''})::DOUBLE`;
      default:
        throw new Error(`renderSqlRollup: ${a.fn} does not compose`);
    }
  };
  const selects = parts.map((p, i) => {
    const cols = [...p.by.map(ident), ...Object.entries(p.aggs).map(([name, a]) => `${reaggregate(a)} AS ${ident(name)}`), `${i}::DOUBLE AS mfaguard_set`];
    const grouped = `SELECT ${cols.join(', ')} FROM rolled${p.by.length ? ` GROUP BY ${p.by.map(ident).join(', ')}` : ''}`;
    if (!p.top) return `(${grouped})`;
    return `(SELECT *, count(*) OVER ()::DOUBLE AS "groups" FROM (${grouped}) ORDER BY ${topOrder(p).join(', ')} LIMIT ${p.top.n})`;
  });
  const rollCols = [
    ...[...keys].map((c) => `${outSql(c)} AS ${ident(c)}`),
    'count(*) AS mfaguard_n',
    ...[...counts].map(([pred, name]) => `count(*) FILTER (WHERE ${predSql(JSON.parse(pred) as Pred)}) AS ${name}`),
    ...[...mins].map((c) => `min(${outSql(c)}) AS ${ident(`mfaguard_min_${c}`)}`),
  ];
  const rolled = `SELECT ${rollCols.join(', ')} ${fromWhere(parts[0]!.where, opts)}${keys.size ? ` GROUP BY ${[...keys].map((_, i) => i + 1).join(', ')}` : ''}`;
  return `WITH rolled AS MATERIALIZED (${rolled}) ${selects.join(' UNION ALL BY NAME ')}`;
}

