/**
 * Emulator writes added for remediation's registration campaign: the tenant's authentication methods
 * policy (`GET`/`PATCH /policies/authenticationMethodsPolicy`), validated the way Graph validates it
 * (unknown properties and bad enum values are Graph's 400 error shape) and kept in memory so later
 * reads see the change.
 */
import { WriteError, type Obj } from './tenant-state.js';
import { clone, isObject } from './util.js';

const TOP_LEVEL = ['id', 'displayName', 'description', 'lastModifiedDateTime', 'policyVersion', 'policyMigrationState', 'registrationEnforcement', 'reportSuspiciousActivitySettings', 'systemCredentialPreferences', 'authenticationMethodConfigurations'];
const CAMPAIGN = ['snoozeDurationInDays', 'enforceRegistrationAfterAllowedSnoozes', 'state', 'excludeTargets', 'includeTargets'];
const STATES = ['default', 'enabled', 'disabled', 'unknownFutureValue'];
const TARGET_TYPES = ['user', 'group', 'unknownFutureValue'];

export function defaultAuthenticationMethodsPolicy(): Obj {
  return {
    id: 'authenticationMethodsPolicy', displayName: 'Authentication Methods Policy', description: 'The tenant-wide policy that controls which authentication methods are allowed in the tenant, authentication method registration requirements, and self-service password reset settings',
    lastModifiedDateTime: '2026-01-01T00:00:00Z', policyVersion: '1.5', policyMigrationState: 'migrationComplete',
    registrationEnforcement: { authenticationMethodsRegistrationCampaign: { snoozeDurationInDays: 1, enforceRegistrationAfterAllowedSnoozes: true, state: 'default', excludeTargets: [], includeTargets: [{ id: 'all_users', targetType: 'group', targetedAuthenticationMethod: 'microsoftAuthenticator' }] } },
  };
}

const bad = (m: string) => new WriteError(400, 'BadRequest', m);

/** PATCH semantics of Graph for this entity: top-level complex properties are replaced as given. */
export function patchAuthenticationMethodsPolicy(current: Obj, body: unknown): { before: Obj; after: Obj } {
  if (!isObject(body)) throw bad('Empty Payload. JSON content expected.');
  for (const k of Object.keys(body)) if (!TOP_LEVEL.includes(k) && !k.startsWith('@odata.')) throw bad(`The property '${k}' does not exist on type 'microsoft.graph.authenticationMethodsPolicy'. Make sure to only use property names that are defined by the type.`);
  const enforcement = body.registrationEnforcement;
  if (enforcement !== undefined) {
    if (!isObject(enforcement)) throw bad("Cannot convert the literal to the expected type 'microsoft.graph.registrationEnforcement'.");
    for (const k of Object.keys(enforcement)) if (k !== 'authenticationMethodsRegistrationCampaign') throw bad(`The property '${k}' does not exist on type 'microsoft.graph.registrationEnforcement'.`);
    const c = enforcement.authenticationMethodsRegistrationCampaign;
    if (c !== undefined) {
      if (!isObject(c)) throw bad("Cannot convert the literal to the expected type 'microsoft.graph.authenticationMethodsRegistrationCampaign'.");
      for (const k of Object.keys(c)) if (!CAMPAIGN.includes(k)) throw bad(`The property '${k}' does not exist on type 'microsoft.graph.authenticationMethodsRegistrationCampaign'.`);
      if (c.state !== undefined && !STATES.includes(String(c.state))) throw bad(`Requested value '${String(c.state)}' was not found.`);
      if (c.snoozeDurationInDays !== undefined && (typeof c.snoozeDurationInDays !== 'number' || c.snoozeDurationInDays < 0 || c.snoozeDurationInDays > 14)) throw bad('snoozeDurationInDays must be between 0 and 14.');
      for (const key of ['includeTargets', 'excludeTargets'] as const) {
        const list = c[key];
        if (list === undefined) continue;
        if (!Array.isArray(list)) throw bad(`Cannot convert the literal to a collection for property '${key}'.`);
        for (const t of list) if (!isObject(t) || typeof t.id !== 'string' || !TARGET_TYPES.includes(String(t.targetType))) throw bad(`Invalid target in '${key}': each needs an id and a targetType of ${TARGET_TYPES.join(', ')}.`);
      }
    }
  }
  const before = clone(current);
  Object.assign(current, clone(body), { lastModifiedDateTime: new Date().toISOString() });
  return { before, after: clone(current) };
}

/** Counts Graph writes and says which ones fail (`failWrites` of the emulator options). */
export class WriteFaults {
  private n = 0;
  constructor(private readonly failAt: ReadonlySet<number>) {}
  /** Call once per write; true when this write must fail. */
  next(): boolean {
    this.n++;
    return this.failAt.has(this.n);
  }
}
