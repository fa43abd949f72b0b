/** Microsoft's own sign-in samples (../shared/graph-samples, never copied here) load through every path: reader, store, evidence. */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openSignInEvidence } from '../../src/app/signins.js';
import { importSignIns } from '../../src/signins/store.js';
import { sharedFolder } from '../helpers/conformance.js';
import { readAll, tempDir } from './helpers.js';

const samples = sharedFolder('graph-samples');

samples.describe('Microsoft Graph signIn samples', () => {
  it('the beta list (duplicate keys in its objects: the last wins) reads as a Graph page', async () => {
    const { rows, format } = await readAll(join(samples.dir, 'signIn.list.beta.json'));
    expect(format).toBe('graph-json');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.id).not.toBe('');
      expect(r.eventType).not.toBe('unknown');
      expect(Number.isNaN(Date.parse(r.createdDateTime))).toBe(false);
      expect(r.authenticationRequirement === null || /^(single|multi)FactorAuthentication$/.test(r.authenticationRequirement)).toBe(true);
    }
  });

  it('the v1.0 list reads (isInteractive for the event type) and both load into the store and the evidence', async () => {
    const v1 = await readAll(join(samples.dir, 'signIn.list.v1.json'));
    expect(v1.rows.every((r) => r.eventType === 'interactiveUser' || r.eventType === 'nonInteractiveUser')).toBe(true);
    const db = join(tempDir(), 's.duckdb');
    const r = await importSignIns(db, [{ path: join(samples.dir, 'signIn.list.beta.json') }, { path: join(samples.dir, 'signIn.list.v1.json') }]);
    const beta = await readAll(join(samples.dir, 'signIn.list.beta.json'));
    expect(r.totalRows).toBe(new Set([...beta.rows, ...v1.rows].map((x) => x.id)).size);
    const { rows } = await openSignInEvidence(db);
    expect(rows).toBe(r.totalRows);
  });
});
