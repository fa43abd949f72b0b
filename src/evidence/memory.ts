/**
 * The sign-in evidence port over Graph `signIn` objects held in memory: the fake rules are tested
 * against, and the evidence of a snapshot that carries `signIns`. Real tenants' logs go to an
 * implementation that aggregates where the rows are (DuckDB, KQL); this one scans the array per query.
 */
import type { Snapshot } from '../snapshot/types.js';
import {
  ARM_RESOURCE_ID, compareVersions, EVIDENCE_LIST_MAX, isLegacyClient, isManagementClient, isScriptedAgent, MANDATORY_MFA_APPS, mandatoryMfaPhase, MICROSOFT_GRAPH_APP_ID,
  signInFacts, signInFactsFromRow, toolVersion, type SignInFacts,
} from './signins.js';
import type { SignInRow } from './row.js';
import type {
  AutomationProfile, AutomationSignal, EvidenceQuery, EvidenceWindow, LegacyClientSignIns, PivotDimension, PivotResult, PivotRow, SignInEvidence, SingleFactorSignIns,
  ToolVersionSignIns, UserAppSignIns, WorkbookFilters,
} from './types.js';

const iso = (ms: number) => new Date(ms).toISOString();
const MINUTES_PER_DAY = 1440;
/** Automation heuristics of spec/signins.md (`user-automation-account`). */
const NON_INTERACTIVE_ONLY_MIN = 5;
const SCHEDULED_MIN_DAYS = 5;
const SCHEDULED_TOLERANCE_MIN = 5;

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** Sign-ins on ≥ 5 distinct UTC days within ± 5 minutes of one time of day (midnight wraps around). */
function looksScheduled(times: readonly number[]): boolean {
  const points = times.map((t) => ({ minute: Math.floor((t % 86_400_000) / 60_000), day: Math.floor(t / 86_400_000) })).sort((a, b) => a.minute - b.minute);
  const ring = [...points, ...points.map((p) => ({ minute: p.minute + MINUTES_PER_DAY, day: p.day }))];
  const days = new Map<number, number>();
  let start = 0;
  for (const p of ring) {
    days.set(p.day, (days.get(p.day) ?? 0) + 1);
    while (p.minute - ring[start]!.minute > 2 * SCHEDULED_TOLERANCE_MIN) {
      const d = ring[start++]!.day;
      const n = days.get(d)! - 1;
      if (n) days.set(d, n);
      else days.delete(d);
    }
    if (days.size >= SCHEDULED_MIN_DAYS) return true;
  }
  return false;
}

export class MemorySignInEvidence implements SignInEvidence {
  private readonly rows: SignInFacts[];

  /** `signIns`: Graph beta signIn objects (failed and non-user sign-ins are ignored); `window`: the collected window, when known. */
  constructor(signIns: readonly Record<string, unknown>[], private readonly declaredWindow?: { from?: string; to?: string }) {
    this.rows = signIns.map(signInFacts).filter((r): r is SignInFacts => r !== undefined).sort((a, b) => a.at - b.at);
  }

  /** Evidence over normalized rows (spec/signins.md inputs after import); the reference the DuckDB and KQL paths are checked against. */
  static fromRows(rows: Iterable<SignInRow>, window?: { from?: string; to?: string }): MemorySignInEvidence {
    const ev = new MemorySignInEvidence([], window);
    for (const r of rows) {
      const f = signInFactsFromRow(r);
      if (f) ev.rows.push(f);
    }
    ev.rows.sort((a, b) => a.at - b.at);
    return ev;
  }

  /** The evidence a snapshot carries, or undefined when it has no `signIns` (the rules then report `unknown`). */
  static fromSnapshot(snapshot: Snapshot): MemorySignInEvidence | undefined {
    if (!snapshot.signIns || snapshot.unavailable?.signIns) return undefined;
    return new MemorySignInEvidence(snapshot.signIns, snapshot.signInsWindow);
  }

  async window(): Promise<EvidenceWindow | undefined> {
    const first = this.rows[0];
    const last = this.rows[this.rows.length - 1];
    const from = this.declaredWindow?.from ?? (first && iso(first.at));
    const to = this.declaredWindow?.to ?? (last && iso(last.at));
    return from && to ? { from, to } : undefined;
  }

