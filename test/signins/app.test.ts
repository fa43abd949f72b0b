/** The library functions over the store: import (with a snapshot's own sign-ins), evidence, and scan with sign-in files. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../../src/app/scan.js';
import { importSignInLogs, openSignInEvidence, signInEvidenceFor } from '../../src/app/signins.js';
import { userFinding } from '../../src/rules/common.js';
import type { Rule } from '../../src/rules/types.js';
import { snapshot, user } from '../helpers/snapshot-builder.js';
import { fixture, tempDir } from './helpers.js';

const alice = user('alice@tailspin.test', { id: '0a11ce00-0000-4000-8000-000000000001' });
const carol = user('carol@tailspin.test', { id: 'ca201000-0000-4000-8000-000000000001' });
const carolSignIn = {
  id: 'snap-1', createdDateTime: '2026-10-20T10:00:00Z', userId: carol.id, appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', signInEventTypes: ['interactiveUser'],
  status: { errorCode: 0 }, authenticationRequirement: 'singleFactorAuthentication',
};
const tenant = snapshot({ users: [alice, carol], signIns: [carolSignIn], signInsWindow: { from: '2026-10-01T00:00:00Z', to: '2026-11-10T00:00:00Z' } });

/** Per user: single-factor sign-ins to mandatory-MFA apps, as the evidence reports them. */
const probe: Rule = {
  meta: { id: 'test-signins-probe', title: 'probe', severity: 'high', resourceType: 'user', protectsAgainst: 'x', origin: 'test', references: [], remediation: 'x' },
  needsSignIns: true,
  async evaluate(ctx) {
    const apps = await ctx.evidence!.userAppSignIns();
    return ctx.model.users.map((u) => {
      const mine = apps.filter((a) => a.userId === u.id.toLowerCase());
      const single = mine.reduce((n, a) => n + a.singleFactor, 0);
      return userFinding(this.meta, u, single ? 'unhealthy' : 'healthy', `${single}`, { signIns: mine.reduce((n, a) => n + a.signIns, 0) });
    });
  },
};

describe('sign-in logs in the library', () => {
  it('scan with sign-in files: the rules see the imported sign-ins and the snapshot\'s own', async () => {
    const { report } = await scan({ source: { snapshot: tenant }, rules: [probe], signIns: { files: [fixture('graph-beta.ndjson'), fixture('graph-array.json')] } });
    const byUser = Object.fromEntries(report.findings.map((f) => [f.resourceName, [f.status, f.evidence.signIns]]));
    // alice: the CLI sign-in (in both files: once) and the PowerShell one; carol: the snapshot's portal sign-in
    expect(byUser).toEqual({ 'alice@tailspin.test': ['unhealthy', 2], 'carol@tailspin.test': ['unhealthy', 1] });
  });

  it('without sign-in input the probe reports unknown (the evidence is missing, not clean)', async () => {
    const { report } = await scan({ source: { snapshot: { ...tenant, signIns: undefined } }, rules: [probe] });
    expect(report.findings.map((f) => f.status)).toEqual(['unknown']);
  });

  it('importSignInLogs: the default database beside the snapshot, its sign-ins and window kept; openSignInEvidence reads it', async () => {
    const dir = tempDir();
    const snapPath = join(dir, 'tenant.json');
    writeFileSync(snapPath, JSON.stringify(tenant));
    const r = await importSignInLogs({ files: [fixture('la-signinlogs.json')], snapshot: snapPath });
    expect(r.database).toBe(join(dir, 'tenant.signins.duckdb'));
    expect(existsSync(r.database)).toBe(true);
    expect(r.totalRows).toBe(2);
    expect(r.window).toEqual({ from: '2026-10-01T00:00:00.000Z', to: '2026-11-10T00:00:00.000Z' });
    const again = await importSignInLogs({ files: [], snapshot: snapPath });
    expect(again.sources.map((s) => s.skipped)).toEqual([true]);
    const { evidence, window, rows } = await openSignInEvidence(r.database);
    expect(rows).toBe(2);
    expect(window).toEqual(r.window);
    expect(await evidence.window()).toEqual(r.window);
    expect((await evidence.userAppSignIns()).map((a) => [a.userPrincipalName, a.appId, a.singleFactor])).toEqual([
      [null, 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', 1], ['frank@tailspin.test', '04b07795-8ddb-461a-bbee-02f9e1bf7b46', 1],
    ]);
  });

  it('a snapshot sign-in without a user id names the key; a temporary database leaves nothing behind', async () => {
    const bad = snapshot({ users: [alice], signIns: [{ ...carolSignIn, userId: '' }] });
    await expect(signInEvidenceFor({ snapshot: bad, snapshotPath: 'snap.json' })).rejects.toThrow(/snap\.json: key "signIns\[0\]\.userId": missing/);
  });
});
