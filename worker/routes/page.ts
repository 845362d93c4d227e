/**
 * The personalized page: read → parse → decide → render → log.
 *
 * identity (cookie) ─┬─ live bundle (pointer + isolate cache) ─┐
 *                    └─ profile (customer, else visitor)  ─────┴─ decide → render slots → page
 *
 * Reads run in parallel, each under a deadline; every degradation is a reason code, never a 5xx.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { configFor } from '../../shared/config.ts';
import { requestContext, type CfProps } from '../context/request-context.ts';
import type { BanditStore } from '../data/bandit-store.ts';
import type { BundleStore } from '../../shared/data/bundle-store.ts';
import { profileFault, readProfile, type ProfileRead } from '../data/profile-store.ts';
import { debugMode } from '../debug/access.ts';
import { renderTracePanel } from '../debug/panel.tsx';
import { slotTrace, type Trace } from '../debug/trace.ts';
import { compile, pageForPath } from '../decide/compile.ts';
import { decide } from '../decide/decide.ts';
import { trackerTag } from '../events/tracker.ts';
import { decideWithExperiments, type Outcome } from '../experiments/assign.ts';
import type { Env } from '../env.ts';
import { VISITOR_COOKIE, clearVisitorCookie, visitorCookie } from '../identity/visitor.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import { pseudonym, pseudonymKey } from '../../shared/privacy/pseudonym.ts';
import { decisionRecord } from '../log/record.ts';
import { shipDecision } from '../log/ship.ts';
import { consentedIdentity } from '../privacy/identity.ts';
import { requestConsent } from '../privacy/request-consent.ts';
import { defaultDecisions } from '../decide/defaults.ts';
import type { Reason } from '../../shared/reasons.ts';
import { renderNotFound, renderPage, renderSetupPage } from '../render/page.tsx';
import { nonceFrom, securityHeaders } from '../security/headers.ts';
import { renderSlot } from '../render/slot.tsx';
import { fillFor } from '../render/text.ts';
import {
  PREVIEW_HEADERS,
  forceSegment,
  previewBundle,
  previewHead,
  previewIdentity,
  previewRibbon,
} from '../preview/apply.ts';
import type { PreviewSession } from '../../shared/auth/preview-token.ts';

export interface PageDeps {
  store: BundleStore;
  bandits: BanditStore;
  now: () => number;
  newId: () => string;
}

type Ctx = Context<{ Bindings: Env }>;

/** Per-request options resolved before the page (see worker/preview). */
export interface PageOptions {
  /** QA preview: another version and/or a forced segment; nothing logged, no cookie issued. */
  preview?: PreviewSession;
}

/** Headers on every HTML response, personalized or not (CSP, nosniff, referrer policy). */
export function htmlHeaders(nonce: string, extra: Record<string, string>): Headers {
  return new Headers({
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'private, no-store',
    vary: 'Cookie',
    ...securityHeaders(nonce),
    ...extra,
  });
}

