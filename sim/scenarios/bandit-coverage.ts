/**
 * Issue 12, item 1: a bandit with returning visitors. True visitor-level rates 4 / 5 / 8 %.
 * Sticky (the arm claim in the cookie) and counted one arm per visitor, the report's intervals
 * should cover the truth ~95 % of the time. For comparison, the same visitors re-drawn every
 * epoch (the old assignment) in the audit's two-visit model, counted the old way.
 */
import { absoluteLift } from '../../shared/experiments/stats.ts';
import { runBandit } from '../bandit-world.ts';
import { number, percent, type Scenario } from '../scenario.ts';
import { covers, mulberry32, proportion, TWO_VISITS } from '../world.ts';

export const RATES = [0.04, 0.05, 0.08] as const;

export const banditCoverage: Scenario = {
  name: 'bandit-coverage',
  title: 'Bandit (4 / 5 / 8 %), returning visitors, 30 epochs × 500 new visitors',
  runs: 200,
  run({ seed, runs, progress }) {
    const rng = mulberry32(seed);
    let rate = 0;
    let lift = 0;
    let several = 0;
    let beforeLift = 0;
    let beforeSeveral = 0;
    const beforeRates = [0, 0, 0];
    let beforeLiftSum = 0;
    for (let run = 0; run < runs; run++) {
      const sticky = runBandit(rng, run, { rates: RATES, sticky: true });
      sticky.report.arms.forEach((a, i) => covers(a.rateInterval, RATES[i]!) && rate++);
      for (const [i, a] of sticky.report.arms.entries())
        if (i > 0 && covers(a.absoluteLift!, RATES[i]! - RATES[0]!)) lift++;
      several += sticky.sawSeveral;

      const old = runBandit(rng, run + runs, {
        rates: RATES,
        sticky: false,
        model: TWO_VISITS,
        legacy: true,
      });
      beforeSeveral += old.sawSeveral;
      const [c, , t] = old.legacy!;
      old.legacy!.forEach((a, i) => (beforeRates[i]! += a.conversions / a.exposures));
      const d = absoluteLift(t!.conversions, t!.exposures, c!.conversions, c!.exposures);
      beforeLiftSum += d.estimate;
      if (covers(d, RATES[2] - RATES[0])) beforeLift++;
      if (run % 10 === 9) progress?.(run + 1);
    }
    return [
      percent(
        'sticky.rate',
        'sticky: per-arm rate interval covers the true rate',
        proportion(rate, 3 * runs),
        [0.93, 0.97],
      ),
      percent(
        'sticky.lift',
        'sticky: lift interval (vs arm a) covers the true lift',
        proportion(lift, 2 * runs),
        [0.93, 0.97],
      ),
      percent(
        'sticky.several',
        'sticky: visitors who saw more than one arm',
        { value: several / runs, se: 0 },
        [0, 0],
      ),
      percent('before.several', 'before (re-drawn each epoch, 2 visits): saw more than one arm', {
        value: beforeSeveral / runs,
        se: 0,
      }),
      ...beforeRates.map((r, i) =>
        percent(`before.rate.${i}`, `before: reported rate of the ${['4', '5', '8'][i]} % arm`, {
          value: r / runs,
          se: 0,
        }),
      ),
      {
        key: 'before.lift',
        label: 'before: mean reported lift of the 8 % arm (true +4.00 pp)',
        value: beforeLiftSum / runs,
        format: 'pp',
      },
      percent(
        'before.coverage',
        'before: lift interval covers the true +4.00 pp',
        proportion(beforeLift, runs),
      ),
      number('runs', 'runs', runs),
    ];
  },
};
