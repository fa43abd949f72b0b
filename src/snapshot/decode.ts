/**
 * Text encodings of input files, chosen by byte order mark: UTF-8 (with or without a BOM), UTF-16LE
 * and UTF-16BE with a BOM. Windows PowerShell's `ConvertTo-Json | Out-File` writes UTF-16LE with a
 * BOM by default, so a snapshot or report saved that way must read like any other. A file that starts
 * with `{` or `[` followed by a zero byte is UTF-16 without a BOM (Out-File -Encoding unicode piped
 * through tools that drop it). Pure: no I/O, shared by the snapshot loader, the line reader (lines.ts) and the report reader.
 */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

/** The encoding the first bytes announce; needs up to 3 bytes (fewer only at the end of the input). */
export function detectEncoding(head: Uint8Array): TextEncodingName {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const jsonStart = (b: number | undefined) => b === 0x7b || b === 0x5b; // { [
  if (head.length >= 2 && jsonStart(head[0]) && head[1] === 0) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0 && jsonStart(head[1])) return 'utf-16be';
  return 'utf-8';
}

/** Decodes a whole file; the BOM, if any, is not part of the text. Invalid sequences become U+FFFD, as Node's utf8 reading does. */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder(detectEncoding(bytes)).decode(bytes);
}
