/**
 * Experiments on top of the ladder: decide, then let the holdout and experiments override.
 * Pure like decide: the bandit snapshot and the hashing unit arrive as data.
 *
 *   holdout visitor      → every slot's default (level `default`, reason `holdout`), no experiment
 *   in an experiment arm → the arm's variant (level `experiment`, reason `experiment:<id>:<arm>`),
 *                          or the ladder's own decision for an arm without a variant
 *   otherwise            → the ladder's decision, untouched
 *
 * The hashing unit is the visitor id when the visitor allows identifiers (`sticky`); otherwise
 * the caller passes a per-request id, so the visitor is assigned afresh on every request and is
 * excluded from stickiness claims (their exposures are logged with `sticky: false`).
 */
import type { BanditSnapshot } from '../../shared/schema/bandit.ts';
import type { Bundle } from '../../shared/schema/bundle.ts';
import type { Arm, Experiment, Holdout } from '../../shared/schema/experiment.ts';
import { saltOf } from '../../shared/schema/experiment-rules.ts';
import { compile } from '../decide/compile.ts';
import { evaluate, isContextOnly, type Evaluator } from '../decide/conditions.ts';
import type { Condition } from '../../shared/schema/condition.ts';
import { decide, segmentMembership } from '../decide/decide.ts';
import { lookupFor } from '../decide/facts.ts';
import type { DecideInput, Decision, RequestContext } from '../decide/types.ts';
import { equalSplit, type Split } from '../../shared/experiments/bandit.ts';
import {
  armForBucket,
  armRanges,
  bucketOf,
  inHoldout,
  inLayer,
  pickByShare,
  type ArmRange,
} from '../../shared/experiments/bucketing.ts';
import { unitHash } from '../../shared/experiments/hash.ts';
import { claimedArm, claimKey, type ArmClaims } from '../../shared/experiments/arm-claims.ts';
import { holdoutPhaseOf, phaseOf } from '../../shared/experiments/phase.ts';

export interface AssignmentInput {
  /** The visitor id when identifiers are allowed, else a per-request id. */
  unitId: string;
  /** False for anonymous visitors without consent for identifiers (assigned per request). */
  sticky: boolean;
  /** Latest bandit snapshot; without one, bandits split equally. */
  snapshot?: BanditSnapshot;
  /**
   * The bandit arms the visitor's cookie remembers (arm-claims.ts). Given (even empty), a
   * visitor keeps their first bandit arm and new draws come back in `Outcome.claims`; absent,
   * bandit draws are sticky within an epoch only.
   */
  claims?: ArmClaims;
}

export interface Exposure {
  experiment: string;
  arm: string;
  /** The experiment's current phase (shared/experiments/phase.ts), recorded with the exposure. */
  phase?: string;
  /** Slots the experiment covers on this page. */
  slots: string[];
  /** Bandits: the allocation epoch the arm was drawn in. */
  epoch?: string;
}

export interface Outcome {
  decisions: Decision[];
  holdout: boolean;
  exposures: Exposure[];
  /** Arms first drawn on this view for bandits (to remember in the visitor's claim). */
  claims?: (readonly [key: string, index: number])[];
  /** The holdout's phase, when the bundle has a holdout (recorded with the holdout exposure). */
  holdoutPhase?: string;
}

/**
 * Everything about an experiment that does not depend on the visitor, computed once per bundle
 * version (memoized on the experiment object, which the bundle store keeps with its version)
 * instead of on every page view: the active window as numbers, the A/B arm ranges, the salt,
 * each arm's reason and exposure tag, the slots it covers on each page.
 */
interface Plan {
  /** `start` / `end` in ms (±Infinity when open; NaN never matches, like shared/experiments/active.ts). */
  from: number;
  until: number;
  salt: string;
  phase: string;
  /** A/B experiments: the arms' bucket ranges. */
  ranges?: ArmRange[];
  arms: Map<string, { arm: Arm; reason: string; tag: Readonly<{ id: string; arm: string }> }>;
  /** Page slots (the compiled page's array) → the ones this experiment covers there. */
  covered: WeakMap<readonly string[], string[]>;
  /** Bandits without a usable snapshot. */
  equal?: Split[];
}

const plans = new WeakMap<Experiment, Plan>();

const holdoutPhaseCache = new WeakMap<Holdout, string>();
/** The holdout's phase, once per bundle version; undefined when the holdout is off. */
function holdoutPhases(h: Holdout): string | undefined {
  if (!(h.share > 0)) return undefined;
  let phase = holdoutPhaseCache.get(h);
  if (phase === undefined) holdoutPhaseCache.set(h, (phase = holdoutPhaseOf(h)));
  return phase;
}

