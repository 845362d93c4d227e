/**
 * Thompson sampling on a Beta-Bernoulli model, as a pure allocator: arm statistics and a seed
 * in, a traffic split out. The cron computes the split once per epoch from D1 and publishes
 * it (see snapshot.ts); the edge only hashes visitors into it, so assignment is sticky per
 * visitor within an epoch and identical in every isolate.
 *
 * Each arm's share is its probability of being the best arm (Monte Carlo over Beta(1 + c,
 * 1 + n − c) draws, uniform prior), squeezed so every arm keeps `floor`:
 *   share = floor + (1 − arms × floor) × P(best).
 * Until every arm has `minExposures`, the split is equal (no learning from noise).
 */
import type { BanditSettings } from '../schema/experiment.ts';
import { beta, mulberry32 } from './random.ts';

export interface ArmStats {
  arm: string;
  exposures: number;
  conversions: number;
}

export interface Split {
  arm: string;
  share: number;
}

export const DEFAULT_DRAWS = 2000;

export function equalSplit(arms: readonly string[]): Split[] {
  return arms.map((arm) => ({ arm, share: 1 / arms.length }));
}

/** P(arm is best) for each arm, by `draws` joint samples from the posteriors. */
export function probabilityBest(
  stats: readonly ArmStats[],
  seed: number,
  draws = DEFAULT_DRAWS,
): number[] {
  const rng = mulberry32(seed);
  const wins = stats.map(() => 0);
  for (let d = 0; d < draws; d++) {
    let best = -1;
    let bestValue = -1;
    stats.forEach((s, i) => {
      const conversions = Math.min(Math.max(0, s.conversions), Math.max(0, s.exposures));
      const value = beta(rng, 1 + conversions, 1 + Math.max(0, s.exposures) - conversions);
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    });
    wins[best]!++;
  }
  return wins.map((w) => w / draws);
}

export function allocate(
  stats: readonly ArmStats[],
  settings: Pick<BanditSettings, 'minExposures' | 'floor'>,
  seed: number,
  draws = DEFAULT_DRAWS,
): Split[] {
  const arms = stats.map((s) => s.arm);
  if (arms.length === 0) return [];
  if (stats.some((s) => s.exposures < settings.minExposures)) return equalSplit(arms);
  const floor = Math.min(settings.floor, 1 / arms.length);
  const pBest = probabilityBest(stats, seed, draws);
  const free = 1 - arms.length * floor;
  return stats.map((s, i) => ({ arm: s.arm, share: floor + free * pBest[i]! }));
}
