/**
 * The MFA gaps workbook pivots as terminal tables (`mfaguard signins`). Tenant strings (app names,
 * UPNs, operating systems, countries, client apps) pass through escapeControls.
 */
import type { SignInWorkbook, WorkbookDimension, WorkbookRow } from '../evidence/workbook.js';
import { escapeControls as shown, painter } from '../vocabulary.js';

const TITLES: Record<WorkbookDimension, string> = {
  app: 'Sign-ins per app (single-factor users per app)',
  user: 'Per user',
  appUser: 'App × user',
  operatingSystem: 'By operating system',
  country: 'By country or region',
  clientApp: 'By client app',
};

const COLUMNS: Record<WorkbookDimension, { head: string[]; keys: (r: WorkbookRow) => string[] }> = {
  app: { head: ['app', 'app id'], keys: (r) => [r.keys[1] || '(unnamed)', r.keys[0]!] },
  user: { head: ['user', 'object id'], keys: (r) => [r.keys[1] || '(unknown)', r.keys[0]!] },
  appUser: { head: ['app', 'user'], keys: (r) => [r.keys[1] || r.keys[0]!, r.keys[3] || r.keys[2]!] },
  operatingSystem: { head: ['operating system'], keys: (r) => [r.keys[0]!] },
  country: { head: ['country'], keys: (r) => [r.keys[0]!] },
  clientApp: { head: ['client app'], keys: (r) => [r.keys[0]!] },
};

export function renderWorkbookTable(wb: SignInWorkbook, opts: { color: boolean; tenant?: { id: string; displayName: string | null } }): string {
  const paint = painter(opts.color);
  const lines: string[] = [];
  const f = wb.filters;
  lines.push(paint('bold', `MFA gaps workbook${opts.tenant ? ` — ${shown(opts.tenant.displayName ?? opts.tenant.id)} (${shown(opts.tenant.id)})` : ''}`));
  lines.push(`window: ${wb.window ? `${shown(wb.window.from)} to ${shown(wb.window.to)}` : 'no sign-ins'}`);
  lines.push(`filters: successful; ${f.homeTenantOnly ? 'home tenant only' : 'all tenants'}${f.excludeGraph ? '; Microsoft Graph excluded' : ''}${f.legacyOnly ? '; legacy clients only' : ''}${f.trustedLocationsOnly ? '; trusted locations only' : ''}; ${wb.signInTypes === 'interactiveOnly' ? 'interactive sign-ins only (as the workbook)' : 'interactive and non-interactive sign-ins (the workbook reads interactive only)'}`);
  lines.push('');
  const t = wb.total;
  lines.push(paint('bold', 'Total'));
  lines.push(...grid([['sign-ins', 'protected by MFA', 'not protected', 'MFA %', 'users'], [String(t.signIns), String(t.mfa), String(t.singleFactor), `${t.mfaPercent}%`, String(t.users)]], paint));
  for (const dim of ['app', 'user', 'appUser', 'operatingSystem', 'country', 'clientApp'] as const) {
    const rows = wb.pivots[dim];
    lines.push('');
    lines.push(paint('bold', TITLES[dim]));
    if (!rows.length) {
      lines.push(paint('gray', '  (none)'));
      continue;
    }
    const { head, keys } = COLUMNS[dim];
    const extra = dim === 'app' ? ['single-factor users'] : [];
    const body = rows.map((r) => [...keys(r).map((k) => shown(k)), String(r.signIns), String(r.mfa), String(r.singleFactor), `${r.mfaPercent}%`, String(r.users), ...(dim === 'app' ? [String(r.singleFactorUsers ?? 0)] : [])]);
    lines.push(...grid([[...head, 'sign-ins', 'MFA', 'single-factor', 'MFA %', 'users', ...extra], ...body], paint));
    const omitted = wb.omitted?.[dim];
    if (omitted) lines.push(paint('gray', `  ... and ${omitted} more (--top 0 for all)`));
  }
  return lines.join('\n') + '\n';
}

function grid(rows: string[][], paint: ReturnType<typeof painter>): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((row, r) => '  ' + row.map((cell, c) => (r === 0 ? paint('bold', cell) : cell) + ' '.repeat(widths[c]! - cell.length)).join('  ').trimEnd());
}
