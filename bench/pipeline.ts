/**
 * The pure middle of the page route (worker/routes/page.ts) — decide, then render every slot and
 * the page — as the micro-benchmarks call it: the same functions in the same order, no I/O.
 * Keep in step with page.ts when the route changes.
 */
import type { Bundle, Page } from '../shared/schema/bundle.ts';
import type { Profile } from '../shared/schema/profile.ts';
import { requestContext } from '../worker/context/request-context.ts';
import { compile } from '../worker/decide/compile.ts';
import { decide } from '../worker/decide/decide.ts';
import type { Decision, RequestContext } from '../worker/decide/types.ts';
import { renderPage } from '../worker/render/page.tsx';
import { renderSlot } from '../worker/render/slot.tsx';
import { fillFor } from '../worker/render/text.ts';

export interface Visit {
  bundle: Bundle;
  page: Page;
  profile?: Profile;
  context: RequestContext;
  now: number;
}

/** The request context page.ts would build for this request. */
export function contextFor(o: { path: string; userAgent: string; country?: string; returning: boolean; now: number; profileVisits?: number }): RequestContext {
  return requestContext({
    url: new URL(`https://shop.example${o.path}`),
    headers: new Headers({ 'user-agent': o.userAgent, 'accept-language': 'de-DE,de;q=0.9,en;q=0.8' }),
    cf: o.country ? { country: o.country, timezone: 'Europe/Berlin', continent: 'EU' } : undefined,
    now: o.now,
    returning: o.returning,
    ...(o.profileVisits !== undefined ? { profileVisits: o.profileVisits } : {}),
  });
}

export function decideOnly(v: Visit): Decision[] {
  return decide({ bundle: v.bundle, pageId: v.page.id, profile: v.profile, context: v.context, now: v.now });
}

export function renderOnly(v: Visit, decisions: Decision[]): string {
  const slots = compile(v.bundle).slots;
  const fill = fillFor(v.profile);
  const html = decisions.map((d) => {
    const slot = slots.get(d.slot);
    return slot ? renderSlot(slot, d, fill).html : '';
  });
  return renderPage({ bundle: v.bundle, page: v.page, nonce: 'bench', slots: html });
}

export function decideAndRender(v: Visit): string {
  return renderOnly(v, decideOnly(v));
}
