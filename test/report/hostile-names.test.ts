/**
 * Issue 10 acceptance: a group, user, CA policy, named location and tenant named with terminal
 * escapes, bidi overrides, HTML, a formula and line breaks. No output — every report format, the
 * `explain` text, a collector progress line — may carry a raw control byte or bidi control, and the
 * escaped form must be visible where people read it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainUser, explanationJsonText, explanationText } from '../../src/app/explain.js';
import { scan } from '../../src/app/scan.js';
import { signIns } from '../../src/app/signins-workbook.js';
import { renderWorkbookTable } from '../../src/report/signins-table.js';
import { Logger } from '../../src/collect/log.js';
import { evaluateSnapshot } from '../../src/evaluate.js';
import { FORMATS } from '../../src/report/formats.js';
import { buildReport, type Report } from '../../src/report/report.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { escapeControls } from '../../src/vocabulary.js';
import { DEMO, render } from './formats-helpers.js';

/** Erases the line above on a terminal, reverses the rest, then smuggles markup, a formula and a new line. */
const HOSTILE = "\x1b[1A\x1b[2K\x1b[1A\x1b[2K\r\u202e<script>alert(1)</script>\u2066\n=cmd|' /C calc'!A0\u009b\x7f\u200f";
/** Raw bytes no output may carry: C0 except LF and TAB, DEL, C1, bidi marks/overrides/isolates. */
const FORBIDDEN = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function forbiddenIn(text: string): string | undefined {
  const m = FORBIDDEN.exec(text);
  return m ? `U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} near ${JSON.stringify(text.slice(Math.max(0, m.index - 40), m.index + 10))}` : undefined;
}

let snapshot: Snapshot;
let report: Report;
let upn: string;

beforeAll(async () => {
  ({ snapshot } = await loadSnapshot(DEMO));
  snapshot = structuredClone(snapshot);
  snapshot.tenant.displayName = `Northwind${HOSTILE}`;
  for (const g of snapshot.groups ?? []) g.displayName = `Contractors${HOSTILE}${g.displayName}`;
  for (const p of snapshot.conditionalAccessPolicies ?? []) p.displayName = `${p.displayName}${HOSTILE}`;
  for (const l of snapshot.namedLocations ?? []) l.displayName = `${l.displayName}${HOSTILE}`;
  for (const u of snapshot.users ?? []) u.displayName = `${u.displayName ?? ''}${HOSTILE}`;
  // One account's UPN too: user findings are named by UPN.
  const member = (snapshot.users ?? []).find((u) => u.userType !== 'Guest' && u.userPrincipalName)!;
  member.userPrincipalName = `mallory${HOSTILE}@northwind.example`;
  upn = member.id;
  // A policy that excludes a deleted group: its (hostile) name reaches the policy-hygiene header lines.
  const first = (snapshot.conditionalAccessPolicies ?? [])[0]!;
  first.conditions!.users = { ...first.conditions!.users, excludeGroups: [...(first.conditions!.users?.excludeGroups ?? []), 'aaaaaaaa-0000-4000-8000-00000000dead'] };
  report = buildReport(evaluateSnapshot(snapshot), new Date('2026-11-02T09:30:00.000Z'));
});

