/**
 * Static facts about one Conditional Access policy, independent of any user: which targets it reaches,
 * whether its grant really requires MFA, and which conditions narrow it (coverage.md).
 */
import type { AuthenticationStrengthPolicy, ConditionalAccessPolicy } from '../snapshot/types.js';
import { norm, type DataGap, type DirectoryModel } from '../snapshot/model.js';
import { AZURE_MANAGEMENT_APP, BUILTIN_AUTH_STRENGTHS, LEGACY_MFA_TRUSTED_IPS_LOCATION } from '../snapshot/wellknown.js';
import { TARGETS, type Target, type Tri } from './types.js';

export type PolicyState = 'enabled' | 'reportOnly' | 'disabled';
export type Reach = 'included' | 'excludedApp' | 'no';
export type ConditionKind = 'unconditional' | 'trustedLocationBypass' | 'conditional';

export interface GrantFacts {
  blocks: boolean;
  /** Whether satisfying the grant always takes MFA (operator semantics applied). */
  requiresMfa: Tri;
  /** Mentions MFA (built-in `mfa` or an authentication strength) whether or not it can be dodged. */
  mentionsMfa: boolean;
  description: string;
  /** Why MFA can be avoided, when it mentions MFA but does not require it. */
  weakness?: string;
  strengthName?: string;
  gaps: DataGap[];
}

export interface ConditionFacts {
  /** Reading with unknowns resolved pessimistically / optimistically. */
  kind: ConditionKind;
  optimisticKind: ConditionKind;
  /** Human phrases for each narrowing condition. */
  narrowing: string[];
  /** Named (trusted) locations that are exempt, for the trusted-location bypass explanation. */
  trustedExclusions: string[];
  riskOnly: boolean;
  gaps: DataGap[];
}

export interface PolicyFacts {
  policy: ConditionalAccessPolicy;
  id: string;
  name: string;
  state: PolicyState;
  /** Set when the policy can never cover a user's app sign-in (user actions, workload identities, legacy clients only). */
  ignoredBecause?: string;
  reach: Record<Target, Reach>;
  /** The application entry that excluded the target, when reach is `excludedApp`. */
  appExclusion: Partial<Record<Target, string>>;
  grant: GrantFacts;
  conditions: ConditionFacts;
}

const lowerSet = (xs: (string | null | undefined)[] | null | undefined) => new Set((xs ?? []).map((x) => norm(x)));

export function policyState(p: ConditionalAccessPolicy): PolicyState {
  const s = norm(p.state);
  if (s === 'enabled') return 'enabled';
  if (s === 'enabledforreportingbutnotenforced') return 'reportOnly';
  return 'disabled';
}

const APP_LABELS: Record<string, string> = {
  [AZURE_MANAGEMENT_APP]: 'Windows Azure Service Management API',
  microsoftadminportals: 'Microsoft Admin Portals',
  office365: 'Office 365',
  all: 'All resources',
};
export const appLabel = (id: string) => APP_LABELS[norm(id)] ?? id;

export function targetReach(p: ConditionalAccessPolicy): { reach: Record<Target, Reach>; appExclusion: Partial<Record<Target, string>> } {
  const apps = p.conditions?.applications;
  const inc = lowerSet(apps?.includeApplications);
  const exc = lowerSet(apps?.excludeApplications);
  const reach = {} as Record<Target, Reach>;
  const appExclusion: Partial<Record<Target, string>> = {};
  const decide = (t: Target, includedBy: string[], excludedBy: string[]) => {
    if (inc.has('none') || !includedBy.some((a) => inc.has(a))) return (reach[t] = 'no');
    const hit = excludedBy.find((a) => exc.has(a));
    if (hit) {
      appExclusion[t] = appLabel(hit);
      return (reach[t] = 'excludedApp');
    }
    return (reach[t] = 'included');
  };
  decide('azureManagement', ['all', AZURE_MANAGEMENT_APP], [AZURE_MANAGEMENT_APP]);
  decide('azurePortal', ['all', AZURE_MANAGEMENT_APP, 'microsoftadminportals'], [AZURE_MANAGEMENT_APP, 'microsoftadminportals']);
  decide('adminPortals', ['all', 'microsoftadminportals'], ['microsoftadminportals']);
  decide('office365', ['all', 'office365'], ['office365']);
  decide('anyApp', ['all'], []); // excluding other apps does not uncover "an ordinary app no policy names"
  return { reach, appExclusion };
}

