/**
 * Renders an analysis definition (analyses.ts) to DuckDB SQL over the `signins` table (columns:
 * SIGN_IN_COLUMNS in src/evidence/row.ts) or over the facts table built from it (facts.ts). Values are
 * rendered as escaped literals (instants are re-serialised from numbers, text is quoted with ''
 * doubling), so a query is one self-contained text.
 * Every atomic predicate is NULL-safe (coalesce … false): SQL's three-valued logic must not drop rows
 * the reference keeps (NOT (resource_id IN …) with a NULL resource is true in the reference).
 */
import { MODERN_CLIENTS, SCRIPTED_AGENT, TOOL_VERSION } from '../evidence/signins.js';
import { outputColumns, type AggregatePart, type Agg, type Col, type Part, type Pred, type RingWindowPart } from './analyses.js';

export const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
export const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const re2 = (re: RegExp) => sqlString(`(?i)${re.source}`);

/**
 * Where a part's rows come from, and how each logical column reads there. Two sources give the same
 * answers (the differential tests check both against the reference): the `signins` table itself, every
 * derived value computed per row (what the Log Analytics emulator also answers from), and the facts
 * table the store builds at import (facts.ts: successful user sign-ins only, texts as sorted ENUMs,
 * flags precomputed) — several times faster at 10M rows.
 */
export interface SqlSource {
  table: string;
  /** The filter for "successful user sign-in" (signins.md), or undefined when the table holds only those. */
  base: string | undefined;
  col: Record<Col, string>;
  /** Epoch milliseconds of an expression of `at`'s type. */
  ms: (expr: string) => string;
  /** An instant as a literal comparable with `at`. */
  instant: (ms: number) => string;
  /** The derived predicates of analyses.ts. */
  legacy: string;
  scriptedAgent: string;
  sameTenant: string;
  /** The user id as text (what a partition hashes, so it splits the same users whatever the source). */
  userText: string;
  /** The `IN (…)` list of text values compared with a column expression, when not plain literals. */
  inList?: (column: string, values: readonly string[]) => string | undefined;
  /** The ENUM type of a column expression that is one, else undefined (its values can travel as codes). */
  enumOf?: (column: string) => string | undefined;
  /**
   * The rows of a group whose keys include `within` are stored in (time, id) order: `key` (a row number)
   * orders them as (at, id) would, so the earliest ids of such a group need no comparison of texts.
   */
  storedOrder?: { within: Col[]; key: string };
}

/** Successful user sign-ins: what every analysis counts (signins.md, Definitions). */
export const SQL_BASE_WHERE = "error_code = 0 AND event_type IN ('interactiveUser', 'nonInteractiveUser') AND user_id IS NOT NULL AND user_id <> ''";

const LEGACY_SQL = `(client_app_used IS NOT NULL AND lower(client_app_used) NOT IN (${[...MODERN_CLIENTS].map(sqlString).join(', ')}))`;

/** The `signins` table (SIGN_IN_COLUMNS), every derived value computed per row. */
export const SIGNINS_SOURCE: SqlSource = {
  table: 'signins',
  base: SQL_BASE_WHERE,
  col: {
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
  },
  ms: (e) => `epoch_ms(${e})`,
  instant: (ms) => `TIMESTAMPTZ ${sqlString(new Date(ms).toISOString())}`,
  legacy: LEGACY_SQL,
  scriptedAgent: `coalesce(regexp_matches(user_agent, ${re2(SCRIPTED_AGENT)}), false)`,
  sameTenant: "(coalesce(home_tenant_id, '') = '' OR coalesce(resource_tenant_id, '') = '' OR lower(home_tenant_id) = lower(resource_tenant_id))",
  userText: 'user_id',
};

/** The ENUM type of a facts column (facts.ts). */
export const factsEnumType = (table: string, column: string) => ident(`${table}_${column}`);

/** The facts columns typed as ENUMs (facts.ts creates them; `in` compares with values cast to them). */
export const FACTS_ENUM_COLUMNS = ['user_id', 'upn', 'app_id', 'app_name', 'resource_id', 'client_app', 'client_app_or_unknown', 'user_agent', 'os_or_unknown', 'country_or_unknown'] as const;

/** Facts ENUMs with a value per user: building the cast's lookup of one costs ~70 ms at 50k users. */
const LARGE_ENUMS = new Set(['user_id', 'upn']);

