/**
 * Statistics for revenue, which is skewed (most visitors buy nothing, a few buy a lot). Pure
 * numbers in, numbers out; the choices are documented in docs/experiments.md ("Revenue").
 *
 * - Revenue per visitor (RPV) of an arm: the mean of each visitor's revenue in their window,
 *   zeros included, with a Student t interval on n − 1 degrees of freedom.
 * - Difference of RPV between two arms: Welch's t interval (unequal variances, Welch–
 *   Satterthwaite degrees of freedom) — no normality of order values assumed, only a mean; the
 *   seeded simulation `revenue-coverage` shows it covering the true difference ~95 % with
 *   lognormal order values at the sizes a report allows (docs/experiments.md quotes the figures).
 * - Relative RPV lift (m1 / m0 − 1): the delta method on the log of the ratio.
 * - Average order value (AOV) = revenue / orders, a ratio of two per-visitor means: the delta
 *   method for a ratio estimator (visitors are the unit, so a visitor's several orders are
 *   not treated as independent). Its difference between arms: the two independent deltas.
 *
 * All of them are computed from per-arm moment sums (`Moments`), so a report folds visitors
 * page by page without holding them.
 */
import { logGamma, normalUpperTail, Z95, type Interval } from '../experiments/stats.ts';

export interface Estimate extends Interval {
  estimate: number;
}

/** Per-visitor sums: n visitors, their revenue R and orders O. */
export interface Moments {
  n: number;
  sumR: number;
  sumR2: number;
  /** Σ R³, for the skewness correction of the per-arm interval. */
  sumR3: number;
  sumO: number;
  sumO2: number;
  sumRO: number;
}

export const emptyMoments = (): Moments => ({
  n: 0,
  sumR: 0,
  sumR2: 0,
  sumR3: 0,
  sumO: 0,
  sumO2: 0,
  sumRO: 0,
});

/** Adds one visitor (revenue r, orders o) to the sums, in place. */
export function addVisitor(m: Moments, r: number, o: number): Moments {
  m.n++;
  m.sumR += r;
  m.sumR2 += r * r;
  m.sumR3 += r * r * r;
  m.sumO += o;
  m.sumO2 += o * o;
  m.sumRO += r * o;
  return m;
}

/** Adds `count` visitors with no revenue and no orders. */
export function addZeros(m: Moments, count: number): Moments {
  m.n += count;
  return m;
}

const mean = (sum: number, n: number) => (n > 0 ? sum / n : 0);
/** Sample variance from sums (n − 1 in the denominator), never negative. */
const variance = (sum: number, sum2: number, n: number) =>
  n > 1 ? Math.max(0, (sum2 - (sum * sum) / n) / (n - 1)) : 0;
const covariance = (sumX: number, sumY: number, sumXY: number, n: number) =>
  n > 1 ? (sumXY - (sumX * sumY) / n) / (n - 1) : 0;

// ---------------------------------------------------------------------------------------------
// Student t: CDF through the regularized incomplete beta, quantile by bisection.

/** Continued fraction for the incomplete beta (Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function betaI(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(a, b, x)) / a
    : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(T ≥ t) for Student's t with `df` degrees of freedom (normal above 1e7). */
