/**
 * Issue 12, item 8: what a bandit's floor and minimum buy and cost. Sticky visitors (as
 * bandit-coverage), true rates 4 / 5 / 8 %, 15,000 visitors over 30 epochs; each setting runs on
 * the same seeds. Regret = expected conversions lost against showing everyone the best arm, per
 * 1,000 visitors. "Interval" = the half-width of the 95 % interval of the 8 % arm's lift over the
 * 4 % arm at the end: what the floor buys is the precision of what you learn about the losing
 * arms.
 */
import {
  banditExperiment,
  epsilonGreedy,
  runBandit,
  thompson,
  type Policy,
} from '../bandit-world.ts';
import type { Figure, Scenario } from '../scenario.ts';
import { mulberry32 } from '../world.ts';

const RATES = [0.04, 0.05, 0.08] as const;

export const SETTINGS: readonly { floor: number; minExposures: number }[] = [
  { floor: 0.05, minExposures: 200 },
  { floor: 0.05, minExposures: 100 },
  { floor: 0.02, minExposures: 200 },
  { floor: 0.02, minExposures: 100 },
  { floor: 0.01, minExposures: 100 },
  { floor: 0, minExposures: 100 },
];

interface Result {
  regret: number;
  halfWidth: number;
  bestShare: number;
}

export function compare(policy: Policy, seed: number, runs: number): Result {
  let regret = 0;
  let halfWidth = 0;
  let bestShare = 0;
  let visitors = 0;
  for (let run = 0; run < runs; run++) {
    // The same seed per run for every policy: the same visitors, the same coin flips in order.
    const r = runBandit(mulberry32(seed + run), run, { rates: RATES, sticky: true, policy });
    regret += r.regret;
    visitors += r.visitors;
    const best = r.report.arms[2]!;
    halfWidth += (best.absoluteLift!.high - best.absoluteLift!.low) / 2;
    bestShare += r.splits.at(-1)![2]!.share;
  }
  return {
    regret: (regret / visitors) * 1000,
    halfWidth: halfWidth / runs,
    bestShare: bestShare / runs,
  };
}

export const banditRegret: Scenario = {
  name: 'bandit-regret',
  title:
    'Bandit settings vs ε-greedy (ε = 0.1) and a fixed equal split, sticky visitors, 4 / 5 / 8 %',
  runs: 20,
  run({ seed, runs, progress }) {
    const e = banditExperiment();
    const figures: Figure[] = [];
    const row = (key: string, label: string, r: Result): Figure[] => [
      {
        key: `${key}.regret`,
        label: `${label}: regret per 1,000 visitors`,
        value: r.regret,
        format: 'number',
      },
      {
        key: `${key}.width`,
        label: `${label}: interval of the 8 % vs 4 % lift at the end`,
        value: r.halfWidth,
        format: 'width',
      },
      {
        key: `${key}.best`,
        label: `${label}: best arm's final share`,
        value: r.bestShare,
        format: 'percent',
      },
    ];
    const eg = compare(epsilonGreedy(0.1), seed, runs);
    figures.push(...row('epsilon', 'ε-greedy 0.1', eg));
    const equal = compare(
      () => RATES.map((_, i) => ({ arm: e.arms[i]!.id, share: 1 / 3 })),
      seed,
      runs,
    );
    figures.push(...row('equal', 'equal split (A/B/n)', equal));
    let done = 2;
    progress?.(done);
    for (const s of SETTINGS) {
      const r = compare(thompson(e, s), seed, runs);
      figures.push(
        ...row(
          `thompson.${s.floor}.${s.minExposures}`,
          `floor ${s.floor}, min ${s.minExposures}`,
          r,
        ),
      );
      figures.push({
        key: `thompson.${s.floor}.${s.minExposures}.vs`,
        label: `floor ${s.floor}, min ${s.minExposures}: regret vs ε-greedy`,
        value: r.regret / eg.regret - 1,
        format: 'percent',
      });
      progress?.(++done);
    }
    return figures;
  },
};
