/**
 * The revenue section of a report from D1: every exposed visitor of the phase with their
 * purchases inside their window (the same counting as conversions: one arm per visitor, the
 * sender's own events, the window from the first exposure — shared/experiments/counting.ts),
 * read page by page, then assembled by ./report.ts. Only buyers are kept in memory.
 */
import {
  readOutcomes,
  readOutcomesFor,
  readExcluded,
  type CountQuery,
  type CountResult,
} from '../experiments/arm-stats.ts';
import { emptyCounts, tally, type UnitOutcome } from '../experiments/counting.ts';
import { revenueSection, type Buyer, type RevenueSection, type RevenueSettings } from './report.ts';

export async function readRevenue(
  db: D1Database,
  q: Omit<CountQuery, 'goal'>,
  settings: RevenueSettings,
): Promise<RevenueSection> {
  const revenue = foldRevenue(q.arms);
  await readOutcomes(db, { ...q, goal: { event: 'purchase' } }, (o) => revenue.add(o));
  return revenueSection(revenue.input(), settings);
}

/** Revenue folded from one page's purchase outcomes into per-arm visitors and buyers. */
function foldRevenue(arms: readonly string[]) {
  const visitors = arms.map(() => 0);
  const index = new Map(arms.map((a, i) => [a, i]));
  const buyers: Buyer[] = [];
  return {
    add(outcomes: Iterable<UnitOutcome>) {
      for (const o of outcomes) {
        const i = index.get(o.arm);
        if (i === undefined) continue;
        visitors[i]!++;
        if (o.byCurrency) buyers.push({ arm: o.arm, byCurrency: o.byCurrency });
      }
    },
    input: () => ({ arms, visitors, buyers }),
  };
}

/**
 * A report's conversion counts and its revenue section in one pass over D1 (each page of
 * visitors and their candidate events read once): what report.ts uses.
 */
export async function readCountsAndRevenue(
  db: D1Database,
  q: CountQuery,
  settings: RevenueSettings,
): Promise<{ counted: CountResult; revenue: RevenueSection }> {
  const counts = emptyCounts(q.arms);
  const revenue = foldRevenue(q.arms);
  await readOutcomesFor(db, q, [q.goal, { event: 'purchase' }], ([conversions, purchases]) => {
    tally(counts, conversions!);
    revenue.add(purchases!);
  });
  return {
    counted: { arms: counts, excluded: await readExcluded(db, q) },
    revenue: revenueSection(revenue.input(), settings),
  };
}
