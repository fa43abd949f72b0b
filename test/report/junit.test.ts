/** JUnit XML: well-formed per a real XML parser (fast-xml-parser), structure and counts checked. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { xmlAttr, xmlText } from '../../src/report/junit.js';
import type { Report } from '../../src/report/report.js';
import type { Finding } from '../../src/rules/types.js';
import { escapeControls } from '../../src/vocabulary.js';
import { demoReport, emptyReport, lazyReport, render, trickyReport, wellFormed } from './formats-helpers.js';

interface Case { '@_classname': string; '@_name': string; failure?: { '@_message': string; '@_type': string; '#text'?: string }; error?: { '@_message': string; '#text'?: string }; skipped?: { '@_message': string } }
interface Suite { '@_name': string; '@_tests': string; '@_failures': string; '@_errors': string; '@_skipped': string; properties?: { property: { '@_name': string; '@_value': string }[] }; testcase?: Case[] }
interface Doc { testsuites: { '@_name': string; '@_tests': string; '@_failures': string; '@_errors': string; '@_skipped': string; testsuite?: Suite[] } }

const parser = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: '@_', parseAttributeValue: false, parseTagValue: false, trimValues: false,
  htmlEntities: true, isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});

const XML_INVALID = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;
/** What survives XML: invalid characters become U+FFFD. */
const xmlSafe = (s: string) => wellFormed(escapeControls(s).replace(XML_INVALID, '\uFFFD'));

function parseJunit(text: string): Doc {
  const valid = XMLValidator.validate(text);
  expect(valid).toBe(true);
  // XML 1.0 forbids these characters even as references; the parser would not notice.
  expect(text).not.toMatch(XML_INVALID);
  expect(text).not.toMatch(/&#(x0*[0-8bcef]|x0*1[0-9a-f]|0*([0-8]|1[124-9]|2[0-9]|3[01]));/i);
  return parser.parse(text) as Doc;
}

const statusOf = (c: Case) => (c.failure ? 'unhealthy' : c.error ? 'unknown' : c.skipped ? 'skipped' : 'healthy');
const expectedStatus = (f: Finding) => (f.status === 'exempt' || f.status === 'notApplicable' ? 'skipped' : f.status);

function checkCounts(doc: Doc) {
  let total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const s of doc.testsuites.testsuite ?? []) {
    const cases = s.testcase ?? [];
    const c = {
      tests: cases.length,
      failures: cases.filter((x) => x.failure).length,
      errors: cases.filter((x) => x.error).length,
      skipped: cases.filter((x) => x.skipped).length,
    };
    expect({ tests: +s['@_tests'], failures: +s['@_failures'], errors: +s['@_errors'], skipped: +s['@_skipped'] }, s['@_name']).toEqual(c);
    total = { tests: total.tests + c.tests, failures: total.failures + c.failures, errors: total.errors + c.errors, skipped: total.skipped + c.skipped };
  }
  const root = doc.testsuites;
  expect({ tests: +root['@_tests'], failures: +root['@_failures'], errors: +root['@_errors'], skipped: +root['@_skipped'] }).toEqual(total);
}

let demo: Report;
beforeAll(async () => {
  demo = await demoReport();
});

