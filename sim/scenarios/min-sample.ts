/**
 * Issue 12, item 7: the minimum sample. Binomial draws straight into the report's assembly
 * (report.ts), per base rate and visitors per arm:
 * - no real difference: how often is a winner named (p < 0.05), how often does the absolute
 *   interval cover 0? (The score interval and the p-value stay valid, even conservative, at small
 *   samples — the minimum is not about false alarms.)
 * - a real +1 pp on 5 %: how often is the winner found, and when it is, how much larger than the
 *   truth is the lift it reports ("exaggeration"; Gelman & Carlin's type M error)? This is what a
 *   minimum sample guards against: a small test that "wins" reports a lift several times too big.
 *   At the size where the report's `detectableLift` equals the true lift, the winner should be
 *   found 80 % of the time — the check on that figure.
 */
import { emptyCounts } from '../../shared/experiments/counting.ts';
import { DEFAULT_MIN_VISITORS_PER_ARM } from '../../shared/schema/experiment.ts';
import { assemble } from '../../shared/experiments/report.ts';
import { Z80, Z95 } from '../../shared/experiments/stats.ts';
import { number, percent, type Figure, type Scenario } from '../scenario.ts';
import { covers, mulberry32, proportion, type Rng } from '../world.ts';

const binomial = (rng: Rng, n: number, p: number) => {
  let x = 0;
  for (let i = 0; i < n; i++) if (rng() < p) x++;
  return x;
};

export const RATES = [0.01, 0.02, 0.05, 0.2] as const;
export const SIZES = [10, 30, 100, 300] as const;

export const minSample: Scenario = {
  name: 'min-sample',
  title: `Small samples, no real difference (minimum ${DEFAULT_MIN_VISITORS_PER_ARM} visitors per arm by default)`,
  runs: 20_000,
  run({ seed, runs, progress }) {
    const rng = mulberry32(seed);
    const figures: Figure[] = [];
    let done = 0;
    for (const n of SIZES) {
      for (const p of RATES) {
        let winner = 0;
        let covered = 0;
        for (let run = 0; run < runs; run++) {
          const counts = emptyCounts(['a', 'b']);
          counts[0]!.exposures = counts[1]!.exposures = n;
          counts[0]!.conversions = binomial(rng, n, p);
          counts[1]!.conversions = binomial(rng, n, p);
          const r = assemble(
            {
              id: 'sim',
              type: 'ab',
              goal: { event: 'click' },
              windowHours: 1,
              control: 'a',
              minVisitorsPerArm: 1,
            },
            counts,
          );
          if (r.verdict.status === 'difference') winner++;
          if (covers(r.arms[1]!.absoluteLift!, 0)) covered++;
        }
        const below = n < DEFAULT_MIN_VISITORS_PER_ARM;
        figures.push(
          percent(
            `winner.${n}.${p}`,
            `${n} per arm at ${p * 100} %: winner named${below ? ' (without the minimum)' : ''}`,
            proportion(winner, runs),
            below ? undefined : [0, 0.07],
          ),
          percent(
            `coverage.${n}.${p}`,
            `${n} per arm at ${p * 100} %: interval covers 0`,
            proportion(covered, runs),
            below ? undefined : [0.93, 1],
          ),
        );
        progress?.(++done * runs);
      }
    }
    // The size at which the report's detectableLift is the true +1 pp: found ~80 % of the time.
    const planned = Math.ceil(((Z95 + Z80) ** 2 * 2 * 0.055 * 0.945) / 0.01 ** 2);
    for (const n of [...SIZES, 1000, 3000, planned]) {
      let found = 0;
      let reported = 0;
      for (let run = 0; run < runs / 4; run++) {
        const counts = emptyCounts(['a', 'b']);
        counts[0]!.exposures = counts[1]!.exposures = n;
        counts[0]!.conversions = binomial(rng, n, 0.05);
        counts[1]!.conversions = binomial(rng, n, 0.06);
        const r = assemble(
          {
            id: 'sim',
            type: 'ab',
            goal: { event: 'click' },
            windowHours: 1,
            control: 'a',
            minVisitorsPerArm: 1,
          },
          counts,
        );
        if (r.verdict.winner === 'b') {
          found++;
          reported += r.arms[1]!.absoluteLift!.estimate;
        }
      }
      figures.push(
        percent(
          `power.${n === planned ? 'planned' : n}`,
          `5 % vs 6 %, ${n} per arm${n === planned ? ' (detectable lift = 1 pp)' : ''}: winner found`,
          proportion(found, runs / 4),
          n === planned ? [0.77, 0.83] : undefined,
        ),
        number(
          `exaggeration.${n}`,
          `5 % vs 6 %, ${n} per arm: reported lift ÷ true lift when found`,
          found ? reported / found / 0.01 : NaN,
        ),
      );
    }
    return figures;
  },
};
