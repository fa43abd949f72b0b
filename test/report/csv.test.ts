/** CSV format: read back with a real RFC 4180 parser (csv-parse), never by string matching alone. */
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField } from '../../src/report/csv.js';
import type { Report } from '../../src/report/report.js';
import { escapeControls } from '../../src/vocabulary.js';
import { demoReport, emptyReport, lazyReport, neutralised, render, trickyReport, wellFormed, NASTY } from './formats-helpers.js';

type Row = Record<(typeof CSV_COLUMNS)[number], string>;

/** Strict parse: every record must have exactly the header's columns; quotes must be RFC 4180. */
function parseCsv(text: string): Row[] {
  return parse(text, { columns: true, record_delimiter: '\r\n', relax_column_count: false, relax_quotes: false, skip_empty_lines: false }) as Row[];
}

let demo: Report;
beforeAll(async () => {
  demo = await demoReport();
});

describe('csv', () => {
  it('has the documented header and one row per finding (demo tenant)', async () => {
    const { text } = await render('csv', demo);
    expect(text.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    const rows = parseCsv(text);
    expect(rows).toHaveLength(demo.findings.length);
    for (const [i, f] of demo.findings.entries()) {
      expect(rows[i]).toMatchObject({ ruleId: f.ruleId, status: f.status, severity: f.severity, resourceType: f.resourceType, resourceId: f.resourceId, resourceName: neutralised(f.resourceName), reason: neutralised(f.reason) });
    }
  });

  it('flattens the evidence that matters to the help desk (demo tenant)', async () => {
    const rows = parseCsv((await render('csv', demo)).text);
    const owner = rows.find((r) => r.ruleId === 'azure-owner-mfa' && r.resourceName === 'adm-jleverling@northwindtraders.com')!;
    expect(owner).toMatchObject({ status: 'unhealthy', coverage: 'azureManagement: excluded', mechanisms: 'azureManagement: conditionalAccess', perUserMfaState: 'disabled', azureTier: 'owner' });
    expect(owner.policies).toMatch(/^azureManagement: [0-9a-f-]{36}( [0-9a-f-]{36})*$/);
    const admin = rows.find((r) => r.ruleId === 'directory-admin-mfa' && r.resourceName === 'adm-jleverling@northwindtraders.com')!;
    expect(admin.directoryRoles).toBe('Global Administrator (eligible)');
    const reg = rows.find((r) => r.ruleId === 'mfa-registration' && r.resourceName === 'svc-deploy@northwindtraders.com')!;
    expect(reg).toMatchObject({ status: 'unhealthy', mfaCapable: 'false', methodsRegistered: '' });
    const tenant = rows.find((r) => r.ruleId === 'ca-azure-management')!;
    expect(tenant).toMatchObject({ resourceType: 'tenant', coverage: '', perUserMfaState: '' });
  });

  it('round-trips commas, quotes, markup and unicode; neutralises formulas', async () => {
    const report = trickyReport();
    const { text } = await render('csv', report);
    const rows = parseCsv(text);
    expect(rows).toHaveLength(report.findings.length);
    for (const [i, f] of report.findings.entries()) {
      expect(rows[i]!.resourceName).toBe(wellFormed(neutralised(f.resourceName)));
      expect(rows[i]!.reason).toBe(wellFormed(escapeControls(f.reason)));
      expect(rows[i]!.resourceId).toBe(neutralised(f.resourceId));
    }
    // Every cell a spreadsheet would evaluate is neutralised, in every column.
    for (const row of rows) for (const value of Object.values(row)) expect(value).not.toMatch(/^[=+\-@\t\r]/);
    const names = rows.map((r) => r.resourceName);
    expect(names).toContain(`'${NASTY.formulaEq}`);
    expect(names).toContain(`'${NASTY.formulaPlus}`);
    expect(names).toContain(`'${NASTY.formulaMinus}`);
    expect(names).toContain(`'${NASTY.formulaAt}`);
    expect(names).toContain(`'${escapeControls(NASTY.tabStart)}`);
    expect(names).toContain('first line,\\nsecond "line"\\r\\nthird'); // tenant line breaks are shown escaped, never raw
    expect(names).toContain(NASTY.markup);
    expect(names).toContain(NASTY.emoji);
    expect(rows[0]).toMatchObject({ directoryRoles: "'=Global Administrator (eligible)", coverage: 'anyApp: excluded', mechanisms: 'anyApp: none', policies: 'anyApp: p1 p2', missingData: 'authenticationRequirements' });
    const orphan = rows.find((r) => r.ruleId === 'orphan-rule')!;
    expect(orphan.missingData).toBe('conditionalAccessPolicies');
  });

  it('uses CRLF record ends and quotes only fields that need it (RFC 4180)', async () => {
    const { text } = await render('csv', trickyReport());
    expect(text.endsWith('\r\n')).toBe(true);
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('two\\nlines');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('=1,"2"')).toBe(`"'=1,""2"""`);
    expect(csvField('')).toBe('');
  });

  it('an empty report is just the header', async () => {
    const { text } = await render('csv', emptyReport());
    expect(text).toBe(CSV_COLUMNS.join(',') + '\r\n');
    expect(parseCsv(text)).toEqual([]);
  });

  it('only iterates findings (works on a lazy iterable) and writes in bounded chunks', async () => {
    const report = trickyReport();
    expect((await render('csv', lazyReport(report))).text).toBe((await render('csv', report)).text);
    const big = { ...report, findings: Array.from({ length: 3000 }, (_, i) => ({ ...report.findings[i % report.findings.length]!, resourceId: `id-${i}` })) };
    const { chunks, text } = await render('csv', big);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(80 * 1024);
    expect(parseCsv(text)).toHaveLength(3000);
  });
});
