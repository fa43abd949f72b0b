/**
 * Renders an analysis definition (analyses.ts) to KQL over `SigninLogs` ∪ `AADNonInteractiveUserSignInLogs`.
 *
 * Each table is normalised to the logical columns BEFORE the union: the two tables give some columns
 * different types (`LocationDetails`, `DeviceDetail` are dynamic in SigninLogs and string in the
 * non-interactive table), and a plain `union` would split them into `LocationDetails_dynamic` and
 * `LocationDetails_string`. Interactive or not is the table a row came from (signins.md). Ids are
 * lower-cased here because Log Analytics data is not normalised the way imported rows are.
 *
 * Every text starts with `// mfaguard:<analysis> <params as JSON>`: a comment Kusto ignores, which
 * names the query in the workspace's query audit and lets the emulator recognise it (it re-renders the
 * text from the comment and refuses any mismatch).
 */
import { MODERN_CLIENTS, SCRIPTED_AGENT, TOOL_VERSION } from '../evidence/signins.js';
import { type Agg, type AnalysisName, type AnalysisParams, type Col, definition, type Part, type Pred } from './analyses.js';

/** KQL string literal (double-quoted, backslash escapes). */
export const kqlString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
const dt = (ms: number) => `datetime(${new Date(ms).toISOString()})`;
/** A regex as a verbatim string (RE2 in Kusto, as in DuckDB). */
const re2 = (re: RegExp) => `@'(?i)${re.source.replace(/'/g, "''")}'`;

const TRUSTED_RE = `@'(?i)"networkType"\\s*:\\s*"trusted(namedlocation)?"'`;

/** The per-table projection to the logical columns (base columns only; derived ones are `extend`ed later). */
function tableProjection(table: 'SigninLogs' | 'AADNonInteractiveUserSignInLogs'): string {
  const interactive = table === 'SigninLogs';
  // dynamic in SigninLogs, string in AADNonInteractiveUserSignInLogs: todynamic() reads both
  const dyn = (c: string) => (interactive ? c : `todynamic(${c})`);
  return [
    `(${table}`,
    `  | where ResultType == "0" and isnotempty(UserId)`,
    `  | project at = TimeGenerated, id = Id, userId = tolower(UserId), upn = UserPrincipalName, appId = tolower(AppId), appName = AppDisplayName,`,
    `      resourceId = tolower(ResourceIdentity), interactive = ${interactive}, requirement = tolower(AuthenticationRequirement), protocol = tolower(AuthenticationProtocol),`,
    `      clientApp = ClientAppUsed, userAgent = UserAgent, ip = IPAddress, country = tostring(${dyn('LocationDetails')}.countryOrRegion),`,
    `      os = tostring(${dyn('DeviceDetail')}.operatingSystem), homeTenant = tolower(HomeTenantId), resourceTenant = tolower(ResourceTenantId),`,
    `      trusted = tostring(NetworkLocationDetails) matches regex ${TRUSTED_RE})`,
  ].join('\n');
}

const BASE = `union\n${tableProjection('SigninLogs')},\n${tableProjection('AADNonInteractiveUserSignInLogs')}`;

/** Column expressions over the normalised rows. */
const COL_KQL: Record<Col, string> = {
  at: 'at', id: 'id', userId: 'userId', upn: 'upn', appId: 'appId', appName: 'appName', resourceId: 'resourceId', clientApp: 'clientApp',
  userAgent: 'userAgent', ip: 'ip', interactive: 'interactive', trusted: 'trusted',
  singleFactor: '(requirement == "singlefactorauthentication")',
  multiFactor: '(requirement == "multifactorauthentication")',
  ropc: '(protocol == "ropc")',
  tool: `tolower(extract(${re2(TOOL_VERSION)}, 1, userAgent))`,
  version: `extract(${re2(TOOL_VERSION)}, 2, userAgent)`,
  day: 'bin(at, 1d)',
  minuteOfDay: '(hourofday(at) * 60 + datetime_part("minute", at))',
  osOrUnknown: 'iff(isempty(os), "unknown", os)',
  countryOrUnknown: 'iff(isempty(country), "unknown", country)',
  clientAppOrUnknown: 'iff(isempty(clientApp), "unknown", clientApp)',
};
/** Derived columns become real columns (same name) before filtering and summarising. */
const DERIVED = new Set<Col>(['singleFactor', 'multiFactor', 'ropc', 'tool', 'version', 'day', 'minuteOfDay', 'osOrUnknown', 'countryOrUnknown', 'clientAppOrUnknown']);

