/**
 * What each snapshot key must look like. Validation is deliberately shallow but typed where the
 * engine reads: a wrong type there would otherwise turn into a silently wrong verdict.
 */
import { COLLECTIONS } from '../collections/index.js';
import { InputError } from '../errors.js';

export type FieldType = 'string' | 'boolean' | 'number' | 'object' | 'array' | 'string[]' | 'object[]' | 'string|string[]';
/** `name!` = required; dotted names reach into nested objects (validated only when the parent is present), except `@odata.*` annotations. */
export type ItemSchema = Record<string, FieldType>;

export type KeyKind =
  | { kind: 'array'; item: ItemSchema }
  | { kind: 'map'; value: 'array' | 'object'; item: ItemSchema }
  | { kind: 'object'; item: ItemSchema };

/**
 * Every snapshot key: the collected ones from their descriptors (src/collections/, one file each, so
 * a new collection brings its schema along), and the sign-in evidence, which comes from files or Log
 * Analytics rather than from the collector (spec/signins.md).
 */
export const SNAPSHOT_KEYS: Record<string, KeyKind> = {
  ...Object.fromEntries(COLLECTIONS.flatMap((c) => (c.schema ? [[c.key, c.schema]] : []))),
  signIns: { kind: 'array', item: { createdDateTime: 'string', userId: 'string', appId: 'string' } },
  signInsWindow: { kind: 'object', item: { from: 'string', to: 'string' } },
};

/** The kind of a snapshot key, or undefined for a key we do not know (own properties only: `constructor` is not a key). */
export function snapshotKeyKind(key: string): KeyKind | undefined {
  return Object.hasOwn(SNAPSHOT_KEYS, key) ? SNAPSHOT_KEYS[key] : undefined;
}

export const MANIFEST_ONLY_KEYS = ['mfaguardSnapshot', 'tenant', 'collectedAt', 'unavailable'] as const;

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function matches(value: unknown, type: FieldType): boolean {
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

/**
 * Checks one item against its schema. `where` locates the item for the error message
 * (e.g. key prefix `users[3]` for a single file, or file+line for NDJSON); the prefix may be a
 * function so the common (valid) case builds no strings.
 */
export function validateItem(
  item: unknown,
  schema: ItemSchema,
  where: { file?: string; line?: number; keyPrefix: string | (() => string) },
): void {
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
    if (!matches(value, field.type)) {
      throw new InputError(`expected ${field.type}, got ${describeType(value)}`, where.file, where.line, at(field.name));
    }
  }
}
