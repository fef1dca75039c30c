/**
 * The growth fit behind the bench's "linear or better" verdicts: exponents of known power laws,
 * the tail exponent that exposes a late turn to quadratic work, and the per-ztunnel bundle growth.
 */
import { describe, expect, it } from 'vitest';
import { describeExponent, growthExponent, marginalPerUnit } from '../../src/bench/growth.js';

const curve = (sizes: number[], f: (n: number) => number) => sizes.map((n) => ({ n, value: f(n) }));

describe('growthExponent', () => {
  it('finds 1 for linear and 2 for quadratic costs', () => {
    expect(growthExponent(curve([10, 50, 100, 300], (n) => 3 * n))!.overall).toBeCloseTo(1, 6);
    expect(growthExponent(curve([10, 50, 100, 300], (n) => 0.5 * n * n))!.overall).toBeCloseTo(2, 6);
  });

  it('reports the tail exponent separately, where a fixed start-up cost no longer hides quadratic work', () => {
    // 1 s of start-up, then 0.1 ms per N²: flat at first, quadratic at the end.
    const g = growthExponent(curve([10, 50, 100, 1000], (n) => 1000 + 0.0001 * n * n * 1000))!;
    expect(g.tail).toBeGreaterThan(1.6);
    expect(g.overall).toBeLessThan(g.tail - 0.3);
  });

  it('needs two distinct positive sizes', () => {
    expect(growthExponent([])).toBeUndefined();
    expect(growthExponent(curve([100, 100], (n) => n))).toBeUndefined();
    expect(growthExponent([{ n: 0, value: 5 }, { n: 10, value: 7 }])).toBeUndefined();
  });

  it('ignores the order of the points', () => {
    const pts = curve([300, 10, 100], (n) => n ** 1.5);
    expect(growthExponent(pts)!.tail).toBeCloseTo(1.5, 6);
  });
});

describe('marginalPerUnit and describeExponent', () => {
  it('gives the bytes per additional unit between the two largest sizes', () => {
    expect(marginalPerUnit(curve([10, 100, 50], (n) => 1000 + 20 * n))).toBe(20);
    expect(marginalPerUnit(curve([7], (n) => n))).toBeUndefined();
  });

  it('labels exponents', () => {
    expect(describeExponent(1.02)).toBe('N^1.02 (linear or better)');
    expect(describeExponent(1.4)).toContain('superlinear');
    expect(describeExponent(1.98)).toContain('quadratic');
  });
});
