/**
 * The counting reports did before issue 12, kept only so the simulations can print "before"
 * next to "after". Never used by a report. It counted every distinct (visitor, arm) pair — a
 * visitor shown two arms counted in both — and credited a goal event to an exposure when it came
 * from the same visitor *or carried the exposure's decision id* (which anyone can post).
 */
import type { ArmCounts } from '../shared/experiments/counting.ts';
import type { SimEvent, SimExposure } from './world.ts';

export function legacyCounts(
  arms: readonly string[],
  exposures: readonly SimExposure[],
  events: readonly SimEvent[],
  type: string,
  windowMs: number,
): ArmCounts[] {
  const goal = events.filter((e) => e.type === type);
  const byUnit = new Map<string, SimEvent[]>();
  const byDecision = new Map<string, SimEvent[]>();
  for (const e of goal) {
    byUnit.set(e.unit, [...(byUnit.get(e.unit) ?? []), e]);
    if (e.decisionId) byDecision.set(e.decisionId, [...(byDecision.get(e.decisionId) ?? []), e]);
  }
  const pairs = new Map<string, { arm: string; converted: boolean }>();
  for (const x of exposures) {
    const key = `${x.unit}\u0000${x.arm}`;
    const pair = pairs.get(key) ?? { arm: x.arm, converted: false };
    pairs.set(key, pair);
    if (pair.converted) continue;
    const candidates = [...(byUnit.get(x.unit) ?? []), ...(byDecision.get(x.decisionId) ?? [])];
    pair.converted = candidates.some((e) => e.at >= x.at && e.at <= x.at + windowMs);
  }
  return arms.map((arm) => {
    const mine = [...pairs.values()].filter((p) => p.arm === arm);
    return {
      arm,
      exposures: mine.length,
      conversions: mine.filter((p) => p.converted).length,
      events: 0,
      value: 0,
    };
  });
}