export async function handlePage(
  c: Ctx,
  deps: PageDeps,
  { preview }: PageOptions = {},
): Promise<Response> {
  const config = configFor(c.env);
  const t0 = deps.now();
  const url = new URL(c.req.url);
  const decisionId = deps.newId();

  const nonce = nonceFrom(deps.newId());
  const cf = c.req.raw.cf as CfProps | undefined;

  // Consent first: the live bundle holds the per-country defaults, and the level decides whether
  // the identifier cookie may be read and the profile fetched (privacy/consent.ts). A QA preview
  // acts as a chosen visitor with full personalization: its identity is synthetic, never a cookie.
  const liveBundle = () =>
    deps.store.live(c.env.CONTENT, t0, config.kvDeadlineMs, config.pointerTtlMs);
  // The bandit snapshot does not depend on consent: fetch it alongside the bundle.
  const banditRead = deps.bandits.current(c.env.CONTENT, t0, config.kvDeadlineMs);
  const live = preview
    ? await previewBundle(deps.store, c.env.CONTENT, preview, liveBundle, config.kvDeadlineMs)
    : await liveBundle();
  const consent = preview
    ? { level: 'personal' as const, reasons: [] }
    : requestConsent(c, live.bundle?.site.consent);
  const ring = await keyringFor(config.visitorKeys);
  const { identity, clearCookie } = preview
    ? { identity: previewIdentity(preview), clearCookie: false }
    : await consentedIdentity(
        consent.level,
        ring,
        getCookie(c, VISITOR_COOKIE),
        Math.floor(t0 / 1000),
        deps.newId,
      );
  const t1 = deps.now();
  const [read, bandit] = await Promise.all([
    consent.level === 'personal'
      ? readProfile(c.env.PROFILES, identity, config.kvDeadlineMs)
      : Promise.resolve<ProfileRead>({ reasons: [] }),
    banditRead,
  ]);
  const t2 = deps.now();
  const reasons: Reason[] = [
    ...consent.reasons,
    ...(identity.reason ? [identity.reason] : []),
    ...live.reasons,
    ...read.reasons,
  ];
  if (bandit.reason && live.bundle?.experiments?.some((e) => e.type === 'bandit'))
    reasons.push(bandit.reason);

  const respond = (html: string, status: number, version: string, timing?: string) => {
    const headers = htmlHeaders(nonce, {
      'x-tessera-decision': decisionId,
      'x-tessera-version': version,
    });
    if (reasons.length) headers.set('x-tessera-reasons', [...new Set(reasons)].join(','));
    if (timing) headers.set('server-timing', timing);
    if (identity.issueToken) headers.append('set-cookie', visitorCookie(identity.issueToken));
    if (clearCookie) headers.append('set-cookie', clearVisitorCookie());
    if (preview) for (const [k, v] of Object.entries(PREVIEW_HEADERS)) headers.set(k, v);
    return new Response(html, { status, headers });
  };

  if (!live.bundle) return respond(renderSetupPage(nonce), 200, 'none');
  // preview: a forced segment swaps in a bundle/profile copy; otherwise these are the reads.
  const { bundle, profile } = preview
    ? forceSegment(live.bundle, read.profile, preview.segment)
    : { bundle: live.bundle, profile: read.profile };
  const page = pageForPath(bundle, url.pathname);
  if (!page) {
    reasons.push('page.not_found');
    return respond(renderNotFound(bundle, url.pathname, nonce), 404, bundle.version);
  }

  const context = requestContext({
    url,
    headers: c.req.raw.headers,
    cf,
    now: t0,
    returning: !identity.isNew || (profile?.behavior.visits ?? 0) > 0,
    ...(profile ? { profileVisits: profile.behavior.visits } : {}),
  });
  // Only a request that asks for the trace pays for verifying a token.
  const debug = await debugMode(
    url,
    c.req.header('authorization'),
    config.adminKeys,
    Math.floor(t0 / 1000),
  );
  const input = {
    bundle,
    pageId: page.id,
    profile,
    profileFault: profileFault(read),
    context,
    now: t0,
    trace: debug !== undefined,
  };
  // Consent `none`: every slot at its default, whatever the request says; no holdout, no arm.
  // `contextual` and up allow the pseudonymous cookie, so assignment hashes the visitor id and is
  // sticky. A preview shows QA the ladder, never a holdout or an experiment arm.
  const identifiersAllowed = consent.level !== 'none';
  const outcome: Outcome =
    consent.level === 'none'
      ? { decisions: defaultDecisions(bundle, page.id, 'consent'), holdout: false, exposures: [] }
      : preview
        ? { decisions: decide(input), holdout: false, exposures: [] }
        : decideWithExperiments(input, {
            unitId: identifiersAllowed ? identity.visitorId : decisionId,
            sticky: identifiersAllowed,
            snapshot: bandit.snapshot,
          });
  const decisions = outcome.decisions;
  const t3 = deps.now();

  const slots = compile(bundle).slots;
  const fill = fillFor(profile);
  const rendered = decisions.map((d) => {
    const slot = slots.get(d.slot);
    const out = slot
      ? renderSlot(slot, d, fill)
      : { html: '', variant: '', reason: 'slot.variant_missing' as const };
    if (out.reason) reasons.push(out.reason);
    return out;
  });
  const trace: Trace | undefined = debug && {
    decisionId,
    version: bundle.version,
    page: { id: page.id, path: page.path },
    profile: read.source ?? 'none',
    reasons: [...new Set(reasons)],
    context,
    slots: decisions.map((d, i) => slotTrace(d, rendered[i]?.variant ?? '')),
  };
  const html = renderPage({
    bundle,
    page,
    nonce,
    slots: rendered.map((r) => r.html),
    // The tracker sends page views and slot clicks (POST /events) with this decision id.
    // Not under consent `none`: without the visitor cookie there is nobody to attribute events to.
    bodyEnd:
      (consent.level === 'none' ? '' : trackerTag({ decisionId, nonce })) +
      (trace && debug === 'html' ? renderTracePanel(trace) : ''),
    // preview: noindex in <head> and the ribbon (before any trace panel) at the end of <body>.
    ...(preview
      ? {
          head: previewHead(),
          bodyEnd:
            previewRibbon(preview, bundle.version) +
            (trace && debug === 'html' ? renderTracePanel(trace) : ''),
        }
      : {}),
  });
  const t4 = deps.now();

  // The record leaves after the response: hashing the id and the queue send never delay it.
  // preview: never logged, so QA traffic never reaches the decision log or experiments.
  if (!preview)
    c.executionCtx.waitUntil(
      (async () => {
        const visitor = await pseudonym(await pseudonymKey(config.visitorKeys), identity.visitorId);
        const record = decisionRecord({
          id: decisionId,
          now: t0,
          version: bundle.version,
          page: page.id,
          visitor,
          consent: consent.level,
          profile: read.source ?? 'none',
          context,
          reasons,
          debug: debug !== undefined,
          slots: decisions.map((decision, i) => ({ decision, shown: rendered[i]?.variant ?? '' })),
          // At `none` the visitor is in no experiment population: a `personalized` holdout
          // exposure for a page of defaults would dilute the holdout's lift.
          experiments: {
            outcome,
            measuresHoldout: identifiersAllowed && (bundle.holdout?.share ?? 0) > 0,
            sticky: identifiersAllowed,
          },
        });
        await shipDecision(c.env.DECISIONS, record);
      })().catch((error: unknown) =>
        console.error(
          JSON.stringify({
            event: 'tessera.decision.log_failed',
            id: decisionId,
            error: String(error),
          }),
        ),
      ),
    );
  const timing = `identity;dur=${t1 - t0}, kv;dur=${t2 - t1}, decide;dur=${t3 - t2}, render;dur=${t4 - t3}, total;dur=${t4 - t0}`;
  if (trace && debug === 'json') {
    return new Response(JSON.stringify(trace), {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-tessera-decision': decisionId,
        'x-tessera-version': bundle.version,
        'server-timing': timing,
      },
    });
  }
  const res = respond(html, 200, bundle.version, timing);
  if (debug) res.headers.set('cache-control', 'no-store');
  return res;
}
