/**
 * Every analysis of the sign-in evidence port (src/evidence/types.ts) defined ONCE, as data: which
 * sign-ins (predicates), grouped by what, aggregated how. `sql.ts` renders a definition to DuckDB SQL
 * over the `signins` table, `kql.ts` to KQL over `SigninLogs` ∪ `AADNonInteractiveUserSignInLogs`; both
 * bring back only the aggregate rows, and `finish*` (below) turns them into the port's answers, the same
 * TypeScript for both paths. Where an answer is not a plain GROUP BY, the definition says what to
 * push down instead: the `scheduled` signal as a ring-window aggregate (only the matching users come
 * back); version order as one row per version (numeric order is finished here); samples as the N
 * earliest rows per group; first-appearance order from each value's first time. Meanings are those of MemorySignInEvidence (src/evidence/memory.ts), the reference the
 * differential tests compare against.
 */
import { comparePivotRows } from '../evidence/memory.js';
import { ARM_RESOURCE_ID, AZURE_CLI_APP_ID, AZURE_POWERSHELL_APP_ID, compareVersions, EVIDENCE_LIST_MAX, MANDATORY_MFA_APPS, MICROSOFT_GRAPH_APP_ID, mandatoryMfaPhase } from '../evidence/signins.js';
import type {
  AutomationProfile, AutomationSignal, EvidenceQuery, EvidenceWindow, LegacyClientSignIns, PivotDimension, PivotResult, PivotRow, SingleFactorSignIns, ToolVersionSignIns,
  UserAppSignIns, WorkbookFilters,
} from '../evidence/types.js';

/**
 * The logical columns of one successful user sign-in. Each renderer maps them to its source (DuckDB
 * `signins` columns; the Log Analytics tables' columns, normalized per table before the union).
 * `tool`, `version`, `day`, `minuteOfDay` and the `…OrUnknown` keys are derived.
 */
export type Col =
  | 'at' | 'id' | 'userId' | 'upn' | 'appId' | 'appName' | 'resourceId' | 'clientApp' | 'userAgent' | 'ip'
  | 'interactive' | 'singleFactor' | 'multiFactor' | 'ropc' | 'trusted'
  | 'tool' | 'version' | 'day' | 'minuteOfDay' | 'osOrUnknown' | 'countryOrUnknown' | 'clientAppOrUnknown';

/**
 * How a column's values come back: an instant (epoch ms), a number, text (empty = null), a flag, or a
 * list of instants / texts (`firstN`, `firstDistinct`; oldest first). KQL sends each element as
 * `<epoch ms, 15 digits>|<value>` (it sorts them as text); SQL sends the values themselves.
 */
export type ColKind = 'time' | 'number' | 'text' | 'bool' | 'timeList' | 'textList';
export const COL_KIND: Record<Col, ColKind> = {
  at: 'time', id: 'text', userId: 'text', upn: 'text', appId: 'text', appName: 'text', resourceId: 'text', clientApp: 'text', userAgent: 'text', ip: 'text',
  interactive: 'bool', singleFactor: 'bool', multiFactor: 'bool', ropc: 'bool', trusted: 'bool',
  tool: 'text', version: 'text', day: 'time', minuteOfDay: 'number', osOrUnknown: 'text', countryOrUnknown: 'text', clientAppOrUnknown: 'text',
};

/** Predicates over one row. Text comparisons are exact (ids are lower case on both paths). */
export type Pred =
  | { op: 'false' }
  | { op: 'flag'; col: Col }
  | { op: 'not'; pred: Pred }
  | { op: 'or'; preds: Pred[] }
  | { op: 'in'; col: Col; values: string[] }
  | { op: 'present'; col: Col }
  | { op: 'since'; ms: number }
  | { op: 'before'; ms: number }
  /** `clientAppUsed` present and neither Browser nor Mobile Apps and Desktop clients (case-insensitive). */
  | { op: 'legacy' }
  /** A generic HTTP client user agent (signins.ts SCRIPTED_AGENT). */
  | { op: 'scriptedAgent' }
  /** Home and resource tenant equal, or either unknown (the workbook's home-tenant filter). */
  | { op: 'sameTenant' };

