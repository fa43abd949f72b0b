// Sign-in analytics at scale: every evidence method over a DuckDB `signins` table of N rows (generated
// in SQL, so the benchmark measures the analyses, not a JS generator), with the time per method and
// the process's peak RSS (the rows never reach JavaScript; only aggregates do).
// Usage: npm run build && node bench/signins.mjs [rows=1000000]
import { DuckDBInstance } from '@duckdb/node-api';
import { createSignInsTableSql, DuckDbSignInEvidence } from '../dist/src/signins/duckdb-evidence.js';

const N = Number(process.argv[2] ?? 1_000_000);
const users = Math.max(10, Math.floor(N / 200));
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run(createSignInsTableSql());
const t0 = performance.now();
await conn.run(`
  INSERT INTO signins
  SELECT
    'si-' || i,
    TIMESTAMPTZ '2026-03-01 00:00:00+00' + to_milliseconds((i * 7919 % 2592000000)::BIGINT) + to_milliseconds((i % 1000)::BIGINT),
    CASE WHEN i % 7 = 0 THEN 'interactiveUser' WHEN i % 53 = 0 THEN 'servicePrincipal' ELSE 'nonInteractiveUser' END,
    printf('%08x-0000-4000-8000-%012x', (i * 2654435761) % ${users}, (i * 2654435761) % ${users}),
    'user' || ((i * 2654435761) % ${users}) || '@contoso.com',
    NULL,
    (['c44b4083-3bb0-49c1-b47d-974e53cbdf3c', '04b07795-8ddb-461a-bbee-02f9e1bf7b46', '1950a258-227b-4e31-a9cf-717495945fc2', '00000003-0000-0000-c000-000000000000', '1fec8e78-bce4-4aaf-ab1b-5451cc387264'])[1 + i % 5],
    (['Azure Portal', 'Azure CLI', 'Azure PowerShell', 'Microsoft Graph', 'Teams'])[1 + i % 5],
    (['797f4846-ba00-4fd7-ba43-dac1f8f63013', '797f4846-ba00-4fd7-ba43-dac1f8f63013', NULL, '00000003-0000-0000-c000-000000000000'])[1 + i % 4],
    NULL,
    CASE WHEN i % 11 = 0 THEN 50126 ELSE 0 END,
    (['singleFactorAuthentication', 'multiFactorAuthentication', 'multiFactorAuthentication'])[1 + i % 3],
    CASE WHEN i % 97 = 0 THEN 'ropc' ELSE 'none' END,
    (['Browser', 'Mobile Apps and Desktop clients', 'Exchange ActiveSync', NULL])[1 + i % 4],
    (['AZURECLI/2.61.0 (MSI)', 'AzurePowershell/v12.3.0', 'python-requests/2.31', 'curl/8.4.0', 'Mozilla/5.0'])[1 + i % 5],
    '203.0.113.' || (i % 250),
    (['US', 'DE', NULL])[1 + i % 3],
    (['Windows 10', 'Linux', NULL])[1 + i % 3],
    '11111111-1111-4111-8111-111111111111',
    (['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'])[1 + i % 2],
    'success',
    i % 5 = 0,
    NULL
  FROM range(${N}) t(i)`);
const loadMs = performance.now() - t0;
const ev = new DuckDbSignInEvidence(conn);
const calls = {
  window: () => ev.window(),
  userAppSignIns: () => ev.userAppSignIns(),
  'userAppSignIns(all)': () => ev.userAppSignIns({ apps: 'all' }),
  legacyClientSignIns: () => ev.legacyClientSignIns(),
  toolVersions: () => ev.toolVersions(),
  automationProfiles: () => ev.automationProfiles(),
  singleFactorSignIns: () => ev.singleFactorSignIns(),
  'pivot(total)': () => ev.pivot('total'),
  'pivot(appUser)': () => ev.pivot('appUser'),
  'pivot(country, legacyOnly)': () => ev.pivot('country', { legacyOnly: true }),
};
console.log(`signins: ${N.toLocaleString()} rows, ${users.toLocaleString()} users, generated in ${(loadMs / 1000).toFixed(1)} s`);
for (const [name, call] of Object.entries(calls)) {
  const t = performance.now();
  const out = await call();
  console.log(`${name.padEnd(28)} ${((performance.now() - t) / 1000).toFixed(2).padStart(7)} s  ${Array.isArray(out) ? `${out.length.toLocaleString()} rows` : ''}`);
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
conn.closeSync();
instance.closeSync();
