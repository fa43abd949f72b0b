import { DuckDBInstance } from '@duckdb/node-api';
import { definition, outputColumns } from '/work/wt-issue9-finish/dist/src/signins/analyses.js';
import { renderSql } from '/work/wt-issue9-finish/dist/src/signins/sql.js';
import { cleanParams } from '/work/wt-issue9-finish/dist/src/signins/evidence-base.js';
const inst = await DuckDBInstance.create('/tmp/i9bench/1m.duckdb', { access_mode: 'READ_ONLY' });
const c = await inst.connect();
for (const n of ['singleFactor', 'singleFactor.samples', 'automation.ips']) {
  const part = definition(n, cleanParams({ asOf: '2026-12-01T00:00:00Z' }));
  const sql = renderSql(part, {});
  const cols = outputColumns(part).map((x) => `q."${x.name}"`).join(', ');
  let t = performance.now();
  const r = await c.runAndReadAll(`SELECT string_agg(json_array(${cols})::VARCHAR, ',') FROM (${sql}) q`);
  const s = r.getRowsJS()[0][0];
  const rows = JSON.parse('[' + (s ?? '') + ']');
  console.log(n, 'json', (performance.now() - t).toFixed(0), 'ms', rows.length, JSON.stringify(rows[0]));
  t = performance.now();
  const r2 = await c.runAndReadAll(sql);
  const cs = r2.getColumnsJS();
  console.log(n, 'columnsJS', (performance.now() - t).toFixed(0), 'ms', cs[0].length);
}
