/**
 * Issue 17: revenue intervals under skewed order values. Each run: visitors are split 50/50 by
 * the worker's own bucketing, buy with probability 5 % (control) or 6 % (treatment), place 1 or 2
 * orders (80 / 20 %), and each order's value is lognormal (median 50, σ = 1.0: a long right
 * tail — the mean order is 82, one order in a hundred is above 500). 5 % of orders are paid in
 * USD and converted with the site's rate table. Everything goes through the report's own
 * counting (counting.ts, a purchase goal) and revenue assembly (shared/revenue/report.ts).
 *
 * Figures: how often the 95 % intervals of revenue per visitor (per arm), of its difference
 * (Welch) and relative lift (delta method), and of average order value cover the truth; the
 * false-alarm rate of the Welch p-value with no real difference; and what p99 capping does
 * (coverage of the true, uncapped difference, and the bias it buys for narrower intervals).
 */
import {
  countArms,
  Ledger,
  type EventRow,
  type ExposureRow,
} from '../../shared/experiments/counting.ts';
import { armForBucket, armRanges, bucketOf } from '../../shared/experiments/bucketing.ts';
import { normal } from '../../shared/experiments/random.ts';
import { revenueSection, type Buyer, type RevenueSection } from '../../shared/revenue/report.ts';
import { Experiment, saltOf } from '../../shared/schema/experiment.ts';
import { SiteRevenue, type SiteRevenueInput } from '../../shared/schema/revenue.ts';
import { number, percent, type Scenario } from '../scenario.ts';
import { covers, DAY, HOUR, mulberry32, proportion, type Rng } from '../world.ts';

export const REVENUE_WORLD = {
  visitors: 4000,
  rates: [0.05, 0.06],
  /** P(2 orders | buyer). */
  second: 0.2,
  median: 50,
  sigma: 1.0,
  usdShare: 0.05,
  /** 1 USD = 0.9 EUR. */
  usdRate: 0.9,
} as const;

const experiment = Experiment.parse({
  id: 'sim-revenue',
  scope: { slot: 'hero' },
  arms: [{ id: 'control' }, { id: 'treatment' }],
  goal: { event: 'purchase' },
  windowHours: 24 * 7,
});
const ARMS = experiment.arms.map((a) => a.id);
const WINDOW = 24 * 7 * HOUR;

/** The true mean order value, and revenue per visitor at conversion rate p. */
export const trueAov = () => REVENUE_WORLD.median * Math.exp(REVENUE_WORLD.sigma ** 2 / 2);
export const trueRpv = (p: number) => p * (1 + REVENUE_WORLD.second) * trueAov();

export const site = (extra: Partial<SiteRevenueInput> = {}) =>
  SiteRevenue.parse({ currency: 'EUR', rates: { USD: REVENUE_WORLD.usdRate }, ...extra });

/** One simulated experiment's revenue section (and conversion counts, to cross-check). */
export function runRevenue(
  rng: Rng,
  run: number,
  rates: readonly number[],
  siteRevenue = site(),
  visitors: number = REVENUE_WORLD.visitors,
): RevenueSection {
  const w = REVENUE_WORLD;
  const ranges = armRanges(experiment.arms, experiment.traffic);
  const salt = saltOf(experiment);
  const exposures: ExposureRow[] = [];
  const events: EventRow[] = [];
  for (let v = 0; v < visitors; v++) {
    const unit = `r${run}-v${v}`;
    const arm = armForBucket(ranges, bucketOf(salt, unit));
    if (!arm) continue;
    const at = Math.floor(rng() * 14 * DAY);
    exposures.push({ unit, arm, at });
    if (rng() >= rates[ARMS.indexOf(arm)]!) continue;
    const orders = rng() < w.second ? 2 : 1;
    for (let o = 0; o < orders; o++) {
      const eur = w.median * Math.exp(w.sigma * normal(rng));
      const usd = rng() < w.usdShare;
      events.push({
        unit,
        type: 'purchase',
        value: usd ? eur / w.usdRate : eur,
        currency: usd ? 'USD' : 'EUR',
        at: at + (o + 1) * HOUR,
      });
    }
  }
  const goal = { event: 'purchase' } as const;
  const visitorsPerArm = countArms(ARMS, exposures, events, goal, WINDOW).map((c) => c.exposures);
  const buyers: Buyer[] = [];
  for (const o of new Ledger(goal, WINDOW).expose(exposures).record(events).outcomes())
    if (o.byCurrency) buyers.push({ arm: o.arm, byCurrency: o.byCurrency });
  return revenueSection(
    { arms: ARMS, visitors: visitorsPerArm, buyers },
    { site: siteRevenue, control: 'control', minVisitorsPerArm: 100 },
  );
}

