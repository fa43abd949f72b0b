/**
 * The OData subset Graph's directory endpoints accept: `$filter` (parsed to an AST and evaluated in
 * memory), `$select`, `$top`, `$skiptoken`, `$count`, `$orderby`, `$search` (displayName only).
 *
 * Supported `$filter` grammar (what the collector and remediation use, plus the common admin forms):
 *   expr     := or
 *   or       := and ('or' and)*
 *   and      := unary ('and' unary)*
 *   unary    := 'not' unary | '(' expr ')' | startswith(path, lit) | endswith(path, lit)
 *             | path op lit | path 'in' '(' lit (',' lit)* ')' | path '/any(' v ':' v op lit ')'
 *   op       := eq | ne | gt | ge | lt | le
 *   lit      := 'string' ('' escapes) | true | false | null | number | ISO datetime | GUID
 *   path     := name ('/' name)*
 * Directory objects (users, groups, servicePrincipals) treat `ne`, `not`, `endswith` and `eq null` as
 * advanced queries that need `$count=true` and `ConsistencyLevel: eventual`, like Graph.
 * String comparisons are case-insensitive, like the directory.
 */
import { hash53 } from './util.js';

export type Lit = string | number | boolean | null;
export type Op = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterNode =
  | { t: 'and' | 'or'; a: FilterNode; b: FilterNode }
  | { t: 'not'; a: FilterNode }
  | { t: 'cmp'; path: string[]; op: Op; v: Lit }
  | { t: 'in'; path: string[]; vs: Lit[] }
  | { t: 'fn'; fn: 'startswith' | 'endswith'; path: string[]; v: string }
  | { t: 'any'; path: string[]; op: Op; v: Lit };

export class ODataError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}

type Tok = { k: 'id' | 'str' | 'num' | 'punct' | 'lit'; v: string };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= s.length) throw new ODataError('BadRequest', 'Invalid filter clause: unterminated string literal.');
        if (s[i] === "'") {
          if (s[i + 1] === "'") { v += "'"; i += 2; continue; }
          i++;
          break;
        }
        v += s[i++];
      }
      out.push({ k: 'str', v });
      continue;
    }
    if ('(),:/'.includes(c)) { out.push({ k: 'punct', v: c }); i++; continue; }
    // datetimes, GUIDs and numbers: a run of [0-9A-Za-z.:+-] starting with a digit or '-'
    const dt = /^\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:\d{2})?/.exec(s.slice(i));
    if (dt) { out.push({ k: 'lit', v: dt[0] }); i += dt[0].length; continue; }
    const guid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/.exec(s.slice(i));
    if (guid) { out.push({ k: 'lit', v: guid[0] }); i += guid[0].length; continue; }
    const num = /^-?\d+(\.\d+)?/.exec(s.slice(i));
    if (num) { out.push({ k: 'num', v: num[0] }); i += num[0].length; continue; }
    const id = /^[A-Za-z_@$][A-Za-z0-9_.@#]*/.exec(s.slice(i));
    if (id) { out.push({ k: 'id', v: id[0] }); i += id[0].length; continue; }
    throw new ODataError('BadRequest', `Invalid filter clause: syntax error at position ${i} in '${s}'.`);
  }
  return out;
}

const OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

