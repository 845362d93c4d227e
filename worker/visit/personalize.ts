/**
 * Choose → render → trace → extras for one page of the bundle: the part of the visit that both
 * page shells share (own pages render it into Tessera's layout, origin pages stream it into the
 * origin's HTML). Pure apart from marking `decide` on the injected clock (the caller marks `render` once its
 * shell is done).
 */
import type { Bundle, Page } from '../../shared/schema/bundle.ts';
import { traceOf, type Trace } from '../debug/trace.ts';
import type { RequestContext, SlotList } from '../decide/types.ts';
import type { Reason } from '../../shared/reasons.ts';
import type { RenderedSlot } from '../render/slot.tsx';
import { choose, type Choice } from './choose.ts';
import { pageExtras, type PageExtras } from './extras.ts';
import type { VisitMode } from './mode.ts';
import type { VisitRead } from './read.ts';
import { renderSlots } from './render.ts';
import type { Timings } from './timings.ts';

export interface PersonalizeInput {
  mode: VisitMode;
  decisionId: string;
  nonce: string;
  read: VisitRead;
  bundle: Bundle;
  page: Pick<Page, 'id' | 'path'>;
  /** Decide these slots instead of the page's (the decision API's slot list). */
  slots?: SlotList;
  context: RequestContext;
  /** The request's start, ms since the epoch. */
  now: number;
  /** The visit's reasons so far; render reasons are appended. */
  reasons: Reason[];
  timings?: Timings;
}

export interface Personalized {
  choice: Choice;
  /** In decision order. */
  slots: RenderedSlot[];
  trace?: Trace;
  extras: PageExtras;
}

export function personalize(v: PersonalizeInput): Personalized {
  const { mode, read, bundle } = v;
  const choice = choose({
    bundle,
    pageId: v.page.id,
    ...(v.slots ? { page: v.slots } : {}),
    profile: read.profile,
    profileFault: read.profileFault,
    context: v.context,
    now: v.now,
    consent: read.consent.level,
    visitorId: read.identity.visitorId,
    snapshot: read.snapshot,
    ...(read.armClaims ? { claims: read.armClaims } : {}),
    experiments: mode.experiments,
    trace: mode.debug !== undefined,
  });
  v.timings?.mark('decide');
  const rendered = renderSlots(bundle, choice.decisions, read.profile);
  v.reasons.push(...rendered.reasons);
  const trace = mode.debug
    ? traceOf({
        decisionId: v.decisionId,
        version: bundle.version,
        page: { id: v.page.id, path: v.page.path },
        profile: read.profileSource,
        reasons: v.reasons,
        context: v.context,
        decisions: choice.decisions,
        shown: rendered.slots.map((s) => s.variant),
      })
    : undefined;
  const extras = pageExtras(mode, {
    nonce: v.nonce,
    decisionId: v.decisionId,
    version: bundle.version,
    consent: read.consent.level,
    ...(trace ? { trace } : {}),
  });
  return { choice, slots: rendered.slots, ...(trace ? { trace } : {}), extras };
}
