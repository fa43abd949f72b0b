/**
 * `npm run gen -- --users N --seed S --out DIR [--policies P] [--gzip] [--security-defaults]` (scripts/gen.mjs).
 *
 * Writes a synthetic tenant in the snapshot directory layout. Exit codes: 0 ok, 2 bad arguments or an
 * output path we refuse to replace, 3 internal error, 130 interrupted (the partial directory is removed).
 */
import { parseArgs } from 'node:util';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { loadSnapshot } from '../../src/snapshot/load.js';
import { generateSignIns } from './signins.js';
import { COLLECTED_AT, defaultPolicyCount } from './synthetic-tenant.js';
import { writeSnapshotDir, type WriteProgress } from './write.js';

export const GEN_HELP = `Generate a synthetic Entra ID / Azure tenant snapshot (directory layout).

Usage:
  npm run gen -- --users N --seed S --out DIR [--policies P] [--gzip] [--security-defaults] [--signins N]
  npm run gen -- --signins-only N --snapshot S --out FILE [--seed S] [--signins-days D] [--as-of T]

  --users N             number of users (1 … 50,000,000; 100k and 1m are accepted)
  --seed S              any string or number; the same seed always gives the same tenant
  --out DIR             target directory (created; replaced only if it already holds a snapshot)
  --policies P          Conditional Access policies (default scales with users: 50 at 100 … 300 at 1M)
  --gzip                write .ndjson.gz files
  --security-defaults   turn security defaults on
  --signins N           also write N sign-ins (Graph beta signIn objects) as signIns.ndjson and signInsWindow
  --signins-days D      the sign-ins' window in days (default 30), ending at --as-of
  --as-of T             end of the sign-in window (default: the snapshot's collectedAt)
  --signins-only N      write only N sign-ins for the existing snapshot --snapshot S to --out FILE
                        (NDJSON; .gz compresses), for benchmarks of the sign-in readers
  --snapshot S          the snapshot (file or directory) --signins-only generates for
  --quiet               no progress and no summary`;

class ArgError extends Error {}

/** "100000", "100k", "1m", "1_000_000" → number. */
export function parseCount(raw: string, name: string): number {
  const m = /^(\d[\d_]*)([km]?)$/i.exec(raw.trim());
  if (!m) throw new ArgError(`--${name} must be a whole number (like 1000, 100k or 1m), got "${raw}"`);
  const base = Number(m[1]!.replace(/_/g, ''));
  const mult = m[2]!.toLowerCase() === 'k' ? 1_000 : m[2]!.toLowerCase() === 'm' ? 1_000_000 : 1;
  return base * mult;
}

function fmtBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(u ? 1 : 0)} ${units[u]}`;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export async function genMain(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        users: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, policies: { type: 'string' },
        gzip: { type: 'boolean' }, 'security-defaults': { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
        signins: { type: 'string' }, 'signins-days': { type: 'string' }, 'as-of': { type: 'string' }, 'signins-only': { type: 'string' }, snapshot: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`gen: usage error: ${(err as Error).message}\n\n${GEN_HELP}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${GEN_HELP}\n`);
    return 0;
  }
  let users: number;
  let policies: number | undefined;
  let signIns: { count: number; days: number; asOf?: string } | undefined;
  try {
    if (values['signins'] !== undefined || values['signins-only'] !== undefined) {
      const count = parseCount(values['signins-only'] ?? values['signins']!, values['signins-only'] !== undefined ? 'signins-only' : 'signins');
      if (count > 100_000_000) throw new ArgError(`--signins must be at most 100,000,000, got ${fmt(count)}`);
      const days = values['signins-days'] !== undefined ? parseCount(values['signins-days'], 'signins-days') : 30;
      if (days < 1 || days > 3650) throw new ArgError(`--signins-days must be between 1 and 3650, got ${days}`);
      const asOf = values['as-of'];
      if (asOf !== undefined && Number.isNaN(Date.parse(asOf))) throw new ArgError(`--as-of must be an ISO-8601 time, got "${asOf}"`);
      signIns = { count, days, ...(asOf !== undefined ? { asOf } : {}) };
    }
    if (values['signins-only'] !== undefined) {
      if (!values.snapshot) throw new ArgError('--signins-only needs --snapshot');
      if (!values.out) throw new ArgError('--out is required');
      return await signInsOnly(values.snapshot, values.out, signIns!, values.seed ?? '1', values.quiet === true);
    }
    for (const req of ['users', 'seed', 'out'] as const) {
      if (values[req] === undefined || values[req] === '') throw new ArgError(`--${req} is required`);
    }
    users = parseCount(values.users!, 'users');
    if (users < 1 || users > 50_000_000) throw new ArgError(`--users must be between 1 and 50,000,000, got ${fmt(users)}`);
    if (values.policies !== undefined) {
      policies = parseCount(values.policies, 'policies');
      if (policies > 10_000) throw new ArgError(`--policies must be at most 10,000, got ${fmt(policies)}`);
    }
  } catch (err) {
    if (!(err instanceof ArgError)) {
      process.stderr.write(`gen: error: ${(err as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`gen: usage error: ${err.message}\n\n${GEN_HELP}\n`);
    return 2;
  }

  const quiet = values.quiet === true;
  const tty = process.stderr.isTTY === true && !quiet;
  const started = performance.now();
  let lastDraw = 0;
  const onProgress = tty && users >= 20_000
    ? (p: WriteProgress) => {
      const now = performance.now();
      if (now - lastDraw < 200 && p.done !== p.total) return;
      lastDraw = now;
      const secs = (now - started) / 1000;
      const rate = p.phase === 'users' && secs > 0 ? `, ${fmt(Math.round(p.done / secs))} users/s` : '';
      process.stderr.write(`\r\x1b[K${p.phase}: ${fmt(p.done)}/${fmt(p.total)} (${Math.floor((100 * p.done) / Math.max(1, p.total))}%)${rate}`);
    }
    : undefined;

  const ac = new AbortController();
  const onSigint = () => ac.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  try {
    const result = await writeSnapshotDir({
      users, seed: values.seed!, out: values.out!, gzip: values.gzip === true, securityDefaults: values['security-defaults'] === true,
      signal: ac.signal, onProgress, ...(policies !== undefined ? { policies } : {}), ...(signIns ? { signIns } : {}),
    });
    if (tty) process.stderr.write('\r\x1b[K');
    if (!quiet) {
      const secs = (performance.now() - started) / 1000;
      const c = result.counts;
      process.stdout.write(
        `wrote ${values.out} (seed ${JSON.stringify(values.seed)}): ${fmt(c.users ?? 0)} users, ${fmt(c.groups ?? 0)} groups ` +
        `(${fmt(c.groupMemberships ?? 0)} direct memberships), ${fmt(c.conditionalAccessPolicies ?? policies ?? defaultPolicyCount(users))} CA policies, ` +
        `${fmt(c.roleAssignments ?? 0)} role assignments, ${fmt(c.roleEligibilitySchedules ?? 0)} eligibilities, ` +
        `${fmt(c.azureRoleAssignments ?? 0)} Azure role assignments, ${fmt(c.servicePrincipals ?? 0)} service principals\n` +
        (c.signIns !== undefined ? `${fmt(c.signIns)} sign-ins\n` : '') +
        `${result.files.length} files, ${fmtBytes(result.bytes)} in ${secs.toFixed(1)} s (${fmt(Math.round(users / Math.max(secs, 1e-3)))} users/s)\n`,
      );
    }
    return 0;
  } catch (err) {
    if (tty) process.stderr.write('\r\x1b[K');
    if (ac.signal.aborted) {
      process.stderr.write('gen: interrupted; partial output removed\n');
      return 130;
    }
    const e = err as NodeJS.ErrnoException;
    if (err instanceof RangeError || err instanceof TypeError || /refusing to replace|is not a directory/.test(e.message) || e.code === 'EACCES' || e.code === 'ENOSPC' || e.code === 'EROFS') {
      process.stderr.write(`gen: error: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`gen: internal error: ${e.message}\n`);
    if (process.env.MFAGUARD_DEBUG) process.stderr.write(`${e.stack}\n`);
    return 3;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/** The seed as a number: the generator's own string hash for non-numeric seeds. */
function numericSeed(seed: string): number {
  const n = Number(seed);
  if (Number.isInteger(n)) return n >>> 0;
  let h = 0;
  for (let i = 0; i < seed.length; i++) h = (Math.imul(h, 31) + seed.charCodeAt(i)) >>> 0;
  return h;
}

/** `--signins-only`: sign-ins for an existing snapshot, to one NDJSON file (gzip when it ends in .gz); written beside and renamed. */
async function signInsOnly(snapshotPath: string, out: string, opts: { count: number; days: number; asOf?: string }, seed: string, quiet: boolean): Promise<number> {
  const started = performance.now();
  const { snapshot } = await loadSnapshot(snapshotPath);
  const asOf = opts.asOf ?? snapshot.collectedAt ?? COLLECTED_AT;
  const rows = generateSignIns(snapshot, { count: opts.count, seed: numericSeed(seed), asOf, days: opts.days });
  const tmp = `${out}.partial-${process.pid}`;
  const file = createWriteStream(tmp, { highWaterMark: 8 << 20 });
  // batches of lines: one stream chunk per ~1 MiB rather than per row
  const source = Readable.from((function* () {
    let buf = '';
    for (const row of rows) {
      buf += JSON.stringify(row) + '\n';
      if (buf.length >= 1 << 20) { yield buf; buf = ''; }
    }
    if (buf) yield buf;
  })());
  try {
    if (out.endsWith('.gz')) await pipeline(source, createGzip({ level: 1 }), file);
    else await pipeline(source, file);
    await rename(tmp, out);
  } catch (err) {
    file.destroy();
    await rm(tmp, { force: true });
    throw err;
  }
  if (!quiet) {
    const secs = (performance.now() - started) / 1000;
    process.stdout.write(`wrote ${out}: ${fmt(opts.count)} sign-ins for ${fmt(snapshot.users?.length ?? 0)} users in ${secs.toFixed(1)} s (${fmt(Math.round(opts.count / Math.max(secs, 1e-3)))} rows/s)\n`);
  }
  return 0;
}
