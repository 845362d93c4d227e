/**
 * `POST /events`: a batch of behavioural events from the tracker script (sendBeacon sends
 * `text/plain`) or the site's own code (`application/json`).
 *
 *   media type (415) → size, declared or read (413; shared/http/json-body.ts)
 *     → consent (as the page resolves it) → cookie (must verify; not read at all at consent `none`)
 *     → rate limits: per client address, then per visitor (none at `none`) (429)
 *     → JSON + schema (400, nothing queued) → consent `none`: 202, nothing stored
 *     → one EVENTS message per event → 202 { accepted }
 *
 * Errors are the one JSON error body (shared/http/errors.ts; codes in docs/errors.md).
 *
 * Consent decides what is kept (docs/privacy.md): `personal` — the events and the profile
 * updates they drive; `contextual` — the events under the visitor's pseudonym, no profile, no
 * customer id; `none` — nothing (the batch is validated, then discarded; the answer says so).
 *
 * All or nothing: a batch with one bad event is rejected whole, so a client never has to work
 * out which events got through. If the queue cannot take the batch we answer 503 with
 * Retry-After: the client (the tracker retries once per page; the site's own code should too)
 * sends the same event ids again and the consumer counts them once. A 202 with `accepted > 0`
 * means the queue holds every event; from there the consumer retries and dead-letters, never drops.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { Hono } from 'hono/tiny';
import { configFor } from '../../shared/config.ts';
import type { BundleStore } from '../../shared/data/bundle-store.ts';
import { NO_STORE } from '../../shared/http/cache.ts';
import { ApiError } from '../../shared/http/errors.ts';
import { jsonBody, readJson } from '../../shared/http/json-body.ts';
import { asJsonApi } from '../../shared/http/on-error.ts';
import type { Env } from '../env.ts';
import { eventMessages } from '../events/messages.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import { VISITOR_COOKIE } from '../identity/visitor.ts';
import { verifyVisitorToken } from '../../shared/auth/visitor-token.ts';
import { requestConsent } from '../privacy/request-consent.ts';
import { RATE_WINDOW_SECONDS, overEventLimit } from '../security/rate-limit.ts';
import { MAX_EVENTS_BODY_BYTES } from '../../shared/schema/event-limits.ts';
import { EventBatch } from '../../shared/schema/validators.gen.ts';

type Ctx = Context<{ Bindings: Env }>;

export interface EventsDeps {
  /** The page's bundle store: on a warm isolate the consent policy costs no KV read. */
  store: BundleStore;
  now: () => number;
}

export const RETRY_AFTER_SECONDS = 5;

const noStore = { 'cache-control': NO_STORE };

async function verifiedSender(c: Ctx, nowMs: number) {
  const token = getCookie(c, VISITOR_COOKIE);
  if (!token) return undefined;
  const ring = await keyringFor(configFor(c.env).visitorKeys);
  const verified = await verifyVisitorToken(ring, token, Math.floor(nowMs / 1000));
  return verified.ok ? verified.claims : undefined;
}

/** `POST /events` as a JSON app of its own (mounted at /events): its errors are the one JSON body. */
export function eventRoutes(deps: EventsDeps) {
  const app = asJsonApi(new Hono<{ Bindings: Env }>());
  app.post(
    '/',
    jsonBody({
      maxBytes: MAX_EVENTS_BODY_BYTES,
      // sendBeacon sends text/plain.
      types: ['application/json', 'text/plain'],
      tooLargeHint: 'send fewer events per request',
    }),
    (c) => handleEvents(c, deps),
  );
  return app;
}

export async function handleEvents(c: Ctx, deps: EventsDeps): Promise<Response> {
  const t0 = deps.now();
  const config = configFor(c.env);
  const live = await deps.store.live(c.env.CONTENT, t0, config.kvDeadlineMs, config.pointerTtlMs);
  const consent = requestConsent(c, live.bundle?.site.consent);
  const reasons: Record<string, string> = consent.reasons.length
    ? { 'x-tessera-reasons': consent.reasons.join(',') }
    : {};
  // At `none` the identifier cookie is neither read nor needed: nothing will be stored.
  const sender = consent.level === 'none' ? undefined : await verifiedSender(c, t0);
  if (consent.level !== 'none' && !sender)
    throw new ApiError(
      'no_visitor',
      'events need a valid visitor cookie (__Host-tsr_vid), which any page view sets',
    );
  const over = await overEventLimit(
    { perAddress: c.env.EVENTS_IP_RATE, perVisitor: c.env.EVENTS_RATE },
    { visitorId: sender?.sub, ip: c.req.header('cf-connecting-ip') },
  );
  if (over)
    throw new ApiError(
      'rate_limited',
      `too many event requests from this ${over}; retry in ${RATE_WINDOW_SECONDS} s (events in this request were not accepted)`,
      { headers: { 'retry-after': String(RATE_WINDOW_SECONDS) } },
    );

  const batch = await readJson(c, EventBatch, {
    expected: 'nothing was accepted; expected {"events": [...]}',
    maxIssues: 20,
  });

  if (consent.level === 'none' || !sender) {
    // A valid batch the visitor has not consented to us keeping: nothing to retry, nothing kept.
    return c.json(
      {
        accepted: 0,
        discarded: batch.events.length,
        reason: 'consent.none',
        message: 'consent is "none": these events were not stored',
      },
      202,
      { ...noStore, ...reasons },
    );
  }
  const messages = eventMessages(
    consent.level,
    sender,
    batch.events,
    deps.now(),
    batch.channel,
  ).map((body) => ({ body, contentType: 'json' as const }));
  try {
    await c.env.EVENTS.sendBatch(messages);
  } catch (cause) {
    throw new ApiError(
      'queue_unavailable',
      `events could not be queued; retry in ${RETRY_AFTER_SECONDS} s with the same event ids`,
      { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) }, cause },
    );
  }
  return c.json({ accepted: messages.length }, 202, { ...noStore, ...reasons });
}