/** Aggregates per group. `first` = the value of the group's earliest row; `smallest` = the smallest non-empty value. */
export type Agg =
  | { fn: 'count' }
  | { fn: 'countIf'; where: Pred }
  | { fn: 'minAt' }
  | { fn: 'maxAt' }
  | { fn: 'maxAtIf'; where: Pred }
  | { fn: 'first'; col: Col }
  | { fn: 'smallest'; col: Col }
  /** Distinct values of `col` (among the rows matching `where`, when given). */
  | { fn: 'distinct'; col: Col; where?: Pred }
  /** `col` of the group's `n` earliest rows (matching `where`, when given), oldest first, ties by value: samples in the same scan as the counts. */
  | { fn: 'firstN'; col: 'at' | 'id'; n: number; where?: Pred };

export const AGG_KIND = (a: Agg): ColKind =>
  a.fn === 'minAt' || a.fn === 'maxAt' || a.fn === 'maxAtIf' ? 'time'
    : a.fn === 'first' || a.fn === 'smallest' ? COL_KIND[a.col]
    : a.fn === 'firstN' ? (a.col === 'at' ? 'timeList' : 'textList')
    : 'number';

/** An ordering term of `top`: an output column (a group key or an aggregate; absent text sorts as ''), ascending unless `desc`. */
export interface TopOrder {
  col: string;
  desc?: boolean;
}

/** One pushed-down query: rows grouped by `by`, one row per group, optionally only groups with `having` ≥ 1. */
export interface AggregatePart {
  kind: 'aggregate';
  where: Pred[];
  by: Col[];
  aggs: Record<string, Agg>;
  having?: string;
  /**
   * Keep only the first `n` groups, ordered by `order` then by the group keys ascending; every kept row
   * also carries `groups`, the number of groups before the cut ("25 of 48,620 users").
   */
  top?: { n: number; order: TopOrder[] };
}

/**
 * Groups (`by`) having ≥ `minDistinct` distinct `distinct` values within some window of `width`
 * consecutive `position` values on a ring of `period` (the `scheduled` signal: ≥ 5 distinct UTC days
 * within ± 5 minutes of one time of day, midnight wrapping). Rendered as distinct points, each expanded
 * to the `width + 1` window starts that contain it, counted per start: a pure aggregate, so only the
 * matching groups come back. (A window of a point-anchored sweep, as in the reference, always starts
 * at some whole minute, and every whole-minute window is inside one such sweep window: the same answer.)
 */
export interface RingWindowPart {
  kind: 'ringWindow';
  where: Pred[];
  by: Col[];
  position: Col;
  distinct: Col;
  width: number;
  period: number;
  minDistinct: number;
  /** The `distinct` values are multiples of this (days: 86,400,000 ms): renderers may number them densely. */
  distinctStep: number;
}

/**
 * Per group (`by`), the distinct values of `col` in order of first appearance (each value's earliest
 * time, ties by value): the first `n` of them (`values`, oldest first) and how many there are
 * (`valueCount`) — "10 of 212 IP addresses", one row per group instead of one per (group, value).
 */
export interface FirstDistinctPart {
  kind: 'firstDistinct';
  where: Pred[];
  by: Col[];
  col: Col;
  n: number;
}

export type Part = AggregatePart | RingWindowPart | FirstDistinctPart;

/** The name of every analysis (and so of every query the product sends); `// mfaguard:<name>` tags the KQL. */
export type AnalysisName =
  | 'window' | 'userAppSignIns' | 'legacyClientSignIns' | 'toolVersions'
  | 'automation.users' | 'automation.scheduled' | 'automation.agents' | 'automation.ips'
  | 'singleFactor' | 'pivot';

/** Everything that parameterises a query: the port's query plus the method's own options. */
export interface AnalysisParams extends EvidenceQuery, WorkbookFilters {
  apps?: 'mandatoryMfa' | 'all';
  by?: PivotDimension;
  /** Pivots: only the first `limit` rows (most single-factor first), with the number of rows before the cut. */
  limit?: number;
}

/** Automation heuristics of spec/signins.md (`user-automation-account`). */
const MINUTES_PER_DAY = 1440;
const NON_INTERACTIVE_ONLY_MIN = 5;
const SCHEDULED_MIN_DAYS = 5;
const SCHEDULED_TOLERANCE_MIN = 5;
/** Sample times / sign-in ids per group. */
const SAMPLES = 5;

/** The column whose value partitions a query (by hash) when its result could exceed a row cap. */
export const PARTITION_COL: Col = 'userId';

