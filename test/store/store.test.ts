/**
 * The state store (src/store/sqlite.ts): schema migrations, recording and reading back, content
 * deduplication across scans (disk grows with what changed), per-tenant key-value state.
 */
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, STATE_FILE, StateStore, countFindings } from '../../src/store/sqlite.js';
import { defaultStateDir, history, recordScan } from '../../src/app/state.js';
import { InputError } from '../../src/errors.js';
import type { Report } from '../../src/report/report.js';
import { baseReport, canonical, variant } from './fixture.mjs';

const tempDir = () => mkdtempSync(join(tmpdir(), 'mfaguard-store-'));
const dirSize = (dir: string) => readdirSync(dir).reduce((a, f) => a + statSync(join(dir, f)).size, 0);

let base: Report;
beforeAll(async () => {
  base = await baseReport(600);
});

describe('schema', () => {
  it('a new store is at the latest schema version, in WAL mode, and passes integrity_check', () => {
    const dir = tempDir();
    const store = StateStore.open(dir);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(store.integrityCheck()).toBe('ok');
    store.close();
    const db = new Database(join(dir, STATE_FILE));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('migrates a store left at an older version step by step, keeping its data', () => {
    const dir = tempDir();
    const db = new Database(join(dir, STATE_FILE));
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    db.prepare("INSERT INTO tenant_state VALUES ('t', 'k', '42', 'now')").run();
    db.close();
    const store = StateStore.open(dir);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(store.getTenantState('t', 'k')).toBe(42);
    store.close();
  });

  it('refuses a store written by a newer mfaguard instead of misreading it', () => {
    const dir = tempDir();
    StateStore.open(dir).close();
    const db = new Database(join(dir, STATE_FILE));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => StateStore.open(dir)).toThrow(InputError);
    expect(() => StateStore.open(dir)).toThrow(/newer than this mfaguard/);
  });

  it('a file that is not a database is an input error naming it', async () => {
    const dir = tempDir();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, STATE_FILE), 'not sqlite at all, just text that is long enough to be a header'.repeat(20));
    expect(() => StateStore.open(dir)).toThrow(new RegExp(`${STATE_FILE}.*not a usable state store`));
  });
});

describe('recording', () => {
  it('reads back exactly what was recorded, for every scan, with counts per rule and status', () => {
    const dir = tempDir();
    const store = StateStore.open(dir);
    const reports = [0, 1, 2, 3].map((i) => variant(base, i));
    const ids = reports.map((r, i) => store.record(r, `t${i}`).id);
    reports.forEach((r, i) => {
      const back = store.loadReport(ids[i]!)!;
      expect(canonical(back)).toBe(canonical(r));
      expect(back.summary).toEqual(r.summary);
      expect(back.rules).toEqual(r.rules);
      expect(back.generatedAt).toBe(r.generatedAt);
      const rec = store.getScan(ids[i]!)!;
      expect(rec.source).toBe(`t${i}`);
      expect(rec.principals).toBe(r.principals.length);
      // counted from the findings themselves (a variant's summary is the base's)
      expect(rec.counts).toEqual(countFindings(r.findings));
      expect(Object.values(rec.counts).reduce((a, c) => a + c.unhealthy, 0)).toBe(r.findings.filter((f) => f.status === 'unhealthy').length);
    });
    expect(store.listScans(base.tenant.id).map((s) => s.id)).toEqual(ids);
    store.close();
  });

  it('an identical report writes no finding or principal again', () => {
    const store = StateStore.open(tempDir());
    store.record(base, 'a');
    store.record({ ...base, generatedAt: '2026-11-02T00:00:00Z' }, 'b');
    expect(store.lastRecordStats()).toEqual({ changedFindings: 0, changedPrincipals: 0, closed: 0, newBlobs: 0 });
    store.close();
  });

  it('a finding that returns to an earlier content reuses its blob; a vanished user is not in later scans', () => {
    const store = StateStore.open(tempDir());
    const gone = base.principals[0]!;
    const a = store.record(base, 'a').id;
    const b = store.record({ ...base, principals: base.principals.slice(1), findings: base.findings.filter((f) => f.resourceId !== gone.id) }, 'b').id;
    const c = store.record(base, 'c').id;
    expect(store.lastRecordStats()!.newBlobs).toBe(0); // everything it needs is stored already
    expect(store.loadReport(b)!.principals.some((p) => p.id === gone.id)).toBe(false);
    expect(canonical(store.loadReport(a)!)).toBe(canonical(base));
    expect(canonical(store.loadReport(c)!)).toBe(canonical(base));
    store.close();
  });

  it('disk grows with what changed: 10 scans with 0.5 % of users changing cost a small share of the first', () => {
    const dir = tempDir();
    const sizes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const store = StateStore.open(dir);
      store.record(variant(base, i, i ? 0.005 : 0), `s${i}`);
      store.close(); // checkpoints the WAL into the database
      sizes.push(dirSize(dir));
    }
    const first = sizes[0]!;
    const growth = sizes.at(-1)! - first;
    // a full copy per scan would be 9 × first; measured: about 11 % of the first scan for all nine
    // (a few changed items plus the B-tree pages they touch)
    expect(growth).toBeLessThan(first * 0.25);
    const store = StateStore.open(dir);
    expect(store.listScans().length).toBe(10);
    expect(canonical(store.loadReport(10)!)).toBe(canonical(variant(base, 9, 0.005)));
    store.close();
  });

  it('keeps tenants apart', () => {
    const store = StateStore.open(tempDir());
    const other: Report = { ...base, tenant: { id: 'other-tenant', displayName: 'Other' } };
    store.record(base, 'a');
    store.record(other, 'a');
    store.record(variant(base, 1), 'b');
    expect(store.tenants().map((t) => [t.id, t.scans])).toEqual([[base.tenant.id, 2], ['other-tenant', 1]].sort());
    expect(store.listScans('other-tenant').map((s) => s.id)).toEqual([2]);
    expect(canonical(store.loadReport(2)!)).toBe(canonical(other));
    expect(canonical(store.loadReport(3)!)).toBe(canonical(variant(base, 1)));
    store.close();
  });
});

