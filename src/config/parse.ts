/**
 * Parsing and strict validation of the tenant configuration (spec/config.md): `mfaguard.yaml` or a
 * JSON file with the same keys, read with the `yaml` Document API so every error names the file,
 * the LINE and the key (`exemptions[2].expires`). Pure: the caller reads the bytes (src/app/config.ts).
 *
 * Strict on purpose: this file silences findings, so a typo (an unknown key, a misspelt rule id, a
 * date that does not exist) must fail the run (exit 2) rather than quietly exempt the wrong thing or
 * nothing at all.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { InputError, UsageError } from '../errors.js';
import { RULES } from '../rules/registry.js';
import { decodeText } from '../snapshot/decode.js';
import type { Exemption, ExemptionCategory, TenantConfig } from './types.js';

/** The rules that read sign-in evidence or the configuration (spec/signins.md); valid in exemptions even before they are registered. */
export const SIGN_IN_RULE_IDS = ['mandatory-mfa-readiness', 'user-automation-account', 'azure-tooling-version', 'legacy-auth-blocked', 'breakglass-phishing-resistant'] as const;

/** The rules whose exemptions may carry a `scope` (spec/config.md "Azure rules"). */
export const AZURE_RULE_IDS: readonly string[] = ['azure-owner-mfa', 'azure-write-mfa', 'azure-read-mfa'];

/** Every rule id an exemption may name: the registered catalog plus the sign-in rules. */
export function knownRuleIds(): Set<string> {
  return new Set([...RULES.map((r) => r.meta.id), ...SIGN_IN_RULE_IDS]);
}

export const CONFIG_VERSION = 1;
export const EXEMPTION_CATEGORIES: readonly ExemptionCategory[] = ['mitigated', 'riskAccepted'];
/** When an exemption does not say: the conservative kind (the risk is accepted, not claimed mitigated). */
export const DEFAULT_CATEGORY: ExemptionCategory = 'riskAccepted';

const ROOT_KEYS = ['mfaguardConfig', 'tenant', 'breakGlassAccounts', 'exemptions'] as const;
const EXEMPTION_KEYS = ['rules', 'resource', 'group', 'scope', 'category', 'reason', 'expires', 'approvedBy', 'ticket'] as const;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})?$/;

/**
 * An `expires` value as an ISO 8601 UTC instant, or undefined when it is not a real date: a date
 * alone is 00:00 UTC of that day, a date-time without a zone is UTC.
 */