const MANDATORY_APP_IDS = Object.keys(MANDATORY_MFA_APPS);
const MANDATORY_OR_ARM: Pred = { op: 'or', preds: [{ op: 'in', col: 'appId', values: MANDATORY_APP_IDS }, { op: 'in', col: 'resourceId', values: [ARM_RESOURCE_ID] }] };
const MANAGEMENT: Pred = { op: 'or', preds: [{ op: 'in', col: 'appId', values: [AZURE_CLI_APP_ID, AZURE_POWERSHELL_APP_ID] }, { op: 'in', col: 'resourceId', values: [ARM_RESOURCE_ID] }] };

/** The port's query as predicates (on top of "successful user sign-in", which every renderer applies). */
export function queryPreds(q: EvidenceQuery): Pred[] {
  const out: Pred[] = [];
  // An unparseable instant matches nothing, as in the reference (comparisons with NaN are false).
  const instant = (s: string, op: 'since' | 'before'): Pred => {
    const ms = Date.parse(s);
    return Number.isNaN(ms) ? { op: 'false' } : { op, ms };
  };
  if (q.since !== undefined) out.push(instant(q.since, 'since'));
  if (q.asOf !== undefined) out.push(instant(q.asOf, 'before'));
  if (q.userIds) out.push({ op: 'in', col: 'userId', values: [...new Set(q.userIds.map((u) => u.toLowerCase()))] });
  return out;
}

const PIVOT_BY: Record<PivotDimension, Col[]> = {
  total: [], app: ['appId'], user: ['userId'], appUser: ['appId', 'userId'],
  operatingSystem: ['osOrUnknown'], country: ['countryOrUnknown'], clientApp: ['clientAppOrUnknown'],
};

/** The order of a pivot's rows (comparePivotRows): most single-factor first, then its keys as shown. */
const PIVOT_ORDER: Record<PivotDimension, string[]> = {
  total: [], app: ['appId', 'appName'], user: ['userId', 'upn'], appUser: ['appId', 'appName', 'userId', 'upn'],
  operatingSystem: ['osOrUnknown'], country: ['countryOrUnknown'], clientApp: ['clientAppOrUnknown'],
};

const NOT_MFA: Pred = { op: 'not', pred: { op: 'flag', col: 'multiFactor' } };

/**
 * A pivot's aggregates. `singleFactor` (= signIns − mfa: not protected by MFA) orders the rows;
 * `singleFactorUsers` (distinct users with such a sign-in) only means something per app.
 */
export function pivotAggs(by: PivotDimension): Record<string, Agg> {
  const aggs: Record<string, Agg> = {
    signIns: { fn: 'count' }, mfa: { fn: 'countIf', where: { op: 'flag', col: 'multiFactor' } }, singleFactor: { fn: 'countIf', where: NOT_MFA },
  };
  // per user, every row has one user: no distinct count to compute
  if (by !== 'user' && by !== 'appUser') aggs.users = { fn: 'distinct', col: 'userId' };
  if (by === 'app') aggs.singleFactorUsers = { fn: 'distinct', col: 'userId', where: NOT_MFA };
  if (by === 'app' || by === 'appUser') aggs.appName = { fn: 'smallest', col: 'appName' };
  if (by === 'user' || by === 'appUser') aggs.upn = { fn: 'smallest', col: 'upn' };
  return aggs;
}

