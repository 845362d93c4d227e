/**
 * `POST /v1/events`: what a browser sends to `POST /events`, sent by a server for a subject it
 * names, with the channel it happened in and the consent it holds — so conversions in an app or
 * an email click join the exposures the decision API logged for the same person. The same queue,
 * consumer and consent rules as `POST /events`: `personal` keeps events and updates the profile,
 * `contextual` keeps them under the pseudonym only, `none` keeps nothing (202, `accepted: 0`).
 * All or nothing: 202 once the queue holds every event; 503 (resend the same event ids) if not.
 */
import { verifyVisitorToken } from '../../shared/auth/visitor-token.ts';
import { keyringFor } from '../../shared/auth/keyring.ts';
import type { HmacKey } from '../../shared/config.ts';
import type { EventsAnswer } from '../../shared/schema/decision-api-answers.ts';
import type { ServerEventsRequest, Subject } from '../../shared/schema/decision-api.ts';
import { eventMessages, type Sender } from '../events/messages.ts';
import { customerPseudonymInput } from '../../shared/privacy/pseudonym.ts';
import { ApiProblem } from './errors.ts';

export const EVENTS_RETRY_AFTER_SECONDS = 5;

/** The sender the events consumer expects, as the decision API's who.ts names the same subject. */
async function senderOf(
  subject: Subject,
  visitorKeys: HmacKey[],
  nowSeconds: number,
): Promise<Sender> {
  if (subject.cookie !== undefined) {
    const verified = await verifyVisitorToken(
      await keyringFor(visitorKeys),
      subject.cookie,
      nowSeconds,
    );
    if (!verified.ok) {
      throw new ApiProblem(
        422,
        'invalid_subject',
        `subject.cookie: not a valid visitor cookie (${verified.failure}); send the visitorId instead if you know it`,
      );
    }
    return {
      sub: verified.claims.sub,
      ...(verified.claims.cid ? { cid: verified.claims.cid } : {}),
    };
  }
  if (subject.visitorId !== undefined) {
    return { sub: subject.visitorId, ...(subject.customerId ? { cid: subject.customerId } : {}) };
  }
  const cid = subject.customerId!;
  return { sub: customerPseudonymInput(cid), cid };
}

export async function queueServerEvents(
  queue: Queue,
  body: ServerEventsRequest,
  visitorKeys: HmacKey[],
  now: number,
): Promise<EventsAnswer> {
  if (body.consent === 'none') {
    return {
      accepted: 0,
      discarded: body.events.length,
      reason: 'consent.none',
      message: 'consent is "none": these events were not stored',
    };
  }
  const sender = await senderOf(body.subject, visitorKeys, Math.floor(now / 1000));
  const messages = eventMessages(body.consent, sender, body.events, now, body.channel);
  try {
    await queue.sendBatch(messages.map((m) => ({ body: m, contentType: 'json' as const })));
  } catch {
    throw new ApiProblem(
      503,
      'queue_unavailable',
      `events could not be queued; retry in ${EVENTS_RETRY_AFTER_SECONDS} s with the same event ids`,
      { headers: { 'retry-after': String(EVENTS_RETRY_AFTER_SECONDS) } },
    );
  }
  return { accepted: messages.length };
}
