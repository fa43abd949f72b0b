/**
 * Reference coverage evaluator for differential testing (issue 3, item 4).
 *
 * Written straight from spec/coverage.md (and README "What a verdict means" for missing data),
 * deliberately simple and brute force: for each user, for each target, for each policy. It imports
 * NOTHING from src/coverage or src/snapshot/model.ts / azure.ts — only types — so the optimized engine
 * can be rewritten freely and still be checked against it. Speed is not a goal; obviousness is.
 *
 * Readings where coverage.md is silent or ambiguous follow the engine's documented reading; each one is
 * marked "READING:" below.
 *
 * Missing data (README): a collection that is absent or listed in `unavailable` makes every question
 * that depends on it unknown. The cell is evaluated twice: in the pessimistic world every unknown
 * question is answered in the direction that gives LESS coverage (not included, excluded, grant does
 * not require MFA, condition narrows, no security defaults, per-user MFA off, no CA policy read), in the
 * optimistic world in the direction that gives MORE. READING: questions are resolved one by one
 * (the same unknown group membership may be read "not included" in one policy and "excluded" in
 * another), which is the bound the engine documents, not a search over consistent worlds.
 */
import type {
  AuthenticationStrengthPolicy, ConditionalAccessPolicy, GraphUser, GuestsOrExternalUsers, Snapshot,
} from '../../src/snapshot/types.js';
import type { CoverageState, Mechanism, Target } from '../../src/coverage/types.js';

// ---- vocabulary (coverage.md) ------------------------------------------------------------------

export const REF_TARGETS: readonly Target[] = ['azureManagement', 'azurePortal', 'adminPortals', 'office365', 'anyApp'];

/** "Combining mechanisms": strongest first. */
export const REF_STATE_ORDER: readonly CoverageState[] = ['blocked', 'enforced', 'trustedLocationBypass', 'conditional', 'reportOnly', 'excluded', 'none'];
const strength = (s: CoverageState) => REF_STATE_ORDER.length - REF_STATE_ORDER.indexOf(s);

const ARM = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
const ALL_ZERO_LOCATION = '00000000-0000-0000-0000-000000000000'; // legacy "MFA trusted IPs": trusted
const BUILTIN_MFA_STRENGTHS = [
  '00000000-0000-0000-0000-000000000002', // Multifactor authentication
  '00000000-0000-0000-0000-000000000003', // Passwordless MFA
  '00000000-0000-0000-0000-000000000004', // Phishing-resistant MFA
];
/** Authentication methods that are multifactor on their own (Graph authenticationMethodModes). */
const SINGLE_MULTIFACTOR_METHODS = [
  'windowshelloforbusiness', 'fido2', 'x509certificatemultifactor', 'devicebasedpush',
  'temporaryaccesspassonetime', 'temporaryaccesspassmultiuse', 'federatedmultifactor',
];

/** Targets table: which includeApplications entries bring a target in, which exclusions take it out. */
const TARGET_TABLE: Record<Target, { includedBy: string[]; excludedBy: string[] }> = {
  azureManagement: { includedBy: ['all', ARM], excludedBy: [ARM] },
  azurePortal: { includedBy: ['all', ARM, 'microsoftadminportals'], excludedBy: [ARM, 'microsoftadminportals'] },
  adminPortals: { includedBy: ['all', 'microsoftadminportals'], excludedBy: ['microsoftadminportals'] },
  office365: { includedBy: ['all', 'office365'], excludedBy: ['office365'] },
  anyApp: { includedBy: ['all'], excludedBy: [] },
};

// ---- small helpers -----------------------------------------------------------------------------

/** snapshot.md: GUIDs and enum strings compare case-insensitively. */
const lc = (s: string | null | undefined): string => (s ?? '').toLowerCase();
const lcList = (xs: readonly (string | null | undefined)[] | null | undefined): string[] => (xs ?? []).map(lc);

/** A yes/no question whose answer may not be knowable from the snapshot. */
type Answer = 'yes' | 'no' | 'unknown';
type World = 'pessimistic' | 'optimistic';