/** The one definition of each analysis: params → the part to push down. */
export function definition(name: AnalysisName, p: AnalysisParams = {}): Part {
  const base = queryPreds(p);
  switch (name) {
    case 'window':
      return { kind: 'aggregate', where: [], by: [], aggs: { signIns: { fn: 'count' }, from: { fn: 'minAt' }, to: { fn: 'maxAt' } } };
    case 'userAppSignIns':
      return {
        kind: 'aggregate', where: p.apps === 'all' ? base : [...base, MANDATORY_OR_ARM], by: ['userId', 'appId'],
        aggs: {
          signIns: { fn: 'count' }, singleFactor: { fn: 'countIf', where: { op: 'flag', col: 'singleFactor' } }, interactive: { fn: 'countIf', where: { op: 'flag', col: 'interactive' } },
          firstSeen: { fn: 'minAt' }, lastSeen: { fn: 'maxAt' }, lastSingleFactor: { fn: 'maxAtIf', where: { op: 'flag', col: 'singleFactor' } },
          upn: { fn: 'first', col: 'upn' }, appName: { fn: 'first', col: 'appName' }, resourceId: { fn: 'first', col: 'resourceId' },
        },
      };
    case 'legacyClientSignIns':
      return { kind: 'aggregate', where: [...base, { op: 'legacy' }], by: ['userId', 'clientApp'], aggs: { signIns: { fn: 'count' }, firstSeen: { fn: 'minAt' }, lastSeen: { fn: 'maxAt' }, upn: { fn: 'first', col: 'upn' } } };
    case 'toolVersions':
      // per version: the finish orders versions numerically (2.9.0 < 2.10.0), which is no SQL/KQL order
      return { kind: 'aggregate', where: [...base, { op: 'present', col: 'tool' }], by: ['userId', 'tool', 'version'], aggs: { signIns: { fn: 'count' }, firstSeen: { fn: 'minAt' }, lastSeen: { fn: 'maxAt' }, upn: { fn: 'first', col: 'upn' } } };
    case 'automation.users':
      return {
        kind: 'aggregate', where: base, by: ['userId'], having: 'management',
        aggs: {
          firstSeen: { fn: 'minAt' }, upn: { fn: 'first', col: 'upn' }, management: { fn: 'countIf', where: MANAGEMENT },
          interactive: { fn: 'countIf', where: { op: 'flag', col: 'interactive' } }, ropc: { fn: 'countIf', where: { op: 'flag', col: 'ropc' } },
          samples: { fn: 'firstN', col: 'at', n: SAMPLES, where: MANAGEMENT },
        },
      };
    case 'automation.scheduled':
      return { kind: 'ringWindow', where: [...base, MANAGEMENT], by: ['userId'], position: 'minuteOfDay', distinct: 'day', width: 2 * SCHEDULED_TOLERANCE_MIN, period: MINUTES_PER_DAY, minDistinct: SCHEDULED_MIN_DAYS, distinctStep: 86_400_000 };
    case 'automation.agents':
      return { kind: 'firstDistinct', where: [...base, { op: 'in', col: 'resourceId', values: [ARM_RESOURCE_ID] }, { op: 'scriptedAgent' }], by: ['userId'], col: 'userAgent', n: EVIDENCE_LIST_MAX };
    case 'automation.ips':
      return { kind: 'firstDistinct', where: [...base, MANAGEMENT, { op: 'present', col: 'ip' }], by: ['userId'], col: 'ip', n: EVIDENCE_LIST_MAX };
    case 'singleFactor':
      return {
        kind: 'aggregate', where: [...base, { op: 'flag', col: 'singleFactor' }], by: ['userId', 'appId'],
        aggs: {
          signIns: { fn: 'count' }, firstSeen: { fn: 'minAt' }, lastSeen: { fn: 'maxAt' },
          upn: { fn: 'smallest', col: 'upn' }, appName: { fn: 'smallest', col: 'appName' }, resourceId: { fn: 'smallest', col: 'resourceId' },
          samples: { fn: 'firstN', col: 'id', n: SAMPLES },
        },
      };
    case 'pivot': {
      const by = p.by ?? 'total';
      const where = [...base];
      if (p.homeTenantOnly !== false) where.push({ op: 'sameTenant' });
      if (p.excludeGraph) where.push({ op: 'not', pred: { op: 'in', col: 'appId', values: [MICROSOFT_GRAPH_APP_ID] } }, { op: 'not', pred: { op: 'in', col: 'resourceId', values: [MICROSOFT_GRAPH_APP_ID] } });
      if (p.legacyOnly) where.push({ op: 'legacy' });
      if (p.trustedLocationsOnly) where.push({ op: 'flag', col: 'trusted' });
      if (p.interactiveOnly) where.push({ op: 'flag', col: 'interactive' });
      return { kind: 'aggregate', where, by: PIVOT_BY[by], aggs: pivotAggs(by), ...(p.limit !== undefined && p.limit >= 1 ? { top: { n: p.limit, order: [{ col: 'singleFactor', desc: true }, ...PIVOT_ORDER[by].map((col) => ({ col }))] } } : {}) };
    }
  }
}

/** The parts each port method pushes down. */
export const METHOD_PARTS = {
  window: ['window'],
  userAppSignIns: ['userAppSignIns'],
  legacyClientSignIns: ['legacyClientSignIns'],
  toolVersions: ['toolVersions'],
  automationProfiles: ['automation.users', 'automation.scheduled', 'automation.agents', 'automation.ips'],
  singleFactorSignIns: ['singleFactor'],
  pivot: ['pivot'],
} as const satisfies Record<string, readonly AnalysisName[]>;

