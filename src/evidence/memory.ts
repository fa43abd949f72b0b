/**
 * The sign-in evidence port over Graph `signIn` objects held in memory: the fake rules are tested
 * against, and the evidence of a snapshot that carries `signIns`. Real tenants' logs go to an
 * implementation that aggregates where the rows are (DuckDB, KQL); this one scans the array per query.
 */
import type { Snapshot } from '../snapshot/types.js';
import { ARM_RESOURCE_ID, compareVersions, isLegacyClient, isManagementClient, isScriptedAgent, MANDATORY_MFA_APPS, mandatoryMfaPhase, signInFacts, toolVersion, type SignInFacts } from './signins.js';
import type {
  AutomationProfile, AutomationSignal, EvidenceQuery, EvidenceWindow, LegacyClientSignIns, SignInEvidence, ToolVersionSignIns, UserAppSignIns,
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
        scriptedAgents,
        sampleTimes: management.slice(0, 5).map((r) => iso(r.at)),
        ipAddresses: [...new Set(management.map((r) => r.ipAddress).filter((ip): ip is string => ip !== null))],
      });
    }
    return out;
  }
}