/** Single methods that are multifactor on their own (authenticationMethodModes). */
const MULTIFACTOR_SINGLE_METHODS = new Set([
  'windowshelloforbusiness', 'fido2', 'x509certificatemultifactor', 'devicebasedpush', 'temporaryaccesspassonetime',
  'temporaryaccesspassmultiuse', 'federatedmultifactor',
]);

function combinationIsMfa(combo: string): boolean {
  const parts = combo.split(',').map((s) => norm(s.trim())).filter(Boolean);
  return parts.length >= 2 || (parts.length === 1 && MULTIFACTOR_SINGLE_METHODS.has(parts[0]!));
}

/** Does an authentication strength demand MFA? Looks the strength up by id when it was not expanded inline. */
export function strengthSatisfiesMfa(
  ref: AuthenticationStrengthPolicy | { id: string },
  model: DirectoryModel,
): { tri: Tri; name: string; gap?: DataGap } {
  let strength = ref as AuthenticationStrengthPolicy;
  if (strength.requirementsSatisfied === undefined && strength.allowedCombinations === undefined) {
    const found = (model.snapshot.authenticationStrengthPolicies ?? []).find((s) => norm(s.id) === norm(ref.id));
    if (found) strength = found;
    else if (BUILTIN_AUTH_STRENGTHS.has(norm(ref.id))) return { tri: 'yes', name: BUILTIN_AUTH_STRENGTHS.get(norm(ref.id))! };
    else if (!model.has('authenticationStrengthPolicies')) {
      return {
        tri: 'unknown', name: ref.id,
        gap: model.gap('authenticationStrengthPolicies')
          ?? { key: 'authenticationStrengthPolicies', reason: `authentication strength ${ref.id} cannot be resolved: authenticationStrengthPolicies was not collected` },
      };
    } else {
      // Entra refuses to delete a strength in use, so an id we cannot find is a data problem, not "no MFA":
      // read it both ways (coverage.md, authentication strengths that cannot be resolved).
      return { tri: 'unknown', name: `${ref.id} (not found among the tenant's authentication strengths)`,
        gap: { key: 'authenticationStrengthPolicies', reason: `authentication strength ${ref.id} is not among the tenant's authentication strengths, so whether it requires MFA cannot be resolved` } };
    }
  }
  const name = strength.displayName ?? strength.id;
  if (typeof strength.requirementsSatisfied === 'string') {
    return { tri: norm(strength.requirementsSatisfied).split(',').map((s) => s.trim()).includes('mfa') ? 'yes' : 'no', name };
  }
  const combos = strength.allowedCombinations ?? [];
  return { tri: combos.length > 0 && combos.every(combinationIsMfa) ? 'yes' : 'no', name };
}

export function grantFacts(p: ConditionalAccessPolicy, model: DirectoryModel): GrantFacts {
  const g = p.grantControls;
  if (!g) {
    return { blocks: false, requiresMfa: 'no', mentionsMfa: false, description: 'no grant controls (session controls only)', weakness: 'session-only policy: it grants no control, so it never demands MFA', gaps: [] };
  }
  const builtIn = (g.builtInControls ?? []).map((c) => norm(c));
  if (builtIn.includes('block')) {
    return { blocks: true, requiresMfa: 'no', mentionsMfa: builtIn.includes('mfa'), description: 'block access', gaps: [] };
  }
  // Every grant control with whether it is an MFA-type control.
  // Names keep Graph's spelling (compliantDevice) for readable explanations; comparisons use lower case.
  const controls: { name: string; mfa: Tri }[] = (g.builtInControls ?? []).map((c) => ({ name: c, mfa: norm(c) === 'mfa' ? 'yes' : 'no' }));
  for (const c of g.customAuthenticationFactors ?? []) controls.push({ name: `custom control ${c}`, mfa: 'no' });
  for (const t of g.termsOfUse ?? []) controls.push({ name: `terms of use ${t}`, mfa: 'no' });
  const gaps: DataGap[] = [];
  let strengthName: string | undefined;
  if (g.authenticationStrength && typeof g.authenticationStrength === 'object' && g.authenticationStrength.id) {
    const s = strengthSatisfiesMfa(g.authenticationStrength, model);
    strengthName = s.name;
    if (s.gap) gaps.push(s.gap);
    controls.push({ name: `authentication strength '${s.name}'`, mfa: s.tri });
  }
  const mentionsMfa = builtIn.includes('mfa') || strengthName !== undefined;
  const operator = norm(g.operator) === 'or' ? 'OR' : 'AND';
  const description = controls.length ? controls.map((c) => c.name).join(` ${operator} `) : 'no controls';
  let requiresMfa: Tri;
  if (!controls.length) requiresMfa = 'no';
  else if (operator === 'OR' && controls.length > 1) {
    requiresMfa = controls.every((c) => c.mfa === 'yes') ? 'yes' : controls.some((c) => c.mfa === 'no') ? 'no' : 'unknown';
  } else {
    requiresMfa = controls.some((c) => c.mfa === 'yes') ? 'yes' : controls.some((c) => c.mfa === 'unknown') ? 'unknown' : 'no';
  }
  let weakness: string | undefined;
  if (requiresMfa === 'no') {
    const weak = controls.filter((c) => c.mfa === 'no').map((c) => c.name);
    if (mentionsMfa && operator === 'OR') weakness = `MFA can be avoided: the grant is "${description}", and ${weak.join(', ')} satisfies it without MFA`;
    else if ((g.customAuthenticationFactors ?? []).length) weakness = 'custom controls (legacy third-party MFA) do not count as Entra MFA';
    else if (strengthName && !builtIn.includes('mfa')) weakness = `authentication strength '${strengthName}' does not require MFA`;
  }
  return { blocks: false, requiresMfa, mentionsMfa, description, gaps, ...(weakness ? { weakness } : {}), ...(strengthName ? { strengthName } : {}) };
}

