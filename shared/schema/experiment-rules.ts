/**
 * Rules every reader of an experiment applies (control arm, salt, lanes), as functions (no zod
 * here: the visitor worker assigns with them per request). The schemas are in experiment.ts.
 */
import type { Arm, Experiment } from './experiment.ts';

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
