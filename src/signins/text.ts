/**
 * A sign-in input file as decoded text chunks: gzip detected by content (not the name), then UTF-8 or
 * UTF-16 by byte order mark (snapshot/decode.ts, the same decoder the snapshot's NDJSON reader uses).
 * Chunks are ~1 MiB; a reader keeps only the record it is assembling, never the file.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors.js';
import { isGzipFile, textDecoderFor } from '../snapshot/lines.js';

export async function* textChunks(path: string, name = path): AsyncGenerator<string> {
  let gzip: boolean;
  try {
    gzip = await isGzipFile(path);
  } catch (err) {
    throw new InputError(`cannot read the sign-in file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, name);
  }
  const source = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = gzip ? source.pipe(createGunzip()) : source;
  source.on('error', (err) => stream.destroy(err)); // a read error must end the pipeline, not hang it
  let decoder: ReturnType<typeof textDecoderFor> | undefined;
  let head: Buffer | undefined; // the first bytes, kept until there are enough to see a BOM
  try {
    for await (const bytes of stream as AsyncIterable<Buffer>) {
      if (!decoder) {
        head = head ? Buffer.concat([head, bytes]) : bytes;
        if (head.length < 3) continue;
        decoder = textDecoderFor(head);
        const text = decoder.write(head);
        if (text) yield text;
        continue;
      }
      const text = decoder.write(bytes);
      if (text) yield text;
    }
    if (!decoder) {
      decoder = textDecoderFor(head ?? Buffer.alloc(0));
      const text = decoder.write(head ?? Buffer.alloc(0));
      if (text) yield text;
    }
    const rest = decoder.end();
    if (rest) yield rest;
  } catch (err) {
    if (err instanceof InputError) throw err;
    const gz = gzip && /incorrect header|unexpected end|invalid|Z_/i.test(String((err as Error).message));
    throw new InputError(gz ? `cannot decompress gzip data (${(err as Error).message}); the file may be truncated` : `cannot read (${(err as Error).message})`, name);
  } finally {
    source.destroy();
  }
}
