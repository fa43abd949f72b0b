/**
 * Reads one sign-in input file of any supported format, detected from its content (gzip and text
 * encoding by their first bytes, then JSON or CSV by the first character, then the shape of the
 * records or the CSV header) rather than its name, and hands each normalized row over as it is read:
 * a file of any size is streamed, never held.
 *
 * | content | reader |
 * |---|---|
 * | JSON array, Graph page(s) `{ "value": [...] }`, NDJSON, Azure Monitor `{ "records": [...] }` | `graph.ts` (camelCase) or `log-analytics.ts` (PascalCase), per record |
 * | CSV with "Date (UTC)", "Request ID", … | `entra-csv.ts` (admin center download) |
 * | CSV with "Id", "ResultType", … | `log-analytics.ts` (Log Analytics export) |
 */
import { once } from 'node:events';
import { parse, CsvError } from 'csv-parse';
import { InputError } from '../errors.js';
import type { SignInRow } from '../evidence/row.js';
import { entraCsvReader, isEntraCsvHeader } from './entra-csv.js';
import { graphRecordToRow, isGraphRecord } from './graph.js';
import { JsonRecordSplitter, parseRecord } from './json-records.js';
import { LA_REQUIRED, isLogAnalyticsRecord, laColumnName, logAnalyticsToRow } from './log-analytics.js';
import { fail, type Where } from './normalize.js';
import { textChunks } from './text.js';

export type SignInFileFormat = 'graph-json' | 'log-analytics-json' | 'entra-csv' | 'log-analytics-csv';

export type RowHandler = (row: SignInRow, where: Where) => void;

export interface ReadResult {
  format: SignInFileFormat | 'empty';
  /** Records read (rows handed over), repeats included. */
  rows: number;
}

/** Streams the sign-ins of `path`; `name` is how errors name the file (default: the path). */
export async function readSignInFile(path: string, onRow: RowHandler, name = path): Promise<ReadResult> {
  const chunks = textChunks(path, name);
  let first = '';
  let next = await chunks.next();
  while (!next.done && first.trim() === '') {
    first += next.value;
    if (first.trim() === '') next = await chunks.next();
    else break;
  }
  const start = first.trimStart()[0];
  if (start === undefined) return { format: 'empty', rows: 0 };
  if (start === '{' || start === '[') return readJson(first, chunks, onRow, name);
  return readCsv(first, chunks, onRow, name);
}

async function readJson(first: string, rest: AsyncGenerator<string>, onRow: RowHandler, file: string): Promise<ReadResult> {
  let format: SignInFileFormat | undefined;
  let rows = 0;
  const splitter = new JsonRecordSplitter(file, (text, line, column) => {
    const where = { file, line, column };
    const record = parseRecord(text, file, line, column);
    if (typeof record !== 'object' || record === null || Array.isArray(record)) fail(where, '', 'expected a sign-in object');
    const o = record as Record<string, unknown>;
    let row: SignInRow;
    if (isGraphRecord(o)) {
      format ??= 'graph-json';
      row = graphRecordToRow(o, where);
    } else if (isLogAnalyticsRecord(o)) {
      format ??= 'log-analytics-json';
      row = logAnalyticsToRow((c) => o[c], where);
    } else {
      fail(where, 'createdDateTime', 'missing: a sign-in needs its time ("createdDateTime" in Graph\'s shape, "TimeGenerated" or "CreatedDateTime" in Log Analytics\')');
    }
    rows++;
    onRow(row, where);
  });
  splitter.write(first);
  for await (const text of rest) splitter.write(text);
  splitter.end();
  return { format: format ?? 'graph-json', rows };
}

async function readCsv(first: string, rest: AsyncGenerator<string>, onRow: RowHandler, file: string): Promise<ReadResult> {
  const parser = parse({ info: true, skip_empty_lines: true, bom: true });
  const abort = new AbortController();
  const feeding = (async () => {
    if (!parser.write(first)) await once(parser, 'drain', { signal: abort.signal });
    for await (const text of rest) {
      if (abort.signal.aborted) return;
      if (!parser.write(text)) await once(parser, 'drain', { signal: abort.signal });
    }
    parser.end();
  })().catch((err) => {
    if (!abort.signal.aborted) parser.destroy(err);
  });
  let convert: ((fields: readonly string[], where: Where) => SignInRow) | undefined;
  let format: SignInFileFormat = 'entra-csv';
  let rows = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const where = { file, line: info.lines };
      if (!convert) {
        ({ convert, format } = csvReaderFor(file, record, info.lines));
        continue;
      }
      rows++;
      onRow(convert(record, where), where);
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    if (err instanceof CsvError) {
      const e = err as CsvError & { lines?: number };
      const why = err.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' ? 'a row has a different number of fields than the header' : err.message.replace(/\s*at line \d+.*$/, '');
      throw new InputError(`not valid CSV (${why})`, file, e.lines);
    }
    throw err;
  } finally {
    abort.abort();
    await feeding;
  }
  if (!convert) throw new InputError('an empty CSV file: expected a header line and sign-in rows', file, 1);
  return { format, rows };
}

function csvReaderFor(file: string, header: string[], line: number): { convert: (fields: readonly string[], where: Where) => SignInRow; format: SignInFileFormat } {
  if (isEntraCsvHeader(header)) return { convert: entraCsvReader(file, header, line), format: 'entra-csv' };
  const names = header.map(laColumnName);
  const index = new Map(names.map((n, i) => [n, i] as const));
  if (index.has('Id') && (index.has('ResultType') || index.has('TimeGenerated'))) {
    const missing: string[] = LA_REQUIRED.filter((c) => !index.has(c));
    if (!index.has('TimeGenerated') && !index.has('CreatedDateTime')) missing.push('TimeGenerated or CreatedDateTime');
    if (missing.length) fail({ file, line }, missing[0]!, `a Log Analytics sign-in export needs the column(s) ${missing.map((m) => JSON.stringify(m)).join(', ')}`);
    return {
      format: 'log-analytics-csv',
      convert: (fields, where) => logAnalyticsToRow((c) => {
        const i = index.get(c);
        return i === undefined ? undefined : fields[i];
      }, where),
    };
  }
  throw new InputError(
    `not a sign-in file this reader understands: a CSV needs the Entra admin center's columns ("Date (UTC)", "Request ID", …) or a Log Analytics export's ("Id", "TimeGenerated", "ResultType", …); got ${header.slice(0, 4).map((h) => JSON.stringify(h)).join(', ')}${header.length > 4 ? ', …' : ''}`,
    file, line);
}