export function predKql(p: Pred): string {
  switch (p.op) {
    case 'false':
      return 'false';
    case 'flag':
      return p.col;
    case 'not':
      return `not(${predKql(p.pred)})`;
    case 'or':
      return `(${p.preds.map(predKql).join(' or ')})`;
    case 'in':
      return p.values.length ? `${p.col} in (${p.values.map(kqlString).join(', ')})` : 'false';
    case 'present':
      return `isnotempty(${p.col})`;
    case 'since':
      return `at >= ${dt(p.ms)}`;
    case 'before':
      return `at < ${dt(p.ms)}`;
    case 'legacy':
      return `(isnotempty(clientApp) and not(tolower(clientApp) in (${[...MODERN_CLIENTS].map(kqlString).join(', ')})))`;
    case 'scriptedAgent':
      return `userAgent matches regex ${re2(SCRIPTED_AGENT)}`;
    case 'sameTenant':
      return '(isempty(homeTenant) or isempty(resourceTenant) or homeTenant == resourceTenant)';
  }
}

function colsOf(p: Pred, out: Set<Col>): void {
  if (p.op === 'flag' || p.op === 'in' || p.op === 'present') out.add(p.col);
  else if (p.op === 'not') colsOf(p.pred, out);
  else if (p.op === 'or') p.preds.forEach((q) => colsOf(q, out));
}

export interface KqlOptions {
  /** Only partition `index` of `count` (by `hash(userId, count)`): a query whose result could exceed the row cap is split this way. */
  partition?: { index: number; count: number };
}

/** The comment that tags every query: analysis, params and partition, as JSON. */
export function kqlTag(name: AnalysisName, params: AnalysisParams, opts: KqlOptions = {}): string {
  // JSON escapes control characters; non-ASCII is escaped too so no line separator (U+2028…) can end the comment
  const json = JSON.stringify({ params, ...(opts.partition ? { partition: opts.partition } : {}) }).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `// mfaguard:${name} ${json}`;
}

