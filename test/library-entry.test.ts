/**
 * The library entry as an installed dependency sees it (`npm test` builds first): `import ... from 'mfaguard'`
 * resolves through package.json "exports" to the built library with its declarations, and an
 * installation without the developer kit still runs `mfaguard demo`.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mfaguard-pkg-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

it("import { scan } from 'mfaguard' scans the demo tenant (package self-reference through exports)", async () => {
  const program = `
    import { scan, renderReport, formatNamed, SEVERITIES } from 'mfaguard';
    const { report } = await scan({ source: { demo: true } });
    let json = '';
    await renderReport(report, formatNamed('json'), (c) => { json += c; });
    console.log(JSON.stringify({ tenant: report.tenant.displayName, findings: JSON.parse(json).findings.length, severities: SEVERITIES }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', program], { cwd: ROOT });
  const out = JSON.parse(stdout) as { tenant: string; findings: number; severities: string[] };
  expect(out.tenant).toBe('Northwind Traders');
  expect(out.findings).toBeGreaterThan(0);
  expect(out.severities).toEqual(['low', 'medium', 'high']);
});

it('a TypeScript consumer type-checks against the published declarations', async () => {
  // Inside the package directory, so 'mfaguard' resolves to this package through "exports" → "types".
  const consumerDir = await mkdtemp(join(ROOT, '.consumer-'));
  try {
    await writeFile(join(consumerDir, 'consumer.ts'), `
      import { scan, explainUser, explanationText, readReport, type Finding, type Report, type SignInEvidence } from 'mfaguard';
      export async function unhealthy(evidence?: SignInEvidence): Promise<Finding[]> {
        const { report }: { report: Report } = await scan({ source: { demo: true }, ...(evidence ? { evidence } : {}) });
        const again: Report = await readReport('report.json');
        const text: string = explanationText(await explainUser({ source: { demo: true }, user: 'x', targets: ['azureManagement'] }));
        return [...report.findings, ...again.findings].filter((f) => f.status === 'unhealthy' && text.length > 0);
      }
      // @ts-expect-error: a snapshot source needs a path, a snapshot or demo
      void scan({ source: { file: 'x' } });
    `);
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--skipLibCheck', 'false', join(consumerDir, 'consumer.ts')];
    const result = await run(process.execPath, [tsc, ...args], { cwd: ROOT }).then(() => ({ code: 0, stdout: '' }), (e: { code: number; stdout: string }) => e);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
  } finally {
    await rm(consumerDir, { recursive: true, force: true });
  }
}, 60_000);

it('mfaguard demo without the developer kit scans the bundled tenant offline, with a one-line note', async () => {
  // The published layout ("files" in package.json): no devkit/.
  const pkg = join(dir, 'mfaguard');
  await mkdir(join(pkg, 'demo'), { recursive: true });
  await cp(join(ROOT, 'bin'), join(pkg, 'bin'), { recursive: true });
  await cp(join(ROOT, 'dist', 'src'), join(pkg, 'dist', 'src'), { recursive: true });
  await cp(join(ROOT, 'demo', 'tenant.json'), join(pkg, 'demo', 'tenant.json'));
  await cp(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  await symlink(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  const out = join(dir, 'demo.json');
  const { stderr } = await run(process.execPath, [join(pkg, 'bin', 'mfaguard.js'), 'demo', '--no-state', '--format', 'json', '--output', out], { env: { ...process.env, NO_COLOR: '1' } });
  expect(stderr).toBe('mfaguard: demo: the emulator is not part of this installation (it ships with a clone of the repository, in devkit/emulator); scanning the bundled demo tenant offline\n');
  const report = JSON.parse(await readFile(out, 'utf8')) as { tenant: { displayName: string }; findings: unknown[] };
  expect(report.tenant.displayName).toBe('Northwind Traders');
  expect(report.findings.length).toBeGreaterThan(0);
}, 60_000);