  private select(q: EvidenceQuery = {}): SignInFacts[] {
    const since = q.since === undefined ? -Infinity : Date.parse(q.since);
    const asOf = q.asOf === undefined ? Infinity : Date.parse(q.asOf);
    const users = q.userIds && new Set(q.userIds.map((u) => u.toLowerCase()));
    return this.rows.filter((r) => r.at >= since && r.at < asOf && (!users || users.has(r.userId)));
  }

  async userAppSignIns(q: EvidenceQuery & { apps?: 'mandatoryMfa' | 'all' } = {}): Promise<UserAppSignIns[]> {
    const rows = this.select(q).filter((r) => q.apps === 'all' || mandatoryMfaPhase(r) !== null);
    return [...groupBy(rows, (r) => `${r.userId} ${r.appId}`).values()].map((list) => {
      const first = list[0]!;
      const single = list.filter((r) => r.singleFactor);
      const interactive = list.filter((r) => r.interactive).length;
      return {
        userId: first.userId,
        userPrincipalName: first.userPrincipalName,
        appId: first.appId,
        appDisplayName: first.appDisplayName ?? MANDATORY_MFA_APPS[first.appId]?.name ?? null,
        mandatoryMfaPhase: mandatoryMfaPhase(first),
        signIns: list.length,
        singleFactor: single.length,
        multiFactor: list.length - single.length,
        interactive,
        nonInteractive: list.length - interactive,
        firstSeen: iso(first.at),
        lastSeen: iso(list[list.length - 1]!.at),
        lastSingleFactor: single.length ? iso(single[single.length - 1]!.at) : null,
      };
    });
  }

  async legacyClientSignIns(q?: EvidenceQuery): Promise<LegacyClientSignIns[]> {
    const rows = this.select(q).filter((r) => isLegacyClient(r.clientAppUsed));
    return [...groupBy(rows, (r) => `${r.userId} ${r.clientAppUsed}`).values()].map((list) => ({
      userId: list[0]!.userId,
      userPrincipalName: list[0]!.userPrincipalName,
      clientAppUsed: list[0]!.clientAppUsed!,
      signIns: list.length,
      lastSeen: iso(list[list.length - 1]!.at),
    }));
  }

  async toolVersions(q?: EvidenceQuery): Promise<ToolVersionSignIns[]> {
    const rows = this.select(q).flatMap((r) => {
      const tv = toolVersion(r.userAgent);
      return tv ? [{ ...tv, row: r }] : [];
    });
    return [...groupBy(rows, (x) => `${x.row.userId} ${x.tool}`).values()].map((list) => {
      const versions = list.map((x) => x.version).sort(compareVersions);
      return {
        userId: list[0]!.row.userId,
        userPrincipalName: list[0]!.row.userPrincipalName,
        tool: list[0]!.tool,
        lowestVersion: versions[0]!,
        highestVersion: versions[versions.length - 1]!,
        signIns: list.length,
        lastSeen: iso(list[list.length - 1]!.row.at),
      };
    });
  }

  async automationProfiles(q?: EvidenceQuery): Promise<AutomationProfile[]> {
    const byUser = groupBy(this.select(q), (r) => r.userId);
    const out: AutomationProfile[] = [];
    for (const list of byUser.values()) {
      const management = list.filter(isManagementClient);
      if (!management.length) continue;
      const interactiveSignIns = list.filter((r) => r.interactive).length;
      const ips = [...new Set(management.map((r) => r.ipAddress).filter((ip): ip is string => ip !== null))];
      const scriptedAgents = [...new Set(management.filter((r) => r.resourceId === ARM_RESOURCE_ID && isScriptedAgent(r.userAgent)).map((r) => r.userAgent!))];
      const signals: AutomationSignal[] = [];
      if (list.some((r) => r.ropc)) signals.push('ropc');
      if (!interactiveSignIns && management.length >= NON_INTERACTIVE_ONLY_MIN) signals.push('nonInteractiveOnly');
      if (looksScheduled(management.map((r) => r.at))) signals.push('scheduled');
      if (scriptedAgents.length) signals.push('scriptedClient');
      out.push({
        userId: list[0]!.userId,
        userPrincipalName: list[0]!.userPrincipalName,
        managementSignIns: management.length,
        interactiveSignIns,
        signals,
        scriptedAgents: scriptedAgents.slice(0, EVIDENCE_LIST_MAX),
        sampleTimes: management.slice(0, 5).map((r) => iso(r.at)),
        ipAddresses: ips.slice(0, EVIDENCE_LIST_MAX),
        ipAddressCount: ips.length,
      });
    }
    return out;
  }

