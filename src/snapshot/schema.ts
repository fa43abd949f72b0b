/**
 * What each snapshot key must look like. Validation is deliberately shallow but typed where the
 * engine reads: a wrong type there would otherwise turn into a silently wrong verdict.
 */
import { COLLECTIONS } from '../collections/index.js';
import { InputError } from '../errors.js';

export type PlainType = 'string' | 'boolean' | 'number' | 'object' | 'array' | 'string[]' | 'object[]' | 'string|string[]';

/**
 * An enumeration the model reads (compared case-insensitively, as the model does). `closed`: any other
 * value is an InputError, because the model would silently read it as something else (a policy
 * `state` of "bogus" as disabled). `open`: Graph documents the enumeration as evolvable
 * (`unknownFutureValue`), so a value we do not know is a warning, not a refusal. `shape`: one value,
 * a list of values, or a comma-separated string of values (Graph's flag enums).
 */
export interface EnumType {
  oneOf: readonly string[];
  closed: boolean;
  shape?: 'value' | 'list' | 'commaList';
}

/** An array whose elements are objects, each checked against its own schema. */
export interface EachType {
  each: ItemSchema;
}

export type FieldType = PlainType | EnumType | EachType;
/** `name!` = required; dotted names reach into nested objects (validated only when the parent is present), except `@odata.*` annotations. */
export type ItemSchema = Record<string, FieldType>;

/** A check across fields of one item; returns the key (relative to the item) and the problem, or nothing. */
export type ItemRefinement = (item: Record<string, unknown>) => { key: string; message: string } | undefined;

export type KeyKind =
  /** `uniqueBy`: the field that must not repeat (default: a required `id`); false where repeats are legitimate. */
  | { kind: 'array'; item: ItemSchema; refine?: ItemRefinement; uniqueBy?: string | false }
  | { kind: 'map'; value: 'array' | 'object'; item: ItemSchema; refine?: ItemRefinement }
  | { kind: 'object'; item: ItemSchema; refine?: ItemRefinement };

/** The field whose value must be unique within an array collection: `uniqueBy`, else a required `id`. */
export function uniqueField(kind: KeyKind): string | undefined {
  if (kind.kind !== 'array') return undefined;
  if (kind.uniqueBy === false) return undefined;
  return kind.uniqueBy ?? (Object.hasOwn(kind.item, 'id!') ? 'id' : undefined);
}

/**
 * Every snapshot key: the collected ones from their descriptors (src/collections/, one file each, so
 * a new collection brings its schema along, `signIns` included), and the sign-in window, which the
 * sign-in collection or an importer writes to the manifest (spec/signins.md).
 */
export const SNAPSHOT_KEYS: Record<string, KeyKind> = {
  ...Object.fromEntries(COLLECTIONS.flatMap((c) => (c.schema ? [[c.key, c.schema]] : []))),
  signInsWindow: { kind: 'object', item: { from: 'string', to: 'string' } },
};

/** The kind of a snapshot key, or undefined for a key we do not know (own properties only: `constructor` is not a key). */
export function snapshotKeyKind(key: string): KeyKind | undefined {
  return Object.hasOwn(SNAPSHOT_KEYS, key) ? SNAPSHOT_KEYS[key] : undefined;
}

export const MANIFEST_ONLY_KEYS = ['mfaguardSnapshot', 'tenant', 'collectedAt', 'unavailable', 'counts', 'reusedCollections'] as const;

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function matches(value: unknown, type: PlainType): boolean {
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'boolean': return typeof value === 'boolean';
    case 'number': return typeof value === 'number';
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array': return Array.isArray(value);
    case 'string[]': return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'object[]': return Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
    case 'string|string[]': return typeof value === 'string' || matches(value, 'string[]');
  }
}

