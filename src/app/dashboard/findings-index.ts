/**
 * The dashboard's findings page over one recorded scan: filter (rule, status, severity, text), sort and
 * page on the server. A 100k-user tenant has several hundred thousand findings, so nothing here sorts
 * per request: each finding's rule, status and severity are small integers in typed arrays, the search
 * text is lower-cased once, and each sort order is computed once (lazily) as a permutation. A query is
 * then one walk over that permutation: count every match, keep only the rows of the requested page.
 */
import type { Finding } from '../../rules/types.js';
import { FINDING_STATUSES, SEVERITIES, type FindingStatus, type Severity } from '../../vocabulary.js';

export const SORT_KEYS = ['severity', 'rule', 'status', 'resource'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** Worst first: what an admin looks at first when sorting by status. */
export const STATUS_ORDER: readonly FindingStatus[] = ['unhealthy', 'unknown', 'exempt', 'healthy', 'notApplicable'];

export interface FindingsQuery {
  rule?: string | undefined;
  status?: string | undefined;
  severity?: string | undefined;
  /** Case-insensitive substring of the resource name, resource id or reason. */
  q?: string | undefined;
  sort?: SortKey | undefined;
  /** Ascending is the natural order of the key (severity and status: worst first). */
  dir?: 'asc' | 'desc' | undefined;
  /** 1-based. */
  page?: number | undefined;
  pageSize?: number | undefined;
}

export interface FindingsPage {
  total: number;
  page: number;
  pageSize: number;
  pages: number;
  rows: Finding[];
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export class FindingsIndex {
  readonly findings: readonly Finding[];
  readonly ruleIds: readonly string[];
  private readonly rule: Uint16Array;
  private readonly status: Uint8Array;
  private readonly severity: Uint8Array;
  private readonly text: string[];
  private readonly orders = new Map<SortKey, Uint32Array>();
  private readonly byResource = new Map<string, number[]>();

  constructor(findings: readonly Finding[]) {
    this.findings = findings;
    const n = findings.length;
    this.ruleIds = [...new Set(findings.map((f) => f.ruleId))].sort();
    const ruleCode = new Map(this.ruleIds.map((r, i) => [r, i]));
    const statusCode = new Map(STATUS_ORDER.map((s, i) => [s, i]));
    // most severe first
    const sevCode = new Map([...SEVERITIES].reverse().map((s, i) => [s, i]));
    this.rule = new Uint16Array(n);
    this.status = new Uint8Array(n);
    this.severity = new Uint8Array(n);
    this.text = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const f = findings[i]!;
      this.rule[i] = ruleCode.get(f.ruleId)!;
      this.status[i] = statusCode.get(f.status) ?? STATUS_ORDER.length;
      this.severity[i] = sevCode.get(f.severity) ?? SEVERITIES.length;
      this.text[i] = `${f.resourceName}\u0000${f.resourceId}\u0000${f.reason}`.toLowerCase();
      const key = f.resourceId.toLowerCase();
      const list = this.byResource.get(key);
      if (list) list.push(i);
      else this.byResource.set(key, [i]);
    }
  }

  /** Every finding about one resource (a user's or a policy's object id), in the store's order. */
  forResource(id: string): Finding[] {
    return (this.byResource.get(id.toLowerCase()) ?? []).map((i) => this.findings[i]!);
  }

  /** Computes every sort order now (at load), so no request pays for a sort. */
  prepareOrders(): this {
    for (const k of SORT_KEYS) this.order(k);
    return this;
  }

  /** The permutation of one sort key, ties broken by the store's order (rule, then resource id). */
  private order(key: SortKey): Uint32Array {
    let order = this.orders.get(key);
    if (order) return order;
    const idx = Array.from({ length: this.findings.length }, (_, i) => i);
    const name = key === 'resource' ? this.findings.map((f) => f.resourceName.toLowerCase()) : undefined;
    const cmp: (a: number, b: number) => number =
      key === 'severity' ? (a, b) => this.severity[a]! - this.severity[b]! || this.status[a]! - this.status[b]! || a - b
      : key === 'status' ? (a, b) => this.status[a]! - this.status[b]! || this.severity[a]! - this.severity[b]! || a - b
      : key === 'rule' ? (a, b) => this.rule[a]! - this.rule[b]! || a - b
      : (a, b) => (name![a]! < name![b]! ? -1 : name![a]! > name![b]! ? 1 : a - b);
    order = Uint32Array.from(idx.sort(cmp));
    this.orders.set(key, order);
    return order;
  }

  query(q: FindingsQuery): FindingsPage {
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(q.pageSize ?? DEFAULT_PAGE_SIZE)));
    const ruleWanted = q.rule ? this.ruleIds.indexOf(q.rule) : -1;
    const statusWanted = q.status ? STATUS_ORDER.indexOf(q.status as FindingStatus) : -1;
    const sevWanted = q.severity ? [...SEVERITIES].reverse().indexOf(q.severity as Severity) : -1;
    // a filter naming a value that does not exist matches nothing (not everything)
    const impossible = (q.rule && ruleWanted < 0) || (q.status && statusWanted < 0) || (q.severity && sevWanted < 0);
    const needle = q.q?.trim().toLowerCase() ?? '';
    const order = this.order(q.sort ?? 'severity');
    const n = order.length;
    const desc = q.dir === 'desc';
    const page = Math.max(1, Math.floor(q.page ?? 1));
    const start = (page - 1) * pageSize;
    const end = start + pageSize;
    const rows: Finding[] = [];
    let total = 0;
    if (!impossible) {
      for (let k = 0; k < n; k++) {
        const i = order[desc ? n - 1 - k : k]!;
        if (ruleWanted >= 0 && this.rule[i] !== ruleWanted) continue;
        if (statusWanted >= 0 && this.status[i] !== statusWanted) continue;
        if (sevWanted >= 0 && this.severity[i] !== sevWanted) continue;
        if (needle && !this.text[i]!.includes(needle)) continue;
        if (total >= start && total < end) rows.push(this.findings[i]!);
        total++;
      }
    }
    return { total, page, pageSize, pages: Math.max(1, Math.ceil(total / pageSize)), rows };
  }
}

/** Statuses in the page's filter order. */
export const FILTER_STATUSES: readonly FindingStatus[] = STATUS_ORDER.filter((s) => (FINDING_STATUSES as readonly string[]).includes(s));
