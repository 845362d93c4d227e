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
import type { Arm, Experiment } from '../../shared/schema/experiment.ts';
import { saltOf } from '../../shared/schema/experiment.ts';
import { compile } from '../decide/compile.ts';
import { evaluate, type Evaluator } from '../decide/conditions.ts';
import { decide, segmentMembership } from '../decide/decide.ts';
import { lookupFor } from '../decide/facts.ts';
import type { DecideInput, Decision } from '../decide/types.ts';
import { equalSplit } from './bandit.ts';
import { assignAb, inHoldout, inLayer, pickByShare } from './bucketing.ts';
import { unitHash } from './hash.ts';

export interface AssignmentInput {
  /** The visitor id when identifiers are allowed, else a per-request id. */
  unitId: string;
  /** False for anonymous visitors without consent for identifiers (assigned per request). */
  sticky: boolean;
  /** Latest bandit snapshot; without one, bandits split equally. */
  snapshot?: BanditSnapshot;
}

export interface Exposure {
  experiment: string;
  arm: string;
  /** Slots the experiment covers on this page. */
  slots: string[];
  /** Bandits: the allocation epoch the arm was drawn in. */
  epoch?: string;
}

export interface Outcome {
  decisions: Decision[];
  holdout: boolean;
  exposures: Exposure[];
}

export function isActive(e: Pick<Experiment, 'start' | 'end'>, now: number): boolean {
  return (!e.start || now >= Date.parse(e.start)) && (!e.end || now < Date.parse(e.end));
}

/** The arm a unit gets in a bandit experiment this epoch (sticky within the epoch). */
export function assignBandit(
  e: Experiment,
  unitId: string,
  snapshot: BanditSnapshot | undefined,
): { arm?: string; epoch: string } {
  const salt = saltOf(e);
  // The traffic gate does not depend on the epoch: who is in the experiment stays put.
  if (unitHash(`${salt}:traffic`, unitId) >= e.traffic) return { epoch: snapshot?.epoch ?? '0' };
  const published = snapshot?.experiments[e.id]?.arms;
  const armIds = e.arms.map((a) => a.id);
  const usable =
    published &&
    published.length === armIds.length &&
    published.every((a) => armIds.includes(a.arm));
  const split = usable ? published.map(({ arm, share }) => ({ arm, share })) : equalSplit(armIds);
  const epoch = usable && snapshot ? snapshot.epoch : '0';
  return { arm: pickByShare(split, unitHash(`${salt}:epoch:${epoch}`, unitId)), epoch };
}

function slotsCovered(bundle: Bundle, e: Experiment, pageSlots: readonly string[]): string[] {
  if ('slot' in e.scope) return pageSlots.includes(e.scope.slot) ? [e.scope.slot] : [];
  const pageId = e.scope.page;
  return (
    compile(bundle)
      .pagesById.get(pageId)
      ?.slots.filter((s) => pageSlots.includes(s)) ?? []
  );
}

function override(d: Decision, e: Experiment, arm: Arm): Decision {
  const variant = 'slot' in e.scope ? arm.variant : arm.variants?.[d.slot];
  const experiment = { id: e.id, arm: arm.id };
  if (!variant) return { ...d, experiment };
  return { ...d, variant, level: 'experiment', reason: `experiment:${e.id}:${arm.id}`, experiment };
}

export function decideWithExperiments(input: DecideInput, assignment: AssignmentInput): Outcome {
  const ladder = decide(input);
  const { bundle } = input;
  if (inHoldout(bundle.holdout, assignment.unitId)) {
    const slots = compile(bundle).slots;
    return {
      holdout: true,
      exposures: [],
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
  if (experiments.length === 0) return { decisions: ladder, holdout: false, exposures: [] };

  const page = compile(bundle).pagesById.get(input.pageId);
  const pageSlots = page?.slots ?? [];
  let ev: Evaluator | undefined;
  const evaluator = () =>
    (ev ??= segmentMembership(compile(bundle), input.profile, {
      lookup: lookupFor(input.profile, input.context, input.now),
    }));

  let decisions = ladder;
  const exposures: Exposure[] = [];
  for (const e of experiments) {
    const slots = slotsCovered(bundle, e, pageSlots);
    if (slots.length === 0 || !isActive(e, input.now) || !inLayer(e.layer, assignment.unitId))
      continue;
    if (e.when && !evaluate(e.when, evaluator())) continue;
    const drawn =
      e.type === 'bandit'
        ? assignBandit(e, assignment.unitId, assignment.snapshot)
        : { arm: assignAb(e, assignment.unitId) };
    const arm = e.arms.find((a) => a.id === drawn.arm);
    if (!arm) continue;
    decisions = decisions.map((d) => (slots.includes(d.slot) ? override(d, e, arm) : d));
    exposures.push({
      experiment: e.id,
      arm: arm.id,
      slots,
      ...('epoch' in drawn ? { epoch: drawn.epoch } : {}),
    });
  }
  return { decisions, holdout: false, exposures };
}
