/**
 * The HTML report's sign-in section: contradictions and the MFA gaps workbook with inline SVG charts,
 * no external asset, tenant text escaped; absent when the scan had no sign-in evidence.
 */
import { describe, expect, it } from 'vitest';
import { scan } from '../../src/app/scan.js';
import { renderReport } from '../../src/app/output.js';
import { findFormat } from '../../src/report/formats.js';
import type { Report } from '../../src/report/report.js';
import { barChart } from '../../src/report/html-signins.js';
import { policy, snapshot, user } from '../helpers/snapshot-builder.js';
import { OUTLOOK, cli, signIn, singleFactor } from '../helpers/signins.js';

async function html(report: Report): Promise<string> {
  const chunks: string[] = [];
  await renderReport(report, findFormat('html')!, (c) => { chunks.push(typeof c === 'string' ? c : Buffer.from(c).toString()); }, { color: false, limit: 25 });
  return chunks.join('');
}

describe('HTML sign-in section', () => {
  const alice = user('alice@contoso.com');
  const evilApp = '</svg><script>alert(1)</script>';
  const snap = {
    ...snapshot({ users: [alice], conditionalAccessPolicies: [policy('MFA all')] }),
    signIns: [
      signIn(alice, '2026-10-01T09:00:00Z'),
      signIn(alice, '2026-10-02T09:00:00Z', { ...cli(), ...singleFactor }),
      signIn(alice, '2026-10-03T09:00:00Z', { appId: OUTLOOK, appDisplayName: evilApp, resourceId: null, location: { countryOrRegion: '"><img src=x>' }, ...singleFactor }),
    ],
  };

  it('shows contradictions and the workbook pivots as inline SVG, escaped, with no external reference', async () => {
    const { report } = await scan({ source: { snapshot: snap } });
    expect(report.signIns!.total).toMatchObject({ signIns: 3, mfa: 1, singleFactor: 2 });
    const page = await html(report);
    const section = page.slice(page.indexOf('<section class="block" id="signins"'), page.indexOf('<section class="block" id="findings"'));
    expect(section).toContain('Predicted vs observed');
    expect(section).toContain('MFA gaps workbook');
    expect((section.match(/<svg class="chart"/g) ?? []).length).toBeGreaterThanOrEqual(6);
    expect(section).not.toContain('<script>');
    expect(section).not.toContain('<img src=x>');
    expect(section).toContain('&lt;/svg&gt;&lt;script&gt;');
    expect(section).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(page).toContain('<a href="#signins">Sign-ins');
  });

  it('is absent from a report without sign-in evidence', async () => {
    const { report } = await scan({ source: { snapshot: snapshot({ users: [alice] }) } });
    expect(report.signIns).toBeUndefined();
    expect(report.contradictions).toBeUndefined();
    const page = await html(report);
    expect(page).not.toContain('id="signins"');
  });

  it('bar charts scale to the largest row and split MFA from single-factor', () => {
    const svg = barChart([
      { keys: ['a'], signIns: 10, mfa: 5, singleFactor: 5, users: 1, mfaPercent: 50 },
      { keys: ['b'], signIns: 5, mfa: 0, singleFactor: 5, users: 1, mfaPercent: 0 },
    ], (r) => r.keys[0]!, 'test');
    const widths = [...svg.matchAll(/<rect x="[\d.]+" y="\d+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths[0]! + widths[1]!).toBeCloseTo(2 * (widths[2]! + widths[3]!), 0);
    expect(widths[2]).toBe(0);
  });
});
