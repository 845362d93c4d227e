/**
 * An experiment report: pure assembly of per-arm counts (counting.ts) into rates, lifts, p-values,
 * checks and a verdict (stats.ts), plus the D1 entry points. Shared by
 * `GET /admin/experiments/:id/report` and `tessera report`; the seeded simulations call
 * `assemble` directly with counts from counting.ts.
 */
import type { Bundle } from '../schema/bundle.ts';
import type { SiteRevenue } from '../schema/revenue.ts';
import { readCountsAndRevenue } from '../revenue/read.ts';
import { incrementalRevenue, type RevenueSection } from '../revenue/report.ts';
import {
  DEFAULT_MIN_VISITORS_PER_ARM,
  HOLDOUT_EXPERIMENT,
  controlArm,
  type Experiment,
  type Holdout,
} from '../schema/experiment.ts';
import { readChannels, readPhases, readPhasesKnowing, type PhaseSummary } from './arm-stats.ts';
import { readRolledUp, type RollupInfo } from '../rollup/read.ts';
import type { RollupSpec } from '../rollup/visitors.ts';
import { armRanges } from './bucketing.ts';
import type { ArmCounts, GoalMatch } from './counting.ts';
import { describeGoal, experimentGoal, holdoutGoal } from './goals.ts';
import { holdoutPhaseOf, phaseOf } from './phase.ts';
import {
  absoluteLift,
  rate,
  relativeLift,
  detectableLift,
  relativeLiftGap,
  srm,
  twoProportionPValue,
  wilson,
  type Interval,
  type Lift,
  type SrmCheck,
} from './stats.ts';

/** A difference is called when its p-value is below this, divided by the number of comparisons. */
export const ALPHA = 0.05;

export interface ArmReport extends ArmCounts {
  rate: number;
  rateInterval: Interval;
  /** The configured share of the experiment's traffic (A/B/n); absent for bandits, whose split moves. */
  expectedShare?: number;
  control: boolean;
  /** Against the control arm (absent on the control itself, and while there is not enough data). */
  absoluteLift?: Lift;
  relativeLift?: Lift;
  /** Why there is no relative lift although there is an absolute one (stats.relativeLiftGap). */
  relativeLiftNote?: string;
  /** Two-sided p-value of the difference to control (pooled two-proportion z test). */
  pValue?: number;
  /**
   * The smallest absolute lift this comparison would find 80 % of the time at its current size
   * (α = 0.05). A lift "found" below it is likely reported larger than it is.
   */
  detectableLift?: number;
}

export type VerdictStatus = 'not_enough_data' | 'no_clear_difference' | 'difference';

export interface Verdict {
  status: VerdictStatus;
  /** One sentence for the marketer. */
  message: string;
  /** The arm to keep: only with `difference`, never below the minimum sample. */
  winner?: string;
  /** Arms significantly better / worse than control (after the multiple-comparison correction). */
  better?: string[];
  worse?: string[];
}

export interface Report {
  experiment: string;
  type: Experiment['type'] | 'holdout';
  goal: Experiment['goal'];
  /** What counted, in words, with the experiment's slots filled in ("clicks on slot hero"). */
  conversion?: string;
  windowHours: number;
  intervals: 'Newcombe hybrid score (absolute), Katz log (relative), Wilson (rates); 95%';
  /** Below this many visitors in any arm the report gives no result. */
  minVisitorsPerArm: number;
  verdict: Verdict;
  arms: ArmReport[];
  srm?: SrmCheck & { warning?: string };
  /** Exposed units that could not be counted (per-request units: see arm-stats.ts). */
  excluded?: number;
  /** The phase analysed: the current one (shared/experiments/phase.ts). */
  phase?: PhaseInfo;
  /**
   * Earlier phases, oldest first: a change of arms, weights, traffic, goal or targeting started
   * a new one, and their visitors are not mixed into the current numbers.
   */
  earlierPhases?: PhaseInfo[];
  /** The holdout's incremental lift (personalized − holdout), when the bundle has a holdout. */
  holdout?: Report;
  /** The channel this report is narrowed to: visitors exposed there, converting anywhere. */
  channel?: string;
  /** Every channel the experiment has exposures in (each one a possible `channel` split). */
  channels?: string[];
  /**
   * Purchases of the same visitors in the same windows, whatever the goal: conversion rate,
   * revenue per visitor and average order value per arm with 95 % intervals, in the site's one
   * reporting currency (shared/revenue/). On the holdout, `revenue.incremental` is what
   * personalization added.
   */
  revenue?: RevenueSection;
  /**
   * Present when the numbers came from the cron's rollup (shared/rollup/visitors.ts) plus the
   * visitors with data since its horizon, read raw; absent when every row was read raw.
   */
  rollup?: RollupInfo;
}

