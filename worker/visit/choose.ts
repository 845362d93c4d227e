/**
 * Phase 2 — choose: what every slot of the page shows, and which experiment arms and holdout
 * side that puts the visitor in. Pure: data in, data out; no env, no clock, no randomness (the
 * hashing unit and the bandit snapshot arrive as data).
 *
 *   consent none        → every slot's default; no holdout, no arm, no exposure
 *   mode without        → the ladder itself (a QA preview), never a holdout or an arm
 *   experiments
 *   otherwise           → the ladder, then the holdout and experiments (experiments/assign.ts)
 *
 * Whether the exposures *count* is not decided here: the log phase records them only in a mode
 * that counts (mode.ts), so a debug render shows the arm without joining it.
 */
import type { ArmClaims } from '../../shared/experiments/arm-claims.ts';
import type { BanditSnapshot } from '../../shared/schema/bandit.ts';
import type { Bundle } from '../../shared/schema/bundle.ts';
import type { ConsentLevel } from '../../shared/schema/consent.ts';
import type { Profile } from '../../shared/schema/profile.ts';
import { decide } from '../decide/decide.ts';
import { defaultDecisions } from '../decide/defaults.ts';
import type { ProfileFault, RequestContext, SlotList } from '../decide/types.ts';
import { decideWithExperiments, type Outcome } from '../experiments/assign.ts';

export interface ChooseInput {
  bundle: Bundle;
  /** The bundle page whose slots are decided, in order. */
  pageId: string;
  /** The decision API's own slot list instead of the page's (`pageId` then only names it). */
  page?: SlotList;
  profile?: Profile;
  profileFault?: ProfileFault;
  context: RequestContext;
  /** ms since the epoch (the request's start). */
  now: number;
  consent: ConsentLevel;
  /** The hashing unit of the holdout and experiments (consent allows identifiers here). */
  visitorId: string;
  snapshot?: BanditSnapshot;
  /** The bandit arms the visitor keeps (their cookie); absent: bandits are sticky per epoch. */
  claims?: ArmClaims;
  /** From the mode: apply the holdout and experiments; collect every candidate for a trace. */
  experiments: boolean;
  trace: boolean;
}

/** The experiments' outcome (decisions, holdout side, arms, …) and how it is to be recorded. */
export interface Choice extends Outcome {
  /** Assignment hashed the visitor (sticky across visits), not the render. */
  sticky: boolean;
  /** The render is part of the holdout's measured population. */
  measuresHoldout: boolean;
}

export function choose(input: ChooseInput): Choice {
  // At `none` the visitor is in no experiment population at all; `contextual` and up allow the
  // pseudonymous cookie, so assignment hashes the visitor id and is sticky.
  if (input.consent === 'none') {
    return {
      decisions: defaultDecisions(input.bundle, input.pageId, 'consent', input.page),
      holdout: false,
      exposures: [],
      sticky: false,
      measuresHoldout: false,
    };
  }
  const decideInput = {
    bundle: input.bundle,
    pageId: input.pageId,
    ...(input.page ? { page: input.page } : {}),
    profile: input.profile,
    profileFault: input.profileFault,
    context: input.context,
    now: input.now,
    trace: input.trace,
  };
  if (!input.experiments) {
    return {
      decisions: decide(decideInput),
      holdout: false,
      exposures: [],
      sticky: true,
      measuresHoldout: false,
    };
  }
  const outcome = decideWithExperiments(decideInput, {
    unitId: input.visitorId,
    sticky: true,
    snapshot: input.snapshot,
    ...(input.claims ? { claims: input.claims } : {}),
  });
  return {
    ...outcome,
    sticky: true,
    measuresHoldout: (input.bundle.holdout?.share ?? 0) > 0,
  };
}