describe('tenant state (for incremental collection and other components)', () => {
  it('stores, replaces and deletes a JSON value per tenant and key, durable across connections', () => {
    const dir = tempDir();
    const store = StateStore.open(dir);
    expect(store.getTenantState('t1', 'users.deltaLink')).toBeUndefined();
    store.putTenantState('t1', 'users.deltaLink', { link: 'https://graph/delta?token=1', at: '2026-11-01' });
    store.putTenantState('t2', 'users.deltaLink', 'other');
    store.putTenantState('t1', 'users.deltaLink', { link: 'https://graph/delta?token=2' });
    store.close();
    const again = StateStore.open(dir);
    expect(again.getTenantState('t1', 'users.deltaLink')).toEqual({ link: 'https://graph/delta?token=2' });
    expect(again.getTenantState('t2', 'users.deltaLink')).toBe('other');
    again.putTenantState('t1', 'users.deltaLink', undefined);
    expect(again.getTenantState('t1', 'users.deltaLink')).toBeUndefined();
    again.close();
  });
});

describe('where the store lives', () => {
  it('MFAGUARD_STATE_DIR, else XDG_DATA_HOME, else ~/.local/share; %LOCALAPPDATA% on Windows', () => {
    expect(defaultStateDir({ MFAGUARD_STATE_DIR: '/x/state', XDG_DATA_HOME: '/xdg' }, 'linux', '/home/u')).toBe('/x/state');
    expect(defaultStateDir({ XDG_DATA_HOME: '/xdg' }, 'linux', '/home/u')).toBe('/xdg/mfaguard');
    expect(defaultStateDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/u')).toBe('/home/u/.local/share/mfaguard');
    expect(defaultStateDir({}, 'darwin', '/Users/u')).toBe('/Users/u/.local/share/mfaguard');
    expect(defaultStateDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Local\\mfaguard');
    expect(defaultStateDir({}, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Local\\mfaguard');
  });

  it('tests record in a temporary directory, never in the home directory', () => {
    expect(process.env.MFAGUARD_STATE_DIR).toMatch(/mfaguard-test-state-/);
  });

  it('recordScan and history through the library', () => {
    const dir = tempDir();
    const rec = recordScan({ report: base, source: 'memory', state: dir });
    expect(rec.path).toBe(join(dir, STATE_FILE));
    const h = history({ state: dir, tenant: base.tenant.displayName! });
    expect(h.scans.map((s) => s.id)).toEqual([rec.id]);
    expect(history({ state: join(dir, 'none') }).scans).toEqual([]);
    expect(() => history({ state: dir, tenant: 'nobody' })).toThrow(/no scans recorded for tenant "nobody"/);
  });
});