export function parseExpiry(text: string): string | undefined {
  const d = DATE.exec(text);
  const m = d ?? DATE_TIME.exec(text);
  if (!m) return undefined;
  const [y, mo, da] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi, s] = d ? [0, 0, 0] : [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (mo < 1 || mo > 12 || da < 1 || da > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  // 2027-02-30 must not roll over into March
  const day = new Date(Date.UTC(y, mo - 1, da));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== da) return undefined;
  if (d) return day.toISOString();
  const zone = m[8] ?? 'Z';
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}${zone.toUpperCase()}`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** `--as-of` / `asOf`: a Date, or a date (00:00 UTC) or date-time (UTC when no zone) as text; a bad value is a UsageError. */
export function parseAsOf(value: string | Date): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new UsageError('asOf: not a valid date');
    return value.toISOString();
  }
  const iso = parseExpiry(String(value).trim());
  if (!iso) throw new UsageError(`--as-of: not a date: "${value}" (expected a date like 2027-03-31 or a date-time like 2027-03-31T18:00:00Z)`);
  return iso;
}

export interface ParseConfigOptions {
  /** Rule ids exemptions may name (default: knownRuleIds()). */
  ruleIds?: ReadonlySet<string>;
}

/** Parses configuration text (YAML or JSON); every problem is an InputError naming `file`, the line and the key. */
export function parseConfigText(text: string, file: string, opts: ParseConfigOptions = {}): TenantConfig {
  const ruleIds = opts.ruleIds ?? knownRuleIds();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, strict: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lc.linePos(offset).line);
  const nodeLine = (n: Node | null | undefined) => lineOf(n?.range?.[0]);
  const fail = (node: Node | null | undefined, key: string | undefined, msg: string, line = nodeLine(node)): never => {
    throw new InputError(msg, file, line, key);
  };

  const err = doc.errors[0];
  if (err) {
    const line = lineOf(err.pos[0]);
    const first = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    // a key written twice: name it (the text at the error's position is the second occurrence)
    const dup = err.code === 'DUPLICATE_KEY' ? /^\s*(?:"([^"\n]*)"|'([^'\n]*)'|([^:#\n]+?))\s*:/.exec(text.slice(err.pos[0]))?.slice(1).find((x) => x !== undefined) : undefined;
    throw new InputError(`not valid YAML or JSON: ${first}`, file, line, dup || undefined);
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    throw new InputError(`empty configuration: it needs at least "mfaguardConfig: ${CONFIG_VERSION}"`, file, 1, 'mfaguardConfig');
  }
  if (!isMap(root)) fail(root as Node, undefined, 'expected a mapping of keys (mfaguardConfig, tenant, breakGlassAccounts, exemptions)');
  const map = root as YAMLMap;

  const entries = (m: YAMLMap, path: string, allowed: readonly string[]): Map<string, Pair<Node, Node | null>> => {
    const out = new Map<string, Pair<Node, Node | null>>();
    for (const pair of m.items as Pair<Node, Node | null>[]) {
      const k = pair.key;
      if (isAlias(k) || isAlias(pair.value)) fail(isAlias(k) ? k : pair.value, path || undefined, 'anchors and aliases are not supported in the configuration');
      const name = isScalar(k) ? String(k.value) : undefined;
      const keyPath = name === undefined ? path : path ? `${path}.${name}` : name;
      if (name === undefined || !isScalar(k) || typeof k.value !== 'string') fail(k, keyPath || undefined, 'a key must be a plain name');
      if (!allowed.includes(name!)) fail(k, keyPath, `unknown key "${name}" (allowed: ${allowed.join(', ')})`);
      out.set(name!, pair);
    }
    return out;
  };

  const typeName = (n: Node | null | undefined) => (n == null ? 'nothing' : isMap(n) ? 'a mapping' : isSeq(n) ? 'a list' : isScalar(n) ? (n.value === null ? 'null' : typeof n.value) : 'a value');
  const str = (pair: Pair<Node, Node | null>, key: string, opts2: { numbersAsText?: boolean } = {}): string => {
    const v = pair.value;
    const where = v ?? pair.key;
    if (!isScalar(v)) return fail(where, key, `expected a string, got ${typeName(v)}`);
    const s = v as Scalar;
    if (typeof s.value === 'number' && opts2.numbersAsText && s.source !== undefined) return String(s.source);
    if (typeof s.value !== 'string') return fail(v, key, `expected a string, got ${typeName(v)}${typeof s.value === 'number' || typeof s.value === 'boolean' ? ' (quote it)' : ''}`);
    const t = s.value.trim();
    if (!t) return fail(v, key, 'must not be empty');
    return t;
  };

  const top = entries(map, '', ROOT_KEYS);
  const version = top.get('mfaguardConfig');
  if (!version) fail(map, 'mfaguardConfig', `missing: a configuration starts with "mfaguardConfig: ${CONFIG_VERSION}" (the format version)`, 1);
  const vNode = version!.value;
  if (!isScalar(vNode) || vNode.value !== CONFIG_VERSION) {
    fail(vNode ?? version!.key, 'mfaguardConfig', `unsupported format version ${isScalar(vNode) ? JSON.stringify(vNode.value) : typeName(vNode)} (this mfaguard reads version ${CONFIG_VERSION})`);
  }

  const config: { -readonly [K in keyof TenantConfig]: TenantConfig[K] } = { breakGlassAccounts: [], exemptions: [], file };
  const tenant = top.get('tenant');
  if (tenant) {
    config.tenant = str(tenant, 'tenant');
    config.tenantLine = nodeLine(tenant.key) ?? 1;
  }

  const bg = top.get('breakGlassAccounts');
  if (bg && !(isScalar(bg.value) && bg.value.value === null)) {
    if (!isSeq(bg.value)) fail(bg.value ?? bg.key, 'breakGlassAccounts', `expected a list of UPNs or object ids, got ${typeName(bg.value)}`);
    const seen = new Set<string>();
    config.breakGlassAccounts = (bg.value as { items: (Node | null)[] }).items.map((item, i) => {
      const key = `breakGlassAccounts[${i}]`;
      const s = str({ key: bg.key, value: item } as Pair<Node, Node | null>, key);
      if (seen.has(s.toLowerCase())) fail(item, key, `"${s}" is listed twice`);
      seen.add(s.toLowerCase());
      return s;
    });
  }

  const ex = top.get('exemptions');
  if (ex && !(isScalar(ex.value) && ex.value.value === null)) {
    if (!isSeq(ex.value)) fail(ex.value ?? ex.key, 'exemptions', `expected a list of exemptions, got ${typeName(ex.value)}`);
    config.exemptions = (ex.value as { items: (Node | null)[] }).items.map((item, i) => parseExemption(item, `exemptions[${i}]`));
  }
  return config;

  function parseExemption(node: Node | null, path: string): Exemption {
    if (!isMap(node)) return fail(node, path, `expected an exemption (a mapping with rules, resource or group, reason, expires), got ${typeName(node)}`);
    const e = entries(node, path, EXEMPTION_KEYS);
    const line = nodeLine(node) ?? 1;
    const need = (k: string) => e.get(k) ?? fail(node, `${path}.${k}`, `missing "${k}"${k === 'expires' ? ' (every exemption must expire: a date like 2027-03-31 or a date-time in UTC)' : ''}`);

    // rules: one id, a list of ids, or "*"
    const rulesPair = need('rules');
    let rules: string[] | '*';
    const rv = rulesPair.value;
    if (isSeq(rv)) {
      if (!rv.items.length) fail(rv, `${path}.rules`, 'an empty list exempts nothing: name rule ids or "*"');
      rules = rv.items.map((it, j) => {
        const k = `${path}.rules[${j}]`;
        const id = str({ key: rulesPair.key, value: it } as Pair<Node, Node | null>, k);
        if (id === '*') fail(it as Node, k, '"*" stands alone (rules: "*"), not inside a list');
        if (!ruleIds.has(id)) fail(it as Node, k, `unknown rule id "${id}" (known: ${[...ruleIds].join(', ')})`);
        return id;
      });
    } else {
      const id = str(rulesPair, `${path}.rules`);
      if (id === '*') rules = '*';
      else {
        if (!ruleIds.has(id)) fail(rv, `${path}.rules`, `unknown rule id "${id}" (known: ${[...ruleIds].join(', ')}, or "*")`);
        rules = [id];
      }
    }

    const resource = e.get('resource');
    const group = e.get('group');
    if (resource && group) fail(group.key, `${path}.group`, 'give either "resource" or "group", not both');
    if (!resource && !group) fail(node, `${path}.resource`, 'missing "resource" (a user UPN or object id, a policy id, the tenant id) or "group" (a group object id)');

    const scopePair = e.get('scope');
    let scope: string | undefined;
    if (scopePair) {
      scope = str(scopePair, `${path}.scope`);
      const nonAzure = rules === '*' ? ['*'] : rules.filter((r) => !AZURE_RULE_IDS.includes(r));
      if (nonAzure.length) {
        fail(scopePair.key, `${path}.scope`, `"scope" applies to the Azure rules only (${AZURE_RULE_IDS.join(', ')}); this exemption also names ${nonAzure.map((r) => `"${r}"`).join(', ')}`);
      }
      if (!scope.startsWith('/')) fail(scopePair.value, `${path}.scope`, `expected an Azure scope such as /subscriptions/<id> or /providers/Microsoft.Management/managementGroups/<id>, got "${scope}"`);
    }

    const catPair = e.get('category');
    let category = DEFAULT_CATEGORY;
    if (catPair) {
      const c = str(catPair, `${path}.category`);
      if (!EXEMPTION_CATEGORIES.includes(c as ExemptionCategory)) fail(catPair.value, `${path}.category`, `expected one of ${EXEMPTION_CATEGORIES.join(', ')}, got "${c}"`);
      category = c as ExemptionCategory;
    }

    const reason = str(need('reason'), `${path}.reason`);
    const expPair = need('expires');
    const expText = str(expPair, `${path}.expires`);
    const expires = parseExpiry(expText);
    if (!expires) fail(expPair.value, `${path}.expires`, `not a date: "${expText}" (expected a date like 2027-03-31 or a date-time like 2027-03-31T18:00:00Z)`);

    const out: Exemption = {
      rules, category, reason, expires: expires!, source: { file, line },
      ...(resource ? { resource: str(resource, `${path}.resource`) } : {}),
      ...(group ? { group: str(group, `${path}.group`) } : {}),
      ...(scope ? { scope } : {}),
    };
    const approved = e.get('approvedBy');
    if (approved) out.approvedBy = str(approved, `${path}.approvedBy`);
    const ticket = e.get('ticket');
    if (ticket) out.ticket = str(ticket, `${path}.ticket`, { numbersAsText: true });
    return out;
  }
}

/** Parses configuration bytes: UTF-8 (with or without a BOM) or UTF-16 with a BOM, as snapshots are read. */
export function parseConfigBytes(bytes: Uint8Array, file: string, opts: ParseConfigOptions = {}): TenantConfig {
  return parseConfigText(decodeText(bytes), file, opts);
}

/** Refuses a configuration written for another tenant (`tenant:` is the id or a domain of the tenant). */
export function checkConfigTenant(config: TenantConfig, tenant: { id: string; defaultDomain?: string | null | undefined }): void {
  if (!config.tenant) return;
  const want = config.tenant.toLowerCase();
  if (want === tenant.id.toLowerCase() || (tenant.defaultDomain && want === tenant.defaultDomain.toLowerCase())) return;
  throw new InputError(`this configuration is for tenant ${config.tenant}, but the snapshot is of tenant ${tenant.id}${tenant.defaultDomain ? ` (${tenant.defaultDomain})` : ''}`, config.file, config.tenantLine, 'tenant');
}
