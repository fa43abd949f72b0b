/** scan() records by default; `state: false` does not; a failing default store is a warning, a named one an error. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diffScans, history, scan, trends } from '../../src/index.js';
import { InputError } from '../../src/errors.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'mfaguard-store-lib-'));
const saved = { ...process.env };
afterEach(() => {
  for (const k of ['MFAGUARD_STATE_DIR', 'XDG_DATA_HOME']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('scan() and the state store', () => {
  it('records in the given directory and returns the record; history, diff and trends read it', async () => {
    const dir = tempDir();
    const a = await scan({ source: { demo: true }, state: dir });
    const b = await scan({ source: { demo: true }, state: dir, stateSource: 'nightly' });
    expect([a.recorded?.id, b.recorded?.id]).toEqual([1, 2]);
    expect(b.recorded?.path).toBe(join(dir, 'state.db'));
    expect(history({ state: dir }).scans.map((s) => s.source)).toEqual(['demo', 'nightly']);
    const d = await diffScans({ state: dir });
    expect(d.changes).toEqual([]);
    expect(trends({ state: dir }).scans).toHaveLength(2);
    const none = await scan({ source: { demo: true }, state: false });
    expect(none.recorded).toBeUndefined();
  });

  it('records by default in $MFAGUARD_STATE_DIR', async () => {
    const dir = tempDir();
    process.env.MFAGUARD_STATE_DIR = dir;
    const r = await scan({ source: { demo: true } });
    expect(r.recorded?.path).toBe(join(dir, 'state.db'));
  });

  it('a default store that cannot be written is a warning (the scan still succeeds); a named one is an InputError', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    delete process.env.MFAGUARD_STATE_DIR;
    process.env.XDG_DATA_HOME = join(dir, 'file'); // the default directory would be file/mfaguard
    const warnings: string[] = [];
    const r = await scan({ source: { demo: true }, onWarning: (w) => warnings.push(w) });
    expect(r.recorded).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/not recorded in the state store .*--no-state/)]);
    expect(r.warnings).toEqual(warnings);
    await expect(scan({ source: { demo: true }, state: join(dir, 'file', 'x') })).rejects.toThrow(InputError);
  });
});
