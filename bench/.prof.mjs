import { DuckDBInstance } from '@duckdb/node-api';
import { definition, METHOD_PARTS } from '/work/wt-issue9-finish/dist/src/signins/analyses.js';
import { renderSql } from '/work/wt-issue9-finish/dist/src/signins/sql.js';
import { cleanParams } from '/work/wt-issue9-finish/dist/src/signins/evidence-base.js';
const inst = await DuckDBInstance.create('/tmp/i9bench/1m.duckdb', { access_mode: 'READ_ONLY' });
const c = await inst.connect();
const parts = process.argv.slice(2);
for (const name of parts) {
  const [n, extra] = name.split(':');
  const p = { asOf: '2026-12-01T00:00:00Z', ...(extra ? JSON.parse(extra) : {}) };
  const sql = renderSql(definition(n, cleanParams(p)), {});
  if (process.env.SHOW) console.log(sql);
  let t = performance.now();
  const r = await c.runAndReadAll(`SELECT count(*) FROM (${sql})`);
  const sqlMs = performance.now() - t;
  t = performance.now();
  const s = await c.stream(sql); let rows = 0;
  for await (const ch of s.yieldRowsJs()) rows += ch.length;
  console.log(n, extra ?? '', 'count-only', sqlMs.toFixed(0), 'ms; stream to JS', (performance.now() - t).toFixed(0), 'ms', rows, 'rows');
}
