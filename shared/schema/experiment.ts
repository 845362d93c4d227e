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

export const Goal = z.strictObject({
  event: z._default(z.enum(['click', 'add_to_cart', 'purchase', 'custom']), 'click'),
  /** For `custom`: the event name that counts. */
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});
export type Goal = z.infer<typeof Goal>;

export const Holdout = z.strictObject({
  /** Share of all visitors held out, e.g. 0.05 for 5 %. 0 turns the holdout off. */
  share: z._default(Share.check(z.lte(0.5)), 0),
  /** Changing the salt reshuffles who is held out: do it only when starting a new measurement. */
  salt: z._default(Salt, 'tessera-holdout'),
  /** The conversion the holdout report measures personalization against. */
  goal: z._default(Goal, { event: 'purchase' }),
  windowHours: WindowHours,
});
export type Holdout = z.infer<typeof Holdout>;

export const Layer = z.strictObject({
  /** Experiments in the same layer never share a visitor (mutually exclusive). */
  id: Id,
  /** The part of the layer's hash space this experiment owns: [from, to). */
  from: z._default(Share, 0),
  to: z._default(Share, 1),
});
export type Layer = z.infer<typeof Layer>;

export const BanditSettings = z.strictObject({
  /** Equal split until every arm has at least this many exposures. */
  minExposures: z._default(z.number().check(z.int(), z.gte(0), z.lte(1_000_000)), 200),
  /** Every arm keeps at least this share of the experiment's traffic. */
  floor: z._default(z.number().check(z.gte(0), z.lte(0.5)), 0.05),
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
  bandit: z._default(BanditSettings, { minExposures: 200, floor: 0.05 }),
});
export type Experiment = z.infer<typeof Experiment>;
export type ExperimentInput = z.input<typeof Experiment>;

/** The control arm's id. */
export const controlArm = (e: Pick<Experiment, 'arms' | 'control'>): string =>
  e.control ?? e.arms[0]!.id;
/** The hash salt of an experiment. */
export const saltOf = (e: Pick<Experiment, 'id' | 'salt'>): string => e.salt ?? `exp:${e.id}`;

/** Each arm's lane: its declared `lane`, or an equal part of what the declared lanes leave. */
export function laneShares(arms: readonly Pick<Arm, 'lane'>[]): number[] {
  const declared = arms.reduce((sum, a) => sum + (a.lane ?? 0), 0);
  const open = arms.filter((a) => a.lane === undefined).length;
  const rest = open ? Math.max(0, 1 - declared) / open : 0;
  return arms.map((a) => a.lane ?? rest);
}

/** The holdout is recorded like an experiment with two arms. Not a valid experiment id (leading _). */
export const HOLDOUT_EXPERIMENT = '_holdout';
