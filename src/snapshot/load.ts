/**
 * Snapshot reader for both layouts of spec/snapshot.md: one JSON file, or a directory with
 * `manifest.json` plus one `<key>.ndjson` per large collection (streamed line by line). Either may be
 * gzip-compressed; compression is detected from the content, not the file name.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors.js';
import { forEachLine } from './lines.js';
import { decodeText } from './decode.js';
import { describeType, snapshotKeyKind, uniqueField, validateItem, type ItemSchema, type KeyKind, type Where } from './schema.js';
import type { Snapshot } from './types.js';

export interface LoadResult {
  snapshot: Snapshot;
  /** Things a user should know but that do not stop evaluation (unknown keys, ignored files). */
  warnings: string[];
}

export async function loadSnapshot(path: string): Promise<LoadResult> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new InputError('snapshot not found (expected a .json/.json.gz file or a snapshot directory)', path);
  }
  return info.isDirectory() ? loadDirectory(path) : loadSingleFile(path);
}

function isGzip(buf: Buffer): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/** The text of a file: gzip detected by content, then UTF-8 or UTF-16 by byte order mark (decode.ts). */
async function readMaybeGzip(file: string): Promise<string> {
  const raw = await readFile(file);
  if (!isGzip(raw)) return decodeText(raw);
  let plain: Buffer;
  try {
    plain = gunzipSync(raw);
  } catch (err) {
    throw new InputError(`cannot decompress gzip data (${(err as Error).message}); the file may be truncated`, file);
  }
  return decodeText(plain);
}

const END_OF_INPUT = /Unexpected end of JSON input/;

/**
 * Where JSON.parse gave up. V8 says "at position N" for most errors but not for "Unexpected token"
 * (Node 20), so then find the shortest prefix that fails for a reason other than running out of input.
 */
export function jsonErrorOffset(text: string, msg: string): number {
  const pos = /position (\d+)/.exec(msg);
  if (pos) return Number(pos[1]);
  if (END_OF_INPUT.test(msg)) return text.length;
  const failsBefore = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return false;
    } catch (err) {
      const m = (err as Error).message;
      if (END_OF_INPUT.test(m)) return false;
      const p = /position (\d+)/.exec(m);
      return !p || Number(p[1]) < n;
    }
  };
  let lo = 0;
  let hi = text.length; // invariant: the prefix of length hi fails inside, the prefix of length lo does not
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (failsBefore(mid)) hi = mid;
    else lo = mid;
  }
  return hi - 1;
}

/** Turns V8's parse error into a line number so the user can find the problem. */
function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const line = text.slice(0, jsonErrorOffset(text, msg)).split('\n').length;
    const shown = msg.replace(/\s*\(line \d+ column \d+\)/, '').replace(/\s*\n\s*/g, ' ');
    throw new InputError(`not valid JSON (${shown})`, file, line);
  }
}

export async function loadSingleFile(file: string): Promise<LoadResult> {
  const text = await readMaybeGzip(file);
  const doc = parseJson(text, file);
  return parseSnapshotObject(doc, basename(file));
}

/** Validates an already-parsed single-file snapshot (also used by tests and importers). */
export function parseSnapshotObject(doc: unknown, file = 'snapshot'): LoadResult {
  const notes = new Notes();
  const snapshot = parseSnapshotInto(doc, file, notes);
  return { snapshot, warnings: notes.list() };
}

function parseSnapshotInto(doc: unknown, file: string, notes: Notes): Snapshot {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InputError(`a snapshot must be a JSON object, got ${describeType(doc)}`, file);
  }
  const snapshot = readHeader(doc as Record<string, unknown>, file);
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (isHeaderKey(key)) continue;
    const kind = snapshotKeyKind(key);
    if (!kind) {
      // defineProperty: a key named "__proto__" is kept as data, not turned into a prototype
      Object.defineProperty((snapshot.extra ??= {}), key, { value, enumerable: true, writable: true, configurable: true });
      notes.add(`${file}: unknown top-level key "${key}" ignored`);
      continue;
    }
    (snapshot as unknown as Record<string, unknown>)[key] = validateKey(key, kind, value, file, notes);
  }
  return snapshot;
}

