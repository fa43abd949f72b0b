/** Small helpers shared by the emulator modules: deterministic hashing, ids, Graph/ARM error bodies. */
import { randomUUID } from 'node:crypto';
import type { EmuRequest, EmuResponse } from './types.js';

/** 53-bit string hash (cyrb53): deterministic across runs and platforms. */
export function hash53(str: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A deterministic number in [0, 1) for a string key. */
export const unitHash = (key: string, seed = 0): number => hash53(key, seed) / 2 ** 53;

export const newId = (): string => randomUUID();

/** Graph's innerError date: `2023-07-14T08:43:39` (UTC, no fraction, no zone). */
export const graphDate = (d = new Date()): string => d.toISOString().slice(0, 19);

export const JSON_ODATA = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
export const JSON_PLAIN = 'application/json; charset=utf-8';

/** Graph's error body shape (shared/graph-samples/error.*.json). */
export function graphError(req: EmuRequest, status: number, code: string, message: string, headers: Record<string, string> = {}): EmuResponse {
  const innerError: Record<string, string> = { date: graphDate(), 'request-id': req.requestId };
  if (req.clientRequestId) innerError['client-request-id'] = req.clientRequestId;
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: { error: { code, message, innerError } } };
}

/** ARM's error body shape: `{"error": {"code", "message"}}`. */
export function armError(status: number, code: string, message: string, headers: Record<string, string> = {}): EmuResponse {
  return { status, headers: { 'content-type': JSON_PLAIN, ...headers }, body: { error: { code, message } } };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (s: unknown): boolean => typeof s === 'string' && GUID.test(s);

export const b64url = (buf: Buffer | string): string => Buffer.from(buf).toString('base64url');
