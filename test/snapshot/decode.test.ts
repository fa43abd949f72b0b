/** Encodings by byte order mark (decode.ts): what PowerShell and other Windows tools write. */
import { describe, expect, it } from 'vitest';
import { decodeText, detectEncoding } from '../../src/snapshot/decode.js';

const text = '{"name": "Zoë ✓ 𝄞"}';
const le = Buffer.from(text, 'utf16le');

describe('decodeText', () => {
  it.each([
    ['UTF-8', Buffer.from(text), 'utf-8'],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'utf-8'],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), le]), 'utf-16le'],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]), 'utf-16be'],
    ['UTF-16LE without BOM (JSON starts with "{")', le, 'utf-16le'],
    ['UTF-16BE without BOM', Buffer.from(le).swap16(), 'utf-16be'],
  ])('%s', (_name, bytes, encoding) => {
    expect(detectEncoding(bytes)).toBe(encoding);
    expect(decodeText(bytes)).toBe(text);
  });

  it('empty and one-byte inputs are UTF-8', () => {
    expect(decodeText(Buffer.alloc(0))).toBe('');
    expect(decodeText(Buffer.from('{'))).toBe('{');
  });
});
