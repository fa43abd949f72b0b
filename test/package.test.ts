/**
 * What `npm publish` would ship: the CLI, its compiled code, the bundled demo tenant, the rule
 * explainers and the contracts — and none of the developer kit or tests. Then the packed tarball,
 * unpacked on its own, must run. (`npm test` builds first; packing skips the `prepare` build.)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const npm = (args: string[], cwd = ROOT) =>
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let work: string;
let shipped: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mfaguard-pack-'));
  const [packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work])) as { files: { path: string }[] }[];
  shipped = packed!.files.map((f) => f.path).sort();
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the published package', () => {
  it('ships the CLI, its compiled code, the demo tenant, rule explainers, the specs and the README', () => {
    for (const required of ['bin/mfaguard.js', 'dist/src/cli/main.js', 'demo/tenant.json', 'demo/mfaguard.yaml', 'demo/tenant.later.json', 'demo/mfaguard.later.yaml', 'README.md', 'package.json']) {
      expect(shipped).toContain(required);
    }
    const ruleFolders = readdirSync(join(ROOT, 'src', 'rules'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(ruleFolders.length).toBeGreaterThan(0);
    for (const rule of ruleFolders) expect(shipped).toContain(`src/rules/${rule}/README.md`);
    const specs = readdirSync(join(ROOT, 'spec')).filter((f) => f.endsWith('.md'));
    expect(specs.length).toBeGreaterThan(0);
    for (const spec of specs) expect(shipped).toContain(`spec/${spec}`);
  });

  it('ships nothing of the developer kit, the tests, TypeScript sources or source maps', () => {
    const unwanted = shipped.filter((p) =>
      /^(devkit|test|dist\/devkit|bench|scripts)\//.test(p)
      || /(^|\/)(emulator|gen)\//.test(p)
      || p.endsWith('.map')
      || (p.endsWith('.ts') && !p.endsWith('.d.ts')));
    expect(unwanted).toEqual([]);
  });

  it('unpacked on its own, runs a demo scan to valid JSON', () => {
    const [tarball] = readdirSync(work).filter((f) => f.endsWith('.tgz'));
    execFileSync('tar', ['-xzf', join(work, tarball!), '-C', work]);
    const pkg = join(work, 'package');
    // The runtime dependencies, as an install would provide them.
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'junction');
    const stdout = execFileSync(process.execPath, [join(pkg, 'bin', 'mfaguard.js'), 'scan', '--demo', '--format', 'json'], {
      cwd: work,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      env: { ...process.env, MFAGUARD_NO_RESPAWN: '1' },
    });
    const report = JSON.parse(stdout) as { tenant?: { displayName?: string }; findings?: unknown[] };
    expect(report.tenant?.displayName).toBe('Northwind Traders');
    expect(report.findings?.length).toBeGreaterThan(0);
    // the demo a week later: no emulator in the package, so the bundled change applied offline
    const later = JSON.parse(execFileSync(process.execPath, [join(pkg, 'bin', 'mfaguard.js'), 'demo', '--later', '--no-state', '--format', 'json'], {
      cwd: work, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MFAGUARD_NO_RESPAWN: '1' },
    })) as { snapshotCollectedAt?: string; exemptions?: { expiringSoon?: unknown[] } };
    expect(later.snapshotCollectedAt).toBe('2026-11-08T08:00:00Z');
    expect(later.exemptions?.expiringSoon?.length).toBe(1);
  });
});