/** Any of several answers: yes if one is yes, else unknown if one is unknown, else no. */
function anyOf(answers: Answer[]): Answer {
  if (answers.includes('yes')) return 'yes';
  if (answers.includes('unknown')) return 'unknown';
  return 'no';
}
/** Every one of several answers. */
function allOf(answers: Answer[]): Answer {
  if (answers.includes('no')) return 'no';
  if (answers.includes('unknown')) return 'unknown';
  return 'yes';
}
/**
 * Resolve an answer in one world. `goodForCoverage` is what "yes" means for MFA coverage: the
 * pessimistic world answers unknowns against coverage, the optimistic one in favour of it.
 */
function resolveIn(a: Answer, world: World, yesIsGoodForCoverage: boolean): boolean {
  if (a !== 'unknown') return a === 'yes';
  return world === 'optimistic' ? yesIsGoodForCoverage : !yesIsGoodForCoverage;
}

// ---- the reference ------------------------------------------------------------------------------

export interface RefCell {
  state: CoverageState;
  mechanisms: Set<Mechanism>;
  /** CA policy ids that produced `state`. */
  policies: Set<string>;
  /** State if every unknown went the favourable way; equal to `state` when nothing is unknown. */
  optimisticState: CoverageState;
}
export type RefUserCoverage = Record<Target, RefCell>;

/** Is a collection usable? Absent or listed in `unavailable` → no (snapshot.md "Rules for readers"). */
function have(s: Snapshot, key: keyof Snapshot): boolean {
  return s[key] !== undefined && !(key in (s.unavailable ?? {}));
}

/** No options today; kept so callers can pass reference settings without changing signatures. */
export type ReferenceOptions = Record<string, never>;

export class ReferenceEvaluator {
  private readonly s: Snapshot;
  /** group id (lower) → direct member refs (lower id, lower @odata.type). */
  private readonly memberRefs = new Map<string, { id: string; type: string }[]>();
  private readonly transitiveMembersMemo = new Map<string, Set<string>>();
  private readonly ownDomains = new Set<string>();
  private readonly userIds: Set<string>;
  private readonly servicePrincipalIds: Set<string>;
  private readonly roleDefinitionById = new Map<string, { templateId?: string | null }>();

  constructor(snapshot: Snapshot, _opts: ReferenceOptions = {}) {
    this.s = snapshot;
    this.userIds = new Set((snapshot.users ?? []).map((u) => lc(u.id)));
    this.servicePrincipalIds = new Set((snapshot.servicePrincipals ?? []).map((sp) => lc(sp.id)));
    // READING: ids compare case-insensitively, so map keys differing only in case are one group and
    // both lists are its direct members (the engine is not consistent here: see test/differential.test.ts).
    for (const [g, refs] of Object.entries(snapshot.groupMembers ?? {})) {
      this.memberRefs.set(lc(g), [...(this.memberRefs.get(lc(g)) ?? []), ...(refs ?? []).map((r) => ({ id: lc(r.id), type: lc(r['@odata.type']) }))]);
    }
    for (const d of snapshot.roleDefinitions ?? []) this.roleDefinitionById.set(lc(d.id), d);
    // Own domains: tenant.defaultDomain + UPN domains of local (non-#EXT#, non-invited) users.
    if (snapshot.tenant.defaultDomain) this.ownDomains.add(lc(snapshot.tenant.defaultDomain));
    // READING: `GET /organization` verifiedDomains (plain names or { name }) are the tenant's own too.
    const verified = (snapshot.tenant as { verifiedDomains?: unknown }).verifiedDomains;
    for (const d of Array.isArray(verified) ? verified : []) {
      const name = typeof d === 'string' ? d : (d as { name?: unknown } | null)?.name;
      if (typeof name === 'string') this.ownDomains.add(lc(name));
    }
    for (const u of snapshot.users ?? []) {
      const upn = lc(u.userPrincipalName);
      if (upn.includes('#ext#') || lc(u.creationType) === 'invitation') continue;
      if (upn.includes('@')) this.ownDomains.add(upn.slice(upn.lastIndexOf('@') + 1));
    }
  }

  // ---- groups: transitive, cycles tolerated ----------------------------------------------------