describe('junit', () => {
  it('one suite per rule, one case per finding, counts that match (demo tenant)', async () => {
    const doc = parseJunit((await render('junit', demo)).text);
    const suites = doc.testsuites.testsuite!;
    expect(suites.map((s) => s['@_name'])).toEqual(demo.rules.map((r) => r.id));
    checkCounts(doc);
    for (const s of suites) {
      const sum = demo.summary.rules[s['@_name']]!;
      expect(+s['@_tests']).toBe(sum.healthy + sum.unhealthy + sum.exempt + sum.notApplicable + sum.unknown);
      expect(+s['@_failures']).toBe(sum.unhealthy);
      expect(+s['@_errors']).toBe(sum.unknown);
      expect(+s['@_skipped']).toBe(sum.exempt + sum.notApplicable);
      const props = Object.fromEntries(s.properties!.property.map((p) => [p['@_name'], p['@_value']]));
      expect(props).toMatchObject({ tenantId: demo.tenant.id, severity: demo.rules.find((r) => r.id === s['@_name'])!.severity });
    }
    const owner = suites[0]!.testcase!.find((c) => c['@_name'].startsWith('adm-jleverling@'))!;
    expect(owner['@_classname']).toBe('azure-owner-mfa');
    expect(owner.failure!['@_type']).toBe('unhealthy');
    expect(owner.failure!['#text']).toContain('Fix: Require MFA for Azure management');
  });

  it('maps every status: failure, error for unknown, skipped for n/a and exempt', async () => {
    const report = trickyReport();
    const doc = parseJunit((await render('junit', report)).text);
    checkCounts(doc);
    const cases = doc.testsuites.testsuite!.flatMap((s) => s.testcase ?? []);
    expect(cases).toHaveLength(report.findings.length);
    for (const f of report.findings) {
      const c = cases.find((x) => x['@_name'].endsWith(`(${f.resourceId})`) && x['@_classname'] === f.ruleId)!;
      expect(c, f.resourceId).toBeDefined();
      expect(statusOf(c)).toBe(expectedStatus(f));
      if (f.status === 'unhealthy') expect(c.failure!['@_message']).toBe(xmlSafe(f.reason));
      if (f.status === 'unknown') expect(c.error!['@_message']).toBe(xmlSafe(f.reason));
      if (f.status === 'exempt') expect(c.skipped!['@_message']).toBe(xmlSafe(`exempt: ${f.reason}`));
      if (f.status === 'notApplicable') expect(c.skipped!['@_message']).toBe(xmlSafe(`not applicable: ${f.reason}`));
    }
  });

  it('escapes <&>"\' and newlines in names and attributes; replaces control characters', async () => {
    const report = trickyReport();
    const { text } = await render('junit', report);
    const doc = parseJunit(text);
    expect(doc.testsuites['@_name']).toBe(xmlSafe(`mfaguard: ${report.tenant.displayName}`)); // its newline shown as \n
    const names = doc.testsuites.testsuite!.flatMap((s) => s.testcase ?? []).map((c) => c['@_name']);
    for (const f of report.findings) expect(names).toContain(xmlSafe(`${f.resourceName} (${f.resourceId})`));
    expect(names.some((n) => n.includes('\uFFFD'))).toBe(true); // lone surrogate replaced
    expect(names.some((n) => n.includes('bell\\x07 esc\\x1b[31m nul\\x00 end'))).toBe(true); // control characters shown escaped
    // Newlines, tabs and CRs inside attribute values are character references, not raw (attribute normalisation would eat them).
    expect(text).not.toMatch(/="[^"]*[\n\r\t][^"]*"/);
    expect(text).not.toContain('\r');
    expect(xmlAttr('a\nb\tc\rd<&>"\'')).toBe('a\\nb\\tc\\rd&lt;&amp;&gt;&quot;&apos;'); // attribute text is tenant text: breaks shown escaped
    expect(xmlText('x\u0001y\u001bz\n<&>\u202e')).toBe('x\\x01y\\x1bz\n&lt;&amp;&gt;\\u202e');
    expect(xmlText('ok 😀 \ud800')).toBe('ok 😀 \uFFFD');
  });

  it('groups interleaved findings into one suite per rule, including rules missing from rules[]', async () => {
    const report = trickyReport();
    const doc = parseJunit((await render('junit', report)).text);
    const suites = doc.testsuites.testsuite!;
    expect(suites.map((s) => s['@_name'])).toEqual(['rule-a', 'rule-b', 'orphan-rule']);
    for (const s of suites) for (const c of s.testcase ?? []) expect(c['@_classname']).toBe(s['@_name']);
    expect(suites[2]!.properties!.property.map((p) => p['@_name'])).not.toContain('severity');
  });

  it('an empty report has empty suites with zero counts', async () => {
    const doc = parseJunit((await render('junit', emptyReport())).text);
    expect(doc.testsuites['@_tests']).toBe('0');
    expect(doc.testsuites.testsuite!.map((s) => [s['@_name'], s['@_tests'], s.testcase])).toEqual([['rule-a', '0', undefined]]);
  });

  it('only iterates findings (works on a lazy iterable)', async () => {
    const report = trickyReport();
    expect((await render('junit', lazyReport(report))).text).toBe((await render('junit', report)).text);
  });
});
