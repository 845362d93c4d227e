/**
 * Behavioural events: what `POST /events` accepts (from the tracker script or the site's own
 * code) and what travels on the EVENTS queue to the consumer.
 */
import * as z from './zod.ts';
import { dict } from './dict.ts';
import { Channel } from './channel.ts';
import { CONSENT_LEVELS, type ConsentLevel } from './consent.ts';

import { MAX_EVENTS_PER_BATCH } from './event-limits.ts';
export { MAX_EVENTS_PER_BATCH, MAX_EVENTS_BODY_BYTES } from './event-limits.ts';

/** Client-generated, so a retried beacon carries the same id and is counted once. */
export const EventId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, '8–64 letters, digits, _ or - (e.g. a UUID)'));
const Sku = z.string().check(z.minLength(1), z.maxLength(64));
const Category = z.string().check(z.minLength(1), z.maxLength(64));

const base = {
  id: EventId,
  /** Client time in ms since the epoch; clamped by the server to the last 24 hours. */
  at: z.optional(z.number().check(z.int(), z.gte(0))),
  /** The page's decision id (X-Tessera-Decision), linking the event to what was shown. */
  decisionId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  path: z.optional(z.string().check(z.maxLength(512))),
};

export const TrackedEvent = z.discriminatedUnion('type', [
  z.strictObject({
    ...base,
    type: z.literal('page_view'),
    sku: z.optional(Sku),
    category: z.optional(Category),
  }),
  z.strictObject({
    ...base,
    type: z.literal('click'),
    slot: z.string().check(z.minLength(1), z.maxLength(64)),
    variant: z.optional(z.string().check(z.maxLength(64))),
  }),
  z.strictObject({
    ...base,
    type: z.literal('add_to_cart'),
    sku: Sku,
    qty: z._default(z.number().check(z.int(), z.gte(1), z.lte(99)), 1),
    category: z.optional(Category),
  }),
  z.strictObject({
    ...base,
    type: z.literal('purchase'),
    value: z.number().check(z.gte(0), z.lte(1e9)),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as "EUR"')),
    orderId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  }),
  z.strictObject({
    ...base,
    type: z.literal('custom'),
    name: z
      .string()
      .check(z.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, _ . : - (at most 64)')),
    props: z.optional(
      dict(
        z.string().check(z.maxLength(64)),
        z.union([z.string().check(z.maxLength(200)), z.number(), z.boolean()]),
      ),
    ),
  }),
]);
export type TrackedEvent = z.infer<typeof TrackedEvent>;
export type EventType = TrackedEvent['type'];

export const EventBatch = z.strictObject({
  /** Where the events happened (default `web`: the tracker and the site's own pages). */
  channel: z.optional(Channel),
  events: z
    .array(TrackedEvent)
    .check(
      z.minLength(1, 'send at least one event'),
      z.maxLength(MAX_EVENTS_PER_BATCH, `at most ${MAX_EVENTS_PER_BATCH} events per request`),
    ),
});

/**
 * The consent levels under which an event is queued at all: at `none` nothing is stored, so
 * `POST /events` queues nothing (docs/privacy.md).
 */
export const EventConsent = z.enum(
  CONSENT_LEVELS.filter((l): l is Exclude<ConsentLevel, 'none'> => l !== 'none'),
);
export type EventConsent = z.infer<typeof EventConsent>;

/** One EVENTS queue message: one event plus who sent it (from the verified cookie) and when. */
export const EventMessage = z.object({
  v: z.literal(1),
  /**
   * The request's consent level: `personal` updates the profile (and stitches); `contextual`
   * stores the event under the visitor's pseudonym only and never carries a customer id.
   * Messages queued before the field existed were all treated as `personal`.
   */
  consent: z._default(EventConsent, 'personal'),
  visitorId: z.string().check(z.minLength(1), z.maxLength(128)),
  customerId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  receivedAt: z.number().check(z.int(), z.gte(0)),
  /** Where it happened (shared/schema/channel.ts); messages from before the field are `web`. */
  channel: z._default(Channel, 'web'),
  event: TrackedEvent,
});
export type EventMessage = z.infer<typeof EventMessage>;
