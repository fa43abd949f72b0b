/** Shape check of a saved report against the report contract (spec/rules.md, src/report/report.ts). */
import { STATES, TARGETS } from '../vocabulary.js';
import type { Report } from '../report/report.js';
import { FINDING_STATUSES } from '../rules/types.js';
import { InputError } from '../errors.js';
import { SEVERITIES } from './report.js';

const RESOURCE_TYPES = ['user', 'tenant', 'policy', 'servicePrincipal'] as const;
const REFERENCE_KINDS = ['user', 'group', 'role', 'location', 'application'] as const;

type Json = Record<string, unknown>;

/** Throws an InputError naming `file` and the first key that breaks the contract. Extra keys are allowed. */
export function validateReport(doc: unknown, file: string): asserts doc is Report {
  const fail = (key: string, msg: string): never => {
    throw new InputError(msg, file, undefined, key);
  };
  const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  const obj = (v: unknown, key: string): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : fail(key, `expected an object, got ${typeName(v)}`));
  const arr = (v: unknown, key: string): unknown[] => (Array.isArray(v) ? v : fail(key, `expected an array, got ${typeName(v)}`));
  const str = (v: unknown, key: string): string => (typeof v === 'string' ? v : fail(key, `expected a string, got ${typeName(v)}`));
  const strOrNull = (v: unknown, key: string) => (v === null ? null : str(v, key));
  const bool = (v: unknown, key: string) => (typeof v === 'boolean' ? v : fail(key, `expected boolean, got ${typeName(v)}`));
  const count = (v: unknown, key: string) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fail(key, `expected a non-negative integer, got ${JSON.stringify(v) ?? typeName(v)}`));
  const oneOf = <T extends string>(v: unknown, allowed: readonly T[], key: string): T =>
    typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fail(key, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(v) ?? typeName(v)}`);
  const strings = (v: unknown, key: string) => arr(v, key).forEach((x, i) => str(x, `${key}[${i}]`));
  const date = (v: unknown, key: string) => {
    if (Number.isNaN(Date.parse(str(v, key)))) fail(key, `expected an ISO 8601 date-time, got ${JSON.stringify(v)}`);
  };

  const root = typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Json) : fail('', `expected a JSON object (an mfaguard report), got ${typeName(doc)}`);
  if (root.mfaguardReport !== 1) {
    if (root.mfaguardSnapshot !== undefined) fail('mfaguardReport', 'this is a snapshot, not a report: use "mfaguard scan --snapshot" for it');
    fail('mfaguardReport', root.mfaguardReport === undefined
      ? 'missing: not an mfaguard report (save one with: mfaguard scan --format json --output REPORT.json)'
      : `unsupported report version ${JSON.stringify(root.mfaguardReport)} (this mfaguard reads version 1)`);
  }
  const tenant = obj(root.tenant, 'tenant');
  str(tenant.id, 'tenant.id');
  strOrNull(tenant.displayName, 'tenant.displayName');
  date(root.snapshotCollectedAt, 'snapshotCollectedAt');
  date(root.generatedAt, 'generatedAt');
  if (root.generator !== undefined) {
    const g = obj(root.generator, 'generator');
    str(g.name, 'generator.name');
    str(g.version, 'generator.version');
  }

  const summary = obj(root.summary, 'summary');
  for (const [ruleId, counts] of Object.entries(obj(summary.rules, 'summary.rules'))) {
    const c = obj(counts, `summary.rules.${ruleId}`);
    for (const s of FINDING_STATUSES) count(c[s], `summary.rules.${ruleId}.${s}`);
  }
  const coverage = obj(summary.coverage, 'summary.coverage');
  for (const t of TARGETS) {
    const c = obj(coverage[t], `summary.coverage.${t}`);
    for (const s of STATES) count(c[s], `summary.coverage.${t}.${s}`);
  }

  const ruleIds = new Set<string>();
  arr(root.rules, 'rules').forEach((r, i) => {
    const k = `rules[${i}]`;
    const o = obj(r, k);
    for (const f of ['id', 'title', 'resourceType', 'origin', 'remediation']) str(o[f], `${k}.${f}`);
    for (const f of ['protectsAgainst', 'notes']) if (o[f] !== undefined) str(o[f], `${k}.${f}`);
    oneOf(o.severity, SEVERITIES, `${k}.severity`);
    strings(o.references, `${k}.references`);
    // every renderer looks a rule's counts up by its id: a rule without them cannot be shown
    if (!Object.hasOwn(summary.rules as Json, o.id as string)) fail(`${k}.id`, `rule ${JSON.stringify(o.id)} has no counts in summary.rules`);
    ruleIds.add(o.id as string);
  });
  arr(root.dataGaps, 'dataGaps').forEach((g, i) => {
    const o = obj(g, `dataGaps[${i}]`);
    str(o.key, `dataGaps[${i}].key`);
    str(o.reason, `dataGaps[${i}].reason`);
  });

  if (root.policyHygiene !== undefined) {
    arr(root.policyHygiene, 'policyHygiene').forEach((w, i) => {
      const k = `policyHygiene[${i}]`;
      const o = obj(w, k);
      for (const f of ['policyId', 'policyName', 'field', 'reference', 'message']) str(o[f], `${k}.${f}`);
      oneOf(o.kind, REFERENCE_KINDS, `${k}.kind`);
      oneOf(o.side, ['include', 'exclude'] as const, `${k}.side`);
    });
  }

  if (root.exemptions !== undefined) {
    const ex = obj(root.exemptions, 'exemptions');
    date(ex.asOf, 'exemptions.asOf');
    if (ex.file !== undefined) str(ex.file, 'exemptions.file');
    for (const list of ['expiringSoon', 'unmatched', 'expired'] as const) {
      if (ex[list] === undefined) continue;
      arr(ex[list], `exemptions.${list}`).forEach((e, i) => {
        const k = `exemptions.${list}[${i}]`;
        const o = obj(e, k);
        for (const f of ['category', 'reason', 'expires', 'source']) str(o[f], `${k}.${f}`);
        for (const f of ['resource', 'group', 'scope', 'approvedBy', 'ticket', ...(list === 'unmatched' ? ['why'] : [])]) if (o[f] !== undefined || f === 'why') str(o[f], `${k}.${f}`);
        if (o.rules !== '*') strings(o.rules, `${k}.rules`);
      });
    }
  }

  arr(root.principals, 'principals').forEach((p, i) => {
    const k = `principals[${i}]`;
    const o = obj(p, k);
    str(o.id, `${k}.id`);
    for (const f of ['userPrincipalName', 'displayName', 'userType']) strOrNull(o[f], `${k}.${f}`);
    bool(o.accountEnabled, `${k}.accountEnabled`);
    const cov = obj(o.coverage, `${k}.coverage`);
    for (const t of TARGETS) {
      const ck = `${k}.coverage.${t}`;
      const cell = obj(cov[t], ck);
      oneOf(cell.state, STATES, `${ck}.state`);
      strings(cell.mechanisms, `${ck}.mechanisms`);
      strings(cell.policies, `${ck}.policies`);
      str(cell.reason, `${ck}.reason`);
      if (cell.uncertain !== undefined) {
        const u = obj(cell.uncertain, `${ck}.uncertain`);
        oneOf(u.optimisticState, STATES, `${ck}.uncertain.optimisticState`);
        strings(u.missing, `${ck}.uncertain.missing`);
      }
    }
  });

  arr(root.findings, 'findings').forEach((f, i) => {
    const k = `findings[${i}]`;
    const o = obj(f, k);
    for (const field of ['ruleId', 'resourceId', 'resourceName', 'reason']) str(o[field], `${k}.${field}`);
    if (!ruleIds.has(o.ruleId as string)) fail(`${k}.ruleId`, `rule ${JSON.stringify(o.ruleId)} is not in rules[]; the finding would be lost`);
    oneOf(o.status, FINDING_STATUSES, `${k}.status`);
    oneOf(o.severity, SEVERITIES, `${k}.severity`);
    oneOf(o.resourceType, RESOURCE_TYPES, `${k}.resourceType`);
    obj(o.evidence, `${k}.evidence`);
  });
}