const MODERN = ['browser', 'mobileappsanddesktopclients'];

export function conditionFacts(p: ConditionalAccessPolicy, model: DirectoryModel): ConditionFacts & { legacyOnly: boolean } {
  const c = p.conditions ?? {};
  const narrowing: string[] = [];
  const gaps: DataGap[] = [];
  let legacyOnly = false;

  const clientTypes = lowerSet(c.clientAppTypes);
  if (clientTypes.size && !clientTypes.has('all')) {
    const modern = MODERN.filter((m) => clientTypes.has(m));
    if (modern.length === 0) legacyOnly = true;
    else if (modern.length === 1) narrowing.push(`only ${modern[0] === 'browser' ? 'browser' : 'mobile app and desktop client'} sign-ins`);
  }

  const platforms = c.platforms;
  if (platforms) {
    const inc = lowerSet(platforms.includePlatforms);
    const exc = [...lowerSet(platforms.excludePlatforms)];
    if (inc.size && !(inc.has('all') && exc.length === 0)) {
      narrowing.push(inc.has('all') ? `all platforms except ${exc.join(', ')}` : `only on ${[...inc].join(', ')}`);
    } else if (!inc.size && exc.length) narrowing.push(`all platforms except ${exc.join(', ')}`);
  }

  const risk: string[] = [];
  if ((c.signInRiskLevels ?? []).length) risk.push(`sign-in risk ${c.signInRiskLevels!.join('/')}`);
  if ((c.userRiskLevels ?? []).length) risk.push(`user risk ${c.userRiskLevels!.join('/')}`);
  const insider = Array.isArray(c.insiderRiskLevels) ? c.insiderRiskLevels.join(',') : c.insiderRiskLevels ?? '';
  if (insider.trim()) risk.push(`insider risk ${insider}`);
  narrowing.push(...risk.map((r) => `only at ${r}`));

  const devices = c.devices;
  if (devices?.deviceFilter?.rule) narrowing.push(`device filter (${devices.deviceFilter.mode ?? 'include'}: ${devices.deviceFilter.rule})`);
  const incDev = lowerSet(devices?.includeDevices);
  if ((incDev.size && !incDev.has('all')) || (devices?.excludeDevices ?? []).length) narrowing.push('device state condition');
  if ((c.authenticationFlows?.transferMethods ?? '').trim()) narrowing.push(`only for authentication flows ${c.authenticationFlows!.transferMethods}`);
  if (c.applications?.applicationFilter?.rule) narrowing.push(`application filter (${c.applications.applicationFilter.mode ?? 'include'}: ${c.applications.applicationFilter.rule})`);

  // Locations: "everywhere except trusted locations" is its own state; anything else narrows.
  let locKind: 'none' | 'trusted' | 'maybeTrusted' = 'none';
  const trustedExclusions: string[] = [];
  const loc = c.locations;
  if (loc) {
    const inc = lowerSet(loc.includeLocations);
    const exc = [...lowerSet(loc.excludeLocations)];
    if (inc.size && !inc.has('all')) {
      narrowing.push(`only from locations ${[...inc].map((l) => locationLabel(l, model)).join(', ')}`);
    } else if (!inc.size && !exc.length) {
      /* no location condition */
    } else if (exc.length) {
      let untrusted = false;
      let unknown = false;
      for (const l of exc) {
        const t = locationTrusted(l, model);
        if (t === 'yes') trustedExclusions.push(locationLabel(l, model));
        else if (t === 'no') untrusted = true;
        else unknown = true;
      }
      if (untrusted) narrowing.push(`not from locations ${exc.map((l) => locationLabel(l, model)).join(', ')} (not all of them trusted)`);
      else if (unknown) {
        locKind = 'maybeTrusted';
        const g = model.gap('namedLocations');
        if (g) gaps.push(g);
      } else locKind = 'trusted';
    }
  }

  const narrowed = narrowing.length > 0;
  const kind: ConditionKind = narrowed ? 'conditional' : locKind === 'trusted' ? 'trustedLocationBypass' : locKind === 'maybeTrusted' ? 'conditional' : 'unconditional';
  const optimisticKind: ConditionKind = narrowed ? 'conditional' : locKind === 'none' ? 'unconditional' : 'trustedLocationBypass';
  if (locKind === 'maybeTrusted' && !narrowed) narrowing.push('not from excluded locations whose trust could not be checked');
  return { kind, optimisticKind, narrowing, trustedExclusions, riskOnly: risk.length > 0, gaps, legacyOnly };
}

