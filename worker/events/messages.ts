/**
 * What goes on the EVENTS queue for an accepted batch: one message per event, naming the sender
 * only as far as their consent allows. Pure.
 *
 * - `personal`: the visitor id and, when the cookie has one, the customer id (profile updates
 *   and stitching follow in the consumer);
 * - `contextual`: the visitor id only, so the event joins the visitor's experiment exposures
 *   under its pseudonym in D1, but never a known customer and never a profile.
 *
 * There is no message at `none`: such events are not stored at all (see routes/events.ts).
 */
import type { Channel } from '../../shared/schema/channel.ts';
import { WEB } from '../../shared/schema/channels.ts';
import type { EventConsent, EventMessage, TrackedEvent } from '../../shared/schema/events.ts';

export interface Sender {
  /** The verified cookie's claims. */
  sub: string;
  cid?: string;
}

export function eventMessages(
  consent: EventConsent,
  sender: Sender,
  events: readonly TrackedEvent[],
  receivedAt: number,
  channel: Channel = WEB,
): EventMessage[] {
  const customer = consent === 'personal' && sender.cid ? { customerId: sender.cid } : {};
  return events.map((event) => ({
    v: 1,
    consent,
    visitorId: sender.sub,
    ...customer,
    receivedAt,
    channel,
    event,
  }));
}