/** The store's facts table (facts.ts). */
export const FACTS_TABLE = 'signin_facts';

/** The facts table (facts.ts) named `table`. */
export function factsSource(table = FACTS_TABLE): SqlSource {
  const enumOf = (column: string) => ((FACTS_ENUM_COLUMNS as readonly string[]).includes(column) ? factsEnumType(table, column) : undefined);
  return {
    table,
    base: undefined,
    col: {
      at: 'at_ms',
      id: 'id',
      userId: 'user_id',
      upn: 'upn',
      appId: 'app_id',
      appName: 'app_name',
      resourceId: 'resource_id',
      clientApp: 'client_app',
      userAgent: 'user_agent',
      ip: 'ip_address',
      interactive: 'interactive',
      singleFactor: 'single_factor',
      multiFactor: 'multi_factor',
      ropc: 'ropc',
      trusted: 'trusted',
      tool: 'tool',
      version: 'version',
      day: '((at_ms // 86400000) * 86400000)::DOUBLE',
      minuteOfDay: '((at_ms % 86400000) // 60000)::DOUBLE',
      osOrUnknown: 'os_or_unknown',
      countryOrUnknown: 'country_or_unknown',
      clientAppOrUnknown: 'client_app_or_unknown',
    },
    ms: (e) => e,
    instant: (ms) => `${Math.trunc(ms)}::BIGINT`,
    legacy: 'legacy',
    scriptedAgent: 'scripted',
    sameTenant: 'same_tenant',
    userText: 'user_id::VARCHAR',
    // text compared with an ENUM column would cast every row to text: cast the values instead, absent ones to NULL (no match)
    inList: (column, values) => {
      const type = enumOf(column);
      if (!type) return undefined;
      // users and their names: one cast of the list (a subquery); the small ENUMs (apps, resources): literals, folded once
      return LARGE_ENUMS.has(column) ? `SELECT TRY_CAST(unnest([${values.map(sqlString).join(', ')}]) AS ${type})` : values.map((v) => `TRY_CAST(${sqlString(v)} AS ${type})`).join(', ');
    },
    enumOf,
    // stored ordered by user, app, time, id (facts.ts)
    storedOrder: { within: ['userId', 'appId'], key: 'rowid' },
  };
}

/** Derived text columns are '' when absent (no regex match); base columns are NULL. */
const DERIVED_TEXT = new Set<Col>(['tool', 'version']);

/** What a column's value is in a result row (instants as epoch ms). */
function outSql(src: SqlSource, c: Col): string {
  return c === 'at' ? `${src.ms(src.col.at)}::DOUBLE` : src.col[c];
}

export function predSql(p: Pred, src: SqlSource = SIGNINS_SOURCE): string {
  const safe = (s: string) => `coalesce(${s}, false)`;
  const col = src.col;
  switch (p.op) {
    case 'false':
      return 'false';
    case 'flag':
      return safe(col[p.col]);
    case 'not':
      return `(NOT ${predSql(p.pred, src)})`;
    case 'or':
      return `(${p.preds.map((q) => predSql(q, src)).join(' OR ')})`;
    case 'in':
      return p.values.length ? safe(`${col[p.col]} IN (${src.inList?.(col[p.col], p.values) ?? p.values.map(sqlString).join(', ')})`) : 'false';
    case 'present':
      return DERIVED_TEXT.has(p.col) ? safe(`${col[p.col]} <> ''`) : `(${col[p.col]} IS NOT NULL)`;
    case 'since':
      return `(${col.at} >= ${src.instant(p.ms)})`;
    case 'before':
      return `(${col.at} < ${src.instant(p.ms)})`;
    case 'legacy':
      return src.legacy;
    case 'scriptedAgent':
      return src.scriptedAgent;
    case 'sameTenant':
      return src.sameTenant;
  }
}

