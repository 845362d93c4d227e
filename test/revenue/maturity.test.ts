import { describe, expect, it } from 'vitest';
import { assess, type Evidence } from '../../shared/maturity/assess.ts';
import { DIMENSIONS, THRESHOLDS, type Dimension } from '../../shared/maturity/thresholds.ts';

/** 1,000 decisions, 1,000 slots, nothing personalized: stage 1 everywhere. */
function basic(): Evidence {
  return {
    days: 30,
    decisions: 1000,
    profiles: { customer: 0, visitor: 0, none: 1000 },
    freshness: { sampled: 1000, fresh: 0 },
    channels: { web: 1000 },
    pagesPersonalized: 0,
    slots: {
      total: 1000,
      individual: 0,
      segment: 0,
      cohort: 0,
      experiment: 0,
      default: 1000,
      fallback: 0,
    },
    degraded: 100,
    events: { addToCart: 0, purchases: 0, purchasesWithValue: 0 },
    exposures: { holdout: 0, bandit: 0 },
    bundle: { holdoutShare: 0, experiments: 0, bandits: 0, nonClickGoals: 0 },
  };
}

type Edit = (e: Evidence, atThreshold: boolean) => void;

/**
 * Per dimension and stage: moves the evidence exactly to the threshold (`true`) or one step short
 * of it (`false`). Stage 3 edits run on top of the stage 2 edit at its threshold.
 */
const EDITS: Record<Dimension, [Edit, Edit]> = {
  data: [
    (e, at) => {
      e.profiles = { customer: 0, visitor: 200, none: 800 };
      e.freshness.fresh = at ? 100 : 99;
    },
    (e, at) => {
      e.profiles = { customer: at ? 200 : 199, visitor: 100, none: 700 };
      e.freshness.fresh = 300;
    },
  ],
  execution: [
    (e, at) => {
      e.pagesPersonalized = at ? 3 : 2;
    },
    (e, at) => {
      e.channels = { web: 990, app: at ? 10 : 9 };
    },
  ],
  decisionLogic: [
    (e, at) => {
      e.slots = { ...e.slots, segment: at ? 200 : 199, default: at ? 800 : 801 };
    },
    (e, at) => {
      e.exposures.bandit = at ? 100 : 99;
    },
  ],
  measurement: [
    (e, at) => {
      e.bundle.nonClickGoals = 1;
      e.events = { addToCart: 60, purchases: at ? 40 : 39, purchasesWithValue: 0 };
    },
    (e, at) => {
      e.exposures.holdout = 1000;
      e.events.purchasesWithValue = at ? 100 : 99;
      e.events.purchases = 100;
    },
  ],
  experience: [
    (e, at) => {
      e.degraded = 49;
      e.slots = { ...e.slots, default: at ? 700 : 701, cohort: at ? 300 : 299 };
    },
    (e, at) => {
      e.degraded = at ? 9 : 10;
      e.slots = { ...e.slots, default: 400, cohort: 600, fallback: 49 };
    },
  ],
};

const stageOf = (e: Evidence, d: Dimension) =>
  assess(e).dimensions.find((x) => x.dimension === d)!.stage;

describe('maturity self-assessment', () => {
  it('puts a site with nothing personalized at stage 1 everywhere, and names one next step', () => {
    const a = assess(basic());
    expect(a.dimensions.map((d) => [d.dimension, d.stage])).toEqual(DIMENSIONS.map((d) => [d, 1]));
    expect(a.nextStep!.dimension).toBe('data'); // ties go to the foundations
    expect(a.nextStep!.action).toContain('tracker');
    expect(a.dimensions[0]!.evidence.find((l) => l.figure === 'profiledShare')).toMatchObject({
      value: 0,
      pass: false,
      threshold: '>= 20 %',
    });
  });

  for (const d of DIMENSIONS) {
    it(`moves ${d} from stage 1 to 2 to 3 exactly when its evidence crosses each threshold`, () => {
      const short = basic();
      EDITS[d][0](short, false);
      expect(stageOf(short, d)).toBe(1);
      const two = basic();
      EDITS[d][0](two, true);
      expect(stageOf(two, d)).toBe(2);
      EDITS[d][1](two, false);
      expect(stageOf(two, d)).toBe(2);
      EDITS[d][1](two, true);
      expect(stageOf(two, d)).toBe(3);
      // Other dimensions did not move with it (measurement and data share nothing, etc.).
      const others = assess(two).dimensions.filter((x) => x.dimension !== d && x.stage > 1);
      expect(others.map((x) => x.dimension)).not.toContain(d);
    });
  }

  it('never skips a stage: stage-3 evidence without stage 2 stays at stage 1', () => {
    const e = basic();
    e.exposures.holdout = 5000;
    e.events.purchasesWithValue = 500; // stage 3 measurement evidence…
    expect(stageOf(e, 'measurement')).toBe(1); // …but no funnel goal yet
  });

  it('points the next step at the weakest dimension', () => {
    const e = basic();
    EDITS.data[0](e, true);
    EDITS.execution[0](e, true);
    EDITS.decisionLogic[0](e, true);
    EDITS.experience[0](e, true);
    const a = assess(e);
    expect(a.nextStep).toMatchObject({ dimension: 'measurement', from: 1, to: 2 });
    expect(a.nextStep!.action).toContain('funnel goal');
  });

  it('keeps every threshold in one table: two stages per dimension', () => {
    for (const d of DIMENSIONS)
      expect(THRESHOLDS.filter((t) => t.dimension === d).map((t) => t.stage)).toEqual([2, 3]);
  });
});
