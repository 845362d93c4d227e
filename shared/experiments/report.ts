/**
 * An experiment report: pure assembly of counts into rates, lifts and checks (stats.ts).
 * Shared by `GET /admin/experiments/:id/report` and `tessera report`.
 */
import type { Bundle } from '../schema/bundle.ts';
import {
  HOLDOUT_EXPERIMENT,
  controlArm,
  type Experiment,
  type Holdout,
} from '../schema/experiment.ts';
import { armCounts, inOrder, type ArmCounts } from './arm-stats.ts';
import { armShares } from './bucketing.ts';
import {
  absoluteLift,
  rate,
  relativeLift,
  srm,
  wilson,
  type Interval,
  type Lift,
  type SrmCheck,
} from './stats.ts';

export interface ArmReport extends ArmCounts {
  rate: number;
  rateInterval: Interval;
  /** The configured share of traffic (A/B/n); absent for bandits, whose split moves. */
  expectedShare?: number;
  control: boolean;
  /** Against the control arm (absent on the control itself). */
  absoluteLift?: Lift;
  relativeLift?: Lift;
}

export interface Report {
  experiment: string;
  type: Experiment['type'] | 'holdout';
  goal: Experiment['goal'];
  windowHours: number;
  intervals: 'Newcombe hybrid score (absolute), Katz log (relative), Wilson (rates); 95%';
  arms: ArmReport[];
  srm?: SrmCheck & { warning?: string };
  /** The holdout's incremental lift (personalized − holdout), when the bundle has a holdout. */
  holdout?: Report;
}

export function assemble(
  meta: {
    id: string;
    type: Report['type'];
    goal: Experiment['goal'];
    windowHours: number;
    control: string;
    expectedShares?: number[];
  },
  counts: ArmCounts[],
): Report {
  const control = counts.find((c) => c.arm === meta.control) ?? {
    arm: meta.control,
    exposures: 0,
    conversions: 0,
  };
  const arms = counts.map((c, i): ArmReport => {
    const isControl = c.arm === meta.control;
    const abs =
      !isControl && c.exposures > 0 && control.exposures > 0
        ? absoluteLift(c.conversions, c.exposures, control.conversions, control.exposures)
        : undefined;
    const rel = isControl
      ? undefined
      : relativeLift(c.conversions, c.exposures, control.conversions, control.exposures);
    return {
      ...c,
      rate: rate(c.conversions, c.exposures),
      rateInterval: wilson(c.conversions, c.exposures),
      ...(meta.expectedShares ? { expectedShare: meta.expectedShares[i] } : {}),
      control: isControl,
      ...(abs ? { absoluteLift: abs } : {}),
      ...(rel ? { relativeLift: rel } : {}),
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
  };
}

export async function holdoutReport(db: D1Database, holdout: Holdout): Promise<Report> {
  const counts = inOrder(
    ['holdout', 'personalized'],
    await armCounts(db, HOLDOUT_EXPERIMENT, holdout.goal, holdout.windowHours * 3600_000),
  );
  return assemble(
    {
      id: HOLDOUT_EXPERIMENT,
      type: 'holdout',
      goal: holdout.goal,
      windowHours: holdout.windowHours,
      control: 'holdout',
      expectedShares: [holdout.share, 1 - holdout.share],
    },
    counts,
  );
}

export async function experimentReport(
  db: D1Database,
  bundle: Bundle,
  id: string,
): Promise<Report | undefined> {
  const holdout =
    bundle.holdout && bundle.holdout.share > 0
      ? await holdoutReport(db, bundle.holdout)
      : undefined;
  if (id === 'holdout' || id === HOLDOUT_EXPERIMENT) return holdout;
  const e = bundle.experiments?.find((x) => x.id === id);
  if (!e) return undefined;
  const armIds = e.arms.map((a) => a.id);
  const counts = inOrder(armIds, await armCounts(db, e.id, e.goal, e.windowHours * 3600_000));
  const report = assemble(
    {
      id: e.id,
      type: e.type,
      goal: e.goal,
      windowHours: e.windowHours,
      control: controlArm(e),
      ...(e.type === 'ab' ? { expectedShares: armShares(e.arms, 1) } : {}),
    },
    counts,
  );
  return holdout ? { ...report, holdout } : report;
}
