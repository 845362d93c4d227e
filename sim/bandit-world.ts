/**
 * A bandit experiment run end to end with the worker's own code: visitors arrive over 30 epochs
 * (500 new ones each), come back 1–3 times; every epoch the "cron" counts what D1 would hold so
 * far (counting.ts), allocates (shared/experiments/bandit.ts) and publishes a snapshot; every
 * page view is assigned by worker/experiments/assign.ts — sticky through the arm claim the
 * visitor's cookie carries (arm-claims.ts), or, to show the old behaviour, re-drawn each epoch.
 */
import { claimKey, withClaims, type ArmClaims } from '../shared/experiments/arm-claims.ts';
import { Ledger, type ArmCounts } from '../shared/experiments/counting.ts';
import { hash32 } from '../shared/experiments/hash.ts';
import { assemble, type Report } from '../shared/experiments/report.ts';
import type { BanditSnapshot } from '../shared/schema/bandit.ts';
import { Experiment, type ExperimentInput } from '../shared/schema/experiment.ts';
import { assignBandit } from '../worker/experiments/assign.ts';
import {
  allocate,
  DEFAULT_DRAWS,
  type ArmStats,
  type Split,
} from '../shared/experiments/bandit.ts';
import { legacyCounts } from './legacy.ts';
import {
  HOUR,
  drawVisits,
  hazardFor,
  RETURNING,
  type Rng,
  type SimEvent,
  type SimExposure,
  type VisitModel,
} from './world.ts';

export const EPOCHS = 30;
export const PER_EPOCH = 500;
export const EPOCH_MS = 4 * HOUR;
export const WINDOW_HOURS = 24 * 7;
/** Visitors per run must stay below this (visit keys pack the visitor into the low bits). */
const VISITOR_SLOTS = 2 ** 15;

/** How the next split is chosen from the counts so far. */
export type Policy = (stats: ArmStats[], epoch: number) => Split[];

export const thompson =
  (e: Experiment, settings: Experiment['bandit'] = e.bandit, draws = DEFAULT_DRAWS): Policy =>
  (stats, epoch) =>
    allocate(stats, settings, hash32(`${e.id}:${epoch}`), draws);

/** ε-greedy: ε spread evenly, the rest to the best observed rate. */
export const epsilonGreedy =
  (eps = 0.1): Policy =>
  (stats) => {
    const rates = stats.map((s) => (s.exposures ? s.conversions / s.exposures : 0));
    const best = rates.indexOf(Math.max(...rates));
    return stats.map((s, i) => ({
      arm: s.arm,
      share: eps / stats.length + (i === best ? 1 - eps : 0),
    }));
  };

export function banditExperiment(overrides: Partial<ExperimentInput> = {}): Experiment {
  return Experiment.parse({
    id: 'sim-bandit',
    type: 'bandit',
    scope: { slot: 'reviews' },
    arms: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
    goal: { event: 'click' },
    windowHours: WINDOW_HOURS,
    ...overrides,
  });
}

export interface BanditRun {
  report: Report;
  /** With `legacy`: the counts the pre-issue-12 report would have printed for the same rows. */
  legacy?: ArmCounts[];
  /** Expected conversions lost against showing everyone the best arm (sticky runs). */
  regret: number;
  visitors: number;
  /** Share of visitors who saw more than one arm. */
  sawSeveral: number;
  splits: Split[][];
}