describe('hostile names in every output', () => {
  it('the report really carries the hostile strings (the test can fail)', () => {
    expect(report.findings.some((f) => f.resourceName.includes(HOSTILE))).toBe(true);
    expect(report.findings.some((f) => f.reason.includes('Contractors\x1b'))).toBe(true);
    expect(report.policyHygiene?.some((w) => w.message.includes(HOSTILE))).toBe(true);
  });

  for (const format of FORMATS.map((f) => f.name)) {
    it(`${format}: no raw control byte or bidi control`, async () => {
      let { text } = await render(format, report, { color: false });
      if (format === 'csv') text = text.replace(/\r\n/g, '\n'); // the record separator is the format's own
      expect(forbiddenIn(text)).toBeUndefined();
      // A tenant line break never starts a new line of output.
      expect(text.split('\n').some((line) => /^\W{0,4}=cmd\|/.test(line))).toBe(false);
    });
  }

  it('sign-in fields (contradictions, workbook pivots, rule evidence): no raw control byte in any format, nor from mfaguard signins', async () => {
    const member = snapshot.users!.find((u) => u.id === upn)!;
    const hostileSignIn = (at: string, patch: Record<string, unknown>) => ({
      id: `si${HOSTILE}`, createdDateTime: at, userId: member.id, userPrincipalName: member.userPrincipalName, appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
      appDisplayName: `Azure CLI${HOSTILE}`, resourceId: '797f4846-ba00-4fd7-ba43-dac1f8f63013', clientAppUsed: `IMAP${HOSTILE}`, signInEventTypes: ['interactiveUser'],
      authenticationRequirement: 'singleFactorAuthentication', status: { errorCode: 0 }, userAgent: `curl/8${HOSTILE}`, ipAddress: `203.0.113.9${HOSTILE}`,
      deviceDetail: { operatingSystem: `Linux${HOSTILE}` }, location: { countryOrRegion: `ZZ${HOSTILE}` }, ...patch,
    });
    const withSignIns = { ...snapshot, signIns: [hostileSignIn('2026-10-01T09:00:00Z', {}), hostileSignIn('2026-10-02T09:00:00Z', { authenticationProtocol: 'ropc' })] };
    const { report: signInReport } = await scan({ source: { snapshot: withSignIns }, now: new Date('2026-11-02T09:30:00.000Z') });
    expect(JSON.stringify(signInReport.signIns)).toContain('Linux\\u001b');
    expect(signInReport.contradictions!.length).toBeGreaterThan(0);
    for (const format of FORMATS.map((f) => f.name)) {
      let { text } = await render(format, signInReport, { color: false });
      if (format === 'csv') text = text.replace(/\r\n/g, '\n');
      expect(forbiddenIn(text), format).toBeUndefined();
    }
    const { workbook } = await signIns({ source: { snapshot: withSignIns } });
    expect(forbiddenIn(renderWorkbookTable(workbook, { color: false }))).toBeUndefined();
    expect(forbiddenIn(renderWorkbookTable(workbook, { color: true }).replace(/\x1b\[\d+m/g, ''))).toBeUndefined();
  });

  it('human formats show the escaped form', async () => {
    for (const format of ['table', 'csv', 'junit']) expect((await render(format, report)).text, format).toContain('\\x1b[1A\\x1b[2K');
    expect((await render('sarif', report)).text).toContain('\\\\x1b[1A'); // message text, JSON-encoded
    expect((await render('markdown', report)).text).toContain('\\\\x1b\\[1A'); // backslash and bracket escaped for Markdown
    expect((await render('html', report)).text).toContain('\\\\x1b[1A'); // JSON-encoded data the page shows as \x1b[1A
    expect((await render('table', report)).text).toContain('\\u202e<script>');
  });

  it('table in colour: only colour codes, never cursor movement', async () => {
    const { text } = await render('table', report, { color: true });
    expect(text.replace(/\x1b\[\d+m/g, '')).not.toMatch(FORBIDDEN);
  });

  it('explain text', async () => {
    const e = await explainUser({ source: { snapshot }, user: upn });
    const text = explanationText(e);
    expect(forbiddenIn(text)).toBeUndefined();
    expect(text).toContain('Contractors\\x1b[1A');
    expect(explanationText(e, { color: true }).replace(/\x1b\[\d+m/g, '')).not.toMatch(FORBIDDEN);
    const json = explanationJsonText(e);
    expect(forbiddenIn(json)).toBeUndefined();
    expect(JSON.stringify(JSON.parse(json))).toContain('Contractors\\u001b[1A'); // the data itself is kept
  });

  it('collector progress lines, text and JSON', () => {
    for (const format of ['text', 'json'] as const) {
      let out = '';
      const log = new Logger({ format, sink: { write: (s: string) => (out += s) } });
      log.log({ level: 'warn', event: 'skipped', collection: `groups${HOSTILE}`, message: `group Contractors${HOSTILE} skipped` });
      expect(forbiddenIn(out), format).toBeUndefined();
      expect(out.split('\n').length, format).toBe(2); // one line and its end
      if (format === 'text') expect(out).toContain(escapeControls(HOSTILE));
    }
  });

  describe('through the command line (dist/)', () => {
    const BIN = join(import.meta.dirname, '..', '..', 'bin', 'mfaguard.js');
    let dir: string;
    let file: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'mfaguard-hostile-'));
      file = join(dir, 'hostile.json');
      // An unknown top-level key: the loader's warning quotes it on stderr.
      await writeFile(file, JSON.stringify({ ...snapshot, [`extra${HOSTILE}`]: 1 }));
    });
    afterAll(async () => rm(dir, { recursive: true, force: true }));
    const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });

    it('scan: table on stdout and warnings on stderr carry no raw control byte', () => {
      const r = cli('scan', '--snapshot', file);
      expect(r.status, r.stderr).toBe(0);
      expect(forbiddenIn(r.stdout)).toBeUndefined();
      expect(forbiddenIn(r.stderr)).toBeUndefined();
      expect(r.stdout).toContain('\\x1b[1A');
      expect(r.stderr).toContain('extra');
    });

    it('explain: text and JSON', () => {
      for (const format of ['text', 'json']) {
        const r = cli('explain', '--snapshot', file, '--user', upn, '--format', format);
        expect(r.status, r.stderr).toBe(0);
        expect(forbiddenIn(r.stdout), format).toBeUndefined();
      }
    });

    it('fatal errors quoting input (a user not found), in text and JSON lines, carry no raw control byte', () => {
      for (const extra of [[], ['--log-format', 'json']]) {
        const r = extra.length
          ? cli('collect', '--out', join(dir, `missing${HOSTILE}`, 'x'), '--skip', `nosuch${HOSTILE}`, ...extra)
          : cli('explain', '--snapshot', file, '--user', `ghost${HOSTILE}`);
        expect(r.status).toBe(2);
        expect(r.stderr).toContain(extra.length ? '\\u001b[1A' : '\\x1b[1A');
        expect(forbiddenIn(r.stderr), r.stderr).toBeUndefined();
      }
    });
  });
});