function locationTrusted(id: string, model: DirectoryModel): Tri {
  if (id === 'alltrusted' || id === LEGACY_MFA_TRUSTED_IPS_LOCATION) return 'yes';
  const named = (model.snapshot.namedLocations ?? []).find((l) => norm(l.id) === id);
  if (named) return named.isTrusted === true ? 'yes' : 'no';
  return model.has('namedLocations') ? 'no' : 'unknown';
}

function locationLabel(id: string, model: DirectoryModel): string {
  if (id === 'alltrusted') return 'all trusted locations';
  if (id === LEGACY_MFA_TRUSTED_IPS_LOCATION) return 'MFA trusted IPs';
  const named = (model.snapshot.namedLocations ?? []).find((l) => norm(l.id) === id);
  return named?.displayName ? `'${named.displayName}'` : id;
}

export function analyzePolicy(p: ConditionalAccessPolicy, model: DirectoryModel): PolicyFacts {
  const apps = p.conditions?.applications;
  const { reach, appExclusion } = targetReach(p);
  const grant = grantFacts(p, model);
  const { legacyOnly, ...conditions } = conditionFacts(p, model);
  let ignoredBecause: string | undefined;
  const client = p.conditions?.clientApplications;
  const users = p.conditions?.users;
  const targetsWorkloads = (client?.includeServicePrincipals ?? []).length > 0 || (client?.includeAgentIdServicePrincipals ?? []).length > 0;
  const targetsUsers = !!users && [users.includeUsers, users.includeGroups, users.includeRoles].some((l) => (l ?? []).some((x) => norm(x) !== 'none'))
    || !!users?.includeGuestsOrExternalUsers;
  if (targetsWorkloads && !targetsUsers) ignoredBecause = 'targets workload identities, not users';
  else if (!(apps?.includeApplications ?? []).length && ((apps?.includeUserActions ?? []).length || (apps?.includeAuthenticationContextClassReferences ?? []).length)) {
    ignoredBecause = (apps?.includeUserActions ?? []).length
      ? `applies to user actions (${apps!.includeUserActions!.join(', ')}), not to app sign-ins`
      : `applies only when an app requests authentication context ${apps!.includeAuthenticationContextClassReferences!.join(', ')}`;
  } else if (legacyOnly) ignoredBecause = 'applies only to legacy authentication clients, which cannot do MFA';
  if (ignoredBecause) for (const t of TARGETS) reach[t] = 'no';
  return {
    policy: p,
    id: p.id,
    name: p.displayName ?? p.id,
    state: policyState(p),
    ...(ignoredBecause ? { ignoredBecause } : {}),
    reach,
    appExclusion,
    grant,
    conditions,
  };
}
