/** Graph facts over a generated snapshot, computed independently of the generator's own plan. */
import type { Snapshot } from '../../src/snapshot/types.js';

export const lower = (s: string | null | undefined) => (s ?? '').toLowerCase();

/** group id -> ids of groups it contains directly. */
export function nesting(s: Snapshot): Map<string, string[]> {
  const groupIds = new Set((s.groups ?? []).map((g) => g.id));
  const out = new Map<string, string[]>();
  for (const [gid, members] of Object.entries(s.groupMembers ?? {})) {
    out.set(gid, members.filter((m) => m['@odata.type'] === '#microsoft.graph.group' && groupIds.has(m.id)).map((m) => m.id));
  }
  return out;
}

/** Longest chain of nested groups (counted in groups) that never visits a group twice. */
export function maxNestingDepth(s: Snapshot): number {
  const kids = nesting(s);
  const onPath = new Set<string>();
  const memo = new Map<string, number>();
  let best = 0;
  const dfs = (g: string): number => {
    onPath.add(g);
    let deepest = 1;
    for (const k of kids.get(g) ?? []) if (!onPath.has(k)) deepest = Math.max(deepest, 1 + dfs(k));
    onPath.delete(g);
    return deepest;
  };
  for (const g of kids.keys()) {
    // the longest simple path starting at g; memo is only a cheap upper bound short-cut for acyclic parts
    const d = memo.get(g) ?? dfs(g);
    memo.set(g, d);
    best = Math.max(best, d);
  }
  return best;
}

/** Strongly connected components of size > 1 (nesting cycles), by Tarjan's algorithm. */
export function nestingCycles(s: Snapshot): string[][] {
  const kids = nesting(s);
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of kids.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp);
    }
  };
  for (const v of kids.keys()) if (!idx.has(v)) visit(v);
  return out;
}