function planOf(e: Experiment): Plan {
  let plan = plans.get(e);
  if (!plan) {
    plan = {
      from: e.start ? Date.parse(e.start) : -Infinity,
      until: e.end ? Date.parse(e.end) : Infinity,
      salt: saltOf(e),
      phase: phaseOf(e),
      ...(e.type === 'bandit'
        ? { equal: equalSplit(e.arms.map((a) => a.id)) }
        : { ranges: armRanges(e.arms, e.traffic) }),
      arms: new Map(
        e.arms.map((arm) => [
          arm.id,
          {
            arm,
            reason: `experiment:${e.id}:${arm.id}`,
            tag: Object.freeze({ id: e.id, arm: arm.id }),
          },
        ]),
      ),
      covered: new WeakMap(),
    };
    plans.set(e, plan);
  }
  return plan;
}

/** A bandit's split for one snapshot: its published shares when they fit the arms, else equal. */
const splits = new WeakMap<
  BanditSnapshot,
  WeakMap<Experiment, { split: Split[]; epoch: string }>
>();

function banditSplit(
  e: Experiment,
  snapshot: BanditSnapshot | undefined,
): { split: Split[]; epoch: string } {
  const equal = () => ({
    split: planOf(e).equal ?? equalSplit(e.arms.map((a) => a.id)),
    epoch: '0',
  });
  if (!snapshot) return equal();
  let bySnapshot = splits.get(snapshot);
  if (!bySnapshot) splits.set(snapshot, (bySnapshot = new WeakMap()));
  let found = bySnapshot.get(e);
  if (!found) {
    const published = snapshot.experiments[e.id]?.arms;
    const armIds = e.arms.map((a) => a.id);
    const usable =
      published &&
      published.length === armIds.length &&
      published.every((a) => armIds.includes(a.arm));
    found = usable
      ? { split: published.map(({ arm, share }) => ({ arm, share })), epoch: snapshot.epoch }
      : equal();
    bySnapshot.set(e, found);
  }
  return found;
}

/**
 * The arm a unit gets in a bandit experiment. With `claims` (the visitor's remembered arms,
 * arm-claims.ts) a visitor keeps the arm of their first exposure for the phase's life; a visitor
 * without a claim is drawn from this epoch's split, and `claim` says what to remember.
 * Without claims at all (no cookie can be written) the draw is sticky within an epoch only.
 */
export function assignBandit(
  e: Experiment,
  unitId: string,
  snapshot: BanditSnapshot | undefined,
  claims?: ArmClaims,
): { arm?: string; epoch: string; claim?: readonly [key: string, index: number] } {
  const salt = planOf(e).salt;
  // The traffic gate does not depend on the epoch: who is in the experiment stays put.
  if (unitHash(`${salt}:traffic`, unitId) >= e.traffic) return { epoch: snapshot?.epoch ?? '0' };
  const { split, epoch } = banditSplit(e, snapshot);
  const kept = claimedArm(e, claims);
  if (kept !== undefined) return { arm: kept, epoch };
  const arm = pickByShare(split, unitHash(`${salt}:epoch:${epoch}`, unitId));
  const index = e.arms.findIndex((a) => a.id === arm);
  return { arm, epoch, ...(index >= 0 ? { claim: [claimKey(e), index] as const } : {}) };
}

function slotsCovered(bundle: Bundle, e: Experiment, pageSlots: readonly string[]): string[] {
  const covered = planOf(e).covered;
  let slots = covered.get(pageSlots);
  if (!slots) {
    slots =
      'slot' in e.scope
        ? pageSlots.includes(e.scope.slot)
          ? [e.scope.slot]
          : []
        : (compile(bundle)
            .pagesById.get(e.scope.page)
            ?.slots.filter((s) => pageSlots.includes(s)) ?? []);
    covered.set(pageSlots, slots);
  }
  return slots;
}

function override(
  d: Decision,
  e: Experiment,
  { arm, reason, tag }: { arm: Arm; reason: string; tag: Readonly<{ id: string; arm: string }> },
): Decision {
  const variant = 'slot' in e.scope ? arm.variant : arm.variants?.[d.slot];
  if (!variant) return { ...d, experiment: tag };
  return { ...d, variant, level: 'experiment', reason, experiment: tag };
}

