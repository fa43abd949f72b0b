/**
 * Microsoft's Kusto language service (@kusto/language-service-next) with a Log Analytics workspace
 * holding `SigninLogs` and `AADNonInteractiveUserSignInLogs` as Azure Monitor's table reference
 * documents them (column names and types; note the columns that are `dynamic` in SigninLogs and
 * `string` in the non-interactive table). `kqlDiagnostics` parses and analyses a query (syntax and
 * semantics: unknown columns, wrong types, unknown functions) and returns its errors.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Azure Monitor table reference, SigninLogs (every column; types as documented). */
export const SIGNINLOGS_SCHEMA: Record<string, string> = {
  AADTenantId: 'string', AlternateSignInName: 'string', AppDisplayName: 'string', AppId: 'string', AppliedConditionalAccessPolicies: 'string',
  AppliedEventListeners: 'dynamic', AuthenticationContextClassReferences: 'string', AuthenticationDetails: 'string', AuthenticationMethodsUsed: 'string',
  AuthenticationProcessingDetails: 'string', AuthenticationProtocol: 'string', AuthenticationRequirement: 'string', AuthenticationRequirementPolicies: 'string',
  AutonomousSystemNumber: 'string', _BilledSize: 'real', Category: 'string', ClientAppUsed: 'string', ConditionalAccessPolicies: 'dynamic',
  ConditionalAccessStatus: 'string', CorrelationId: 'string', CreatedDateTime: 'datetime', CrossTenantAccessType: 'string', DeviceDetail: 'dynamic',
  DurationMs: 'long', FlaggedForReview: 'bool', HomeTenantId: 'string', Id: 'string', Identity: 'string', IPAddress: 'string',
  IPAddressFromResourceProvider: 'string', _IsBillable: 'string', IsInteractive: 'bool', IsRisky: 'bool', Level: 'string', Location: 'string',
  LocationDetails: 'dynamic', MfaDetail: 'dynamic', NetworkLocationDetails: 'string', OperationName: 'string', OperationVersion: 'string',
  OriginalRequestId: 'string', ProcessingTimeInMilliseconds: 'string', Resource: 'string', ResourceDisplayName: 'string', ResourceGroup: 'string',
  ResourceId: 'string', ResourceIdentity: 'string', ResourceProvider: 'string', ResourceServicePrincipalId: 'string', ResourceTenantId: 'string',
  ResultDescription: 'string', ResultSignature: 'string', ResultType: 'string', RiskDetail: 'string', RiskEventTypes: 'string', RiskEventTypes_V2: 'string',
  RiskLevel: 'string', RiskLevelAggregated: 'string', RiskLevelDuringSignIn: 'string', RiskState: 'string', ServicePrincipalId: 'string',
  ServicePrincipalName: 'string', SessionLifetimePolicies: 'string', SignInIdentifier: 'string', SignInIdentifierType: 'string', SourceSystem: 'string',
  Status: 'dynamic', TimeGenerated: 'datetime', TokenIssuerName: 'string', TokenIssuerType: 'string', Type: 'string', UniqueTokenIdentifier: 'string',
  UserAgent: 'string', UserDisplayName: 'string', UserId: 'string', UserPrincipalName: 'string', UserType: 'string',
};