export const ANALYSIS_NAMES: readonly AnalysisName[] = Object.values(METHOD_PARTS).flat();

/** The columns a part's result rows carry, in order: group keys, then aggregates, then `groups` for a part with `top`. */
export function outputColumns(part: Part): { name: string; kind: ColKind }[] {
  const keys = part.by.map((c) => ({ name: c, kind: COL_KIND[c] }));
  if (part.kind === 'ringWindow') return keys;
  if (part.kind === 'firstDistinct') return [...keys, { name: 'values', kind: COL_KIND[part.col] === 'time' ? 'timeList' : 'textList' }, { name: 'valueCount', kind: 'number' }];
  const out = [...keys, ...Object.entries(part.aggs).map(([name, a]) => ({ name, kind: AGG_KIND(a) }))];
  if (part.top) out.push({ name: 'groups', kind: 'number' });
  return out;
}

/** A result row, decoded: instants as epoch ms, empty text as null (Log Analytics has no null strings), lists as arrays. */
export type ResultRow = Record<string, string | number | boolean | null | (string | number)[]>;

/**
 * Decodes one cell of either path to the row's shape. `emptyIsNull`: Log Analytics has no null strings
 * (absent text comes back empty), so there '' means absent; DuckDB keeps the two apart, as the reference does.
 */
export function decodeCell(kind: ColKind, v: unknown, emptyIsNull = true): string | number | boolean | null | (string | number)[] {
  if (kind === 'timeList' || kind === 'textList') return decodeList(kind, v);
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'time': {
      if (v instanceof Date) return v.getTime();
      if (typeof v === 'bigint') return Number(v);
      if (typeof v === 'number') return v;
      const ms = Date.parse(String(v));
      return Number.isNaN(ms) ? null : ms;
    }
    case 'number':
      return typeof v === 'bigint' ? Number(v) : Number(v);
    case 'bool':
      return v === true || v === 1 || v === 'true' || v === 'True';
    case 'text':
      return v === '' && emptyIsNull ? null : String(v);
  }
}

/** A list from Log Analytics: elements `<epoch ms>|<value>` (a JSON array, or its text); absent = empty. */
function decodeList(kind: 'timeList' | 'textList', v: unknown): (string | number)[] {
  const list = typeof v === 'string' ? (v ? (JSON.parse(v) as unknown) : []) : v;
  if (!Array.isArray(list)) return [];
  return list.map((e) => {
    const s = String(e);
    const bar = s.indexOf('|');
    const value = bar === -1 ? s : s.slice(bar + 1);
    return kind === 'timeList' ? Number(value) : value;
  });
}

/* ------------------------------------------------------------------------------------------------ *
 * Finishing: aggregate rows → the port's answers. Shared by the DuckDB and the Log Analytics paths.
 * Group order is the reference's "first appearance in time" (the earliest sign-in of the group),
 * ties broken by the group's keys.
 * ------------------------------------------------------------------------------------------------ */

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const MINUTE_MS = 60_000;
/** `YYYY-MM-DDTHH:MM:` per minute number, for the minutes seen (bounded: cleared past ~70 days of minutes). */
const minutePrefixes = new Map<number, string>();
/** `SS.mmmZ` for each millisecond of a minute (built on first use). */
let minuteTails: string[] | undefined;

/**
 * `new Date(ms).toISOString()`, two to five times faster: the answers carry two or three instants per
 * row for 100k+ rows, and Date's formatting was a tenth of the largest analyses. The minute is formatted
 * once, the rest comes from a table: two flat strings joined (fewer objects for the collector than
 * building the text from parts). Instants outside years 0–9999, and fractions, take Date's path.
 */