function aggSql(a: Agg, src: SqlSource, by: readonly Col[]): string {
  const at = src.col.at;
  const filter = (where: Pred | undefined) => (where ? ` FILTER (WHERE ${predSql(where, src)})` : '');
  switch (a.fn) {
    case 'count':
      return 'count(*)::DOUBLE';
    case 'countIf':
      return `(count(*)${filter(a.where)})::DOUBLE`;
    case 'minAt':
      return `${src.ms(`min(${at})`)}::DOUBLE`;
    case 'maxAt':
      return `${src.ms(`max(${at})`)}::DOUBLE`;
    case 'maxAtIf':
      return `${src.ms(`max(${at})${filter(a.where)}`)}::DOUBLE`;
    case 'first':
      // the earliest row's value, NULL included (arg_min would skip NULL values)
      return `arg_min_null(${outSql(src, a.col)}, ${at})`;
    case 'smallest':
      return `min(${outSql(src, a.col)})`;
    case 'distinct':
      return `(count(DISTINCT ${outSql(src, a.col)})${filter(a.where)})::DOUBLE`;
    case 'firstN': {
      // min_by keeps the n rows with the smallest (time, value), in that order: the values themselves (epoch
      // ms, ids), not KQL's sortable `<key>|<value>` texts (the emulator writes those when it answers as KQL)
      const stored = a.col === 'id' && src.storedOrder && src.storedOrder.within.every((c) => by.includes(c));
      const [value, key] = a.col === 'at' ? [src.ms(at), at] : [`coalesce(${src.col[a.col]}, '')`, stored ? src.storedOrder!.key : `(${at}, ${src.col[a.col]})`];
      return `coalesce(min_by(${value}, ${key}, ${a.n})${filter(a.where)}, [])`;
    }
  }
}

export interface SqlOptions {
  /** Where the rows come from (default: the `signins` table). */
  source?: SqlSource;
  /** The table, when not the source's own. */
  table?: string;
  /** Only the rows of partition `index` of `count` (by a hash of the user id): how the emulator answers a partitioned KQL query. */
  partition?: { index: number; count: number };
}

/** `FROM <table> WHERE <successful user sign-ins> AND <where> [AND <partition>]`: the rows a part reads. */
function fromWhere(where: readonly Pred[], opts: SqlOptions): string {
  const src = opts.source ?? SIGNINS_SOURCE;
  const all = [...(src.base ? [src.base] : []), ...where.map((p) => predSql(p, src))];
  if (opts.partition && opts.partition.count > 1) all.push(`hash(${src.userText}) % ${opts.partition.count} = ${opts.partition.index}`);
  return `FROM ${ident(opts.table ?? src.table)}${all.length ? ` WHERE ${all.join(' AND ')}` : ''}`;
}

export function renderSql(part: Part, opts: SqlOptions = {}): string {
  const src = opts.source ?? SIGNINS_SOURCE;
  const from = fromWhere(part.where, opts);
  const keys = part.by.map((c) => `${outSql(src, c)} AS ${ident(c)}`);
  if (part.kind === 'ringWindow') return renderRingWindow(part, src, keys, from);
  if (part.kind === 'firstDistinct') {
    // each value's first time, then per group the n first (time, value) and the number of values
    const names = part.by.map(ident);
    const firsts = `SELECT ${[...keys, `${outSql(src, part.col)} AS v`, `min(${src.col.at}) AS t`].join(', ')} ${from} GROUP BY ALL`;
    return `SELECT ${[...names, `min_by(v, (t, v), ${part.n}) AS "values"`, 'count(*)::DOUBLE AS "valueCount"'].join(', ')} FROM (${firsts})${names.length ? ` GROUP BY ${names.join(', ')}` : ''}`;
  }
  const cols = [...keys, ...Object.entries(part.aggs).map(([name, a]) => `${aggSql(a, src, part.by)} AS ${ident(name)}`)];
  const groupBy = part.by.length ? ` GROUP BY ${part.by.map((_, i) => i + 1).join(', ')}` : '';
  const having = part.having ? ` HAVING ${aggSql(part.aggs[part.having]!, src, part.by)} > 0` : '';
  const grouped = `SELECT ${cols.join(', ')} ${from}${groupBy}${having}`;
  return part.top ? cut(part, src, grouped) : grouped;
}

/** The first `top.n` groups of a grouped query, each with the number of groups before the cut. */
function cut(part: AggregatePart, src: SqlSource, grouped: string): string {
  return `SELECT *, count(*) OVER ()::DOUBLE AS "groups" FROM (${grouped}) ORDER BY ${topOrder(part, src).join(', ')} LIMIT ${part.top!.n}`;
}

