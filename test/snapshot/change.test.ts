/**
 * Snapshot changes (src/snapshot/change.ts): applying the change taken between two documents gives
 * the later one exactly — same values, same order — whatever the documents (property-based), and a
 * change to one collection stays about that collection.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySnapshotChange, snapshotChange } from '../../src/snapshot/change.js';

const id = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
const obj = fc.record({ id, v: fc.integer({ min: 0, max: 3 }) });
const idList = fc.uniqueArray(obj, { selector: (o) => o.id, maxLength: 6 });
const record = fc.dictionary(id, fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }), { maxKeys: 5 });
const doc = fc.record({
  users: idList,
  groupMembers: record,
  plain: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 3 }),
  securityDefaults: fc.option(fc.record({ isEnabled: fc.boolean() }), { nil: undefined }),
}, { requiredKeys: [] });

describe('snapshotChange / applySnapshotChange', () => {
  it('apply(base, change(base, later)) deep-equals later, order inside arrays and records included', () => {
    fc.assert(fc.property(doc, doc, (a, b) => {
      const base = { tenant: { id: 't' }, collectedAt: '2026-11-01T08:00:00Z', ...a };
      const later = { tenant: { id: 't' }, collectedAt: '2026-11-01T08:00:00Z', ...b };
      const applied = applySnapshotChange(base, snapshotChange(base, later));
      // the order of top-level keys carries no meaning in a snapshot; inside a collection it is kept
      const norm = (d: object) => JSON.stringify(Object.entries(JSON.parse(JSON.stringify(d)) as object).sort(([x], [y]) => x.localeCompare(y)));
      expect(norm(applied)).toBe(norm(later));
    }), { numRuns: 500 });
  });

  it('names only what changed, by id', () => {
    const base = { tenant: { id: 't' }, collectedAt: 'x', users: [{ id: 'a', v: 1 }, { id: 'b', v: 1 }, { id: 'c', v: 1 }], groupMembers: { g: [1], h: [2] } };
    const later = { ...base, users: [{ id: 'a', v: 1 }, { id: 'c', v: 2 }, { id: 'd', v: 0 }], groupMembers: { g: [1], h: [2, 3] } };
    expect(snapshotChange(base, later).changes).toEqual({
      users: { upsert: [{ id: 'c', v: 2 }, { id: 'd', v: 0 }], remove: ['b'] },
      groupMembers: { set: { h: [2, 3] } },
    });
  });

  it('does not modify the base document', () => {
    const base = { tenant: { id: 't' }, collectedAt: 'x', users: [{ id: 'a', v: 1 }] };
    const copy = structuredClone(base);
    applySnapshotChange(base, snapshotChange(base, { ...base, users: [{ id: 'a', v: 2 }] }));
    expect(base).toEqual(copy);
  });
});
