/**
 * Batches many small pieces (one CSV row, one JSON line, one XML element) into chunks of about
 * `size` characters before handing them to the sink: renderers stay streaming (memory bounded by one
 * chunk, never the whole report) without paying one await per row on a million-finding report.
 */
import type { Sink } from './json.js';

export interface ChunkWriter {
  /** Queue a piece; flushes to the sink once the buffer passes the chunk size. */
  push(piece: string): Promise<void>;
  /** Write whatever is buffered. Call once at the end. */
  flush(): Promise<void>;
}

export function chunked(write: Sink, size = 64 * 1024): ChunkWriter {
  let parts: string[] = [];
  let length = 0;
  const flush = async () => {
    if (!parts.length) return;
    const chunk = parts.join('');
    parts = [];
    length = 0;
    await write(chunk);
  };
  return {
    async push(piece) {
      parts.push(piece);
      length += piece.length;
      if (length >= size) await flush();
    },
    flush,
  };
}
