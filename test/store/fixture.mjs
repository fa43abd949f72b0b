// Shared by the state-store tests and the child processes they start (plain JS over dist/, so a child
// needs no TypeScript): a base report, a deterministic variant of it per scan number, and a canonical
// hash of a report's content that does not depend on order.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIST = join(import.meta.dirname, '..', '..', 'dist');

/** A report of `users` synthetic users (devkit generator + engine, from dist/). */
export async function baseReport(users, seed = 7) {
  const { generateSnapshot } = await import(join(DIST, 'devkit', 'gen', 'generate.js'));
  const { evaluateSnapshot } = await import(join(DIST, 'src', 'index.js'));
  const { buildReport } = await import(join(DIST, 'src', 'report', 'report.js'));
  return buildReport(evaluateSnapshot(generateSnapshot({ users, seed })), new Date('2026-11-01T09:00:00Z'));
}

export const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

const pick = (i, j, share) => {
  const h = createHash('sha1').update(`${i}:${j}`).digest();
  return h.readUInt32BE(0) / 2 ** 32 < share;
};

/** Scan `i` of the base report: `share` of the findings flip unhealthy ↔ healthy, the same users' anyApp cell changes. */
export function variant(base, i, share = 0.05) {
  if (i === 0) return base;
  const flipped = new Set();
  const findings = base.findings.map((f, j) => {
    if (!pick(i, j, share)) return f;
    if (f.resourceType === 'user') flipped.add(f.resourceId);
    const status = f.status === 'unhealthy' ? 'healthy' : 'unhealthy';
    return { ...f, status, reason: `${f.reason} [scan ${i}]` };
  });
  const principals = base.principals.map((p) => {
    if (!flipped.has(p.id)) return p;
    const cell = p.coverage.anyApp;
    return { ...p, coverage: { ...p.coverage, anyApp: { ...cell, state: cell.state === 'none' ? 'enforced' : 'none', reason: `scan ${i}` } } };
  });
  return { ...base, generatedAt: new Date(Date.parse(base.generatedAt) + i * 60_000).toISOString(), principals, findings };
}

/** sha-1 of the report's findings and principals, each sorted by key. */
export function canonical(report) {
  const key = (f) => `${f.ruleId}\u0000${f.resourceId}`;
  const findings = [...report.findings].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const principals = [...report.principals].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return createHash('sha1').update(JSON.stringify(findings)).update(JSON.stringify(principals)).digest('hex');
}