export function runBandit(
  rng: Rng,
  run: number,
  o: {
    rates: readonly number[];
    sticky: boolean;
    policy?: Policy;
    model?: VisitModel;
    e?: Experiment;
    /** Also count the rows the old way (before issue 12). */
    legacy?: boolean;
  },
): BanditRun {
  const e = o.e ?? banditExperiment();
  const model = o.model ?? RETURNING;
  const policy = o.policy ?? thompson(e);
  const arms = e.arms.map((a) => a.id);
  const hazards = o.rates.map((r) => hazardFor(r, model));
  const best = Math.max(...o.rates);

  // Who visits when does not depend on what they see: draw it first, then replay in time order.
  // Each visit is one number, at × 2¹⁵ + visitor, so a numeric sort orders them (at < 2³⁷ ms).
  const keys: number[] = [];
  const units: string[] = [];
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = 0; i < PER_EPOCH; i++) {
      const visitor = units.length;
      units.push(`r${run}-v${visitor}`);
      const arrival = Math.floor((epoch + rng()) * EPOCH_MS);
      for (const at of drawVisits(rng, model, arrival)) keys.push(at * VISITOR_SLOTS + visitor);
    }
  }
  const visits = Float64Array.from(keys).sort();

  const exposures: SimExposure[] = [];
  const events: SimEvent[] = [];
  // Per visitor (by index): the cookie's arm claims, the first arm, whether another arm followed.
  const claims: (ArmClaims | undefined)[] = [];
  const firstArm: (string | undefined)[] = [];
  let several = 0;
  const live = new Set([claimKey(e)]);
  const splits: Split[][] = [];
  let epoch = -1;
  let snapshot: BanditSnapshot | undefined;
  const windowMs = WINDOW_HOURS * 3600_000;
  // What D1 holds so far, as the report's counting sees it (fed as rows arrive).
  const ledger = new Ledger({ event: 'click' }, windowMs);
  for (const key of visits) {
    const visitor = key % VISITOR_SLOTS;
    const at = (key - visitor) / VISITOR_SLOTS;
    while (Math.floor(at / EPOCH_MS) > epoch) {
      // The cron: count what D1 holds now, allocate, publish.
      epoch++;
      const stats = ledger.counts(arms).map(({ arm, exposures: n, conversions }) => ({
        arm,
        exposures: n,
        conversions,
      }));
      const split = policy(stats, epoch);
      splits.push(split);
      snapshot = {
        epoch: String(epoch),
        computedAt: new Date(epoch * EPOCH_MS).toISOString(),
        experiments: {
          [e.id]: { arms: stats.map((s, i) => ({ ...s, share: split[i]!.share })) },
        },
      };
    }
    const unit = units[visitor]!;
    const drawn = assignBandit(e, unit, snapshot, o.sticky ? claims[visitor] : undefined);
    if (!drawn.arm) continue;
    if (o.sticky && drawn.claim) claims[visitor] = withClaims(claims[visitor], [drawn.claim], live);
    const first = firstArm[visitor];
    if (first === undefined) firstArm[visitor] = drawn.arm;
    else if (first !== drawn.arm && first !== '*') {
      several++;
      firstArm[visitor] = '*'; // counted once; the regret below uses the first arm only when sticky
    }
    // Rows for the old counting are kept only when asked for (they cost memory and time).
    const decisionId = o.legacy ? `${unit}-${at}` : '';
    const exposure = { unit, arm: drawn.arm, at, decisionId };
    if (o.legacy) exposures.push(exposure);
    ledger.expose([exposure]);
    if (rng() < hazards[arms.indexOf(drawn.arm)]!) {
      const click = { unit, type: 'click', slot: 'reviews', at: at + 5_000, decisionId };
      if (o.legacy) events.push(click);
      ledger.record([click]);
    }
  }
  const counts = ledger.counts(arms);
  let regret = 0;
  let exposed = 0;
  for (const arm of firstArm) {
    if (arm === undefined) continue;
    exposed++;
    if (arm !== '*') regret += best - o.rates[arms.indexOf(arm)]!;
  }
  return {
    report: assemble(
      {
        id: e.id,
        type: 'bandit',
        goal: e.goal,
        windowHours: WINDOW_HOURS,
        control: arms[0]!,
        minVisitorsPerArm: e.minVisitorsPerArm,
      },
      counts,
    ),
    ...(o.legacy ? { legacy: legacyCounts(arms, exposures, events, 'click', windowMs) } : {}),
    regret,
    visitors: exposed,
    sawSeveral: several / Math.max(1, exposed),
    splits,
  };
}
