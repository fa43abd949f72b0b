/**
 * The emulator's in-memory tenant: the snapshot's collections with id indexes, the per-user MFA state
 * as its own table (Graph keeps it outside the user object), and the writes remediation needs, each
 * validated the way Graph does before it changes anything.
 */
import type {
  AuthenticationStrengthPolicy,
  ConditionalAccessPolicy,
  DirectoryObjectRef,
  GraphUser,
  Snapshot,
} from '../../src/snapshot/types.js';
import { clone, isGuid, isObject, newId } from './util.js';

export type Obj = Record<string, unknown>;

export const PER_USER_MFA_STATES = ['disabled', 'enabled', 'enforced'];
const CA_STATES = ['enabled', 'disabled', 'enabledForReportingButNotEnforced'];
const CLIENT_APP_TYPES = ['all', 'browser', 'mobileAppsAndDesktopClients', 'exchangeActiveSync', 'easSupported', 'other'];
const BUILT_IN_CONTROLS = ['block', 'mfa', 'compliantDevice', 'domainJoinedDevice', 'approvedApplication', 'compliantApplication', 'passwordChange', 'riskRemediation', 'unknownFutureValue'];
const CA_TOP_LEVEL = ['@odata.context', '@odata.type', 'id', 'displayName', 'description', 'state', 'conditions', 'grantControls', 'sessionControls', 'createdDateTime', 'modifiedDateTime', 'templateId', 'partialEnablementStrategy', 'deletedDateTime'];

/** A write that Graph would refuse: status, code and message of the error body. */
export class WriteError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export class TenantState {
  readonly tenant: Snapshot['tenant'];
  readonly collectedAt: string;
  readonly users: GraphUser[];
  readonly userById = new Map<string, GraphUser>();
  readonly userByUpn = new Map<string, GraphUser>();
  /** userId (lower-case) → perUserMfaState. */
  readonly perUserMfa = new Map<string, string>();
  readonly groups: Obj[];
  readonly groupById = new Map<string, Obj>();
  readonly groupMembers = new Map<string, DirectoryObjectRef[]>();
  readonly servicePrincipals: Obj[];
  readonly spById = new Map<string, Obj>();
  readonly roleDefinitions: Obj[];
  readonly roleAssignments: Obj[];
  readonly roleEligibilitySchedules: Obj[];
  readonly subscriptions: Obj[];
  readonly azureRoleDefinitions: Obj[];
  readonly azureRoleAssignments: Obj[];
  readonly classicAdministrators: Obj[];
  caPolicies: Obj[];
  readonly namedLocations: Obj[];
  readonly authStrengths: Obj[];
  securityDefaults: Obj;
  readonly registration: Obj[];
  readonly registrationById = new Map<string, Obj>();
  readonly authMethods = new Map<string, Obj[]>();
  readonly signIns: Obj[];
  /** Collections the snapshot says could not be read: served as those errors. */
  readonly unavailable: Snapshot['unavailable'];
  /** Which optional source keys existed, so currentSnapshot() gives back the same layout. */
  private readonly present: Set<string>;
  private readonly usersCarryMfaState: boolean;
  /** Users that have an entry in the source's `authenticationRequirements` map (plus users written since). */
  private readonly requirementKeys = new Set<string>();

