/**
 * Every KQL text the product can send (every analysis × every parameter combination × partitions) is
 * checked by Microsoft's Kusto language service against the documented schemas of SigninLogs and
 * AADNonInteractiveUserSignInLogs: no syntax or semantic error. And the check can fail.
 */
import { describe, expect, it } from 'vitest';
import { ANALYSIS_NAMES, type AnalysisParams } from '../../src/signins/analyses.js';
import { parseKqlTag, renderKql } from '../../src/signins/kql.js';
import { filterCombinations, PIVOT_DIMENSIONS } from '../helpers/evidence-calls.js';
import { kqlDiagnostics } from '../helpers/kusto.js';

const QUERIES: AnalysisParams[] = [
  {},
  { since: '2026-03-01T00:00:00Z' },
  { asOf: '2026-03-15T00:00:00.000Z' },
  { since: '2026-03-01T00:00:00Z', asOf: '2026-03-15T00:00:00Z', userIds: ['A1', 'b2', 'quote"back\\slash\'s'] },
  { userIds: [] },
  { since: 'not a date' },
];

/**
 * Every distinct KQL text shape the evidence classes can render: literal values (instants, ids) do not
 * change a text's structure, the filters, dimensions, query fields and partitions do. So: every
 * analysis under every query shape, every pivot dimension under every workbook filter combination
 * (with the fullest query), and every analysis partitioned. (~95 ms per text in the language service.)
 */
function everyQuery(): { name: (typeof ANALYSIS_NAMES)[number]; params: AnalysisParams; partition?: { index: number; count: number } }[] {
  const out: ReturnType<typeof everyQuery> = [];
  const full = QUERIES[3]!;
  for (const name of ANALYSIS_NAMES) {
    if (name === 'pivot') {
      for (const by of PIVOT_DIMENSIONS) {
        for (const f of filterCombinations()) out.push({ name, params: { ...full, ...f, by } });
        for (const q of QUERIES) if (q !== full) out.push({ name, params: { ...q, by } });
        out.push({ name, params: { by }, partition: { index: 3, count: 8 } });
      }
      continue;
    }
    for (const q of QUERIES) out.push({ name, params: q });
    if (name === 'userAppSignIns') for (const q of QUERIES) out.push({ name, params: { ...q, apps: 'all' } });
    out.push({ name, params: full, partition: { index: 3, count: 8 } });
  }
  return out;
}

describe('KQL renderings pass the Kusto language service', () => {
  const all = everyQuery();

  it('covers every analysis, pivot dimension and filter combination', () => {
    expect(new Set(all.map((q) => q.name))).toEqual(new Set(ANALYSIS_NAMES));
    expect(new Set(all.filter((q) => q.name === 'pivot').map((q) => JSON.stringify(q.params))).size).toBeGreaterThanOrEqual(PIVOT_DIMENSIONS.length * 32);
  });

  it('every text, unpartitioned and partitioned, has no diagnostics', () => {
    const problems: string[] = [];
    for (const { name, params, partition } of all) {
      const text = renderKql(name, params, partition ? { partition } : {});
      for (const d of kqlDiagnostics(text)) problems.push(`${name} ${JSON.stringify(params)}: ${d.severity} ${d.code} ${d.message} at "${d.at}"`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
  }, 180_000);

  it('the tag names the analysis and its parameters', () => {
    const params: AnalysisParams = { by: 'country', legacyOnly: true, userIds: ['x'] };
    expect(parseKqlTag(renderKql('pivot', params, { partition: { index: 1, count: 4 } }))).toEqual({ name: 'pivot', params, partition: { index: 1, count: 4 } });
  });

  it('tenant text in the tag cannot leave the comment line', () => {
    const params: AnalysisParams = { userIds: ['a\n| take 1', 'b\u2028| take 2', 'c\r\n//', 'é'] };
    const text = renderKql('legacyClientSignIns', params);
    expect(text.split('\n')[0]).toMatch(/^\/\/ mfaguard:legacyClientSignIns \{.*\}$/);
    expect(/[\u2028\u2029\r]/.test(text.split('\n')[0]!)).toBe(false);
    expect(parseKqlTag(text)?.params).toEqual({ userIds: ['a\n| take 1', 'b\u2028| take 2', 'c\r\n//', 'é'] });
    expect(kqlDiagnostics(text)).toEqual([]);
  });

  it('the check catches a misspelled column, a wrong type and a function that does not exist', () => {
    const good = renderKql('userAppSignIns', {});
    expect(kqlDiagnostics(good)).toEqual([]);
    const misspelled = kqlDiagnostics(good.replace('ResourceIdentity', 'ResourceIdentiti'));
    expect(misspelled.some((d) => d.code === 'KS142' && d.at.includes('ResourceIdentiti'))).toBe(true);
    expect(kqlDiagnostics(renderKql('automation.scheduled', {}).replace('hourofday(at)', 'hourofday(upn)')).some((d) => d.code === 'KS107' && d.at === 'upn')).toBe(true);
    expect(kqlDiagnostics(good.replace('countif(', 'count_if(')).length).toBeGreaterThan(0);
  });

  it('a plain union would split LocationDetails by type: why each table is normalised first', () => {
    const naive = 'union SigninLogs, AADNonInteractiveUserSignInLogs | extend c = tostring(LocationDetails.countryOrRegion) | summarize count() by c';
    expect(kqlDiagnostics(naive).some((d) => d.at.startsWith('LocationDetails'))).toBe(true);
  });
});