  async singleFactorSignIns(q?: EvidenceQuery): Promise<SingleFactorSignIns[]> {
    const rows = this.select(q).filter((r) => r.singleFactor);
    return [...groupBy(rows, (r) => `${r.userId} ${r.appId}`).values()].map((list) => ({
      userId: list[0]!.userId,
      userPrincipalName: smallest(list.map((r) => r.userPrincipalName)),
      appId: list[0]!.appId,
      appDisplayName: smallest(list.map((r) => r.appDisplayName)),
      resourceId: smallest(list.map((r) => r.resourceId)),
      signIns: list.length,
      firstSeen: iso(list[0]!.at),
      lastSeen: iso(list[list.length - 1]!.at),
      sampleSignInIds: list.slice(0, 5).map((r) => r.id),
    }));
  }

  async pivot(by: PivotDimension, q: EvidenceQuery & WorkbookFilters = {}): Promise<PivotRow[]> {
    const rows = this.select(q).filter((r) =>
      (q.homeTenantOnly === false || !r.homeTenantId || !r.resourceTenantId || r.homeTenantId === r.resourceTenantId) &&
      (!q.excludeGraph || (r.appId !== MICROSOFT_GRAPH_APP_ID && r.resourceId !== MICROSOFT_GRAPH_APP_ID)) &&
      (!q.legacyOnly || isLegacyClient(r.clientAppUsed)) &&
      (!q.trustedLocationsOnly || r.trustedLocation) &&
      (!q.interactiveOnly || r.interactive));
    const keyOf = PIVOT_KEY[by];
    const out: PivotRow[] = [];
    for (const list of groupBy(rows, (r) => keyOf(r).join('\u0000')).values()) {
      const keys = keyOf(list[0]!);
      if (by === 'app' || by === 'appUser') keys[1] = smallest(list.map((r) => r.appDisplayName)) ?? '';
      if (by === 'user') keys[1] = smallest(list.map((r) => r.userPrincipalName)) ?? '';
      if (by === 'appUser') keys[3] = smallest(list.map((r) => r.userPrincipalName)) ?? '';
      const mfa = list.filter((r) => r.multiFactor).length;
      const row: PivotRow = { keys, signIns: list.length, mfa, singleFactor: list.length - mfa, users: new Set(list.map((r) => r.userId)).size };
      if (by === 'app') row.singleFactorUsers = new Set(list.filter((r) => !r.multiFactor).map((r) => r.userId)).size;
      out.push(row);
    }
    if (by === 'total' && !out.length) out.push({ keys: [], signIns: 0, mfa: 0, singleFactor: 0, users: 0 });
    return out.sort(comparePivotRows);
  }

  async pivots(by: readonly PivotDimension[], q: EvidenceQuery & WorkbookFilters & { limit?: number } = {}): Promise<PivotResult[]> {
    const out: PivotResult[] = [];
    for (const d of by) {
      const rows = await this.pivot(d, q);
      out.push({ rows: q.limit !== undefined && q.limit >= 1 ? rows.slice(0, q.limit) : rows, groups: rows.length });
    }
    return out;
  }
}

/** The smallest non-null value (display names can differ between rows; every implementation picks the same one). */
function smallest(values: readonly (string | null)[]): string | null {
  let best: string | null = null;
  for (const v of values) if (v !== null && (best === null || v < best)) best = v;
  return best;
}

/** The grouping keys per pivot; name columns are filled in per group (see `smallest`). */
const PIVOT_KEY: Record<PivotDimension, (r: SignInFacts) => string[]> = {
  total: () => [],
  app: (r) => [r.appId, ''],
  user: (r) => [r.userId, ''],
  appUser: (r) => [r.appId, '', r.userId, ''],
  operatingSystem: (r) => [r.operatingSystem ?? 'unknown'],
  country: (r) => [r.countryOrRegion ?? 'unknown'],
  clientApp: (r) => [r.clientAppUsed ?? 'unknown'],
};

/** Pivot order: most single-factor sign-ins first, then keys (code-unit order) so every implementation agrees. */
export function comparePivotRows(a: PivotRow, b: PivotRow): number {
  if (a.singleFactor !== b.singleFactor) return b.singleFactor - a.singleFactor;
  for (let i = 0; i < Math.max(a.keys.length, b.keys.length); i++) {
    const x = a.keys[i] ?? '';
    const y = b.keys[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
