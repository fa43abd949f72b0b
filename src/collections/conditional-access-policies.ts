/**
 * `conditionalAccessPolicies`: every CA policy (beta: all condition types). Conditional Access allows
 * 1 request / s per tenant for all apps, hence its own family.
 */
import type { EnumType, FieldType, ItemRefinement, ItemSchema } from '../snapshot/schema.js';
import type { CollectionDescriptor } from './descriptor.js';

const stringLists = (prefix: string, names: string[]): ItemSchema =>
  Object.fromEntries(names.map((n) => [`${prefix}.${n}`, 'string[]' as FieldType]));

/** Closed: any other state would be read as disabled, hiding an enforced policy (Graph: conditionalAccessPolicyState). */
const STATE: EnumType = { oneOf: ['enabled', 'disabled', 'enabledForReportingButNotEnforced'], closed: true };
/** Closed: the grant's logic; anything else would be read as AND. */
const OPERATOR: EnumType = { oneOf: ['AND', 'OR'], closed: true };
/** Open: Graph's conditionalAccessGrantControl is evolvable (unknownFutureValue); an unknown control is not MFA, as the model reads it. */
const BUILT_IN_CONTROLS: EnumType = {
  oneOf: ['block', 'mfa', 'compliantDevice', 'domainJoinedDevice', 'approvedApplication', 'compliantApplication', 'passwordChange', 'riskRemediation', 'unknownFutureValue'],
  closed: false, shape: 'list',
};
/** Open: conditionalAccessGuestOrExternalUserTypes is an evolvable flags enum, written comma-separated. */
const GUEST_TYPES: EnumType = {
  oneOf: ['none', 'internalGuest', 'b2bCollaborationGuest', 'b2bCollaborationMember', 'b2bDirectConnectUser', 'otherExternalUser', 'serviceProvider', 'unknownFutureValue'],
  closed: false, shape: 'commaList',
};

/** With more than one control, the operator decides whether MFA can be avoided: it must be given. */
const operatorWhenNeeded: ItemRefinement = (policy) => {
  const g = policy.grantControls as Record<string, unknown> | null | undefined;
  if (!g) return undefined;
  const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  const controls = count(g.builtInControls) + count(g.customAuthenticationFactors) + count(g.termsOfUse) + (g.authenticationStrength ? 1 : 0);
  if (controls > 1 && (g.operator === undefined || g.operator === null)) {
    return { key: 'grantControls.operator', message: 'required with more than one grant control: "AND" or "OR"' };
  }
  return undefined;
};

export const conditionalAccessPolicies: CollectionDescriptor = {
  key: 'conditionalAccessPolicies',
  family: 'ca',
  storage: 'file',
  source: { kind: 'graphList', version: 'beta', path: '/identity/conditionalAccess/policies', checkpoint: 'whole' },
  schema: {
    kind: 'array',
    item: {
      // `conditions` is always present in Graph; null would be read as "applies to nobody".
      'id!': 'string', displayName: 'string', state: STATE, 'conditions!': 'object', grantControls: 'object',
      createdDateTime: 'string', modifiedDateTime: 'string',
      'conditions.users': 'object', 'conditions.applications': 'object', 'conditions.clientAppTypes': 'string[]',
      'conditions.platforms': 'object', 'conditions.locations': 'object', 'conditions.devices': 'object',
      'conditions.signInRiskLevels': 'string[]', 'conditions.userRiskLevels': 'string[]', 'conditions.insiderRiskLevels': 'string|string[]',
      'conditions.users.includeGuestsOrExternalUsers': 'object', 'conditions.users.excludeGuestsOrExternalUsers': 'object',
      'conditions.users.includeGuestsOrExternalUsers.guestOrExternalUserTypes': GUEST_TYPES,
      'conditions.users.excludeGuestsOrExternalUsers.guestOrExternalUserTypes': GUEST_TYPES,
      ...stringLists('conditions.users', ['includeUsers', 'excludeUsers', 'includeGroups', 'excludeGroups', 'includeRoles', 'excludeRoles']),
      ...stringLists('conditions.applications', ['includeApplications', 'excludeApplications', 'includeUserActions', 'includeAuthenticationContextClassReferences']),
      ...stringLists('conditions.locations', ['includeLocations', 'excludeLocations']),
      ...stringLists('conditions.platforms', ['includePlatforms', 'excludePlatforms']),
      'grantControls.operator': OPERATOR, 'grantControls.builtInControls': BUILT_IN_CONTROLS,
      'grantControls.customAuthenticationFactors': 'string[]', 'grantControls.termsOfUse': 'string[]',
      'grantControls.authenticationStrength': 'object',
    },
    refine: operatorWhenNeeded,
  },
};
