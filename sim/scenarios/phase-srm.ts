/**
 * Issue 12, item 4: a weight change in the middle of an A/B test (traffic 0.5, arms 1:1 → 1:3,
 * on day 7 of 14), with no real difference between the arms. Every exposure records the phase
 * it happened in (phase.ts); the report counts the current phase only. Does SRM stay quiet
 * (~0.1 % at p < 0.001) and the lift centred on zero — also when the base rate drifts upward
 * over the two weeks? "Before" counts every exposure against today's split, as reports did.
 */
import { armForBucket, armRanges, bucketOf } from '../../shared/experiments/bucketing.ts';
import { Ledger, type EventRow, type ExposureRow } from '../../shared/experiments/counting.ts';
import { phaseOf } from '../../shared/experiments/phase.ts';
import { assemble, expectedShares, type Report } from '../../shared/experiments/report.ts';
import { Experiment, saltOf } from '../../shared/schema/experiment.ts';
import { number, percent, type Scenario } from '../scenario.ts';
import { DAY, drawVisits, mulberry32, proportion, RETURNING, type Rng } from '../world.ts';

const VISITORS = 2000;
const CHANGE = 7 * DAY;
const WINDOW_HOURS = 24 * 7;

const base = {
  id: 'sim-phase',
  scope: { slot: 'hero' },
  traffic: 0.5,
  goal: { event: 'click' },
  windowHours: WINDOW_HOURS,
} as const;
export const before = Experiment.parse({ ...base, arms: [{ id: 'a' }, { id: 'b' }] });
export const after = Experiment.parse({
  ...base,
  arms: [
    { id: 'a', weight: 1 },
    { id: 'b', weight: 3 },
  ],
});

function report(e: Experiment, counts: ReturnType<Ledger['counts']>): Report {
  return assemble(
    {
      id: e.id,
      type: 'ab',
      goal: e.goal,
      windowHours: WINDOW_HOURS,
      control: 'a',
      expectedShares: expectedShares(e),
      minVisitorsPerArm: 1,
    },
    counts,
  );
}

/** One run; `drift`: the per-visit rate climbs from 2 % to 8 % over the two weeks. */
const plans = [before, after].map((e) => ({
  ranges: armRanges(e.arms, e.traffic),
  salt: saltOf(e),
  phase: phaseOf(e),
}));

export function runPhaseChange(rng: Rng, run: number, drift: boolean) {
  const exposures: ExposureRow[] = [];
  const events: EventRow[] = [];
  for (let v = 0; v < VISITORS; v++) {
    const unit = `r${run}-v${v}`;
    for (const at of drawVisits(rng, RETURNING, Math.floor(rng() * 14 * DAY))) {
      const plan = plans[at < CHANGE ? 0 : 1]!; // the version live at that moment
      const arm = armForBucket(plan.ranges, bucketOf(plan.salt, unit));
      if (!arm) continue;
      exposures.push({ unit, arm, at, phase: plan.phase });
      const h = drift ? 0.02 + (0.06 * at) / (16 * DAY) : 0.04;
      if (rng() < h) events.push({ unit, type: 'click', slot: 'hero', at: at + 5_000 });
    }
  }
  const windowMs = WINDOW_HOURS * 3600_000;
  const goal = { event: 'click' } as const;
  return {
    phased: report(
      after,
      new Ledger(goal, windowMs, phaseOf(after))
        .expose(exposures)
        .record(events)
        .counts(['a', 'b']),
    ),
    all: report(
      after,
      new Ledger(goal, windowMs).expose(exposures).record(events).counts(['a', 'b']),
    ),
  };
}

/** The mean of `xs` as a pp figure, with its standard error. */
function mean(key: string, label: string, xs: number[], target?: readonly [number, number]) {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return {
    key,
    label,
    value: m,
    se: sd / Math.sqrt(xs.length),
    format: 'pp' as const,
    ...(target ? { target } : {}),
  };
}

export const phaseSrm: Scenario = {
  name: 'phase-srm',
  title: 'A/B weights 1:1 → 1:3 on day 7 of 14 (traffic 0.5), no real difference',
  runs: 10_000,
  run({ seed, runs, progress }) {
    const rng = mulberry32(seed);
    let alarms = 0;
    let alarmsBefore = 0;
    const lifts: number[] = [];
    const liftsBefore: number[] = [];
    const driftRuns = Math.ceil(runs / 10);
    for (let run = 0; run < runs; run++) {
      const { phased, all } = runPhaseChange(rng, run, false);
      if (phased.srm?.mismatch) alarms++;
      if (all.srm?.mismatch) alarmsBefore++;
      if (run < driftRuns) {
        const d = runPhaseChange(rng, run + runs, true);
        lifts.push(d.phased.arms[1]!.absoluteLift!.estimate);
        liftsBefore.push(d.all.arms[1]!.absoluteLift!.estimate);
      }
      if (run % 500 === 499) progress?.(run + 1);
    }
    return [
      percent('srm', 'after: SRM warnings (p < 0.001)', proportion(alarms, runs), [0, 0.003]),
      percent(
        'before.srm',
        'before (all phases vs today’s split): SRM warnings',
        proportion(alarmsBefore, runs),
      ),
      mean(
        'drift.lift',
        `drifting base rate (${driftRuns} runs): mean lift (true 0)`,
        lifts,
        [-0.003, 0.003],
      ),
      mean('before.drift.lift', 'before: mean lift (true 0)', liftsBefore),
      number('runs', 'runs', runs),
    ];
  },
};