/**
 * A qualifying window [s, s + width] can always be moved to start at its earliest point, so only
 * windows starting at a point are tried: per group, points ordered by position, the distinct values
 * within `width` after each point, in one sorted pass (a window function with a RANGE frame). The ring
 * wraps by repeating the points that a window starting near the end reaches past the period.
 *
 * The distinct values are counted as bits: each value numbered from the smallest by `distinctStep`
 * (days since the first), the bits OR-ed over the frame and counted — twice as fast as a windowed
 * count(DISTINCT) (0.9 s against 2 s for 2.5M rows), exact while the values span fewer than 63 steps
 * (two months of days; a BIGINT's bits). A longer span takes the windowed count(DISTINCT) over
 * distinct points; both branches are in the query, each guarded by the span, so only one does work.
 */
function renderRingWindow(part: RingWindowPart, src: SqlSource, keys: string[], from: string): string {
  if (!part.by.length) throw new Error('renderRingWindow: a ring window is per group');
  const list = part.by.map(ident).join(', ');
  const frame = `OVER (PARTITION BY ${list} ORDER BY "position" RANGE BETWEEN CURRENT ROW AND ${part.width} FOLLOWING)`;
  const rows = `SELECT ${[...keys, `${outSql(src, part.position)} AS "position"`, `${outSql(src, part.distinct)} AS "distinct"`].join(', ')} ${from}`;
  const span = `SELECT coalesce((max("distinct") - min("distinct")) / ${part.distinctStep} < 63, true) AS bits, min("distinct") AS lo FROM rows`;
  const wrap = (t: string, value: string) => `SELECT * FROM ${t} UNION ALL SELECT ${list}, "position" + ${part.period} AS "position", ${value} FROM ${t} WHERE "position" < ${part.width}`;
  // OR-ing is idempotent: repeated (group, position, value) rows need no DISTINCT first
  const masks = `SELECT ${list}, "position", (1::BIGINT << ((("distinct" - lo) / ${part.distinctStep})::BIGINT)) AS m FROM rows, span WHERE bits`;
  const byBits = `SELECT ${list}, bit_count(bit_or(m) ${frame}) AS n FROM (${wrap('masks', 'm')})`;
  const points = `SELECT DISTINCT rows.* FROM rows, span WHERE NOT bits`;
  const byCount = `SELECT ${list}, count(DISTINCT "distinct") ${frame} AS n FROM (${wrap('points', '"distinct"')})`;
  return `WITH rows AS (${rows}), span AS (${span}), masks AS (${masks}), points AS (${points})
    SELECT DISTINCT ${list} FROM (${byBits} UNION ALL ${byCount}) WHERE n >= ${part.minDistinct}`;
}

/**
 * The output columns of a part whose values are an ENUM of the source (group keys, first/smallest of
 * such a column) → that ENUM type: the reader can fetch their codes and look the texts up once.
 */
export function enumOutputs(part: Part, src: SqlSource): Map<string, string> {
  const out = new Map<string, string>();
  if (!src.enumOf) return out;
  const add = (name: string, c: Col) => {
    const type = c === 'at' ? undefined : src.enumOf!(src.col[c]);
    if (type) out.set(name, type);
  };
  for (const c of part.by) add(c, c);
  if (part.kind === 'aggregate') for (const [name, a] of Object.entries(part.aggs)) if (a.fn === 'first' || a.fn === 'smallest') add(name, a.col);
  return out;
}

/** The kind of a part's output column (a key or an aggregate). */
function outKind(part: AggregatePart, name: string): string {
  return outputColumns(part).find((c) => c.name === name)?.kind ?? 'text';
}

/**
 * ORDER BY terms of a `top`: its order, then the group keys; absent text sorts as '' (as the finishing
 * code compares it). An ENUM of the source sorts by its code — its values are in text order — with
 * absent as the code of '' (0, when '' is a value) or just below the smallest value: the text's order
 * without casting every row to text.
 */
function topOrder(part: AggregatePart, src: SqlSource): string[] {
  const enums = enumOutputs(part, src);
  const term = (name: string, desc = false) => {
    const type = enums.get(name);
    const key = type
      ? `coalesce(enum_code(${ident(name)}) + 1, CASE WHEN enum_first(NULL::${type}) = '' THEN 1 ELSE 0 END)`
      : outKind(part, name) === 'text' ? `coalesce(${ident(name)}, '')` : ident(name);
    return `${key}${desc ? ' DESC' : ''}`;
  };
  return [...part.top!.order.map((o) => term(o.col, o.desc)), ...part.by.map((c) => term(c))];
}