/**
 * Warnings, each said once: a value of an open enumeration we do not know is reported per
 * collection, field and value with the number of items, not once per item (a million users).
 */
class Notes {
  private readonly counts = new Map<string, number>();
  add(message: string): void {
    this.counts.set(message, (this.counts.get(message) ?? 0) + 1);
  }
  readonly warn = (message: string, file: string | undefined, key: string): void => {
    this.add(`${file ?? 'snapshot'}: ${key.replace(/\[\d+\]/g, '[]')}: ${message}`);
  };
  list(): string[] {
    return [...this.counts].map(([m, n]) => (n > 1 ? `${m} (${n} items)` : m));
  }
}

/**
 * Ids seen so far in one array collection. Only a Set on the common path (a 1M-user load must not
 * pay for more); on a duplicate, `firstAt` finds where the id was first seen so the error names both.
 */
class UniqueIds {
  private readonly seen = new Set<string>();
  constructor(private readonly key: string, private readonly field: string, private readonly firstAt: (id: string) => string) {}
  check(item: unknown, file: string, line: number | undefined, keyAt: () => string): void {
    const id = (item as Record<string, unknown>)[this.field];
    if (typeof id !== 'string') return;
    const size = this.seen.size;
    this.seen.add(id);
    if (this.seen.size === size) {
      throw new InputError(`duplicate ${this.field} ${JSON.stringify(id)} in "${this.key}": also at ${this.firstAt(id)}; each object must be listed once`, file, line, `${keyAt()}.${this.field}`);
    }
  }
}

/** The tenant fields the model reads (own domains decide who is external). */
const TENANT_SCHEMA: ItemSchema = {
  displayName: 'string', defaultDomain: 'string', cloud: 'string',
  verifiedDomains: 'array',
};

const HEADER_KEYS = new Set(['mfaguardSnapshot', 'tenant', 'collectedAt', 'unavailable', 'counts', 'reusedCollections']);
const isHeaderKey = (k: string) => HEADER_KEYS.has(k);

function readHeader(doc: Record<string, unknown>, file: string): Snapshot {
  const version = doc.mfaguardSnapshot;
  if (version === undefined) {
    throw new InputError('missing "mfaguardSnapshot": this does not look like an mfaguard snapshot', file, undefined, 'mfaguardSnapshot');
  }
  if (version !== 1) {
    throw new InputError(`unsupported snapshot format version ${JSON.stringify(version)} (this mfaguard reads version 1)`, file, undefined, 'mfaguardSnapshot');
  }
  const tenant = doc.tenant;
  if (typeof tenant !== 'object' || tenant === null || Array.isArray(tenant)) {
    throw new InputError(`expected an object with "id", got ${describeType(tenant)}`, file, undefined, 'tenant');
  }
  if (typeof (tenant as Record<string, unknown>).id !== 'string') {
    throw new InputError('expected a string tenant id', file, undefined, 'tenant.id');
  }
  validateItem(tenant, TENANT_SCHEMA, { file, keyPrefix: 'tenant' });
  const collectedAt = doc.collectedAt;
  if (typeof collectedAt !== 'string' || Number.isNaN(Date.parse(collectedAt))) {
    throw new InputError(`expected an ISO-8601 time, got ${JSON.stringify(collectedAt)}`, file, undefined, 'collectedAt');
  }
  const unavailable = doc.unavailable ?? {};
  if (typeof unavailable !== 'object' || unavailable === null || Array.isArray(unavailable)) {
    throw new InputError(`expected an object, got ${describeType(unavailable)}`, file, undefined, 'unavailable');
  }
  for (const [k, v] of Object.entries(unavailable)) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw new InputError(`expected an object like {"status": 403, "code": "...", "message": "..."}, got ${describeType(v)}`, file, undefined, `unavailable.${k}`);
    }
  }
  readCounts(doc, file);
  const reused = doc.reusedCollections;
  if (reused !== undefined) {
    if (typeof reused !== 'object' || reused === null || Array.isArray(reused)) {
      throw new InputError(`expected an object like {"userRegistrationDetails": {"collectedAt": "..."}}, got ${describeType(reused)}`, file, undefined, 'reusedCollections');
    }
    for (const [k, v] of Object.entries(reused)) {
      const at = (v as { collectedAt?: unknown } | null)?.collectedAt;
      if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) throw new InputError(`expected {"collectedAt": "<ISO-8601 time>"}, got ${JSON.stringify(v)}`, file, undefined, `reusedCollections.${k}`);
    }
  }
  return {
    mfaguardSnapshot: 1,
    tenant: tenant as Snapshot['tenant'],
    collectedAt,
    unavailable: unavailable as Snapshot['unavailable'],
    ...(reused !== undefined ? { reusedCollections: reused as Snapshot['reusedCollections'] } : {}),
  };
}

