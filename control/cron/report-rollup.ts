/**
 * The report rollup's cron chore (every 5 minutes; a phase's rows move every half hour): for the
 * live bundle's holdout and each of its experiments, one step of shared/rollup/build.ts
 * — recompute the visitors with new (or late) data from the raw tables, then move the horizon —
 * so a report sums one row per visitor and reads only the last half hour raw. Runs that repeat,
 * overlap or die half-way never count a visitor twice (see shared/rollup/build.ts). Then up to
 * five settled days of attribution (shared/revenue/attribution-days.ts).
 */
import type { BundleStore } from '../../shared/data/bundle-store.ts';
import { forgetOtherPhases, rollUp, type RollupRun } from '../../shared/rollup/build.ts';
import { rollupSpecs } from '../../shared/experiments/report.ts';
import { rollUpAttribution } from '../../shared/revenue/attribution-days.ts';
import { DEFAULT_ATTRIBUTION_WINDOW_HOURS } from '../../shared/schema/revenue.ts';
import type { ControlEnv } from '../env.ts';

const CRON_KV_DEADLINE_MS = 5_000;

/** The steps taken (phases already up to date are left out). Throws on D1 failure: the next run retries. */
export async function rollUpReports(
  env: Pick<ControlEnv, 'DB' | 'CONTENT'>,
  store: BundleStore,
  nowMs: number,
): Promise<RollupRun[]> {
  const live = await store.live(env.CONTENT, nowMs, CRON_KV_DEADLINE_MS, 0);
  if (!live.bundle) return [];
  const specs = rollupSpecs(live.bundle);
  await forgetOtherPhases(env.DB, specs);
  const runs: RollupRun[] = [];
  // One phase after another: each step is bounded (rollup-build.ts MAX_STEP_MS), D1 is one writer.
  for (const spec of specs) {
    const run = await rollUp(env.DB, spec, nowMs);
    if (run) runs.push(run);
  }
  // Attribution's settled days for the site's window (shared/revenue/attribution-days.ts).
  const hours =
    live.bundle.site.revenue?.attributionWindowHours ?? DEFAULT_ATTRIBUTION_WINDOW_HOURS;
  const days = await rollUpAttribution(env.DB, hours * 3600_000, nowMs);
  if (runs.length || days.length)
    console.log(
      JSON.stringify({ event: 'tessera.report.rollup', runs, attributionDays: days.length }),
    );
  return runs;
}
