/**
 * JSON writer that streams principals and findings one by one, so a report for a huge tenant is never
 * one giant string in memory.
 */
import type { Report } from './report.js';

export type Sink = (chunk: string) => void | Promise<void>;

export async function writeJsonReport(report: Report, write: Sink): Promise<void> {
  const { principals, findings, ...head } = report;
  const headJson = JSON.stringify(head, null, 2);
  await write(headJson.slice(0, -2) + ',\n  "principals": [');
  for (let i = 0; i < principals.length; i++) await write((i ? ',' : '') + '\n    ' + JSON.stringify(principals[i]));
  await write(`${principals.length ? '\n  ' : ''}],\n  "findings": [`);
  for (let i = 0; i < findings.length; i++) await write((i ? ',' : '') + '\n    ' + JSON.stringify(findings[i]));
  await write(`${findings.length ? '\n  ' : ''}]\n}\n`);
}
