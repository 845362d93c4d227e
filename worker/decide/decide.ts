/**
 * decide: bundle, profile, request context and clock in; exactly one decision per slot out.
 * Pure and total: no I/O, no wall clock, no randomness, and it never throws for any profile,
 * context or schema-valid bundle. Each slot takes the first usable candidate of its ladder
 * (ladder.ts); slots are decided in page order, so on a page with `uniqueOffers` an earlier slot
 * claims an offer first and a later slot falls to its next candidate, saying so in `fallback`.
 */
import { compile, type CompiledBundle, type CompiledSlot } from './compile.ts';
import { evaluate, type Evaluator } from './conditions.ts';
import { lookupFor } from './facts.ts';
import { individualOf, ladder, type Individual } from './ladder.ts';
import type {
  Candidate,
  CandidateTrace,
  DecideInput,
  Decision,
  Profile,
  ProfileFault,
} from './types.ts';

export { AFFINITY_MIN, NBO_MIN_SCORE } from './ladder.ts';

/** Segment membership for one visitor, memoized per request (cycles count as "not a member"). */
export function segmentMembership(
  c: CompiledBundle,
  profile: Profile | undefined,
  base: Omit<Evaluator, 'inSegment'>,
) {
  const memo = new Map<string, boolean>();
  const pipelineSegments = new Set(profile?.segments ?? []);
  const ev: Evaluator = {
    ...base,
    inSegment(id) {
      const known = memo.get(id);
      if (known !== undefined) return known;
      memo.set(id, false); // guards against cycles, which validation also rejects
      const def = c.segments.get(id);
      const member = !def
        ? false
        : 'when' in def
          ? evaluate(def.when, ev)
          : pipelineSegments.has(id);
      memo.set(id, member);
      return member;
    },
  };
  return ev;
}

interface SlotInput {
  individual: Individual | undefined;
  profileFault: ProfileFault | undefined;
  ev: Evaluator;
  takenOffers: Set<string> | undefined;
  trace: boolean;
}

function toDecision(
  slot: CompiledSlot,
  chosen: Candidate,
  fallback: string[],
  hasProfile: boolean,
): Decision {
  const reason =
    chosen.reason === 'default'
      ? `default:${hasProfile ? 'no_match' : 'no_profile'}`
      : chosen.reason;
  return {
    slot: slot.slot.id,
    component: slot.slot.component,
    ...chosen,
    reason,
    ...(fallback.length ? { fallback } : {}),
  };
}

export function decideSlot(slot: CompiledSlot, input: SlotInput): Decision {
  const skipped = new Set<string>();
  const seen: CandidateTrace[] = [];
  let chosen: Candidate | undefined;
  for (const cand of ladder(slot, input.individual, input.ev, input.takenOffers)) {
    if (chosen) {
      seen.push({ ...cand, status: 'outranked' }); // only reached when tracing
    } else if (cand.offer && input.takenOffers?.has(cand.offer)) {
      skipped.add(`offer_taken:${cand.variant}`);
      if (input.trace) seen.push({ ...cand, status: 'offer_taken' });
    } else {
      chosen = cand;
      if (input.trace) seen.push({ ...cand, status: 'chosen' });
      else break;
    }
  }
  const fallback: string[] = [];
  if (input.profileFault && chosen?.level !== 'individual') fallback.push(input.profileFault);
  fallback.push(...skipped);
  if (!chosen) {
    // Every variant's offer is already on the page: show the default anyway, and say so.
    const offer = slot.variants.get(slot.defaultId)?.offer;
    chosen = {
      variant: slot.defaultId,
      level: 'default',
      reason: 'default',
      ...(offer ? { offer } : {}),
    };
    fallback.push('offer_unavoidable');
    const shown = seen.find((c) => c.reason === 'default');
    if (shown) shown.status = 'chosen';
  }
  const decision = toDecision(slot, chosen, fallback, !!input.individual);
  return input.trace ? { ...decision, candidates: seen } : decision;
}

export function decide(input: DecideInput): Decision[] {
  const c = compile(input.bundle);
  const page = input.page ?? c.pagesById.get(input.pageId);
  if (!page) return [];
  const ev = segmentMembership(c, input.profile, {
    lookup: lookupFor(input.profile, input.context, input.now),
  });
  const slotInput: SlotInput = {
    individual: input.profile ? individualOf(input.profile) : undefined,
    profileFault: input.profile ? undefined : (input.profileFault ?? 'profile.none'),
    ev,
    takenOffers: page.uniqueOffers ? new Set() : undefined,
    trace: input.trace ?? false,
  };
  const decisions: Decision[] = [];
  for (const slotId of page.slots) {
    const slot = c.slots.get(slotId);
    if (!slot) continue;
    const decision = decideSlot(slot, slotInput);
    if (decision.offer) slotInput.takenOffers?.add(decision.offer);
    decisions.push(decision);
  }
  return decisions;
}
