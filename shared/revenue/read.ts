/**
 * The revenue section of a report from D1: every exposed visitor of the phase with their
 * purchases inside their window (the same counting as conversions: one arm per visitor, the
 * sender's own events, the window from the first exposure — shared/experiments/counting.ts),
 * read page by page, then assembled by ./report.ts. Only buyers are kept in memory.
 */
import { readOutcomes, type CountQuery } from '../experiments/arm-stats.ts';
import { revenueSection, type Buyer, type RevenueSection, type RevenueSettings } from './report.ts';

export async function readRevenue(
  db: D1Database,
  q: Omit<CountQuery, 'goal'>,
  settings: RevenueSettings,
): Promise<RevenueSection> {
  const visitors = q.arms.map(() => 0);
  const index = new Map(q.arms.map((a, i) => [a, i]));
  const buyers: Buyer[] = [];
  await readOutcomes(db, { ...q, goal: { event: 'purchase' } }, (outcomes) => {
    for (const o of outcomes) {
      const i = index.get(o.arm);
      if (i === undefined) continue;
      visitors[i]!++;
      if (o.byCurrency) buyers.push({ arm: o.arm, byCurrency: o.byCurrency });
    }
  });
  return revenueSection({ arms: q.arms, visitors, buyers }, settings);
}
