/**
 * National clouds: where to sign in, where Microsoft Graph, Azure Resource Manager and the Log Analytics
 * query API live. (Entra ID national cloud deployments; Graph national cloud endpoints; ARM and Azure
 * Monitor endpoints per cloud.)
 */
export type CloudName = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';

export interface CloudEndpoints {
  name: CloudName;
  /** Microsoft Entra authority host (token endpoint lives below it). */
  authorityHost: string;
  /** Microsoft Graph base URL, without a version segment. */
  graph: string;
  /** Azure Resource Manager base URL. */
  arm: string;
  /** Log Analytics query API base URL (`/v1/workspaces/{id}/query`). */
  logAnalytics: string;
}

export const CLOUDS: Record<CloudName, CloudEndpoints> = {
  AzureCloud: {
    name: 'AzureCloud',
    authorityHost: 'https://login.microsoftonline.com',
    graph: 'https://graph.microsoft.com',
    arm: 'https://management.azure.com',
    logAnalytics: 'https://api.loganalytics.io',
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    authorityHost: 'https://login.microsoftonline.us',
    graph: 'https://graph.microsoft.us',
    arm: 'https://management.usgovcloudapi.net',
    logAnalytics: 'https://api.loganalytics.us',
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    authorityHost: 'https://login.chinacloudapi.cn',
    graph: 'https://microsoftgraph.chinacloudapi.cn',
    arm: 'https://management.chinacloudapi.cn',
    logAnalytics: 'https://api.loganalytics.azure.cn',
  },
};

export function isCloudName(s: string): s is CloudName {
  return Object.hasOwn(CLOUDS, s);
}

/** Hosts Microsoft itself runs; any other authority host skips MSAL's instance discovery (which would call out). */
export function isKnownAuthorityHost(host: string): boolean {
  const h = new URL(host).host.toLowerCase();
  return Object.values(CLOUDS).some((c) => new URL(c.authorityHost).host === h) || h === 'login.microsoft.com' || h === 'login.windows.net';
}

export interface ResolvedEndpoints extends CloudEndpoints {
  /** OAuth scope for Graph (`<origin>/.default`). */
  graphScope: string;
  /** OAuth scope for ARM. */
  armScope: string;
  /** OAuth scope for the Log Analytics query API. */
  logAnalyticsScope: string;
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');

/** Cloud defaults with per-endpoint overrides (an emulator, a proxy, a private cloud). */
export function resolveEndpoints(cloud: CloudName, overrides: { authorityHost?: string | undefined; graph?: string | undefined; arm?: string | undefined; logAnalytics?: string | undefined } = {}): ResolvedEndpoints {
  const base = CLOUDS[cloud];
  const check = (what: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw new Error(`${what} is not a URL: ${v}`);
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`${what} must be an http(s) URL: ${v}`);
    return trimSlash(v);
  };
  const graph = check('--graph-endpoint', overrides.graph) ?? base.graph;
  const arm = check('--arm-endpoint', overrides.arm) ?? base.arm;
  const logAnalytics = check('--log-analytics-endpoint', overrides.logAnalytics) ?? base.logAnalytics;
  const authorityHost = check('--authority-host', overrides.authorityHost) ?? base.authorityHost;
  // Tokens are for the cloud's Graph / ARM resource even when the requests go to an override (a
  // gateway, a proxy, the emulator): the audience names the API, not the host that serves it.
  return {
    name: cloud, authorityHost, graph, arm, logAnalytics,
    graphScope: `${base.graph}/.default`, armScope: `${base.arm}/.default`, logAnalyticsScope: `${base.logAnalytics}/.default`,
  };
}
