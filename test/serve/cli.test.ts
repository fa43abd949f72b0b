/** `mfaguard serve` as a process: prints the token URL, serves it, stops on SIGTERM; a non-loopback host needs --allow-remote (exit 2). */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, mfaguard } from '../cli/run.js';
import { demoStore } from './helpers.js';

describe('mfaguard serve', () => {
  it('refuses a non-loopback --host without --allow-remote (exit 2)', async () => {
    const r = await mfaguard(['serve', '--host', '0.0.0.0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a loopback address.*--allow-remote/);
  });

  it('refuses a bad port (exit 2)', async () => {
    const r = await mfaguard(['serve', '--port', 'eighty']);
    expect(r.code).toBe(2);
  });

  it('prints the token URL, serves the dashboard, warns beyond loopback, and exits 0 on SIGTERM', async () => {
    const { state } = await demoStore();
    const child = spawn(process.execPath, [BIN, 'serve', '--state', state, '--host', '0.0.0.0', '--allow-remote'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /mfaguard dashboard: (http:\/\/0\.0\.0\.0:\d+\/\?token=[A-Za-z0-9_-]{43})/.exec(stdout);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    try {
      expect(stderr).toMatch(/warning: listening on 0\.0\.0\.0, beyond this machine/);
      const local = url.replace('0.0.0.0', '127.0.0.1');
      const first = await fetch(local, { redirect: 'manual' });
      expect(first.status).toBe(303);
      const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
      const page = await fetch(new URL('/', local), { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Northwind Traders');
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
