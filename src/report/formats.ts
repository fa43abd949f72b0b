/**
 * Output formats: one module per format under src/report/, registered here. A renderer receives the
 * finished (already redacted, if asked) report and writes it in chunks through `write`, so large
 * reports stream. Renderers only iterate `principals` / `findings` (for..of): do not index them.
 */
import type { Report } from './report.js';
import type { Sink } from './json.js';
import { writeJsonReport } from './json.js';
import { renderTable } from './table.js';

export interface RenderOptions {
  /** ANSI colour allowed (terminal output only). */
  color: boolean;
  /** Unhealthy accounts listed per rule in human summaries. */
  limit: number;
}

export interface Format {
  name: string;
  /** File extension for `--output-dir` style defaults. */
  extension: string;
  description: string;
  render(report: Report, write: Sink, opts: RenderOptions): Promise<void>;
}

export const FORMATS: readonly Format[] = [
  { name: 'table', extension: 'txt', description: 'terminal summary', render: async (r, write, o) => write(renderTable(r, o)) },
  { name: 'json', extension: 'json', description: 'the report contract (rules.md)', render: (r, write) => writeJsonReport(r, write) },
];

export function findFormat(name: string): Format | undefined {
  return FORMATS.find((f) => f.name === name);
}
