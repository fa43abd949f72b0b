/**
 * Splits a JSON sign-in file into its records without holding the file: Graph's shapes (a JSON array;
 * a page `{ "value": [...] }`, several pages with `@odata.nextLink` concatenated in one file; NDJSON, one
 * object or one page per line) and Azure Monitor's `{ "records": [...] }`. A top-level object without a
 * `value`/`records` array is itself a record. Each record's text is handed over with the line and
 * column where it starts, so a parse error inside it names the exact place in the file.
 *
 * Only structure is scanned here (strings are skipped with indexOf); each record is then parsed by
 * JSON.parse, which validates it. Text between records may only be whitespace and commas.
 */
import { jsonErrorOffset } from '../snapshot/load.js';
import { InputError } from '../errors.js';

const LBRACE = 0x7b, RBRACE = 0x7d, LBRACKET = 0x5b, RBRACKET = 0x5d, QUOTE = 0x22, NL = 0x0a, COMMA = 0x2c;
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xfeff;
/** Keys of a top-level object whose array holds the records (Graph pages, Azure Monitor exports). */
const RECORD_ARRAYS = new Set(['value', 'records']);

export type RecordHandler = (text: string, line: number, column: number) => void;

export class JsonRecordSplitter {
  private readonly stack: number[] = [];
  /** Depth (stack length) at which a record's `{` may open; -1 while none can (top level: a provisional record). */
  private recordDepth = -1;
  private recordOpen = false;
  /** The stack length before the open record's `{`. */
  private recordBase = 0;
  private pieces: string[] = [];
  private recLine = 0;
  private recColumn = 0;
  private inString = false;
  private escaped = false;
  /** A top-level object's last string at depth 1 (its key before a `[`), captured only there. */
  private capture: string[] | undefined;
  private lastKey = '';
  private line = 1;
  private lineStart = 0; // absolute offset of the current line's first character
  private offset = 0; // absolute offset of the current chunk's first character
  records = 0;

  constructor(private readonly file: string, private readonly onRecord: RecordHandler) {}

  private fail(message: string, abs: number): never {
    throw new InputError(message, this.file, this.line, undefined, abs - this.lineStart + 1);
  }

  write(s: string): void {
    const n = s.length;
    let recStart = this.recordOpen ? 0 : -1;
    let nextBackslash = -1;
    let i = 0;
    while (i < n) {
      if (this.inString) {
        // skip to the closing quote: an odd run of backslashes before a quote escapes it
        let j = i;
        if (this.escaped) {
          this.escaped = false;
          j++;
        }
        let end = -1;
        while (j < n) {
          const q = s.indexOf('"', j);
          // the next backslash is searched for once and remembered: most files have few or none, and
          // searching the rest of the chunk again for every string would make a chunk quadratic
          if (nextBackslash < j) nextBackslash = s.indexOf('\\', j) === -1 ? n : s.indexOf('\\', j);
          const b = nextBackslash < n ? nextBackslash : -1;
          if (q === -1 && b === -1) break;
          if (b !== -1 && (q === -1 || b < q)) {
            if (b + 1 >= n) {
              this.escaped = true;
              j = n;
              break;
            }
            j = b + 2;
            continue;
          }
          end = q;
          break;
        }
        if (end === -1) {
          if (this.capture) this.capture.push(s.slice(i, n));
          i = n;
          break;
        }
        if (this.capture) {
          this.capture.push(s.slice(i, end));
          this.lastKey = this.capture.join('');
          this.capture = undefined;
        }
        this.inString = false;
        i = end + 1;
        continue;
      }
      const c = s.charCodeAt(i);
      const depth = this.stack.length;
      // between records (top level, or inside the records' array): only whitespace, commas and records
      const inGap = !this.recordOpen && (depth === 0 || depth === this.recordDepth);
      if (c === NL) {
        this.line++;
        this.lineStart = this.offset + i + 1;
      } else if (c === QUOTE) {
        if (inGap) this.unexpected(c, depth, i);
        this.inString = true;
        if (depth === 1 && this.stack[0] === LBRACE) this.capture = [];
      } else if (c === LBRACE || c === LBRACKET) {
        if (depth === 0 && c === LBRACE) {
          // a top-level object: a record unless a "value"/"records" array turns it into a page
          this.openRecord(i, depth);
          recStart = i;
          this.recordDepth = -1;
        } else if (depth === 0) {
          this.recordDepth = 1; // a top-level array of records
        } else if (!this.recordOpen && depth === this.recordDepth) {
          if (c !== LBRACE) this.fail('expected a sign-in object in the array, got an array', this.offset + i);
          this.openRecord(i, depth);
          recStart = i;
        } else if (depth === 1 && c === LBRACKET && this.stack[0] === LBRACE && RECORD_ARRAYS.has(this.lastKey)) {
          // the provisional record was a page: its records are the elements of this array
          this.recordOpen = false;
          this.pieces = [];
          recStart = -1;
          this.recordDepth = 2;
        }
        this.stack.push(c);
      } else if (c === RBRACE || c === RBRACKET) {
        const open = this.stack.pop();
        if (open === undefined || (open === LBRACE) !== (c === RBRACE)) this.fail(`unexpected "${String.fromCharCode(c)}": not valid JSON`, this.offset + i);
        if (this.recordOpen && this.stack.length === this.recordBase) {
          this.pieces.push(s.slice(recStart, i + 1));
          const text = this.pieces.join('');
          this.pieces = [];
          this.recordOpen = false;
          recStart = -1;
          this.records++;
          this.onRecord(text, this.recLine, this.recColumn);
        }
        if (this.stack.length < this.recordDepth) this.recordDepth = -1;
      } else if (inGap && !isSpace(c) && !(c === COMMA && depth > 0)) {
        this.unexpected(c, depth, i);
      }
      i++;
    }
    if (this.recordOpen && recStart !== -1) this.pieces.push(s.slice(recStart));
    this.offset += n;
  }

  /** Something other than a record or whitespace where records are expected. */
  private unexpected(c: number, depth: number, i: number): never {
    const ch = JSON.stringify(String.fromCharCode(c));
    if (depth === 0) this.fail(`not a sign-in file: expected a JSON object or array, got ${ch}`, this.offset + i);
    this.fail(`expected a sign-in object in the array, got ${ch}`, this.offset + i);
  }

  private openRecord(i: number, depth: number): void {
    this.recordOpen = true;
    this.recordBase = depth;
    this.pieces = [];
    this.recLine = this.line;
    this.recColumn = this.offset + i - this.lineStart + 1;
  }

  end(): void {
    if (this.inString || this.stack.length) {
      throw new InputError('not valid JSON: the input ends inside ' + (this.inString ? 'a string' : this.stack.at(-1) === LBRACE ? 'an object' : 'an array') + '; the file may be truncated', this.file, this.line);
    }
  }
}

/** JSON.parse of one record, a failure named by file, line and column (the record's start plus the offset inside it). */
export function parseRecord(text: string, file: string, line: number, column: number): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const at = Math.min(jsonErrorOffset(text, msg), text.length);
    const before = text.slice(0, at);
    const nl = before.lastIndexOf('\n');
    const extraLines = nl === -1 ? 0 : before.split('\n').length - 1;
    const col = nl === -1 ? column + at : at - nl;
    const shown = msg.replace(/\s*\(line \d+ column \d+\)/, '').replace(/\s*\n\s*/g, ' ').replace(/ in JSON at position \d+/, '');
    throw new InputError(`not valid JSON (${shown}); the file may be truncated or edited`, file, line + extraLines, undefined, col);
  }
}
