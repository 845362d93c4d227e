/**
 * The maturity self-assessment: from the evidence of the last 30 days (./evidence.ts gathers it
 * from the live bundle and D1), each dimension's stage (1 basic, 2 contextual, 3 adaptive) with
 * the evidence behind it, and the one next step that would move the weakest dimension up.
 * Pure: evidence in, assessment out; the thresholds are ./thresholds.ts.
 */
import {
  DIMENSION_NAMES,
  DIMENSIONS,
  STAGE_NAMES,
  THRESHOLDS,
  type Check,
  type Dimension,
  type Figure,
} from './thresholds.ts';

/** What the last `days` days of records and events, and the live bundle, show. */
export interface Evidence {
  days: number;
  /** Decision records (debug renders left out). */
  decisions: number;
  profiles: { customer: number; visitor: number; none: number };
  /** Of a sample of recent decisions, how many had an event from the same visitor in the 24 h before. */
  freshness: { sampled: number; fresh: number };
  /** Decisions per channel. */
  channels: Record<string, number>;
  /**
   * When slot-level figures, pages and `degraded` come from a sample of the decisions (every
   * `every`-th): how many decisions it held. Absent: from all of them.
   */
  sample?: { decisions: number; every: number };
  /** Distinct pages where some slot showed a non-default decision. */
  pagesPersonalized: number;
  /** Slot decisions by ladder level, and how many fell down the ladder (fallback causes). */
  slots: {
    total: number;
    individual: number;
    segment: number;
    cohort: number;
    experiment: number;
    default: number;
    fallback: number;
  };
  /** Decisions with a degradation reason (a timeout, an error, invalid data). */
  degraded: number;
  events: { addToCart: number; purchases: number; purchasesWithValue: number };
  exposures: { holdout: number; bandit: number };
  bundle: { holdoutShare: number; experiments: number; bandits: number; nonClickGoals: number };
}

export interface EvidenceLine {
  figure: Figure;
  label: string;
  value: number;
  /** The threshold it was held to and whether it passed, for the stage it decides. */
  stage: 2 | 3;
  threshold: string;
  pass: boolean;
}

export interface DimensionResult {
  dimension: Dimension;
  name: string;
  stage: 1 | 2 | 3;
  stageName: string;
  evidence: EvidenceLine[];
  /** What would move this dimension up one stage (absent at stage 3). */
  next?: string;
}

export interface Assessment {
  days: number;
  decisions: number;
  dimensions: DimensionResult[];
  /** The one next step: the weakest dimension's (ties: in matrix order, foundations first). */
  nextStep?: { dimension: Dimension; from: number; to: number; action: string };
  notes: string[];
}

const share = (x: number, n: number) => (n > 0 ? x / n : 0);

export function figures(e: Evidence): Record<Figure, number> {
  const active = Object.values(e.channels).filter((n) => share(n, e.decisions) >= 0.01).length;
  return {
    profiledShare: share(e.profiles.customer + e.profiles.visitor, e.decisions),
    freshShare: share(e.freshness.fresh, e.freshness.sampled),
    customerShare: share(e.profiles.customer, e.decisions),
    pagesPersonalized: e.pagesPersonalized,
    activeChannels: active,
    segmentShare: share(e.slots.segment, e.slots.total),
    individualShare: share(e.slots.individual, e.slots.total),
    banditExposures: e.exposures.bandit,
    nonClickGoals: e.bundle.nonClickGoals,
    funnelEvents: e.events.addToCart + e.events.purchases,
    holdoutExposures: e.exposures.holdout,
    purchasesWithValue: e.events.purchasesWithValue,
    degradedShare: share(e.degraded, e.sample?.decisions ?? e.decisions),
    fallbackShare: share(e.slots.fallback, e.slots.total),
    personalizedShare: share(e.slots.total - e.slots.default, e.slots.total),
  };
}

const passes = (c: Check, v: number) => (c.op === '>=' ? v >= c.value : v < c.value);
const isShare = (f: Figure) => f.endsWith('Share');
const shown = (f: Figure, x: number) =>
  isShare(f) ? `${+(x * 100).toFixed(1)} %` : String(Math.round(x * 100) / 100);

export function assess(e: Evidence): Assessment {
  const f = figures(e);
  const dimensions = DIMENSIONS.map((dimension): DimensionResult => {
    let stage: 1 | 2 | 3 = 1;
    let next: string | undefined;
    const evidence: EvidenceLine[] = [];
    for (const target of [2, 3] as const) {
      const t = THRESHOLDS.find((x) => x.dimension === dimension && x.stage === target)!;
      const line = (c: Check): EvidenceLine => ({
        figure: c.figure,
        label: c.label,
        value: f[c.figure],
        stage: target,
        threshold: `${c.op} ${shown(c.figure, c.value)}`,
        pass: passes(c, f[c.figure]),
      });
      const all = t.all.map(line);
      const any = (t.anyOf ?? []).map(line);
      evidence.push(...all, ...any);
      const ok = all.every((l) => l.pass) && (any.length === 0 || any.some((l) => l.pass));
      if (next === undefined && stage === target - 1) {
        if (ok) stage = target;
        else {
          const failed = t.all.filter((c) => !passes(c, f[c.figure]));
          const anyFailed = any.length && !any.some((l) => l.pass) ? t.anyOf! : [];
          next = [...failed, ...anyFailed].map((c) => c.action).join('; ');
        }
      }
    }
    return {
      dimension,
      name: DIMENSION_NAMES[dimension],
      stage,
      stageName: STAGE_NAMES[dimension][stage - 1]!,
      evidence,
      ...(next !== undefined ? { next } : {}),
    };
  });
  const weakest = dimensions.reduce<DimensionResult | undefined>(
    (w, d) => (d.stage < 3 && (!w || d.stage < w.stage) ? d : w),
    undefined,
  );
  const notes: string[] = [];
  if (e.sample && e.sample.every > 1)
    notes.push(
      `slot-level shares, pages and degraded renders from a sample of ${e.sample.decisions} decisions (every ${e.sample.every}th)`,
    );
  if (e.decisions === 0)
    notes.push(`no decision records in the last ${e.days} days: every dimension starts at stage 1`);
  return {
    days: e.days,
    decisions: e.decisions,
    dimensions,
    ...(weakest?.next
      ? {
          nextStep: {
            dimension: weakest.dimension,
            from: weakest.stage,
            to: weakest.stage + 1,
            action: weakest.next,
          },
        }
      : {}),
    notes,
  };
}

/** Shown values for a figure (percent for shares), for the CLI and docs. */
export const showFigure = shown;
