/**
 * Experiments and the global holdout, as marketers publish them inside the bundle.
 *
 * - `holdout`: a share of visitors who always see every slot's default (measures personalization
 *   as a whole). Hashed from the visitor id and its own salt.
 * - `experiments`: A/B/n tests (`type: "ab"`, fixed weights) and Thompson-sampling bandits
 *   (`type: "bandit"`) on one slot or a whole page. See docs/experiments.md for the assignment
 *   guarantees (sticky bucket lanes, layers, epochs).
 */
import * as z from './zod.ts';
import { dict } from './dict.ts';
import { Condition } from './condition.ts';

export { controlArm, saltOf, laneShares, HOLDOUT_EXPERIMENT } from './experiment-rules.ts';

const Id = z
  .string()
  .check(
    z.regex(
      /^[a-z0-9][a-z0-9-]{0,63}$/,
      'an id of lowercase letters, digits and dashes, e.g. "spring-sale"',
    ),
  );
const Salt = z
  .string()
  .check(z.regex(/^[A-Za-z0-9._:-]{1,64}$/, 'letters, digits and . _ : - (at most 64)'));
const IsoTime = z.isoDateTime({ offset: true });
const Share = z.number().check(z.gte(0), z.lte(1));
const WindowHours = z._default(z.number().check(z.gte(0.01), z.lte(24 * 90)), 24 * 7);

/**
 * Below this many visitors in any arm a report says "not enough data yet": no lift, no p-value,
 * no winner. Not for false alarms (the score interval and the p-value hold their 5 % even at 10
 * visitors per arm in the seeded simulation `min-sample`), but because a "win" in a tiny test
 * reports a lift many times the true one (docs/experiments.md quotes the figures).
 */
export const DEFAULT_MIN_VISITORS_PER_ARM = 100;
const MinVisitorsPerArm = z._default(
  z.number().check(z.int(), z.gte(1), z.lte(10_000_000)),
  DEFAULT_MIN_VISITORS_PER_ARM,
);

export const Arm = z.strictObject({
  id: Id,
  name: z.optional(z.string().check(z.maxLength(120))),
  /** Relative weight for A/B/n experiments (ignored by bandits, which learn their split). */
  weight: z._default(z.number().check(z.gte(0), z.lte(10_000)), 1),
  /**
   * Share of the hash space reserved for this arm (default: an equal part of what other arms
   * leave). The arm's traffic share may grow up to its lane without moving anyone.
   */
  lane: z.optional(Share),
  /** Slot experiments: the variant this arm shows. Absent: the slot's normal (personalized) decision. */
  variant: z.optional(Id),
  /** Page experiments: slot id → variant; slots not listed keep their normal decision. */
  variants: z.optional(dict(Id, Id)),
});
export type Arm = z.infer<typeof Arm>;

/**
 * What counts as a conversion — one event type, narrowed:
 * - `click`: a click on the experiment's own slot(s) (its `scope.slot`, or the slots of its
 *   `scope.page`), or on the slots named in `slots`; never a click anywhere else on the site.
 *   The holdout, which covers the whole site, counts a click on any slot unless `slots` names some.
 * - `add_to_cart`: every add-to-cart.
 * - `purchase`: every purchase, or with `minValue` only those worth at least that much in
 *   `currency` (required with `minValue`: amounts in different currencies are never compared).
 * - `custom`: the site's own event of that `name` (`tessera.track({ type: 'custom', name })`).
 */