export function decideWithExperiments(input: DecideInput, assignment: AssignmentInput): Outcome {
  const ladder = decide(input);
  const { bundle } = input;
  const holdoutPhase = bundle.holdout && holdoutPhases(bundle.holdout);
  const phase = holdoutPhase ? { holdoutPhase } : {};
  if (inHoldout(bundle.holdout, assignment.unitId)) {
    const slots = compile(bundle).slots;
    return {
      holdout: true,
      exposures: [],
      ...phase,
      // A fresh decision: the ladder's rule, segments and fallback did not decide this slot.
      decisions: ladder.map((d) => ({
        slot: d.slot,
        component: d.component,
        variant: slots.get(d.slot)?.defaultId ?? d.variant,
        level: 'default',
        reason: 'holdout',
        ...(d.candidates ? { candidates: d.candidates } : {}),
      })),
    };
  }
  const experiments = bundle.experiments ?? [];
  if (experiments.length === 0)
    return { decisions: ladder, holdout: false, exposures: [], ...phase };

  const page = input.page ?? compile(bundle).pagesById.get(input.pageId);
  const pageSlots = page?.slots ?? [];
  let ev: Evaluator | undefined;
  const evaluator = () =>
    (ev ??= segmentMembership(compile(bundle), input.profile, {
      lookup: lookupFor(input.profile, input.context, input.now),
    }));

  let decisions = ladder;
  const exposures: Exposure[] = [];
  const claims: (readonly [string, number])[] = [];
  for (const e of experiments) {
    const plan = planOf(e);
    const slots = slotsCovered(bundle, e, pageSlots);
    const active = input.now >= plan.from && input.now < plan.until;
    if (slots.length === 0 || !active || !inLayer(e.layer, assignment.unitId)) continue;
    if (e.when && !evaluate(e.when, evaluator())) continue;
    const drawn =
      e.type === 'bandit'
        ? assignBandit(e, assignment.unitId, assignment.snapshot, assignment.claims)
        : { arm: armForBucket(plan.ranges ?? [], bucketOf(plan.salt, assignment.unitId)) };
    if ('claim' in drawn && drawn.claim && assignment.claims) claims.push(drawn.claim);
    const arm = drawn.arm === undefined ? undefined : plan.arms.get(drawn.arm);
    if (!arm) continue;
    decisions = decisions.map((d) => (slots.includes(d.slot) ? override(d, e, arm) : d));
    exposures.push({
      experiment: e.id,
      arm: arm.arm.id,
      phase: plan.phase,
      slots,
      ...('epoch' in drawn ? { epoch: drawn.epoch } : {}),
    });
  }
  return {
    decisions,
    holdout: false,
    exposures,
    ...phase,
    ...(claims.length ? { claims } : {}),
  };
}

/** Context signals that come from the profile (worker/visit/from-request.ts): unknown before it. */
const PROFILE_CONTEXT = new Set(['context.returning', 'context.new', 'context.visitCount']);

function readsProfileContext(c: Condition): boolean {
  if ('all' in c) return c.all.some(readsProfileContext);
  if ('any' in c) return c.any.some(readsProfileContext);
  if ('not' in c) return readsProfileContext(c.not);
  if ('segment' in c) return true;
  return PROFILE_CONTEXT.has(c.field);
}

/**
 * Whether this view may draw a bandit arm the visitor has no claim for yet — known before the
 * profile is read, so an origin page (whose headers leave before its slots are decided) waits for
 * the decisions only when a new claim could have to be set in its headers. Everything
 * `decideWithExperiments` checks without the profile is checked the same way here: holdout, slots
 * on the page, active window, layer, traffic gate, an existing claim, and a `when` that reads only
 * the request (`context`, given without the profile). A `when` that needs the profile counts as
 * possibly true.
 */
export function mayDrawBanditArm(
  bundle: Bundle,
  pageId: string,
  unitId: string,
  claims: ArmClaims,
  now: number,
  context?: RequestContext,
): boolean {
  const experiments = bundle.experiments ?? [];
  if (!experiments.some((e) => e.type === 'bandit') || inHoldout(bundle.holdout, unitId))
    return false;
  const pageSlots = compile(bundle).pagesById.get(pageId)?.slots ?? [];
  const requestOnly = context && {
    lookup: lookupFor(undefined, context, now),
    inSegment: () => false,
  };
  return experiments.some((e) => {
    if (e.type !== 'bandit' || claimedArm(e, claims) !== undefined) return false;
    const plan = planOf(e);
    const gated =
      e.when !== undefined &&
      requestOnly !== undefined &&
      isContextOnly(e.when) &&
      !readsProfileContext(e.when) &&
      !evaluate(e.when, requestOnly);
    return (
      !gated &&
      now >= plan.from &&
      now < plan.until &&
      slotsCovered(bundle, e, pageSlots).length > 0 &&
      inLayer(e.layer, unitId) &&
      unitHash(`${plan.salt}:traffic`, unitId) < e.traffic
    );
  });
}