/** Narrows a report to the visitors exposed in one channel (shared/schema/channel.ts). */
export interface ReportOptions {
  channel?: string;
  /** Read every row from the raw tables, ignoring the rollup (checks and tests). */
  raw?: boolean;
}

export interface PhaseInfo {
  /** null: exposures recorded before phases existed. */
  id: string | null;
  /** ISO times of the phase's first and last exposure (absent: none yet). */
  from?: string;
  to?: string;
  /** Visitors exposed in it. */
  visitors: number;
}

const phaseInfo = (p: PhaseSummary): PhaseInfo => ({
  id: p.phase,
  from: new Date(p.first).toISOString(),
  to: new Date(p.last).toISOString(),
  visitors: p.units,
});

export interface ReportMeta {
  id: string;
  type: Report['type'];
  goal: Experiment['goal'];
  windowHours: number;
  control: string;
  /** A/B/n: each arm's share of the experiment's traffic, as the bucket ranges implement it. */
  expectedShares?: number[];
  minVisitorsPerArm?: number;
}

const pp = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} pp`;

function verdictOf(arms: ArmReport[], control: string, minVisitors: number): Verdict {
  const short = arms.filter((a) => a.exposures < minVisitors);
  if (short.length) {
    return {
      status: 'not_enough_data',
      message: `not enough data yet: every arm needs at least ${minVisitors} visitors (${short
        .map((a) => `${a.arm} has ${a.exposures}`)
        .join(', ')}); no result until then`,
    };
  }
  const treatments = arms.filter((a) => a.arm !== control);
  const threshold = ALPHA / Math.max(1, treatments.length);
  const called = treatments.filter((a) => a.pValue !== undefined && a.pValue < threshold);
  const better = called.filter((a) => a.absoluteLift!.estimate > 0);
  const worse = called.filter((a) => a.absoluteLift!.estimate < 0);
  const correction = treatments.length > 1 ? ` (p < ${threshold.toPrecision(2)}, Bonferroni)` : '';
  if (better.length) {
    const best = better.reduce((a, b) => (b.rate > a.rate ? b : a));
    return {
      status: 'difference',
      winner: best.arm,
      better: better.map((a) => a.arm),
      worse: worse.map((a) => a.arm),
      message: `${best.arm} converts better than ${control}: ${pp(best.absoluteLift!.estimate)} [${pp(best.absoluteLift!.low)}, ${pp(best.absoluteLift!.high)}], p = ${best.pValue!.toPrecision(2)}${correction}`,
    };
  }
  if (worse.length === treatments.length && worse.length > 0) {
    return {
      status: 'difference',
      winner: control,
      better: [],
      worse: worse.map((a) => a.arm),
      message: `${control} converts better than every other arm${correction}`,
    };
  }
  return {
    status: 'no_clear_difference',
    better: [],
    worse: worse.map((a) => a.arm),
    message: `no arm is clearly better than ${control} yet${correction}; the intervals show how large a difference is still plausible`,
  };
}

export function assemble(meta: ReportMeta, counts: ArmCounts[], excluded = 0): Report {
  const minVisitors = meta.minVisitorsPerArm ?? DEFAULT_MIN_VISITORS_PER_ARM;
  const enough = counts.every((c) => c.exposures >= minVisitors);
  const control = counts.find((c) => c.arm === meta.control) ?? {
    arm: meta.control,
    exposures: 0,
    conversions: 0,
    events: 0,
    value: 0,
  };
  const arms = counts.map((c, i): ArmReport => {
    const isControl = c.arm === meta.control;
    const compare = enough && !isControl;
    const x = [c.conversions, c.exposures, control.conversions, control.exposures] as const;
    const rel = compare ? relativeLift(...x) : undefined;
    const gap = compare && !rel ? relativeLiftGap(...x) : undefined;
    return {
      ...c,
      rate: rate(c.conversions, c.exposures),
      rateInterval: wilson(c.conversions, c.exposures),
      ...(meta.expectedShares ? { expectedShare: meta.expectedShares[i] } : {}),
      control: isControl,
      ...(compare
        ? {
            absoluteLift: absoluteLift(...x),
            pValue: twoProportionPValue(...x),
            detectableLift: detectableLift(...x),
          }
        : {}),
      ...(rel ? { relativeLift: rel } : {}),
      ...(gap ? { relativeLiftNote: gap } : {}),
    };
  });
  const check = meta.expectedShares
    ? srm(
        counts.map((c) => c.exposures),
        meta.expectedShares,
      )
    : undefined;
  return {
    experiment: meta.id,
    type: meta.type,
    goal: meta.goal,
    windowHours: meta.windowHours,
    intervals: 'Newcombe hybrid score (absolute), Katz log (relative), Wilson (rates); 95%',
    minVisitorsPerArm: minVisitors,
    verdict: verdictOf(arms, meta.control, minVisitors),
    arms,
    ...(check
      ? {
          srm: {
            ...check,
            ...(check.mismatch
              ? {
                  warning: `sample ratio mismatch: the observed split is implausible under the configured one (p = ${check.pValue.toExponential(2)}); check assignment and logging before trusting the lift`,
                }
              : {}),
          },
        }
      : {}),
    ...(excluded ? { excluded } : {}),
  };
}

/**
 * Each arm's expected share of the experiment's visitors: its bucket range over all assigned
 * buckets — exactly what assignment does, rounding included (so a 10-million-visitor test does
 * not flag the fraction of a bucket that rounding moved).
 */
export function expectedShares(e: Pick<Experiment, 'arms' | 'traffic'>): number[] {
  const sizes = armRanges(e.arms, e.traffic).map((r) => r.to - r.from);
  const total = sizes.reduce((s, x) => s + x, 0);
  return sizes.map((s) => (total > 0 ? s / total : 0));
}

/** The holdout splits all visitors by share; buckets do not apply (it hashes to [0, 1)). */
const holdoutShares = (h: Holdout) => [h.share, 1 - h.share];

interface Source {
  experiment: string;
  phase: string;
  arms: string[];
  goal: GoalMatch;
  windowHours: number;
  /** The bundle's `site.revenue` (reporting currency, rates, capping). */
  site: SiteRevenue | undefined;
}

/** Counts the current phase from D1 and assembles the report, with the phases listed. */
async function readReport(
  db: D1Database,
  src: Source,
  meta: ReportMeta,
  { channel, raw }: ReportOptions = {},
): Promise<Report> {
  const query = {
    experiment: src.experiment,
    phase: src.phase,
    arms: src.arms,
    windowMs: src.windowHours * 3600_000,
    goal: src.goal,
    ...(channel ? { channel } : {}),
  };
  const settings = {
    site: src.site,
    control: meta.control,
    minVisitorsPerArm: meta.minVisitorsPerArm ?? DEFAULT_MIN_VISITORS_PER_ARM,
  };
  const rolled = raw ? undefined : await readRolledUp(db, query, settings);
  const [{ counted, revenue }, phases, channels] = await Promise.all([
    rolled ?? readCountsAndRevenue(db, query, settings),
    rolled
      ? readPhasesKnowing(db, src.experiment, {
          phase: src.phase,
          units: rolled.visitors + rolled.counted.excluded,
        })
      : readPhases(db, src.experiment, channel),
    readChannels(db, src.experiment),
  ]);
  const current = phases.find((p) => p.phase === src.phase);
  const incremental = meta.type === 'holdout' ? incrementalRevenue(revenue) : undefined;
  return {
    ...assemble(meta, counted.arms, counted.excluded),
    revenue: incremental ? { ...revenue, incremental } : revenue,
    conversion: describeGoal(src.goal),
    phase: current ? phaseInfo(current) : { id: src.phase, visitors: 0 },
    earlierPhases: phases.filter((p) => p.phase !== src.phase).map(phaseInfo),
    ...(channel ? { channel } : {}),
    channels,
    ...(rolled ? { rollup: rolled.rollup } : {}),
  };
}

const holdoutSource = (holdout: Holdout, site?: SiteRevenue): Source => ({
  experiment: HOLDOUT_EXPERIMENT,
  phase: holdoutPhaseOf(holdout),
  arms: ['holdout', 'personalized'],
  goal: holdoutGoal(holdout),
  windowHours: holdout.windowHours,
  site,
});

const experimentSource = (bundle: Bundle, e: Experiment): Source => ({
  experiment: e.id,
  phase: phaseOf(e),
  arms: e.arms.map((a) => a.id),
  goal: experimentGoal(bundle, e),
  windowHours: e.windowHours,
  site: bundle.site.revenue,
});

/**
 * What the cron rolls up for a bundle (shared/rollup/visitors.ts): every report it can serve —
 * the holdout's and each experiment's current phase, with the goal and window the report reads.
 */
export function rollupSpecs(bundle: Bundle): RollupSpec[] {
  const sources = [
    ...(bundle.holdout && bundle.holdout.share > 0 ? [holdoutSource(bundle.holdout)] : []),
    ...(bundle.experiments ?? []).map((e) => experimentSource(bundle, e)),
  ];
  return sources.map((s) => ({
    experiment: s.experiment,
    phase: s.phase,
    goal: s.goal,
    windowMs: s.windowHours * 3600_000,
  }));
}

export async function holdoutReport(
  db: D1Database,
  holdout: Holdout,
  options: ReportOptions = {},
  site?: SiteRevenue,
): Promise<Report> {
  return readReport(
    db,
    holdoutSource(holdout, site),
    {
      id: HOLDOUT_EXPERIMENT,
      type: 'holdout',
      goal: holdout.goal,
      windowHours: holdout.windowHours,
      control: 'holdout',
      expectedShares: holdoutShares(holdout),
      minVisitorsPerArm: holdout.minVisitorsPerArm,
    },
    options,
  );
}

export async function experimentReport(
  db: D1Database,
  bundle: Bundle,
  id: string,
  options: ReportOptions = {},
): Promise<Report | undefined> {
  const holdout =
    bundle.holdout && bundle.holdout.share > 0
      ? await holdoutReport(db, bundle.holdout, options, bundle.site.revenue)
      : undefined;
  if (id === 'holdout' || id === HOLDOUT_EXPERIMENT) return holdout;
  const e = bundle.experiments?.find((x) => x.id === id);
  if (!e) return undefined;
  const report = await readReport(
    db,
    experimentSource(bundle, e),
    {
      id: e.id,
      type: e.type,
      goal: e.goal,
      windowHours: e.windowHours,
      control: controlArm(e),
      ...(e.type === 'ab' ? { expectedShares: expectedShares(e) } : {}),
      minVisitorsPerArm: e.minVisitorsPerArm,
    },
    options,
  );
  return holdout ? { ...report, holdout } : report;
}
