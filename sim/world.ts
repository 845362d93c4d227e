/**
 * The simulated world the scenarios share: visitors who arrive, come back a few times, and
 * convert with a known probability — so every figure a report prints can be checked against the
 * truth. Pure and seeded (mulberry32): the same seed gives the same world in Node and workerd.
 *
 * Time is in ms. A visitor makes 1–3 visits (VisitModel) spread over at most `maxGapMs` after
 * arriving; on each visit they convert with a per-visit probability h that depends only on the
 * arm they see. Their visitor-level conversion rate — what a report estimates — is then
 * r = 1 − E[(1 − h)^V] when every visit shows the same arm and falls inside the window.
 */
import type { EventRow, ExposureRow } from '../shared/experiments/counting.ts';
import { mulberry32, type Rng } from '../shared/experiments/random.ts';

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

export interface VisitModel {
  /** P(1 visit), P(2 visits), … */
  visits: readonly number[];
  /** Later visits fall uniformly within this long after the arrival. */
  maxGapMs: number;
}

/** Half the visitors come once, 30 % twice, 20 % three times, all within two days. */
export const RETURNING: VisitModel = { visits: [0.5, 0.3, 0.2], maxGapMs: 2 * DAY };
/** Everyone comes exactly twice (the audit's model in issue 12). */
export const TWO_VISITS: VisitModel = { visits: [0, 1], maxGapMs: 2 * DAY };

export { mulberry32, type Rng };

/** Sorted visit times of one visitor who arrives at `arrival`. */
export function drawVisits(rng: Rng, model: VisitModel, arrival: number): number[] {
  let u = rng();
  let count = model.visits.length;
  for (let i = 0; i < model.visits.length; i++) {
    u -= model.visits[i]!;
    if (u < 0) {
      count = i + 1;
      break;
    }
  }
  const times = [arrival];
  for (let i = 1; i < count; i++) times.push(arrival + Math.floor(rng() * model.maxGapMs));
  return times.sort((a, b) => a - b);
}

/** Visitor-level rate for per-visit probability h: 1 − E[(1 − h)^V]. */
export function visitorRate(h: number, model: VisitModel): number {
  return model.visits.reduce((sum, p, i) => sum + p * (1 - (1 - h) ** (i + 1)), 0);
}

/** The per-visit probability that gives visitor-level rate r (bisection; r in [0, 1)). */
export function hazardFor(r: number, model: VisitModel): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (visitorRate(mid, model) < r) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Exposure rows with the decision id each page view carried (legacy counting joined on it). */
export interface SimExposure extends ExposureRow {
  decisionId: string;
}

/** Event rows with the decision id the sender attached. */
export interface SimEvent extends EventRow {
  decisionId?: string;
}

/** Fraction of `hits` out of `n`, with its Monte Carlo standard error. */
export function proportion(hits: number, n: number): { value: number; se: number; n: number } {
  const value = n > 0 ? hits / n : 0;
  return { value, se: n > 0 ? Math.sqrt((value * (1 - value)) / n) : 0, n };
}

export const covers = (i: { low: number; high: number }, truth: number) =>
  i.low <= truth + 1e-12 && truth <= i.high + 1e-12;
