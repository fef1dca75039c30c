/**
 * The statistics the load-balancing check needs: a chi-square goodness-of-fit test against an
 * even spread. The p-value is the upper regularized incomplete gamma function Q(k/2, x/2),
 * computed by its series or continued fraction (Numerical Recipes, 6.2) to ~1e-10.
 */

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Q(a, x) = 1 - P(a, x), the upper regularized incomplete gamma function. */
export function upperRegularizedGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-12) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lnPrefix));
  }
  // Lentz's continued fraction.
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-12) break;
  }
  return Math.min(1, Math.exp(lnPrefix) * h);
}

/** Chi-square test of observed counts against equal expected counts. */
export function chiSquareUniform(observed: readonly number[]): { statistic: number; pValue: number; expected: number } {
  const k = observed.length;
  const n = observed.reduce((a, b) => a + b, 0);
  if (k < 2 || n === 0) return { statistic: 0, pValue: 1, expected: k ? n / k : 0 };
  const expected = n / k;
  const statistic = observed.reduce((sum, o) => sum + ((o - expected) ** 2) / expected, 0);
  return { statistic, pValue: upperRegularizedGamma((k - 1) / 2, statistic / 2), expected };
}
