/**
 * Per-arm exposures and attributed conversions, from D1. Used by reports and the bandit cron,
 * never on the page path.
 *
 * An exposed unit is a distinct (unit, arm) pair. It converted when a goal event from that unit
 * (same visitor id, or for per-request units the same decision id) happened at or after one of
 * its exposures to the arm and at most `windowMs` later.
 */
import type { Goal } from '../schema/experiment.ts';

export interface ArmCounts {
  arm: string;
  exposures: number;
  conversions: number;
}

export async function armCounts(
  db: D1Database,
  experiment: string,
  goal: Goal,
  windowMs: number,
): Promise<ArmCounts[]> {
  const rows = await db
    .prepare(
      `SELECT arm, COUNT(*) AS exposures, SUM(converted) AS conversions FROM (
         SELECT x.unit_id, x.arm, MAX(EXISTS (
           SELECT 1 FROM events e
           WHERE (e.visitor_id = x.unit_id OR e.decision_id = x.decision_id)
             AND e.type = ?2 AND (?3 IS NULL OR e.name = ?3)
             AND e.at >= x.at AND e.at <= x.at + ?4
         )) AS converted
         FROM exposures x WHERE x.experiment = ?1
         GROUP BY x.unit_id, x.arm
       ) GROUP BY arm`,
    )
    .bind(
      experiment,
      goal.event,
      goal.event === 'custom' ? (goal.name ?? null) : null,
      Math.round(windowMs),
    )
    .all<{ arm: string; exposures: number; conversions: number | null }>();
  return rows.results.map((r) => ({
    arm: r.arm,
    exposures: r.exposures,
    conversions: r.conversions ?? 0,
  }));
}

/** Counts for the given arms in order, zero for arms nobody has seen yet. */
export function inOrder(arms: readonly string[], counts: readonly ArmCounts[]): ArmCounts[] {
  return arms.map(
    (arm) => counts.find((c) => c.arm === arm) ?? { arm, exposures: 0, conversions: 0 },
  );
}