function validateKey(key: string, kind: KeyKind, value: unknown, file: string, notes: Notes): unknown {
  if (kind.kind === 'array') {
    if (!Array.isArray(value)) throw new InputError(`expected an array, got ${describeType(value)}`, file, undefined, key);
    const field = uniqueField(kind);
    const ids = field ? new UniqueIds(key, field, (id) => `${key}[${value.findIndex((v) => (v as Record<string, unknown>)[field] === id)}]`) : undefined;
    value.forEach((item, i) => {
      const keyAt = () => `${key}[${i}]`;
      validateItem(item, kind.item, { file, keyPrefix: keyAt, warn: notes.warn }, kind.refine);
      ids?.check(item, file, undefined, keyAt);
    });
    return value;
  }
  if (kind.kind === 'object') {
    validateItem(value, kind.item, { file, keyPrefix: key, warn: notes.warn }, kind.refine);
    return value;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(`expected an object keyed by id, got ${describeType(value)}`, file, undefined, key);
  }
  for (const [id, entry] of Object.entries(value)) validateMapValue(kind, entry, { file, keyPrefix: `${key}.${id}`, warn: notes.warn });
  return value;
}

function validateMapValue(kind: Extract<KeyKind, { kind: 'map' }>, entry: unknown, where: Where & { keyPrefix: string }): void {
  if (kind.value === 'array') {
    if (!Array.isArray(entry)) throw new InputError(`expected an array, got ${describeType(entry)}`, where.file, where.line, where.keyPrefix);
    entry.forEach((item, i) => validateItem(item, kind.item, { ...where, keyPrefix: () => `${where.keyPrefix}[${i}]` }, kind.refine));
  } else {
    validateItem(entry, kind.item, where, kind.refine);
  }
}

/**
 * `counts` (optional, directory layout): the number of lines its writer put in each NDJSON file, so a
 * file cut at a line boundary (a full disk, an interrupted copy) is refused instead of loading as a
 * smaller tenant.
 */
function readCounts(doc: Record<string, unknown>, file: string): Record<string, number> | undefined {
  const counts = doc.counts;
  if (counts === undefined) return undefined;
  if (typeof counts !== 'object' || counts === null || Array.isArray(counts)) {
    throw new InputError(`expected an object of line counts per collection, got ${describeType(counts)}`, file, undefined, 'counts');
  }
  for (const [k, v] of Object.entries(counts)) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new InputError(`expected a non-negative whole number, got ${JSON.stringify(v) ?? describeType(v)}`, file, undefined, `counts.${k}`);
    }
  }
  return counts as Record<string, number>;
}

async function findFile(dir: string, names: string[]): Promise<string | undefined> {
  for (const name of names) {
    try {
      if ((await stat(join(dir, name))).isFile()) return join(dir, name);
    } catch {
      /* not there: try the next name */
    }
  }
  return undefined;
}