export const revenueCoverage: Scenario = {
  name: 'revenue-coverage',
  title: 'Revenue per visitor and order value, lognormal orders (σ = 1), 4,000 visitors a run',
  runs: 2000,
  run({ seed, runs, progress }) {
    const rng = mulberry32(seed);
    const [r0, r1] = REVENUE_WORLD.rates;
    const truthDiff = trueRpv(r1) - trueRpv(r0);
    const truthRel = r1 / r0 - 1;
    let diff = 0;
    let rel = 0;
    let relShown = 0;
    let rpv = 0;
    let aov = 0;
    let aovShown = 0;
    let aovDiff = 0;
    let aovDiffShown = 0;
    let nullP = 0;
    let cappedCover = 0;
    let cappedBias = 0;
    let width = 0;
    let cappedWidth = 0;
    let mixed = 0;
    const p99 = site({ cap: { percentile: 0.99 } });
    for (let run = 0; run < runs; run++) {
      const s = runRevenue(rng, run, [r0, r1]);
      const t = s.arms[1]!;
      if (covers(t.revenuePerVisitorLift!, truthDiff)) diff++;
      width += t.revenuePerVisitorLift!.high - t.revenuePerVisitorLift!.low;
      if (t.revenuePerVisitorRelativeLift) {
        relShown++;
        if (covers(t.revenuePerVisitorRelativeLift, truthRel)) rel++;
      }
      s.arms.forEach(
        (a, i) => covers(a.revenuePerVisitor, trueRpv(REVENUE_WORLD.rates[i]!)) && rpv++,
      );
      for (const a of s.arms)
        if (a.averageOrderValue) {
          aovShown++;
          if (covers(a.averageOrderValue, trueAov())) aov++;
        }
      if (t.averageOrderValueLift) {
        aovDiffShown++;
        if (covers(t.averageOrderValueLift, 0)) aovDiff++;
      }
      if (s.excluded || s.currency !== 'EUR') mixed++;
      const none = runRevenue(rng, run + runs, [r0, r0]);
      if (none.arms[1]!.revenuePerVisitorLift!.pValue < 0.05) nullP++;
      const c = runRevenue(rng, run + 2 * runs, [r0, r1], p99).arms[1]!.revenuePerVisitorLift!;
      if (covers(c, truthDiff)) cappedCover++;
      cappedBias += c.estimate - truthDiff;
      cappedWidth += c.high - c.low;
      if (run % 100 === 99) progress?.(run + 1);
    }
    return [
      percent(
        'coverage.difference',
        `RPV difference interval (Welch) covers the true +${truthDiff.toFixed(2)}`,
        proportion(diff, runs),
        [0.93, 0.97],
      ),
      percent(
        'coverage.relative',
        'relative RPV lift interval (delta) covers the true +20 %',
        proportion(rel, relShown),
        [0.93, 0.97],
      ),
      percent(
        'coverage.rpv',
        'per-arm revenue per visitor interval covers the truth',
        proportion(rpv, 2 * runs),
        [0.93, 0.97],
      ),
      percent(
        'coverage.aov',
        `per-arm average order value interval covers the true ${trueAov().toFixed(2)}`,
        proportion(aov, aovShown),
        [0.92, 0.97],
      ),
      percent(
        'coverage.aov-difference',
        'AOV difference interval covers the true 0',
        proportion(aovDiff, aovDiffShown),
        [0.92, 0.97],
      ),
      percent(
        'null.p',
        'no real difference: Welch p < 0.05 (false alarm)',
        proportion(nullP, runs),
        [0.03, 0.07],
      ),
      percent(
        'currency.mixed',
        'runs with an order excluded or another currency reported',
        proportion(mixed, runs),
        [0, 0],
      ),
      number(
        'width.uncapped',
        'mean width of the RPV difference interval, no capping',
        width / runs,
      ),
      percent(
        'capped.coverage',
        'p99 capping: the interval still covers the true (uncapped) difference',
        proportion(cappedCover, runs),
      ),
      number('capped.bias', 'p99 capping: mean error of the difference (bias)', cappedBias / runs),
      number(
        'capped.width',
        'p99 capping: mean width of the difference interval',
        cappedWidth / runs,
      ),
    ];
  },
};
