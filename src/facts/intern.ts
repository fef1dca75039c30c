/**
 * Shares identical parsed entries across ztunnels. Every ztunnel's config_dump (and istiod's dump
 * for it) lists the whole cluster, so a 1,000-node bundle parses the same 5,000 workloads 1,000
 * times; keeping one object per distinct entry, instead of one per dump, is what keeps the fact
 * model's memory linear in the cluster rather than quadratic. Two entries are "identical" when
 * their JSON is, JSON pointer included, so evidence still points into the right place.
 *
 * Shared entries must never be mutated: facts are read-only, and rules see copies (toCel).
 */

export class Interner<T extends object> {
  private readonly byJson = new Map<string, T>();

  /** The first entry seen with the same JSON as `value`, or `value` itself when it is new. */
  intern(value: T): T {
    const key = JSON.stringify(value);
    const known = this.byJson.get(key);
    if (known !== undefined) return known;
    this.byJson.set(key, value);
    return value;
  }

  /** Interns every entry of a list in place (the list belongs to one freshly parsed dump). */
  internAll(values: T[]): void {
    for (let i = 0; i < values.length; i++) values[i] = this.intern(values[i]!);
  }

  get size(): number {
    return this.byJson.size;
  }
}