export function parseFilter(text: string): FilterNode {
  const toks = tokenize(text);
  let p = 0;
  const peek = () => toks[p];
  const isKw = (kw: string) => peek()?.k === 'id' && peek()!.v.toLowerCase() === kw;
  const expectP = (v: string) => {
    const t = toks[p++];
    if (!t || t.k !== 'punct' || t.v !== v) throw new ODataError('BadRequest', `Invalid filter clause: expected '${v}' in '${text}'.`);
  };
  const lit = (): Lit => {
    const t = toks[p++];
    if (!t) throw new ODataError('BadRequest', `Invalid filter clause: missing value in '${text}'.`);
    if (t.k === 'str') return t.v;
    if (t.k === 'num') return Number(t.v);
    if (t.k === 'lit') return t.v;
    if (t.k === 'id') {
      const v = t.v.toLowerCase();
      if (v === 'true') return true;
      if (v === 'false') return false;
      if (v === 'null') return null;
    }
    throw new ODataError('BadRequest', `Invalid filter clause: unexpected '${t.v}' in '${text}'.`);
  };
  const path = (): string[] => {
    const t = toks[p++];
    if (!t || t.k !== 'id') throw new ODataError('BadRequest', `Invalid filter clause: expected a property in '${text}'.`);
    const parts = [t.v];
    while (peek()?.k === 'punct' && peek()!.v === '/' && toks[p + 1]?.k === 'id' && toks[p + 1]!.v.toLowerCase() !== 'any') {
      p++;
      parts.push(toks[p++]!.v);
    }
    return parts;
  };
  const op = (): Op => {
    const t = toks[p++];
    const v = t?.v.toLowerCase();
    if (!t || t.k !== 'id' || !v || !OPS.has(v)) throw new ODataError('BadRequest', `Invalid filter clause: expected an operator in '${text}'.`);
    return v as Op;
  };
  const unary = (): FilterNode => {
    if (isKw('not')) { p++; return { t: 'not', a: unary() }; }
    const t = peek();
    if (t?.k === 'punct' && t.v === '(') { p++; const e = or(); expectP(')'); return e; }
    if (t?.k === 'id' && (t.v.toLowerCase() === 'startswith' || t.v.toLowerCase() === 'endswith') && toks[p + 1]?.v === '(') {
      const fn = t.v.toLowerCase() as 'startswith' | 'endswith';
      p += 2;
      const pa = path();
      expectP(',');
      const v = lit();
      expectP(')');
      if (typeof v !== 'string') throw new ODataError('BadRequest', `Invalid filter clause: ${fn} needs a string in '${text}'.`);
      return { t: 'fn', fn, path: pa, v };
    }
    const pa = path();
    if (peek()?.k === 'punct' && peek()!.v === '/' && toks[p + 1]?.k === 'id' && toks[p + 1]!.v.toLowerCase() === 'any') {
      p += 2;
      expectP('(');
      const v1 = toks[p++];
      expectP(':');
      const v2 = toks[p++];
      if (!v1 || !v2 || v1.k !== 'id' || v2.k !== 'id' || v1.v !== v2.v) throw new ODataError('BadRequest', `Invalid filter clause: bad lambda in '${text}'.`);
      const o = op();
      const v = lit();
      expectP(')');
      return { t: 'any', path: pa, op: o, v };
    }
    if (isKw('in')) {
      p++;
      expectP('(');
      const vs: Lit[] = [lit()];
      while (peek()?.k === 'punct' && peek()!.v === ',') { p++; vs.push(lit()); }
      expectP(')');
      return { t: 'in', path: pa, vs };
    }
    const o = op();
    return { t: 'cmp', path: pa, op: o, v: lit() };
  };
  const and = (): FilterNode => {
    let a = unary();
    while (isKw('and')) { p++; a = { t: 'and', a, b: unary() }; }
    return a;
  };
  const or = (): FilterNode => {
    let a = and();
    while (isKw('or')) { p++; a = { t: 'or', a, b: and() }; }
    return a;
  };
  const node = or();
  if (p < toks.length) throw new ODataError('BadRequest', `Invalid filter clause: unexpected '${toks[p]!.v}' in '${text}'.`);
  return node;
}

/** Every property path a filter reads, and whether it uses an advanced-query construct. */
export function filterInfo(node: FilterNode): { paths: string[][]; advanced: string | undefined } {
  const paths: string[][] = [];
  let advanced: string | undefined;
  const walk = (n: FilterNode) => {
    switch (n.t) {
      case 'and': case 'or': walk(n.a); walk(n.b); break;
      case 'not': advanced ??= 'not'; walk(n.a); break;
      case 'cmp':
        paths.push(n.path);
        if (n.op === 'ne') advanced ??= 'ne';
        if (n.v === null) advanced ??= 'eq null';
        break;
      case 'in': paths.push(n.path); break;
      case 'fn': paths.push(n.path); if (n.fn === 'endswith') advanced ??= 'endsWith'; break;
      case 'any': paths.push(n.path); break;
    }
  };
  walk(node);
  return { paths, advanced };
}

function getPath(obj: Record<string, unknown>, path: string[], get: (o: Record<string, unknown>, k: string) => unknown): unknown {
  let cur: unknown = obj;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = get(cur as Record<string, unknown>, k);
  }
  return cur;
}

function norm(v: unknown): unknown {
  return typeof v === 'string' ? v.toLowerCase() : v;
}