/** The KQL text of one analysis: the tag, the normalised union, filters, then the aggregate. */
export function renderKql(name: AnalysisName, params: AnalysisParams = {}, opts: KqlOptions = {}): string {
  const part: Part = definition(name, params);
  const used = new Set<Col>(part.by);
  if (part.kind === 'ringWindow') used.add(part.position).add(part.distinct);
  if (part.kind === 'firstDistinct') used.add(part.col);
  part.where.forEach((p) => colsOf(p, used));
  if (part.kind === 'aggregate') for (const a of Object.values(part.aggs)) if ('where' in a && a.where) colsOf(a.where, used);
  const extend = [...used].filter((c) => DERIVED.has(c)).map((c) => `${c} = ${COL_KQL[c]}`);
  const top = part.kind === 'aggregate' ? part.top : undefined;
  // a cut result also reports how many groups there were: the grouped rows are named once and read twice
  const lines = [kqlTag(name, params, opts), top ? `let grouped = materialize(${BASE}` : BASE];
  if (extend.length) lines.push(`| extend ${extend.join(', ')}`);
  if (part.kind === 'aggregate' && Object.values(part.aggs).some((a) => a.fn === 'firstN')) lines.push(...sortKey('at'));
  const where = part.where.map(predKql);
  if (opts.partition && opts.partition.count > 1) where.push(`hash(userId, ${opts.partition.count}) == ${opts.partition.index}`);
  if (where.length) lines.push(`| where ${where.join('\n    and ')}`);
  if (part.kind === 'ringWindow') {
    // distinct points, each counted in the width + 1 window starts that contain it (count_distinct: exact, unlike dcount)
    lines.push(
      `| summarize by ${[...part.by, part.position, part.distinct].join(', ')}`,
      `| mv-expand windowOffset = range(0, ${part.width}, 1) to typeof(long)`,
      `| extend windowStart = (${part.position} - windowOffset + ${part.period}) % ${part.period}`,
      `| summarize distinctValues = count_distinct(${part.distinct}) by ${[...part.by, 'windowStart'].join(', ')}`,
      `| where distinctValues >= ${part.minDistinct}`,
      `| distinct ${part.by.join(', ')}`,
    );
    return lines.join('\n');
  }
  if (part.kind === 'firstDistinct') {
    // each value's first time, then per group the values sorted as `<epoch ms, 15 digits>|<value>` texts (as firstN)
    lines.push(
      `| summarize firstSeen = min(at) by ${[...part.by, part.col].join(', ')}`,
      ...sortKey('firstSeen'),
      `| summarize values = array_slice(array_sort_asc(make_list(strcat(atKey, "|", ${part.col}))), 0, ${part.n - 1}), valueCount = count()${part.by.length ? ` by ${part.by.join(', ')}` : ''}`,
    );
    return lines.join('\n');
  }
  const aggs: string[] = [];
  const hidden: string[] = [];
  for (const [out, a] of Object.entries(part.aggs)) {
    if (a.fn === 'first') {
      const t = `${out}At`;
      hidden.push(t);
      aggs.push(`(${t}, ${out}) = arg_min(at, ${a.col})`);
    } else aggs.push(`${out} = ${aggKql(a)}`);
  }
  lines.push(`| summarize ${aggs.join(', ')}${part.by.length ? ` by ${part.by.join(', ')}` : ''}`);
  if (part.having) lines.push(`| where ${part.having} > 0`);
  if (hidden.length) lines.push(`| project-away ${hidden.join(', ')}`);
  if (!top) return lines.join('\n');
  lines[lines.length - 1] += ');';
  const order = [...top.order.map((o) => `${o.col} ${o.desc ? 'desc' : 'asc'}`), ...part.by.map((c) => `${c} asc`)];
  lines.push(`grouped`, `| top ${top.n} by ${order.join(', ')}`, `| extend groups = toscalar(grouped | count)`);
  return lines.join('\n');
}

/** `atMs` (epoch ms of `time`) and `atKey`, the same zero-padded to 15 digits: `<atKey>|<value>` sorts like (time, value), as in sql.ts. */
function sortKey(time: string): string[] {
  return [`| extend atMs = tostring(tolong((${time} - datetime(1970-01-01)) / 1ms))`, '| extend atKey = strcat(substring("000000000000000", 0, 15 - strlen(atMs)), atMs)'];
}

function aggKql(a: Exclude<Agg, { fn: 'first' }>): string {
  switch (a.fn) {
    case 'count':
      return 'count()';
    case 'countIf':
      return `countif(${predKql(a.where)})`;
    case 'minAt':
      return 'min(at)';
    case 'maxAt':
      return 'max(at)';
    case 'maxAtIf':
      return `maxif(at, ${predKql(a.where)})`;
    case 'smallest':
      // Log Analytics has no null strings: the smallest non-empty value
      return `minif(${a.col}, isnotempty(${a.col}))`;
    case 'distinct':
      // exact (dcount is an estimate); Azure Monitor supports it (preview), up to 100M distinct values per query
      return a.where ? `count_distinctif(${a.col}, ${predKql(a.where)})` : `count_distinct(${a.col})`;
    case 'firstN': {
      const item = `strcat(atKey, "|", ${a.col === 'at' ? 'atMs' : a.col})`;
      return `array_slice(array_sort_asc(${a.where ? `make_list_if(${item}, ${predKql(a.where)})` : `make_list(${item})`}), 0, ${a.n - 1})`;
    }
  }
}

/** Reads the tag of a KQL text: which analysis, with which params and partition. */
export function parseKqlTag(query: string): { name: AnalysisName; params: AnalysisParams; partition?: { index: number; count: number } } | undefined {
  const m = /^\/\/ mfaguard:([\w.]+) (.*)$/m.exec(query);
  if (!m) return undefined;
  try {
    const body = JSON.parse(m[2]!) as { params: AnalysisParams; partition?: { index: number; count: number } };
    return { name: m[1] as AnalysisName, params: body.params, ...(body.partition ? { partition: body.partition } : {}) };
  } catch {
    return undefined;
  }
}
