/**
 * A/B test with returning visitors (sticky bucket lanes, the worker's own assignment): does the
 * report's 95 % interval cover the true difference 95 % of the time, and does the p-value call a
 * difference that is not there 5 % of the time?
 *
 * Each run: 4,000 visitors arrive over 14 days and visit 1–3 times (world.RETURNING); arms
 * convert 5 % vs 6 % of visitors (and 5 % vs 5 % in the null runs). Exposures and events go
 * through the report's own counting (counting.ts) and assembly (report.ts); clicks on another
 * slot (10 % of visits) must not count for the experiment's slot.
 */
import { armForBucket, armRanges, bucketOf } from '../../shared/experiments/bucketing.ts';
import { countArms, type EventRow, type ExposureRow } from '../../shared/experiments/counting.ts';
import { experimentGoal } from '../../shared/experiments/goals.ts';
import { assemble, expectedShares, type Report } from '../../shared/experiments/report.ts';
import { Experiment, saltOf } from '../../shared/schema/experiment.ts';
import { percent, type Scenario } from '../scenario.ts';
import {
  DAY,
  covers,
  drawVisits,
  hazardFor,
  mulberry32,
  proportion,
  RETURNING,
  type Rng,
} from '../world.ts';

const VISITORS = 4000;
const WINDOW_HOURS = 24 * 7;

export const experiment = Experiment.parse({
  id: 'sim-ab',
  scope: { slot: 'hero' },
  arms: [{ id: 'control' }, { id: 'treatment' }],
  goal: { event: 'click' },
  windowHours: WINDOW_HOURS,
});

/** One simulated A/B test with visitor-level rates `rates`; returns its report. */
export function runAb(
  rng: Rng,
  run: number,
  rates: readonly number[],
  visitors = VISITORS,
): Report {
  const e = experiment;
  const hazards = rates.map((r) => hazardFor(r, RETURNING));
  const arms = e.arms.map((a) => a.id);
  // What the worker computes once per bundle version (worker/experiments/assign.ts: planOf).
  const ranges = armRanges(e.arms, e.traffic);
  const salt = saltOf(e);
  const exposures: ExposureRow[] = [];
  const events: EventRow[] = [];
  for (let v = 0; v < visitors; v++) {
    const unit = `r${run}-v${v}`;
    const arm = armForBucket(ranges, bucketOf(salt, unit));
    if (!arm) continue;
    const h = hazards[arms.indexOf(arm)]!;
    for (const at of drawVisits(rng, RETURNING, Math.floor(rng() * 14 * DAY))) {
      exposures.push({ unit, arm, at });
      events.push({ unit, type: 'page_view', at });
      if (rng() < h) events.push({ unit, type: 'click', slot: 'hero', at: at + 5_000 });
      // Clicks elsewhere on the page are not this experiment's conversions.
      if (rng() < 0.1) events.push({ unit, type: 'click', slot: 'footer', at: at + 9_000 });
    }
  }
  // The goal as the report resolves it: clicks on the experiment's slot (goals.ts).
  const goal = experimentGoal({ pages: [] }, e);
  const counts = countArms(arms, exposures, events, goal, WINDOW_HOURS * 3600_000);
  return assemble(
    {
      id: e.id,
      type: 'ab',
      goal: e.goal,
      windowHours: WINDOW_HOURS,
      control: 'control',
      expectedShares: expectedShares(e),
      minVisitorsPerArm: e.minVisitorsPerArm,
    },
    counts,
  );
}

export const abCoverage: Scenario = {
  name: 'ab-coverage',
  title: 'A/B test, returning visitors (5 % vs 6 %, and 5 % vs 5 %), 4,000 visitors a run',
  runs: 2000,
  run({ seed, runs, progress }) {
    const rng = mulberry32(seed);
    const truth = [0.05, 0.06] as const;
    let abs = 0;
    let rel = 0;
    let relShown = 0;
    let rateCovered = 0;
    let nullP = 0;
    let nullWinner = 0;
    let srm = 0;
    for (let run = 0; run < runs; run++) {
      const effect = runAb(rng, run, truth);
      const t = effect.arms[1]!;
      if (covers(t.absoluteLift!, truth[1] - truth[0])) abs++;
      if (t.relativeLift) {
        relShown++;
        if (covers(t.relativeLift, truth[1] / truth[0] - 1)) rel++;
      }
      effect.arms.forEach((a, i) => covers(a.rateInterval, truth[i]!) && rateCovered++);
      const none = runAb(rng, run + runs, [0.05, 0.05]);
      if (none.arms[1]!.pValue! < 0.05) nullP++;
      if (none.verdict.status === 'difference') nullWinner++;
      if (effect.srm?.mismatch) srm++;
      if (none.srm?.mismatch) srm++;
      if (run % 100 === 99) progress?.(run + 1);
    }
    return [
      percent(
        'coverage.absolute',
        'absolute lift interval covers the true +1.00 pp',
        proportion(abs, runs),
        [0.93, 0.97],
      ),
      percent(
        'coverage.relative',
        'relative lift interval covers the true +20 %',
        proportion(rel, relShown),
        [0.93, 0.97],
      ),
      percent(
        'coverage.rate',
        'per-arm rate interval covers the true rate',
        proportion(rateCovered, 2 * runs),
        [0.93, 0.97],
      ),
      percent(
        'null.p',
        'no real difference: p < 0.05 (false alarm)',
        proportion(nullP, runs),
        [0.03, 0.07],
      ),
      percent(
        'null.winner',
        'no real difference: a winner named',
        proportion(nullWinner, runs),
        [0.03, 0.07],
      ),
      percent('srm', 'SRM warning (no real mismatch)', proportion(srm, 2 * runs), [0, 0.005]),
    ];
  },
};