function get(obj: unknown, path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

interface CompiledField {
  name: string;
  path: string[];
  parentPath: string[];
  required: boolean;
  type: FieldType;
}

/** Field paths parsed once per schema, not once per item (a million items per collection is normal). */
const compiled = new WeakMap<ItemSchema, CompiledField[]>();
function compile(schema: ItemSchema): CompiledField[] {
  let fields = compiled.get(schema);
  if (!fields) {
    fields = Object.entries(schema).map(([rawName, type]) => {
      const required = rawName.endsWith('!');
      const name = required ? rawName.slice(0, -1) : rawName;
      // An OData annotation (`@odata.type`) is one property whose name holds a dot, not a nested path.
      const path = name.startsWith('@') ? [name] : name.split('.');
      return { name, path, parentPath: path.slice(0, -1), required, type };
    });
    compiled.set(schema, fields);
  }
  return fields;
}

/** Allowed values as spelled (the fast path: no lower-casing, no allocation) and lower-cased. */
const allowedSets = new WeakMap<EnumType, { exact: Set<string>; lower: Set<string> }>();
function allowedOf(type: EnumType): { exact: Set<string>; lower: Set<string> } {
  let sets = allowedSets.get(type);
  if (!sets) allowedSets.set(type, (sets = { exact: new Set(type.oneOf), lower: new Set(type.oneOf.map((v) => v.toLowerCase())) }));
  return sets;
}
const isAllowed = (v: string, sets: { exact: Set<string>; lower: Set<string> }) => sets.exact.has(v) || sets.lower.has(v.toLowerCase());

/** The values of an enum field, or a type problem. */
function enumValues(value: unknown, type: EnumType): string[] | string {
  switch (type.shape ?? 'value') {
    case 'value': return typeof value === 'string' ? [value] : `expected one of ${type.oneOf.join(', ')}, got ${describeType(value)}`;
    case 'list': return matches(value, 'string[]') ? (value as string[]) : `expected string[], got ${describeType(value)}${Array.isArray(value) ? ' with non-string elements' : ''}`;
    case 'commaList': return typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter((v) => v !== '') : `expected a comma-separated string, got ${describeType(value)}`;
  }
}

export interface Where {
  file?: string;
  line?: number;
  keyPrefix: string | (() => string);
  /** Where a value of an open enumeration that we do not know is reported (ignored when absent). */
  warn?: (message: string, file: string | undefined, key: string) => void;
}

/**
 * Checks one item against its schema. `where` locates the item for the error message
 * (e.g. key prefix `users[3]` for a single file, or file+line for NDJSON); the prefix may be a
 * function so the common (valid) case builds no strings.
 */
export function validateItem(item: unknown, schema: ItemSchema, where: Where, refine?: ItemRefinement): void {
  const at = (suffix: string) => {
    const prefix = typeof where.keyPrefix === 'function' ? where.keyPrefix() : where.keyPrefix;
    return prefix ? (suffix ? `${prefix}.${suffix}` : prefix) : suffix;
  };
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new InputError(`expected an object, got ${describeType(item)}`, where.file, where.line, at(''));
  }
  for (const field of compile(schema)) {
    const parent = field.parentPath.length ? get(item, field.parentPath) : item;
    if (parent === undefined || parent === null) continue; // optional parent absent: nothing to check
    const value = typeof parent === 'object' && !Array.isArray(parent) ? (parent as Record<string, unknown>)[field.path[field.path.length - 1]!] : undefined;
    if (value === undefined || value === null) {
      if (field.required) throw new InputError(`required property is missing`, where.file, where.line, at(field.name));
      continue;
    }
    const type = field.type;
    if (typeof type === 'string') {
      if (!matches(value, type)) throw new InputError(`expected ${type}, got ${describeType(value)}`, where.file, where.line, at(field.name));
    } else if ('each' in type) {
      if (!Array.isArray(value)) throw new InputError(`expected an array of objects, got ${describeType(value)}`, where.file, where.line, at(field.name));
      // fast path without allocation; an element that does not conform is validated again to say why (or to warn)
      for (let i = 0; i < value.length; i++) {
        if (!conforms(value[i], type.each)) validateItem(value[i], type.each, { ...where, keyPrefix: () => `${at(field.name)}[${i}]` });
      }
    } else if (typeof value === 'string' && (type.shape ?? 'value') === 'value' && isAllowed(value, allowedOf(type))) {
      // the common case of a one-value enum, checked without allocating
    } else {
      checkEnum(value, type, where, () => at(field.name));
    }
  }
  if (refine) {
    const problem = refine(item as Record<string, unknown>);
    if (problem) throw new InputError(problem.message, where.file, where.line, at(problem.key));
  }
}

/** Whether an item passes its schema with nothing to report (no error, no warning): the allocation-free check. */
function conforms(item: unknown, schema: ItemSchema): boolean {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
  for (const field of compile(schema)) {
    const parent = field.parentPath.length ? get(item, field.parentPath) : item;
    if (parent === undefined || parent === null) continue;
    if (typeof parent !== 'object' || Array.isArray(parent)) return false;
    const value = (parent as Record<string, unknown>)[field.path[field.path.length - 1]!];
    if (value === undefined || value === null) {
      if (field.required) return false;
      continue;
    }
    const type = field.type;
    if (typeof type === 'string') {
      if (!matches(value, type)) return false;
    } else if ('each' in type) {
      if (!Array.isArray(value) || !value.every((v) => conforms(v, type.each))) return false;
    } else {
      const values = enumValues(value, type);
      if (typeof values === 'string' || !values.every((v) => isAllowed(v, allowedOf(type)))) return false;
    }
  }
  return true;
}

function checkEnum(value: unknown, type: EnumType, where: Where, key: () => string): void {
  const values = enumValues(value, type);
  if (typeof values === 'string') throw new InputError(values, where.file, where.line, key());
  const allowed = allowedOf(type);
  for (const v of values) {
    if (isAllowed(v, allowed)) continue;
    const message = `unknown value ${JSON.stringify(v)} (expected one of ${type.oneOf.join(', ')})`;
    if (type.closed) throw new InputError(message, where.file, where.line, key());
    where.warn?.(message, where.file, key());
  }
}
