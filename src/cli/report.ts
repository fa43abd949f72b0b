/**
 * `mfaguard report --from REPORT.json`: render a saved JSON report (from `scan --format json`) again,
 * in any format, without the snapshot and without re-evaluating. The input is validated against the
 * report contract first; a bad file exits 2 with a message naming the file and the key.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { STATES, TARGETS } from '../coverage/types.js';
import { FORMATS } from '../report/formats.js';
import { pseudonymTable, redactReport } from '../report/redact.js';
import { failsGate, type Report } from '../report/report.js';
import { FINDING_STATUSES } from '../rules/types.js';
import { InputError, UsageError } from '../errors.js';
import { forEachLine } from '../snapshot/lines.js';
import { reportOptions, writeOutputs } from './scan.js';
import { SEVERITIES } from '../vocabulary.js';

export const REPORT_HELP = `Usage: mfaguard report --from REPORT.json [options]

Render a saved JSON report (mfaguard scan --format json) again, without re-evaluating.

  --from FILE           the saved report (.json or .json.gz; "-" = standard input)
  --format FORMAT       ${FORMATS.map((f) => f.name).join(', ')} (default table); repeat for several
  --output FILE         where to write; pairs with --format in order ("-" or none = stdout)
  --fail-on SEVERITY    exit 1 if an unhealthy finding has this severity or higher (low, medium, high)
  --redact              replace names and UPNs with stable pseudonyms (object ids stay)
  --limit N             unhealthy accounts listed per rule in table and markdown (default 25)

Exit codes: 0 ok, 1 --fail-on threshold reached, 2 usage or input error.`;

const RESOURCE_TYPES = ['user', 'tenant', 'policy', 'servicePrincipal'] as const;

export async function reportCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string' },
      format: { type: 'string', multiple: true },
      output: { type: 'string', multiple: true },
      'fail-on': { type: 'string' },
      redact: { type: 'boolean' },
      limit: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(REPORT_HELP + '\n');
    return 0;
  }
  if (!values.from) throw new UsageError('missing --from REPORT.json (a report saved with: mfaguard scan --format json --output REPORT.json)');
  const { targets, failOn, limit } = reportOptions(values);

  let report = await loadReport(values.from);
  if (values.redact) {
    const table = pseudonymTable(report.principals.map((p) => ({ id: p.id, emails: p.userPrincipalName ? [p.userPrincipalName] : [] })));
    report = redactReport(report, table);
  }
  await writeOutputs(report, targets, limit);
  return failsGate(report, failOn) ? 1 : 0;
}

/** Read, parse and validate a saved report; every problem is an InputError naming the file and key. */
/** Reports larger than this are read line by line (a 1M-user report is gigabytes: no single string). */
export const LINE_READ_THRESHOLD = 128 << 20;

export async function loadReport(path: string): Promise<Report> {
  const name = path === '-' ? 'stdin' : path;
  if (path !== '-') {
    const size = await stat(path).then((s) => (s.isFile() ? s.size : 0), () => 0);
    if (size > LINE_READ_THRESHOLD) return loadReportByLines(path, name);
  }
  let bytes: Buffer;
  try {
    bytes = path === '-' ? await readStdin() : await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a JSON report file' : `cannot read (${code ?? (err as Error).message})`, name);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      throw new InputError('not a valid gzip file (truncated?)', name);
    }
  }
  let doc: unknown;
  const text = bytes.toString('utf8');
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError(`not valid JSON${jsonErrorLine(text, err as Error)}`, name);
  }
  validateReport(doc, name);
  return doc;
}

/**
 * Reads a report in the layout `mfaguard scan --format json` writes: the header, then one principal
 * per line, then one finding per line. Principals with identical coverage share one parsed object, as
 * they did when the report was made, so memory stays close to the scan's own.
 */
export async function loadReportByLines(path: string, name = path): Promise<Report> {
  const head: string[] = [];
  const principals: unknown[] = [];
  const findings: unknown[] = [];
  const coverageByText = new Map<string, unknown>();
  let section: 'head' | 'principals' | 'betweenLists' | 'findings' | 'tail' | 'done' = 'head';
  let lineNo = 0;
  const layout = (): never => {
    throw new InputError(`line ${lineNo}: not in the line layout mfaguard scan writes; a report this large must be one saved by "mfaguard scan --format json"`, name);
  };
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new InputError(`not valid JSON at line ${lineNo} (${(err as Error).message}); the file may be truncated`, name);
    }
  };
  const body = (line: string) => {
    const t = line.trim();
    return t.endsWith(',') ? t.slice(0, -1) : t;
  };
  const startFindings = (line: string) => {
    if (line === '  "findings": [') section = 'findings';
    else if (line === '  "findings": []') section = 'tail';
    else layout();
  };
  await forEachLine(path, (line) => {
    lineNo++;
    switch (section) {
      case 'head':
        if (line === '  "principals": [') section = 'principals';
        else if (line === '  "principals": [],') section = 'betweenLists';
        else head.push(line);
        return;
      case 'principals': {
        if (line === '  ],') { section = 'betweenLists'; return; }
        const text = body(line);
        const at = text.indexOf(',"coverage":{'); // quotes inside strings are escaped, so this is the property
        if (at < 0 || !text.endsWith('}')) layout();
        const rest = parse(text.slice(0, at) + '}') as Record<string, unknown>;
        const covText = text.slice(at + 12, -1);
        let coverage = coverageByText.get(covText);
        if (coverage === undefined) coverageByText.set(covText, (coverage = parse(covText)));
        principals.push({ ...rest, coverage });
        return;
      }
      case 'betweenLists': startFindings(line); return;
      case 'findings':
        if (line === '  ]') { section = 'tail'; return; }
        findings.push(parse(body(line)));
        return;
      case 'tail':
        if (line === '}') section = 'done';
        else if (line.trim() !== '') layout();
        return;
      case 'done':
        if (line.trim() !== '') layout();
    }
  });
  if ((section as string) !== 'done') throw new InputError('the report ends early; the file may be truncated', name);
  const headText = head.join('\n').replace(/,\s*$/, '') + '\n}';
  const doc = parse(headText) as Record<string, unknown>;
  doc.principals = principals;
  doc.findings = findings;
  validateReport(doc, name);
  return doc;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function jsonErrorLine(text: string, err: Error): string {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return '';
  const pos = Number(m[1]);
  const line = text.slice(0, pos).split('\n').length;
  return ` (line ${line})`;
}

type Json = Record<string, unknown>;

/** Shape check of the report contract (spec/rules.md, src/report/report.ts). Extra keys are allowed. */
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

  arr(root.rules, 'rules').forEach((r, i) => {
    const k = `rules[${i}]`;
    const o = obj(r, k);
    for (const f of ['id', 'title', 'resourceType', 'origin', 'remediation']) str(o[f], `${k}.${f}`);
    oneOf(o.severity, SEVERITIES, `${k}.severity`);
    strings(o.references, `${k}.references`);
  });
  arr(root.dataGaps, 'dataGaps').forEach((g, i) => {
    const o = obj(g, `dataGaps[${i}]`);
    str(o.key, `dataGaps[${i}].key`);
    str(o.reason, `dataGaps[${i}].reason`);
  });

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
    oneOf(o.status, FINDING_STATUSES, `${k}.status`);
    oneOf(o.severity, SEVERITIES, `${k}.severity`);
    oneOf(o.resourceType, RESOURCE_TYPES, `${k}.resourceType`);
    obj(o.evidence, `${k}.evidence`);
  });
}
