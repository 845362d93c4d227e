/**
 * The pure middle of the page route (worker/routes/page.ts) as the micro-benchmarks call it: the
 * visit pipeline's own phases (worker/visit/: choose, render slots, extras) in the same order, no
 * I/O. Keep in step with page.ts when the route changes.
 *
 *   consent (cookie, GPC, country, site policy)
 *   → decide + holdout/experiments (bandit snapshot as data)
 *   → render every slot → page chrome with this response's nonce → tracker tag → CSP header
 *   → decision record with exposures (built and serialised as shipDecision does, in waitUntil)
 *
 * The load test runs the real route; this is the same work without the network and KV.
 */
import type { BanditSnapshot } from '../shared/schema/bandit.ts';
import type { Bundle, Page } from '../shared/schema/bundle.ts';
import type { Profile } from '../shared/schema/profile.ts';
import { requestContext } from '../worker/context/request-context.ts';
import type { RequestContext } from '../worker/decide/types.ts';
import { choose, type Choice } from '../worker/visit/choose.ts';
import { pageExtras } from '../worker/visit/extras.ts';
import { VISIT } from '../worker/visit/mode.ts';
import { renderSlots } from '../worker/visit/render.ts';
import { decisionRecord } from '../worker/log/record.ts';
import { resolveConsent, type Consent } from '../worker/privacy/consent.ts';
import { renderPage } from '../worker/render/page.tsx';
import { securityHeaders } from '../worker/security/headers.ts';

export interface Visit {
  bundle: Bundle;
  page: Page;
  profile?: Profile;
  context: RequestContext;
  now: number;
  /** The visitor id: the hashing unit of the holdout and experiments. */
  visitorId: string;
  snapshot?: BanditSnapshot;
  country?: string;
}

/** A fixed decision id and nonce: the route takes them from crypto.randomUUID(). */
const DECISION_ID = '0b7f9c1e-5a2d-4c3b-9e8f-1a2b3c4d5e6f';
const NONCE = '0b7f9c1e5a2d4c3b9e8f1a2b3c4d5e6f';
/** What the decision log stores instead of the visitor id (an HMAC in the route). */
const PSEUDONYM = '00112233445566778899aabbccddeeff';

/** The request context page.ts would build for this request. */
export function contextFor(o: {
  path: string;
  userAgent: string;
  country?: string;
  returning: boolean;
  now: number;
  profileVisits?: number;
}): RequestContext {
  return requestContext({
    url: new URL(`https://shop.example${o.path}`),
    headers: new Headers({
      'user-agent': o.userAgent,
      'accept-language': 'de-DE,de;q=0.9,en;q=0.8',
    }),
    cf: o.country ? { country: o.country, timezone: 'Europe/Berlin', continent: 'EU' } : undefined,
    now: o.now,
    returning: o.returning,
    ...(o.profileVisits !== undefined ? { profileVisits: o.profileVisits } : {}),
  });
}

export function consentOf(v: Visit, cookie?: string): Consent {
  return resolveConsent({ cookie, gpc: null, country: v.country, policy: v.bundle.site.consent });
}

/** decide, then the holdout and experiments override it (the route's choose phase). */
export function decideOnly(v: Visit): Choice {
  return choose({
    bundle: v.bundle,
    pageId: v.page.id,
    profile: v.profile,
    context: v.context,
    now: v.now,
    consent: 'personal',
    visitorId: v.visitorId,
    snapshot: v.snapshot,
    experiments: true,
    trace: false,
  });
}

/** Every slot, the page around them with the nonce and the tracker tag, and the CSP header. */
export function renderOnly(v: Visit, outcome: Choice): string {
  const rendered = renderSlots(v.bundle, outcome.decisions, v.profile);
  const page = renderPage({
    bundle: v.bundle,
    page: v.page,
    nonce: NONCE,
    slots: rendered.slots.map((s) => s.html),
    ...pageExtras(VISIT, {
      nonce: NONCE,
      decisionId: DECISION_ID,
      version: v.bundle.version,
      consent: 'personal',
    }),
  });
  securityHeaders(NONCE);
  return page;
}

export function decideAndRender(v: Visit): string {
  return renderOnly(v, decideOnly(v));
}

/** The decision record with its exposures, serialised once as worker/log/ship.ts does. */
export function recordOnly(v: Visit, outcome: Choice, consent: Consent): string {
  const record = decisionRecord({
    id: DECISION_ID,
    now: v.now,
    version: v.bundle.version,
    page: v.page.id,
    visitor: PSEUDONYM,
    consent: consent.level,
    profile: v.profile ? 'visitor' : 'none',
    context: v.context,
    reasons: consent.reasons,
    debug: false,
    slots: outcome.decisions.map((decision) => ({ decision, shown: decision.variant })),
    experiments: { outcome, measuresHoldout: outcome.measuresHoldout, sticky: outcome.sticky },
  });
  return JSON.stringify(record);
}

/** Everything pure the route does for one page view: consent → decide → render → record. */
export function wholePage(v: Visit): string {
  const consent = consentOf(v);
  const outcome = decideOnly(v);
  const html = renderOnly(v, outcome);
  recordOnly(v, outcome, consent);
  return html;
}
