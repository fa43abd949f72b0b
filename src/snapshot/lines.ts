/**
 * Text files read as lines, streamed: gzip detected by content, manual line splitting (several times
 * faster than readline, and a huge line — a group with a million members — is assembled from its
 * pieces once instead of being rescanned per chunk). Shared by the NDJSON snapshot reader and the
 * report reader.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import { detectEncoding } from './decode.js';

export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    await fh.read(head, 0, 2, 0);
    return head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * A streaming decoder for the encoding the first bytes announce. UTF-8 and UTF-16LE go through Node's
 * StringDecoder (what `setEncoding` uses; TextDecoder in stream mode is twice as slow on a 100k-user
 * snapshot); the rare UTF-16BE through TextDecoder. The BOM is not part of the text.
 */
export function textDecoderFor(head: Buffer): { write(b: Buffer): string; end(): string } {
  const encoding = detectEncoding(head);
  if (encoding === 'utf-16be') {
    const d = new TextDecoder('utf-16be');
    return { write: (b) => d.decode(b, { stream: true }), end: () => d.decode() };
  }
  const d = new StringDecoder(encoding === 'utf-8' ? 'utf8' : 'utf16le');
  let first = true;
  return {
    write: (b) => {
      const text = d.write(b);
      if (!first || text === '') return text;
      first = false;
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    },
    end: () => {
      const text = d.end();
      if (first && text.charCodeAt(0) === 0xfeff) return text.slice(1);
      return text;
    },
  };
}

/** Calls `onLine` for every line (without the newline or a trailing CR; the text decoded as UTF-8 or UTF-16 by its BOM, see decode.ts). Errors from the stream reject. */
export async function forEachLine(path: string, onLine: (line: string) => void): Promise<void> {
  const gzip = await isGzipFile(path);
  const source = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = gzip ? source.pipe(createGunzip()) : source;
  source.on('error', (err) => stream.destroy(err)); // a read error must end the pipeline, not hang it
  const emit = (raw: string) => onLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
  try {
    let pending: string[] = [];
    let decoder: { write(b: Buffer): string; end(): string } | undefined;
    let head: Buffer | undefined; // the first bytes, kept until there are enough to see a BOM
    const decode = (bytes: Buffer | undefined, last: boolean): string => {
      if (!decoder) {
        head = head && bytes ? Buffer.concat([head, bytes]) : (bytes ?? head ?? Buffer.alloc(0));
        if (head.length < 3 && !last) return '';
        decoder = textDecoderFor(head);
        bytes = head;
      }
      return (bytes ? decoder.write(bytes) : '') + (last ? decoder.end() : '');
    };
    const split = (chunk: string) => {
      let start = 0;
      let nl = chunk.indexOf('\n');
      while (nl !== -1) {
        const piece = chunk.slice(start, nl);
        if (pending.length) {
          pending.push(piece);
          emit(pending.join(''));
          pending = [];
        } else emit(piece);
        start = nl + 1;
        nl = chunk.indexOf('\n', start);
      }
      if (start < chunk.length) pending.push(chunk.slice(start));
    };
    for await (const bytes of stream as AsyncIterable<Buffer>) split(decode(bytes, false));
    split(decode(undefined, true));
    if (pending.length) emit(pending.join(''));
  } finally {
    source.destroy();
  }
}