  /** Every object reachable from group `g` through nested membership (recursive, with a visited set). */
  transitiveMembers(groupId: string, memo = this.transitiveMembersMemo, isNestedGroup = (m: { id: string; type: string }) => this.memberRefs.has(m.id)): Set<string> {
    const g = lc(groupId);
    const known = memo.get(g);
    if (known) return known;
    const found = new Set<string>();
    const visited = new Set<string>();
    const walk = (group: string) => {
      if (visited.has(group)) return;
      visited.add(group);
      for (const m of this.memberRefs.get(group) ?? []) {
        found.add(m.id);
        if (isNestedGroup(m)) walk(m.id); // a member that has members is a nested group
      }
    };
    walk(g);
    memo.set(g, found);
    return found;
  }

  private roleGroupMembers(groupId: string): Set<string> {
    return this.transitiveMembers(groupId);
  }

  isTransitiveMember(userId: string, groupId: string): boolean {
    return this.transitiveMembers(groupId).has(lc(userId));
  }

  // ---- roles: active, tenant scope, directly or through a group --------------------------------

  private templateOf(roleDefinitionId: string): string {
    const def = this.roleDefinitionById.get(lc(roleDefinitionId));
    return lc(def?.templateId ?? roleDefinitionId);
  }

  /**
   * Does the user actively hold role template `templateId` at tenant scope? (PIM-eligible and AU-scoped
   * do not count.) Unknown when the role is assigned to a group and group members could not be read.
   */
  holdsActiveRole(user: GraphUser, templateId: string): Answer {
    if (!have(this.s, 'roleAssignments')) return 'unknown';
    const answers: Answer[] = [];
    for (const a of this.s.roleAssignments ?? []) {
      // READING: a missing directoryScopeId is tenant scope (Graph always returns it).
      if ((a.directoryScopeId ?? '/') !== '/') continue;
      if (this.templateOf(a.roleDefinitionId) !== lc(templateId)) continue;
      if (lc(a.principalId) === lc(user.id)) return 'yes';
      if (this.userIds.has(lc(a.principalId))) continue; // someone else
      if (this.servicePrincipalIds.has(lc(a.principalId))) continue; // an application
      // Through a (role-assignable) group. READING: nested membership counts, as for group conditions.
      if (!have(this.s, 'groupMembers')) answers.push('unknown');
      else if (this.roleGroupMembers(a.principalId).has(lc(user.id))) return 'yes';
    }
    return anyOf(answers);
  }

  // ---- guests ---------------------------------------------------------------------------------

  private issuerIsOwn(issuer: string): boolean {
    if (this.ownDomains.has(issuer)) return true;
    // The tenant's initial domain in any cloud.
    return ['.onmicrosoft.com', '.onmicrosoft.us', '.partner.onmschina.cn'].some((suffix) => issuer.endsWith(suffix));
  }

  isExternal(user: GraphUser): boolean {
    if (lc(user.userPrincipalName).includes('#ext#')) return true;
    if (lc(user.creationType) === 'invitation') return true;
    for (const id of user.identities ?? []) {
      const issuer = lc(id?.issuer);
      if (issuer && !this.issuerIsOwn(issuer)) return true;
    }
    return false;
  }

  /** coverage.md "Does a policy apply to a user?": guest/external classification, or null for an ordinary member. */
  private readonly guestKindMemo = new Map<GraphUser, ReturnType<ReferenceEvaluator['guestKind']>>();
  guestKind(user: GraphUser): 'b2bCollaborationGuest' | 'b2bCollaborationMember' | 'internalGuest' | null {
    if (this.guestKindMemo.has(user)) return this.guestKindMemo.get(user)!;
    const kind = this.classify(user);
    this.guestKindMemo.set(user, kind);
    return kind;
  }

  private classify(user: GraphUser): 'b2bCollaborationGuest' | 'b2bCollaborationMember' | 'internalGuest' | null {
    const isGuest = lc(user.userType) === 'guest';
    if (this.isExternal(user)) return isGuest ? 'b2bCollaborationGuest' : 'b2bCollaborationMember';
    return isGuest ? 'internalGuest' : null;
  }

