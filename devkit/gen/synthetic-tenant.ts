/**
 * The synthetic tenant: a compact plan built once from (users, seed, policies), and materializers that
 * turn it into Graph/ARM-shaped snapshot objects on demand.
 *
 * Memory: the plan keeps two bytes per user (category and flags) plus small per-group lists; user,
 * membership and registration objects are produced one at a time from the user's index (names, dates,
 * per-user MFA state and registration come from a stateless hash of seed and index), so the streaming
 * writer never holds the tenant. Both `generateSnapshot` and `writeSnapshotDir` read the same plan,
 * which is what makes the two layouts the same logical tenant.
 *
 * Deliberate dangling references (realistic: Graph and ARM keep ids of deleted objects):
 * `deletedObjectIds` lists them — one deleted user excluded by a CA policy and one deleted principal
 * holding an Azure role assignment. Administrative-unit ids in `directoryScopeId` and external tenant
 * ids in `externalTenants` name objects the snapshot format has no collection for.
 */
import type {
  AuthenticationMethod, AuthenticationStrengthPolicy, AzureRoleAssignment, AzureRoleDefinition, AzureSubscription, ClassicAdministrator,
  ConditionalAccessPolicy, DirectoryObjectRef, GraphGroup, GraphServicePrincipal, GraphUser, NamedLocation, SecurityDefaultsPolicy,
  TenantInfo, UnifiedRoleAssignment, UnifiedRoleDefinition, UnifiedRoleEligibilitySchedule, UserRegistrationDetails,
} from '../../src/snapshot/types.js';
import { BUILTIN_PRIVILEGED_ROLES, LEGACY_MFA_TRUSTED_IPS_LOCATION } from '../../src/snapshot/wellknown.js';
import {
  ADMIN_METHOD_MIXES, ADMIN_ROLE_WEIGHTS, APP_WORDS, ARM_APP, AZ, AZURE_BUILTIN_ROLES, BUILTIN_STRENGTHS, CA_ADMIN_ROLES, CITIES, COMPANIES,
  DEPARTMENTS, DIRECTORY_ROLES, FIRST_NAMES, FIRST_PARTY_APPS, LAST_NAMES, MEMBER_METHOD_MIXES, MFA_METHODS, MICROSOFT_TENANT,
  PARTNER_DOMAINS, PASSWORDLESS_METHODS, PROJECT_WORDS, ROLE,
} from './data.js';
import { hashGuid, hashString, hf, h32, Rng, rngGuid, roleAssignmentId } from './random.js';

export interface GenerateOptions {
  /** Number of users (at least 1). */
  users: number;
  /** Any number or string; the tenant depends on its string form only. */
  seed: number | string;
  /** Number of Conditional Access policies; default scales with the user count (50 at 100 users … 300 at 1M). */
  policies?: number;
  /** Turn security defaults on (CA policies are generated as usual; mfaguard reports the mix). */
  securityDefaults?: boolean;
}

export const COLLECTED_AT = '2026-11-01T08:00:00Z';

/** Default policy count: 50 at ≤100 users, rising with log10(users) to 300 at 1M. */
export function defaultPolicyCount(users: number): number {
  const n = Math.max(users, 100);
  return Math.max(50, Math.min(300, Math.round(50 + 62.5 * Math.log10(n / 100))));
}

export function validateOptions(opts: GenerateOptions): void {
  if (!Number.isSafeInteger(opts.users) || opts.users < 1 || opts.users > 50_000_000) {
    throw new RangeError(`users must be an integer between 1 and 50000000, got ${String(opts.users)}`);
  }
  if (typeof opts.seed !== 'number' && typeof opts.seed !== 'string') throw new TypeError('seed must be a number or a string');
  if (typeof opts.seed === 'number' && !Number.isFinite(opts.seed)) throw new RangeError('seed must be a finite number');
  if (opts.policies !== undefined && (!Number.isSafeInteger(opts.policies) || opts.policies < 0 || opts.policies > 10_000)) {
    throw new RangeError(`policies must be an integer between 0 and 10000, got ${String(opts.policies)}`);
  }
}

// ---- user categories and flags ---------------------------------------------------------------

const CAT_MEMBER = 0;
const CAT_ADMIN = 1;
const CAT_B2B_GUEST = 2;
const CAT_B2B_MEMBER = 3;
const CAT_INTERNAL_GUEST = 4;
const CAT_BREAKGLASS = 5;

const F_DISABLED = 1;
const F_CONTRACTOR = 2;
const F_SVC = 4;
const F_PENDING = 8;

/** Hash salts for per-user details. */
const S = {
  date: 2, mfa: 3, reg: 4, sync: 5, guestDomain: 6, idp: 7, title: 8, regQuirk: 9, kind: 10, project: 11, projectPick: 12,
  guestDisabled: 13, pending: 14, svcApp: 15, disabledReg: 16,
} as const;

/** GUID kinds for stateless ids. */
const K_USER = 1;
const K_GROUP = 2;

const BLOCK = 200;
/** Order in which special slots of a 200-user block are filled (small tenants get the first few). */
const SLOT_ORDER = ['admin', 'guestA', 'disabled', 'guestD', 'guestB', 'guestC', 'disabled'] as const;

/** Member reference encoding in group member lists: user i → 4i, group g → 4g+1, service principal s → 4s+2. */
const refUser = (i: number) => i * 4;
const refGroup = (g: number) => g * 4 + 1;
const refSp = (s: number) => s * 4 + 2;

type GroupKind =
  | { kind: 'allStaff' }
  | { kind: 'dept'; dept: number }
  | { kind: 'division'; division: number }
  | { kind: 'team'; team: number }
  | { kind: 'squad'; team: number }
  | { kind: 'unified'; team: number }
  | { kind: 'dynDept'; dept: number }
  | { kind: 'list'; refs: number[] };

interface GroupPlan {
  id: string;
  displayName: string;
  description: string;
  kind: GroupKind;
  securityEnabled: boolean;
  mailEnabled: boolean;
  isAssignableToRole: boolean;
  groupTypes: string[];
  membershipRule: string | null;
  createdDateTime: string;
}

interface Dept { name: string; code: string; start: number; end: number; group: number; divisions: number[]; titles: readonly string[] }
interface Division { dept: number; name: string; teams: number[]; group: number }
interface Team { division: number; start: number; end: number; squadStart: number; group: number; squadGroup: number; name: string }

const slug = (s: string) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '');
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const FIRST_SLUGS = FIRST_NAMES.map(slug);
const LAST_SLUGS = LAST_NAMES.map(slug);

/** User creation times: a day in 2015-01-01 … 2026-09-30 and a second of that day, formatted without Date. */
const CREATED_FROM = Date.parse('2015-01-01T00:00:00Z');
const CREATED_DAYS = Math.floor((Date.parse('2026-10-01T00:00:00Z') - CREATED_FROM) / 86_400_000);
const DAY_PREFIX = Array.from({ length: CREATED_DAYS }, (_, d) => new Date(CREATED_FROM + d * 86_400_000).toISOString().slice(0, 11));
const TWO = Array.from({ length: 60 }, (_, k) => String(k).padStart(2, '0'));
function createdDate(h: number): string {
  const secs = h % 86_400;
  return `${DAY_PREFIX[Math.floor(h / 86_400) % CREATED_DAYS]!}${TWO[Math.floor(secs / 3600)]!}:${TWO[Math.floor(secs / 60) % 60]!}:${TWO[secs % 60]!}Z`;
}


type Identity = { signInType: string; issuer: string; issuerAssignedId: string | null };
type MkUser = (
  id: string, upn: string, displayName: string, givenName: string | null, surname: string | null, mail: string | null, otherMails: string[],
  userType: string, accountEnabled: boolean, creationType: string | null, externalUserState: string | null, externalStateChanged: string | null,
  identities: Identity[], onPremisesSyncEnabled: boolean | null, created: string, department: string | null, jobTitle: string | null,
  perUserMfaState: string,
) => GraphUser;

/** Everything about a registration that follows from the registered methods alone. */
interface MethodProfile {
  methods: readonly string[];
  registered: boolean;
  passwordless: boolean;
  defaultMfaMethod: string;
  systemPreferred: readonly string[];
  userPreferred: string;
}

function methodProfile(methods: readonly string[]): MethodProfile {
  const registered = methods.some((m) => MFA_METHODS.has(m));
  const passwordless = methods.some((m) => PASSWORDLESS_METHODS.has(m));
  const first = methods[0];
  return {
    methods,
    registered,
    passwordless,
    defaultMfaMethod: registered ? (first === 'mobilePhone' ? 'mobilePhone' : first === 'passKeyDeviceBound' || first === 'fido2SecurityKey' ? 'none' : 'microsoftAuthenticatorPush') : 'none',
    systemPreferred: registered ? [passwordless && !methods.includes('microsoftAuthenticatorPush') ? 'Fido2' : 'push'] : [],
    userPreferred: registered ? (first === 'mobilePhone' ? 'sms' : 'push') : 'none',
  };
}
const PROFILE_NONE = methodProfile([]);
const PROFILE_EMAIL = methodProfile(['email']);
const PROFILE_BREAKGLASS = methodProfile(['passKeyDeviceBound']);
const MEMBER_PROFILES = MEMBER_METHOD_MIXES.map(([m, w]) => [methodProfile(m), w] as const);
const ADMIN_PROFILES = ADMIN_METHOD_MIXES.map(([m, w]) => [methodProfile(m), w] as const);

function pickProfile(table: readonly (readonly [MethodProfile, number])[], roll: number): MethodProfile {
  let total = 0;
  for (const [, w] of table) total += w;
  let r = roll * total;
  for (const [p, w] of table) {
    r -= w;
    if (r < 0) return p;
  }
  return table[table.length - 1]![0];
}

export class SyntheticTenant {
  readonly n: number;
  readonly seed: number;
  readonly policyCount: number;
  readonly tenant: TenantInfo;
  readonly collectedAt = COLLECTED_AT;
  readonly securityDefaults: SecurityDefaultsPolicy;

  private readonly rng: Rng;
  private readonly company: string;
  private readonly domain: string;
  private readonly defaultDomain: string;
  private readonly cat: Uint8Array;
  private readonly flags: Uint8Array;
  /** name-pair offset and stride: user i gets pair (i*stride + offset) mod F*L, suffix floor(i / F*L). */
  private readonly nameOffset: number;
  private readonly nameStride: number;

  // population lists (user indices)
  readonly admins: number[] = [];
  private readonly b2b: number[] = [];
  private readonly guestTyped: number[] = [];
  private readonly disabled: number[] = [];
  private readonly contractors: number[] = [];
  private readonly svc: number[] = [];
  /** enabled ordinary members (for picking policy/assignment targets) */
  private readonly pickable: number[] = [];
  private readonly roleHolders = new Set<number>();

  // org structure
  private readonly depts: Dept[] = [];
  private readonly divisions: Division[] = [];
  private readonly teams: Team[] = [];
  private readonly deptBounds: number[] = [];
  readonly groupPlans: GroupPlan[] = [];