  constructor(snap: Snapshot) {
    this.tenant = snap.tenant;
    this.collectedAt = snap.collectedAt;
    this.present = new Set(Object.keys(snap).filter((k) => (snap as unknown as Obj)[k] !== undefined));
    this.users = snap.users ?? [];
    this.usersCarryMfaState = this.users.some((u) => u.perUserMfaState !== undefined);
    for (const u of this.users) {
      this.userById.set(u.id.toLowerCase(), u);
      if (u.userPrincipalName) this.userByUpn.set(u.userPrincipalName.toLowerCase(), u);
      if (typeof u.perUserMfaState === 'string') this.perUserMfa.set(u.id.toLowerCase(), u.perUserMfaState);
    }
    for (const [id, r] of Object.entries(snap.authenticationRequirements ?? {})) {
      if (typeof r?.perUserMfaState === 'string') this.perUserMfa.set(id.toLowerCase(), r.perUserMfaState);
      this.requirementKeys.add(id);
    }
    this.groups = (snap.groups ?? []) as Obj[];
    for (const g of this.groups) this.groupById.set(String(g.id).toLowerCase(), g);
    for (const [id, members] of Object.entries(snap.groupMembers ?? {})) this.groupMembers.set(id.toLowerCase(), members);
    this.servicePrincipals = (snap.servicePrincipals ?? []) as Obj[];
    for (const sp of this.servicePrincipals) this.spById.set(String(sp.id).toLowerCase(), sp);
    this.roleDefinitions = (snap.roleDefinitions ?? []) as Obj[];
    this.roleAssignments = (snap.roleAssignments ?? []) as Obj[];
    this.roleEligibilitySchedules = (snap.roleEligibilitySchedules ?? []) as Obj[];
    this.subscriptions = (snap.subscriptions ?? []) as Obj[];
    this.azureRoleDefinitions = (snap.azureRoleDefinitions ?? []) as Obj[];
    this.azureRoleAssignments = (snap.azureRoleAssignments ?? []) as Obj[];
    this.classicAdministrators = (snap.classicAdministrators ?? []) as Obj[];
    // writable collections are copied so the caller's snapshot object is never changed
    this.caPolicies = clone((snap.conditionalAccessPolicies ?? []) as Obj[]);
    this.namedLocations = (snap.namedLocations ?? []) as Obj[];
    this.authStrengths = (snap.authenticationStrengthPolicies ?? []) as Obj[];
    this.securityDefaults = clone((snap.securityDefaults ?? {
      id: '00000000-0000-0000-0000-000000000005',
      displayName: 'Security Defaults',
      description: 'Security defaults is a set of basic identity security mechanisms recommended by Microsoft.',
      isEnabled: false,
    }) as Obj);
    this.registration = (snap.userRegistrationDetails ?? []) as Obj[];
    for (const r of this.registration) this.registrationById.set(String(r.id).toLowerCase(), r);
    for (const [id, methods] of Object.entries(snap.authenticationMethods ?? {})) this.authMethods.set(id.toLowerCase(), methods as Obj[]);
    this.signIns = (snap.signIns ?? []) as Obj[];
    this.unavailable = snap.unavailable ?? {};
  }

  findUser(idOrUpn: string): GraphUser | undefined {
    const k = decodeURIComponent(idOrUpn).toLowerCase();
    return this.userById.get(k) ?? this.userByUpn.get(k);
  }

  mfaStateOf(userId: string): string {
    return this.perUserMfa.get(userId.toLowerCase()) ?? 'disabled';
  }

  /** Resolves a member reference to the directory object (user, group or service principal). */
  resolveMember(ref: DirectoryObjectRef): Obj | undefined {
    const id = String(ref.id).toLowerCase();
    const t = String(ref['@odata.type'] ?? '').toLowerCase();
    if (t.endsWith('.user')) return this.userById.get(id);
    if (t.endsWith('.group')) return this.groupById.get(id);
    if (t.endsWith('.serviceprincipal')) return this.spById.get(id);
    return this.userById.get(id) ?? this.groupById.get(id) ?? this.spById.get(id);
  }

  /** Direct members, then members of nested groups (each object once; cycles tolerated). */
  transitiveMembers(groupId: string): DirectoryObjectRef[] {
    const out: DirectoryObjectRef[] = [];
    const seen = new Set<string>();
    const visited = new Set<string>([groupId.toLowerCase()]);
    const queue = [groupId.toLowerCase()];
    while (queue.length) {
      const g = queue.shift()!;
      for (const m of this.groupMembers.get(g) ?? []) {
        const id = String(m.id).toLowerCase();
        if (!seen.has(id)) {
          seen.add(id);
          out.push(m);
        }
        if (String(m['@odata.type'] ?? '').toLowerCase().endsWith('.group') && !visited.has(id)) {
          visited.add(id);
          queue.push(id);
        }
      }
    }
    return out;
  }

  // ---------------- writes ----------------