  private guestTypesMatch(user: GraphUser, spec: GuestsOrExternalUsers | null | undefined): Answer {
    if (!spec) return 'no';
    const kind = this.guestKind(user);
    if (!kind) return 'no';
    const types = lc(spec.guestOrExternalUserTypes).split(',').map((t) => t.trim());
    if (!types.includes(lc(kind))) return 'no';
    if (kind === 'internalGuest') return 'yes'; // a local account has no external home tenant to filter on
    const tenants = spec.externalTenants;
    if (!tenants || lc(tenants.membershipKind) === 'all' || lc(tenants['@odata.type']).includes('allexternaltenants')) return 'yes';
    // READING: enumerated external tenants — the user's home tenant is not in directory data: unknown.
    return 'unknown';
  }

  // ---- assignment ------------------------------------------------------------------------------

  /** One side (include or exclude) of a policy's user assignment: any listed thing that matches. */
  private sideMatches(
    user: GraphUser, users: string[] | null | undefined, groups: string[] | null | undefined, roles: string[] | null | undefined,
    guests: GuestsOrExternalUsers | null | undefined,
  ): Answer {
    const answers: Answer[] = [];
    for (const entry of lcList(users)) {
      if (entry === 'all') answers.push('yes');
      else if (entry === 'none') answers.push('no');
      else if (entry === 'guestsorexternalusers') answers.push(this.guestKind(user) ? 'yes' : 'no');
      else answers.push(entry === lc(user.id) ? 'yes' : 'no');
    }
    for (const g of groups ?? []) answers.push(have(this.s, 'groupMembers') ? (this.isTransitiveMember(user.id, g) ? 'yes' : 'no') : 'unknown');
    for (const r of roles ?? []) answers.push(this.holdsActiveRole(user, r));
    answers.push(this.guestTypesMatch(user, guests));
    return anyOf(answers);
  }

  assignment(p: ConditionalAccessPolicy, user: GraphUser): { included: Answer; excluded: Answer } {
    const u = p.conditions?.users;
    if (!u) return { included: 'no', excluded: 'no' };
    return {
      included: this.sideMatches(user, u.includeUsers, u.includeGroups, u.includeRoles, u.includeGuestsOrExternalUsers),
      excluded: this.sideMatches(user, u.excludeUsers, u.excludeGroups, u.excludeRoles, u.excludeGuestsOrExternalUsers),
    };
  }

  // ---- grant -----------------------------------------------------------------------------------

  private strengthIsMfa(ref: AuthenticationStrengthPolicy | { id: string }): Answer {
    let st = ref as AuthenticationStrengthPolicy;
    const expanded = st.requirementsSatisfied !== undefined || st.allowedCombinations !== undefined;
    if (!expanded) {
      const found = (this.s.authenticationStrengthPolicies ?? []).find((x) => lc(x.id) === lc(ref.id));
      if (found) st = found;
      else if (BUILTIN_MFA_STRENGTHS.includes(lc(ref.id))) return 'yes';
      else if (!have(this.s, 'authenticationStrengthPolicies')) return 'unknown';
      else return 'unknown'; // spec: a strength id not found in the collected strengths cannot be resolved
    }
    if (typeof st.requirementsSatisfied === 'string') {
      return lc(st.requirementsSatisfied).split(',').map((x) => x.trim()).includes('mfa') ? 'yes' : 'no';
    }
    const combos = st.allowedCombinations ?? [];
    const comboIsMfa = (c: string) => {
      const methods = lc(c).split(',').map((x) => x.trim()).filter((x) => x !== '');
      return methods.length >= 2 || (methods.length === 1 && SINGLE_MULTIFACTOR_METHODS.includes(methods[0]!));
    };
    return combos.length > 0 && combos.every(comboIsMfa) ? 'yes' : 'no';
  }

