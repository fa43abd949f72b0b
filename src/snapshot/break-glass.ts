/**
 * Which accounts are break-glass (emergency-access) accounts: the ones configured explicitly
 * (`breakGlassAccounts` in spec/config.md: UPNs or object ids) when there are any, otherwise the
 * accounts whose UPN or display name says so. Pure: the collector uses it to decide whose
 * authentication methods to read, and the lock-out guard of remediation (spec/remediation.md) can use
 * the same answer.
 */
import type { GraphUser } from './types.js';

/** The naming conventions emergency-access accounts commonly follow. */
export const BREAK_GLASS_NAME = /break.?glass|emergency|bg-?admin/i;

type NamedUser = Pick<GraphUser, 'id' | 'userPrincipalName' | 'displayName'>;

/**
 * A predicate over users. With `configured` accounts (non-empty), exactly those (by UPN or object id,
 * case-insensitive); without, the name heuristic.
 */
export function breakGlassMatcher(configured?: readonly string[]): (user: NamedUser) => boolean {
  if (configured?.length) {
    const wanted = new Set(configured.map((s) => s.toLowerCase()));
    return (u) => wanted.has(u.id.toLowerCase()) || (!!u.userPrincipalName && wanted.has(u.userPrincipalName.toLowerCase()));
  }
  return (u) => BREAK_GLASS_NAME.test(u.userPrincipalName ?? '') || BREAK_GLASS_NAME.test(u.displayName ?? '');
}

/** The break-glass accounts among `users` (see breakGlassMatcher). */
export function findBreakGlassAccounts<U extends NamedUser>(users: Iterable<U>, configured?: readonly string[]): U[] {
  const isBreakGlass = breakGlassMatcher(configured);
  const out: U[] = [];
  for (const u of users) if (isBreakGlass(u)) out.push(u);
  return out;
}
