/**
 * How a measured cost grows with the cluster size: the exponent k of cost ≈ c·N^k, fitted by least
 * squares on log-log points. k ≈ 1 is linear, k ≈ 2 quadratic. Fixed costs (process start, rule
 * compilation) flatten small sizes, so the exponent between the two largest sizes is reported too:
 * that is the one a regression to quadratic work shows first.
 */

export interface GrowthPoint {
  /** The size driving the cost: nodes, or bytes of bundle. */
  n: number;
  value: number;
}

export interface Growth {
  /** Least-squares exponent over all points. */
  overall: number;
  /** Exponent between the two largest sizes. */
  tail: number;
}

/** Exponent of value ≈ c·n^k; undefined with fewer than two distinct positive sizes. */
export function growthExponent(points: readonly GrowthPoint[]): Growth | undefined {
  const usable = points.filter((p) => p.n > 0 && p.value > 0).sort((a, b) => a.n - b.n);
  const distinct = new Set(usable.map((p) => p.n));
  if (distinct.size < 2) return undefined;
  const xs = usable.map((p) => Math.log(p.n));
  const ys = usable.map((p) => Math.log(p.value));
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const mx = mean(xs);
  const my = mean(ys);
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i]! - my);
    den += (x - mx) ** 2;
  });
  const last = usable[usable.length - 1]!;
  const before = [...usable].reverse().find((p) => p.n < last.n)!;
  const tail = Math.log(last.value / before.value) / Math.log(last.n / before.n);
  return { overall: num / den, tail };
}

/** Bytes the bundle grows by per additional ztunnel, between the two largest sizes. */
export function marginalPerUnit(points: readonly GrowthPoint[]): number | undefined {
  const sorted = [...points].sort((a, b) => a.n - b.n);
  const last = sorted[sorted.length - 1];
  const before = [...sorted].reverse().find((p) => last !== undefined && p.n < last.n);
  if (!last || !before) return undefined;
  return (last.value - before.value) / (last.n - before.n);
}

/** "linear", "quadratic" or the exponent, for the table. */
export function describeExponent(k: number, variable = 'N'): string {
  const label = k <= 1.15 ? 'linear or better' : k < 1.7 ? 'superlinear' : 'quadratic';
  return `${variable}^${k.toFixed(2)} (${label})`;
}