/** Azure Monitor table reference, AADNonInteractiveUserSignInLogs. */
export const NONINTERACTIVE_SCHEMA: Record<string, string> = {
  AlternateSignInName: 'string', AppDisplayName: 'string', AppId: 'string', AppliedEventListeners: 'dynamic', AuthenticationContextClassReferences: 'string',
  AuthenticationDetails: 'string', AuthenticationMethodsUsed: 'string', AuthenticationProcessingDetails: 'string', AuthenticationProtocol: 'string',
  AuthenticationRequirement: 'string', AuthenticationRequirementPolicies: 'string', AutonomousSystemNumber: 'string', _BilledSize: 'real', Category: 'string',
  ClientAppUsed: 'string', ConditionalAccessPolicies: 'string', ConditionalAccessStatus: 'string', CorrelationId: 'string', CreatedDateTime: 'datetime',
  CrossTenantAccessType: 'string', DeviceDetail: 'string', DurationMs: 'long', HomeTenantId: 'string', Id: 'string', Identity: 'string', IPAddress: 'string',
  _IsBillable: 'string', IsInteractive: 'bool', IsRisky: 'bool', Level: 'string', Location: 'string', LocationDetails: 'string', MfaDetail: 'string',
  NetworkLocationDetails: 'string', OperationName: 'string', OperationVersion: 'string', OriginalRequestId: 'string', ProcessingTimeInMs: 'string',
  ResourceDisplayName: 'string', ResourceGroup: 'string', ResourceIdentity: 'string', ResourceServicePrincipalId: 'string', ResourceTenantId: 'string',
  ResultDescription: 'string', ResultSignature: 'string', ResultType: 'string', RiskDetail: 'string', RiskEventTypes: 'string', RiskEventTypes_V2: 'string',
  RiskLevelAggregated: 'string', RiskLevelDuringSignIn: 'string', RiskState: 'string', ServicePrincipalId: 'string', SessionLifetimePolicies: 'string',
  SignInEventTypes: 'string', SignInIdentifierType: 'string', SourceSystem: 'string', Status: 'string', TenantId: 'string', TimeGenerated: 'datetime',
  TokenIssuerName: 'string', TokenIssuerType: 'string', Type: 'string', UniqueTokenIdentifier: 'string', UserAgent: 'string', UserDisplayName: 'string',
  UserId: 'string', UserPrincipalName: 'string', UserType: 'string',
};

interface KustoDiagnostic { Severity: string; Code: string; Message: string; Start: number; Length: number }
interface KustoNs {
  Language: {
    Symbols: { TableSymbol: { From(schema: string): { WithName(n: string): unknown } }; DatabaseSymbol: { $ctor2: new (name: string, kind: null, tables: unknown[]) => unknown } };
    GlobalState: { Default: { WithDatabase(db: unknown): unknown } };
    KustoCode: { ParseAndAnalyze(text: string, globals: unknown): { GetDiagnostics(): { Count: number; getItem(i: number): KustoDiagnostic } } };
  };
}

let globals: unknown;
let kusto: KustoNs;

function load(): void {
  if (globals) return;
  // The Bridge.NET runtime first (it defines the global `Bridge`), then the language service on `globalThis.Kusto`.
  require('@kusto/language-service-next/bridge.js');
  require('@kusto/language-service-next/Kusto.Language.Bridge.js');
  kusto = (globalThis as unknown as { Kusto: KustoNs }).Kusto;
  const S = kusto.Language.Symbols;
  const table = (name: string, cols: Record<string, string>) => S.TableSymbol.From(`(${Object.entries(cols).map(([c, t]) => `${c}:${t}`).join(', ')})`).WithName(name);
  const db = new S.DatabaseSymbol.$ctor2('workspace', null, [table('SigninLogs', SIGNINLOGS_SCHEMA), table('AADNonInteractiveUserSignInLogs', NONINTERACTIVE_SCHEMA)]);
  globals = kusto.Language.GlobalState.Default.WithDatabase(db);
}

/** The errors (and warnings) the language service reports for a query, each with the text it points at. */
export function kqlDiagnostics(query: string): { severity: string; code: string; message: string; at: string }[] {
  load();
  const d = kusto.Language.KustoCode.ParseAndAnalyze(query, globals).GetDiagnostics();
  const out = [];
  for (let i = 0; i < d.Count; i++) {
    const x = d.getItem(i);
    out.push({ severity: x.Severity, code: x.Code, message: x.Message, at: query.slice(x.Start, x.Start + Math.max(x.Length, 1)) });
  }
  return out;
}
