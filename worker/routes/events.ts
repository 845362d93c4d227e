/**
 * `POST /events`: a batch of behavioural events from the tracker script (sendBeacon sends
 * `text/plain`) or the site's own code (`application/json`).
 *
 *   media type (415) → declared size (413) → consent (as the page resolves it)
 *     → cookie (must verify; not read at all at consent `none`)
 *     → rate limit per visitor, or per IP at `none` (429) → size (413)
 *     → JSON + schema (400, nothing queued) → consent `none`: 202, nothing stored
 *     → one EVENTS message per event → 202 { accepted }
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
import { configFor } from '../../shared/config.ts';
import type { BundleStore } from '../../shared/data/bundle-store.ts';
import type { Env } from '../env.ts';
import { eventMessages } from '../events/messages.ts';
import { readLimited } from '../events/read-limited.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import { VISITOR_COOKIE } from '../identity/visitor.ts';
import { verifyVisitorToken } from '../../shared/auth/visitor-token.ts';
import { requestConsent } from '../privacy/request-consent.ts';
import { RATE_WINDOW_SECONDS, rateKey, withinLimit } from '../security/rate-limit.ts';
import { EventBatch, MAX_EVENTS_BODY_BYTES } from '../../shared/schema/events.ts';

type Ctx = Context<{ Bindings: Env }>;

export interface EventsDeps {
  /** The page's bundle store: on a warm isolate the consent policy costs no KV read. */
  store: BundleStore;
  now: () => number;
}

export const RETRY_AFTER_SECONDS = 5;

const NO_STORE = { 'cache-control': 'no-store' };

function problem(
  c: Ctx,
  status: 400 | 401 | 413 | 415 | 429 | 503,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
) {
  const headers: Record<string, string> = { ...NO_STORE };
  if (status === 503) headers['retry-after'] = String(RETRY_AFTER_SECONDS);
  if (status === 429) headers['retry-after'] = String(RATE_WINDOW_SECONDS);
  return c.json({ error: { code, message, ...extra } }, status, headers);
}

async function verifiedSender(c: Ctx, nowMs: number) {
  const token = getCookie(c, VISITOR_COOKIE);
  if (!token) return undefined;
  const ring = await keyringFor(configFor(c.env).visitorKeys);
  const verified = await verifyVisitorToken(ring, token, Math.floor(nowMs / 1000));
  return verified.ok ? verified.claims : undefined;
}

export async function handleEvents(c: Ctx, deps: EventsDeps): Promise<Response> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && type !== 'text/plain') {
    return problem(
      c,
      415,
      'unsupported_media_type',
      'send the batch as application/json (or text/plain, as sendBeacon does)',
    );
  }
  const declared = Number(c.req.header('content-length'));
  if (declared > MAX_EVENTS_BODY_BYTES) {
    return problem(
      c,
      413,
      'body_too_large',
      `the body is ${declared} bytes; at most ${MAX_EVENTS_BODY_BYTES} are accepted — send fewer events per request`,
    );
  }

  const t0 = deps.now();
  const config = configFor(c.env);
  const live = await deps.store.live(c.env.CONTENT, t0, config.kvDeadlineMs, config.pointerTtlMs);
  const consent = requestConsent(c, live.bundle?.site.consent);
  const reasons: Record<string, string> = consent.reasons.length
    ? { 'x-tessera-reasons': consent.reasons.join(',') }
    : {};
  // At `none` the identifier cookie is neither read nor needed: nothing will be stored.
  const sender = consent.level === 'none' ? undefined : await verifiedSender(c, t0);
  if (consent.level !== 'none' && !sender) {
    return problem(
      c,
      401,
      'no_visitor',
      'events need a valid visitor cookie (__Host-tsr_vid), which any page view sets',
    );
  }
  const key = rateKey(sender?.sub, c.req.header('cf-connecting-ip'));
  if (!(await withinLimit(c.env.EVENTS_RATE, key))) {
    return problem(
      c,
      429,
      'rate_limited',
      `too many event requests from this ${sender ? 'visitor' : 'address'}; retry in ${RATE_WINDOW_SECONDS} s (events in this request were not accepted)`,
    );
  }

  const text = await readLimited(c.req.raw, MAX_EVENTS_BODY_BYTES);
  if (text === undefined) {
    return problem(
      c,
      413,
      'body_too_large',
      `at most ${MAX_EVENTS_BODY_BYTES} bytes are accepted — send fewer events per request`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return problem(
      c,
      400,
      'invalid_json',
      'the body is not valid JSON; expected {"events": [...]}',
    );
  }
  const parsed = EventBatch.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 20)
      .map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    return problem(
      c,
      400,
      'invalid_events',
      `${issues[0]?.path || 'body'}: ${issues[0]?.message ?? 'invalid'} (nothing was accepted)`,
      { issues },
    );
  }

  if (consent.level === 'none' || !sender) {
    // A valid batch the visitor has not consented to us keeping: nothing to retry, nothing kept.
    return c.json(
      {
        accepted: 0,
        discarded: parsed.data.events.length,
        reason: 'consent.none',
        message: 'consent is "none": these events were not stored',
      },
      202,
      { ...NO_STORE, ...reasons },
    );
  }
  const messages = eventMessages(consent.level, sender, parsed.data.events, deps.now()).map(
    (body) => ({ body, contentType: 'json' as const }),
  );
  try {
    await c.env.EVENTS.sendBatch(messages);
  } catch {
    return problem(
      c,
      503,
      'queue_unavailable',
      `events could not be queued; retry in ${RETRY_AFTER_SECONDS} s with the same event ids`,
    );
  }
  return c.json({ accepted: messages.length }, 202, { ...NO_STORE, ...reasons });
}
