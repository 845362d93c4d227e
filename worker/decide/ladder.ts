/**
 * The fallback ladder of one slot as a lazy sequence of candidates, most personal first:
 *
 *   1. individual — the visitor's next-best-offer scores (highest first), then variants tagged
 *      with their strongest category affinities;
 *   2. segment    — rules (file order) that read the profile or segments and match;
 *   3. cohort     — rules (file order) that read only the request context and match;
 *   4. default    — the slot's default variant; then, only when its offer is already on the page,
 *      the slot's other variants in file order.
 *
 * Lazy, so a normal request stops evaluating rules at the first usable candidate; the debug
 * trace drains it to show everything that was on offer.
 */
import type { Profile } from '../../shared/schema/profile.ts';
import type { CompiledRule, CompiledSlot } from './compile.ts';
import { evaluate, type Evaluator } from './conditions.ts';
import type { Candidate, Level } from './types.ts';

/** Below these, a profile signal is too weak to personalize on. */
export const NBO_MIN_SCORE = 0.5;
export const AFFINITY_MIN = 0.3;

/** What the individual rung needs from a profile, ranked once per request rather than per slot. */
export interface Individual {
  /** Next-best-offer variant ids, best score first (ties by id). */
  offers: string[];
  /** Affinity categories, strongest first (ties by name). */
  categories: string[];
}

const byScoreThenKey = (a: [string, number], b: [string, number]) =>
  b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

export function individualOf(profile: Profile): Individual {
  const ranked = (scores: Record<string, number>, min: number) =>
    Object.entries(scores)
      .filter(([, score]) => score >= min)
      .sort(byScoreThenKey)
      .map(([key]) => key);
  return {
    offers: ranked(profile.nextBestOffers, NBO_MIN_SCORE),
    categories: ranked(profile.affinities, AFFINITY_MIN),
  };
}

function candidate(slot: CompiledSlot, variant: string, level: Level, reason: string): Candidate {
  const offer = slot.variants.get(variant)?.offer;
  return { variant, level, reason, ...(offer ? { offer } : {}) };
}

function fromRule(rule: CompiledRule, level: Level, ev: Evaluator): Candidate {
  const segments = rule.segments.filter((id) => ev.inSegment(id));
  return {
    variant: rule.variant,
    level,
    reason: `rule:${rule.id}`,
    rule: rule.id,
    ...(segments.length ? { segments } : {}),
    ...(rule.offer ? { offer: rule.offer } : {}),
  };
}

export function* ladder(
  slot: CompiledSlot,
  individual: Individual | undefined,
  ev: Evaluator,
  takenOffers: ReadonlySet<string> | undefined,
): Generator<Candidate, void, undefined> {
  if (individual) {
    for (const id of individual.offers) {
      if (slot.variants.has(id)) yield candidate(slot, id, 'individual', `nbo:${id}`);
    }
    for (const category of individual.categories) {
      for (const id of slot.byTag.get(category) ?? [])
        yield candidate(slot, id, 'individual', `affinity:${category}`);
    }
  }
  // Segment rules run without a profile too: bundle-defined segments may read only context.
  for (const rule of slot.segmentRules)
    if (evaluate(rule.when, ev)) yield fromRule(rule, 'segment', ev);
  for (const rule of slot.cohortRules)
    if (evaluate(rule.when, ev)) yield fromRule(rule, 'cohort', ev);
  const fallback = candidate(slot, slot.defaultId, 'default', 'default');
  yield fallback;
  if (takenOffers && fallback.offer && takenOffers.has(fallback.offer)) {
    for (const v of slot.slot.variants) {
      if (v.id !== slot.defaultId) yield candidate(slot, v.id, 'default', 'default:alternate');
    }
  }
}