export function isoInstant(ms: number): string {
  if (!Number.isInteger(ms)) return new Date(ms).toISOString(); // throws as Date does (NaN); fractions are cut as Date cuts them
  const minute = Math.floor(ms / MINUTE_MS);
  let prefix = minutePrefixes.get(minute);
  if (prefix === undefined) {
    const full = new Date(ms).toISOString();
    if (full.length !== 24) return full;
    if (minutePrefixes.size > 100_000) minutePrefixes.clear();
    prefix = full.slice(0, 17);
    minutePrefixes.set(minute, prefix);
  }
  minuteTails ??= Array.from({ length: MINUTE_MS }, (_, i) => `${PAD2[Math.floor(i / 1000)]}.${PAD3[i % 1000]}Z`);
  return prefix + minuteTails[ms - minute * MINUTE_MS]!;
}
const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number => Number(v ?? 0);
const keyCompare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Rows ordered by first appearance, ties by key (a new array; the times read once, keys only for ties). */
function byFirstSeen<T>(rows: readonly T[], first: (r: T) => number, key: (r: T) => string): T[] {
  const at = new Float64Array(rows.length);
  const order = new Array<number>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    at[i] = first(rows[i]!);
    order[i] = i;
  }
  order.sort((a, b) => at[a]! - at[b]! || keyCompare(key(rows[a]!), key(rows[b]!)));
  return order.map((i) => rows[i]!);
}

export function finishWindow(rows: ResultRow[], declared?: { from?: string; to?: string }): EvidenceWindow | undefined {
  const r = rows[0];
  const has = r && num(r.signIns) > 0;
  const from = declared?.from ?? (has ? isoInstant(num(r.from)) : undefined);
  const to = declared?.to ?? (has ? isoInstant(num(r.to)) : undefined);
  return from && to ? { from, to } : undefined;
}

export function finishUserApp(rows: ResultRow[]): UserAppSignIns[] {
  return byFirstSeen(rows, (r) => num(r.firstSeen), (r) => `${r.userId} ${r.appId}`).map((r) => {
    const appId = String(r.appId);
    const signIns = num(r.signIns);
    const single = num(r.singleFactor);
    const interactive = num(r.interactive);
    return {
      userId: String(r.userId),
      userPrincipalName: text(r.upn),
      appId,
      appDisplayName: text(r.appName) ?? MANDATORY_MFA_APPS[appId]?.name ?? null,
      mandatoryMfaPhase: mandatoryMfaPhase({ appId, resourceId: text(r.resourceId) }),
      signIns,
      singleFactor: single,
      multiFactor: signIns - single,
      interactive,
      nonInteractive: signIns - interactive,
      firstSeen: isoInstant(num(r.firstSeen)),
      lastSeen: isoInstant(num(r.lastSeen)),
      lastSingleFactor: single && r.lastSingleFactor !== null ? isoInstant(num(r.lastSingleFactor)) : null,
    };
  });
}

export function finishLegacy(rows: ResultRow[]): LegacyClientSignIns[] {
  return byFirstSeen(rows, (r) => num(r.firstSeen), (r) => `${r.userId} ${r.clientApp}`).map((r) => ({
    userId: String(r.userId),
    userPrincipalName: text(r.upn),
    clientAppUsed: String(r.clientApp),
    signIns: num(r.signIns),
    lastSeen: isoInstant(num(r.lastSeen)),
  }));
}

const toolName = (t: string): 'azureCli' | 'azurePowerShell' => (t.toLowerCase() === 'azurecli' ? 'azureCli' : 'azurePowerShell');