export const Goal = z.discriminatedUnion('event', [
  z.strictObject({
    event: z.literal('click'),
    /** Count clicks on these slots instead of the experiment's own. */
    slots: z.optional(z.array(Id).check(z.minLength(1), z.maxLength(50))),
  }),
  z.strictObject({ event: z.literal('add_to_cart') }),
  z.strictObject({
    event: z.literal('purchase'),
    minValue: z.optional(z.number().check(z.gt(0), z.lte(1e9))),
    currency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as "EUR"'))),
  }),
  z.strictObject({
    event: z.literal('custom'),
    name: z
      .string()
      .check(z.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, _ . : - (at most 64)')),
  }),
]);
export type Goal = z.infer<typeof Goal>;
export type GoalInput = z.input<typeof Goal>;

export const Holdout = z.strictObject({
  /** Share of all visitors held out, e.g. 0.05 for 5 %. 0 turns the holdout off. */
  share: z._default(Share.check(z.lte(0.5)), 0),
  /** Changing the salt reshuffles who is held out: do it only when starting a new measurement. */
  salt: z._default(Salt, 'tessera-holdout'),
  /** The conversion the holdout report measures personalization against. */
  goal: z._default(Goal, { event: 'purchase' }),
  windowHours: WindowHours,
  /** The report's minimum sample: below it, "not enough data yet" and no result. */
  minVisitorsPerArm: MinVisitorsPerArm,
});
export type Holdout = z.infer<typeof Holdout>;
export type HoldoutInput = z.input<typeof Holdout>;

export const Layer = z.strictObject({
  /** Experiments in the same layer never share a visitor (mutually exclusive). */
  id: Id,
  /** The part of the layer's hash space this experiment owns: [from, to). */
  from: z._default(Share, 0),
  to: z._default(Share, 1),
});
export type Layer = z.infer<typeof Layer>;

/**
 * Defaults measured by the seeded simulation `bandit-regret` (docs/experiments.md): with floor
 * 0.02 and minimum 100 the bandit loses ~20 % fewer conversions than ε-greedy (ε = 0.1); the
 * former 0.05 / 200 lost ~10 % more. A higher floor buys precision on the losing arms (and keeps
 * learning if they improve) and costs conversions.
 */
export const DEFAULT_BANDIT = { minExposures: 100, floor: 0.02 } as const;

export const BanditSettings = z.strictObject({
  /** Equal split until every arm has at least this many exposed visitors. */
  minExposures: z._default(
    z.number().check(z.int(), z.gte(0), z.lte(1_000_000)),
    DEFAULT_BANDIT.minExposures,
  ),
  /** Every arm keeps at least this share of the experiment's new visitors. */
  floor: z._default(z.number().check(z.gte(0), z.lte(0.5)), DEFAULT_BANDIT.floor),
});
export type BanditSettings = z.infer<typeof BanditSettings>;

export const Experiment = z.strictObject({
  id: Id,
  name: z.optional(z.string().check(z.maxLength(120))),
  description: z.optional(z.string().check(z.maxLength(300))),
  type: z._default(z.enum(['ab', 'bandit']), 'ab'),
  /** Hash salt; defaults to the id. Changing it reassigns everyone (a new experiment). */
  salt: z.optional(Salt),
  /** One slot, or every slot of one page. */
  scope: z.union([z.strictObject({ slot: Id }), z.strictObject({ page: Id })]),
  /** The first arm is the control unless another sets `control`. */
  arms: z.array(Arm).check(z.minLength(2), z.maxLength(20)),
  control: z.optional(Id),
  /** Share of eligible visitors who enter the experiment. */
  traffic: z._default(Share, 1),
  /** Targeting: only visitors matching this condition are eligible. */
  when: z.optional(Condition),
  start: z.optional(IsoTime),
  end: z.optional(IsoTime),
  layer: z.optional(Layer),
  goal: z._default(Goal, { event: 'click' }),
  /** Attribution: a conversion counts for an exposure at most this long before it. */
  windowHours: WindowHours,
  /** The report's minimum sample: below it, "not enough data yet" and no result. */
  minVisitorsPerArm: MinVisitorsPerArm,
  bandit: z._default(BanditSettings, { ...DEFAULT_BANDIT }),
});
export type Experiment = z.infer<typeof Experiment>;
export type ExperimentInput = z.input<typeof Experiment>;
