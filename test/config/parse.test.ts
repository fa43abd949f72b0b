/**
 * spec/config.md "Validation": every bad configuration is an InputError naming the file, the line
 * and the key; good ones (YAML or JSON, same keys) parse to the same TenantConfig.
 */
import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../src/errors.js';
import { parseAsOf, parseConfigBytes, parseConfigText, parseExpiry } from '../../src/config/parse.js';

const F = 'cfg/mfaguard.yaml';

/** The InputError a text raises (fails the test when it parses). */
function errorOf(text: string): InputError {
  try {
    parseConfigText(text, F);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError, but the configuration was accepted');
}

const VALID = `# reviewed like code
mfaguardConfig: 1
tenant: 5c1a6d3e-7b2f-4e8a-9d41-0b6c2f8e9a17
breakGlassAccounts:
  - breakglass1@contoso.com
  - 0f6e2c1a-9b1d-4c2e-8f00-1234567890ab
exemptions:
  - rules: [azure-owner-mfa, azure-write-mfa]
    resource: svc-legacy@contoso.com
    scope: /subscriptions/60ab6dc6-7a68-436c-a320-3733ab904e4e
    category: mitigated
    reason: "Duo MFA enforced by the federated IdP; see ticket"
    expires: 2027-03-31
    approvedBy: ciso@contoso.com
    ticket: SEC-1234
  - rules: "*"
    group: 6b1f0000-0000-4000-8000-000000000001
    category: riskAccepted
    reason: lab accounts
    expires: 2027-01-15T18:30:00Z
`;

describe('a valid configuration', () => {
  it('parses every key of the spec example', () => {
    const c = parseConfigText(VALID, F);
    expect(c.tenant).toBe('5c1a6d3e-7b2f-4e8a-9d41-0b6c2f8e9a17');
    expect(c.breakGlassAccounts).toEqual(['breakglass1@contoso.com', '0f6e2c1a-9b1d-4c2e-8f00-1234567890ab']);
    expect(c.exemptions).toHaveLength(2);
    expect(c.exemptions[0]).toEqual({
      rules: ['azure-owner-mfa', 'azure-write-mfa'], resource: 'svc-legacy@contoso.com', scope: '/subscriptions/60ab6dc6-7a68-436c-a320-3733ab904e4e',
      category: 'mitigated', reason: 'Duo MFA enforced by the federated IdP; see ticket', expires: '2027-03-31T00:00:00.000Z',
      approvedBy: 'ciso@contoso.com', ticket: 'SEC-1234', source: { file: F, line: 8 },
    });
    expect(c.exemptions[1]).toMatchObject({ rules: '*', group: '6b1f0000-0000-4000-8000-000000000001', expires: '2027-01-15T18:30:00.000Z', source: { line: 16 } });
    expect(c.file).toBe(F);
  });

  it('reads JSON with the same keys to the same configuration', () => {
    const yaml = parseConfigText(VALID, F);
    const json = JSON.stringify({
      mfaguardConfig: 1, tenant: yaml.tenant, breakGlassAccounts: yaml.breakGlassAccounts,
      exemptions: [
        { rules: ['azure-owner-mfa', 'azure-write-mfa'], resource: 'svc-legacy@contoso.com', scope: '/subscriptions/60ab6dc6-7a68-436c-a320-3733ab904e4e', category: 'mitigated', reason: 'Duo MFA enforced by the federated IdP; see ticket', expires: '2027-03-31', approvedBy: 'ciso@contoso.com', ticket: 'SEC-1234' },
        { rules: '*', group: '6b1f0000-0000-4000-8000-000000000001', category: 'riskAccepted', reason: 'lab accounts', expires: '2027-01-15T18:30:00Z' },
      ],
    }, null, 2);
    const c = parseConfigText(json, 'mfaguard.json');
    const strip = (x: typeof c) => x.exemptions.map(({ source: _s, ...e }) => e);
    expect(strip(c)).toEqual(strip(yaml));
    expect(c.exemptions[1]!.source.line).toBeGreaterThan(c.exemptions[0]!.source.line);
  });

  it('decodes UTF-8 with a BOM and UTF-16 with a BOM like snapshots', () => {
    const text = 'mfaguardConfig: 1\nbreakGlassAccounts: [bg@contoso.com]\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const bom8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(parseConfigBytes(le, F).breakGlassAccounts).toEqual(['bg@contoso.com']);
    expect(parseConfigBytes(bom8, F).breakGlassAccounts).toEqual(['bg@contoso.com']);
  });

  it('accepts one rule id as a string, a registered sign-in rule id, and no category (riskAccepted)', () => {
    const c = parseConfigText('mfaguardConfig: 1\nexemptions:\n  - rules: breakglass-phishing-resistant\n    resource: a@contoso.com\n    reason: r\n    expires: 2027-01-01\n', F);
    expect(c.exemptions[0]).toMatchObject({ rules: ['breakglass-phishing-resistant'], category: 'riskAccepted' });
  });

  it('a minimal file is just the version', () => {
    expect(parseConfigText('mfaguardConfig: 1\n', F)).toMatchObject({ breakGlassAccounts: [], exemptions: [] });
  });
});

const base = (exemption: string) => `mfaguardConfig: 1\nexemptions:\n  - rules: azure-owner-mfa\n${exemption}`;

describe('invalid configurations: exit 2 naming file, line and key', () => {
  const cases: [string, string, number, string, RegExp][] = [
    ['unknown rule id', base('    resource: a@contoso.com\n    reason: r\n    expires: 2027-01-01\n').replace('rules: azure-owner-mfa', 'rules: azure-owner-mfaa'), 3, 'exemptions[0].rules', /unknown rule id "azure-owner-mfaa"/],
    ['unknown rule id in a list', 'mfaguardConfig: 1\nexemptions:\n  - rules:\n      - directory-admin-mfa\n      - no-such-rule\n    resource: a@contoso.com\n    reason: r\n    expires: 2027-01-01\n', 5, 'exemptions[0].rules[1]', /unknown rule id "no-such-rule"/],
    ['missing expires', base('    resource: a@contoso.com\n    reason: r\n'), 3, 'exemptions[0].expires', /missing "expires"/],
    ['unparsable date', base('    resource: a@contoso.com\n    reason: r\n    expires: next spring\n'), 6, 'exemptions[0].expires', /not a date: "next spring"/],
    ['date that does not exist', base('    resource: a@contoso.com\n    reason: r\n    expires: 2027-02-30\n'), 6, 'exemptions[0].expires', /not a date/],
    ['unknown key in an exemption', base('    resource: a@contoso.com\n    reason: r\n    expires: 2027-01-01\n    expiry: 2028-01-01\n'), 7, 'exemptions[0].expiry', /unknown key "expiry"/],
    ['unknown top-level key', 'mfaguardConfig: 1\nbreakglassAccounts: [a@contoso.com]\n', 2, 'breakglassAccounts', /unknown key "breakglassAccounts"/],
    ['resource and group together', base('    resource: a@contoso.com\n    group: 6b1f0000-0000-4000-8000-000000000001\n    reason: r\n    expires: 2027-01-01\n'), 5, 'exemptions[0].group', /either "resource" or "group", not both/],
    ['neither resource nor group', base('    reason: r\n    expires: 2027-01-01\n'), 3, 'exemptions[0].resource', /missing "resource"/],
    ['scope on a non-Azure rule', 'mfaguardConfig: 1\nexemptions:\n  - rules: [azure-owner-mfa, directory-admin-mfa]\n    resource: a@contoso.com\n    scope: /subscriptions/x\n    reason: r\n    expires: 2027-01-01\n', 5, 'exemptions[0].scope', /Azure rules only.*"directory-admin-mfa"/],
    ['scope with "*"', 'mfaguardConfig: 1\nexemptions:\n  - rules: "*"\n    resource: a@contoso.com\n    scope: /subscriptions/x\n    reason: r\n    expires: 2027-01-01\n', 5, 'exemptions[0].scope', /Azure rules only/],
    ['unknown category', base('    resource: a@contoso.com\n    category: breakGlass\n    reason: r\n    expires: 2027-01-01\n'), 5, 'exemptions[0].category', /mitigated, riskAccepted/],
    ['wrong version', 'mfaguardConfig: 2\n', 1, 'mfaguardConfig', /unsupported format version 2/],
    ['missing version', 'breakGlassAccounts: [a@contoso.com]\n', 1, 'mfaguardConfig', /missing/],
    ['breakGlassAccounts not a list', 'mfaguardConfig: 1\nbreakGlassAccounts: a@contoso.com\n', 2, 'breakGlassAccounts', /expected a list/],
    ['a number where text is expected', base('    resource: 12\n    reason: r\n    expires: 2027-01-01\n'), 4, 'exemptions[0].resource', /expected a string/],
    ['duplicate key', 'mfaguardConfig: 1\nmfaguardConfig: 1\n', 2, 'mfaguardConfig', /not valid YAML or JSON: Map keys must be unique/],
    ['YAML syntax error', 'mfaguardConfig: 1\nexemptions:\n  - rules: [azure-owner-mfa\n    resource: a\n', 0, '', /not valid YAML or JSON/],
  ];
  it.each(cases)('%s', (_name, text, line, key, message) => {
    const e = errorOf(text);
    expect(e.file).toBe(F);
    if (line) expect(e.line).toBe(line);
    else expect(e.line).toBeGreaterThan(0);
    if (key) expect(e.key).toBe(key);
    expect(e.message).toMatch(message);
    // the message a user sees names all three
    expect(e.message).toContain(`${F}:${e.line}`);
  });

  it('a JSON syntax error names its line', () => {
    const e = errorOf('{\n  "mfaguardConfig": 1,\n  "exemptions": [\n}\n');
    expect(e.line).toBeGreaterThanOrEqual(3);
  });
});

describe('dates', () => {
  it('a date alone is 00:00 UTC; date-times are UTC unless they say otherwise', () => {
    expect(parseExpiry('2027-03-31')).toBe('2027-03-31T00:00:00.000Z');
    expect(parseExpiry('2027-03-31T10:00')).toBe('2027-03-31T10:00:00.000Z');
    expect(parseExpiry('2027-03-31T10:00:00+02:00')).toBe('2027-03-31T08:00:00.000Z');
    for (const bad of ['2027-13-01', '2027-02-29', '31/03/2027', '2027-03-31T25:00:00Z', '']) expect(parseExpiry(bad)).toBeUndefined();
    expect(parseExpiry('2028-02-29')).toBe('2028-02-29T00:00:00.000Z');
  });

  it('--as-of takes the same forms; anything else is a usage error', () => {
    expect(parseAsOf('2027-03-31')).toBe('2027-03-31T00:00:00.000Z');
    expect(parseAsOf(new Date('2027-03-31T12:00:00Z'))).toBe('2027-03-31T12:00:00.000Z');
    expect(() => parseAsOf('tomorrow')).toThrow(UsageError);
  });
});
