/**
 * Output formats: one module per format under src/report/, registered here. A renderer receives the
 * finished (already redacted, if asked) report and writes it in chunks through `write`, so large
 * reports stream. Renderers only iterate `principals` / `findings` (for..of): do not index them.
 */
import type { Report } from './report.js';
import type { Sink } from './json.js';
import { writeJsonReport } from './json.js';
import { renderTable } from './table.js';
import { writeCsv } from './csv.js';
import { writeJunit } from './junit.js';
import { writeSarif } from './sarif.js';
import { writeOcsf } from './ocsf.js';
import { writeMarkdown } from './markdown.js';
import type { Explainers } from './explainers.js';
import type { Trends } from './trends.js';

export interface RenderOptions {
  /** ANSI colour allowed (terminal output only). */
  color: boolean;
  /** Unhealthy accounts listed per rule in human summaries. */
  limit: number;
  /** Rule explainers the HTML and Markdown reports show per rule (loadExplainers); none when absent. */
  explainers?: Explainers;
  /** The tenant's recorded history (state store): the HTML report charts it. */
  trends?: Trends;
}

export interface Format {
  name: string;
  description: string;
  /** Shows the rules' explainers (RenderOptions.explainers); only these formats make them worth loading. */
  showsExplainers?: true;
  render(report: Report, write: Sink, opts: RenderOptions): Promise<void>;
}

export const FORMATS: readonly Format[] = [
  { name: 'table', description: 'terminal summary', render: async (r, write, o) => write(renderTable(r, o)) },
  { name: 'json', description: 'the report contract (rules.md)', render: (r, write) => writeJsonReport(r, write) },
  { name: 'csv', description: 'one row per finding (RFC 4180)', render: (r, write) => writeCsv(r, write) },
  { name: 'junit', description: 'JUnit XML: a test suite per rule, a test case per resource', render: (r, write) => writeJunit(r, write) },
  { name: 'sarif', description: 'SARIF 2.1.0 for GitHub code scanning', render: (r, write) => writeSarif(r, write) },
  { name: 'ocsf', description: 'OCSF Detection Finding events, one JSON line per unhealthy finding', render: (r, write) => writeOcsf(r, write) },
  { name: 'markdown', description: 'summary for a CI step summary or PR comment', showsExplainers: true, render: (r, write, o) => writeMarkdown(r, write, o) },
  { name: 'html', description: 'self-contained interactive HTML report (offline)', showsExplainers: true, render: async (r, write, o) => (await import('./html.js')).renderHtmlReport(r, write, o) },
];

export function findFormat(name: string): Format | undefined {
  return FORMATS.find((f) => f.name === name);
}