/**
 * Several aggregate parts over the same rows (the same `where`), grouped differently — the workbook's
 * pivots — from few pre-aggregations: the rows are grouped once per distinct key set a part needs (its
 * keys plus the columns it counts distinctly; a set inside another's is served by the larger one), each
 * conditional count kept as a count, and each part then re-aggregates its rollup's groups (sums of
 * counts, min of mins, distinct keys) and is cut to its own `top`. The seven pivots take four narrow
 * groupings — (app, user), (OS, user), (country, user), (client, user) — not seven scans, and not one
 * grouping by all five keys (millions of groups). Only aggregates that compose this way are accepted
 * (count, countIf, smallest, distinct). Every row carries `mfaguard_set`, its part's index.
 */
export function renderSqlRollup(parts: readonly AggregatePart[], opts: SqlOptions = {}): string {
  const whereKey = JSON.stringify(parts[0]!.where);
  if (parts.some((p) => JSON.stringify(p.where) !== whereKey || p.having)) throw new Error('renderSqlRollup: parts must share their filters and have no HAVING');
  const src = opts.source ?? SIGNINS_SOURCE;
  interface Rollup {
    name: string;
    keys: Set<Col>;
    counts: Map<string, string>; // predicate (as JSON) → rollup column
    mins: Set<Col>;
  }
  const keySet = (p: AggregatePart) => new Set<Col>([...p.by, ...Object.values(p.aggs).flatMap((a) => (a.fn === 'distinct' ? [a.col] : []))]);
  const rollups: Rollup[] = [];
  const rollupOf = new Map<AggregatePart, Rollup>();
  for (const p of [...parts].sort((a, b) => keySet(b).size - keySet(a).size)) {
    const need = keySet(p);
    let r = rollups.find((x) => [...need].every((c) => x.keys.has(c)));
    if (!r) rollups.push((r = { name: `mfaguard_r${rollups.length}`, keys: need, counts: new Map(), mins: new Set() }));
    rollupOf.set(p, r);
  }
  const countOf = (r: Rollup, pred: Pred) => {
    const k = JSON.stringify(pred);
    if (!r.counts.has(k)) r.counts.set(k, `mfaguard_c${r.counts.size}`);
    return r.counts.get(k)!;
  };
  const reaggregate = (r: Rollup, a: Agg): string => {
    switch (a.fn) {
      case 'count':
        return 'sum(mfaguard_n)::DOUBLE';
      case 'countIf':
        return `sum(${countOf(r, a.where)})::DOUBLE`;
      case 'smallest':
        r.mins.add(a.col);
        return `min(${ident(`mfaguard_min_${a.col}`)})`;
      case 'distinct':
        return `(count(DISTINCT ${ident(a.col)})${a.where ? ` FILTER (WHERE ${countOf(r, a.where)} > 0)` : ''})::DOUBLE`;
      default:
        throw new Error(`renderSqlRollup: ${a.fn} does not compose`);
    }
  };
  const selects = parts.map((p, i) => {
    const r = rollupOf.get(p)!;
    const cols = [...p.by.map(ident), ...Object.entries(p.aggs).map(([name, a]) => `${reaggregate(r, a)} AS ${ident(name)}`), `${i}::DOUBLE AS mfaguard_set`];
    const grouped = `SELECT ${cols.join(', ')} FROM ${r.name}${p.by.length ? ` GROUP BY ${p.by.map(ident).join(', ')}` : ''}`;
    return `(${p.top ? cut(p, src, grouped) : grouped})`;
  });
  const from = fromWhere(parts[0]!.where, opts);
  const ctes = rollups.map((r) => {
    const cols = [
      ...[...r.keys].map((c) => `${outSql(src, c)} AS ${ident(c)}`),
      'count(*) AS mfaguard_n',
      ...[...r.counts].map(([pred, name]) => `count(*) FILTER (WHERE ${predSql(JSON.parse(pred) as Pred, src)}) AS ${name}`),
      ...[...r.mins].map((c) => `min(${outSql(src, c)}) AS ${ident(`mfaguard_min_${c}`)}`),
    ];
    return `${r.name} AS MATERIALIZED (SELECT ${cols.join(', ')} ${from}${r.keys.size ? ` GROUP BY ${[...r.keys].map((_, i) => i + 1).join(', ')}` : ''})`;
  });
  return `WITH ${ctes.join(', ')} ${selects.join(' UNION ALL BY NAME ')}`;
}
