import { describe, expect, it } from 'vitest';
import { breakGlassMatcher, findBreakGlassAccounts } from '../../src/snapshot/break-glass.js';

const users = [
  { id: 'A1', userPrincipalName: 'breakglass01@contoso.com', displayName: 'Emergency access 1' },
  { id: 'a2', userPrincipalName: 'bg-admin@contoso.com', displayName: 'Backup' },
  { id: 'a3', userPrincipalName: 'alice@contoso.com', displayName: 'Emergency Room Scheduler' },
  { id: 'a4', userPrincipalName: 'ops-root@contoso.com', displayName: 'Ops root' },
];

describe('break-glass accounts', () => {
  it('without configuration: the accounts whose UPN or display name says so', () => {
    expect(findBreakGlassAccounts(users).map((u) => u.id)).toEqual(['A1', 'a2', 'a3']);
  });

  it('configured accounts win over the name heuristic, matched by UPN or object id, any case', () => {
    expect(findBreakGlassAccounts(users, ['OPS-ROOT@contoso.com', 'a1']).map((u) => u.id)).toEqual(['A1', 'a4']);
    expect(breakGlassMatcher(['nobody@contoso.com'])(users[0]!)).toBe(false);
  });

  it('an empty configuration falls back to the heuristic', () => {
    expect(findBreakGlassAccounts(users, []).map((u) => u.id)).toEqual(['A1', 'a2', 'a3']);
  });
});
