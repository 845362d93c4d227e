/**
 * Who sees what: the global holdout, layer membership and A/B/n arms, from hashes alone.
 *
 * Sticky bucket lanes. A visitor hashes (with the experiment's salt) into one of 10,000
 * buckets. The bucket space is cut into one fixed lane per arm (by default equal lanes, in arm
 * order; `lane` on an arm reserves a different share). An arm occupies a prefix of its own lane
 * as long as its share of traffic (traffic × weight / Σ weights). So:
 *
 * - raising an arm's weight or the experiment's traffic only extends prefixes into buckets that
 *   were unassigned: nobody already in an arm moves;
 * - lowering them shortens prefixes: the visitors in the cut-off tail leave the experiment
 *   (they see the normal decision), and no one moves to another arm;
 * - an arm can never hold more than its lane; the integrity check says so at publish time.
 *
 * The lanes are the experiment's frame: reordering arms, adding arms or changing `lane` or the
 * salt reassigns visitors, so do that only when starting a new experiment (new id or salt).
 */
import type { Arm, Experiment, Holdout, Layer } from '../schema/experiment.ts';
import { laneShares, saltOf } from '../schema/experiment-rules.ts';
import { unitHash } from './hash.ts';

export const BUCKETS = 10_000;

export function bucketOf(salt: string, id: string): number {
  return Math.floor(unitHash(salt, id) * BUCKETS);
}

/** True when the visitor belongs to the global holdout. */
export function inHoldout(
  holdout: Pick<Holdout, 'share' | 'salt'> | undefined,
  id: string,
): boolean {
  return !!holdout && holdout.share > 0 && unitHash(holdout.salt, id) < holdout.share;
}

/** True when the visitor falls in the experiment's part of its layer (always, without a layer). */
export function inLayer(layer: Layer | undefined, id: string): boolean {
  if (!layer) return true;
  const u = unitHash(`layer:${layer.id}`, id);
  return u >= layer.from && u < layer.to;
}

export interface ArmRange {
  arm: string;
  /** Buckets [from, to). */
  from: number;
  to: number;
  /** The lane the arm may grow into: [from, laneEnd). */
  laneEnd: number;
}

/** Each arm's target share of all visitors: traffic × weight / Σ weights. */
export function armShares(arms: readonly Pick<Arm, 'weight'>[], traffic: number): number[] {
  const total = arms.reduce((sum, a) => sum + a.weight, 0);
  return arms.map((a) => (total > 0 ? (traffic * a.weight) / total : 0));
}

/** Slack for floating-point shares (0.1 + 0.2 ≠ 0.3). */
const EPS = 1e-9;

/**
 * Each arm's bucket range. A lane holds ⌊lane × 10,000⌋ buckets; when the lanes cover the whole
 * space, the last lane also takes the buckets that rounding down left over (three equal lanes
 * are 3,333 + 3,333 + 3,334), so an arm that fills its lane leaves no bucket unassigned. Lane
 * starts never depend on that remainder, so it changes no one's arm — it only assigns buckets
 * that belonged to nobody.
 */
export function armRanges(
  arms: readonly Pick<Arm, 'id' | 'weight' | 'lane'>[],
  traffic: number,
): ArmRange[] {
  const lanes = laneShares(arms);
  const shares = armShares(arms, traffic);
  const whole = lanes.reduce((s, x) => s + x, 0) >= 1 - EPS;
  let start = 0;
  return arms.map((arm, i) => {
    const last = i === arms.length - 1;
    const laneBuckets = last && whole ? BUCKETS - start : Math.floor(lanes[i]! * BUCKETS + EPS);
    // An arm as large as its lane fills it (rounding must not leave its last bucket empty).
    const size =
      shares[i]! >= lanes[i]! - EPS
        ? laneBuckets
        : Math.min(laneBuckets, Math.round(shares[i]! * BUCKETS));
    const range = { arm: arm.id, from: start, to: start + size, laneEnd: start + laneBuckets };
    start += laneBuckets;
    return range;
  });
}

/** The arm for a bucket, or undefined when the bucket is not (yet) in the experiment. */
export function armForBucket(ranges: readonly ArmRange[], bucket: number): string | undefined {
  for (const r of ranges) if (bucket >= r.from && bucket < r.to) return r.arm;
  return undefined;
}

/** A/B/n assignment: the visitor's arm, or undefined when outside the experiment's traffic. */
export function assignAb(
  experiment: Pick<Experiment, 'id' | 'salt' | 'arms' | 'traffic'>,
  id: string,
): string | undefined {
  return armForBucket(
    armRanges(experiment.arms, experiment.traffic),
    bucketOf(saltOf(experiment), id),
  );
}

/**
 * Picks from a split (shares summing to ~1) with a uniform u in [0, 1); used for bandit epochs.
 * Shares are walked in the given order, so the same split and u always give the same arm.
 */
export function pickByShare(
  split: readonly { arm: string; share: number }[],
  u: number,
): string | undefined {
  const total = split.reduce((s, x) => s + x.share, 0);
  if (!(total > 0)) return undefined;
  let acc = 0;
  for (const x of split) {
    acc += x.share / total;
    if (u < acc) return x.arm;
  }
  return split[split.length - 1]?.arm;
}
