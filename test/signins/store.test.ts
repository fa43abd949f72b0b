import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIGN_IN_COLUMNS, type SignInRow } from '../../src/evidence/row.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { openSignInEvidence } from '../../src/app/signins.js';
import { DuckDbSignInEvidence } from '../../src/signins/duckdb-evidence.js';
import { dropSignInFacts, FACTS_VERSION } from '../../src/signins/facts.js';
import { SignInStore, defaultStorePath, importSignIns } from '../../src/signins/store.js';
import { fixture, readAll, tempDir } from './helpers.js';

const ALL = ['graph-beta.ndjson', 'graph-v1-pages.json', 'graph-array.json', 'InteractiveSignIns_2026-11-05_2026-11-06.csv', 'NonInteractiveSignIns_2026-11-05_2026-11-06.csv', 'la-signinlogs.json', 'la-noninteractive.csv'];

async function stored(db: string): Promise<SignInRow[]> {
  const store = await SignInStore.open(db);
  try {
    const rows: SignInRow[] = [];
    for await (const r of store.rows()) rows.push(r);
    return rows;
  } finally {
    store.close();
  }
}

describe('sign-in store (DuckDB)', () => {
  it('has exactly the SIGN_IN_COLUMNS, and a row read back equals the row imported (differential: reader vs store)', async () => {
    const db = join(tempDir(), 's.duckdb');
    await importSignIns(db, [{ path: fixture('graph-beta.ndjson') }]);
    const store = await SignInStore.open(db);
    const cols = await (await store.connection.runAndReadAll("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'signins' ORDER BY ordinal_position")).getRowsJS();
    store.close();
    expect(cols).toEqual(SIGN_IN_COLUMNS.map(([, c, t]) => [c, t === 'TIMESTAMPTZ' ? 'TIMESTAMP WITH TIME ZONE' : t]));
    const { rows } = await readAll(fixture('graph-beta.ndjson'));
    expect(await stored(db)).toEqual(rows);
  });

  it('counts the same sign-in once across inputs and within one, keeping its most complete copy whatever the order', async () => {
    const dir = tempDir();
    const forward = await importSignIns(join(dir, 'a.duckdb'), ALL.map((f) => ({ path: fixture(f) })));
    const backward = await importSignIns(join(dir, 'b.duckdb'), [...ALL].reverse().map((f) => ({ path: fixture(f) })));
    expect(forward.rowsRead).toBe(14);
    expect(forward.totalRows).toBe(12); // a…001 is in three files
    const a = await stored(join(dir, 'a.duckdb'));
    expect(a).toEqual(await stored(join(dir, 'b.duckdb')));
    expect(backward.totalRows).toBe(12);
    const alice = a.filter((r) => r.id === 'a0000000-0000-4000-8000-000000000001');
    expect(alice).toHaveLength(1);
    expect(alice[0]).toMatchObject({ eventType: 'interactiveUser', authenticationProtocol: 'ropc', trustedLocation: true }); // the Graph beta copy
    // twice in one file
    const twice = join(dir, 'twice.ndjson');
    const line = readFileSync(fixture('graph-beta.ndjson'), 'utf8').split('\n')[0]!;
    writeFileSync(twice, `${line}\n${line}\n`);
    expect((await importSignIns(join(dir, 'c.duckdb'), [{ path: twice }])).totalRows).toBe(1);
  });

  it('adds to an existing database; importing the same file again is a no-op; a less complete copy later does not replace the stored one', async () => {
    const db = join(tempDir(), 's.duckdb');
    await importSignIns(db, [{ path: fixture('graph-beta.ndjson') }]);
    const again = await importSignIns(db, [{ path: fixture('graph-beta.ndjson') }, { path: fixture('graph-array.json') }]);
    expect(again.sources.map((s) => [s.skipped, s.rows, s.format])).toEqual([[true, 0, 'graph-json'], [false, 2, 'graph-json']]);
    expect(again.rowsAdded).toBe(1);
    expect(again.totalRows).toBe(5);
    expect((await stored(db)).find((r) => r.id.endsWith('001'))).toMatchObject({ authenticationProtocol: 'ropc' });
    const store = await SignInStore.open(db);
    expect((await store.sources()).map((s) => [s.name.split('/').at(-1), s.rows])).toEqual([['graph-beta.ndjson', 4], ['graph-array.json', 2]]);
    store.close();
  });

  it('keeps the declared window, widened by later imports; else the first and last sign-in', async () => {
    const dir = tempDir();
    const r = await importSignIns(join(dir, 'w.duckdb'), [{ path: fixture('graph-beta.ndjson') }]);
    expect(r.window).toEqual({ from: '2026-11-02T08:00:00.000Z', to: '2026-11-02T11:00:00.000Z' });
    const w = await importSignIns(join(dir, 'w.duckdb'), [{ rows: [], name: 'snapshot', fingerprint: 'snap1' }], { window: { from: '2026-10-01T00:00:00Z', to: '2026-11-03T00:00:00Z' } });
    expect(w.window).toEqual({ from: '2026-10-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' });
  });

  it('a failed import leaves the database as it was and no temporary file behind', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    await importSignIns(db, [{ path: fixture('graph-beta.ndjson') }]);
    const before = readFileSync(db);
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: `x${i}`, createdDateTime: '2026-11-02T08:00:00Z', userId: 'u', appId: 'a', status: { errorCode: 0 }, isInteractive: true })).join('\n') + '\n{"id": "broken"');
    await expect(importSignIns(db, [{ path: fixture('graph-array.json') }, { path: bad }])).rejects.toThrow(/bad\.ndjson:3001\b/);
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['bad.ndjson', 's.duckdb']);
    expect((await stored(db))).toHaveLength(4);
  });

  it('every import (re)builds the facts table the analyses read; a database without current facts is answered from its sign-ins, the same answers', async () => {
    const dir = tempDir();
    const db = join(dir, 'f.duckdb');
    const progress: { phase?: string; rows: number }[] = [];
    await importSignIns(db, [{ path: fixture('graph-beta.ndjson') }], { onProgress: (p) => progress.push({ rows: p.rows, ...(p.phase ? { phase: p.phase } : {}) }) });
    expect(progress.at(-1)).toEqual({ phase: 'facts', rows: 4 }); // announced: a pause of ~15 s at 10M rows
    const answers = async () => {
      const opened = await openSignInEvidence(db);
      try {
        const ev = opened.evidence as DuckDbSignInEvidence;
        return { facts: ev.fromFacts, userApp: await ev.userAppSignIns({ apps: 'all' }), automation: await ev.automationProfiles(), pivot: await ev.pivot('app') };
      } finally {
        await opened.close();
      }
    };
    const first = await answers();
    expect(first.facts).toBe(true);
    expect(first.userApp.length).toBeGreaterThan(0);
    // a later import adds rows: the facts are rebuilt with them
    await importSignIns(db, [{ path: fixture('graph-array.json') }]);
    const second = await answers();
    expect(second.facts).toBe(true);
    expect(second.userApp).not.toEqual(first.userApp);
    // rows changed behind the facts' back, an older version's facts, or none at all: the sign-ins table answers
    const tamper = async (sql: string) => {
      const instance = await DuckDBInstance.create(db);
      const conn = await instance.connect();
      await conn.run(sql);
      conn.closeSync();
      instance.closeSync();
    };
    await tamper("COMMENT ON TABLE signin_facts IS 'mfaguard facts v0 rows=5'");
    expect(await answers()).toEqual({ ...second, facts: false });
    await tamper(`COMMENT ON TABLE signin_facts IS 'mfaguard facts v${FACTS_VERSION} rows=4'`);
    expect(await answers()).toEqual({ ...second, facts: false });
    await tamper(`COMMENT ON TABLE signin_facts IS 'mfaguard facts v${FACTS_VERSION} rows=5'`);
    expect(await answers()).toEqual(second);
    const instance = await DuckDBInstance.create(db);
    const conn = await instance.connect();
    await dropSignInFacts(conn);
    conn.closeSync();
    instance.closeSync();
    expect(await answers()).toEqual({ ...second, facts: false });
    // and the next import builds them again
    await importSignIns(db, [{ path: fixture('la-signinlogs.json') }]);
    expect((await answers()).facts).toBe(true);
  });

  it('the default store sits beside the snapshot', () => {
    expect(defaultStorePath('/x/tenant.json')).toBe('/x/tenant.signins.duckdb');
    expect(defaultStorePath('/x/tenant.json.gz')).toBe('/x/tenant.signins.duckdb');
    expect(defaultStorePath('/x/snap/')).toBe('/x/snap.signins.duckdb');
  });
});
