/**
 * Comparable forms of Graph objects: keys sorted, `@odata.context` dropped (it names the server), and
 * null treated like absent (Graph returns null for a `$select`ed property that has no value).
 */
export function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (k !== '@odata.context' && x !== null && x !== undefined) out[k] = canon(x);
    }
    return out;
  }
  return v;
}

/** An array collection as a sorted list of canonical JSON strings (order does not matter). */
export function bag(items: unknown[] | undefined): string[] {
  return (items ?? []).map((i) => JSON.stringify(canon(i))).sort();
}
