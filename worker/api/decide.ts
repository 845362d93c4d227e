/**
 * One decision of the decision API on the visit pipeline every page runs (worker/visit/), in two
 * steps so a batch can refuse as a whole before anything is logged:
 *
 *   prepare   mode (dry run or not) → read (consent and identity from the body; bundle, profile,
 *             bandit snapshot exactly as a page reads them) → which slots (422 if unknown) →
 *             context signals (as the page request the caller describes would give them)
 *   finish    personalize (choose → render: the page's own phases) → log (the page's decision
 *             record, with the channel; nothing for a dry run) → the answer
 *
 * A page differs only in where consent, identity and context come from, and in wrapping the
 * rendered slots in a page: the same visitor, context and bundle get the same variants.
 */
import type { Bundle } from '../../shared/schema/bundle.ts';
import type { Channel } from '../../shared/schema/channel.ts';
import type { ConsentLevel } from '../../shared/schema/consent.ts';
import type { DecisionAnswer, SlotAnswer } from '../../shared/schema/decision-api-answers.ts';
import type { DecisionContext, Subject } from '../../shared/schema/decision-api.ts';
import { compile } from '../decide/compile.ts';
import type { RequestContext } from '../decide/types.ts';
import type { Reason } from '../../shared/reasons.ts';
import { fillFor } from '../render/text.ts';
import type { Choice } from '../visit/choose.ts';
import { logVisit, type LogSink } from '../visit/log.ts';
import { visitMode, type VisitMode } from '../visit/mode.ts';
import { personalize } from '../visit/personalize.ts';
import { readVisit, type VisitIO, type VisitRead } from '../visit/read.ts';
import { Timings } from '../visit/timings.ts';
import { apiContext } from './context.ts';
import { ApiProblem } from './errors.ts';
import { filledProps } from './props.ts';
import { resolveTarget, type Target } from './target.ts';
import { apiWho } from './who.ts';

/** One decision to make: a single call's body, or one batch item merged with its batch. */
export interface DecisionAsk {
  subject: Subject;
  consent: ConsentLevel;
  channel: Channel;
  page?: string | undefined;
  slots?: string[] | undefined;
  context: DecisionContext;
  dryRun: boolean;
  html: boolean;
  /** Where this ask sits in the body, for error messages: '' or `items.3.`. */
  where: string;
}

export interface Prepared {
  ask: DecisionAsk;
  mode: VisitMode;
  decisionId: string;
  timings: Timings;
  now: number;
  read: VisitRead;
  bundle: Bundle;
  target: Target;
  context: RequestContext;
  reasons: Reason[];
}

/** Reads and checks; throws an ApiProblem (nothing logged yet) when the ask cannot be decided. */
export async function prepare(io: VisitIO, ask: DecisionAsk, origin: string): Promise<Prepared> {
  const timings = new Timings(io.now);
  const now = timings.start;
  const mode = visitMode({ dryRun: ask.dryRun });
  const read = await readVisit(
    io,
    mode,
    apiWho(ask.subject, ask.consent, `${ask.where}subject`),
    timings,
  );
  const { bundle } = read;
  if (!bundle) {
    throw new ApiProblem(
      503,
      'no_live_bundle',
      'nothing is published yet: publish a bundle first',
      {
        headers: { 'retry-after': '30' },
      },
    );
  }
  const target = resolveTarget(
    bundle,
    { page: ask.page, slots: ask.slots, path: ask.context.path },
    ask.where,
  );
  const context = apiContext({
    context: ask.context,
    channel: ask.channel,
    path: ask.context.path ?? target.page.path,
    origin,
    read,
    now,
  });
  return {
    ask,
    mode,
    decisionId: io.newId(),
    timings,
    now,
    read,
    bundle,
    target,
    context,
    reasons: [...read.reasons],
  };
}

/** The choice narrowed to the asked-for slots of a page (exposures of other slots dropped). */
function narrowed(choice: Choice, only: ReadonlySet<string> | undefined, keep: boolean[]): Choice {
  if (!only) return choice;
  return {
    ...choice,
    decisions: choice.decisions.filter((_, i) => keep[i]),
    exposures: choice.exposures.filter((e) => e.slots.some((s) => only.has(s))),
  };
}

/** Decides, logs (unless a dry run) and answers. */
export function finish(p: Prepared, sink: LogSink): DecisionAnswer {
  const { ask, bundle, read, target } = p;
  const done = personalize({
    mode: p.mode,
    decisionId: p.decisionId,
    nonce: '',
    read,
    bundle,
    page: target.page,
    ...(target.list ? { slots: target.list } : {}),
    context: p.context,
    now: p.now,
    reasons: p.reasons,
    timings: p.timings,
  });
  const keep = done.choice.decisions.map((d) => !target.only || target.only.has(d.slot));
  const choice = narrowed(done.choice, target.only, keep);
  const rendered = target.only ? done.slots.filter((_, i) => keep[i]) : done.slots;
  p.timings.mark('render');
  logVisit(sink, {
    mode: p.mode,
    decisionId: p.decisionId,
    now: p.now,
    version: bundle.version,
    pageId: target.page.id,
    read,
    context: p.context,
    choice,
    rendered,
    reasons: p.reasons,
  });
  const slots = compile(bundle).slots;
  const fill = fillFor(read.profile);
  return {
    decisionId: p.decisionId,
    version: bundle.version,
    channel: ask.channel,
    page: target.list ? null : target.page.id,
    consent: read.consent.level,
    profile: read.profileSource,
    dryRun: ask.dryRun,
    ...(choice.measuresHoldout ? { holdout: choice.holdout ? 'holdout' : 'personalized' } : {}),
    reasons: [...new Set(p.reasons)],
    slots: choice.decisions.map((d, i): SlotAnswer => {
      const shown = rendered[i];
      const variant = shown?.variant ?? '';
      return {
        slot: d.slot,
        component: d.component,
        variant,
        level: d.level,
        reason: d.reason,
        ...(d.rule ? { rule: d.rule } : {}),
        ...(d.segments?.length ? { segments: d.segments } : {}),
        ...(d.offer ? { offer: d.offer } : {}),
        ...(d.fallback?.length ? { fallback: d.fallback } : {}),
        ...(d.experiment ? { experiment: { id: d.experiment.id, arm: d.experiment.arm } } : {}),
        ...(d.reason === 'holdout' ? { holdout: true as const } : {}),
        props: filledProps(slots.get(d.slot)?.variants.get(variant)?.props, fill),
        ...(ask.html && shown ? { html: shown.html } : {}),
      };
    }),
  };
}