export async function loadDirectory(dir: string): Promise<LoadResult> {
  const manifestPath = await findFile(dir, ['manifest.json', 'manifest.json.gz']);
  if (!manifestPath) throw new InputError('a snapshot directory needs a manifest.json', dir);
  const manifestName = basename(manifestPath);
  const manifest = parseJson(await readMaybeGzip(manifestPath), manifestName);
  const notes = new Notes();
  const snapshot = parseSnapshotInto(manifest, manifestName, notes);
  const target = snapshot as unknown as Record<string, unknown>;
  const counts = readCounts(manifest as Record<string, unknown>, manifestName);
  const linesRead = new Map<string, { name: string; lines: number }>();

  const files = (await readdir(dir)).sort();
  for (const name of files) {
    const m = /^(.+)\.ndjson(\.gz)?$/.exec(name);
    if (!m) continue;
    const key = m[1]!;
    const kind = snapshotKeyKind(key);
    if (!kind || kind.kind === 'object') {
      notes.add(`${name}: not a snapshot collection, ignored`);
      continue;
    }
    if (target[key] !== undefined) {
      throw new InputError(`"${key}" is given both in ${manifestName} and in ${name}; keep one`, name, undefined, key);
    }
    const read = await readNdjson(join(dir, name), name, key, kind, notes);
    target[key] = read.value;
    linesRead.set(key, { name, lines: read.lines });
  }
  for (const [key, expected] of Object.entries(counts ?? {})) {
    const got = linesRead.get(key);
    if (!got) {
      if (target[key] !== undefined) continue; // kept in the manifest itself
      throw new InputError(`lists ${expected} "${key}" lines but ${key}.ndjson is missing; the snapshot is incomplete`, manifestName, undefined, `counts.${key}`);
    }
    if (got.lines !== expected) {
      throw new InputError(`has ${got.lines} lines but ${manifestName} counts ${expected}; the file is truncated or was edited`, got.name, undefined, key);
    }
  }
  return { snapshot, warnings: notes.list() };
}

/** The collection and its number of non-blank lines. */
async function readNdjson(path: string, name: string, key: string, kind: Exclude<KeyKind, { kind: 'object' }>, notes: Notes): Promise<{ value: unknown; lines: number }> {
  const out: unknown[] = [];
  const map: Record<string, unknown> = {};
  const field = uniqueField(kind);
  const lineOf: number[] = []; // the line of each item, for naming the first of two duplicates
  const ids = field ? new UniqueIds(key, field, (id) => `line ${lineOf[out.findIndex((v) => (v as Record<string, unknown>)[field] === id)]}`) : undefined;
  let lineNo = 0;
  let lines = 0;
  const handle = (text: string) => {
    lineNo++;
    if (text.trim() === '') return;
    lines++;
    let item: unknown;
    try {
      item = JSON.parse(text);
    } catch (err) {
      throw new InputError(`not valid JSON (${(err as Error).message}); the file may be truncated`, name, lineNo);
    }
    if (kind.kind === 'array') {
      const index = out.length;
      const keyAt = () => `${key}[${index}]`;
      validateItem(item, kind.item, { file: name, line: lineNo, keyPrefix: keyAt, warn: notes.warn }, kind.refine);
      ids?.check(item, name, lineNo, keyAt);
      out.push(item);
      if (ids) lineOf.push(lineNo);
    } else {
      if (typeof item !== 'object' || item === null || typeof (item as { key?: unknown }).key !== 'string' || !('value' in item)) {
        throw new InputError(`expected {"key": "<id>", "value": ...} for map-shaped "${key}"`, name, lineNo);
      }
      const entry = item as { key: string; value: unknown };
      validateMapValue(kind, entry.value, { file: name, line: lineNo, keyPrefix: `${key}.${entry.key}`, warn: notes.warn });
      map[entry.key] = entry.value;
    }
  };
  try {
    await forEachLine(path, handle);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`cannot read (${(err as Error).message}); the file may be truncated`, name, lineNo || undefined);
  }
  return { value: kind.kind === 'array' ? out : map, lines };
}
