/**
 * Experiment phases. Changing who can be in an experiment or what is compared — arms (ids,
 * order, variants, weights and lanes of an A/B test), traffic, goal, targeting (`when`, scope,
 * layer), type or salt — makes the numbers before and after the change incomparable: the split
 * SRM tests against is different, and visitors who entered under the old settings are a
 * different population. So every such change starts a new phase. The phase id is a hash of
 * exactly those fields; every exposure records it, and a report analyses the current phase only
 * (listing the earlier ones).
 *
 * Not part of the phase: name, description, start/end (extending a test keeps its data), the
 * attribution window and the report's minimum sample (both applied when the report is read), a
 * bandit's floor and minimum (a bandit's split moves anyway), and any weight of a bandit arm.
 */
import { canonicalJson } from '../bundle/version.ts';
import type { Experiment, Holdout } from '../schema/experiment.ts';
import { hash32 } from './hash.ts';

/** 16 hex digits: two independent 32-bit hashes (collisions within one experiment ~ 1 in 10¹⁹). */
const id = (text: string) =>
  hash32(`phase\u0000${text}`).toString(16).padStart(8, '0') +
  hash32(`phase\u0001${text}`).toString(16).padStart(8, '0');

/** The fields whose change starts a new phase, in a stable shape. */
export function phaseFields(e: Experiment): unknown {
  return {
    type: e.type,
    salt: e.salt ?? null,
    scope: e.scope,
    arms: e.arms.map((a) => ({
      id: a.id,
      variant: a.variant ?? null,
      variants: a.variants ?? null,
      ...(e.type === 'ab' ? { weight: a.weight, lane: a.lane ?? null } : {}),
    })),
    control: e.control ?? null,
    traffic: e.traffic,
    when: e.when ?? null,
    layer: e.layer ?? null,
    goal: e.goal,
  };
}

const experimentPhases = new WeakMap<Experiment, string>();

/** The experiment's current phase id (memoized per parsed experiment, i.e. per bundle version). */
export function phaseOf(e: Experiment): string {
  let phase = experimentPhases.get(e);
  if (phase === undefined) {
    phase = id(canonicalJson(phaseFields(e)));
    experimentPhases.set(e, phase);
  }
  return phase;
}

/** The holdout's phase: its share, salt and goal. */
export function holdoutPhaseOf(h: Pick<Holdout, 'share' | 'salt' | 'goal'>): string {
  return id(canonicalJson({ holdout: true, share: h.share, salt: h.salt, goal: h.goal }));
}

/** Which phase-defining fields differ between two versions of an experiment (for `diff`). */
export function phaseChanges(before: Experiment, after: Experiment): string[] {
  const a = phaseFields(before) as Record<string, unknown>;
  const b = phaseFields(after) as Record<string, unknown>;
  return Object.keys(b).filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]));
}