export function tUpperTail(t: number, df: number): number {
  if (!(df > 0)) return 0.5;
  if (df > 1e7) return normalUpperTail(t);
  const tail = 0.5 * betaI(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? tail : 1 - tail;
}

/** The two-sided 95 % quantile of Student's t (t such that P(T ≥ t) = 0.025). */
export function t95(df: number): number {
  if (!(df > 0)) return Infinity;
  if (df > 1e7) return Z95;
  let lo = Z95;
  let hi = 20;
  while (tUpperTail(hi, df) > 0.025) hi *= 2;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (tUpperTail(mid, df) > 0.025) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// ---------------------------------------------------------------------------------------------

/**
 * Mean revenue per visitor (zeros included) with Johnson's (1978) skewness-corrected t interval:
 * the t interval moved up by μ₃ / (6 s² n). Revenue is skewed right, so the plain t interval sits
 * too low and misses the truth above it more often than below.
 */
export function revenuePerVisitor(m: Moments): Estimate {
  const est = mean(m.sumR, m.n);
  if (m.n < 2) return { estimate: est, low: m.n ? -Infinity : 0, high: m.n ? Infinity : 0 };
  const s2 = variance(m.sumR, m.sumR2, m.n);
  const se = Math.sqrt(s2 / m.n);
  const mu3 = (m.sumR3 - 3 * est * m.sumR2 + 3 * est * est * m.sumR) / m.n - est ** 3;
  const shift = s2 > 0 ? mu3 / (6 * s2 * m.n) : 0;
  const half = t95(m.n - 1) * se;
  return { estimate: est, low: Math.max(0, est + shift - half), high: est + shift + half };
}

/** Average order value (revenue / orders) with the delta-method interval; undefined without orders. */
export function averageOrderValue(
  m: Moments,
  buyers?: number,
): (Estimate & { se: number }) | undefined {
  if (m.sumO <= 0) return undefined;
  const aov = m.sumR / m.sumO;
  const barO = m.sumO / m.n;
  const v =
    variance(m.sumR, m.sumR2, m.n) -
    2 * aov * covariance(m.sumR, m.sumO, m.sumRO, m.n) +
    aov * aov * variance(m.sumO, m.sumO2, m.n);
  const se = Math.sqrt(Math.max(0, v) / m.n) / barO;
  // The information is in the buyers, not the visitors: t on (buyers − 1) df, z in the difference.
  const q = buyers !== undefined && buyers > 1 ? t95(buyers - 1) : Z95;
  // On the log scale (order values are skewed right, so the upper side is the longer one).
  const f = Math.exp((q * se) / aov);
  return { estimate: aov, low: aov / f, high: aov * f, se };
}

export interface Welch extends Estimate {
  df: number;
  /** Two-sided p-value of "same mean". */
  pValue: number;
}

/** Difference of RPV (m1 − m0) with Welch's t interval and p-value; undefined below 2 visitors. */
export function welchDifference(m1: Moments, m0: Moments): Welch | undefined {
  if (m1.n < 2 || m0.n < 2) return undefined;
  const d = mean(m1.sumR, m1.n) - mean(m0.sumR, m0.n);
  const a = variance(m1.sumR, m1.sumR2, m1.n) / m1.n;
  const b = variance(m0.sumR, m0.sumR2, m0.n) / m0.n;
  const se = Math.sqrt(a + b);
  if (!(se > 0))
    return { estimate: d, low: d, high: d, df: m1.n + m0.n - 2, pValue: d === 0 ? 1 : 0 };
  const df = (a + b) ** 2 / (a ** 2 / (m1.n - 1) + b ** 2 / (m0.n - 1));
  const half = t95(df) * se;
  return {
    estimate: d,
    low: d - half,
    high: d + half,
    df,
    pValue: Math.min(1, 2 * tUpperTail(Math.abs(d) / se, df)),
  };
}

/** Relative RPV lift m1 / m0 − 1 (delta method on the log ratio); undefined when either mean is 0. */
export function relativeRevenueLift(m1: Moments, m0: Moments): Estimate | undefined {
  if (m1.n < 2 || m0.n < 2) return undefined;
  const x1 = mean(m1.sumR, m1.n);
  const x0 = mean(m0.sumR, m0.n);
  if (!(x1 > 0 && x0 > 0)) return undefined;
  const se = Math.sqrt(
    variance(m1.sumR, m1.sumR2, m1.n) / (m1.n * x1 * x1) +
      variance(m0.sumR, m0.sumR2, m0.n) / (m0.n * x0 * x0),
  );
  const ratio = x1 / x0;
  return {
    estimate: ratio - 1,
    low: ratio * Math.exp(-Z95 * se) - 1,
    high: ratio * Math.exp(Z95 * se) - 1,
  };
}

/** Difference of AOV (arm − control), independent delta-method errors; undefined without orders. */
export function aovDifference(m1: Moments, m0: Moments): Estimate | undefined {
  const a = averageOrderValue(m1);
  const b = averageOrderValue(m0);
  if (!a || !b) return undefined;
  const d = a.estimate - b.estimate;
  const half = Z95 * Math.sqrt(a.se ** 2 + b.se ** 2);
  return { estimate: d, low: d - half, high: d + half };
}

/** Scales an estimate and its interval (per 1,000 visitors, over a period's visitors). */
export const scale = (e: Estimate, k: number): Estimate => ({
  estimate: e.estimate * k,
  low: e.low * k,
  high: e.high * k,
});
