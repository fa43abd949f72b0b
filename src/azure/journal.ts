/**
 * The write journal hook: what the client reports about every write attempt, so remediation can keep
 * an audit trail (spec/remediation.md). A record never holds a token, a request body or a query
 * value that could be a secret: URLs pass through `redactUrl`, and only ids, statuses and the
 * service's error code and message are included.
 */
import type { HttpMethod } from './http.js';

export interface WriteJournalRecord {
  /** `sending`: about to go on the wire; `outcome`: what came back (or the network failure). */
  phase: 'sending' | 'outcome';
  method: HttpMethod;
  /** Path and query, with secret-looking query values replaced. */
  url: string;
  /** Our id for the request (the same on every attempt). */
  clientRequestId: string;
  /** The service's id for the attempt (`request-id` / `x-ms-request-id`). */
  requestId?: string;
  ifMatch?: string;
  /** HTTP status; 0 when no response came back. */
  status?: number;
  /** The service's error code (or the network failure kind) and message. */
  code?: string;
  message?: string;
  /** 1 for the first try. */
  attempt: number;
}

export type WriteJournal = (record: WriteJournalRecord) => void;

/** Paths and query keys are safe to log; values of `$skiptoken` and friends are opaque and long. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const k of [...u.searchParams.keys()]) if (/token|sig|code|secret|key/i.test(k)) u.searchParams.set(k, '…');
    return u.pathname + (u.search ? decodeURIComponent(u.search) : '');
  } catch {
    return url.slice(0, 200);
  }
}