  /** PATCH /beta/users/{id}/authentication/requirements. */
  setPerUserMfa(userIdOrUpn: string, body: unknown): { before: unknown; after: unknown } {
    const user = this.findUser(userIdOrUpn);
    if (!user) throw new WriteError(404, 'Request_ResourceNotFound', `Resource '${userIdOrUpn}' does not exist or one of its queried reference-property objects are not present.`);
    if (!isObject(body)) throw new WriteError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
    for (const k of Object.keys(body)) {
      if (k !== 'perUserMfaState' && !k.startsWith('@odata.')) throw new WriteError(400, 'BadRequest', `The property '${k}' does not exist on type 'microsoft.graph.strongAuthenticationRequirements'. Make sure to only use property names that are defined by the type.`);
    }
    const state = body.perUserMfaState;
    if (typeof state !== 'string' || !PER_USER_MFA_STATES.includes(state)) {
      throw new WriteError(400, 'BadRequest', `Invalid value '${String(state)}' for perUserMfaState: expected one of ${PER_USER_MFA_STATES.join(', ')}.`);
    }
    const before = { perUserMfaState: this.mfaStateOf(user.id) };
    // Entra ID moves an "enabled" user who already registered MFA methods to "enforced"
    const registered = this.registrationById.get(user.id.toLowerCase())?.isMfaRegistered === true;
    const next = state === 'enabled' && registered ? 'enforced' : state;
    this.perUserMfa.set(user.id.toLowerCase(), next);
    if (![...this.requirementKeys].some((k) => k.toLowerCase() === user.id.toLowerCase())) this.requirementKeys.add(user.id);
    return { before, after: { perUserMfaState: next } };
  }

  /** PATCH /policies/identitySecurityDefaultsEnforcementPolicy. */
  patchSecurityDefaults(body: unknown): { before: unknown; after: unknown } {
    if (!isObject(body)) throw new WriteError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
    for (const k of Object.keys(body)) {
      if (!['isEnabled', 'displayName', 'description'].includes(k) && !k.startsWith('@odata.')) {
        throw new WriteError(400, 'BadRequest', `The property '${k}' does not exist on type 'microsoft.graph.identitySecurityDefaultsEnforcementPolicy'.`);
      }
    }
    if ('isEnabled' in body && typeof body.isEnabled !== 'boolean') throw new WriteError(400, 'BadRequest', "Cannot convert the literal to the expected type 'Edm.Boolean' for property 'isEnabled'.");
    if (('displayName' in body && body.displayName !== this.securityDefaults.displayName) || ('description' in body && body.description !== this.securityDefaults.description)) {
      throw new WriteError(400, 'BadRequest', 'Only isEnabled can be updated on the security defaults policy.');
    }
    if (body.isEnabled === true && this.securityDefaults.isEnabled !== true) {
      const enabled = this.caPolicies.filter((p) => p.state === 'enabled');
      if (enabled.length) {
        throw new WriteError(400, 'BadRequest', `Security defaults cannot be enabled while Conditional Access policies are enabled (${enabled.length} enabled). Disable them first.`);
      }
    }
    const before = clone(this.securityDefaults);
    if (typeof body.isEnabled === 'boolean') this.securityDefaults.isEnabled = body.isEnabled;
    return { before, after: clone(this.securityDefaults) };
  }

  findPolicy(id: string): Obj | undefined {
    const l = id.toLowerCase();
    return this.caPolicies.find((p) => String(p.id).toLowerCase() === l);
  }

  /** POST /identity/conditionalAccess/policies. */
  createPolicy(body: unknown): Obj {
    if (!isObject(body)) throw new WriteError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
    const now = new Date().toISOString();
    const policy: Obj = {
      id: newId(),
      templateId: null,
      displayName: body.displayName,
      createdDateTime: now,
      modifiedDateTime: null,
      state: body.state,
      sessionControls: null,
      conditions: null,
      grantControls: null,
      ...stripReadOnly(body),
    };
    policy.id = policy.id ?? newId();
    this.validatePolicy(policy);
    this.expandStrength(policy);
    this.caPolicies.push(policy);
    return clone(policy);
  }

  /** PATCH /identity/conditionalAccess/policies/{id}: nested objects merge, arrays and scalars replace. */
  updatePolicy(id: string, body: unknown): { before: Obj; after: Obj } {
    const current = this.findPolicy(id);
    if (!current) throw new WriteError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    if (!isObject(body)) throw new WriteError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
    const next = deepMerge(clone(current), stripReadOnly(body)) as Obj;
    next.modifiedDateTime = new Date().toISOString();
    this.validatePolicy(next);
    this.expandStrength(next);
    const before = clone(current);
    const i = this.caPolicies.indexOf(current);
    this.caPolicies[i] = next;
    return { before, after: clone(next) };
  }

  deletePolicy(id: string): Obj {
    const current = this.findPolicy(id);
    if (!current) throw new WriteError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    this.caPolicies = this.caPolicies.filter((p) => p !== current);
    return current;
  }

  private expandStrength(policy: Obj): void {
    const gc = policy.grantControls;
    if (!isObject(gc) || !isObject(gc.authenticationStrength)) return;
    const id = String(gc.authenticationStrength.id ?? '').toLowerCase();
    const full = this.authStrengths.find((s) => String(s.id).toLowerCase() === id);
    if (full) gc.authenticationStrength = clone(full);
  }

