import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../shared/experiments/random.ts';
import {
  absoluteLift,
  chiSquarePValue,
  normalUpperTail,
  relativeLift,
  relativeLiftGap,
  twoProportionPValue,
  Z95,
  srm,
  waldLift,
  wilson,
} from '../../shared/experiments/stats.ts';

describe('report statistics', () => {
  // Newcombe RG (1998), "Interval estimation for the difference between independent
  // proportions", Statistics in Medicine 17:873–890, Table II, method 10 (score, no correction).
  const newcombe: [number, number, number, number, number, number][] = [
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [5, 56, 0, 29, -0.0381, 0.1926],
  ];
  for (const [x1, n1, x0, n0, low, high] of newcombe) {
    it(`matches Newcombe's published interval for ${x1}/${n1} − ${x0}/${n0}`, () => {
      const lift = absoluteLift(x1, n1, x0, n0);
      expect(lift.estimate).toBeCloseTo(x1 / n1 - x0 / n0, 10);
      expect(lift.low).toBeCloseTo(low, 4);
      expect(lift.high).toBeCloseTo(high, 4);
    });
  }

  it('matches the Wald interval of the same textbook example (0.0575, 0.3425)', () => {
    const w = waldLift(56, 70, 48, 80);
    expect(w.low).toBeCloseTo(0.0575, 4);
    expect(w.high).toBeCloseTo(0.3425, 4);
  });

  it('gives the Wilson interval of 0 / 10 a positive upper bound', () => {
    const w = wilson(0, 10);
    expect(w.low).toBe(0);
    expect(w.high).toBeCloseTo(0.2775, 4);
  });

  it('computes the relative lift with a log interval around the ratio', () => {
    const r = relativeLift(56, 70, 48, 80)!;
    expect(r.estimate).toBeCloseTo(1 / 3, 10);
    expect(r.low).toBeLessThan(r.estimate);
    expect(r.high).toBeGreaterThan(r.estimate);
    expect(relativeLift(0, 10, 5, 10)).toBeUndefined();
  });

  it('gives the two-proportion p-value of a textbook 2 × 2 table (χ² = 7.024, p = 0.00804)', () => {
    // 56/70 vs 48/80: Pearson χ² without continuity correction (R: prop.test(correct = FALSE)).
    expect(twoProportionPValue(56, 70, 48, 80)).toBeCloseTo(0.008044, 5);
    expect(twoProportionPValue(5, 100, 5, 100)).toBeCloseTo(1, 12);
    expect(normalUpperTail(Z95)).toBeCloseTo(0.025, 12);
  });

  it('gives a p-value of 1 when there is nothing to compare', () => {
    expect(twoProportionPValue(0, 100, 0, 100)).toBe(1);
    expect(twoProportionPValue(100, 100, 100, 100)).toBe(1);
    expect(twoProportionPValue(0, 0, 3, 10)).toBe(1);
  });

  it('says why there is no relative interval: a zero count, or both arms at 100 %', () => {
    expect(relativeLiftGap(3, 10, 0, 10)).toContain('control has no conversions');
    expect(relativeLiftGap(0, 10, 3, 10)).toContain('no conversions (−100 %)');
    expect(relativeLiftGap(10, 10, 10, 10)).toContain('both arms converted every visitor');
    expect(relativeLift(10, 10, 10, 10)).toBeUndefined(); // was [0, 0]: false certainty
    expect(relativeLiftGap(3, 10, 4, 10)).toBeUndefined();
    expect(relativeLiftGap(10, 10, 9, 10)).toBeUndefined(); // one arm at 100 % is fine
  });

  it('computes χ² p-values (critical values 3.841 at df 1 and 5.991 at df 2 give 0.05)', () => {
    expect(chiSquarePValue(3.841458820694124, 1)).toBeCloseTo(0.05, 10);
    expect(chiSquarePValue(5.991464547107979, 2)).toBeCloseTo(0.05, 10);
    expect(chiSquarePValue(0, 3)).toBe(1);
  });

  it('warns about a sample-ratio mismatch only when the split is implausible', () => {
    expect(srm([5000, 5400], [0.5, 0.5]).mismatch).toBe(true);
    expect(srm([5000, 5050], [0.5, 0.5]).mismatch).toBe(false);
    expect(srm([6000, 4000], [0.6, 0.4]).mismatch).toBe(false);
  });

  it('covers the true lift about 95% of the time in seeded simulation', () => {
    const rng = mulberry32(2026);
    const p0 = 0.1;
    const p1 = 0.12;
    const n = 1000;
    const reps = 2000;
    let covered = 0;
    for (let r = 0; r < reps; r++) {
      let x0 = 0;
      let x1 = 0;
      for (let i = 0; i < n; i++) {
        if (rng() < p0) x0++;
        if (rng() < p1) x1++;
      }
      const lift = absoluteLift(x1, n, x0, n);
      if (lift.low <= p1 - p0 && p1 - p0 <= lift.high) covered++;
    }
    // ±3 standard errors of a 95% proportion over 2000 replicates.
    expect(covered / reps).toBeGreaterThan(0.935);
    expect(covered / reps).toBeLessThan(0.965);
  });
});
