/**
 * Experiments and the global holdout, as marketers publish them inside the bundle.
 *
 * - `holdout`: a share of visitors who always see every slot's default (measures personalization
 *   as a whole). Hashed from the visitor id and its own salt.
 * - `experiments`: A/B/n tests (`type: "ab"`, fixed weights) and Thompson-sampling bandits
 *   (`type: "bandit"`) on one slot or a whole page. See docs/experiments.md for the assignment
 *   guarantees (sticky bucket lanes, layers, epochs).
 */
import * as z from 'zod';
import { Condition } from './condition.ts';

const Id = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,63}$/,
    'an id of lowercase letters, digits and dashes, e.g. "spring-sale"',
  );
const Salt = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'letters, digits and . _ : - (at most 64)');
const IsoTime = z.iso.datetime({ offset: true });
const Share = z.number().min(0).max(1);

export const Arm = z.strictObject({
  id: Id,
  name: z.string().max(120).optional(),
  /** Relative weight for A/B/n experiments (ignored by bandits, which learn their split). */
  weight: z.number().min(0).max(10_000).default(1),
  /**
   * Share of the hash space reserved for this arm (default: an equal part of what other arms
   * leave). The arm's traffic share may grow up to its lane without moving anyone.
   */
  lane: Share.optional(),
  /** Slot experiments: the variant this arm shows. Absent: the slot's normal (personalized) decision. */
  variant: Id.optional(),
  /** Page experiments: slot id → variant; slots not listed keep their normal decision. */
  variants: z.record(Id, Id).optional(),
});
export type Arm = z.infer<typeof Arm>;

export const Goal = z.strictObject({
  event: z.enum(['click', 'add_to_cart', 'purchase', 'custom']).default('click'),
  /** For `custom`: the event name that counts. */
  name: z.string().min(1).max(64).optional(),
});
export type Goal = z.infer<typeof Goal>;

export const Holdout = z.strictObject({
  /** Share of all visitors held out, e.g. 0.05 for 5 %. 0 turns the holdout off. */
  share: Share.max(0.5).default(0),
  /** Changing the salt reshuffles who is held out: do it only when starting a new measurement. */
  salt: Salt.default('tessera-holdout'),
  /** The conversion the holdout report measures personalization against. */
  goal: Goal.default({ event: 'purchase' }),
  windowHours: z
    .number()
    .min(0.01)
    .max(24 * 90)
    .default(24 * 7),
});
export type Holdout = z.infer<typeof Holdout>;

export const Layer = z.strictObject({
  /** Experiments in the same layer never share a visitor (mutually exclusive). */
  id: Id,
  /** The part of the layer's hash space this experiment owns: [from, to). */
  from: Share.default(0),
  to: Share.default(1),
});
export type Layer = z.infer<typeof Layer>;

export const BanditSettings = z.strictObject({
  /** Equal split until every arm has at least this many exposures. */
  minExposures: z.number().int().min(0).max(1_000_000).default(200),
  /** Every arm keeps at least this share of the experiment's traffic. */
  floor: z.number().min(0).max(0.5).default(0.05),
});
export type BanditSettings = z.infer<typeof BanditSettings>;

export const Experiment = z.strictObject({
  id: Id,
  name: z.string().max(120).optional(),
  description: z.string().max(300).optional(),
  type: z.enum(['ab', 'bandit']).default('ab'),
  /** Hash salt; defaults to the id. Changing it reassigns everyone (a new experiment). */
  salt: Salt.optional(),
  /** One slot, or every slot of one page. */
  scope: z.union([z.strictObject({ slot: Id }), z.strictObject({ page: Id })]),
  /** The first arm is the control unless another sets `control`. */
  arms: z.array(Arm).min(2).max(20),
  control: Id.optional(),
  /** Share of eligible visitors who enter the experiment. */
  traffic: Share.default(1),
  /** Targeting: only visitors matching this condition are eligible. */
  when: Condition.optional(),
  start: IsoTime.optional(),
  end: IsoTime.optional(),
  layer: Layer.optional(),
  goal: Goal.default({ event: 'click' }),
  /** Attribution: a conversion counts for an exposure at most this long before it. */
  windowHours: z
    .number()
    .min(0.01)
    .max(24 * 90)
    .default(24 * 7),
  bandit: BanditSettings.default({ minExposures: 200, floor: 0.05 }),
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
