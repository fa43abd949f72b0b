// One benchmark run in its own process (so peak RSS belongs to one tenant size): the same steps as
// `mfaguard scan --snapshot DIR --format json --output FILE`, timed separately. Prints one JSON line.
import { loadSnapshot } from '../dist/src/snapshot/load.js';
import { evaluateSnapshot } from '../dist/src/evaluate.js';
import { buildReport } from '../dist/src/report/report.js';
import { findFormat } from '../dist/src/report/formats.js';
import { writeFileAtomically } from '../dist/src/app/output.js';

const [dir, out] = process.argv.slice(2);
const t0 = performance.now();
const { snapshot } = await loadSnapshot(dir);
const t1 = performance.now();
const ev = evaluateSnapshot(snapshot);
const t2 = performance.now();
const report = buildReport(ev);
await writeFileAtomically(out, (write) => findFormat('json').render(report, write, { color: false, limit: 25 }));
const t3 = performance.now();
console.log(JSON.stringify({
  users: ev.model.users.length,
  policies: ev.engine.policies.length,
  signatures: ev.engine.cache.size,
  findings: ev.findings.length,
  loadMs: t1 - t0, evaluateMs: t2 - t1, reportMs: t3 - t2,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
}));
