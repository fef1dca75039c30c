import { describe, expect, it } from 'vitest';
import { chiSquareUniform, upperRegularizedGamma } from '../../src/util/stats.js';

describe('chi-square test against an even spread', () => {
  it('matches known p-values of the chi-square distribution', () => {
    // df = 2: p = exp(-x/2) exactly.
    expect(upperRegularizedGamma(1, 5)).toBeCloseTo(Math.exp(-5), 10);
    // Critical values from statistical tables: df 1 at 3.841 and df 4 at 9.488 give p = 0.05.
    expect(upperRegularizedGamma(0.5, 3.841 / 2)).toBeCloseTo(0.05, 3);
    expect(upperRegularizedGamma(2, 9.488 / 2)).toBeCloseTo(0.05, 3);
    // df 10 at 29.588 gives p = 0.001 (series and continued-fraction branches both used).
    expect(upperRegularizedGamma(5, 29.588 / 2)).toBeCloseTo(0.001, 4);
  });

  it('finds an even round robin even and a one-endpoint pile-up uneven', () => {
    expect(chiSquareUniform([10, 10, 10])).toEqual({ statistic: 0, pValue: 1, expected: 10 });
    const skewed = chiSquareUniform([33, 3, 3]);
    expect(skewed.statistic).toBeCloseTo(46.154, 3);
    expect(skewed.pValue).toBeLessThan(1e-9);
    expect(chiSquareUniform([5])).toMatchObject({ pValue: 1 });
    expect(chiSquareUniform([0, 0])).toMatchObject({ pValue: 1 });
  });
});