function compare(a: unknown, op: Op, b: Lit): boolean {
  if (a === undefined) a = null;
  if (op === 'eq') return norm(a) === norm(b);
  if (op === 'ne') return norm(a) !== norm(b);
  if (a === null || b === null) return false;
  let x: number | string;
  let y: number | string;
  if (typeof a === 'number' && typeof b === 'number') { x = a; y = b; }
  else {
    const da = Date.parse(String(a));
    const db = Date.parse(String(b));
    if (!Number.isNaN(da) && !Number.isNaN(db)) { x = da; y = db; }
    else { x = String(a).toLowerCase(); y = String(b).toLowerCase(); }
  }
  switch (op) {
    case 'gt': return x > y;
    case 'ge': return x >= y;
    case 'lt': return x < y;
    case 'le': return x <= y;
  }
}

/** Case-insensitive property read (Graph accepts any casing of property names in queries). */
export function getCI(o: Record<string, unknown>, k: string): unknown {
  if (k in o) return o[k];
  const lk = k.toLowerCase();
  for (const key of Object.keys(o)) if (key.toLowerCase() === lk) return o[key];
  return undefined;
}

export function evalFilter(node: FilterNode, obj: Record<string, unknown>, get: (o: Record<string, unknown>, k: string) => unknown = getCI): boolean {
  switch (node.t) {
    case 'and': return evalFilter(node.a, obj, get) && evalFilter(node.b, obj, get);
    case 'or': return evalFilter(node.a, obj, get) || evalFilter(node.b, obj, get);
    case 'not': return !evalFilter(node.a, obj, get);
    case 'cmp': return compare(getPath(obj, node.path, get), node.op, node.v);
    case 'in': {
      const v = norm(getPath(obj, node.path, get) ?? null);
      return node.vs.some((x) => norm(x) === v);
    }
    case 'fn': {
      const v = getPath(obj, node.path, get);
      if (typeof v !== 'string') return false;
      return node.fn === 'startswith' ? v.toLowerCase().startsWith(node.v.toLowerCase()) : v.toLowerCase().endsWith(node.v.toLowerCase());
    }
    case 'any': {
      const arr = getPath(obj, node.path, get);
      return Array.isArray(arr) && arr.some((x) => compare(x, node.op, node.v));
    }
  }
}

/** Query options are case-insensitive in Graph (`$Top`, `$SELECT`); also accepted without `$` on v1.0/beta. */
export function qp(q: URLSearchParams, name: string): string | null {
  const want = name.toLowerCase();
  for (const [k, v] of q) {
    const lk = k.toLowerCase();
    if (lk === want || lk === want.replace(/^\$/, '')) return v;
  }
  return null;
}

/** Opaque continuation token: offset plus a fingerprint of the query it belongs to. */
export function encodeSkipToken(offset: number, fingerprint: string): string {
  return Buffer.from(`mfe1:${offset}:${fingerprint}`).toString('base64url');
}

export function decodeSkipToken(token: string, fingerprint: string): number {
  let text: string;
  try {
    text = Buffer.from(token, 'base64url').toString('utf8');
  } catch {
    text = '';
  }
  const m = /^mfe1:(\d+):(.*)$/.exec(text);
  if (!m) throw new ODataError('Request_BadRequest', 'Invalid or expired skip token.');
  if (m[2] !== fingerprint) throw new ODataError('Request_BadRequest', 'The skip token does not belong to this query.');
  return Number(m[1]);
}

/** Fingerprint of a path and its query without the continuation parameters. */
export function queryFingerprint(path: string, q: URLSearchParams, drop: string[]): string {
  const dropSet = new Set(drop.map((d) => d.toLowerCase()));
  const parts = [...q].filter(([k]) => !dropSet.has(k.toLowerCase())).map(([k, v]) => `${k.toLowerCase()}=${v}`).sort();
  return hash53(`${path.toLowerCase()}?${parts.join('&')}`).toString(36);
}

/** The raw query string without the named parameters (keeps the client's own encoding). */
export function rawQueryWithout(raw: string, drop: string[]): string {
  const dropSet = new Set(drop.map((d) => d.toLowerCase()));
  return raw
    .split('&')
    .filter((kv) => {
      if (!kv) return false;
      const k = decodeURIComponent(kv.split('=')[0]!.replace(/\+/g, ' ')).toLowerCase();
      return !dropSet.has(k);
    })
    .join('&');
}

/** `$select` list (trimmed, non-empty) or undefined. */
export function parseSelect(q: URLSearchParams): string[] | undefined {
  const s = qp(q, '$select');
  if (s === null) return undefined;
  const list = s.split(',').map((x) => x.trim()).filter(Boolean);
  return list.length ? list : undefined;
}
