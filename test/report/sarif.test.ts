/**
 * SARIF: every output validated against the official OASIS SARIF 2.1.0 JSON schema (errata 01,
 * vendored in test/fixtures, see its README) with ajv, formats included; then content checks.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv';
import { FINGERPRINT_KEY, SARIF_SCHEMA_URI } from '../../src/report/sarif.js';
import type { Report } from '../../src/report/report.js';
import { demoReport, emptyReport, lazyReport, render, trickyReport, SARIF_SCHEMA, TENANT_ID } from './formats-helpers.js';

// ajv-draft-04 and ajv-formats are CommonJS; the schema declares draft-04, which needs ajv's draft-04 class.
const require = createRequire(import.meta.url);
const AjvDraft04 = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

type Sarif = any;

let validate: ValidateFunction;
let demo: Report;

beforeAll(async () => {
  const schema = JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8'));
  const ajv = new AjvDraft04({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv);
  validate = ajv.compile(schema);
  demo = await demoReport();
});

function expectValid(doc: unknown) {
  const ok = validate(doc);
  expect(ok ? [] : validate.errors).toEqual([]);
}

async function sarifOf(report: Report): Promise<Sarif> {
  const { text } = await render('sarif', report);
  return JSON.parse(text);
}

describe('the vendored schema', () => {
  it('is the OASIS SARIF 2.1.0 (errata 01) schema, byte for byte as recorded in the fixture README', () => {
    const bytes = readFileSync(SARIF_SCHEMA);
    const readme = readFileSync(new URL('../fixtures/README.md', import.meta.url), 'utf8');
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(readme).toContain(sha);
    const schema = JSON.parse(bytes.toString('utf8'));
    expect(schema.id).toBe(SARIF_SCHEMA_URI);
    expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(Object.keys(schema.definitions)).toHaveLength(52);
  });

  it('rejects invalid SARIF (the validator is really checking)', async () => {
    const doc = await sarifOf(demo);
    const broken = structuredClone(doc);
    delete broken.runs[0].results[0].message;
    expect(validate(broken)).toBe(false);
    const badLevel = structuredClone(doc);
    badLevel.runs[0].results[0].level = 'critical';
    expect(validate(badLevel)).toBe(false);
    const badUri = structuredClone(doc);
    badUri.runs[0].tool.driver.rules[0].helpUri = 'not a uri';
    expect(validate(badUri)).toBe(false);
  });
});

describe('sarif', () => {
  it('validates against the official schema: demo, hostile and empty reports', async () => {
    expectValid(await sarifOf(demo));
    expectValid(await sarifOf(trickyReport()));
    expectValid(await sarifOf(emptyReport()));
  });

  it('describes every rule for code scanning (demo tenant)', async () => {
    const doc = await sarifOf(demo);
    expect(doc.$schema).toBe(SARIF_SCHEMA_URI);
    expect(doc.version).toBe('2.1.0');
    const driver = doc.runs[0].tool.driver;
    expect(driver.name).toBe('mfaguard');
    expect(driver.rules.map((r: Sarif) => r.id)).toEqual(demo.rules.map((r) => r.id));
    for (const [i, r] of demo.rules.entries()) {
      const d = driver.rules[i];
      expect(d.name).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(d.shortDescription.text).toBe(r.title);
      expect(d.fullDescription.text).toContain(r.origin);
      expect(d.help.text).toContain(r.remediation);
      expect(d.help.markdown).toContain(`**Fix:** ${r.remediation}`);
      if (r.references.length) expect(d.helpUri).toBe(r.references[0]);
      expect(d.properties.severity).toBe(r.severity);
      expect(d.properties['security-severity']).toBe({ high: '8.0', medium: '5.0', low: '3.0' }[r.severity]);
      expect(d.defaultConfiguration.level).toBe({ high: 'error', medium: 'warning', low: 'note' }[r.severity]);
    }
    expect(doc.runs[0].properties).toMatchObject({ tenant: demo.tenant, snapshotCollectedAt: demo.snapshotCollectedAt, generatedAt: demo.generatedAt });
    expect(doc.runs[0].automationDetails.id).toBe(`mfaguard/${demo.tenant.id}/`);
  });

  it('one result per unhealthy finding, with level, location and a stable fingerprint (demo tenant)', async () => {
    const doc = await sarifOf(demo);
    const results = doc.runs[0].results;
    const unhealthy = demo.findings.filter((f) => f.status === 'unhealthy');
    // unknown verdicts (the demo has no sign-in logs) are results too, of kind review
    expect(results).toHaveLength(unhealthy.length + demo.findings.filter((f) => f.status === 'unknown').length);
    const fails = results.filter((r: Sarif) => r.kind === 'fail');
    expect(fails).toHaveLength(unhealthy.length);
    for (const [i, f] of unhealthy.entries()) {
      const r = fails[i];
      expect(r.ruleId).toBe(f.ruleId);
      expect(doc.runs[0].tool.driver.rules[r.ruleIndex].id).toBe(f.ruleId);
      expect(r.kind).toBe('fail');
      expect(r.level).toBe({ high: 'error', medium: 'warning', low: 'note' }[f.severity]);
      expect(r.message.text).toBe(`${f.resourceName}: ${f.reason}`);
      const loc = r.locations[0];
      expect(loc.logicalLocations[0]).toMatchObject({ name: f.resourceName, fullyQualifiedName: `${demo.tenant.id}/${f.resourceType}/${f.resourceId}`, kind: 'resource' });
      // GitHub rejects results without a physical artifact location.
      expect(loc.physicalLocation.artifactLocation.uri).toBe(`mfaguard/${demo.tenant.id}/${f.resourceType}/${f.resourceId}`);
      expect(r.partialFingerprints[FINGERPRINT_KEY]).toBe(`${f.ruleId}/${f.resourceId.toLowerCase()}`);
      expect(r.properties.evidence).toEqual(f.evidence);
    }
    const fps = results.map((r: Sarif) => r.partialFingerprints[FINGERPRINT_KEY]);
    expect(new Set(fps).size).toBe(fps.length);
    // Stable across scans: a later report of the same tenant gives the same fingerprints.
    const later = await sarifOf(await demoReport(new Date('2027-01-01T00:00:00Z')));
    expect(later.runs[0].results.map((r: Sarif) => r.partialFingerprints[FINGERPRINT_KEY])).toEqual(fps);
  });

  it('unknown → kind review / level none; exempt → suppressed; healthy and n/a → no result', async () => {
    const report = trickyReport();
    const doc = await sarifOf(report);
    const results = doc.runs[0].results as Sarif[];
    const byStatus = (s: string) => report.findings.filter((f) => f.status === s);
    expect(results).toHaveLength(byStatus('unhealthy').length + byStatus('unknown').length + byStatus('exempt').length);
    for (const r of results) {
      if (r.properties.status === 'unknown') expect([r.kind, r.level]).toEqual(['review', 'none']);
      if (r.properties.status === 'exempt') expect(r.suppressions).toEqual([expect.objectContaining({ kind: 'external', status: 'accepted' })]);
      if (r.properties.status === 'unhealthy') expect(r.kind).toBe('fail');
    }
    const orphan = results.find((r) => r.ruleId === 'orphan-rule');
    expect(orphan.ruleIndex).toBeUndefined();
    expect(orphan.locations[0].physicalLocation.artifactLocation.uri).toBe(`mfaguard/${TENANT_ID}/tenant/${TENANT_ID}`);
    const policy = results.find((r) => r.properties.resourceType === 'policy');
    expect(policy.locations[0].physicalLocation.artifactLocation.uri).toBe(`mfaguard/${TENANT_ID}/policy/pol-%3D1`);
    // Non-URI references are not used as helpUri.
    expect(doc.runs[0].tool.driver.rules[0].helpUri).toBe('https://learn.microsoft.com/entra/identity/');
    expect(doc.runs[0].invocations[0].toolExecutionNotifications[0]).toMatchObject({ level: 'warning', properties: { collection: 'authenticationRequirements' } });
  });

  it('an empty report still has the run, the rules and an empty results array', async () => {
    const doc = await sarifOf(emptyReport());
    expect(doc.runs[0].results).toEqual([]);
    expect(doc.runs[0].tool.driver.rules).toHaveLength(1);
  });

  it('only iterates findings (works on a lazy iterable) and streams', async () => {
    const report = trickyReport();
    expect((await render('sarif', lazyReport(report))).text).toBe((await render('sarif', report)).text);
    const { chunks } = await render('sarif', { ...demo, findings: Array.from({ length: 40 }, () => demo.findings).flat() });
    expect(chunks.length).toBeGreaterThan(1);
  });
});
