/**
 * ROI of personalization: the holdout's measured incremental revenue (./report.ts
 * `incrementalRevenue`, per visitor with its 95 % interval) scaled to a month of traffic, times
 * the margin, against the costs in the team's cost file (shared/schema/costs.ts). Pure.
 *
 *   monthly profit  = incremental revenue per visitor × personalized visitors per month × margin
 *   monthly cost    = platform + content production + optimisation hours × hourly rate + other
 *   ROI (horizon H) = (H × monthly profit − H × monthly cost − one-off) / (H × monthly cost + one-off)
 *   payback month   = the first month m with m × (profit − cost) ≥ one-off
 *
 * The uncertainty is carried through: the same arithmetic at the low and high ends of the
 * revenue interval gives the ROI's and the payback month's range. Anything the arithmetic needs
 * that is not there is listed in `missing`, and no number is made up for it.
 */
import type { Costs } from '../schema/costs.ts';
import type { Estimate } from './stats.ts';

/** Days in an average month. */
export const MONTH_DAYS = 30.4375;

export interface Measured {
  currency: string;
  /** Personalized − holdout revenue per visitor, with its 95 % interval. */
  perVisitor: Estimate;
  /** Personalized visitors in the measured period, and its length in days. */
  personalizedVisitors: number;
  days: number;
}

export interface RoiResult {
  status: 'ok' | 'incomplete';
  /** What is needed and not there (cost fields, a holdout, revenue data). */
  missing: string[];
  costsVersion?: string;
  currency?: string;
  horizonMonths: number;
  margin?: number;
  monthlyVisitors?: number;
  monthlyIncrementalRevenue?: Estimate;
  monthlyIncrementalProfit?: Estimate;
  monthlyCost?: number;
  oneOffCost?: number;
  totalCost?: number;
  roi?: Estimate;
  /** The first month cumulative profit covers cumulative cost; null: not within the horizon. */
  paybackMonth?: { estimate: number | null; best: number | null; worst: number | null };
  message: string;
}

/** The fields the arithmetic needs that the cost file does not have. */
export function missingCosts(costs: Costs | undefined): string[] {
  if (!costs) return ['a cost file (costs.json; see docs/maturity.md "ROI")'];
  const m: string[] = [];
  if (costs.margin === undefined) m.push('margin');
  if (costs.currency === undefined) m.push('currency');
  const monthly = costs.monthly ?? {};
  if (monthly.platform === undefined) m.push('monthly.platform');
  if (monthly.contentProduction === undefined) m.push('monthly.contentProduction');
  if (monthly.optimisationHours === undefined) m.push('monthly.optimisationHours');
  if (monthly.optimisationHours && monthly.hourlyRate === undefined) m.push('monthly.hourlyRate');
  if (costs.oneOff?.implementation === undefined) m.push('oneOff.implementation');
  return m;
}

export function monthlyCostOf(costs: Costs): number {
  const m = costs.monthly ?? {};
  return (
    (m.platform ?? 0) +
    (m.contentProduction ?? 0) +
    (m.optimisationHours ?? 0) * (m.hourlyRate ?? 0) +
    (m.other ?? 0)
  );
}

export const oneOffCostOf = (costs: Costs) =>
  (costs.oneOff?.implementation ?? 0) + (costs.oneOff?.other ?? 0);

/** First month m ≥ 1 with m × net ≥ oneOff, within the horizon; null otherwise. */
export function paybackMonth(netPerMonth: number, oneOff: number, horizon: number): number | null {
  if (oneOff <= 0) return netPerMonth >= 0 ? 1 : null;
  if (netPerMonth <= 0) return null;
  const m = Math.max(1, Math.ceil(oneOff / netPerMonth - 1e-12));
  return m <= horizon ? m : null;
}

/**
 * @param costs the cost file (amounts in `costs.currency`), or undefined when there is none
 * @param measured the holdout's incremental revenue, or undefined when there is none yet
 * @param rate reporting-currency units per cost-currency unit (1 when they are the same)
 */
export function computeRoi(
  costs: Costs | undefined,
  measured: Measured | undefined,
  rate: number | undefined,
): RoiResult {
  const missing = missingCosts(costs);
  if (!measured)
    missing.push(
      'incremental revenue: a holdout with purchases on both sides past its minimum sample (bundle holdout.share > 0)',
    );
  if (costs?.currency && measured && rate === undefined)
    missing.push(`a rate from ${costs.currency} to ${measured.currency} in site.revenue.rates`);
  const horizon = costs?.horizonMonths ?? 12;
  if (missing.length || !costs || !measured || rate === undefined)
    return {
      status: 'incomplete',
      missing,
      ...(costs?.version ? { costsVersion: costs.version } : {}),
      horizonMonths: horizon,
      message: `ROI needs: ${missing.join('; ')}`,
    };
  const margin = costs.margin!;
  const monthlyVisitors = (measured.personalizedVisitors / measured.days) * MONTH_DAYS;
  const revenueAt = (perVisitor: number) => perVisitor * monthlyVisitors;
  const rev = {
    estimate: revenueAt(measured.perVisitor.estimate),
    low: revenueAt(measured.perVisitor.low),
    high: revenueAt(measured.perVisitor.high),
  };
  const profit = {
    estimate: rev.estimate * margin,
    low: rev.low * margin,
    high: rev.high * margin,
  };
  const monthlyCost = monthlyCostOf(costs) * rate;
  const oneOff = oneOffCostOf(costs) * rate;
  const total = horizon * monthlyCost + oneOff;
  const roiAt = (p: number) => (total > 0 ? (horizon * p - total) / total : 0);
  const roi = {
    estimate: roiAt(profit.estimate),
    low: roiAt(profit.low),
    high: roiAt(profit.high),
  };
  const payback = {
    estimate: paybackMonth(profit.estimate - monthlyCost, oneOff, horizon),
    best: paybackMonth(profit.high - monthlyCost, oneOff, horizon),
    worst: paybackMonth(profit.low - monthlyCost, oneOff, horizon),
  };
  const c = measured.currency;
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  const month = (m: number | null) => (m === null ? `not within ${horizon} months` : `month ${m}`);
  return {
    status: 'ok',
    missing: [],
    ...(costs.version ? { costsVersion: costs.version } : {}),
    currency: c,
    horizonMonths: horizon,
    margin,
    monthlyVisitors,
    monthlyIncrementalRevenue: rev,
    monthlyIncrementalProfit: profit,
    monthlyCost,
    oneOffCost: oneOff,
    totalCost: total,
    roi,
    paybackMonth: payback,
    message: `over ${horizon} months: ROI ${pct(roi.estimate)} [${pct(roi.low)}, ${pct(roi.high)}]; pays back in ${month(payback.estimate)} (${month(payback.best)} at best, ${month(payback.worst)} at worst)`,
  };
}
