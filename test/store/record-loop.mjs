// A child process for the concurrency and crash tests: records variants of a base report into a state
// store, one scan per iteration, printing "committed <scan id> <variant>" after each commit.
//   node record-loop.mjs STATE_DIR BASE_REPORT.json FROM COUNT [TENANT_SUFFIX] [SHARE]
import { join } from 'node:path';
import { readJson, variant } from './fixture.mjs';

const [dir, basePath, from, count, suffix, share] = process.argv.slice(2);
const { StateStore } = await import(join(import.meta.dirname, '..', '..', 'dist', 'src', 'store', 'sqlite.js'));
let base = readJson(basePath);
if (suffix) base = { ...base, tenant: { ...base.tenant, id: `${base.tenant.id}-${suffix}` } };
for (let i = Number(from); i < Number(from) + Number(count); i++) {
  const store = StateStore.open(dir);
  const rec = store.record(variant(base, i, share ? Number(share) : undefined), `loop-${i}`);
  store.close();
  process.stdout.write(`committed ${rec.id} ${i}\n`);
}