  /** coverage.md "Does a policy require MFA?" */
  grant(p: ConditionalAccessPolicy): { blocks: boolean; requiresMfa: Answer } {
    const g = p.grantControls;
    if (!g) return { blocks: false, requiresMfa: 'no' }; // session-only policy
    const builtIn = lcList(g.builtInControls);
    if (builtIn.includes('block')) return { blocks: true, requiresMfa: 'no' };
    // Every control, with whether it is an MFA-type control.
    const controls: Answer[] = builtIn.map((c) => (c === 'mfa' ? 'yes' : 'no'));
    for (const _ of g.customAuthenticationFactors ?? []) controls.push('no');
    for (const _ of g.termsOfUse ?? []) controls.push('no');
    if (g.authenticationStrength && g.authenticationStrength.id) controls.push(this.strengthIsMfa(g.authenticationStrength));
    if (controls.length === 0) return { blocks: false, requiresMfa: 'no' };
    // READING: a missing operator is AND (Graph's default for several controls is "require all").
    if (lc(g.operator) === 'or') return { blocks: false, requiresMfa: allOf(controls) }; // every OR branch must be MFA
    return { blocks: false, requiresMfa: anyOf(controls) }; // AND: MFA is one of the required controls
  }

  // ---- conditions ------------------------------------------------------------------------------

  private locationIsTrusted(id: string): Answer {
    if (id === 'alltrusted' || id === ALL_ZERO_LOCATION) return 'yes';
    const named = (this.s.namedLocations ?? []).find((l) => lc(l.id) === id);
    if (named) return named.isTrusted === true ? 'yes' : 'no';
    return have(this.s, 'namedLocations') ? 'no' : 'unknown';
  }

  /**
   * coverage.md "Conditions": `legacyOnly` when the policy does not cover modern sign-ins at all;
   * otherwise whether some condition narrows it, and whether its location scoping is "everywhere except
   * trusted locations".
   */
  conditions(p: ConditionalAccessPolicy): { legacyOnly: boolean; narrowed: boolean; trustedBypass: Answer | 'none' } {
    const c = p.conditions ?? {};
    let narrowed = false;

    const types = lcList(c.clientAppTypes);
    const hasBrowser = types.includes('browser');
    const hasMobile = types.includes('mobileappsanddesktopclients');
    let legacyOnly = false;
    if (types.length > 0 && !types.includes('all')) {
      if (!hasBrowser && !hasMobile) legacyOnly = true;
      else if (hasBrowser !== hasMobile) narrowed = true;
    }

    const incP = lcList(c.platforms?.includePlatforms);
    const excP = lcList(c.platforms?.excludePlatforms);
    if (incP.length + excP.length > 0 && !(incP.includes('all') && excP.length === 0)) narrowed = true;

    const insider = Array.isArray(c.insiderRiskLevels) ? c.insiderRiskLevels.join(',') : c.insiderRiskLevels ?? '';
    if ((c.signInRiskLevels ?? []).length || (c.userRiskLevels ?? []).length || insider.trim()) narrowed = true;

    // READING: a filter without a rule filters nothing (engine: `deviceFilter.rule` / `applicationFilter.rule`).
    if (c.devices?.deviceFilter?.rule) narrowed = true;
    // READING (coverage.md is silent): the legacy device-state condition (include/excludeDevices) narrows too.
    const incD = lcList(c.devices?.includeDevices);
    if ((incD.length && !incD.includes('all')) || (c.devices?.excludeDevices ?? []).length) narrowed = true;
    if ((c.authenticationFlows?.transferMethods ?? '').trim()) narrowed = true;
    if (c.applications?.applicationFilter?.rule) narrowed = true;

    let trustedBypass: Answer | 'none' = 'none';
    const incL = lcList(c.locations?.includeLocations);
    const excL = lcList(c.locations?.excludeLocations);
    // READING: an empty include list with exclusions is "All" (an unset condition does not restrict).
    const includesAll = incL.length === 0 || incL.includes('all');
    if (!includesAll) narrowed = true; // only some locations
    else if (excL.length) {
      const trusted = allOf(excL.map((l) => this.locationIsTrusted(l)));
      if (trusted === 'no') narrowed = true; // excludes a location that is not trusted
      else trustedBypass = trusted;
    }
    return { legacyOnly, narrowed, trustedBypass };
  }

  // ---- which targets ---------------------------------------------------------------------------

