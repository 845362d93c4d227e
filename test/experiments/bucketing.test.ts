import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  armForBucket,
  armRanges,
  assignAb,
  bucketOf,
  BUCKETS,
  inHoldout,
  inLayer,
} from '../../shared/experiments/bucketing.ts';
import { hash32 } from '../../shared/experiments/hash.ts';
import { chiSquarePValue } from '../../shared/experiments/stats.ts';

const N = 100_000;
const ids = Array.from({ length: N }, (_, i) => `visitor-${i}`);

function split(arms: { id: string; weight: number; lane?: number }[], traffic: number) {
  const counts = new Map<string, number>();
  for (const id of ids) {
    const arm = assignAb({ id: 'exp-1', arms, traffic }, id) ?? 'none';
    counts.set(arm, (counts.get(arm) ?? 0) + 1);
  }
  return counts;
}

/** χ² p-value of the observed counts against the expected shares (including "none"). */
function goodness(counts: Map<string, number>, expected: Record<string, number>) {
  let chi2 = 0;
  for (const [arm, share] of Object.entries(expected))
    chi2 += ((counts.get(arm) ?? 0) - N * share) ** 2 / (N * share);
  return chiSquarePValue(chi2, Object.keys(expected).length - 1);
}

describe('bucketing', () => {
  it('hashes the same input to the same 32-bit value and spreads neighbours apart', () => {
    expect(hash32('visitor-1')).toBe(hash32('visitor-1'));
    const a = hash32('visitor-1');
    const b = hash32('visitor-2');
    // Neighbouring ids differ in about half their bits (avalanche), not just the low ones.
    const differing = (a ^ b)
      .toString(2)
      .split('')
      .filter((x) => x === '1').length;
    expect(differing).toBeGreaterThan(8);
  });

  it('splits 100,000 ids evenly over three arms within ±1% and passes a χ² test', () => {
    const counts = split(
      [
        { id: 'a', weight: 1 },
        { id: 'b', weight: 1 },
        { id: 'c', weight: 1 },
      ],
      1,
    );
    for (const arm of ['a', 'b', 'c'])
      expect(Math.abs(counts.get(arm)! / N - 1 / 3)).toBeLessThan(0.01);
    // Lanes of 3,333, 3,333 and 3,334 buckets: nobody is left out.
    expect(counts.get('none')).toBeUndefined();
    expect(goodness(counts, { a: 0.3333, b: 0.3333, c: 0.3334 })).toBeGreaterThan(0.001);
  });

  it('leaves no bucket unassigned in a three-arm equal split (bucket 9,999 included)', () => {
    const arms = ['a', 'b', 'c'].map((id) => ({ id, weight: 1 }));
    const ranges = armRanges(arms, 1);
    expect(ranges.map((r) => [r.from, r.to])).toEqual([
      [0, 3333],
      [3333, 6666],
      [6666, 10_000],
    ]);
    expect(armForBucket(ranges, 9999)).toBe('c');
  });

  it('assigns every bucket whenever the arms fill the whole space, for any weights', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 2, maxLength: 20 }),
        (w) => {
          const total = w.reduce((a, b) => a + b, 0);
          // Lanes sized to the weights (the way to run an uneven split at full traffic) …
          const sized = armRanges(
            w.map((weight, i) => ({ id: `arm-${i}`, weight, lane: weight / total })),
            1,
          );
          // … and equal weights in equal lanes.
          const equal = armRanges(
            w.map((_, i) => ({ id: `arm-${i}`, weight: 1 })),
            1,
          );
          for (const ranges of [sized, equal]) {
            let next = 0;
            for (const r of ranges) {
              expect(r.from).toBe(next); // contiguous: no gap, no overlap
              next = r.to;
            }
            expect(next).toBe(BUCKETS);
          }
        },
      ),
      { numRuns: 300, seed: 12 },
    );
  });

  it('keeps every lane start where it was, so the leftover buckets move no one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 20 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (n, traffic) => {
          const arms = Array.from({ length: n }, (_, i) => ({ id: `arm-${i}`, weight: 1 }));
          armRanges(arms, traffic).forEach((r, i) => {
            expect(r.from).toBe(i * Math.floor(BUCKETS / n + 1e-9));
            expect(r.to - r.from).toBeGreaterThanOrEqual(
              Math.min(Math.round((traffic / n) * BUCKETS), Math.floor(BUCKETS / n)),
            );
          });
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });

  it('splits 100,000 ids 50/30/20 at 60% traffic within ±1% and passes a χ² test', () => {
    const counts = split(
      [
        { id: 'a', weight: 50 },
        { id: 'b', weight: 30 },
        { id: 'c', weight: 20 },
      ],
      0.6,
    );
    const expected = { a: 0.3, b: 0.18, c: 0.12, none: 0.4 };
    for (const [arm, share] of Object.entries(expected))
      expect(Math.abs(counts.get(arm)! / N - share)).toBeLessThan(0.01);
    expect(goodness(counts, expected)).toBeGreaterThan(0.001);
  });

  it('honours reserved lanes for an uneven split at full traffic (90/10)', () => {
    const counts = split(
      [
        { id: 'a', weight: 9, lane: 0.9 },
        { id: 'b', weight: 1, lane: 0.1 },
      ],
      1,
    );
    expect(Math.abs(counts.get('a')! / N - 0.9)).toBeLessThan(0.01);
    expect(Math.abs(counts.get('b')! / N - 0.1)).toBeLessThan(0.01);
  });

  it('never moves an assigned visitor to another arm when weights or traffic change', () => {
    const sample = ids.slice(0, 3000);
    const weights = fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(
        weights,
        weights,
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (w1, w2, t1, t2) => {
          const arms = (w: number[]) =>
            w.map((weight, i) => ({ id: `arm-${i}`, weight: weight + 1 }));
          const before = { id: 'exp-sticky', arms: arms(w1), traffic: t1 };
          const after = { id: 'exp-sticky', arms: arms(w2), traffic: t2 };
          for (const id of sample) {
            const a = assignAb(before, id);
            const b = assignAb(after, id);
            if (a !== undefined && b !== undefined) expect(b).toBe(a);
          }
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('only adds visitors when an arm grows (everyone assigned before keeps their arm)', () => {
    const before = {
      id: 'exp-grow',
      arms: [
        { id: 'a', weight: 1 },
        { id: 'b', weight: 1 },
      ],
      traffic: 0.2,
    };
    const after = {
      ...before,
      arms: [
        { id: 'a', weight: 1 },
        { id: 'b', weight: 3 },
      ],
      traffic: 0.6,
    };
    let kept = 0;
    for (const id of ids.slice(0, 20_000)) {
      const a = assignAb(before, id);
      if (a === undefined) continue;
      expect(assignAb(after, id)).toBe(a);
      kept++;
    }
    expect(kept).toBeGreaterThan(3000);
  });

  it('keeps every arm inside its own lane of the bucket space', () => {
    const ranges = armRanges(
      [
        { id: 'a', weight: 1 },
        { id: 'b', weight: 2 },
        { id: 'c', weight: 3 },
      ],
      0.5,
    );
    for (const r of ranges) expect(r.to).toBeLessThanOrEqual(r.laneEnd);
    expect(ranges.at(-1)!.laneEnd).toBeLessThanOrEqual(BUCKETS);
    expect(ranges.map((r) => r.to - r.from)).toEqual([833, 1667, 2500]);
  });

  it('holds out the configured share of visitors, independent of experiment buckets', () => {
    const holdout = { share: 0.1, salt: 'holdout-test' };
    const held = ids.filter((id) => inHoldout(holdout, id));
    expect(Math.abs(held.length / N - 0.1)).toBeLessThan(0.005);
    // Independence: the held-out visitors spread evenly over an experiment's buckets.
    const lowHalf = held.filter((id) => bucketOf('exp:any', id) < BUCKETS / 2).length;
    expect(Math.abs(lowHalf / held.length - 0.5)).toBeLessThan(0.02);
  });

  it('puts a visitor in at most one experiment of a layer (disjoint ranges)', () => {
    const left = { id: 'home', from: 0, to: 0.5 };
    const right = { id: 'home', from: 0.5, to: 1 };
    let inLeft = 0;
    for (const id of ids.slice(0, 20_000)) {
      const l = inLayer(left, id);
      expect(l && inLayer(right, id)).toBe(false);
      expect(l || inLayer(right, id)).toBe(true);
      if (l) inLeft++;
    }
    expect(Math.abs(inLeft / 20_000 - 0.5)).toBeLessThan(0.02);
  });
});
