/**
 * Sign-in evidence pushed down to a Log Analytics workspace (`scan --log-analytics WORKSPACE_ID`):
 * the same sign-in as live collection (@azure/identity, `--auth` modes, national clouds, endpoint
 * overrides), a token for the Log Analytics audience, and the analyses run as KQL in the workspace.
 */
import type { TokenCredential } from '@azure/identity';
import { AuthConfigError, createCredential, type AuthMode } from '../azure/auth.js';
import { resolveEndpoints, type CloudName } from '../azure/clouds.js';
import { UsageError } from '../errors.js';
import { LogAnalyticsSignInEvidence } from '../signins/log-analytics-evidence.js';

export interface LogAnalyticsSourceOptions {
  /** The workspace id (a GUID, "Workspace ID" on the workspace's overview page). */
  workspaceId: string;
  auth?: AuthMode | undefined;
  tenant?: string | undefined;
  clientId?: string | undefined;
  cloud?: CloudName | undefined;
  authorityHost?: string | undefined;
  /** Query API origin override (a proxy, the emulator); the token audience stays the cloud's. */
  endpoint?: string | undefined;
  /** Extra trusted CA certificates (PEM). */
  ca?: (string | Buffer)[] | undefined;
  /** A credential instead of `auth` (library callers, tests). */
  credential?: TokenCredential | undefined;
  env?: NodeJS.ProcessEnv;
  /** Ask the workspace for the evidence window first (default true): wrong credentials, workspace or access fail here, before any rule runs. */
  probe?: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function logAnalyticsEvidence(opts: LogAnalyticsSourceOptions): Promise<LogAnalyticsSignInEvidence> {
  if (!GUID.test(opts.workspaceId)) throw new UsageError(`--log-analytics needs a workspace id (a GUID), got "${opts.workspaceId}"`);
  let endpoints;
  try {
    endpoints = resolveEndpoints(opts.cloud ?? 'AzureCloud', { authorityHost: opts.authorityHost, logAnalytics: opts.endpoint });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  let credential = opts.credential;
  try {
    credential ??= await createCredential({ mode: opts.auth ?? 'default', tenant: opts.tenant, clientId: opts.clientId, endpoints, ca: opts.ca, ...(opts.env ? { env: opts.env } : {}) });
  } catch (err) {
    // a missing tenant, client id or secret is the user's to fix: exit 2 with what is missing
    if (err instanceof AuthConfigError) throw new UsageError(err.message);
    throw err;
  }
  const evidence = new LogAnalyticsSignInEvidence({
    workspaceId: opts.workspaceId, credential, endpoint: endpoints.logAnalytics, scope: endpoints.logAnalyticsScope, ...(opts.ca?.length ? { ca: opts.ca } : {}),
  });
  if (opts.probe !== false) {
    try {
      await evidence.window();
    } catch (err) {
      // sign-in refused, no access, no such workspace: the user's to fix, named before any rule runs
      throw new UsageError(`--log-analytics: cannot query workspace ${opts.workspaceId}: ${(err as Error).message}`);
    }
  }
  return evidence;
}
