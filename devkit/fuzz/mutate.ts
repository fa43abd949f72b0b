/**
 * Mutations of parsed JSON documents (snapshots, saved reports) and of their bytes, driven by a seeded
 * generator so each case can be replayed from (seed, case number). Tenant data is hostile input: the
 * mutations are the ones real files and attackers produce — wrong types, nulls, unknown enumeration
 * values, deletions, duplicates, truncation, odd strings and other encodings.
 */
import { gzipSync } from 'node:zlib';
import type { Rng } from '../gen/random.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Container = Json[] | { [key: string]: Json };

const isContainer = (v: Json): v is Container => typeof v === 'object' && v !== null;

export const ODD_STRINGS: readonly string[] = [
  '', ' ', 'bogus', 'XOR', 'and', 'ENABLED', 'unknownFutureValue', 'All', 'None', 'GuestsOrExternalUsers',
  '__proto__', 'constructor', 'toString', '\u0000', '\u001b[2K\u001b[1A\r', '\u202eevil\u202c', '\ud800', '\uffff',
  'x'.repeat(100_000), '<script>alert(1)</script>', '"quoted", with comma', '=HYPERLINK("x")', '../../etc/passwd',
  '2026-13-45T99:99:99Z', 'not a date', '/', '*', 'Microsoft.Authorization/*', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
];

const ODD_VALUES = (rng: Rng): Json[] => [
  null, true, false, 0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, [], {}, [null], [5], ['*'], { id: 5 }, { '__proto__': { polluted: true } },
  ODD_STRINGS[rng.int(0, ODD_STRINGS.length - 1)]!,
];

/** A random path from the root, descending with probability `depthBias` at each level. */
function pickPath(root: Json, rng: Rng, depthBias = 0.8): (string | number)[] {
  const path: (string | number)[] = [];
  let cur: Json = root;
  while (isContainer(cur)) {
    const keys: (string | number)[] = Array.isArray(cur) ? cur.map((_, i) => i) : Object.keys(cur);
    if (!keys.length) break;
    if (path.length > 0 && rng.next() > depthBias) break;
    const k = keys[rng.int(0, keys.length - 1)]!;
    path.push(k);
    cur = (cur as Record<string | number, Json>)[k]!;
  }
  return path;
}

function parentOf(root: Json, path: (string | number)[]): Container | undefined {
  let cur: Json = root;
  for (const k of path.slice(0, -1)) {
    if (!isContainer(cur)) return undefined;
    cur = (cur as Record<string | number, Json>)[k]!;
  }
  return isContainer(cur) ? cur : undefined;
}

export const STRUCTURAL_MUTATIONS = ['typeSwap', 'null', 'delete', 'oddString', 'duplicate', 'wrongCase', 'addKey', 'emptyContainer'] as const;
export type StructuralMutation = (typeof STRUCTURAL_MUTATIONS)[number];

/** Applies one structural mutation in place (the root is never replaced). Returns a description for replay logs. */
export function mutateJson(root: Json, rng: Rng): string {
  const path = pickPath(root, rng);
  if (!path.length) return 'none (empty document)';
  const parent = parentOf(root, path);
  if (!parent) return 'none';
  const key = path[path.length - 1]!;
  const p = parent as Record<string | number, Json>;
  const op = STRUCTURAL_MUTATIONS[rng.int(0, STRUCTURAL_MUTATIONS.length - 1)]!;
  const where = path.join('.');
  switch (op) {
    case 'typeSwap': {
      const values = ODD_VALUES(rng);
      p[key] = values[rng.int(0, values.length - 1)]!;
      break;
    }
    case 'null': p[key] = null; break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete p[key];
      break;
    case 'oddString': p[key] = ODD_STRINGS[rng.int(0, ODD_STRINGS.length - 1)]!; break;
    case 'duplicate':
      // a whole object listed twice (a user exported twice) or a value repeated in its list
      if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(parent[key as number]!));
      else p[`${key}`] = structuredClone(p[key]!);
      break;
    case 'wrongCase': {
      const v = p[key];
      if (typeof v === 'string') p[key] = rng.next() < 0.5 ? v.toUpperCase() : `${v}x`;
      else p[key] = String(v);
      break;
    }
    case 'addKey':
      if (!Array.isArray(parent)) p[ODD_STRINGS[rng.int(0, ODD_STRINGS.length - 1)]!.slice(0, 40)] = ODD_VALUES(rng)[rng.int(0, 16)]!;
      else parent.push(ODD_VALUES(rng)[rng.int(0, 16)]!);
      break;
    case 'emptyContainer': p[key] = Array.isArray(p[key]) ? {} : []; break;
  }
  return `${op} at ${where || '(root)'}`;
}

export const ENCODINGS = ['utf8', 'utf8-bom', 'utf16le-bom', 'utf16be-bom', 'gzip'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** Text to bytes in one of the encodings real files come in. */
export function encodeText(text: string, encoding: Encoding): Buffer {
  switch (encoding) {
    case 'utf8': return Buffer.from(text, 'utf8');
    case 'utf8-bom': return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le-bom': return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be-bom': return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    case 'gzip': return gzipSync(Buffer.from(text, 'utf8'));
  }
}

export const BYTE_MUTATIONS = ['truncate', 'flipByte', 'insertControl', 'cutLines'] as const;

/** A byte-level accident: a truncated download, a flipped byte, a stray control byte, lost lines. */
export function mutateBytes(bytes: Buffer, rng: Rng): { bytes: Buffer; description: string } {
  const op = BYTE_MUTATIONS[rng.int(0, BYTE_MUTATIONS.length - 1)]!;
  const at = bytes.length ? rng.int(0, bytes.length - 1) : 0;
  switch (op) {
    case 'truncate': return { bytes: bytes.subarray(0, at), description: `truncate at byte ${at}` };
    case 'flipByte': {
      const copy = Buffer.from(bytes);
      if (copy.length) copy[at] = copy[at]! ^ (1 << rng.int(0, 7));
      return { bytes: copy, description: `flip a bit of byte ${at}` };
    }
    case 'insertControl': {
      const ctrl = Buffer.from([rng.int(0, 31)]);
      return { bytes: Buffer.concat([bytes.subarray(0, at), ctrl, bytes.subarray(at)]), description: `insert byte ${ctrl[0]} at ${at}` };
    }
    case 'cutLines': {
      // the lines after a random newline are lost: a truncation that leaves only whole lines
      const nl = bytes.indexOf(0x0a, at);
      return { bytes: nl < 0 ? bytes : bytes.subarray(0, nl + 1), description: `keep whole lines up to byte ${nl + 1}` };
    }
  }
}