  // small collections, built eagerly
  readonly servicePrincipals: GraphServicePrincipal[] = [];
  readonly roleDefinitions: UnifiedRoleDefinition[] = [];
  readonly roleAssignments: UnifiedRoleAssignment[] = [];
  readonly roleEligibilitySchedules: UnifiedRoleEligibilitySchedule[] = [];
  readonly subscriptions: AzureSubscription[] = [];
  readonly azureRoleDefinitions: AzureRoleDefinition[] = [];
  readonly azureRoleAssignments: AzureRoleAssignment[] = [];
  readonly classicAdministrators: ClassicAdministrator[] = [];
  readonly conditionalAccessPolicies: ConditionalAccessPolicy[] = [];
  readonly namedLocations: NamedLocation[] = [];
  readonly authenticationStrengthPolicies: AuthenticationStrengthPolicy[] = [];
  readonly authenticationMethods: Record<string, AuthenticationMethod[]> = {};
  /** Ids that are referenced on purpose but exist nowhere in the snapshot (deleted objects). */
  readonly deletedObjectIds: string[] = [];

  constructor(opts: GenerateOptions) {
    validateOptions(opts);
    this.n = opts.users;
    this.seed = hashString(String(opts.seed));
    this.rng = new Rng(this.seed);
    this.policyCount = opts.policies ?? defaultPolicyCount(this.n);
    const rng = this.rng;

    this.company = rng.pick(COMPANIES);
    const co = slug(this.company);
    this.domain = `${co}.com`;
    this.defaultDomain = `${co}.onmicrosoft.com`;
    this.tenant = {
      id: rngGuid(rng),
      displayName: this.company,
      defaultDomain: this.defaultDomain,
      cloud: 'AzureCloud',
      verifiedDomains: [
        { name: this.defaultDomain, isInitial: true, isDefault: false, type: 'Managed' },
        { name: this.domain, isInitial: false, isDefault: true, type: 'Managed' },
      ],
    };
    this.securityDefaults = {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity',
      id: '00000000-0000-0000-0000-000000000005',
      displayName: 'Security Defaults',
      description: 'Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.',
      isEnabled: opts.securityDefaults === true,
    };

    const fl = FIRST_NAMES.length * LAST_NAMES.length;
    this.nameOffset = rng.int(0, fl - 1);
    let stride = 7919 + 2 * rng.int(0, 500);
    while (gcd(stride, fl) !== 1) stride += 2;
    this.nameStride = stride;

    this.cat = new Uint8Array(this.n);
    this.flags = new Uint8Array(this.n);
    this.planPopulation();
    this.planOrg();
    this.planServicePrincipals();
    this.planGroupsAndRoles();
    this.planAzure();
    this.planLocationsAndStrengths();
    this.planPolicies();
  }

  // =============================================================================================
  // Plan: users
  // =============================================================================================

