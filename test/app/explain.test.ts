/** `explain` on the demo tenant: near misses, Azure group chains and guest wording (issue 10). */
import { beforeAll, describe, expect, it } from 'vitest';
import { explainUser, explanationJson, explanationText } from '../../src/app/explain.js';
import { loadSnapshot } from '../../src/snapshot/load.js';
import { DirectoryModel } from '../../src/snapshot/model.js';
import type { Snapshot } from '../../src/snapshot/types.js';

let snapshot: Snapshot;
beforeAll(async () => {
  ({ snapshot } = await loadSnapshot(new URL('../../demo/tenant.json', import.meta.url).pathname));
});

const text = async (user: string) => explanationText(await explainUser({ source: { snapshot }, user }));

describe('explain', () => {
  it('names the near miss of a directory role held only at administrative-unit scope', async () => {
    const model = new DirectoryModel(snapshot);
    const [userId] = [...model.activeRoles].find(([, roles]) => roles.some((r) => r.roleName === 'User Administrator' && r.directoryScopeId.startsWith('/administrativeUnits/')))!;
    const out = await text(userId);
    expect(out).toMatch(/CA02 Require MFA for administrators \[enabled\] notIncluded: the policy targets role 'User Administrator', which the user holds only at administrative-unit scope \(\/administrativeUnits\/[0-9a-f-]+\); CA role conditions match tenant-wide assignments/);
    expect(out).not.toMatch(/CA02 Require MFA for administrators \[enabled\] notIncluded: the user is not in its assignment/);
  });

  it('shows the real group chain for Azure access through a nested group', async () => {
    const out = await text('priya.raman@northwindtraders.com');
    expect(out).toContain("Owner at /providers/Microsoft.Management/managementGroups/mg-northwind through group 'Cloud-Platform-Owners', nested in 'Azure-Platform-Admins'");
  });

  it('words guest kinds as labels with the right article', async () => {
    const model = new DirectoryModel(snapshot);
    const guest = model.users.find((u) => model.guestKind(u) === 'internalGuest')!;
    const out = await text(guest.id);
    expect(out).toContain('type: Guest (internal guest)');
    expect(out).toContain('excluded as an internal guest');
    expect(out).not.toMatch(/as a internalGuest|as an? internalGuest/);
  });

  it('keeps the text-only helpers out of the JSON form', async () => {
    const json = explanationJson(await explainUser({ source: { snapshot }, user: 'priya.raman@northwindtraders.com' }));
    expect(Object.keys(json)).not.toContain('azureGroupChains');
    expect(Object.keys(json)).not.toContain('groupNames');
  });
});
