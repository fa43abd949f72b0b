import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create('/tmp/i9bench/1m.duckdb', { access_mode: 'READ_ONLY' });
const c = await inst.connect();
const where = `FROM signins WHERE error_code = 0 AND event_type IN ('interactiveUser', 'nonInteractiveUser') AND user_id IS NOT NULL AND user_id <> '' AND (created_at < TIMESTAMPTZ '2026-12-01T00:00:00.000Z') AND (coalesce(app_id IN ('04b07795-8ddb-461a-bbee-02f9e1bf7b46', '1950a258-227b-4e31-a9cf-717495945fc2'), false) OR coalesce(resource_id IN ('797f4846-ba00-4fd7-ba43-dac1f8f63013'), false))`;
const q = {
  orig: `SELECT DISTINCT "userId" FROM (SELECT "userId" FROM (SELECT DISTINCT user_id AS "userId", ((epoch_ms(created_at) % 86400000) // 60000)::DOUBLE AS "position", ((epoch_ms(created_at) // 86400000) * 86400000)::DOUBLE AS "distinct" ${where}) p CROSS JOIN range(0, 11) r(k) GROUP BY "userId", (("position" - k + 1440) % 1440) HAVING count(DISTINCT "distinct") >= 5)`,
  twoLevel: `SELECT DISTINCT "userId" FROM (SELECT "userId", s FROM (SELECT DISTINCT "userId", (("position" - k + 1440) % 1440) AS s, "distinct" FROM (SELECT DISTINCT user_id AS "userId", ((epoch_ms(created_at) % 86400000) // 60000)::DOUBLE AS "position", ((epoch_ms(created_at) // 86400000) * 86400000)::DOUBLE AS "distinct" ${where}) p CROSS JOIN range(0, 11) r(k)) GROUP BY ALL HAVING count(*) >= 5)`,
  prefilter: `WITH p AS (SELECT DISTINCT user_id AS "userId", ((epoch_ms(created_at) % 86400000) // 60000)::INTEGER AS "position", (epoch_ms(created_at) // 86400000)::INTEGER AS "distinct" ${where}),
    c AS (SELECT "userId" FROM p GROUP BY 1 HAVING count(DISTINCT "distinct") >= 5)
    SELECT DISTINCT "userId" FROM (SELECT "userId" FROM (SELECT p.* FROM p SEMI JOIN c USING ("userId")) p CROSS JOIN range(0, 11) r(k) GROUP BY "userId", (("position" - k + 1440) % 1440) HAVING count(DISTINCT "distinct") >= 5)`,
};
for (const [name, sql] of Object.entries(q)) {
  const t = performance.now();
  const r = await c.runAndReadAll(`SELECT count(*) FROM (${sql})`);
  console.log(name, (performance.now() - t).toFixed(0), 'ms', r.getRowsJS()[0][0]);
}
