/**
 * JSON writer that streams principals and findings one by one, so a report for a huge tenant is never
 * one giant string in memory. Users with the same coverage share one cell object (see the engine), so
 * its JSON text is produced once and reused. DEL, C1 and bidi characters are written as \uXXXX
 * escapes (escapeJsonControls): the same data, no raw control byte in the file.
 */
import type { Report } from './report.js';
import { escapeJsonControls } from '../vocabulary.js';

/** Where renderers write: text, or bytes already encoded (UTF-8). */
export type Sink = (chunk: string | Uint8Array) => void | Promise<void>;

export async function writeJsonReport(report: Report, sink: Sink): Promise<void> {
  const write = (chunk: string | Uint8Array) => sink(typeof chunk === 'string' ? escapeJsonControls(chunk) : chunk);
  const { principals, findings, ...head } = report;
  // Encoded once per distinct coverage object (users with equal coverage share one).
  const coverageJson = new WeakMap<object, Buffer>();
  const headJson = JSON.stringify(head, null, 2);
  await write(headJson.slice(0, -2) + ',\n  "principals": [');
  let first = true;
  for (const p of principals) {
    let cov = coverageJson.get(p.coverage);
    if (cov === undefined) coverageJson.set(p.coverage, (cov = Buffer.from(escapeJsonControls(`,"coverage":${JSON.stringify(p.coverage)}}`))));
    const { coverage: _coverage, ...rest } = p;
    const line = JSON.stringify(rest);
    await write(`${first ? '' : ','}\n    ${line.slice(0, -1)}`);
    await write(cov);
    first = false;
  }
  await write(`${first ? '' : '\n  '}],\n  "findings": [`);
  first = true;
  for (const f of findings) {
    await write(`${first ? '' : ','}\n    ${JSON.stringify(f)}`);
    first = false;
  }
  await write(`${first ? '' : '\n  '}]\n}\n`);
}
