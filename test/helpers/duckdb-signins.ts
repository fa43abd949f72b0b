/**
 * An in-memory DuckDB with a `signins` table for the evidence tests: `load(rows)` replaces the table's
 * rows and returns evidence over them. Registers its own beforeAll/afterAll (call inside a describe or
 * at file level).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll } from 'vitest';
import type { SignInRow } from '../../src/evidence/row.js';
import { buildSignInFacts, dropSignInFacts } from '../../src/signins/facts.js';
import { appendSignInRows, createSignInsTableSql, DuckDbSignInEvidence, type DuckDbEvidenceOptions } from '../../src/signins/duckdb-evidence.js';

/**
 * `load(rows, { facts: true })` also builds the facts table (facts.ts) and answers from it, as a store
 * does; without, evidence reads the `signins` table itself (SIGNINS_SOURCE).
 */
export function memorySignInTable(): { load: (rows: readonly SignInRow[], opts?: DuckDbEvidenceOptions) => Promise<DuckDbSignInEvidence> } {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    conn = await instance.connect();
  });
  afterAll(() => {
    conn.closeSync();
    instance.closeSync();
  });
  return {
    async load(rows, opts = {}) {
      await conn.run('DROP TABLE IF EXISTS signins');
      await conn.run(createSignInsTableSql());
      await appendSignInRows(conn, rows);
      if (opts.facts) await buildSignInFacts(conn);
      else await dropSignInFacts(conn);
      return new DuckDbSignInEvidence(conn, opts);
    },
  };
}