  /** Graph's checks on a conditionalAccessPolicy (the rules CA enforces on create and update). */
  validatePolicy(p: Obj): void {
    const bad = (msg: string) => new WriteError(400, 'BadRequest', msg);
    for (const k of Object.keys(p)) {
      if (!CA_TOP_LEVEL.includes(k) && !k.startsWith('@odata.')) throw bad(`The property '${k}' does not exist on type 'microsoft.graph.conditionalAccessPolicy'. Make sure to only use property names that are defined by the type.`);
    }
    if (typeof p.displayName !== 'string' || !p.displayName.trim()) throw bad('displayName is required and must be a non-empty string.');
    if (typeof p.state !== 'string' || !CA_STATES.includes(p.state)) throw bad(`state must be one of ${CA_STATES.join(', ')}.`);
    const c = p.conditions;
    if (!isObject(c)) throw bad('conditions is required.');
    const u = c.users;
    if (!isObject(u)) throw bad('1036: The policy must have conditions.users.');
    const arr = (o: Obj, k: string): unknown[] => {
      const v = o[k];
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v)) throw bad(`${k} must be an array.`);
      return v;
    };
    const ids = (o: Obj, k: string, keywords: string[]) => {
      for (const v of arr(o, k)) {
        if (typeof v !== 'string' || (!isGuid(v) && !keywords.some((kw) => kw.toLowerCase() === v.toLowerCase()))) throw bad(`1037: The policy contains an invalid value '${String(v)}' in ${k}.`);
      }
    };
    ids(u, 'includeUsers', ['All', 'None', 'GuestsOrExternalUsers']);
    ids(u, 'excludeUsers', ['GuestsOrExternalUsers']);
    ids(u, 'includeGroups', []);
    ids(u, 'excludeGroups', []);
    ids(u, 'includeRoles', []);
    ids(u, 'excludeRoles', []);
    const usersTargeted = ['includeUsers', 'includeGroups', 'includeRoles'].some((k) => arr(u, k).length > 0) || isObject(u.includeGuestsOrExternalUsers);
    if (!usersTargeted) throw bad('1036: conditions.users must include at least one user, group, role or guest type.');
    const a = c.applications;
    if (!isObject(a)) throw bad('1036: The policy must have conditions.applications.');
    ids(a, 'includeApplications', ['All', 'None', 'Office365', 'MicrosoftAdminPortals']);
    ids(a, 'excludeApplications', ['Office365', 'MicrosoftAdminPortals']);
    const appsTargeted = ['includeApplications', 'includeUserActions', 'includeAuthenticationContextClassReferences'].some((k) => arr(a, k).length > 0) || isObject(a.applicationFilter);
    if (!appsTargeted) throw bad('1036: conditions.applications must include applications, user actions or authentication contexts.');
    for (const v of arr(c, 'clientAppTypes')) {
      if (typeof v !== 'string' || !CLIENT_APP_TYPES.includes(v)) throw bad(`Invalid clientAppTypes value '${String(v)}'.`);
    }
    if (isObject(c.locations)) {
      const named = new Set(this.namedLocations.map((n) => String(n.id).toLowerCase()));
      for (const k of ['includeLocations', 'excludeLocations']) {
        for (const v of arr(c.locations, k)) {
          if (typeof v !== 'string' || !(['all', 'alltrusted'].includes(v.toLowerCase()) || named.has(v.toLowerCase()) || v === '00000000-0000-0000-0000-000000000000')) {
            throw bad(`1037: The policy references a named location '${String(v)}' that does not exist.`);
          }
        }
      }
    }
    const g = p.grantControls;
    const s = p.sessionControls;
    if (!isObject(g) && !isObject(s)) throw bad('1039: A policy needs grantControls or sessionControls.');
    if (isObject(g)) {
      const op = g.operator;
      if (typeof op !== 'string' || !['AND', 'OR'].includes(op.toUpperCase())) throw bad("grantControls.operator must be 'AND' or 'OR'.");
      const builtIn = arr(g, 'builtInControls');
      for (const v of builtIn) {
        if (typeof v !== 'string' || !BUILT_IN_CONTROLS.includes(v)) throw bad(`Invalid builtInControls value '${String(v)}'.`);
      }
      if (builtIn.includes('block') && builtIn.length > 1) throw bad("1040: 'block' cannot be combined with other grant controls.");
      const strength = g.authenticationStrength;
      if (strength !== undefined && strength !== null) {
        if (!isObject(strength) || typeof strength.id !== 'string') throw bad('grantControls.authenticationStrength must be an object with an id.');
        const sid = strength.id.toLowerCase();
        if (!this.authStrengths.some((x) => String(x.id).toLowerCase() === sid)) throw bad(`Authentication strength '${strength.id}' does not exist.`);
        if (builtIn.includes('mfa')) throw bad("1040: 'mfa' and an authentication strength cannot be required in the same policy.");
      }
      const hasControl = builtIn.length > 0 || arr(g, 'customAuthenticationFactors').length > 0 || arr(g, 'termsOfUse').length > 0 || isObject(strength);
      if (!hasControl) throw bad('1039: grantControls must contain at least one control.');
    }
    if (p.state === 'enabled' && this.securityDefaults.isEnabled === true) {
      throw new WriteError(400, 'BadRequest', 'Conditional Access policies cannot be enabled while security defaults are enabled. Disable security defaults first (PATCH /policies/identitySecurityDefaultsEnforcementPolicy).');
    }
  }

  /** The tenant as it is now (writes included), in the snapshot format. */
  toSnapshot(): Snapshot {
    const out: Snapshot = {
      mfaguardSnapshot: 1,
      tenant: this.tenant,
      collectedAt: this.collectedAt,
      unavailable: this.unavailable,
    };
    const has = (k: string) => this.present.has(k);
    if (has('users')) out.users = this.usersCarryMfaState ? this.users.map((u) => ({ ...u, perUserMfaState: this.mfaStateOf(u.id) })) : this.users;
    if (has('groups')) out.groups = this.groups as Snapshot['groups'];
    if (has('groupMembers')) out.groupMembers = Object.fromEntries([...this.groupMembers]);
    if (has('servicePrincipals')) out.servicePrincipals = this.servicePrincipals as Snapshot['servicePrincipals'];
    if (has('roleDefinitions')) out.roleDefinitions = this.roleDefinitions as Snapshot['roleDefinitions'];
    if (has('roleAssignments')) out.roleAssignments = this.roleAssignments as Snapshot['roleAssignments'];
    if (has('roleEligibilitySchedules')) out.roleEligibilitySchedules = this.roleEligibilitySchedules as Snapshot['roleEligibilitySchedules'];
    if (has('subscriptions')) out.subscriptions = this.subscriptions as Snapshot['subscriptions'];
    if (has('azureRoleDefinitions')) out.azureRoleDefinitions = this.azureRoleDefinitions as Snapshot['azureRoleDefinitions'];
    if (has('azureRoleAssignments')) out.azureRoleAssignments = this.azureRoleAssignments as Snapshot['azureRoleAssignments'];
    if (has('classicAdministrators')) out.classicAdministrators = this.classicAdministrators as Snapshot['classicAdministrators'];
    if (has('conditionalAccessPolicies') || this.caPolicies.length) out.conditionalAccessPolicies = clone(this.caPolicies) as ConditionalAccessPolicy[];
    if (has('namedLocations')) out.namedLocations = this.namedLocations as Snapshot['namedLocations'];
    if (has('authenticationStrengthPolicies')) out.authenticationStrengthPolicies = this.authStrengths as AuthenticationStrengthPolicy[];
    if (has('securityDefaults')) out.securityDefaults = clone(this.securityDefaults) as Snapshot['securityDefaults'];
    if (has('authenticationRequirements')) {
      out.authenticationRequirements = Object.fromEntries([...this.requirementKeys].map((id) => [id, { perUserMfaState: this.mfaStateOf(id) }]));
    }
    if (has('userRegistrationDetails')) out.userRegistrationDetails = this.registration as Snapshot['userRegistrationDetails'];
    if (has('authenticationMethods')) out.authenticationMethods = Object.fromEntries([...this.authMethods]) as Snapshot['authenticationMethods'];
    if (has('signIns')) out.signIns = this.signIns;
    return out;
  }
}

/** Server-managed properties a client may send back but cannot change. */
function stripReadOnly(body: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(body)) {
    if (['id', 'createdDateTime', 'modifiedDateTime', '@odata.context', 'deletedDateTime'].includes(k)) continue;
    out[k] = v;
  }
  return out;
}

function deepMerge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch) || !isObject(target)) return clone(patch);
  for (const [k, v] of Object.entries(patch)) {
    target[k] = isObject(v) && isObject(target[k]) ? deepMerge(target[k], v) : clone(v);
  }
  return target;
}