  /** 'included', 'excludedApp' (brought in, then the target's app excluded), or 'no'. */
  reach(p: ConditionalAccessPolicy, target: Target): 'included' | 'excludedApp' | 'no' {
    const inc = lcList(p.conditions?.applications?.includeApplications);
    const exc = lcList(p.conditions?.applications?.excludeApplications);
    const row = TARGET_TABLE[target];
    // READING: "None" next to other entries still means nothing (Graph does not allow the mix anyway).
    if (inc.includes('none') || !row.includedBy.some((a) => inc.includes(a))) return 'no';
    return row.excludedBy.some((a) => exc.includes(a)) ? 'excludedApp' : 'included';
  }

  /** Policies that can never cover a user's app sign-in. */
  neverCoversUsers(p: ConditionalAccessPolicy): boolean {
    const ca = p.conditions?.clientApplications;
    const u = p.conditions?.users;
    const targetsUsers = [u?.includeUsers, u?.includeGroups, u?.includeRoles].some((l) => lcList(l).some((x) => x !== 'none')) || !!u?.includeGuestsOrExternalUsers;
    // READING: a policy "targets workload identities" when it includes service principals and no users.
    const workloads = ((ca?.includeServicePrincipals ?? []).length > 0 || (ca?.includeAgentIdServicePrincipals ?? []).length > 0) && !targetsUsers;
    const apps = p.conditions?.applications;
    const onlyActionsOrContext = (apps?.includeApplications ?? []).length === 0
      && ((apps?.includeUserActions ?? []).length > 0 || (apps?.includeAuthenticationContextClassReferences ?? []).length > 0);
    return workloads || onlyActionsOrContext || this.conditions(p).legacyOnly;
  }

  // ---- per-user MFA ----------------------------------------------------------------------------

  perUserMfa(user: GraphUser): Answer {
    const valid = ['disabled', 'enabled', 'enforced'];
    let st = lc(user.perUserMfaState);
    if (!valid.includes(st)) {
      const key = Object.keys(this.s.authenticationRequirements ?? {}).find((k) => lc(k) === lc(user.id));
      st = key === undefined ? '' : lc(this.s.authenticationRequirements![key]?.perUserMfaState);
    }
    if (st === 'enabled' || st === 'enforced') return 'yes';
    if (st === 'disabled') return 'no';
    // README: a snapshot that never collected per-user MFA reads it as disabled; a failed read is unknown.
    return 'authenticationRequirements' in (this.s.unavailable ?? {}) ? 'unknown' : 'no';
  }

  // ---- one cell ----------------------------------------------------------------------------------

  /** Static facts of a policy (no user involved), computed once per policy: they are pure functions of it. */
  private readonly factsMemo = new Map<ConditionalAccessPolicy, PolicyFacts>();
  private facts(p: ConditionalAccessPolicy): PolicyFacts {
    let f = this.factsMemo.get(p);
    if (!f) {
      const state = lc(p.state);
      f = {
        enabled: state === 'enabled',
        reportOnly: state === 'enabledforreportingbutnotenforced',
        never: this.neverCoversUsers(p),
        conditions: this.conditions(p),
        grant: this.grant(p),
        reach: Object.fromEntries(REF_TARGETS.map((t) => [t, this.reach(p, t)])) as PolicyFacts['reach'],
      };
      this.factsMemo.set(p, f);
    }
    return f;
  }

