/**
 * A report's counts and revenue from the rollup (./visitors.ts) plus the raw tail: the rows of
 * every visitor without data since the rollup's horizon, summed in SQL, and the visitors with
 * data since then (or whose events were erased since their row was written) recomputed from the
 * raw tables by the same Ledger. The sum is the raw computation's: every visitor is counted
 * once, either from a row that already holds all of their data or from their raw rows.
 *
 * Undefined (the caller reads the raw tables instead) when there is no rollup for the phase
 * with the report's goal and window, or when the tail is longer than `TAIL_LIMIT` visitors (the
 * rollup is still catching up).
 */
import type { RevenueSection, RevenueSettings, Buyer } from '../revenue/report.ts';
import { revenueSection } from '../revenue/report.ts';
import type { CountQuery, CountResult } from '../experiments/arm-stats.ts';
import { readExcluded } from '../experiments/arm-stats.ts';
import { emptyCounts, tally, type UnitOutcome } from '../experiments/counting.ts';
import {
  LATE_MS,
  NO_END,
  QUEUE_MARGIN_MS,
  SCOPE_ALL,
  parsePurchases,
  readState,
  summarize,
  touchedUnits,
  type RollupSpec,
  type StoredRow,
} from './visitors.ts';

/** Above this many visitors with data since the horizon, the raw tables are read instead. */
export const TAIL_LIMIT = 10_000;

/** Where a report's numbers came from, for the curious (and the tests). */
export interface RollupInfo {
  /** ISO: the rollup's horizon; visitors with data since were read from the raw tables. */
  upto: string;
  /** ISO: when the cron last moved it. */
  builtAt: string;
  /** Visitors recomputed from the raw tables for this report. */
  recomputed: number;
}

export interface RolledUp {
  counted: CountResult;
  revenue: RevenueSection;
  /** Sticky visitors of the phase, in any arm (the phase list's count, with `excluded`). */
  visitors: number;
  rollup: RollupInfo;
}

const NOT_IN_TAIL = `upto >= 0 AND unit NOT IN (SELECT value FROM json_each(?4))`;

const SUMS = `SELECT arm, COUNT(*) AS n, SUM(goal_events > 0) AS conversions,
    SUM(goal_events) AS events, SUM(goal_value) AS value
  FROM report_visitors WHERE experiment = ?1 AND phase = ?2 AND scope = ?3 AND ${NOT_IN_TAIL}
  GROUP BY arm`;

const BUYERS = `SELECT unit, arm, purchases FROM report_visitors INDEXED BY report_visitors_buyers
  WHERE experiment = ?1 AND phase = ?2 AND scope = ?3 AND purchases IS NOT NULL AND ${NOT_IN_TAIL}`;

interface ArmSums {
  arm: string;
  n: number;
  conversions: number;
  events: number;
  value: number;
}

export async function readRolledUp(
  db: D1Database,
  q: CountQuery,
  settings: RevenueSettings,
): Promise<RolledUp | undefined> {
  if (q.channel) return undefined; // only the every-channel scope is rolled up
  const spec: RollupSpec = {
    experiment: q.experiment,
    phase: q.phase,
    goal: q.goal,
    windowMs: q.windowMs,
  };
  const state = await readState(db, spec);
  if (!state) return undefined;
  const tail = await touchedUnits(db, spec, {
    from: state.upto,
    to: NO_END,
    lateFrom: state.upto - LATE_MS,
    receivedSince: state.builtAt - QUEUE_MARGIN_MS,
  });
  if (tail.length > TAIL_LIMIT) return undefined;
  const key = [q.experiment, q.phase, SCOPE_ALL, JSON.stringify(tail)] as const;
  const [[sums, stored], fresh, excluded] = await Promise.all([
    db.batch<ArmSums | StoredRow>([db.prepare(SUMS).bind(...key), db.prepare(BUYERS).bind(...key)]),
    summarize(db, spec, tail, NO_END),
    readExcluded(db, q),
  ]);
  const counts = emptyCounts(q.arms);
  const known = new Map(counts.map((c) => [c.arm, c]));
  let visitors = fresh.length;
  for (const s of sums!.results as ArmSums[]) {
    visitors += s.n;
    const c = known.get(s.arm);
    if (!c) continue; // an arm no longer listed: not counted, as tally() does
    c.exposures += s.n;
    c.conversions += s.conversions;
    c.events += s.events;
    c.value += s.value;
  }
  tally(
    counts,
    fresh.map((f): UnitOutcome => ({
      unit: f.unit,
      arm: f.arm,
      at: f.at,
      converted: f.goalEvents > 0,
      events: f.goalEvents,
      value: f.goalValue,
    })),
  );
  const buyers: Buyer[] = [];
  for (const r of stored!.results as StoredRow[])
    if (known.has(r.arm)) buyers.push({ arm: r.arm, byCurrency: parsePurchases(r.purchases!) });
  for (const f of fresh)
    if (f.purchases && known.has(f.arm)) buyers.push({ arm: f.arm, byCurrency: f.purchases });
  return {
    counted: { arms: counts, excluded },
    revenue: revenueSection(
      { arms: q.arms, visitors: counts.map((c) => c.exposures), buyers },
      settings,
    ),
    visitors,
    rollup: {
      upto: new Date(state.upto).toISOString(),
      builtAt: new Date(state.builtAt).toISOString(),
      recomputed: fresh.length,
    },
  };
}
