import { describe, expect, it } from 'vitest';
import { allocate, type ArmStats, type Split } from '../../shared/experiments/bandit.ts';
import { pickByShare } from '../../shared/experiments/bucketing.ts';
import { unitHash } from '../../shared/experiments/hash.ts';
import { beta, gamma, mulberry32 } from '../../shared/experiments/random.ts';

const RATES = [0.04, 0.05, 0.08];
const BEST = Math.max(...RATES);
const EPOCHS = 30;
const PER_EPOCH = 500;
const SETTINGS = { minExposures: 100, floor: 0.02 };

type Policy = (stats: ArmStats[], epoch: number, seed: number) => Split[];

const thompson: Policy = (stats, epoch, seed) =>
  allocate(stats, SETTINGS, seed * 1000 + epoch, 1000);

/** ε-greedy with ε = 0.1: ε spread evenly, the rest to the best observed rate. */
const epsilonGreedy: Policy = (stats) => {
  const eps = 0.1;
  const rates = stats.map((s) => (s.exposures ? s.conversions / s.exposures : 0));
  const best = rates.indexOf(Math.max(...rates));
  return stats.map((s, i) => ({
    arm: s.arm,
    share: eps / stats.length + (i === best ? 1 - eps : 0),
  }));
};

/** Runs one seeded simulation; visitors hash into each epoch's split like the edge does. */
function simulate(policy: Policy, seed: number) {
  const rng = mulberry32(seed);
  const stats: ArmStats[] = RATES.map((_, i) => ({
    arm: `arm-${i}`,
    exposures: 0,
    conversions: 0,
  }));
  const splits: Split[][] = [];
  let regret = 0;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const split = policy(
      stats.map((s) => ({ ...s })),
      epoch,
      seed,
    );
    splits.push(split);
    for (let v = 0; v < PER_EPOCH; v++) {
      const arm = Number(pickByShare(split, unitHash(`sim:${seed}:${epoch}`, `v-${v}`))!.slice(4));
      stats[arm]!.exposures++;
      if (rng() < RATES[arm]!) stats[arm]!.conversions++;
      regret += BEST - RATES[arm]!;
    }
  }
  return { stats, splits, regret };
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

describe('Thompson-sampling bandit', () => {
  it('draws Gamma and Beta samples with the right means (Marsaglia–Tsang)', () => {
    const rng = mulberry32(99);
    const n = 20_000;
    let g = 0;
    let gSmall = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      g += gamma(rng, 3);
      gSmall += gamma(rng, 0.5);
      b += beta(rng, 2, 8);
    }
    expect(g / n).toBeCloseTo(3, 1);
    expect(gSmall / n).toBeCloseTo(0.5, 1);
    expect(b / n).toBeCloseTo(0.2, 2);
  });

  it('splits equally until every arm has the minimum exposures', () => {
    const split = allocate(
      [
        { arm: 'a', exposures: 5000, conversions: 500 },
        { arm: 'b', exposures: 99, conversions: 0 },
      ],
      { minExposures: 100, floor: 0.05 },
      1,
    );
    expect(split).toEqual([
      { arm: 'a', share: 0.5 },
      { arm: 'b', share: 0.5 },
    ]);
  });

  it('is deterministic for a seed (every isolate computes the same split)', () => {
    const stats = [
      { arm: 'a', exposures: 1000, conversions: 50 },
      { arm: 'b', exposures: 1000, conversions: 60 },
    ];
    expect(allocate(stats, SETTINGS, 42)).toEqual(allocate(stats, SETTINGS, 42));
  });

  it('concentrates traffic on the best arm in seeded simulations', () => {
    for (const seed of SEEDS.slice(0, 4)) {
      const { splits } = simulate(thompson, seed);
      const last = splits.at(-1)!;
      expect(last[2]!.share).toBeGreaterThan(0.7);
    }
  });

  it('never starves an arm below its floor', () => {
    for (const seed of SEEDS.slice(0, 4)) {
      const { splits, stats } = simulate(thompson, seed);
      for (const split of splits)
        for (const s of split) expect(s.share).toBeGreaterThanOrEqual(SETTINGS.floor - 1e-12);
      // Realized: every arm got at least ~its floor of all traffic.
      for (const s of stats)
        expect(s.exposures / (EPOCHS * PER_EPOCH)).toBeGreaterThan(SETTINGS.floor * 0.8);
    }
  });

  it('has lower cumulative regret than ε-greedy (ε = 0.1) on the same seeds', () => {
    let ts = 0;
    let eg = 0;
    for (const seed of SEEDS) {
      ts += simulate(thompson, seed).regret;
      eg += simulate(epsilonGreedy, seed).regret;
    }
    expect(ts).toBeLessThan(eg);
  });
});
