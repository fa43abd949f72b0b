/**
 * mfaguard's vocabulary, defined once: severities, finding statuses, coverage targets and states, the
 * words reports use for them, and terminal colours. Pure data and string helpers (no I/O), imported
 * by the core, the renderers and the CLI. The meanings are the contracts of spec/rules.md (severities,
 * statuses, resource types) and spec/coverage.md (targets, states, mechanisms).
 *
 * Format-specific encodings of a severity (SARIF level, OCSF severity_id) stay in their format
 * module: they are mappings to someone else's vocabulary, typed by `Severity` so none can be missed.
 */

// --- Severities (spec/rules.md) ---

/** Least severe first: the order `--fail-on` lists them and ranks them. */
export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** Higher is more severe. */
export const SEVERITY_RANK = Object.fromEntries(SEVERITIES.map((s, i) => [s, i + 1])) as Record<Severity, number>;
/** Most severe first: the order human reports list and sort them. */
export const SEVERITIES_MOST_SEVERE_FIRST: readonly Severity[] = [...SEVERITIES].reverse();

/** A zero count per severity (summaries count unhealthy findings by severity). */
export const severityCounts = (): Record<Severity, number> => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

// --- Findings (spec/rules.md) ---

/** The order of the report's per-rule summary counts. */
export const FINDING_STATUSES = ['healthy', 'unhealthy', 'exempt', 'notApplicable', 'unknown'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
export const STATUS_LABELS: Record<FindingStatus, string> = { healthy: 'healthy', unhealthy: 'unhealthy', exempt: 'exempt', notApplicable: 'not applicable', unknown: 'unknown' };
/** A status as a narrow count column heading. */
export const STATUS_COLUMNS: Record<FindingStatus, string> = { ...STATUS_LABELS, notApplicable: 'n/a' };

export type ResourceType = 'user' | 'tenant' | 'policy' | 'servicePrincipal';

// --- Coverage (spec/coverage.md) ---

export const TARGETS = ['azureManagement', 'azurePortal', 'adminPortals', 'office365', 'anyApp'] as const;
export type Target = (typeof TARGETS)[number];

/** A target in a sentence (coverage reasons, explain, Markdown). */
export const TARGET_LABELS: Record<Target, string> = {
  azureManagement: 'Azure management (ARM: CLI, PowerShell, IaC, SDKs)',
  azurePortal: 'Azure portal',
  adminPortals: 'Microsoft admin portals',
  office365: 'Office 365',
  anyApp: 'any app',
};
/** A target as a column or row heading (HTML report), with `TARGET_HINTS` saying what it stands for. */
export const TARGET_NAMES: Record<Target, string> = {
  azureManagement: 'Azure management', azurePortal: 'Azure portal', adminPortals: 'Admin portals', office365: 'Office 365', anyApp: 'Any app',
};
export const TARGET_HINTS: Record<Target, string> = {
  azureManagement: 'ARM: CLI, PowerShell, IaC, SDKs, REST',
  azurePortal: 'portal.azure.com, Entra admin center',
  adminPortals: 'M365, Exchange, Intune, Defender, Purview…',
  office365: 'Exchange, SharePoint, Teams…',
  anyApp: 'an ordinary app no policy names',
};

/** Strongest first: a cell takes the first state any mechanism produces. */
export const STATES = ['blocked', 'enforced', 'trustedLocationBypass', 'conditional', 'reportOnly', 'excluded', 'none'] as const;
export type CoverageState = (typeof STATES)[number];
/** Higher is stronger. */
export const STATE_RANK: Record<CoverageState, number> = Object.fromEntries(STATES.map((s, i) => [s, STATES.length - i])) as Record<CoverageState, number>;

export const HEALTHY_STATES: ReadonlySet<CoverageState> = new Set(['blocked', 'enforced', 'trustedLocationBypass']);
export const isHealthy = (s: CoverageState) => HEALTHY_STATES.has(s);

export const STATE_LABELS: Record<CoverageState, string> = {
  blocked: 'blocked', enforced: 'enforced', trustedLocationBypass: 'trusted-location bypass', conditional: 'conditional',
  reportOnly: 'report-only', excluded: 'excluded', none: 'none',
};
export const STATE_HELP: Record<CoverageState, string> = {
  blocked: 'an unconditional policy blocks access',
  enforced: 'MFA is always required',
  trustedLocationBypass: 'MFA required except from trusted locations',
  conditional: 'MFA only under narrower conditions',
  reportOnly: 'only report-only policies would require MFA',
  excluded: 'a policy would require MFA but the user or target is excluded',
  none: 'nothing requires MFA',
};

export type Mechanism = 'securityDefaults' | 'perUserMfa' | 'conditionalAccess';
export const MECHANISM_LABELS: Record<Mechanism, string> = { securityDefaults: 'security defaults', perUserMfa: 'per-user MFA', conditionalAccess: 'Conditional Access' };

// --- Guests (GuestKind, src/snapshot/model.ts) ---

/** A guest kind in a sentence. */
export const GUEST_KIND_LABELS: Record<string, string> = {
  b2bCollaborationGuest: 'B2B collaboration guest',
  b2bCollaborationMember: 'B2B collaboration member',
  internalGuest: 'internal guest',
};

/** "a" or "an" before a word (by its first letter; enough for mfaguard's own labels). */
export const withArticle = (label: string): string => `${/^[aeiou]/i.test(label) ? 'an' : 'a'} ${label}`;

// --- Rate-limit families ---

/**
 * The services' throttling families, by the short ids users see in `--log-format json` and in
 * `limits` overrides. Their limits are data in src/azure/rate-limits.ts; collection descriptors name
 * the family they are charged to.
 */
export const RATE_LIMIT_FAMILY_NAMES = ['directory', 'reports', 'signInReports', 'ca', 'arm', 'arg', 'logAnalytics'] as const;
export type FamilyName = (typeof RATE_LIMIT_FAMILY_NAMES)[number];

// --- Terminal colours ---

const ANSI = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;
export type TerminalStyle = keyof typeof ANSI;
export type Paint = (style: TerminalStyle, text: string) => string;

/** Styles text with ANSI SGR codes when `enabled` (a colour terminal), else returns it unchanged. */
export function painter(enabled: boolean): Paint {
  return enabled ? (style, text) => `\x1b[${ANSI[style]}m${text}\x1b[0m` : (_style, text) => text;
}

/** How a severity stands out in a terminal. */
export const SEVERITY_STYLE: Record<Severity, TerminalStyle> = { high: 'red', medium: 'yellow', low: 'gray' };
/** How a non-zero count of findings in a status stands out in a terminal. */
export const STATUS_STYLE: Partial<Record<FindingStatus, TerminalStyle>> = { healthy: 'green', unhealthy: 'red', unknown: 'yellow' };
/** Healthy coverage green, anything else red. */
export const stateStyle = (s: CoverageState): TerminalStyle => (isHealthy(s) ? 'green' : 'red');

// --- Display escaping (one rule for every human-facing output) ---

/**
 * Characters tenant data must never bring raw into an output: C0 controls (terminal escapes, CR, LF,
 * TAB), DEL, C1 controls (U+0080–U+009F; U+009B is a one-byte CSI on some terminals), the Unicode
 * line/paragraph separators, and bidirectional marks, embeddings, overrides and isolates (they
 * reorder what a reader sees: "Trojan Source").
 */
const UNSAFE_DISPLAY = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_DISPLAY_KEEPING_LINES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visibleEscape(c: string): string {
  const code = c.charCodeAt(0);
  return SHORT_ESCAPES[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/**
 * Tenant text made safe to show: every control or bidi character becomes its visible escape
 * (`\x1b`, `\n`, `\u202e`). Formats add their own structural escaping (HTML entities, CSV quoting,
 * Markdown punctuation) on top of this.
 */
export function escapeControls(s: string): string {
  return s.replace(UNSAFE_DISPLAY, visibleEscape);
}

/** As `escapeControls`, but LF and TAB stay: for text whose line breaks are the format's own (a JUnit body). */
export function escapeControlsKeepingLines(s: string): string {
  return s.replace(UNSAFE_DISPLAY_KEEPING_LINES, visibleEscape);
}

/** Every string inside a JSON-like value passed through `escapeControls` (keys stay). */
export function escapeControlsDeep<T>(value: T): T {
  const deep = (v: unknown): unknown => {
    if (typeof v === 'string') return escapeControls(v);
    if (Array.isArray(v)) return v.map(deep);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]));
    return v;
  };
  return deep(value) as T;
}

const UNSAFE_IN_JSON_TEXT = /[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text (from JSON.stringify, which escapes C0 already) with DEL, C1 and bidi characters written
 * as \uXXXX escapes: the same data, but no raw control byte reaches a file, a log or a terminal.
 * Safe on whole documents: these characters can only occur inside JSON strings.
 */
export function escapeJsonControls(json: string): string {
  return json.replace(UNSAFE_IN_JSON_TEXT, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