/** Per (user, tool) from per-version rows: the lowest version is the earliest-seen of the numerically smallest, the highest the latest-seen of the largest (the reference's stable sort). */
export function finishToolVersions(rows: ResultRow[]): ToolVersionSignIns[] {
  const groups = new Map<string, ResultRow[]>();
  for (const r of rows) {
    const k = `${r.userId} ${toolName(String(r.tool))}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const out: (ToolVersionSignIns & { firstSeen: number })[] = [];
  for (const list of groups.values()) {
    let low = list[0]!;
    let high = list[0]!;
    let first = list[0]!;
    for (const r of list) {
      const dl = compareVersions(String(r.version), String(low.version));
      if (dl < 0 || (dl === 0 && num(r.firstSeen) < num(low.firstSeen))) low = r;
      const dh = compareVersions(String(r.version), String(high.version));
      if (dh > 0 || (dh === 0 && num(r.lastSeen) > num(high.lastSeen))) high = r;
      if (num(r.firstSeen) < num(first.firstSeen)) first = r;
    }
    out.push({
      userId: String(first.userId),
      userPrincipalName: text(first.upn),
      tool: toolName(String(first.tool)),
      lowestVersion: String(low.version),
      highestVersion: String(high.version),
      signIns: list.reduce((s, r) => s + num(r.signIns), 0),
      lastSeen: isoInstant(Math.max(...list.map((r) => num(r.lastSeen)))),
      firstSeen: num(first.firstSeen),
    });
  }
  return byFirstSeen(out, (r) => r.firstSeen, (r) => `${r.userId} ${r.tool}`).map(({ firstSeen: _, ...r }) => r);
}


/** A list column's values (`firstN`, `firstDistinct`: already oldest first, at most n). */
const list = (v: unknown): (string | number)[] => (Array.isArray(v) ? (v as (string | number)[]) : []);

export function finishAutomation(parts: Record<'automation.users' | 'automation.scheduled' | 'automation.agents' | 'automation.ips', ResultRow[]>): AutomationProfile[] {
  const scheduled = new Set(parts['automation.scheduled'].map((r) => String(r.userId)));
  // the ips and agents of a user: the first EVIDENCE_LIST_MAX by first appearance (a script can rotate through thousands of addresses)
  const agents = new Map(parts['automation.agents'].map((r) => [String(r.userId), r] as const));
  const ips = new Map(parts['automation.ips'].map((r) => [String(r.userId), r] as const));
  return byFirstSeen(parts['automation.users'], (r) => num(r.firstSeen), (r) => String(r.userId)).map((u) => {
    const userId = String(u.userId);
    const management = num(u.management);
    const interactiveSignIns = num(u.interactive);
    const scriptedAgents = list(agents.get(userId)?.values).map(String);
    const signals: AutomationSignal[] = [];
    if (num(u.ropc) > 0) signals.push('ropc');
    if (!interactiveSignIns && management >= NON_INTERACTIVE_ONLY_MIN) signals.push('nonInteractiveOnly');
    if (scheduled.has(userId)) signals.push('scheduled');
    if (scriptedAgents.length) signals.push('scriptedClient');
    return {
      userId,
      userPrincipalName: text(u.upn),
      managementSignIns: management,
      interactiveSignIns,
      signals,
      scriptedAgents,
      sampleTimes: list(u.samples).map((t) => isoInstant(num(t))),
      ipAddresses: list(ips.get(userId)?.values).map(String),
      ipAddressCount: num(ips.get(userId)?.valueCount),
    };
  });
}

export function finishSingleFactor(parts: Record<'singleFactor', ResultRow[]>): SingleFactorSignIns[] {
  return byFirstSeen(parts.singleFactor, (r) => num(r.firstSeen), (r) => `${r.userId} ${r.appId}`).map((r) => ({
    userId: String(r.userId),
    userPrincipalName: text(r.upn),
    appId: String(r.appId),
    appDisplayName: text(r.appName),
    resourceId: text(r.resourceId),
    signIns: num(r.signIns),
    firstSeen: isoInstant(num(r.firstSeen)),
    lastSeen: isoInstant(num(r.lastSeen)),
    sampleSignInIds: list(r.samples) as string[], // ids: strings on both paths
  }));
}

/** The rows of a pivot part and, for a limited one, how many rows there were before the cut. */
export function finishPivotResult(by: PivotDimension, rows: ResultRow[]): PivotResult {
  const out = finishPivot(by, rows);
  return { rows: out, groups: rows.length && rows[0]!.groups !== undefined ? num(rows[0]!.groups) : by === 'total' ? 1 : out.length };
}

export function finishPivot(by: PivotDimension, rows: ResultRow[]): PivotRow[] {
  const out = rows.filter((r) => by === 'total' || num(r.signIns) > 0).map((r): PivotRow => {
    const signIns = num(r.signIns);
    const mfa = num(r.mfa);
    const keys: Record<PivotDimension, string[]> = {
      total: [],
      app: [String(r.appId), text(r.appName) ?? ''],
      user: [String(r.userId), text(r.upn) ?? ''],
      appUser: [String(r.appId), text(r.appName) ?? '', String(r.userId), text(r.upn) ?? ''],
      operatingSystem: [text(r.osOrUnknown) ?? ''],
      country: [text(r.countryOrUnknown) ?? ''],
      clientApp: [text(r.clientAppOrUnknown) ?? ''],
    };
    return { keys: keys[by], signIns, mfa, singleFactor: signIns - mfa, users: by === 'user' || by === 'appUser' ? 1 : num(r.users), ...(by === 'app' ? { singleFactorUsers: num(r.singleFactorUsers) } : {}) };
  });
  if (by === 'total' && !out.length) out.push({ keys: [], signIns: 0, mfa: 0, singleFactor: 0, users: 0 });
  return out.sort(comparePivotRows);
}
