/**
 * Report statistics for conversion rates. Pure numbers in, numbers out.
 *
 * - Rates: conversions / exposures per arm, with a Wilson score interval.
 * - Absolute lift (treatment − control): Newcombe's hybrid score interval ("method 10",
 *   Newcombe 1998), built from the two Wilson intervals. Unlike the Wald interval it stays
 *   inside [−1, 1] and keeps its coverage for small counts and rates near 0 or 1.
 * - Relative lift (treatment / control − 1): the Katz log interval for a ratio of proportions.
 * - p-value of a difference: the pooled two-proportion z test.
 * - Sample-ratio mismatch: Pearson's χ² goodness of fit of observed exposures against the
 *   configured split; we warn below p = 0.001 (a split that implausible means assignment or
 *   logging is broken, so the lift is not to be trusted).
 */

/** Two-sided 95 % normal quantile. */
export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

export function rate(conversions: number, exposures: number): number {
  return exposures > 0 ? conversions / exposures : 0;
}

/** Wilson score interval for x successes out of n. */
export function wilson(x: number, n: number, z = Z95): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface Lift extends Interval {
  estimate: number;
}

/** Absolute difference p1 − p0 with Newcombe's hybrid score 95 % interval. */
export function absoluteLift(x1: number, n1: number, x0: number, n0: number, z = Z95): Lift {
  const p1 = rate(x1, n1);
  const p0 = rate(x0, n0);
  const w1 = wilson(x1, n1, z);
  const w0 = wilson(x0, n0, z);
  const d = p1 - p0;
  return {
    estimate: d,
    low: d - Math.sqrt((p1 - w1.low) ** 2 + (w0.high - p0) ** 2),
    high: d + Math.sqrt((w1.high - p1) ** 2 + (p0 - w0.low) ** 2),
  };
}

/** Wald interval, for comparison only (it under-covers for small counts). */
export function waldLift(x1: number, n1: number, x0: number, n0: number, z = Z95): Lift {
  const p1 = rate(x1, n1);
  const p0 = rate(x0, n0);
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0);
  return { estimate: p1 - p0, low: p1 - p0 - z * se, high: p1 - p0 + z * se };
}

/**
 * Why a relative lift has no interval, or undefined when it has one. The Katz interval needs a
 * conversion in both arms (log of 0 otherwise), and collapses to [0, 0] when both arms convert
 * every visitor (its standard error is 0) — a width of zero would claim certainty it does not
 * have, so neither case gets a relative interval; the absolute one covers them.
 */
export function relativeLiftGap(
  x1: number,
  n1: number,
  x0: number,
  n0: number,
): string | undefined {
  if (n1 <= 0 || n0 <= 0) return 'no visitors in one of the arms';
  if (x0 <= 0) return 'the control has no conversions, so a ratio to it is undefined';
  if (x1 <= 0) return 'this arm has no conversions (−100 %); see the absolute lift';
  if (x1 >= n1 && x0 >= n0) return 'both arms converted every visitor; see the absolute lift';
  return undefined;
}

/**
 * Relative lift p1 / p0 − 1 with the Katz log interval; undefined in the cases relativeLiftGap
 * names (a zero count, or both arms at 100 %).
 */
export function relativeLift(
  x1: number,
  n1: number,
  x0: number,
  n0: number,
  z = Z95,
): Lift | undefined {
  if (relativeLiftGap(x1, n1, x0, n0)) return undefined;
  const ratio = x1 / n1 / (x0 / n0);
  const se = Math.sqrt(1 / x1 - 1 / n1 + 1 / x0 - 1 / n0);
  return {
    estimate: ratio - 1,
    low: ratio * Math.exp(-z * se) - 1,
    high: ratio * Math.exp(z * se) - 1,
  };
}

/** Standard normal upper tail P(Z ≥ z), via the regularized incomplete gamma (erfc). */
export function normalUpperTail(z: number): number {
  if (z < 0) return 1 - normalUpperTail(-z);
  // erfc(x) = Q(1/2, x²) for x ≥ 0, and P(Z ≥ z) = erfc(z / √2) / 2.
  return gammaQ(0.5, (z * z) / 2) / 2;
}

/**
 * Two-sided p-value of "both arms convert at the same rate": the pooled two-proportion z test
 * (the score test, equal to Pearson's χ² on the 2 × 2 table). 1 when there is nothing to test
 * (no visitors, or no conversions / only conversions on both sides).
 */
export function twoProportionPValue(x1: number, n1: number, x0: number, n0: number): number {
  if (n1 <= 0 || n0 <= 0) return 1;
  const pooled = (x1 + x0) / (n1 + n0);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  if (!(se > 0)) return 1;
  const z = Math.abs(x1 / n1 - x0 / n0) / se;
  return Math.min(1, 2 * normalUpperTail(z));
}

/** One-sided 80 % normal quantile (power 0.8). */
export const Z80 = 0.8416212335729143;

/**
 * The minimum detectable absolute difference at 80 % power and two-sided α = 0.05 for these
 * arm sizes, at the pooled rate: (z₀.₉₇₅ + z₀.₈) · √(p̄(1 − p̄)(1/n₁ + 1/n₀)).
 */
export function detectableLift(x1: number, n1: number, x0: number, n0: number): number {
  if (n1 <= 0 || n0 <= 0) return 1;
  const pooled = (x1 + x0) / (n1 + n0);
  return Math.min(1, (Z95 + Z80) * Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0)));
}

/** ln Γ(x), Lanczos approximation (g = 7, n = 9); accurate to ~15 digits for x > 0. */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xx = x - 1;
  let a = c[0]!;
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized upper incomplete gamma Q(a, x) (series below a + 1, continued fraction above). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lead = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * lead);
  }
  // Lentz's method for the continued fraction.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, lead * h);
}

/** P(χ²_df ≥ x). */
export function chiSquarePValue(x: number, df: number): number {
  return gammaQ(df / 2, x / 2);
}

export const SRM_P_THRESHOLD = 0.001;

export interface SrmCheck {
  chi2: number;
  df: number;
  pValue: number;
  /** True when the observed split is implausible under the configured one. */
  mismatch: boolean;
}

/** Pearson χ² of observed counts against expected shares (renormalized over arms with share > 0). */
export function srm(observed: readonly number[], expectedShares: readonly number[]): SrmCheck {
  const total = observed.reduce((s, x) => s + x, 0);
  const shareSum = expectedShares.reduce((s, x) => s + x, 0);
  let chi2 = 0;
  let cells = 0;
  observed.forEach((o, i) => {
    const share = (expectedShares[i] ?? 0) / (shareSum || 1);
    if (share <= 0) return;
    const expected = total * share;
    cells++;
    if (expected > 0) chi2 += (o - expected) ** 2 / expected;
  });
  const df = Math.max(1, cells - 1);
  const pValue = total > 0 ? chiSquarePValue(chi2, df) : 1;
  return { chi2, df, pValue, mismatch: total > 0 && pValue < SRM_P_THRESHOLD };
}
