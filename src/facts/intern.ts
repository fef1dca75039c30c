/**
 * Shares identical parsed entries across ztunnels. Every ztunnel's config_dump (and istiod's dump
 * for it) lists the whole cluster, so a 1,000-node bundle parses the same 5,000 workloads 1,000
 * times; keeping one object per distinct entry, instead of one per dump, is what keeps the fact
 * model's memory linear in the cluster rather than quadratic. Two entries are "identical" when
 * they have the same keys in the same order and equal values, JSON pointer included, so evidence
 * still points into the right place. Candidates are found by a cheap key (e.g. pointer and uid)
 * and compared structurally, which costs a fraction of serializing every entry.
 *
 * Shared entries must never be mutated: facts are read-only, and rules see copies (toCel).
 */

export class Interner<T extends object> {
  private readonly byKey = new Map<string, T[]>();
  /** Lists already interned: dumps with identical sections share one list (ConfigDumpParser). */
  private readonly done = new WeakSet<T[]>();

  constructor(private readonly keyOf: (value: T) => string) {}

  /** The first entry seen equal to `value`, or `value` itself when it is new. */
  intern(value: T): T {
    const key = this.keyOf(value);
    const candidates = this.byKey.get(key);
    if (candidates === undefined) {
      this.byKey.set(key, [value]);
      return value;
    }
    for (const known of candidates) if (sameJson(known, value)) return known;
    candidates.push(value);
    return value;
  }

  /**
   * Interns every entry of a freshly parsed list in place (each entry is replaced by an equal one,
   * so other holders of the list see the same values); a list seen before is left as it is.
   */
  internAll(values: T[]): void {
    if (this.done.has(values)) return;
    for (let i = 0; i < values.length; i++) values[i] = this.intern(values[i]!);
    this.done.add(values);
  }
}

/** Deep equality of parsed JSON-like values, key order included (as JSON.stringify would see it). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