  private cellInWorld(
    user: GraphUser, target: Target, world: World, assignments: ({ included: Answer; excluded: Answer } | null)[],
  ): { state: CoverageState; mechanisms: Set<Mechanism>; policies: Set<string>; sawUnknown: boolean } {
    const contributions: { state: CoverageState; mechanism: Mechanism; policyId?: string }[] = [];
    // The two worlds can only differ where an unknown was resolved: remember whether one was.
    let sawUnknown = false;
    const resolve = (a: Answer, w: World, yesIsGood: boolean) => {
      if (a === 'unknown') sawUnknown = true;
      return resolveIn(a, w, yesIsGood);
    };

    // Security defaults: enforced for everyone on every target (admins and Azure management strictly,
    // others "when necessary" — coverage.md credits that as enforced too).
    const sd: Answer = have(this.s, 'securityDefaults') ? (this.s.securityDefaults!.isEnabled === true ? 'yes' : 'no') : 'unknown';
    if (resolve(sd, world, true)) contributions.push({ state: 'enforced', mechanism: 'securityDefaults' });

    if (resolve(this.perUserMfa(user), world, true)) contributions.push({ state: 'enforced', mechanism: 'perUserMfa' });

    if (!have(this.s, 'conditionalAccessPolicies')) {
      // Unreadable policies: none in the pessimistic world; in the optimistic one they could enforce MFA.
      sawUnknown = true;
      if (world === 'optimistic') contributions.push({ state: 'enforced', mechanism: 'conditionalAccess' });
    } else {
      const policies = this.s.conditionalAccessPolicies!;
      for (let i = 0; i < policies.length; i++) {
        const a = assignments[i];
        if (!a) continue; // disabled, or can never cover a user (see user())
        const p = policies[i]!;
        const f = this.facts(p);
        const reach = f.reach[target];
        if (reach === 'no') continue;
        const { included, excluded } = a;
        if (!resolve(included, world, true)) continue; // not in its assignment: the policy is irrelevant
        const isExcluded = resolve(excluded, world, false); // any exclusion beats any inclusion
        const cond = f.conditions;
        const trusted = cond.trustedBypass === 'none' ? 'none' : resolve(cond.trustedBypass, world, true) ? 'yes' : 'no';
        const kind = cond.narrowed || trusted === 'no' ? 'conditional' : trusted === 'yes' ? 'trustedLocationBypass' : 'unconditional';
        let produced: CoverageState | undefined;
        if (f.grant.blocks) {
          // blocked: an enabled, unconditional policy blocks access. Report-only, excluded or conditional blocks block nothing.
          if (f.enabled && !isExcluded && reach === 'included' && kind === 'unconditional') produced = 'blocked';
        } else if (resolve(f.grant.requiresMfa, world, true)) {
          if (f.reportOnly) {
            // READING: a report-only policy the user/target is excluded from would not have required MFA either.
            if (!isExcluded && reach === 'included') produced = 'reportOnly';
          } else if (isExcluded || reach === 'excludedApp') produced = 'excluded';
          else if (kind === 'unconditional') produced = 'enforced';
          else produced = kind;
        }
        if (produced) contributions.push({ state: produced, mechanism: 'conditionalAccess', policyId: p.id });
      }
    }

    let best: CoverageState = 'none';
    for (const c of contributions) if (strength(c.state) > strength(best)) best = c.state;
    const winners = contributions.filter((c) => c.state === best);
    return {
      state: best,
      mechanisms: new Set(winners.map((c) => c.mechanism)),
      policies: new Set(winners.flatMap((c) => (c.policyId === undefined ? [] : [c.policyId]))),
      sawUnknown,
    };
  }

  /** Every target of one user: for each target, for each world, for each policy. */
  user(user: GraphUser): RefUserCoverage {
    // The user assignment does not depend on the target: work it out once per policy.
    const assignments = (this.s.conditionalAccessPolicies ?? []).map((p) => {
      const f = this.facts(p);
      return (f.enabled || f.reportOnly) && !f.never ? this.assignment(p, user) : null;
    });
    const out = {} as RefUserCoverage;
    for (const t of REF_TARGETS) {
      const { sawUnknown, ...p } = this.cellInWorld(user, t, 'pessimistic', assignments);
      const optimisticState = sawUnknown ? this.cellInWorld(user, t, 'optimistic', assignments).state : p.state;
      out[t] = { ...p, optimisticState };
    }
    return out;
  }
}

interface PolicyFacts {
  enabled: boolean;
  reportOnly: boolean;
  never: boolean;
  conditions: { legacyOnly: boolean; narrowed: boolean; trustedBypass: Answer | 'none' };
  grant: { blocks: boolean; requiresMfa: Answer };
  reach: Record<Target, 'included' | 'excludedApp' | 'no'>;
}

/** Reference coverage of every user, keyed by lower-case user id (like `RuleContext.coverage`). */
export function referenceCoverage(snapshot: Snapshot, opts: ReferenceOptions = {}): Map<string, RefUserCoverage> {
  const ref = new ReferenceEvaluator(snapshot, opts);
  const out = new Map<string, RefUserCoverage>();
  for (const u of snapshot.users ?? []) out.set(lc(u.id), ref.user(u));
  return out;
}
