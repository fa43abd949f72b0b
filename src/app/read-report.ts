/**
 * Reading a saved JSON report (from `scan --format json`) back into a typed Report, validated against
 * the report contract (validate-report.ts) so a bad file fails with its name, line or key.
 */
import { readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors.js';
import type { Report } from '../report/report.js';
import { decodeText } from '../snapshot/decode.js';
import { forEachLine } from '../snapshot/lines.js';
import { validateReport } from './validate-report.js';

/** Reports larger than this are read line by line (a 1M-user report is gigabytes: no single string). */
export const LINE_READ_THRESHOLD = 128 << 20;

/** A saved report: a file path, or a byte stream (standard input) with the name messages use for it. */
export type ReportSource = string | { stream: AsyncIterable<Uint8Array>; name: string };

/** Reads, parses and validates a saved report (.json or .json.gz; UTF-8 or UTF-16 with a BOM); every problem is an InputError naming the file, line or key. */
export async function readReport(source: ReportSource): Promise<Report> {
  const name = typeof source === 'string' ? source : source.name;
  if (typeof source === 'string') {
    const size = await stat(source).then((s) => (s.isFile() ? s.size : 0), () => 0);
    if (size > LINE_READ_THRESHOLD) return loadReportByLines(source, name);
  }
  let bytes: Buffer;
  try {
    bytes = typeof source === 'string' ? await readFile(source) : await readAll(source.stream);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a JSON report file' : `cannot read (${code ?? (err as Error).message})`, name);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      throw new InputError('not a valid gzip file (truncated?)', name);
    }
  }
  let doc: unknown;
  const text = decodeText(bytes); // UTF-8, or UTF-16 by its BOM (PowerShell's Out-File)
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError(`not valid JSON${jsonErrorLine(text, err as Error)}`, name);
  }
  validateReport(doc, name);
  return doc;
}

/**
 * Reads a report in the layout `mfaguard scan --format json` writes: the header, then one principal
 * per line, then one finding per line. Principals with identical coverage share one parsed object, as
 * they did when the report was made, so memory stays close to the scan's own.
 */
export async function loadReportByLines(path: string, name = path): Promise<Report> {
  const head: string[] = [];
  const principals: unknown[] = [];
  const findings: unknown[] = [];
  const coverageByText = new Map<string, unknown>();
  let section: 'head' | 'principals' | 'betweenLists' | 'findings' | 'tail' | 'done' = 'head';
  let lineNo = 0;
  const layout = (): never => {
    throw new InputError(`line ${lineNo}: not in the line layout mfaguard scan writes; a report this large must be one saved by "mfaguard scan --format json"`, name);
  };
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new InputError(`not valid JSON at line ${lineNo} (${(err as Error).message}); the file may be truncated`, name);
    }
  };
  const body = (line: string) => {
    const t = line.trim();
    return t.endsWith(',') ? t.slice(0, -1) : t;
  };
  const startFindings = (line: string) => {
    if (line === '  "findings": [') section = 'findings';
    else if (line === '  "findings": []') section = 'tail';
    else layout();
  };
  await forEachLine(path, (line) => {
    lineNo++;
    switch (section) {
      case 'head':
        if (line === '  "principals": [') section = 'principals';
        else if (line === '  "principals": [],') section = 'betweenLists';
        else head.push(line);
        return;
      case 'principals': {
        if (line === '  ],') { section = 'betweenLists'; return; }
        const text = body(line);
        const at = text.indexOf(',"coverage":{'); // quotes inside strings are escaped, so this is the property
        if (at < 0 || !text.endsWith('}')) layout();
        const rest = parse(text.slice(0, at) + '}') as Record<string, unknown>;
        const covText = text.slice(at + 12, -1);
        let coverage = coverageByText.get(covText);
        if (coverage === undefined) coverageByText.set(covText, (coverage = parse(covText)));
        principals.push({ ...rest, coverage });
        return;
      }
      case 'betweenLists': startFindings(line); return;
      case 'findings':
        if (line === '  ]') { section = 'tail'; return; }
        findings.push(parse(body(line)));
        return;
      case 'tail':
        if (line === '}') section = 'done';
        else if (line.trim() !== '') layout();
        return;
      case 'done':
        if (line.trim() !== '') layout();
    }
  });
  if ((section as string) !== 'done') throw new InputError('the report ends early; the file may be truncated', name);
  const headText = head.join('\n').replace(/,\s*$/, '') + '\n}';
  const doc = parse(headText) as Record<string, unknown>;
  doc.principals = principals;
  doc.findings = findings;
  validateReport(doc, name);
  return doc;
}

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

function jsonErrorLine(text: string, err: Error): string {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return '';
  const pos = Number(m[1]);
  const line = text.slice(0, pos).split('\n').length;
  return ` (line ${line})`;
}
