/**
 * decide: bundle, profile, request context and clock in; exactly one decision per slot out.
 * Pure and total: no I/O, no wall clock, no randomness, and it never throws for any profile
 * or context. Each slot walks the fallback ladder and stops at the first rung that answers:
 *
 *   1. individual — the visitor's own next-best-offer score, or their top category affinity
 *      matched against variant tags;
 *   2. segment    — the first rule (in file order) that reads the profile or segments and matches;
 *   3. cohort     — the first rule that reads only the request context and matches;
 *   4. default    — the slot's default variant.
 */
import { compile, type CompiledBundle, type CompiledSlot } from './compile.ts';
import { evaluate, type Evaluator } from './conditions.ts';
import { lookupFor } from './facts.ts';
import type { DecideInput, Decision, Profile } from './types.ts';

/** Below these, a profile signal is too weak to personalize on. */
export const NBO_MIN_SCORE = 0.5;
export const AFFINITY_MIN = 0.3;

function segmentMembership(c: CompiledBundle, profile: Profile | undefined, base: Omit<Evaluator, 'inSegment'>) {
  const memo = new Map<string, boolean>();
  const pipelineSegments = new Set(profile?.segments ?? []);
  const ev: Evaluator = {
    ...base,
    inSegment(id) {
      const known = memo.get(id);
      if (known !== undefined) return known;
      memo.set(id, false); // guards against cycles, which validation also rejects
      const def = c.segments.get(id);
      const member = !def ? false : 'when' in def ? evaluate(def.when, ev) : pipelineSegments.has(id);
      memo.set(id, member);
      return member;
    },
  };
  return ev;
}

function individual(slot: CompiledSlot, profile: Profile): Pick<Decision, 'variant' | 'reason'> | undefined {
  let best: { id: string; score: number } | undefined;
  for (const [id, score] of Object.entries(profile.nextBestOffers)) {
    if (score >= NBO_MIN_SCORE && slot.variants.has(id) && (!best || score > best.score)) best = { id, score };
  }
  if (best) return { variant: best.id, reason: `nbo:${best.id}` };
  const ranked = Object.entries(profile.affinities)
    .filter(([, weight]) => weight >= AFFINITY_MIN)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [category] of ranked) {
    const ids = slot.byTag.get(category);
    if (ids?.[0]) return { variant: ids[0], reason: `affinity:${category}` };
  }
  return undefined;
}

export function decideSlot(slot: CompiledSlot, profile: Profile | undefined, ev: Evaluator): Decision {
  const base = { slot: slot.slot.id, component: slot.slot.component };
  if (profile) {
    const own = individual(slot, profile);
    if (own) return { ...base, ...own, level: 'individual' };
  }
  // Segment rules run without a profile too: bundle-defined segments may read only context.
  for (const rule of slot.segmentRules) {
    if (evaluate(rule.when, ev)) return { ...base, variant: rule.variant, level: 'segment', reason: `rule:${rule.id}` };
  }
  for (const rule of slot.cohortRules) {
    if (evaluate(rule.when, ev)) return { ...base, variant: rule.variant, level: 'cohort', reason: `rule:${rule.id}` };
  }
  return { ...base, variant: slot.slot.default, level: 'default', reason: profile ? 'default:no_match' : 'default:no_profile' };
}

export function decide(input: DecideInput): Decision[] {
  const c = compile(input.bundle);
  const page = c.pagesById.get(input.pageId);
  if (!page) return [];
  const ev = segmentMembership(c, input.profile, { lookup: lookupFor(input.profile, input.context, input.now) });
  const decisions: Decision[] = [];
  for (const slotId of page.slots) {
    const slot = c.slots.get(slotId);
    if (slot) decisions.push(decideSlot(slot, input.profile, ev));
  }
  return decisions;
}