  private planPopulation(): void {
    const { n, cat, flags, rng, seed } = this;
    const bg = Math.min(2, n);
    for (let i = 0; i < bg; i++) cat[i] = CAT_BREAKGLASS;
    for (let start = bg, b = 0; start < n; start += BLOCK, b++) {
      const len = Math.min(BLOCK, n - start);
      const specials = len === BLOCK ? SLOT_ORDER.length : Math.min(SLOT_ORDER.length, Math.ceil(len / 8));
      const used = new Set<number>();
      for (let s = 0; s < specials; s++) {
        let off: number;
        do off = rng.int(0, len - 1); while (used.has(off));
        used.add(off);
        const i = start + off;
        switch (SLOT_ORDER[s]) {
          case 'admin': cat[i] = CAT_ADMIN; break;
          case 'guestA': case 'guestC': cat[i] = CAT_B2B_GUEST; break;
          case 'guestB': cat[i] = b % 2 === 0 ? CAT_B2B_MEMBER : CAT_B2B_GUEST; break;
          case 'guestD': cat[i] = b % 2 === 0 ? CAT_INTERNAL_GUEST : CAT_B2B_GUEST; break;
          case 'disabled': flags[i]! |= F_DISABLED; break;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      const c = cat[i]!;
      if (c === CAT_MEMBER) {
        const r = hf(seed, i, S.kind);
        if (r < 0.02) flags[i]! |= F_CONTRACTOR;
        else if (r < 0.023) flags[i]! |= F_SVC;
      } else if (c === CAT_B2B_GUEST || c === CAT_B2B_MEMBER || c === CAT_INTERNAL_GUEST) {
        if (hf(seed, i, S.guestDisabled) < 0.04) flags[i]! |= F_DISABLED;
        if (c === CAT_B2B_GUEST && hf(seed, i, S.pending) < 0.1) flags[i]! |= F_PENDING;
      }
      const f = flags[i]!;
      if (c === CAT_ADMIN) this.admins.push(i);
      if (c === CAT_B2B_GUEST || c === CAT_B2B_MEMBER) this.b2b.push(i);
      if (c === CAT_B2B_GUEST || c === CAT_INTERNAL_GUEST) this.guestTyped.push(i);
      if (f & F_DISABLED) this.disabled.push(i);
      if (f & F_CONTRACTOR) this.contractors.push(i);
      if (f & F_SVC) this.svc.push(i);
      if (c === CAT_MEMBER && !(f & (F_DISABLED | F_SVC))) this.pickable.push(i);
    }
  }

  /** A team/department member: an ordinary member account (contractors and disabled ones included, service accounts not). */
  private inOrg(i: number): boolean {
    return this.cat[i] === CAT_MEMBER && !(this.flags[i]! & F_SVC);
  }

  userId(i: number): string {
    return hashGuid(this.seed, K_USER, i);
  }

  private pickMembers(k: number): number[] {
    return this.rng.sample(this.pickable, k);
  }

  // =============================================================================================
  // Plan: org tree (All-Staff > department > division > team > squad), sites, projects, others
  // =============================================================================================

  private addGroup(displayName: string, kind: GroupKind, o: Partial<Omit<GroupPlan, 'id' | 'displayName' | 'kind'>> = {}): number {
    const g = this.groupPlans.length;
    const rule = o.membershipRule ?? null;
    this.groupPlans.push({
      id: hashGuid(this.seed, K_GROUP, g),
      displayName,
      description: o.description ?? '',
      kind,
      securityEnabled: o.securityEnabled ?? true,
      mailEnabled: o.mailEnabled ?? false,
      isAssignableToRole: o.isAssignableToRole ?? false,
      groupTypes: o.groupTypes ?? (rule ? ['DynamicMembership'] : []),
      membershipRule: rule,
      createdDateTime: o.createdDateTime ?? this.dateBetween('2015-01-01', '2026-09-30'),
    });
    return g;
  }

  private listGroup(displayName: string, refs: number[], o: Partial<Omit<GroupPlan, 'id' | 'displayName' | 'kind'>> = {}): number {
    return this.addGroup(displayName, { kind: 'list', refs }, o);
  }

  private dateBetween(from: string, to: string, fraction = false): string {
    const a = Date.parse(from);
    const b = Date.parse(to);
    const t = a + Math.floor(this.rng.next() * ((b - a) / 1000)) * 1000;
    if (!fraction) return isoSeconds(t);
    return new Date(t).toISOString().replace('.000Z', `.${String(this.rng.int(0, 9_999_999)).padStart(7, '0')}Z`);
  }

  private projectGroups: number[] = [];
  private programGroups: number[] = [];
  private siteGroups: number[] = [];
  private unifiedGroups: number[] = [];
  private dynGroups: number[] = [];
  // special groups
  private gBreakGlass = -1;
  private gMfaExclusions = -1;
  private gServiceAccounts = -1;
  private gContractors = -1;
  private gAdminAccounts = -1;
  private gExternalPartners = -1;
  private gLeavers = -1;
  private gLegacyExceptions = -1;
  private gFrontline = -1;
  private gMfaPilot = -1;
  private gPlatformOwners = -1;
  private gSecurityReaders = -1;
  private gAutomation = -1;
  private gPrivGa = -1;
  private gPrivExchange = -1;
  private gPrivSecurityEligible = -1;
  private gPrivHelpdeskAu = -1;
  private readonly subOwnerGroups: number[] = [];
  private readonly azureDeptReaderGroups: number[] = [];

  private planOrg(): void {
    const { rng, n } = this;
    const bg = Math.min(2, n);
    const span = n - bg;
    const totalWeight = DEPARTMENTS.reduce((s, d) => s + d[1], 0);
    this.addGroup(`${this.company} All Staff`, { kind: 'allStaff' }, {
      description: 'Every department (nested department groups)', mailEnabled: true, createdDateTime: '2015-01-05T09:00:00Z',
    });
    let acc = 0;
    let cur = bg;
    for (const [name, weight, code, divisionNames, titles] of DEPARTMENTS) {
      acc += weight;
      const end = bg + Math.round((span * acc) / totalWeight);
      this.deptBounds.push(end);
      const d: Dept = { name, code, start: cur, end, group: -1, divisions: [], titles };
      const di = this.depts.length;
      this.depts.push(d);
      cur = end;
      if (d.end <= d.start) continue;
      d.group = this.addGroup(name, { kind: 'dept', dept: di }, { description: `${name} department`, createdDateTime: '2015-01-05T09:00:00Z' });
      let pos = d.start;
      let k = 0;
      while (pos < d.end) {
        const divName = `${code}-${divisionNames[k % divisionNames.length]!}${k >= divisionNames.length ? ` ${Math.floor(k / divisionNames.length) + 1}` : ''}`;
        const division: Division = { dept: di, name: divName, teams: [], group: -1 };
        const dvi = this.divisions.length;
        this.divisions.push(division);
        division.group = this.addGroup(divName, { kind: 'division', division: dvi }, { description: `${name}: ${divName}` });
        d.divisions.push(dvi);
        const teamCount = rng.int(2, 8);
        for (let t = 0; t < teamCount && pos < d.end; t++) {
          let tEnd = Math.min(d.end, pos + rng.int(8, 60));
          if (d.end - tEnd < 4) tEnd = d.end;
          const size = tEnd - pos;
          const squadStart = size >= 20 && rng.chance(0.15) ? pos + Math.floor(size * 0.6) : -1;
          const ti = this.teams.length;
          const teamName = `${divName}-Team ${t + 1}`;
          const team: Team = { division: dvi, start: pos, end: tEnd, squadStart, group: -1, squadGroup: -1, name: teamName };
          this.teams.push(team);
          team.group = this.addGroup(teamName, { kind: 'team', team: ti }, { description: `Team in ${divName}` });
          if (squadStart >= 0) team.squadGroup = this.addGroup(`${teamName}-Squad`, { kind: 'squad', team: ti }, { description: `Squad of ${teamName}` });
          division.teams.push(ti);
          pos = tEnd;
        }
        k++;
      }
    }

    // Sites: flat groups nesting the teams located there.
    const siteCount = Math.max(1, Math.min(150, Math.ceil(n / 3000), this.teams.length));
    const siteRefs: number[][] = Array.from({ length: siteCount }, () => []);
    for (const t of this.teams) siteRefs[rng.int(0, siteCount - 1)]!.push(refGroup(t.group));
    for (let s = 0; s < siteCount; s++) {
      const city = `${CITIES[s % CITIES.length]!}${s >= CITIES.length ? ` ${Math.floor(s / CITIES.length) + 1}` : ''}`;
      this.siteGroups.push(this.listGroup(`Site-${city}`, siteRefs[s]!, { description: `Everyone based at the ${city} site (nested teams)` }));
    }

    // Projects (direct user members) and programs (nesting projects); a few cycles between projects.
    const projectCount = Math.max(3, Math.min(3000, Math.round(n / 400)));
    const programCount = Math.max(1, Math.floor(projectCount / 10));
    const projRefs: number[][] = Array.from({ length: projectCount }, () => []);
    for (let i = 0; i < n; i++) {
      if (!this.inOrg(i) || hf(this.seed, i, S.project) >= 0.15) continue;
      projRefs[h32(this.seed, i, S.projectPick) % projectCount]!.push(refUser(i));
    }
    const projName = (p: number) => `${PROJECT_WORDS[p % PROJECT_WORDS.length]!}${p >= PROJECT_WORDS.length ? `-${Math.floor(p / PROJECT_WORDS.length) + 1}` : ''}`;
    for (let p = 0; p < projectCount; p++) {
      const program = p < programCount;
      const g = this.listGroup(`${program ? 'PRG' : 'PRJ'}-${projName(p)}`, projRefs[p]!, {
        description: program ? `Programme ${projName(p)} (nests its projects)` : `Project ${projName(p)}`,
        mailEnabled: rng.chance(0.3),
      });
      (program ? this.programGroups : this.projectGroups).push(g);
    }
    const plainProjects = this.projectGroups;
    for (const pg of this.programGroups) {
      for (const child of rng.sample(plainProjects, rng.int(1, 4))) this.refsOf(pg).push(refGroup(child));
    }
    // Cycles among distinct plain projects: pairs a <-> b, and one three-cycle a -> b -> c -> a.
    const shuffled = rng.sample(plainProjects, plainProjects.length);
    let c = 0;
    const pairs = Math.max(1, Math.min(8, Math.round(plainProjects.length / 150)));
    for (let k = 0; k < pairs && c + 1 < shuffled.length; k++, c += 2) {
      const a = shuffled[c]!;
      const b = shuffled[c + 1]!;
      this.refsOf(a).push(refGroup(b));
      this.refsOf(b).push(refGroup(a));
    }
    if (c + 2 < shuffled.length) {
      const [a, b, d] = [shuffled[c]!, shuffled[c + 1]!, shuffled[c + 2]!];
      this.refsOf(a).push(refGroup(b));
      this.refsOf(b).push(refGroup(d));
      this.refsOf(d).push(refGroup(a));
    }

    // Microsoft 365 (Unified) groups mirroring teams; dynamic groups per department.
    const unifiedCount = Math.min(this.teams.length, Math.max(2, Math.min(1500, Math.round(n / 250))));
    for (const ti of rng.sample(this.teams.map((_, i) => i), unifiedCount)) {
      const t = this.teams[ti]!;
      this.unifiedGroups.push(this.addGroup(`${t.name} (Microsoft 365)`, { kind: 'unified', team: ti }, {
        description: `Microsoft 365 group for ${t.name}`, mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'],
      }));
    }
    this.depts.forEach((d, di) => {
      if (d.group < 0) return;
      this.dynGroups.push(this.addGroup(`DYN-${d.code}-All-Users`, { kind: 'dynDept', dept: di }, {
        description: `Dynamic: every account in ${d.name}`, membershipRule: `(user.department -eq "${d.name}")`,
      }));
    });
    this.dynGroups.push(this.listGroup('DYN-All-Guests', this.guestTyped.map(refUser), {
      description: 'Dynamic: every guest account', membershipRule: '(user.userType -eq "Guest")',
    }));
  }

  private refsOf(g: number): number[] {
    const k = this.groupPlans[g]!.kind;
    if (k.kind !== 'list') throw new Error('not a list group');
    return k.refs;
  }

  // =============================================================================================
  // Plan: service principals
  // =============================================================================================

  private tenantApps: number[] = [];
  private managedIdentities: number[] = [];

  private planServicePrincipals(): void {
    const { rng, n } = this;
    for (const [appId, displayName] of FIRST_PARTY_APPS) {
      this.servicePrincipals.push({
        id: rngGuid(rng), appId, displayName, servicePrincipalType: 'Application', accountEnabled: true, appOwnerOrganizationId: MICROSOFT_TENANT,
      });
    }
    const apps = Math.max(5, Math.min(400, Math.round(n / 500)));
    const envs = ['prod', 'dev', 'test', 'staging'];
    for (let a = 0; a < apps; a++) {
      this.tenantApps.push(this.servicePrincipals.length);
      const word = APP_WORDS[a % APP_WORDS.length]!;
      const gen = Math.floor(a / APP_WORDS.length);
      this.servicePrincipals.push({
        id: rngGuid(rng),
        appId: rngGuid(rng),
        displayName: `${slug(this.company)}-${word}${gen ? `-${gen + 1}` : ''}-${envs[a % envs.length]!}`,
        servicePrincipalType: 'Application',
        accountEnabled: rng.chance(0.95),
        appOwnerOrganizationId: this.tenant.id,
      });
    }
    const mis = Math.max(2, Math.min(200, Math.round(n / 2000)));
    for (let m = 0; m < mis; m++) {
      this.managedIdentities.push(this.servicePrincipals.length);
      this.servicePrincipals.push({
        id: rngGuid(rng),
        appId: rngGuid(rng),
        displayName: `mi-${APP_WORDS[m % APP_WORDS.length]!}-${m + 1}`,
        servicePrincipalType: 'ManagedIdentity',
        accountEnabled: true,
        appOwnerOrganizationId: null,
        alternativeNames: ['isExplicit=True', `/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-identity/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi-${m + 1}`],
      });
    }
  }

  private spId(s: number): string {
    return this.servicePrincipals[s]!.id;
  }

  // =============================================================================================
  // Plan: special groups, directory roles
  // =============================================================================================

  private planGroupsAndRoles(): void {
    const { rng } = this;
    const bgUsers = [0, 1].filter((i) => i < this.n);
    this.gBreakGlass = this.listGroup('CA-Exclusions-BreakGlass', bgUsers.map(refUser), {
      description: 'Emergency access accounts, excluded from every Conditional Access policy', createdDateTime: '2019-06-01T12:10:00Z',
    });
    this.gServiceAccounts = this.listGroup('Service-Accounts', this.svc.map(refUser), { description: 'Non-interactive service accounts (user objects)' });
    const exclRefs = [refGroup(this.gServiceAccounts), ...this.pickMembers(rng.int(1, 3)).map(refUser)];
    if (this.divisions.length > 1 && rng.chance(0.35)) exclRefs.push(refGroup(rng.pick(this.divisions).group));
    if (this.programGroups.length && rng.chance(0.5)) exclRefs.push(refGroup(rng.pick(this.programGroups)));
    this.gMfaExclusions = this.listGroup('CA-Exclusions-MFA', exclRefs, { description: 'Exclusions from the baseline MFA policy' });
    this.gContractors = this.listGroup('Contractors', this.contractors.map(refUser), { description: 'External contractors with internal accounts' });
    this.gAdminAccounts = this.listGroup('Admin-Accounts', this.admins.map(refUser), { description: 'Separate administrator accounts' });
    this.gExternalPartners = this.listGroup('External-Partners', this.b2b.map(refUser), { description: 'B2B guests and external members' });
    this.gLeavers = this.listGroup('Leavers', this.disabled.map(refUser), { description: 'Accounts in offboarding' });
    this.gLegacyExceptions = this.listGroup('Legacy-Auth-Exceptions', this.pickMembers(rng.int(1, 3)).map(refUser), {
      description: 'Accounts that still need legacy protocols (multifunction printers, old mail clients)',
    });
    const ops = this.depts.find((d) => d.name === 'Operations');
    const frontline = ops && ops.group >= 0 ? ops.divisions.map((dv) => refGroup(this.divisions[dv]!.group)) : [];
    this.gFrontline = this.listGroup('Frontline-Workers', frontline, { description: 'Operations divisions (nested)' });
    this.gMfaPilot = this.listGroup('MFA-Pilot', this.pickMembers(rng.int(5, 50)).map(refUser), { description: 'Pilot group for new MFA policies' });

    const itTeams = this.teamsOf(['IT', 'Engineering']);
    const platformRefs = [...(itTeams.length ? [refGroup(rng.pick(itTeams).group)] : []), ...rng.sample(this.admins, 2).map(refUser)];
    this.gPlatformOwners = this.listGroup('AZ-Platform-Owners', platformRefs, { description: 'Owner on the top management group' });
    this.gSecurityReaders = this.listGroup('AZ-Security-Readers', itTeams.length ? [refGroup(rng.pick(itTeams).group)] : [], {
      description: 'Security operations: Reader and Security Reader on all subscriptions',
    });
    for (const d of this.depts) {
      if (d.group < 0 || !['Engineering', 'Research'].includes(d.name)) continue;
      this.azureDeptReaderGroups.push(this.listGroup(`AZ-Readers-${d.name}`, [refGroup(d.group)], { description: `Reader on non-production subscriptions for ${d.name}` }));
    }
    const spMembers = rng.sample(this.tenantApps, rng.int(2, 4)).map(refSp);
    this.gAutomation = this.listGroup('AZ-Automation-Principals', spMembers, { description: 'Deployment service principals' });

    // Role-assignable groups (cannot nest other groups).
    const ra = { isAssignableToRole: true, createdDateTime: '2022-02-14T09:00:00Z' };
    this.gPrivGa = this.listGroup('PRIV-Global-Administrators', [], { ...ra, description: 'Role-assignable: Global Administrator' });
    this.gPrivExchange = this.listGroup('PRIV-Exchange-Administrators', [], { ...ra, description: 'Role-assignable: Exchange Administrator' });
    this.gPrivSecurityEligible = this.listGroup('PRIV-Security-Administrators-Eligible', [], { ...ra, description: 'Role-assignable: eligible (PIM) for Security Administrator' });
    this.gPrivHelpdeskAu = this.listGroup('PRIV-Helpdesk-Regional', [], { ...ra, description: 'Role-assignable: Helpdesk Administrator for a regional administrative unit' });

    // Directory role definitions.
    for (const [id, displayName] of DIRECTORY_ROLES) {
      this.roleDefinitions.push({
        id, description: `${displayName} (built-in role)`, displayName, isBuiltIn: true, isEnabled: true, isPrivileged: BUILTIN_PRIVILEGED_ROLES.has(id),
        resourceScopes: ['/'], templateId: id, version: '1',
      });
    }
    const customRoleId = rngGuid(rng);
    this.roleDefinitions.push({
      id: customRoleId, description: 'Reset passwords and read sign-in logs for first-line support', displayName: `${this.company} Tier 1 Support`,
      isBuiltIn: false, isEnabled: true, isPrivileged: false, resourceScopes: ['/'], templateId: customRoleId, version: null,
    });

    const aus = Array.from({ length: rng.int(2, 4) }, () => `/administrativeUnits/${rngGuid(rng)}`);
    const active = (roleId: string, principalId: string, scope = '/') => {
      this.roleAssignments.push({
        id: scope === '/' ? roleAssignmentId(roleId, principalId) : rngGuid(rng),
        principalId, roleDefinitionId: roleId, directoryScopeId: scope, appScopeId: null, condition: null,
      });
    };
    const eligible = (roleId: string, principalId: string, variant: 'noExpiration' | 'future' | 'expired' | 'scheduled' = 'noExpiration') => {
      const id = rngGuid(rng);
      const start = variant === 'scheduled'
        ? this.dateBetween('2026-11-10', '2027-01-31', true)
        : this.dateBetween('2023-01-01', variant === 'expired' ? '2025-06-30' : '2026-10-01', true);
      const end = variant === 'expired' ? this.dateBetween('2025-07-01', '2026-10-15') : variant === 'noExpiration' ? null : this.dateBetween('2027-01-01', '2028-06-30');
      this.roleEligibilitySchedules.push({
        id, principalId, roleDefinitionId: roleId, directoryScopeId: '/', appScopeId: null, createdUsing: id, createdDateTime: start,
        modifiedDateTime: null, status: 'Provisioned', memberType: 'Direct',
        scheduleInfo: { startDateTime: start, recurrence: null, expiration: { type: end ? 'afterDateTime' : 'noExpiration', endDateTime: end, duration: null } } as UnifiedRoleEligibilitySchedule['scheduleInfo'],
      });
    };
    for (const i of [0, 1]) if (i < this.n && this.cat[i] === CAT_BREAKGLASS) { active(ROLE.globalAdmin, this.userId(i)); this.roleHolders.add(i); }
    active(ROLE.globalAdmin, this.groupPlans[this.gPrivGa]!.id);
    active(ROLE.exchangeAdmin, this.groupPlans[this.gPrivExchange]!.id);
    eligible(ROLE.securityAdmin, this.groupPlans[this.gPrivSecurityEligible]!.id);
    active(ROLE.helpdeskAdmin, this.groupPlans[this.gPrivHelpdeskAu]!.id, aus[0]!);

    const MODES = ['active', 'eligible', 'group', 'activeAndEligible', 'au', 'active', 'groupEligible', 'eligible', 'expired', 'scheduled'] as const;
    const offset = rng.int(0, MODES.length - 1);
    this.admins.forEach((i, k) => {
      const uid = this.userId(i);
      this.roleHolders.add(i);
      const role = () => rng.weighted(ADMIN_ROLE_WEIGHTS);
      switch (MODES[(k + offset) % MODES.length]!) {
        case 'active': active(role(), uid); if (rng.chance(0.2)) active(role(), uid); break;
        case 'eligible': eligible(role(), uid, rng.chance(0.5) ? 'noExpiration' : 'future'); break;
        case 'group': this.refsOf(rng.chance(0.25) ? this.gPrivGa : this.gPrivExchange).push(refUser(i)); break;
        case 'activeAndEligible':
          active(rng.pick([ROLE.helpdeskAdmin, ROLE.userAdmin, ROLE.sharePointAdmin]), uid);
          eligible(rng.pick([ROLE.globalAdmin, ROLE.privilegedRoleAdmin, ROLE.securityAdmin]), uid, 'future');
          break;
        case 'au':
          if (rng.chance(0.5)) active(rng.pick([ROLE.userAdmin, ROLE.helpdeskAdmin, ROLE.passwordAdmin]), uid, rng.pick(aus));
          else this.refsOf(this.gPrivHelpdeskAu).push(refUser(i));
          break;
        case 'groupEligible': this.refsOf(this.gPrivSecurityEligible).push(refUser(i)); break;
        case 'expired': eligible(role(), uid, 'expired'); active(ROLE.reportsReader, uid); break;
        case 'scheduled': eligible(role(), uid, 'scheduled'); active(ROLE.messageCenterReader, uid); break;
      }
    });
    for (const i of this.pickMembers(Math.max(1, Math.round(this.admins.length / 3)))) {
      active(rng.pick([ROLE.reportsReader, ROLE.messageCenterReader, ROLE.directoryReaders]), this.userId(i));
      this.roleHolders.add(i);
    }
    for (const i of this.pickMembers(2)) { active(customRoleId, this.userId(i)); this.roleHolders.add(i); }
    const [spA, spB] = rng.sample(this.tenantApps, 2);
    if (spA !== undefined) active(ROLE.directoryReaders, this.spId(spA));
    if (spB !== undefined) active(ROLE.userAdmin, this.spId(spB));

    // Break-glass authentication methods (the one map collection besides groupMembers).
    const passwordMethod = (created: string): AuthenticationMethod => ({
      '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: '28c10230-6103-485e-b985-444c60001490', password: null, createdDateTime: created,
    });
    if (this.n > 0) {
      this.authenticationMethods[this.userId(0)] = [
        passwordMethod('2019-06-01T12:00:00Z'),
        {
          '@odata.type': '#microsoft.graph.fido2AuthenticationMethod', id: rngGuid(rng), displayName: 'YubiKey 5 NFC (safe A)',
          createdDateTime: '2024-02-20T10:15:00Z', aaGuid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8', model: 'YubiKey 5 Series',
          attestationCertificates: [], attestationLevel: 'attested',
        },
      ];
    }
    if (this.n > 1) this.authenticationMethods[this.userId(1)] = [passwordMethod('2019-06-01T12:05:00Z')];
  }

  private teamsOf(deptNames: string[]): Team[] {
    return this.teams.filter((t) => deptNames.includes(this.depts[this.divisions[t.division]!.dept]!.name));
  }

  // =============================================================================================
  // Plan: Azure RBAC
  // =============================================================================================

  private planAzure(): void {
    const { rng, n } = this;
    const co = slug(this.company);
    const mgRoot = `/providers/Microsoft.Management/managementGroups/${this.tenant.id}`;
    const mgTop = `/providers/Microsoft.Management/managementGroups/mg-${co}`;
    const mgPlatform = `/providers/Microsoft.Management/managementGroups/mg-${co}-platform`;
    const mgLanding = `/providers/Microsoft.Management/managementGroups/mg-${co}-landingzones`;

    const subCount = Math.max(3, Math.min(60, 2 + Math.ceil(n / 10_000)));
    const envs = ['Connectivity', 'Identity', 'Management', 'Prod', 'NonProd', 'Dev', 'Sandbox', 'Prod', 'Dev', 'Test'];
    const subs: { id: string; env: string; rgs: string[] }[] = [];
    for (let s = 0; s < subCount; s++) {
      const env = envs[s % envs.length]!;
      const id = rngGuid(rng);
      const rgs = rng.sample(APP_WORDS, rng.int(3, 8)).map((w) => `rg-${w}-${env.toLowerCase()}`);
      subs.push({ id, env, rgs });
      this.subscriptions.push({
        id: `/subscriptions/${id}`, authorizationSource: 'RoleBased', managedByTenants: [], subscriptionId: id, tenantId: this.tenant.id,
        displayName: `${this.company}-${env}-${String(s + 1).padStart(2, '0')}`,
        state: s === 7 ? 'Disabled' : 'Enabled',
        subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' },
      });
    }

    // Role definitions: built-ins (tenant-level ids) and custom roles (defined at the top management group).
    const defScope = (scope: string) => (scope.startsWith('/subscriptions/') ? `/subscriptions/${scope.split('/')[2]!}` : '');
    for (const r of AZURE_BUILTIN_ROLES) {
      this.azureRoleDefinitions.push({
        properties: {
          roleName: r.roleName, type: 'BuiltInRole', description: r.description, assignableScopes: ['/'],
          permissions: [{ actions: r.actions, notActions: r.notActions ?? [], dataActions: r.dataActions ?? [], notDataActions: [] }],
          createdOn: '2015-02-02T21:55:09.8806423Z', updatedOn: '2024-05-20T15:45:00.0000000Z', createdBy: null, updatedBy: null,
        } as AzureRoleDefinition['properties'],
        id: `/providers/Microsoft.Authorization/roleDefinitions/${r.name}`,
        type: 'Microsoft.Authorization/roleDefinitions',
        name: r.name,
      });
    }
    const customRoles: { name: string; roleName: string; actions: string[]; notActions: string[] }[] = [
      { name: rngGuid(rng), roleName: `${this.company} VM Operator`, notActions: [],
        actions: ['*/read', 'Microsoft.Compute/virtualMachines/start/action', 'Microsoft.Compute/virtualMachines/powerOff/action',
          'Microsoft.Compute/virtualMachines/restart/action', 'Microsoft.Compute/virtualMachines/deallocate/action', 'Microsoft.Support/*'] },
      { name: rngGuid(rng), roleName: `${this.company} Cost Reader`, notActions: [],
        actions: ['Microsoft.Consumption/*/read', 'Microsoft.CostManagement/*/read', 'Microsoft.Billing/*/read', 'Microsoft.Resources/subscriptions/read'] },
      { name: rngGuid(rng), roleName: `${this.company} Landing Zone Owner`, notActions: ['Microsoft.Network/virtualNetworks/peer/action'], actions: ['*'] },
      { name: rngGuid(rng), roleName: `${this.company} App Deployer`, notActions: ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/*/Delete'],
        actions: ['Microsoft.Resources/deployments/*', 'Microsoft.Web/sites/*', 'Microsoft.Storage/storageAccounts/*', '*/read'] },
    ];
    for (const r of customRoles) {
      this.azureRoleDefinitions.push({
        properties: {
          roleName: r.roleName, type: 'CustomRole', description: `${r.roleName} (custom)`, assignableScopes: [mgTop],
          permissions: [{ actions: r.actions, notActions: r.notActions, dataActions: [], notDataActions: [] }],
          createdOn: '2023-05-10T12:00:00.0000000Z', updatedOn: '2025-01-22T08:30:00.0000000Z', createdBy: null, updatedBy: null,
        } as AzureRoleDefinition['properties'],
        id: `/subscriptions/${subs[0]!.id}/providers/Microsoft.Authorization/roleDefinitions/${r.name}`,
        type: 'Microsoft.Authorization/roleDefinitions',
        name: r.name,
      });
    }
    const [vmOperator, costReader, lzOwner, deployer] = customRoles.map((r) => r.name) as [string, string, string, string];

    const creator = this.pickable.length ? this.userId(rng.pick(this.pickable)) : null;
    const assign = (scope: string, role: string, principalId: string, principalType: 'User' | 'Group' | 'ServicePrincipal') => {
      const name = rngGuid(rng);
      const created = this.dateBetween('2019-01-01', '2026-10-15', true);
      this.azureRoleAssignments.push({
        properties: {
          roleDefinitionId: `${defScope(scope)}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
          principalId, principalType, scope, condition: null, conditionVersion: null, createdOn: created, updatedOn: created,
          createdBy: creator, updatedBy: creator, delegatedManagedIdentityResourceId: null, description: null,
        },
        id: `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
        type: 'Microsoft.Authorization/roleAssignments',
        name,
      });
    };
    const gid = (g: number) => this.groupPlans[g]!.id;
    const user = (i: number) => this.userId(i);

    // Elevated access at root scope "/" (a Global Administrator who clicked "Access management for Azure resources").
    if (this.n > 0) assign('/', AZ.userAccessAdmin, user(0), 'User');
    assign(mgTop, AZ.owner, gid(this.gPlatformOwners), 'Group');
    assign(mgRoot, AZ.reader, gid(this.gSecurityReaders), 'Group');
    if (this.admins.length) assign(mgTop, AZ.userAccessAdmin, user(rng.pick(this.admins)), 'User');
    assign(mgPlatform, AZ.contributor, gid(this.gAutomation), 'Group');
    for (const g of this.azureDeptReaderGroups) assign(mgLanding, AZ.reader, gid(g), 'Group');

    const engTeams = this.teamsOf(['Engineering', 'IT', 'Research']);
    const anyTeams = this.teams;
    subs.forEach((sub, s) => {
      const subScope = `/subscriptions/${sub.id}`;
      const ownerRefs = this.pickMembers(rng.int(1, 3)).map(refUser);
      if (this.admins.length && rng.chance(0.4)) ownerRefs.push(refUser(rng.pick(this.admins)));
      if (sub.env === 'Sandbox' && engTeams.length) ownerRefs.push(refGroup(rng.pick(engTeams).group));
      const og = this.listGroup(`AZ-${this.subscriptions[s]!.displayName}-Owners`, ownerRefs, { description: `Owner on subscription ${this.subscriptions[s]!.displayName}` });
      this.subOwnerGroups.push(og);
      assign(subScope, AZ.owner, gid(og), 'Group');
      const teamPool = engTeams.length ? engTeams : anyTeams;
      for (const t of rng.sample(teamPool, rng.int(1, 3))) assign(subScope, AZ.contributor, gid(t.group), 'Group');
      if (this.divisions.length) assign(subScope, AZ.reader, gid(rng.pick(this.divisions).group), 'Group');
      if (this.tenantApps.length) assign(subScope, rng.chance(0.7) ? AZ.contributor : deployer, this.spId(rng.pick(this.tenantApps)), 'ServicePrincipal');
      if (this.managedIdentities.length) assign(subScope, AZ.reader, this.spId(rng.pick(this.managedIdentities)), 'ServicePrincipal');
      if (this.pickable.length && rng.chance(0.25)) assign(subScope, AZ.owner, user(rng.pick(this.pickable)), 'User');
      if (rng.chance(0.3) && anyTeams.length) assign(subScope, costReader, gid(rng.pick(anyTeams).group), 'Group');
      if (rng.chance(0.15) && this.pickable.length) assign(subScope, lzOwner, user(rng.pick(this.pickable)), 'User');
      if (rng.chance(0.2)) assign(subScope, AZ.rbacAdmin, gid(og), 'Group');
    });

    // Resource-group scope: teams, people, a few guests and service principals.
    const rgCount = Math.max(5, Math.round(n / 250));
    const rgRoles: (readonly [string, number])[] = [
      [AZ.contributor, 30], [AZ.reader, 20], [AZ.vmContributor, 10], [vmOperator, 10], [AZ.keyVaultAdmin, 6], [AZ.blobDataReader, 6],
      [AZ.networkContributor, 5], [deployer, 6], [AZ.owner, 7],
    ];
    for (let k = 0; k < rgCount; k++) {
      const sub = rng.pick(subs);
      const scope = `/subscriptions/${sub.id}/resourceGroups/${rng.pick(sub.rgs)}`;
      const role = rng.weighted(rgRoles);
      const r = rng.next();
      if (r < 0.55 && anyTeams.length) assign(scope, role, gid(rng.pick(anyTeams).group), 'Group');
      else if (r < 0.6 && this.projectGroups.length) assign(scope, role, gid(rng.pick(this.projectGroups)), 'Group');
      else if (r < 0.88 && this.pickable.length) assign(scope, role, user(rng.pick(this.pickable)), 'User');
      else if (r < 0.93 && this.b2b.length) assign(scope, AZ.reader, user(rng.pick(this.b2b)), 'User');
      else if (this.contractors.length && r < 0.96) assign(scope, AZ.contributor, user(rng.pick(this.contractors)), 'User');
      else if (this.managedIdentities.length) assign(scope, role, this.spId(rng.pick(this.managedIdentities)), 'ServicePrincipal');
    }
    // A deleted principal that still holds a role assignment (ARM keeps it; the portal shows "Identity not found").
    const deleted = rngGuid(rng);
    this.deletedObjectIds.push(deleted);
    assign(`/subscriptions/${subs[0]!.id}/resourceGroups/${subs[0]!.rgs[0]!}`, AZ.contributor, deleted, 'User');

    // Classic administrators, matched to users by e-mail (in a different letter case, as ARM returns them).
    const classic = (sub: string, email: string, role: string) => {
      const name = rngGuid(rng);
      this.classicAdministrators.push({
        properties: { emailAddress: email, role },
        id: `/subscriptions/${sub}/providers/Microsoft.Authorization/classicAdministrators/${name}`,
        type: 'Microsoft.Authorization/classicAdministrators',
        name,
      });
    };
    const withMail = this.pickMembers(2);
    const mixedCase = (s: string) => s.replace(/(^|[.@])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase());
    if (withMail[0] !== undefined) classic(subs[0]!.id, mixedCase(this.mailOf(withMail[0])), 'ServiceAdministrator;AccountAdministrator');
    if (withMail[1] !== undefined) classic(subs[1]!.id, mixedCase(this.mailOf(withMail[1])), 'CoAdministrator');
    // A personal Microsoft account that is not a user of this tenant (matches nobody: reported, not guessed).
    classic(subs[0]!.id, `${slug(this.company)}.billing@outlook.com`, 'CoAdministrator');
  }

  // =============================================================================================
  // Plan: named locations, authentication strengths
  // =============================================================================================

  private nlTrusted: string[] = [];
  private nlUntrusted: string[] = [];
  private nlCountriesAllowed = '';
  private nlCountriesBlocked = '';
  private customStrengths: AuthenticationStrengthPolicy[] = [];

  private planLocationsAndStrengths(): void {
    const { rng } = this;
    const ip = (name: string, trusted: boolean, cidrs: string[]) => {
      const id = rngGuid(rng);
      (trusted ? this.nlTrusted : this.nlUntrusted).push(id);
      const created = this.dateBetween('2020-01-01', '2025-12-31');
      this.namedLocations.push({
        '@odata.type': '#microsoft.graph.ipNamedLocation', id, displayName: name, createdDateTime: created, modifiedDateTime: created, isTrusted: trusted,
        ipRanges: cidrs.map((c) => ({ '@odata.type': c.includes(':') ? '#microsoft.graph.iPv6CidrRange' : '#microsoft.graph.iPv4CidrRange', cidrAddress: c })),
      });
    };
    const country = (name: string, countries: string[]) => {
      const id = rngGuid(rng);
      const created = this.dateBetween('2020-01-01', '2025-12-31');
      this.namedLocations.push({
        '@odata.type': '#microsoft.graph.countryNamedLocation', id, displayName: name, createdDateTime: created, modifiedDateTime: created,
        countriesAndRegions: countries, includeUnknownCountriesAndRegions: false, countryLookupMethod: 'clientIpAddress',
      });
      return id;
    };
    ip('Headquarters', true, [`203.0.113.0/24`, `2001:db8:${rng.int(0x1000, 0xffff).toString(16)}::/48`]);
    ip('Branch offices', true, Array.from({ length: rng.int(2, 6) }, (_, k) => `198.51.100.${k * 32}/27`));
    ip('Corporate VPN egress', true, ['192.0.2.0/26']);
    ip('Guest Wi-Fi', false, ['192.0.2.128/25']);
    ip('Partner network', false, ['198.18.0.0/15']);
    this.nlCountriesAllowed = country('Operating countries', ['US', 'GB', 'DE', 'FR', 'NL', 'CA', 'IE']);
    this.nlCountriesBlocked = country('Blocked countries', ['KP', 'IR', 'SY', 'CU']);

    this.authenticationStrengthPolicies.push(...BUILTIN_STRENGTHS.map((s) => ({ ...s, allowedCombinations: [...s.allowedCombinations], combinationConfigurations: [] })));
    const custom = (displayName: string, allowed: string[]) => {
      const created = this.dateBetween('2023-06-01', '2025-12-31');
      const s: AuthenticationStrengthPolicy = {
        id: rngGuid(rng), createdDateTime: created, modifiedDateTime: created, displayName, description: `${displayName} (custom)`,
        policyType: 'custom', requirementsSatisfied: 'mfa', allowedCombinations: allowed, combinationConfigurations: [],
      };
      this.customStrengths.push(s);
      this.authenticationStrengthPolicies.push(s);
    };
    custom(`${this.company} admin keys`, ['fido2', 'windowsHelloForBusiness']);
    custom(`${this.company} app or key`, ['fido2', 'windowsHelloForBusiness', 'password,microsoftAuthenticatorPush', 'deviceBasedPush']);
    if (rng.chance(0.5)) custom(`${this.company} certificate`, ['x509CertificateMultiFactor']);
  }

  // =============================================================================================
  // Plan: Conditional Access policies
  // =============================================================================================

  private planPolicies(): void {
    const { rng } = this;
    const gid = (g: number) => this.groupPlans[g]!.id;
    const BG = gid(this.gBreakGlass);
    const ALL_TENANTS = { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' };
    const someTenants = () => ({
      '@odata.type': '#microsoft.graph.conditionalAccessEnumeratedExternalTenants', membershipKind: 'enumerated',
      members: Array.from({ length: rng.int(1, 3) }, () => rngGuid(rng)),
    });
    const ALL_GUEST_TYPES = 'internalGuest,b2bCollaborationGuest,b2bCollaborationMember,b2bDirectConnectUser,otherExternalUser,serviceProvider';
    const guestTypeSets = ['b2bCollaborationGuest', 'b2bCollaborationGuest,b2bCollaborationMember', 'internalGuest', 'b2bCollaborationMember',
      'internalGuest,b2bCollaborationGuest,b2bCollaborationMember', ALL_GUEST_TYPES, 'b2bDirectConnectUser,otherExternalUser,serviceProvider'];
    const dept = (name: string) => this.depts.find((d) => d.name === name && d.group >= 0);
    const deptGroup = (name: string) => { const d = dept(name); return d ? [gid(d.group)] : []; };
    const randomDivision = () => (this.divisions.length ? [gid(rng.pick(this.divisions).group)] : []);
    const users = (k: number) => this.pickMembers(k).map((i) => this.userId(i));
    const tenantAppIds = () => rng.sample(this.tenantApps, rng.int(1, 3)).map((s) => this.servicePrincipals[s]!.appId as string);
    const firstPartyIds = () => rng.sample(FIRST_PARTY_APPS.slice(1).map((a) => a[0]), rng.int(1, 2));
    const strengthInline = (s: AuthenticationStrengthPolicy) => ({ ...s, allowedCombinations: [...(s.allowedCombinations ?? [])] });
    const anyStrength = () => rng.pick(this.authenticationStrengthPolicies);
    /** A pool of groups realistic policies name, weighted toward org groups. */
    const targetGroup = (): string => {
      const r = rng.next();
      if (r < 0.3 && this.teams.length) return gid(rng.pick(this.teams).group);
      if (r < 0.5 && this.divisions.length) return gid(rng.pick(this.divisions).group);
      if (r < 0.6) { const ds = this.depts.filter((d) => d.group >= 0); if (ds.length) return gid(rng.pick(ds).group); }
      if (r < 0.7 && this.siteGroups.length) return gid(rng.pick(this.siteGroups));
      if (r < 0.8) return gid(rng.pick([...this.projectGroups, ...this.programGroups]));
      if (r < 0.88 && this.unifiedGroups.length) return gid(rng.pick(this.unifiedGroups));
      if (r < 0.94) return gid(rng.pick(this.dynGroups));
      return gid(rng.pick([this.gContractors, this.gMfaPilot, this.gExternalPartners, this.gFrontline, this.gAdminAccounts, ...this.subOwnerGroups]));
    };
    const deletedUser = rngGuid(rng);
    this.deletedObjectIds.push(deletedUser);

    type Spec = {
      name: string;
      state?: string;
      old?: boolean;
      users?: Record<string, unknown>;
      apps?: Record<string, unknown>;
      conditions?: Record<string, unknown>;
      grant: Record<string, unknown> | null;
      session?: unknown;
    };
    const baseline: (() => Spec)[] = [
      () => ({
        name: 'Require MFA for all users', state: rng.weighted([['enabled', 5], ['enabledForReportingButNotEnforced', 3], ['disabled', 2]] as const),
        users: { includeUsers: ['All'], excludeGroups: [BG, gid(this.gMfaExclusions)], excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: ALL_GUEST_TYPES, externalTenants: ALL_TENANTS } },
        apps: { includeApplications: ['All'] }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({ name: 'Require MFA for administrators', users: { includeRoles: [...CA_ADMIN_ROLES], excludeGroups: [BG] }, apps: { includeApplications: ['All'] }, grant: { builtInControls: ['mfa'] } }),
      () => ({
        name: 'Block legacy authentication', users: { includeUsers: ['All'], excludeGroups: [BG, gid(this.gLegacyExceptions)] },
        apps: { includeApplications: ['All'] }, conditions: { clientAppTypes: ['exchangeActiveSync', 'other'] }, grant: { builtInControls: ['block'] },
      }),
      () => ({
        name: 'Require phishing-resistant MFA for Azure management', state: rng.weighted([['enabled', 6], ['enabledForReportingButNotEnforced', 3], ['disabled', 1]] as const),
        users: { includeUsers: ['All'], excludeGroups: [BG] },
        apps: { includeApplications: [ARM_APP] }, grant: { authenticationStrength: { id: this.customStrengths[0]!.id } },
      }),
      () => ({
        name: 'Require MFA for Microsoft admin portals', state: 'enabledForReportingButNotEnforced', users: { includeUsers: ['All'], excludeGroups: [BG] },
        apps: { includeApplications: ['MicrosoftAdminPortals'] }, grant: { authenticationStrength: strengthInline(this.authenticationStrengthPolicies[0]!) },
      }),
      () => ({
        name: 'Sales: require MFA or a compliant device', users: { includeGroups: deptGroup('Sales'), excludeGroups: [BG] },
        apps: { includeApplications: ['All'] }, grant: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] },
      }),
      () => ({
        name: 'Require MFA for risky sign-ins', users: { includeUsers: ['All'], excludeGroups: [BG] }, apps: { includeApplications: ['All'] },
        conditions: { signInRiskLevels: ['high', 'medium'] }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'High user risk: MFA and password change', users: { includeUsers: ['All'], excludeGroups: [BG] }, apps: { includeApplications: ['All'] },
        conditions: { userRiskLevels: ['high'] }, grant: { operator: 'AND', builtInControls: ['mfa', 'passwordChange'] },
      }),
      () => ({
        name: 'Frontline: require MFA outside trusted locations', users: { includeGroups: [gid(this.gFrontline)], excludeGroups: [BG] },
        apps: { includeApplications: ['All'] }, conditions: { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } },
        grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Require MFA outside headquarters', users: { includeGroups: randomDivision(), excludeGroups: [BG] }, apps: { includeApplications: ['All'] },
        conditions: { locations: { includeLocations: ['All'], excludeLocations: [this.nlTrusted[0]!] } }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Require MFA for B2B collaboration users',
        users: { includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest,b2bCollaborationMember', externalTenants: ALL_TENANTS }, excludeGroups: [BG] },
        apps: { includeApplications: ['All'] }, grant: { authenticationStrength: strengthInline(this.authenticationStrengthPolicies[0]!) },
      }),
      () => ({
        name: 'Require MFA for guests (pilot)', state: 'enabledForReportingButNotEnforced', old: true,
        users: { includeUsers: ['GuestsOrExternalUsers'] }, apps: { includeApplications: ['All'] }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Internal guests and service providers: require MFA for Office 365',
        users: { includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'internalGuest,serviceProvider', externalTenants: someTenants() }, excludeGroups: [BG] },
        apps: { includeApplications: ['Office365'] }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Contractors: require MFA (except Azure management)', users: { includeGroups: [gid(this.gContractors)], excludeGroups: [BG] },
        apps: { includeApplications: ['All'], excludeApplications: [ARM_APP] }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({ name: 'Block sign-in for leavers', users: { includeGroups: [gid(this.gLeavers)], excludeGroups: [BG] }, apps: { includeApplications: ['All'] }, grant: { builtInControls: ['block'] } }),
      () => ({
        name: 'Office 365 on mobile: require MFA', users: { includeUsers: ['All'], excludeUsers: ['GuestsOrExternalUsers'], excludeGroups: [BG] },
        apps: { includeApplications: ['Office365'] }, conditions: { platforms: { includePlatforms: ['android', 'iOS'], excludePlatforms: [] } },
        grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Cloud engineers: require MFA for Azure management', users: { includeUsers: users(rng.int(3, 8)), excludeGroups: [BG] },
        apps: { includeApplications: [ARM_APP] }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Require MFA to register security info', users: { includeUsers: ['All'], excludeGroups: [BG] },
        apps: { includeApplications: [], includeUserActions: ['urn:user:registersecurityinfo'] },
        conditions: { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Require MFA to register or join devices', users: { includeUsers: ['All'], excludeGroups: [BG] },
        apps: { includeApplications: [], includeUserActions: ['urn:user:registerdevice'] }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Finance: third-party MFA (custom control)', users: { includeGroups: deptGroup('Finance'), excludeGroups: [BG] },
        apps: { includeApplications: ['All'] }, grant: { builtInControls: [], customAuthenticationFactors: ['Duo-MFA'] },
      }),
      () => ({
        name: 'Finance: MFA session lifetime', users: { includeGroups: deptGroup('Finance'), excludeGroups: [BG] }, apps: { includeApplications: ['All'] },
        grant: null,
        session: {
          disableResilienceDefaults: null, applicationEnforcedRestrictions: null, cloudAppSecurity: null, continuousAccessEvaluation: null,
          secureSignInSession: null, persistentBrowser: { mode: 'never', isEnabled: true },
          signInFrequency: { value: 8, type: 'hours', authenticationType: 'primaryAndSecondaryAuthentication', frequencyInterval: 'timeBased', isEnabled: true },
        },
      }),
      () => ({
        name: 'Block access from blocked countries', state: 'disabled', users: { includeUsers: ['All'], excludeGroups: [BG] },
        apps: { includeApplications: ['All'] }, conditions: { locations: { includeLocations: [this.nlCountriesBlocked], excludeLocations: [] } },
        grant: { builtInControls: ['block'] },
      }),
      () => ({
        name: 'Block access outside operating countries', state: 'enabledForReportingButNotEnforced', users: { includeUsers: ['All'], excludeGroups: [BG] },
        apps: { includeApplications: ['All'] }, conditions: { locations: { includeLocations: ['All'], excludeLocations: [this.nlCountriesAllowed, 'AllTrusted'] } },
        grant: { builtInControls: ['block'] },
      }),
      () => ({
        name: 'Partner portal: browser sessions require MFA', users: { includeGroups: [gid(this.gExternalPartners)], excludeGroups: [BG] },
        apps: { includeApplications: tenantAppIds() }, conditions: { clientAppTypes: ['browser'] }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Desktop and mobile clients: require MFA', users: { includeGroups: deptGroup('Customer Support'), excludeGroups: [BG] },
        apps: { includeApplications: ['Office365'] }, conditions: { clientAppTypes: ['mobileAppsAndDesktopClients'] }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Unmanaged devices: require MFA for Office 365', users: { includeUsers: ['All'], excludeGroups: [BG] }, apps: { includeApplications: ['Office365'] },
        conditions: { devices: { includeDevices: [], excludeDevices: [], deviceFilter: { mode: 'include', rule: 'device.isCompliant -ne True -or device.trustType -ne "ServerAD"' } } },
        grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Elevated insider risk: block', state: 'enabledForReportingButNotEnforced', users: { includeUsers: ['All'], excludeGroups: [BG] },
        apps: { includeApplications: ['All'] }, conditions: { insiderRiskLevels: 'elevated' }, grant: { builtInControls: ['block'] },
      }),
      () => ({
        name: 'Legacy baseline (superseded)', state: 'disabled', old: true,
        users: { includeUsers: ['All'], excludeUsers: [...users(rng.int(1, 3)), deletedUser], excludeRoles: [ROLE.globalAdmin], excludeGroups: [BG] },
        apps: { includeApplications: ['All'] }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Platform owners: MFA and compliant device for Azure', users: { includeGroups: [gid(this.gPlatformOwners)], excludeGroups: [BG] },
        apps: { includeApplications: [ARM_APP, 'MicrosoftAdminPortals'] }, grant: { operator: 'AND', builtInControls: ['mfa', 'compliantDevice'] },
      }),
      () => ({
        name: 'Workload identities: block outside trusted locations', users: { includeUsers: ['None'] },
        apps: { includeApplications: ['All'] }, conditions: {
          clientApplications: { includeServicePrincipals: rng.sample(this.tenantApps, 2).map((s) => this.spId(s)), excludeServicePrincipals: [] },
          locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
        },
        grant: { builtInControls: ['block'] },
      }),
      () => ({
        name: 'Sensitive data: require MFA (authentication context)', users: { includeUsers: ['All'], excludeGroups: [BG] },
        apps: { includeApplications: [], includeAuthenticationContextClassReferences: ['c1'] }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Block device code flow', users: { includeUsers: ['All'], excludeGroups: [BG] }, apps: { includeApplications: ['All'] },
        conditions: { authenticationFlows: { transferMethods: 'deviceCodeFlow' } }, grant: { builtInControls: ['block'] },
      }),
      () => ({
        name: 'Engineering: require MFA on browser and desktop', users: { includeGroups: deptGroup('Engineering'), excludeGroups: [BG] },
        apps: { includeApplications: ['All'] }, conditions: { clientAppTypes: ['browser', 'mobileAppsAndDesktopClients'] }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Guest Wi-Fi: require MFA', users: { includeUsers: ['All'], excludeGroups: [BG] }, apps: { includeApplications: ['All'] },
        conditions: { locations: { includeLocations: [this.nlUntrusted[0]!], excludeLocations: [] } }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Line-of-business apps: require MFA', state: 'enabledForReportingButNotEnforced', users: { includeGroups: [targetGroup(), targetGroup()], excludeGroups: [BG] },
        apps: { includeApplications: [...tenantAppIds(), ...firstPartyIds()] }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Require MFA for everything except Office 365', state: 'disabled', users: { includeUsers: ['All'], excludeGroups: [BG] },
        apps: { includeApplications: ['All'], excludeApplications: ['Office365'] }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Non-iOS devices: require MFA', users: { includeGroups: [targetGroup()], excludeGroups: [BG] }, apps: { includeApplications: ['All'] },
        conditions: { platforms: { includePlatforms: ['all'], excludePlatforms: ['iOS'] } }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'MFA outside legacy trusted IPs', users: { includeGroups: randomDivision(), excludeGroups: [BG] }, apps: { includeApplications: ['All'] },
        conditions: { locations: { includeLocations: ['All'], excludeLocations: [LEGACY_MFA_TRUSTED_IPS_LOCATION] } }, grant: { builtInControls: ['mfa'] },
      }),
      () => ({
        name: 'Admin accounts: phishing-resistant MFA', users: { includeGroups: [gid(this.gAdminAccounts)], includeRoles: [ROLE.globalAdmin, ROLE.privilegedRoleAdmin], excludeGroups: [BG] },
        apps: { includeApplications: ['All'] }, grant: { authenticationStrength: strengthInline(this.authenticationStrengthPolicies[2]!) },
      }),
      () => ({
        name: 'Guests: terms of use and MFA', users: { includeGuestsOrExternalUsers: { guestOrExternalUserTypes: ALL_GUEST_TYPES, externalTenants: ALL_TENANTS }, excludeGroups: [BG] },
        apps: { includeApplications: ['Office365'] }, grant: { operator: 'AND', builtInControls: ['mfa'], termsOfUse: [rngGuid(rng)] },
      }),
    ];

    const target = this.policyCount;
    let chosen: number[];
    if (target >= baseline.length) chosen = baseline.map((_, i) => i);
    else chosen = rng.sample(baseline.map((_, i) => i), target).sort((a, b) => a - b);
    const specs: Spec[] = chosen.map((i) => baseline[i]!());
    while (specs.length < target) specs.push(this.randomPolicy(specs.length, { BG, ALL_TENANTS, someTenants, guestTypeSets, targetGroup, users, tenantAppIds, firstPartyIds, strengthInline, anyStrength }));

    specs.forEach((s, k) => {
      const id = rngGuid(rng);
      const created = s.old ? this.dateBetween('2019-01-01', '2024-06-30', true) : this.dateBetween('2020-01-01', '2026-09-30', true);
      const modified = rng.chance(0.6) ? created : this.dateBetween(created.slice(0, 10), '2026-10-30', true);
      const grant = s.grant === null ? null : {
        operator: 'OR', builtInControls: [] as string[], customAuthenticationFactors: [] as string[], termsOfUse: [] as string[], ...s.grant,
      } as Record<string, unknown>;
      if (grant && !('authenticationStrength' in grant)) {
        grant['authenticationStrength@odata.context'] =
          `https://graph.microsoft.com/beta/$metadata#identity/conditionalAccess/policies('${id}')/grantControls/authenticationStrength/$entity`;
        grant.authenticationStrength = null;
      }
      this.conditionalAccessPolicies.push({
        id,
        templateId: null,
        displayName: `CA${String(k + 1).padStart(3, '0')}: ${s.name}`,
        createdDateTime: created,
        modifiedDateTime: modified,
        state: s.state ?? 'enabled',
        partialEnablementStrategy: null,
        sessionControls: s.session ?? null,
        conditions: {
          userRiskLevels: [], signInRiskLevels: [], clientAppTypes: ['all'], servicePrincipalRiskLevels: [], insiderRiskLevels: null,
          platforms: null, locations: null, devices: null, clientApplications: null, authenticationFlows: null,
          ...s.conditions,
          applications: {
            includeApplications: [], excludeApplications: [], includeUserActions: [], includeAuthenticationContextClassReferences: [], applicationFilter: null,
            ...s.apps,
          },
          users: {
            includeUsers: [], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [],
            includeGuestsOrExternalUsers: null, excludeGuestsOrExternalUsers: null, ...s.users,
          },
        } as ConditionalAccessPolicy['conditions'],
        grantControls: grant as ConditionalAccessPolicy['grantControls'],
      });
    });
  }

  private randomPolicy(k: number, h: {
    BG: string;
    ALL_TENANTS: Record<string, string>;
    someTenants: () => Record<string, unknown>;
    guestTypeSets: string[];
    targetGroup: () => string;
    users: (k: number) => string[];
    tenantAppIds: () => string[];
    firstPartyIds: () => string[];
    strengthInline: (s: AuthenticationStrengthPolicy) => AuthenticationStrengthPolicy;
    anyStrength: () => AuthenticationStrengthPolicy;
  }): { name: string; state: string; old: boolean; users: Record<string, unknown>; apps: Record<string, unknown>; conditions: Record<string, unknown>; grant: Record<string, unknown> | null } {
    const { rng } = this;
    const u: Record<string, unknown> = {};
    const who = rng.weighted([['groups', 35], ['allExcl', 15], ['ids', 10], ['roles', 15], ['guests', 10], ['all', 5], ['mix', 10]] as const);
    const guestSpec = () => ({ guestOrExternalUserTypes: rng.pick(h.guestTypeSets), externalTenants: rng.chance(0.8) ? h.ALL_TENANTS : h.someTenants() });
    const roles = () => rng.sample(ADMIN_ROLE_WEIGHTS.map((r) => r[0]), rng.int(1, 6));
    let label: string;
    switch (who) {
      case 'groups': u.includeGroups = Array.from({ length: rng.int(1, 3) }, h.targetGroup); label = 'selected groups'; break;
      case 'allExcl': u.includeUsers = ['All']; u.excludeGroups = [h.targetGroup()]; label = 'all users with exclusions'; break;
      case 'ids': u.includeUsers = h.users(rng.int(1, 5)); label = 'named users'; break;
      case 'roles': u.includeRoles = roles(); label = 'directory roles'; break;
      case 'guests':
        if (rng.chance(0.3)) u.includeUsers = ['GuestsOrExternalUsers'];
        else u.includeGuestsOrExternalUsers = guestSpec();
        label = 'guests';
        break;
      case 'all': u.includeUsers = ['All']; label = 'all users'; break;
      case 'mix': u.includeGroups = [h.targetGroup()]; u.includeUsers = h.users(rng.int(1, 3)); u.includeRoles = roles(); label = 'mixed assignment'; break;
    }
    const excludeGroups = rng.chance(0.95) ? [h.BG] : [];
    if (rng.chance(0.3)) excludeGroups.push(h.targetGroup());
    u.excludeGroups = [...new Set([...((u.excludeGroups as string[] | undefined) ?? []), ...excludeGroups])];
    if (rng.chance(0.15)) u.excludeUsers = h.users(rng.int(1, 3));
    if (rng.chance(0.1)) u.excludeRoles = roles().slice(0, 2);
    if (who !== 'guests' && rng.chance(0.12)) u.excludeGuestsOrExternalUsers = guestSpec();

    const broad = who === 'all' || who === 'allExcl' || who === 'guests';
    const a: Record<string, unknown> = {};
    const app = rng.weighted([['All', broad ? 20 : 40], ['arm', 10], ['portals', 10], ['o365', 15], ['ids', 15], ['actions', 5], ['armPortals', 5]] as const);
    switch (app) {
      case 'All': a.includeApplications = ['All']; break;
      case 'arm': a.includeApplications = [ARM_APP]; break;
      case 'portals': a.includeApplications = ['MicrosoftAdminPortals']; break;
      case 'o365': a.includeApplications = ['Office365']; break;
      case 'ids': a.includeApplications = rng.chance(0.5) ? h.tenantAppIds() : [...h.firstPartyIds(), ...h.tenantAppIds()]; break;
      case 'actions': a.includeUserActions = [rng.pick(['urn:user:registersecurityinfo', 'urn:user:registerdevice'])]; break;
      case 'armPortals': a.includeApplications = [ARM_APP, 'MicrosoftAdminPortals']; break;
    }
    if ((app === 'All' || app === 'o365') && rng.chance(0.2)) a.excludeApplications = [rng.pick([ARM_APP, 'Office365', 'MicrosoftAdminPortals', ...h.tenantAppIds()])];

    const c: Record<string, unknown> = {};
    if (rng.chance(broad ? 0.75 : 0.5)) {
      const cond = rng.weighted([['legacy', 8], ['browser', 5], ['desktop', 5], ['bothModern', 3], ['platforms', 8], ['locTrusted', 8], ['locNamed', 5],
        ['locInclude', 4], ['signInRisk', 4], ['userRisk', 3], ['insider', 1], ['device', 5]] as const);
      switch (cond) {
        case 'legacy': c.clientAppTypes = rng.chance(0.7) ? ['exchangeActiveSync', 'other'] : ['other']; break;
        case 'browser': c.clientAppTypes = ['browser']; break;
        case 'desktop': c.clientAppTypes = ['mobileAppsAndDesktopClients']; break;
        case 'bothModern': c.clientAppTypes = ['browser', 'mobileAppsAndDesktopClients']; break;
        case 'platforms': c.platforms = rng.chance(0.5)
          ? { includePlatforms: rng.sample(['android', 'iOS', 'windows', 'macOS', 'linux'], rng.int(1, 3)), excludePlatforms: [] }
          : { includePlatforms: ['all'], excludePlatforms: [rng.pick(['iOS', 'android', 'linux'])] }; break;
        case 'locTrusted': c.locations = { includeLocations: ['All'], excludeLocations: rng.chance(0.5) ? ['AllTrusted'] : rng.sample(this.nlTrusted, rng.int(1, 2)) }; break;
        case 'locNamed': c.locations = { includeLocations: ['All'], excludeLocations: [rng.pick([...this.nlUntrusted, this.nlCountriesAllowed])] }; break;
        case 'locInclude': c.locations = { includeLocations: [rng.pick([...this.nlUntrusted, this.nlCountriesBlocked])], excludeLocations: [] }; break;
        case 'signInRisk': c.signInRiskLevels = rng.sample(['high', 'medium', 'low'], rng.int(1, 2)); break;
        case 'userRisk': c.userRiskLevels = rng.sample(['high', 'medium'], rng.int(1, 2)); break;
        case 'insider': c.insiderRiskLevels = rng.pick(['minor', 'moderate', 'elevated']); break;
        case 'device': c.devices = { includeDevices: [], excludeDevices: [], deviceFilter: { mode: rng.pick(['include', 'exclude']), rule: 'device.isCompliant -eq True' } }; break;
      }
    }

    const legacy = Array.isArray(c.clientAppTypes) && !(c.clientAppTypes as string[]).some((t) => t === 'browser' || t === 'mobileAppsAndDesktopClients');
    const g = legacy && rng.chance(0.8) ? 'block' : rng.weighted([['mfa', 40], ['block', 10], ['mfaOrDevice', 10], ['mfaAndDevice', 5], ['strengthInline', 10],
      ['strengthId', 8], ['custom', 3], ['session', 4], ['device', 5], ['mfaOrDomainJoined', 3]] as const);
    let grant: Record<string, unknown> | null;
    switch (g) {
      case 'mfa': grant = { builtInControls: ['mfa'] }; break;
      case 'block': grant = { builtInControls: ['block'] }; break;
      case 'mfaOrDevice': grant = { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] }; break;
      case 'mfaAndDevice': grant = { operator: 'AND', builtInControls: ['mfa', 'compliantDevice'] }; break;
      case 'strengthInline': grant = { authenticationStrength: h.strengthInline(h.anyStrength()) }; break;
      case 'strengthId': grant = { authenticationStrength: { id: h.anyStrength().id } }; break;
      case 'custom': grant = { customAuthenticationFactors: [rng.pick(['Duo-MFA', 'RSA-SecurID'])] }; break;
      case 'session': grant = null; break;
      case 'device': grant = { operator: 'OR', builtInControls: ['compliantDevice', 'domainJoinedDevice'] }; break;
      case 'mfaOrDomainJoined': grant = { operator: 'OR', builtInControls: ['mfa', 'domainJoinedDevice'] }; break;
    }
    // Nobody blocks everyone everywhere: a broad block always comes with a condition (legacy clients or blocked countries).
    if (grant?.builtInControls && (grant.builtInControls as string[]).includes('block') && broad && Object.keys(c).length === 0) {
      if (rng.chance(0.5)) c.clientAppTypes = ['exchangeActiveSync', 'other'];
      else c.locations = { includeLocations: [this.nlCountriesBlocked], excludeLocations: [] };
    }
    const state = broad
      ? rng.weighted([['enabled', 45], ['enabledForReportingButNotEnforced', 35], ['disabled', 20]] as const)
      : rng.weighted([['enabled', 65], ['enabledForReportingButNotEnforced', 20], ['disabled', 15]] as const);
    const verb = g === 'block' ? 'block' : g === 'session' ? 'session controls' : g === 'custom' ? 'custom control' : g.startsWith('strength') ? 'authentication strength' : 'require MFA';
    return { name: `${label} - ${app} - ${verb} (${k + 1})`, state, old: state !== 'enabled' && rng.chance(0.4), users: u, apps: a, conditions: c, grant };
  }

  // =============================================================================================
  // Materializers
  // =============================================================================================

  private namePair(i: number): { first: string; last: string; local: string } {
    const nf = FIRST_NAMES.length;
    const fl = nf * LAST_NAMES.length;
    const pair = ((((i % fl) * this.nameStride) % fl) + this.nameOffset) % fl;
    const round = Math.floor(i / fl);
    const fi = pair % nf;
    const li = Math.floor(pair / nf);
    return {
      first: FIRST_NAMES[fi]!,
      last: LAST_NAMES[li]!,
      local: round ? `${FIRST_SLUGS[fi]!}.${LAST_SLUGS[li]!}${round + 1}` : `${FIRST_SLUGS[fi]!}.${LAST_SLUGS[li]!}`,
    };
  }

  private mailOf(i: number): string {
    const u = this.user(i);
    return u.mail ?? u.userPrincipalName ?? '';
  }

  private deptOf(i: number): Dept | undefined {
    const b = this.deptBounds;
    let lo = 0;
    let hi = b.length - 1;
    if (hi < 0 || i >= b[hi]!) return undefined;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (i < b[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return this.depts[lo];
  }

  /** One shape for every user object (a single hidden class keeps object creation and JSON.stringify fast). */
  /** One shape for every user object (a single hidden class keeps object creation and JSON.stringify fast). */
  private static mkUser: MkUser = (id, upn, displayName, givenName, surname, mail, otherMails, userType, accountEnabled, creationType,
    externalUserState, externalStateChanged, identities, onPremisesSyncEnabled, created, department, jobTitle, perUserMfaState) => ({
    id, userPrincipalName: upn, displayName, givenName, surname, mail, otherMails, userType, accountEnabled, creationType, externalUserState,
    externalUserStateChangeDateTime: externalStateChanged, identities, onPremisesSyncEnabled, createdDateTime: created, department, jobTitle,
    perUserMfaState,
  });

  private ownIdentity(upn: string): Identity[] {
    return [{ signInType: 'userPrincipalName', issuer: this.defaultDomain, issuerAssignedId: upn }];
  }

  user(i: number): GraphUser {
    const { seed } = this;
    const mk = SyntheticTenant.mkUser;
    const c = this.cat[i]!;
    const f = this.flags[i]!;
    const id = this.userId(i);
    const { first, last, local } = this.namePair(i);
    const created = createdDate(h32(seed, i, S.date));
    const enabled = !(f & F_DISABLED);
    const mfaRoll = hf(seed, i, S.mfa);
    switch (c) {
      case CAT_BREAKGLASS: {
        const upn = `breakglass${String(i + 1).padStart(2, '0')}@${this.defaultDomain}`;
        return mk(id, upn, `Emergency access account ${i + 1}`, null, null, null, [], 'Member', enabled, null, null, null, this.ownIdentity(upn), null,
          '2019-06-01T12:00:00Z', null, null, 'disabled');
      }
      case CAT_ADMIN: {
        const upn = `adm-${local}@${this.domain}`;
        return mk(id, upn, `${first} ${last} (admin)`, first, last, null, [], 'Member', enabled, null, null, null, this.ownIdentity(upn), null, created,
          null, 'Administrator account', mfaRoll < 0.2 ? 'enforced' : mfaRoll < 0.25 ? 'enabled' : 'disabled');
      }
      case CAT_B2B_GUEST: case CAT_B2B_MEMBER: {
        const idp = hf(seed, i, S.idp);
        const home = idp < 0.8 ? PARTNER_DOMAINS[h32(seed, i, S.guestDomain) % PARTNER_DOMAINS.length]! : idp < 0.9 ? 'outlook.com' : 'gmail.com';
        const email = `${local}@${home}`;
        const issuer = idp < 0.8 ? 'ExternalAzureAD' : idp < 0.9 ? 'MicrosoftAccount' : 'mail';
        const member = c === CAT_B2B_MEMBER;
        return mk(id, `${local}_${home}#EXT#@${this.defaultDomain}`, `${first} ${last} (${home})`, member ? first : null, member ? last : null, email,
          [email], member ? 'Member' : 'Guest', enabled, 'Invitation', f & F_PENDING ? 'PendingAcceptance' : 'Accepted', created,
          [{ signInType: issuer === 'mail' ? 'emailAddress' : 'federated', issuer, issuerAssignedId: issuer === 'mail' ? email : null }], null, created,
          null, member ? 'Consultant' : null, 'disabled');
      }
      case CAT_INTERNAL_GUEST: {
        const upn = `guest.${local}@${this.domain}`;
        return mk(id, upn, `${first} ${last} (internal guest)`, first, last, upn, [], 'Guest', enabled, null, null, null, this.ownIdentity(upn), null,
          created, null, 'External auditor (local account)', 'disabled');
      }
      default: {
        if (f & F_SVC) {
          const name = `svc-${APP_WORDS[h32(seed, i, S.svcApp) % APP_WORDS.length]!}-${i.toString(36)}`;
          const upn = `${name}@${this.domain}`;
          return mk(id, upn, `${name} (service account)`, null, null, null, [], 'Member', enabled, null, null, null, this.ownIdentity(upn), null, created,
            null, 'Service account', 'disabled');
        }
        const d = this.deptOf(i);
        const contractor = (f & F_CONTRACTOR) !== 0;
        const upn = contractor ? `ext.${local}@${this.domain}` : `${local}@${this.domain}`;
        return mk(id, upn, contractor ? `${first} ${last} (Contractor)` : `${first} ${last}`, first, last, upn, [], 'Member', enabled, null, null, null,
          this.ownIdentity(upn), !contractor && hf(seed, i, S.sync) < 0.75 ? true : null, created, d?.name ?? null,
          contractor ? 'Contract Developer' : d ? d.titles[h32(seed, i, S.title) % d.titles.length]! : null,
          mfaRoll < 0.04 ? 'enabled' : mfaRoll < 0.07 ? 'enforced' : 'disabled');
      }
    }
  }

  registration(i: number, u: GraphUser): UserRegistrationDetails {
    const { seed } = this;
    const c = this.cat[i]!;
    const f = this.flags[i]!;
    const roll = hf(seed, i, S.reg);
    let p: MethodProfile;
    if (c === CAT_BREAKGLASS) p = i === 0 ? PROFILE_BREAKGLASS : PROFILE_NONE;
    else if (c === CAT_ADMIN) p = pickProfile(ADMIN_PROFILES, roll);
    else if (c === CAT_B2B_GUEST || c === CAT_INTERNAL_GUEST) p = roll < 0.8 ? PROFILE_NONE : PROFILE_EMAIL;
    else if (f & F_SVC) p = PROFILE_NONE;
    else if ((f & F_DISABLED) && hf(seed, i, S.disabledReg) < 0.5) p = PROFILE_NONE;
    else p = pickProfile(MEMBER_PROFILES, roll);
    // A few users registered a method the authentication methods policy no longer allows: registered, not capable.
    const capable = p.registered && hf(seed, i, S.regQuirk) >= 0.01;
    const guest = u.userType === 'Guest';
    return {
      id: u.id,
      userPrincipalName: u.userPrincipalName ?? null,
      userDisplayName: u.displayName ?? null,
      userType: guest ? 'guest' : 'member',
      isAdmin: c === CAT_ADMIN || this.roleHolders.has(i),
      isSsprRegistered: p.methods.length > 0,
      isSsprEnabled: !guest,
      isSsprCapable: p.methods.length > 0 && !guest,
      isMfaRegistered: p.registered,
      isMfaCapable: capable,
      isPasswordlessCapable: p.passwordless,
      lastUpdatedDateTime: '2026-11-01T02:14:09.3174422Z',
      methodsRegistered: [...p.methods],
      defaultMfaMethod: p.defaultMfaMethod,
      isSystemPreferredAuthenticationMethodEnabled: true,
      systemPreferredAuthenticationMethods: [...p.systemPreferred],
      userPreferredMethodForSecondaryAuthentication: p.userPreferred,
    };
  }

  /** Users and their registration details together (both come from one user object). */
  *usersWithRegistration(): Generator<[GraphUser, UserRegistrationDetails]> {
    for (let i = 0; i < this.n; i++) {
      const u = this.user(i);
      yield [u, this.registration(i, u)];
    }
  }

  get groupCount(): number {
    return this.groupPlans.length;
  }

  group(g: number): GraphGroup {
    const p = this.groupPlans[g]!;
    return {
      id: p.id,
      displayName: p.displayName,
      description: p.description,
      mailEnabled: p.mailEnabled,
      mailNickname: slug(p.displayName),
      securityEnabled: p.securityEnabled,
      isAssignableToRole: p.isAssignableToRole,
      groupTypes: p.groupTypes,
      membershipRule: p.membershipRule,
      membershipRuleProcessingState: p.membershipRule ? 'On' : null,
      createdDateTime: p.createdDateTime,
    };
  }

  *groups(): Generator<GraphGroup> {
    for (let g = 0; g < this.groupPlans.length; g++) yield this.group(g);
  }

  private refId(ref: number): string {
    const idx = Math.floor(ref / 4);
    switch (ref % 4) {
      case 0: return this.userId(idx);
      case 1: return this.groupPlans[idx]!.id;
      default: return this.spId(idx);
    }
  }

  private static readonly REF_TYPES = ['#microsoft.graph.user', '#microsoft.graph.group', '#microsoft.graph.servicePrincipal'] as const;

  private refObject(ref: number): DirectoryObjectRef {
    return { '@odata.type': SyntheticTenant.REF_TYPES[ref % 4]!, id: this.refId(ref) };
  }

  /** The JSON text JSON.stringify(refObject(ref)) would give (ids are GUIDs: nothing to escape). */
  refJson(ref: number): string {
    return `{"@odata.type":"${SyntheticTenant.REF_TYPES[ref % 4]!}","id":"${this.refId(ref)}"}`;
  }

  private *usersInRange(start: number, end: number): Generator<number> {
    for (let i = start; i < end; i++) if (this.inOrg(i)) yield refUser(i);
  }

  /** Direct members of group g, encoded (user i → 4i, group → 4g+1, service principal → 4s+2), in Graph's list order. */
  *memberRefs(g: number): Generator<number> {
    const k = this.groupPlans[g]!.kind;
    switch (k.kind) {
      case 'allStaff':
        for (const d of this.depts) if (d.group >= 0) yield refGroup(d.group);
        break;
      case 'dept':
        for (const dv of this.depts[k.dept]!.divisions) yield refGroup(this.divisions[dv]!.group);
        break;
      case 'division':
        for (const t of this.divisions[k.division]!.teams) yield refGroup(this.teams[t]!.group);
        break;
      case 'team': {
        const t = this.teams[k.team]!;
        if (t.squadGroup >= 0) yield refGroup(t.squadGroup);
        yield* this.usersInRange(t.start, t.squadStart >= 0 ? t.squadStart : t.end);
        break;
      }
      case 'squad': {
        const t = this.teams[k.team]!;
        yield* this.usersInRange(t.squadStart, t.end);
        break;
      }
      case 'unified': {
        const t = this.teams[k.team]!;
        yield* this.usersInRange(t.start, t.end);
        break;
      }
      case 'dynDept': {
        const d = this.depts[k.dept]!;
        yield* this.usersInRange(d.start, d.end);
        break;
      }
      case 'list':
        yield* k.refs;
        break;
    }
  }

  /** Direct members of group g (Graph /groups/{id}/members shape). */
  members(g: number): DirectoryObjectRef[] {
    const out: DirectoryObjectRef[] = [];
    for (const r of this.memberRefs(g)) out.push(this.refObject(r));
    return out;
  }

  *groupMembers(): Generator<[string, DirectoryObjectRef[]]> {
    for (let g = 0; g < this.groupPlans.length; g++) yield [this.groupPlans[g]!.id, this.members(g)];
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
